//! Collective operations with results that do not depend on the number of ranks: exact reductions (min/max),
//! and gathers that return data in rank order so callers can re-sort by global id and sum in a fixed order.

use mpi::datatype::{Partition, PartitionMut};
use mpi::topology::SimpleCommunicator;
use mpi::traits::{Communicator, CommunicatorCollectives, Equivalence, Root};
use mpi::Count;

/// The communicator of a run (MPI_COMM_WORLD) with the collectives the solver needs.
pub struct Comm {
    world: SimpleCommunicator,
    rank: usize,
    size: usize,
}

impl Comm {
    /// Wraps a communicator.
    pub fn new(world: SimpleCommunicator) -> Self {
        let (rank, size) = (world.rank() as usize, world.size() as usize);
        Comm { world, rank, size }
    }

    /// The raw communicator (for MPI-IO).
    pub fn raw(&self) -> &SimpleCommunicator {
        &self.world
    }

    /// This rank.
    pub fn rank(&self) -> usize {
        self.rank
    }

    /// Number of ranks.
    pub fn size(&self) -> usize {
        self.size
    }

    /// True on rank 0, which prints and writes the small files.
    pub fn is_root(&self) -> bool {
        self.rank == 0
    }

    /// Waits for every rank.
    pub fn barrier(&self) {
        self.world.barrier();
    }

    /// Element-wise maximum over ranks (exact, so independent of the rank count and order). Arrays, not
    /// vectors: called every step, it does not allocate.
    pub fn max<const N: usize>(&self, local: [f64; N]) -> [f64; N] {
        let mut out = [0.0; N];
        self.world.all_reduce_into(
            &local[..],
            &mut out[..],
            mpi::collective::SystemOperation::max(),
        );
        out
    }

    /// Element-wise maximum of unsigned integers over ranks (without allocating, as [`Comm::max`]).
    pub fn max_u64<const N: usize>(&self, local: [u64; N]) -> [u64; N] {
        let mut out = [0u64; N];
        self.world.all_reduce_into(
            &local[..],
            &mut out[..],
            mpi::collective::SystemOperation::max(),
        );
        out
    }

    /// Sums over ranks of `N` series of terms (`terms[q]` this rank's terms of series `q`) that give the same
    /// bits for any number of ranks and any split of the terms ([`super::exact_sum`]): one exact maximum
    /// and one gather of 16 bytes per series and rank. Every rank gets the sums.
    pub fn exact_sums<const N: usize>(&self, terms: [&[f64]; N]) -> [f64; N] {
        let local_max = terms.map(|t| t.iter().fold(0.0, |m: f64, x| m.max(x.abs())));
        let e = self.max(local_max).map(super::exact_sum::scale_exponent);
        let words: Vec<u64> = (0..N)
            .flat_map(|q| {
                let s = super::exact_sum::fixed_sum(terms[q].iter().copied(), e[q]);
                super::exact_sum::split_words(s)
            })
            .collect();
        let all = self.all_gather(&words);
        std::array::from_fn(|q| {
            let total: i128 = all
                .chunks_exact(2 * N)
                .map(|r| super::exact_sum::join_words([r[2 * q], r[2 * q + 1]]))
                .sum();
            super::exact_sum::from_fixed(total, e[q])
        })
    }

    /// Every rank's `local` concatenated in rank order, on every rank.
    pub fn all_gather<T: Equivalence + Copy + Default>(&self, local: &[T]) -> Vec<T> {
        let counts = self.all_counts(local.len());
        let displs = displacements(&counts);
        let total = counts.iter().map(|&c| c as usize).sum();
        let mut out = vec![T::default(); total];
        {
            let mut part = PartitionMut::new(&mut out[..], &counts[..], &displs[..]);
            self.world.all_gather_varcount_into(local, &mut part);
        }
        out
    }

    /// Every rank's `local` concatenated in rank order, on rank 0 (`None` elsewhere).
    pub fn gather_root<T: Equivalence + Copy + Default>(&self, local: &[T]) -> Option<Vec<T>> {
        let counts = self.all_counts(local.len());
        let root = self.world.process_at_rank(0);
        if self.is_root() {
            let displs = displacements(&counts);
            let total = counts.iter().map(|&c| c as usize).sum();
            let mut out = vec![T::default(); total];
            {
                let mut part = PartitionMut::new(&mut out[..], &counts[..], &displs[..]);
                root.gather_varcount_into_root(local, &mut part);
            }
            Some(out)
        } else {
            root.gather_varcount_into(local);
            None
        }
    }

    /// Sends `send[r]` to rank `r` for every `r`; returns what each rank sent here, in rank order.
    pub fn all_to_all<T: Equivalence + Copy + Default>(&self, send: &[Vec<T>]) -> Vec<Vec<T>> {
        assert_eq!(send.len(), self.size);
        let scounts: Vec<Count> = send.iter().map(|v| count(v.len())).collect();
        let mut rcounts = vec![0 as Count; self.size];
        self.world.all_to_all_into(&scounts[..], &mut rcounts[..]);
        let sflat: Vec<T> = send.iter().flatten().copied().collect();
        let sdispls = displacements(&scounts);
        let rdispls = displacements(&rcounts);
        let total: usize = rcounts.iter().map(|&c| c as usize).sum();
        let mut rflat = vec![T::default(); total];
        {
            let spart = Partition::new(&sflat[..], &scounts[..], &sdispls[..]);
            let mut rpart = PartitionMut::new(&mut rflat[..], &rcounts[..], &rdispls[..]);
            self.world.all_to_all_varcount_into(&spart, &mut rpart);
        }
        rcounts
            .iter()
            .zip(&rdispls)
            .map(|(&c, &d)| rflat[d as usize..(d + c) as usize].to_vec())
            .collect()
    }

    /// Rank 0's `values` on every rank (all ranks pass a slice of the same length).
    pub fn broadcast_i32(&self, values: &mut [i32]) {
        self.world.process_at_rank(0).broadcast_into(values);
    }

    /// A value of rank 0 on every rank.
    pub fn broadcast_f64(&self, value: f64) -> f64 {
        let mut v = [value];
        self.world.process_at_rank(0).broadcast_into(&mut v[..]);
        v[0]
    }

    fn all_counts(&self, n: usize) -> Vec<Count> {
        let mut counts = vec![0 as Count; self.size];
        self.world.all_gather_into(&count(n), &mut counts[..]);
        counts
    }

    /// Aborts every rank with `code`.
    pub fn abort(&self, code: i32) -> ! {
        self.world.abort(code)
    }
}

fn count(n: usize) -> Count {
    Count::try_from(n).expect("more than 2^31 elements in one MPI message")
}

fn displacements(counts: &[Count]) -> Vec<Count> {
    counts
        .iter()
        .scan(0 as Count, |acc, &c| {
            let d = *acc;
            *acc += c;
            Some(d)
        })
        .collect()
}
