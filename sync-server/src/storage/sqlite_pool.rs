//! Connections for the SQLite backend: one writer thread fed by a queue, and a bounded pool of
//! readers.
//!
//! Why a writer thread: SQLite takes one writer at a time. With a mutex, a burst of a thousand
//! phones syncing at once parked a thousand blocking threads on it (tokio grows its blocking
//! pool to 512), and the server spent more time switching threads than writing. Queued, the
//! writes run on one thread, and whatever queued up meanwhile commits together: each job in
//! its own savepoint (one failing job is rolled back alone), one commit for the group. A job's
//! caller hears back only after that commit.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, TransactionBehavior};
use tokio::sync::{Semaphore, oneshot};

use super::{Result, StorageError};

/// Jobs committed together at most; a bound so one commit never waits on an endless queue.
const GROUP: usize = 128;

pub fn connect(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // NORMAL in WAL mode survives a killed process, which is what a server meets; the
    // acknowledgement a device receives is sent only after the commit.
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Deleted rows are overwritten with zeros rather than left in free pages, so an erased
    // record (PIPL) cannot be read back from the file.
    conn.pragma_update(None, "secure_delete", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

trait Job: Send {
    /// Runs inside the group's transaction (in a savepoint); `false` if it failed.
    fn run(&mut self, conn: &Connection) -> bool;
    /// Delivers the outcome once the group's fate is known.
    fn finish(self: Box<Self>, commit: std::result::Result<(), String>);
}

struct Pending<R, F> {
    work: Option<F>,
    out: Option<Result<R>>,
    reply: oneshot::Sender<Result<R>>,
}

impl<R: Send, F: FnOnce(&Connection) -> Result<R> + Send> Job for Pending<R, F> {
    fn run(&mut self, conn: &Connection) -> bool {
        let out = match self.work.take() {
            Some(f) => f(conn),
            None => Err(StorageError::Database("write job run twice".into())),
        };
        let ok = out.is_ok();
        self.out = Some(out);
        ok
    }

    fn finish(self: Box<Self>, commit: std::result::Result<(), String>) {
        let out = match (commit, self.out) {
            (Ok(()), Some(out)) => out,
            // The job's own failure says more than the group's.
            (Err(_), Some(Err(own))) => Err(own),
            (Err(e), _) => Err(StorageError::Database(e)),
            (Ok(()), None) => Err(StorageError::Database("write job did not run".into())),
        };
        let _ = self.reply.send(out);
    }
}

#[derive(Debug, Clone)]
pub struct Writer {
    queue: mpsc::Sender<Box<dyn Job>>,
}

impl Writer {
    pub fn start(conn: Connection) -> Writer {
        let (queue, jobs) = mpsc::channel::<Box<dyn Job>>();
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || run_writer(conn, jobs))
            .map(|_| ())
            .unwrap_or_else(|e| tracing::error!(error = %e, "cannot start the writer thread"));
        Writer { queue }
    }

    /// Runs `f` in a write transaction; the result arrives after it is committed.
    pub async fn write<R: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> Result<R> + Send + 'static,
    ) -> Result<R> {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send(Box::new(Pending {
                work: Some(f),
                out: None,
                reply,
            }))
            .map_err(|_| StorageError::Database("the writer has stopped".into()))?;
        answer
            .await
            .map_err(|_| StorageError::Database("the writer dropped a job".into()))?
    }
}

fn run_writer(mut conn: Connection, jobs: mpsc::Receiver<Box<dyn Job>>) {
    while let Ok(first) = jobs.recv() {
        let mut group = vec![first];
        while group.len() < GROUP {
            match jobs.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        let outcome = commit_group(&mut conn, &mut group);
        for job in group {
            job.finish(outcome.clone());
        }
    }
}

fn commit_group(
    conn: &mut Connection,
    group: &mut [Box<dyn Job>],
) -> std::result::Result<(), String> {
    let mut tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| e.to_string())?;
    for job in group.iter_mut() {
        let sp = tx.savepoint().map_err(|e| e.to_string())?;
        if job.run(&sp) {
            sp.commit().map_err(|e| e.to_string())?;
        }
        // A failed job's savepoint rolls back when dropped, leaving the others intact.
    }
    tx.commit().map_err(|e| e.to_string())
}

/// Readers: at most `size` queries at once, each on its own connection (WAL lets them run
/// beside the writer); callers beyond that wait for a connection instead of opening more.
#[derive(Debug, Clone)]
pub struct Readers {
    pool: Arc<Mutex<Vec<Connection>>>,
    permits: Arc<Semaphore>,
    path: PathBuf,
}

impl Readers {
    pub fn open(path: &Path, size: usize) -> Result<Readers> {
        let mut pool = Vec::with_capacity(size);
        for _ in 0..size {
            pool.push(connect(path)?);
        }
        Ok(Readers {
            pool: Arc::new(Mutex::new(pool)),
            permits: Arc::new(Semaphore::new(size)),
            path: path.to_path_buf(),
        })
    }

    pub async fn read<R: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> Result<R> + Send + 'static,
    ) -> Result<R> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| StorageError::Database("reader pool closed".into()))?;
        let pool = self.pool.clone();
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || {
            let pooled = pool.lock().ok().and_then(|mut p| p.pop());
            let conn = match pooled {
                Some(c) => c,
                None => connect(&path)?,
            };
            let out = f(&conn);
            if let Ok(mut p) = pool.lock() {
                p.push(conn);
            }
            out
        })
        .await
        .map_err(|e| StorageError::Database(format!("reader thread: {e}")))?
    }
}
