//! Halo exchange: the lists of cells each rank sends to and receives from its neighbours, built from the
//! local domains alone, and a non-blocking exchange that overlaps the messages with computation.

use std::time::Instant;

use mpi::traits::{Communicator, Destination, Source};

use super::Comm;
use crate::domain::LocalDomain;
use crate::physics::State;

/// One neighbour rank: what goes there and what comes from there.
#[derive(Debug, Clone)]
struct Peer {
    rank: usize,
    /// Indices into the owned cells, in the order the neighbour asked for them (increasing global id).
    send: Vec<usize>,
    /// Indices into the halo cells (increasing global id).
    recv: Vec<usize>,
    sbuf: Vec<f64>,
    rbuf: Vec<f64>,
}

/// The send and receive lists of one rank, with message buffers.
#[derive(Debug, Clone)]
pub struct HaloPlan {
    peers: Vec<Peer>,
    n_halo: usize,
}

impl HaloPlan {
    /// Builds the plan: each rank tells every owner which of its cells it needs (one all-to-all), so the
    /// lists follow from the stencils whatever their shape.
    pub fn new(comm: &Comm, dom: &LocalDomain) -> Self {
        let size = comm.size();
        let mut want: Vec<Vec<u64>> = vec![Vec::new(); size];
        let mut recv: Vec<Vec<usize>> = vec![Vec::new(); size];
        for (h, (&c, &o)) in dom.halo.iter().zip(&dom.halo_owner).enumerate() {
            want[o].push(c as u64);
            recv[o].push(h);
        }
        let asked = comm.all_to_all(&want);
        let mut peers = Vec::new();
        for r in 0..size {
            if asked[r].is_empty() && recv[r].is_empty() {
                continue;
            }
            let send: Vec<usize> = asked[r]
                .iter()
                .map(|&c| {
                    dom.owned_index(c as usize)
                        .expect("a rank asked for a cell this rank does not own")
                })
                .collect();
            peers.push(Peer {
                rank: r,
                sbuf: vec![0.0; 4 * send.len()],
                rbuf: vec![0.0; 4 * recv[r].len()],
                send,
                recv: std::mem::take(&mut recv[r]),
            });
        }
        HaloPlan {
            peers,
            n_halo: dom.halo.len(),
        }
    }

    /// Number of neighbour ranks.
    pub fn neighbours(&self) -> usize {
        self.peers.len()
    }

    /// Cells received per exchange.
    pub fn n_halo(&self) -> usize {
        self.n_halo
    }

    /// Bytes sent per exchange.
    pub fn bytes_sent(&self) -> usize {
        self.peers.iter().map(|p| 8 * p.sbuf.len()).sum()
    }

    /// Packs the values to send: `owned(k)` for owned index `k`.
    pub fn pack(&mut self, owned: impl Fn(usize) -> State) {
        for p in &mut self.peers {
            for (k, &o) in p.send.iter().enumerate() {
                p.sbuf[4 * k..4 * k + 4].copy_from_slice(&owned(o));
            }
        }
    }

    /// Exchanges the packed halo values: starts every receive and send, runs `overlap` while the messages
    /// travel, then waits. Returns the result of `overlap` and the seconds spent waiting. The received
    /// values are then read with [`HaloPlan::received`].
    pub fn exchange<R>(&mut self, comm: &Comm, overlap: impl FnOnce() -> R) -> (R, f64) {
        let world = comm.raw();
        mpi::request::scope(|scope| {
            let mut reqs = Vec::with_capacity(2 * self.peers.len());
            let mut sends = Vec::with_capacity(self.peers.len());
            for p in self.peers.iter_mut() {
                let proc = world.process_at_rank(p.rank as i32);
                let Peer { sbuf, rbuf, .. } = p;
                reqs.push(proc.immediate_receive_into(scope, &mut rbuf[..]));
                sends.push(proc.immediate_send(scope, &sbuf[..]));
            }
            let r = overlap();
            let t0 = Instant::now();
            for q in reqs {
                q.wait();
            }
            for q in sends {
                q.wait();
            }
            (r, t0.elapsed().as_secs_f64())
        })
    }

    /// Calls `put(h, value)` for every halo index `h` with the value just received.
    pub fn received(&self, mut put: impl FnMut(usize, State)) {
        for p in &self.peers {
            for (k, &h) in p.recv.iter().enumerate() {
                let b = &p.rbuf[4 * k..4 * k + 4];
                put(h, [b[0], b[1], b[2], b[3]]);
            }
        }
    }
}
