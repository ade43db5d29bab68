//! Side by side, in one run, on the same data: bringing a grid (and a whole street) to a fresh
//! device with
//!   1. our change feed (`/v1/sync`, bootstrap from saved documents) — the phone's sync in its
//!      own process;
//!   2. per-document Automerge sync sessions over HTTP on loopback (automerge-repo's design,
//!      `perdoc`);
//!   3. automerge-repo itself (npm, its WebSocket server and a fresh Node peer), when Node and
//!      npm are present;
//!   4. the floor: the same document bytes inserted into SQLite in one transaction, and copied
//!      over a loopback socket.
//!
//! Then, on one grid: incremental sync of 20 households edited on another device into a device
//! that holds the grid; server ingest of the grid's whole history; and (per-document baseline
//! only) `GK_PERF_CROWD` devices (default 1,000) syncing at once. Peak RSS of each server is its
//! VmHWM, reset (`/proc/PID/clear_refs`) just before the measured step.
//!
//! Data: `comparison_grid` — 400 households per grid with six months of history, edited on two
//! devices. `GK_PERF_GRIDS` (default 20) sets the street's size; automerge-repo runs on one grid,
//! and on the street too with `GK_PERF_AMREPO_STREET=1` (minutes). `GK_PERF_PROFILE=DIR`
//! records the relay with `perf` during our ingest runs (`DIR/relay-ingest-N.data`) and each
//! bootstrapping phone (`DIR/phone-TAG.data`), for `perf report -i … --children`.
//!
//! The low-end phone (first, unless `GK_PERF_LOW_END=0`; alone with `GK_PERF_LOW_END=only`):
//! the phone process — its bootstrap of one grid and of a 10,000-record grid, then each
//! screen on the store it filled, then the usable floor — and automerge-repo's client, each
//! run unlimited and inside a cgroup allowing `GK_PERF_PHONE_CPU` of one core (default 0.25),
//! in the same run. Without a cgroup cpu controller (not root, CI) the limited column says
//! "NOT RUN" and the rest runs. automerge-repo is stopped after `GK_PERF_AMREPO_BOUND`
//! seconds (default 600) for its server's import and again for its client.
//! `GK_PERF_INGEST_ONLY=1` runs only the ingest step (ours and the per-document baseline, no
//! automerge-repo) after generating grid 0, for quick iterations on the relay's ingest.
//! `cargo bench -p gridkeeper-tests --bench compare`; results in BENCHMARKS.md.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use gridkeeper_core::kinds::Household;
use gridkeeper_core::sync::SyncOptions;
use gridkeeper_core::{Kind, Store};
use gridkeeper_tests::relay::{Backend, Relay};
use serde_json::Value;

const RELAY: &str = env!("CARGO_BIN_EXE_relay");
const PHONE: &str = env!("CARGO_BIN_EXE_phone");
const PERDOC: &str = env!("CARGO_BIN_EXE_perdoc");
const RUNS: usize = 3;

#[derive(Debug, Default, Clone)]
struct Run {
    ms: f64,
    bytes: f64,
    trips: f64,
    rss_mb: f64,
    /// The server's peak RSS during the step (VmHWM, reset just before it).
    server_rss_mb: f64,
    /// automerge-repo only: WebSocket messages each way (device's view).
    msgs_up: f64,
    msgs_down: f64,
    /// Ours only: time on the network (request, server, reply decode) and applying replies.
    network_ms: f64,
    apply_ms: f64,
    /// Ours only: after the pull, reading the documents a bootstrap stored unread for conflicts.
    conflict_ms: f64,
    /// Ours only: how many documents that reading read (those with more than one author).
    conflicts_read: f64,
    /// Ours, bootstrap only: within `apply_ms`, storing the snapshots — checking fields,
    /// inserting documents, projection rows, search rows, commit (`SyncSummary::ingest_times`).
    phases: [f64; 5],
}

const PHASES: [&str; 5] = [
    "checking fields",
    "documents",
    "projection rows",
    "search rows",
    "commit",
];

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn med(runs: &[Run]) -> Run {
    Run {
        ms: median(runs.iter().map(|r| r.ms).collect()),
        bytes: median(runs.iter().map(|r| r.bytes).collect()),
        trips: median(runs.iter().map(|r| r.trips).collect()),
        rss_mb: median(runs.iter().map(|r| r.rss_mb).collect()),
        server_rss_mb: median(runs.iter().map(|r| r.server_rss_mb).collect()),
        msgs_up: median(runs.iter().map(|r| r.msgs_up).collect()),
        msgs_down: median(runs.iter().map(|r| r.msgs_down).collect()),
        network_ms: median(runs.iter().map(|r| r.network_ms).collect()),
        apply_ms: median(runs.iter().map(|r| r.apply_ms).collect()),
        conflict_ms: median(runs.iter().map(|r| r.conflict_ms).collect()),
        conflicts_read: median(runs.iter().map(|r| r.conflicts_read).collect()),
        phases: std::array::from_fn(|i| median(runs.iter().map(|r| r.phases[i]).collect())),
    }
}

struct Kill(Child);
impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn wait_line(child: &mut Child, want: &str) {
    let out = child.stdout.take().unwrap();
    let mut lines = BufReader::new(out).lines();
    loop {
        let line = lines.next().expect("process exited").unwrap();
        if line.starts_with(want) {
            break;
        }
    }
    std::thread::spawn(move || for _ in lines {});
}

/// A child's stdout, read on a thread, so a step can wait for a line with a deadline.
struct Lines(mpsc::Receiver<String>);

impl Lines {
    fn of(child: &mut Child) -> Lines {
        let out = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Lines(rx)
    }

    /// The first line starting with `want`, or `None` at the deadline or if the process ended.
    fn until(&self, want: &str, within: Duration) -> Option<String> {
        let deadline = Instant::now() + within;
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            let line = self.0.recv_timeout(left).ok()?;
            if line.starts_with(want) {
                return Some(line);
            }
        }
    }
}

/// Resets a process's peak RSS (VmHWM) to its current RSS.
fn reset_peak(pid: u32) {
    let _ = std::fs::write(format!("/proc/{pid}/clear_refs"), "5");
}

/// A process's peak RSS (VmHWM) in MB; NaN where unavailable.
fn peak_mb(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kib| kib / 1024.0)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn docs_file(path: &Path, docs: &[Vec<u8>]) {
    let mut out = Vec::new();
    for d in docs {
        out.extend_from_slice(&(d.len() as u32).to_le_bytes());
        out.extend_from_slice(d);
    }
    std::fs::write(path, out).unwrap();
}

fn ours(relay: &Relay, dir: &Path, user: &str, tag: &str) -> Run {
    ours_limited(relay, dir, user, tag, None).0
}

/// Ours, with the phone process under `limit` when given; also returns the phone's store.
fn ours_limited(
    relay: &Relay,
    dir: &Path,
    user: &str,
    tag: &str,
    limit: Option<&CpuLimit>,
) -> (Run, PathBuf) {
    let path = dir.join(format!("fresh-{tag}-{}.db", uuid::Uuid::now_v7().simple()));
    let mut s = Store::init(&path, Some(user)).unwrap();
    let code = relay.admin(&["enroll-code", user]).unwrap();
    s.enroll(&relay.url(), &code).unwrap();
    drop(s);
    let pid = relay.pid().unwrap();
    reset_peak(pid);
    // With GK_PERF_PROFILE the phone runs under `perf record` (its figures are then not quoted).
    let mut phone = match std::env::var("GK_PERF_PROFILE") {
        Ok(d) => {
            std::fs::create_dir_all(&d).unwrap();
            let mut c = Command::new("perf");
            c.args(PERF_RECORD)
                .arg("-o")
                .arg(Path::new(&d).join(format!("phone-{tag}.data")))
                .arg("--")
                .arg(PHONE);
            c
        }
        Err(_) => limited(PHONE, limit),
    };
    let out = phone.arg(&path).arg("--report").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let run = Run {
        ms: r["elapsed_ms"].as_f64().unwrap(),
        bytes: r["bytes_down"].as_f64().unwrap() + r["bytes_up"].as_f64().unwrap(),
        trips: r["rounds"].as_f64().unwrap(),
        rss_mb: r["peak_rss_kib"].as_f64().unwrap() / 1024.0,
        server_rss_mb: peak_mb(pid),
        msgs_up: f64::NAN,
        msgs_down: f64::NAN,
        network_ms: r["network_ms"].as_f64().unwrap(),
        apply_ms: r["apply_ms"].as_f64().unwrap(),
        conflict_ms: r["conflict_check_ms"].as_f64().unwrap_or(f64::NAN),
        conflicts_read: r["conflicts_read"].as_f64().unwrap_or(f64::NAN),
        phases: [
            "check_ms",
            "documents_ms",
            "projection_ms",
            "search_ms",
            "commit_ms",
        ]
        .map(|k| r[k].as_f64().unwrap_or(f64::NAN)),
    };
    (run, path)
}

fn perdoc_server(dir: &Path, docs: Option<&Path>) -> (Kill, u16) {
    let port = free_port();
    let store = dir.join(format!(
        "perdoc-server-{}.db",
        uuid::Uuid::now_v7().simple()
    ));
    let mut server = Command::new(PERDOC)
        .args(["serve", &port.to_string()])
        .arg(store)
        .args(docs)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    wait_line(&mut server, "ready");
    (Kill(server), port)
}

fn perdoc(dir: &Path, docs: &Path, count: usize) -> (Run, PathBuf) {
    let (server, port) = perdoc_server(dir, Some(docs));
    let pid = server.0.id();
    reset_peak(pid);
    let store = dir.join(format!("perdoc-{}.db", uuid::Uuid::now_v7().simple()));
    let out = Command::new(PERDOC)
        .args(["fetch", &format!("http://127.0.0.1:{port}")])
        .arg(&store)
        .arg(count.to_string())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    (perdoc_run(&r, pid), store)
}

/// A perdoc client mode's JSON line.
fn perdoc_client(args: &[&str]) -> Value {
    let out = Command::new(PERDOC).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn perf_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("perf")
}

/// Installs automerge-repo's packages when missing; false when that fails (no Node or npm).
fn npm_ready() -> bool {
    let perf = perf_dir();
    if !perf.join("node_modules/@automerge/automerge").exists() {
        let ok = Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--silent"])
            .current_dir(&perf)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            println!("  automerge-repo: npm install failed; skipped");
            return false;
        }
    }
    true
}

/// automerge-repo's server (`server.mjs`), its stdin and stdout.
struct AmServer {
    child: Kill,
    lines: Lines,
    port: u16,
    urls: PathBuf,
}

fn am_server(dir: &Path, docs: &Path, ingest: bool) -> Option<AmServer> {
    am_server_within(dir, docs, ingest, Duration::from_secs(1800))
}

/// automerge-repo's server, given `within` to import the documents and say it is ready.
fn am_server_within(dir: &Path, docs: &Path, ingest: bool, within: Duration) -> Option<AmServer> {
    let port = free_port();
    let id = uuid::Uuid::now_v7().simple().to_string();
    let urls = dir.join(format!("urls-{id}.txt"));
    let mut child = Command::new("node")
        .arg(perf_dir().join("server.mjs"))
        .arg(port.to_string())
        .arg(dir.join(format!("amsrv-{id}")))
        .arg(docs)
        .arg(&urls)
        .args(ingest.then_some("--ingest"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .ok()?;
    let lines = Lines::of(&mut child);
    let child = Kill(child);
    lines.until("ready", within)?;
    Some(AmServer {
        child,
        lines,
        port,
        urls,
    })
}

/// Runs `client.mjs` with `args` after the port, storage and URL file; its JSON line.
fn am_client(server: &AmServer, storage: &Path, args: &[&Path]) -> Option<Value> {
    am_client_limited(server, storage, args, None, Duration::from_secs(1800)).ok()
}

/// `client.mjs` under `limit` when given; its JSON line, or why there is none: it had not
/// reported `within` (it is killed then), or it ended without a result (its error is on the
/// bench's stderr).
fn am_client_limited(
    server: &AmServer,
    storage: &Path,
    args: &[&Path],
    limit: Option<&CpuLimit>,
    within: Duration,
) -> Result<Value, String> {
    let started = Instant::now();
    let mut child = limited("node", limit)
        .arg(perf_dir().join("client.mjs"))
        .arg(server.port.to_string())
        .arg(storage)
        .arg(&server.urls)
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("node: {e}"))?;
    let lines = Lines::of(&mut child);
    let _child = Kill(child);
    let line = lines.until("{", within).ok_or_else(|| {
        let took = started.elapsed();
        if took >= within {
            format!("did not finish within {} s; stopped", within.as_secs())
        } else {
            format!(
                "its client ended without a result after {:.0} s (its error is printed above)",
                took.as_secs_f64()
            )
        }
    })?;
    serde_json::from_str(&line).map_err(|e| format!("client's report: {e}"))
}

fn am_run(r: &Value, server_rss_mb: f64) -> Option<Run> {
    Some(Run {
        ms: r["ms"].as_f64()?,
        bytes: r["bytes_up"].as_f64()? + r["bytes_down"].as_f64()?,
        trips: f64::NAN,
        rss_mb: r["peak_rss_kib"].as_f64()? / 1024.0,
        server_rss_mb,
        msgs_up: r["msgs_up"].as_f64()?,
        msgs_down: r["msgs_down"].as_f64()?,
        ..Run::default()
    })
}

/// automerge-repo's server and a fresh client peer; `None` when Node or the packages are missing.
fn amrepo(dir: &Path, docs: &Path) -> Option<Run> {
    amrepo_limited(dir, docs, None, Duration::from_secs(1800)).ok()
}

/// automerge-repo with its client under `limit` when given (the server is not limited, as the
/// relay is not); or why there is no run: the server was not ready `within`, the client had not
/// finished `within` or failed.
fn amrepo_limited(
    dir: &Path,
    docs: &Path,
    limit: Option<&CpuLimit>,
    within: Duration,
) -> Result<Run, String> {
    let started = Instant::now();
    let server = am_server_within(dir, docs, false, within).ok_or_else(|| {
        let took = started.elapsed();
        if took >= within {
            format!(
                "its server had not imported the documents within {} s; stopped",
                within.as_secs()
            )
        } else {
            format!(
                "its server ended after {:.0} s without saying it was ready",
                took.as_secs_f64()
            )
        }
    })?;
    let pid = server.child.0.id();
    reset_peak(pid);
    let storage = dir.join(format!("amcli-{}", uuid::Uuid::now_v7().simple()));
    let r = am_client_limited(&server, &storage, &[], limit, within)?;
    assert_eq!(
        r["ready"], r["docs"],
        "automerge-repo left documents unready"
    );
    am_run(&r, peak_mb(pid)).ok_or_else(|| format!("client's report lacks figures: {r}"))
}

/// automerge-repo, incremental: a peer bootstraps the grid (untimed) and exits; the server
/// merges the edited documents (as if another device had sent them); the peer starts again,
/// loads its documents from its storage (reported apart) and connects; timed from connecting
/// until the edited documents reach the server's heads. Returns the run and the load time.
fn amrepo_incremental(dir: &Path, docs: &Path, update: &Path) -> Option<(Run, f64)> {
    let mut server = am_server(dir, docs, false)?;
    let id = uuid::Uuid::now_v7().simple().to_string();
    let storage = dir.join(format!("amcli-{id}"));
    am_client(&server, &storage, &[])?;
    let heads = dir.join(format!("heads-{id}.json"));
    let stdin = server.child.0.stdin.as_mut()?;
    writeln!(stdin, "update {} {}", update.display(), heads.display()).ok()?;
    stdin.flush().ok()?;
    server.lines.until("updated", Duration::from_secs(120))?;
    let pid = server.child.0.id();
    reset_peak(pid);
    let r = am_client(&server, &storage, &[Path::new("--wait"), &heads])?;
    Some((am_run(&r, peak_mb(pid))?, r["load_ms"].as_f64()?))
}

/// automerge-repo, ingest: an empty server; a peer that holds the documents connects and
/// shares them all; the server's own time from the connection until it holds every document
/// at its full heads, flushed to its storage.
fn amrepo_ingest(dir: &Path, docs: &Path) -> Option<(f64, f64)> {
    let server = am_server(dir, docs, true)?;
    let pid = server.child.0.id();
    reset_peak(pid);
    let storage = dir.join(format!("ampush-{}", uuid::Uuid::now_v7().simple()));
    let client = Command::new("node")
        .arg(perf_dir().join("client.mjs"))
        .arg(server.port.to_string())
        .arg(&storage)
        .arg(&server.urls)
        .arg("--push")
        .arg(docs)
        .stdout(Stdio::null())
        .spawn()
        .ok()?;
    let _client = Kill(client);
    let line = server.lines.until("ingested", Duration::from_secs(1800))?;
    let ms = line.strip_prefix("ingested ")?.trim().parse().ok()?;
    Some((ms, peak_mb(pid)))
}

/// The floor: the documents' bytes into SQLite in one transaction; and over a loopback socket.
fn floor(dir: &Path, docs: &[Vec<u8>]) -> (f64, f64) {
    let path = dir.join(format!("floor-{}.db", uuid::Uuid::now_v7().simple()));
    let started = Instant::now();
    let mut conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; CREATE TABLE d (id INTEGER PRIMARY KEY, doc BLOB NOT NULL)")
        .unwrap();
    let tx = conn.transaction().unwrap();
    {
        let mut stmt = tx
            .prepare("INSERT INTO d (id, doc) VALUES (?1, ?2)")
            .unwrap();
        for (i, d) in docs.iter().enumerate() {
            stmt.execute(rusqlite::params![i as i64, d]).unwrap();
        }
    }
    tx.commit().unwrap();
    let sqlite_ms = started.elapsed().as_secs_f64() * 1e3;

    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let total: usize = docs.iter().map(Vec::len).sum();
    let started = Instant::now();
    let reader = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut buf = vec![0u8; 1 << 16];
        let mut got = 0;
        while got < total {
            let n = s.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            got += n;
        }
        got
    });
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    for d in docs {
        s.write_all(d).unwrap();
    }
    drop(s);
    assert_eq!(reader.join().unwrap(), total);
    (sqlite_ms, started.elapsed().as_secs_f64() * 1e3)
}

/// Ours, ingest: a fresh relay; grid 0's first device pushes its whole queue (in-process sync).
/// Returns the change count and the run (`trips` holds the change count; `network_ms` the time
/// on the network and the relay, `apply_ms` the rest of the device's side).
fn our_ingest(dir: &Path, run: usize) -> (usize, Run) {
    let relay = Relay::start(
        RELAY,
        Backend::Sqlite(dir.join(format!("ingest-relay-{run}"))),
    )
    .unwrap();
    relay
        .admin(&["grid", "add", "g00", "--name", "第0网格"])
        .unwrap();
    relay
        .admin(&["user", "add", "w0", "--role", "worker", "--scope", "g00"])
        .unwrap();
    let devices = dir.join(format!("ingest-{run}"));
    std::fs::create_dir_all(&devices).unwrap();
    let (mut a, _b) = gridkeeper_tests::street::comparison_grid(&devices, "g00", 0).unwrap();
    let code = relay.admin(&["enroll-code", "w0"]).unwrap();
    a.enroll(&relay.url(), &code).unwrap();
    let changes = a.outbox_len().unwrap();
    let pid = relay.pid().unwrap();
    reset_peak(pid);
    let profile = std::env::var("GK_PERF_PROFILE")
        .ok()
        .map(|d| Profiler::attach(pid, &Path::new(&d).join(format!("relay-ingest-{run}.data"))));
    let t = Instant::now();
    let s = a.sync(&SyncOptions::default(), &mut |_| {}).unwrap();
    let ms = t.elapsed().as_secs_f64() * 1e3;
    drop(profile);
    assert_eq!(a.outbox_len().unwrap(), 0, "{s:?}");
    let network_ms = s.network_time.as_secs_f64() * 1e3;
    (
        changes,
        Run {
            ms,
            trips: changes as f64,
            server_rss_mb: peak_mb(pid),
            network_ms,
            apply_ms: ms - network_ms,
            ..Run::default()
        },
    )
}

/// How `GK_PERF_PROFILE` records: DWARF call stacks, since the bench profile keeps no frame
/// pointers.
const PERF_RECORD: [&str; 4] = ["record", "-F", "2999", "--call-graph=dwarf,32768"];

/// A run of `perdoc` from its one-line JSON report, with the server's peak from `/proc`.
fn perdoc_run(r: &Value, server_pid: u32) -> Run {
    Run {
        ms: r["elapsed_ms"].as_f64().unwrap(),
        bytes: r["bytes"].as_f64().unwrap(),
        trips: r["requests"].as_f64().unwrap(),
        rss_mb: r["peak_rss_kib"].as_f64().unwrap() / 1024.0,
        server_rss_mb: peak_mb(server_pid),
        msgs_up: f64::NAN,
        msgs_down: f64::NAN,
        ..Run::default()
    }
}

/// `perf record` attached to a process for as long as this lives; stopped with SIGINT so it
/// writes its file. Profiling changes the timing: figures from a profiled run are not quoted.
struct Profiler(Child);

impl Profiler {
    fn attach(pid: u32, out: &Path) -> Profiler {
        if let Some(dir) = out.parent() {
            std::fs::create_dir_all(dir).unwrap();
        }
        let child = Command::new("perf")
            .args(PERF_RECORD)
            .arg("-o")
            .arg(out)
            .args(["-p", &pid.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("GK_PERF_PROFILE needs `perf` on PATH");
        // perf needs a moment to attach before the measured step starts.
        std::thread::sleep(Duration::from_millis(500));
        Profiler(child)
    }
}

impl Drop for Profiler {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-INT", &self.0.id().to_string()])
            .status();
        let _ = self.0.wait();
    }
}

/// A CPU limit standing in for a low-end phone: a cgroup with the cpu controller allowing
/// `share` of one core (a CFS quota of 1 ms per period of 1 ms ÷ `share`). Processes join it by their wrapper
/// (`limited`); the group is removed when this is dropped.
struct CpuLimit {
    dir: PathBuf,
}

impl CpuLimit {
    /// The group, or why there is none (no cgroup cpu controller, not root).
    fn new(share: f64) -> Result<CpuLimit, String> {
        // The smallest quota the kernel takes (1 ms) and a period to match: with the usual
        // 100 ms period a 20 ms query would run at full speed inside its 25 ms quota, and only
        // long work would be slowed; a short period slows every screen as a slow core does.
        let quota = 1_000u64;
        let period = (quota as f64 / share).round() as u64;
        let name = format!("gk-phone-{}", std::process::id());
        let v1 = Path::new("/sys/fs/cgroup/cpu");
        let v2 = Path::new("/sys/fs/cgroup");
        // Made as soon as its directory exists, so that a failure below removes it again.
        let limit = if v1.join("cpu.cfs_quota_us").exists() {
            let dir = v1.join(name);
            std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            let limit = CpuLimit { dir };
            for (file, value) in [("cpu.cfs_period_us", period), ("cpu.cfs_quota_us", quota)] {
                std::fs::write(limit.dir.join(file), value.to_string())
                    .map_err(|e| format!("{file}: {e}"))?;
            }
            limit
        } else if std::fs::read_to_string(v2.join("cgroup.controllers"))
            .is_ok_and(|c| c.split_whitespace().any(|c| c == "cpu"))
        {
            // The root must hand the cpu controller down; refused if it already does or may not.
            let _ = std::fs::write(v2.join("cgroup.subtree_control"), "+cpu");
            let dir = v2.join(name);
            std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            let limit = CpuLimit { dir };
            std::fs::write(limit.dir.join("cpu.max"), format!("{quota} {period}"))
                .map_err(|e| format!("cpu.max: {e}"))?;
            limit
        } else {
            return Err("no cgroup cpu controller".into());
        };
        // Joining needs write access to cgroup.procs: try it once with a process that exits.
        let joined = limit.command("true").status().is_ok_and(|s| s.success());
        if joined {
            Ok(limit)
        } else {
            Err(format!("cannot join {}", limit.dir.display()))
        }
    }

    /// `program` started inside the group: a shell writes its own pid into the group's
    /// `cgroup.procs`, then execs the program (which keeps the pid). Arguments added to the
    /// returned command go to the program.
    fn command(&self, program: &str) -> Command {
        let mut c = Command::new("sh");
        c.arg("-c")
            .arg(r#"echo $$ > "$0" && exec "$@""#)
            .arg(self.dir.join("cgroup.procs"))
            .arg(program);
        c
    }
}

impl Drop for CpuLimit {
    fn drop(&mut self) {
        // Empty by now: every process started in it has been waited for or killed.
        let _ = std::fs::remove_dir(&self.dir);
    }
}

/// `program`, inside `limit` when given.
fn limited(program: &str, limit: Option<&CpuLimit>) -> Command {
    match limit {
        Some(l) => l.command(program),
        None => Command::new(program),
    }
}

/// A `phone` sub-command's JSON line (`phone screens …`, `phone usable-floor …`), the phone
/// process under `limit` when given.
fn phone_json(args: &[&str], limit: Option<&CpuLimit>) -> Value {
    let out = limited(PHONE, limit).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "phone {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("phone prints one JSON line")
}

/// One column of the low-end table: every phone-side figure, unlimited or under the limit.
struct PhoneColumn {
    ours: Run,
    /// automerge-repo's bootstrap, or why there is none.
    amrepo: Result<Run, String>,
    /// The usable floor's JSON (medians of its runs).
    usable: Value,
    screens: Value,
}

/// The phone side of one data set, unlimited and (when there is a cgroup) under `limit`:
/// bootstrap (ours and automerge-repo), the usable floor, each screen.
/// A data set of the low-end step: whose device bootstraps which grid, the grid's saved
/// documents (for automerge-repo), how many runs of ours and of automerge-repo.
struct PhoneCase<'a> {
    user: &'a str,
    grid: &'a str,
    docs: &'a Path,
    runs: usize,
    am_runs: usize,
    /// How long automerge-repo's server may take to import, and its client to bootstrap.
    am_bound: Duration,
}

fn phone_columns(
    relay: &Relay,
    dir: &Path,
    case: &PhoneCase,
    limit: Option<&CpuLimit>,
    npm: bool,
) -> PhoneColumn {
    let PhoneCase {
        user,
        grid,
        docs,
        runs,
        am_runs,
        am_bound,
    } = *case;
    let tag = format!(
        "{grid}-{}",
        if limit.is_some() { "limited" } else { "full" }
    );
    let mut stores = Vec::new();
    let mut our_runs = Vec::new();
    for _ in 0..runs {
        let (run, store) = ours_limited(relay, dir, user, &tag, limit);
        our_runs.push(run);
        stores.push(store);
    }
    let floors: Vec<Value> = (0..runs)
        .map(|k| {
            let to = dir.join(format!("usable-{tag}-{k}.db"));
            phone_json(
                &[
                    "usable-floor",
                    stores[k].to_str().unwrap(),
                    to.to_str().unwrap(),
                ],
                limit,
            )
        })
        .collect();
    let usable = serde_json::Map::from_iter(floors[0].as_object().unwrap().keys().map(|k| {
        (
            k.clone(),
            median(
                floors
                    .iter()
                    .map(|f| f[k].as_f64().unwrap_or(f64::NAN))
                    .collect(),
            )
            .into(),
        )
    }));
    let screens = phone_json(&["screens", stores[0].to_str().unwrap(), grid], limit);
    let amrepo = if !npm {
        Err("not run (no Node/npm packages)".to_string())
    } else {
        // The first failure ends the runs: under the limit a failure repeats.
        (0..am_runs)
            .map(|_| amrepo_limited(dir, docs, limit, am_bound))
            .collect::<Result<Vec<Run>, String>>()
            .map(|runs| med(&runs))
    };
    PhoneColumn {
        ours: med(&our_runs),
        amrepo,
        usable: Value::Object(usable),
        screens,
    }
}

/// The low-end phone: the phone side of a bootstrap of one grid and of a 10,000-record grid,
/// and each screen on the store it filled, unlimited and under the CPU limit in the same run;
/// automerge-repo's client under the same limit; both floors. The 10,000-record grid is
/// `populate_grid` (e2e's data), pushed to the relay here.
fn low_end(relay: &Relay, dir: &Path, grid0: (&Path, usize), npm: bool) {
    let share: f64 = std::env::var("GK_PERF_PHONE_CPU")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.25);
    let am_bound = Duration::from_secs(
        std::env::var("GK_PERF_AMREPO_BOUND")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(600),
    );
    // Not root, no cpu controller (CI): the limited column says so and the rest runs.
    let limit = CpuLimit::new(share).map_err(|why| match why.as_str() {
        "no cgroup cpu controller" => why,
        _ => format!("no cgroup cpu controller this process may use ({why})"),
    });
    println!(
        "\nlow-end phone: the phone process (and automerge-repo's client) under {share} of one core: {}",
        match &limit {
            Ok(l) => format!("cgroup {}", l.dir.display()),
            Err(why) => format!("NOT RUN: {why}"),
        }
    );

    relay
        .admin(&["grid", "add", "big", "--name", "大网格"])
        .unwrap();
    relay
        .admin(&["user", "add", "wbig", "--role", "worker", "--scope", "big"])
        .unwrap();
    let seed = dir.join("big-seed.db");
    let code = relay.admin(&["enroll-code", "wbig"]).unwrap();
    let mut s = Store::init(&seed, Some("wbig")).unwrap();
    s.enroll(&relay.url(), &code).unwrap();
    drop(s);
    let mut s = gridkeeper_tests::street::populate_grid(&seed, "big").unwrap();
    s.sync(&SyncOptions::default(), &mut |_| {}).unwrap();
    drop(s);
    let big: Vec<Vec<u8>> = relay
        .documents("big")
        .unwrap()
        .into_values()
        .map(|d| d.saved)
        .collect();
    let big_file = dir.join("big.bin");
    docs_file(&big_file, &big);
    let grid0_docs = read_docs(grid0.0);

    for (label, case, docs) in [
        (
            format!("one grid ({} records)", grid0.1),
            PhoneCase {
                user: "w0",
                grid: "g00",
                docs: grid0.0,
                runs: RUNS,
                am_runs: RUNS,
                am_bound,
            },
            &grid0_docs,
        ),
        (
            format!("a grid of {} records", big.len()),
            PhoneCase {
                user: "wbig",
                grid: "big",
                docs: &big_file,
                runs: RUNS,
                am_runs: 1,
                am_bound,
            },
            &big,
        ),
    ] {
        let full = phone_columns(relay, dir, &case, None, npm);
        let cut = limit
            .as_ref()
            .map(|l| phone_columns(relay, dir, &case, Some(l), npm));
        let bytes_floor = median((0..RUNS).map(|_| floor(dir, docs).0).collect());
        print_columns(
            &label,
            &full,
            cut.as_ref().map_err(|e| e.as_str()),
            bytes_floor,
            share,
        );
    }
}

/// The saved documents of a `docs_file`.
fn read_docs(path: &Path) -> Vec<Vec<u8>> {
    let bytes = std::fs::read(path).unwrap();
    let mut out = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let len = u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
        out.push(bytes[at + 4..at + 4 + len].to_vec());
        at += 4 + len;
    }
    out
}

/// One data set's low-end table: a row per figure, unlimited, limited, limited ÷ unlimited.
fn print_columns(
    label: &str,
    full: &PhoneColumn,
    cut: Result<&PhoneColumn, &str>,
    bytes_floor: f64,
    share: f64,
) {
    match cut {
        Ok(_) => {
            println!("\n  {label}: unlimited | {share} core | × (medians; ratios within this run)")
        }
        Err(why) => println!("\n  {label}: unlimited | {share} core NOT RUN: {why} (medians)"),
    }
    let row = |name: &str, f: &dyn Fn(&PhoneColumn) -> Option<f64>, unit: &str| {
        let a = f(full);
        let fmt = |v: Option<f64>| v.map_or("—".to_string(), |v| format!("{v:.1} {unit}"));
        match cut {
            Ok(c) => {
                let b = f(c);
                let ratio = match (a, b) {
                    (Some(a), Some(b)) => format!("×{:.1}", b / a),
                    _ => "—".into(),
                };
                println!("    {name:<46} {:>12} | {:>12} | {ratio}", fmt(a), fmt(b));
            }
            Err(_) => println!("    {name:<46} {:>12} | NOT RUN", fmt(a)),
        }
    };
    let am = |c: &PhoneColumn| c.amrepo.as_ref().ok().map(|r| r.ms);
    let fig = |v: &Value, k: &str| v[k].as_f64();
    row("bootstrap, ours", &|c| Some(c.ours.ms), "ms");
    row(
        "— network and the relay",
        &|c| Some(c.ours.network_ms),
        "ms",
    );
    row("— applying", &|c| Some(c.ours.apply_ms), "ms");
    for (i, phase) in PHASES.iter().enumerate() {
        row(&format!("  — {phase}"), &|c| Some(c.ours.phases[i]), "ms");
    }
    row(
        "— reading the stored documents for conflicts",
        &|c| Some(c.ours.conflict_ms),
        "ms",
    );
    row(
        "  documents read (more than one author)",
        &|c| Some(c.ours.conflicts_read),
        "",
    );
    row(
        "— the rest (process start, opening the store)",
        &|c| Some(c.ours.ms - c.ours.network_ms - c.ours.apply_ms - c.ours.conflict_ms),
        "ms",
    );
    row("bootstrap, automerge-repo 2.5.6", &am, "ms");
    row(
        "automerge-repo ÷ ours",
        &|c| am(c).map(|a| a / c.ours.ms),
        "",
    );
    row(
        "usable floor (the store's rows, one transaction)",
        &|c| fig(&c.usable, "elapsed_ms"),
        "ms",
    );
    for (k, name) in [
        ("documents_ms", "— documents"),
        ("projection_ms", "— projection rows"),
        ("search_ms", "— search rows"),
        ("commit_ms", "— commit"),
    ] {
        row(name, &|c| fig(&c.usable, k), "ms");
    }
    row(
        "ours ÷ usable floor",
        &|c| fig(&c.usable, "elapsed_ms").map(|f| c.ours.ms / f),
        "",
    );
    row(
        "ours' applying ÷ usable floor",
        &|c| fig(&c.usable, "elapsed_ms").map(|f| c.ours.apply_ms / f),
        "",
    );
    row(
        "ours ÷ bytes floor (bench process, unlimited)",
        &|c| Some(c.ours.ms / bytes_floor),
        "",
    );
    row(
        "device peak RSS, bootstrap (ours)",
        &|c| Some(c.ours.rss_mb),
        "MB",
    );
    row(
        "device peak RSS, bootstrap (automerge-repo)",
        &|c| c.amrepo.as_ref().ok().map(|r| r.rss_mb),
        "MB",
    );
    for (k, name) in [
        ("open_ms", "open the store"),
        ("create_ms", "create a household of 5 (FULL)"),
        ("search_hanzi_ms", "search screen '住户'"),
        ("search_pinyin_ms", "search screen 'zh'"),
        ("agenda_ms", "today (agenda)"),
        ("list_ms", "household list"),
        ("household_ms", "open a household of 5 members"),
    ] {
        row(name, &|c| fig(&c.screens, k), "ms");
    }
    row(
        "peak RSS, screens process",
        &|c| fig(&c.screens, "peak_rss_kib").map(|k| k / 1024.0),
        "MB",
    );
    println!("    rows in the usable floor: {}", full.usable["rows"]);
    for c in std::iter::once(full).chain(cut.ok()) {
        if let Err(why) = &c.amrepo {
            println!("    automerge-repo: {why}");
        }
    }
}

fn show(name: &str, r: &Run, base: &Run) {
    let bytes = if r.bytes.is_nan() {
        "—".to_string()
    } else if r.bytes < 100e3 {
        format!("{:.1} KB", r.bytes / 1e3)
    } else {
        format!("{:.1} MB", r.bytes / 1e6)
    };
    let trips = if !r.msgs_up.is_nan() {
        format!("{:.0}↑/{:.0}↓ msgs", r.msgs_up, r.msgs_down)
    } else if r.trips.is_nan() {
        "—".to_string()
    } else {
        format!("{:.0} trips", r.trips)
    };
    let mb = |v: f64| {
        if v.is_nan() || v == 0.0 {
            "—".to_string()
        } else {
            format!("{v:.1} MB")
        }
    };
    println!(
        "  {name:<28} {:>9.1} ms  ×{:<6.1} {bytes:>9}  {trips:>18}  peak RSS: device {:>8}, server {:>8}",
        r.ms,
        r.ms / base.ms,
        mb(r.rss_mb),
        mb(r.server_rss_mb)
    );
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let grids: usize = std::env::var("GK_PERF_GRIDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let ingest_only = std::env::var("GK_PERF_INGEST_ONLY").is_ok_and(|v| v == "1");
    let grids = if ingest_only { 1 } else { grids };
    let crowd: usize = std::env::var("GK_PERF_CROWD")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let relay = Relay::start(RELAY, Backend::Sqlite(dir.join("relay"))).unwrap();
    relay
        .admin(&["grid", "add", "s1", "--name", "幸福街道"])
        .unwrap();
    relay
        .admin(&[
            "user",
            "add",
            "sup",
            "--role",
            "supervisor",
            "--scope",
            "s1",
        ])
        .unwrap();

    let started = Instant::now();
    let opts = SyncOptions::default();
    // Grid 0's two devices stay for the incremental step.
    let mut devices0 = None;
    for g in 0..grids {
        let grid = format!("g{g:02}");
        relay
            .admin(&[
                "grid",
                "add",
                &grid,
                "--name",
                &format!("第{g}网格"),
                "--parent",
                "s1",
            ])
            .unwrap();
        relay
            .admin(&[
                "user",
                "add",
                &format!("w{g}"),
                "--role",
                "worker",
                "--scope",
                &grid,
            ])
            .unwrap();
        let (mut a, mut b) =
            gridkeeper_tests::street::comparison_grid(dir, &grid, g as u64).unwrap();
        for s in [&mut a, &mut b] {
            let code = relay.admin(&["enroll-code", &format!("w{g}")]).unwrap();
            s.enroll(&relay.url(), &code).unwrap();
        }
        a.sync(&opts, &mut |_| {}).unwrap();
        b.sync(&opts, &mut |_| {}).unwrap();
        if g == 0 {
            devices0 = Some((a, b));
        }
    }
    let mut street: Vec<Vec<u8>> = Vec::new();
    let mut grid0 = 0;
    for g in 0..grids {
        let docs = relay.documents(&format!("g{g:02}")).unwrap();
        if g == 0 {
            grid0 = docs.len();
        }
        street.extend(docs.into_values().map(|d| d.saved));
    }
    println!(
        "street: {grids} grids, {} records ({grid0} in one grid), {:.1} MB of saved documents; generated and pushed in {:.0} s",
        street.len(),
        street.iter().map(Vec::len).sum::<usize>() as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    let grid_file = dir.join("grid.bin");
    let street_file = dir.join("street.bin");
    docs_file(&grid_file, &street[..grid0]);
    docs_file(&street_file, &street);
    if ingest_only {
        ingest_step(dir, &grid_file, grid0, false);
        return;
    }
    let npm = npm_ready();

    // The low-end phone runs unless GK_PERF_LOW_END=0; with GK_PERF_LOW_END=only, alone.
    let low_end_mode = std::env::var("GK_PERF_LOW_END").unwrap_or_default();
    let low_end_only = low_end_mode == "only";
    if low_end_mode != "0" {
        low_end(&relay, dir, (grid_file.as_path(), grid0), npm);
    }
    if low_end_only {
        return;
    }

    let mut perdoc_grid_store = None;
    for (scope, user, file, count) in [
        ("one grid", "w0", &grid_file, grid0),
        ("the street", "sup", &street_file, street.len()),
    ] {
        println!(
            "\n{scope}: {count} records to a fresh device (medians of {RUNS}; × = time / ours)"
        );
        let our = med(&(0..RUNS)
            .map(|_| ours(&relay, dir, user, scope))
            .collect::<Vec<_>>());
        let per_runs: Vec<(Run, PathBuf)> = (0..RUNS).map(|_| perdoc(dir, file, count)).collect();
        if count == grid0 && perdoc_grid_store.is_none() {
            perdoc_grid_store = Some(per_runs[0].1.clone());
        }
        let per = med(&per_runs.into_iter().map(|r| r.0).collect::<Vec<_>>());
        let docs = if count == grid0 {
            &street[..grid0]
        } else {
            &street[..]
        };
        let floors: Vec<(f64, f64)> = (0..RUNS).map(|_| floor(dir, docs)).collect();
        let sqlite_floor = median(floors.iter().map(|f| f.0).collect());
        let socket_floor = median(floors.iter().map(|f| f.1).collect());
        show("ours (/v1/sync)", &our, &our);
        println!(
            "    where ours goes: network and server {:.0} ms, applying {:.0} ms, reading the stored documents for conflicts {:.0} ms ({:.0} documents with more than one author), the rest (process start, opening the store) {:.0} ms",
            our.network_ms,
            our.apply_ms,
            our.conflict_ms,
            our.conflicts_read,
            our.ms - our.network_ms - our.apply_ms - our.conflict_ms
        );
        let stored: f64 = our.phases.iter().sum();
        println!(
            "    applying: {}, the rest (reading replies into snapshots, cursors) {:.0} ms",
            PHASES
                .iter()
                .zip(our.phases)
                .map(|(n, ms)| format!("{n} {ms:.0} ms"))
                .collect::<Vec<_>>()
                .join(", "),
            our.apply_ms - stored
        );
        show("per-document sync sessions", &per, &our);
        let with_amrepo =
            count == grid0 || std::env::var("GK_PERF_AMREPO_STREET").is_ok_and(|v| v == "1");
        if !npm {
            println!("  automerge-repo: not run (no Node/npm packages)");
        } else if with_amrepo {
            let runs: Vec<Run> = (0..RUNS).filter_map(|_| amrepo(dir, file)).collect();
            if runs.is_empty() {
                println!("  automerge-repo: failed to run");
            } else {
                let name = format!("automerge-repo 2.5.6 ({} runs)", runs.len());
                show(&name, &med(&runs), &our);
            }
        } else {
            println!(
                "  automerge-repo: not run on the street (GK_PERF_AMREPO_STREET=1; takes minutes)"
            );
        }
        println!(
            "  floor: SQLite insert of the bytes {sqlite_floor:.0} ms, loopback copy {socket_floor:.0} ms; ours = ×{:.1} the SQLite floor",
            our.ms / sqlite_floor
        );
    }

    // Incremental: the first device of grid 0 edits 20 households and syncs; the second
    // device, which holds the grid, pulls them. The alternatives get the edits of the first
    // run: their servers hold the edited documents, their devices the grid as it was.
    println!(
        "\nincremental: 20 households edited on another device, pulled by a device that holds the grid (medians of {RUNS})"
    );
    let (mut a, mut b) = devices0.unwrap();
    let households = a.record_ids(Some(Kind::Household)).unwrap();
    let sync_opts = SyncOptions {
        timeout: Duration::from_secs(60),
        ..Default::default()
    };
    let mut our_runs = Vec::new();
    let mut edited = Vec::new();
    for run in 0..RUNS {
        for (k, id) in households.iter().skip(run * 20).take(20).enumerate() {
            a.update::<Household>(*id, |h| h.notes = format!("复访 {run}-{k}"))
                .unwrap();
        }
        a.sync(&sync_opts, &mut |_| {}).unwrap();
        if run == 0 {
            edited = relay
                .documents("g00")
                .unwrap()
                .into_values()
                .map(|d| d.saved)
                .collect();
        }
        let pid = relay.pid().unwrap();
        reset_peak(pid);
        let t = Instant::now();
        let s = b.sync(&sync_opts, &mut |_| {}).unwrap();
        let ms = t.elapsed().as_secs_f64() * 1e3;
        assert_eq!(s.pulled, 20, "{s:?}");
        our_runs.push(Run {
            ms,
            bytes: (s.bytes_up + s.bytes_down) as f64,
            trips: s.rounds as f64,
            server_rss_mb: peak_mb(pid),
            msgs_up: f64::NAN,
            msgs_down: f64::NAN,
            ..Run::default()
        });
    }
    let our = med(&our_runs);
    show("ours (/v1/sync)", &our, &our);
    assert_eq!(edited.len(), grid0);
    let heads = |b: &[u8]| automerge::AutoCommit::load(b).unwrap().get_heads();
    let changed: Vec<usize> = (0..grid0)
        .filter(|&i| heads(&edited[i]) != heads(&street[i]))
        .collect();
    assert_eq!(changed.len(), 20);
    let edited_file = dir.join("grid-edited.bin");
    docs_file(&edited_file, &edited);
    let update_file = dir.join("grid-update.bin");
    {
        let mut out = Vec::new();
        for &i in &changed {
            out.extend_from_slice(&(i as u32).to_le_bytes());
            out.extend_from_slice(&(edited[i].len() as u32).to_le_bytes());
            out.extend_from_slice(&edited[i]);
        }
        std::fs::write(&update_file, out).unwrap();
    }
    let held = perdoc_grid_store.unwrap();
    let mut per_runs = Vec::new();
    let mut per_load = Vec::new();
    for run in 0..RUNS {
        let store = dir.join(format!("perdoc-pull-{run}.db"));
        std::fs::copy(&held, &store).unwrap();
        let (server, port) = perdoc_server(dir, Some(&edited_file));
        let pid = server.0.id();
        reset_peak(pid);
        let r = perdoc_client(&[
            "pull",
            &format!("http://127.0.0.1:{port}"),
            store.to_str().unwrap(),
        ]);
        assert_eq!(r["changed"].as_u64(), Some(changed.len() as u64), "{r}");
        per_load.push(r["load_ms"].as_f64().unwrap());
        per_runs.push(perdoc_run(&r, pid));
    }
    show("per-document sync sessions", &med(&per_runs), &our);
    println!(
        "    (a session for each of the {grid0} documents it holds, {} of them changed; loading them from its SQLite first, not timed: {:.0} ms)",
        changed.len(),
        median(per_load)
    );
    if npm {
        let runs: Vec<(Run, f64)> = (0..RUNS)
            .filter_map(|_| amrepo_incremental(dir, &grid_file, &update_file))
            .collect();
        if runs.is_empty() {
            println!("  automerge-repo: failed to run");
        } else {
            let load = median(runs.iter().map(|r| r.1).collect());
            let runs: Vec<Run> = runs.into_iter().map(|r| r.0).collect();
            show(
                &format!("automerge-repo 2.5.6 ({} runs)", runs.len()),
                &med(&runs),
                &our,
            );
            println!(
                "    (timed from connecting; loading its {grid0} documents from its storage first, not timed: {load:.0} ms)"
            );
        }
    }

    // Server ingest of grid 0's history.
    ingest_step(dir, &grid_file, grid0, npm);

    // Many devices at once, per-document baseline (ours: the relay bench).
    if crowd > 0 {
        let (server, port) = perdoc_server(dir, None);
        let pid = server.0.id();
        let r = perdoc_client(&[
            "crowd",
            &format!("http://127.0.0.1:{port}"),
            &crowd.to_string(),
            grid_file.to_str().unwrap(),
        ]);
        println!("\n{crowd} devices at once, per-document sync sessions (one run):");
        for (round, what) in [
            "round 0: new connections, 3 new documents each",
            "round 1: warm connections, 1 new document + 3 held, one session each",
        ]
        .iter()
        .enumerate()
        {
            let x = &r["rounds"][round];
            println!(
                "  {what}: p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms, all done in {:.0} ms ({} requests)",
                x["p50_ms"].as_f64().unwrap(),
                x["p99_ms"].as_f64().unwrap(),
                x["max_ms"].as_f64().unwrap(),
                x["wall_ms"].as_f64().unwrap(),
                x["requests"]
            );
        }
        println!("  server peak RSS {:.1} MB", peak_mb(pid));
    }
}

/// Server ingest of grid 0's history: ours, then the per-document baseline in the same run,
/// then (with `npm`) automerge-repo.
fn ingest_step(dir: &Path, grid_file: &Path, grid0: usize, npm: bool) {
    println!("\ningest: one device sends grid 0's history to an empty server (medians of {RUNS})");
    let mut ingest = Vec::new();
    for run in 0..RUNS {
        let (changes, r) = our_ingest(dir, run);
        ingest.push(r);
        println!(
            "    ours, run {run}: {changes} changes in {:.0} ms (network and server {:.0} ms, the device's own work {:.0} ms)",
            ingest[run].ms, ingest[run].network_ms, ingest[run].apply_ms
        );
    }
    let our = med(&ingest);
    println!(
        "  ours (/v1/sync; the first device of grid 0 pushes its queue, {:.0} changes): {:.0} ms = {:.0} changes/s; relay peak RSS {:.1} MB",
        our.trips,
        our.ms,
        our.trips / our.ms * 1e3,
        our.server_rss_mb
    );
    let mut push_ms = Vec::new();
    let mut push = Value::Null;
    for _ in 0..RUNS {
        let (server, port) = perdoc_server(dir, None);
        push = perdoc_client(&[
            "push",
            &format!("http://127.0.0.1:{port}"),
            grid_file.to_str().unwrap(),
        ]);
        drop(server);
        push_ms.push(push["elapsed_ms"].as_f64().unwrap());
    }
    let am_changes = push["changes"].as_f64().unwrap();
    let ms = median(push_ms);
    println!(
        "  per-document sync sessions (its server saves each changed document to SQLite): {grid0} documents, {am_changes} changes in {ms:.0} ms = {:.0} changes/s, {:.0} documents/s ({} requests)",
        am_changes / ms * 1e3,
        grid0 as f64 / ms * 1e3,
        push["requests"]
    );
    if npm {
        let runs: Vec<(f64, f64)> = (0..RUNS)
            .filter_map(|_| amrepo_ingest(dir, grid_file))
            .collect();
        if runs.is_empty() {
            println!("  automerge-repo: failed to run");
        } else {
            let ms = median(runs.iter().map(|r| r.0).collect());
            println!(
                "  automerge-repo 2.5.6 ({} runs): {ms:.0} ms = {:.0} changes/s, {:.0} documents/s; server peak RSS {:.1} MB",
                runs.len(),
                am_changes / ms * 1e3,
                grid0 as f64 / ms * 1e3,
                median(runs.iter().map(|r| r.1).collect())
            );
        }
    }
    println!(
        "  ours ÷ per-document (rate per change): {:.2}",
        (our.trips / our.ms) / (am_changes / ms)
    );
}
