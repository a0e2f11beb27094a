//! The lock of an output directory: `DIR/.gasket.lock` names the host and process id of the run writing
//! into `DIR`, so that a second run started into the same directory stops instead of mixing its files in.
//!
//! The lock file is created with `create_new` (atomic: of two runs only one creates it) and removed when
//! the [`OutputLock`] is dropped. A lock left behind by a process that no longer exists on this host (a run
//! killed with SIGKILL, or aborted by another rank) is stale and taken over with a warning.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Name of the lock file inside the output directory.
pub const LOCK_FILE: &str = ".gasket.lock";

/// Why an output directory could not be locked.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another live run holds the lock (or a run on another host, whose liveness cannot be checked).
    #[error("{} is in use by {host} pid {pid} (lock file {}; remove it if that run has ended)",
            dir.display(), dir.join(LOCK_FILE).display())]
    Busy {
        /// The output directory.
        dir: PathBuf,
        /// Host of the run holding the lock.
        host: String,
        /// Process id of the run holding the lock.
        pid: u32,
    },
    /// The lock file exists but does not name a run, or cannot be read, created or written.
    #[error("{}: {message}", dir.join(LOCK_FILE).display())]
    Unusable {
        /// The output directory.
        dir: PathBuf,
        /// What is wrong.
        message: String,
    },
}

/// Who holds a lock: host name and process id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    /// Host name.
    pub host: String,
    /// Process id.
    pub pid: u32,
}

impl Holder {
    /// This process on this host.
    pub fn me() -> Self {
        Holder {
            host: host_name(),
            pid: std::process::id(),
        }
    }

    /// The lock file's text: `host=NAME` and `pid=N` lines.
    pub fn to_text(&self) -> String {
        format!("host={}\npid={}\n", self.host, self.pid)
    }

    /// Parses a lock file's text; `None` if it does not name a host and a pid.
    pub fn parse(text: &str) -> Option<Self> {
        let mut host = None;
        let mut pid = None;
        for line in text.lines() {
            match line.split_once('=') {
                Some(("host", h)) if !h.trim().is_empty() => host = Some(h.trim().to_string()),
                Some(("pid", p)) => pid = p.trim().parse().ok(),
                _ => {}
            }
        }
        Some(Holder {
            host: host?,
            pid: pid?,
        })
    }

    /// True if the holder is known to be gone: on this host, and no process has its id.
    pub fn is_stale(&self) -> bool {
        self.host == host_name() && !process_exists(self.pid)
    }
}

/// The name of this host (`/proc/sys/kernel/hostname`, else `$HOSTNAME`, else `localhost`).
pub fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_string())
}

/// True if a process with id `pid` exists on this host. Without `/proc` (not Linux) every process is
/// assumed to exist, so that no lock is ever taken over wrongly.
fn process_exists(pid: u32) -> bool {
    if !Path::new("/proc/self").exists() {
        return true;
    }
    Path::new(&format!("/proc/{pid}")).exists()
}

/// A held lock on an output directory; dropping it removes the lock file (if it is still this one).
#[derive(Debug)]
pub struct OutputLock {
    path: PathBuf,
    text: String,
}

impl OutputLock {
    /// Locks `dir` (which must exist) for this process. A stale lock is taken over with a warning on
    /// stderr; a live one gives [`LockError::Busy`].
    pub fn acquire(dir: &Path) -> Result<Self, LockError> {
        let path = dir.join(LOCK_FILE);
        let text = Holder::me().to_text();
        let unusable = |message: String| LockError::Unusable {
            dir: dir.to_path_buf(),
            message,
        };
        // A few rounds: each lost race against another run re-examines the lock it left.
        for _ in 0..3 {
            match create_new(&path, &text) {
                Ok(()) => return Ok(OutputLock { path, text }),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(unusable(format!("cannot create the lock file: {e}"))),
            }
            let holder = read_holder(&path).map_err(&unusable)?;
            let Some(holder) = holder else {
                continue; // removed meanwhile
            };
            if !holder.is_stale() {
                return Err(LockError::Busy {
                    dir: dir.to_path_buf(),
                    host: holder.host,
                    pid: holder.pid,
                });
            }
            eprintln!(
                "gasket: warning: taking over the stale lock {} of {} pid {} (no such process)",
                path.display(),
                holder.host,
                holder.pid
            );
            remove_stale(&path, &holder).map_err(&unusable)?;
        }
        Err(unusable(
            "other runs keep taking the lock; try again".to_string(),
        ))
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        // Remove only our own lock (a run that took over a lock it thought stale must keep its own).
        if std::fs::read_to_string(&self.path).is_ok_and(|t| t == self.text) {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Creates `path` with `text`, failing with `AlreadyExists` if it exists.
fn create_new(path: &Path, text: &str) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    let written = f.write_all(text.as_bytes()).and_then(|()| f.sync_all());
    if written.is_err() {
        let _ = std::fs::remove_file(path);
    }
    written
}

/// The holder named by an existing lock file, `None` if it is gone. A file just created by another run
/// may still be empty: it is read again after a moment before it is called malformed.
fn read_holder(path: &Path) -> Result<Option<Holder>, String> {
    for attempt in 0..2 {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("cannot read the lock file: {e}")),
        };
        if let Some(h) = Holder::parse(&text) {
            return Ok(Some(h));
        }
        if attempt == 0 {
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
    }
    Err(
        "the lock file does not name a run (`host=...`, `pid=...`); remove it if no run uses \
         this directory"
            .to_string(),
    )
}

/// Removes a stale lock, unless another run has replaced it meanwhile: the lock is first renamed to a
/// name of this process (atomic: of two runs taking it over, one renames it), then checked.
fn remove_stale(path: &Path, holder: &Holder) -> Result<(), String> {
    let mut aside = path.as_os_str().to_os_string();
    aside.push(format!(".stale.{}", std::process::id()));
    let aside = PathBuf::from(aside);
    match std::fs::rename(path, &aside) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(format!("cannot remove the stale lock file: {e}")),
    }
    let moved = std::fs::read_to_string(&aside).ok();
    if moved.as_deref().and_then(Holder::parse).as_ref() != Some(holder) {
        // A live run's fresh lock: put it back (unless yet another run holds the name).
        let _ = std::fs::hard_link(&aside, path);
    }
    let _ = std::fs::remove_file(&aside);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(tag: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("gasket-lock-{}-{tag}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    /// The id of a process that has ended (and been reaped).
    fn dead_pid() -> u32 {
        let mut c = std::process::Command::new("true").spawn().unwrap();
        let pid = c.id();
        c.wait().unwrap();
        pid
    }

    #[test]
    fn holder_text_round_trips() {
        let h = Holder {
            host: "node-7".into(),
            pid: 4242,
        };
        assert_eq!(Holder::parse(&h.to_text()), Some(h));
        assert_eq!(Holder::parse(""), None);
        assert_eq!(Holder::parse("host=a\npid=x\n"), None);
    }

    #[test]
    fn second_lock_is_refused_and_drop_releases() {
        let d = tmp("twice");
        let lock = OutputLock::acquire(&d).unwrap();
        match OutputLock::acquire(&d) {
            Err(LockError::Busy { pid, .. }) => assert_eq!(pid, std::process::id()),
            other => panic!("expected Busy, got {other:?}"),
        }
        drop(lock);
        assert!(!d.join(LOCK_FILE).exists());
        drop(OutputLock::acquire(&d).unwrap());
        std::fs::remove_dir_all(&d).ok();
    }

    #[test]
    fn stale_and_foreign_locks() {
        let d = tmp("stale");
        let stale = Holder {
            host: host_name(),
            pid: dead_pid(),
        };
        std::fs::write(d.join(LOCK_FILE), stale.to_text()).unwrap();
        let lock = OutputLock::acquire(&d).unwrap();
        let now = std::fs::read_to_string(lock.path()).unwrap();
        assert_eq!(Holder::parse(&now), Some(Holder::me()));
        drop(lock);
        // A dead pid on another host cannot be checked: the directory stays busy.
        let foreign = Holder {
            host: format!("{}-elsewhere", host_name()),
            pid: stale.pid,
        };
        std::fs::write(d.join(LOCK_FILE), foreign.to_text()).unwrap();
        assert!(matches!(
            OutputLock::acquire(&d),
            Err(LockError::Busy { .. })
        ));
        std::fs::write(d.join(LOCK_FILE), "garbage").unwrap();
        let e = OutputLock::acquire(&d).unwrap_err().to_string();
        assert!(e.contains("does not name a run"), "{e}");
        std::fs::remove_dir_all(&d).ok();
    }
}
