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
//! Data: `comparison_grid` — 400 households per grid with six months of history, edited on two
//! devices. `GK_PERF_GRIDS` (default 20) sets the street's size; automerge-repo runs on one grid,
//! and on the street too with `GK_PERF_AMREPO_STREET=1` (minutes).
//! `cargo bench -p gridkeeper-tests --bench compare`; results in BENCHMARKS.md.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use gridkeeper_core::Store;
use gridkeeper_core::sync::SyncOptions;
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
    /// Ours only: time on the network (request, server, reply decode) and applying replies.
    network_ms: f64,
    apply_ms: f64,
}

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
        network_ms: median(runs.iter().map(|r| r.network_ms).collect()),
        apply_ms: median(runs.iter().map(|r| r.apply_ms).collect()),
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
    let path = dir.join(format!("fresh-{tag}-{}.db", uuid::Uuid::now_v7().simple()));
    let mut s = Store::init(&path, Some(user)).unwrap();
    let code = relay.admin(&["enroll-code", user]).unwrap();
    s.enroll(&relay.url(), &code).unwrap();
    drop(s);
    let out = Command::new(PHONE)
        .arg(&path)
        .arg("--report")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    Run {
        ms: r["elapsed_ms"].as_f64().unwrap(),
        bytes: r["bytes_down"].as_f64().unwrap() + r["bytes_up"].as_f64().unwrap(),
        trips: r["rounds"].as_f64().unwrap(),
        rss_mb: r["peak_rss_kib"].as_f64().unwrap() / 1024.0,
        network_ms: r["network_ms"].as_f64().unwrap(),
        apply_ms: r["apply_ms"].as_f64().unwrap(),
    }
}

fn perdoc(dir: &Path, docs: &Path, count: usize) -> Run {
    let port = free_port();
    let mut server = Command::new(PERDOC)
        .args(["serve", &port.to_string()])
        .arg(docs)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    wait_line(&mut server, "ready");
    let _server = Kill(server);
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
    Run {
        ms: r["elapsed_ms"].as_f64().unwrap(),
        bytes: r["bytes"].as_f64().unwrap(),
        trips: r["requests"].as_f64().unwrap(),
        rss_mb: r["peak_rss_kib"].as_f64().unwrap() / 1024.0,
        ..Run::default()
    }
}

/// automerge-repo's server and a fresh client peer; `None` when Node or the packages are missing.
fn amrepo(dir: &Path, docs: &Path) -> Option<Run> {
    let perf = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("perf");
    if !perf.join("node_modules/@automerge/automerge-repo").exists() {
        let ok = Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--silent"])
            .current_dir(&perf)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            println!("  automerge-repo: npm install failed; skipped");
            return None;
        }
    }
    let port = free_port();
    let id = uuid::Uuid::now_v7().simple().to_string();
    let urls = dir.join(format!("urls-{id}.txt"));
    let mut server = Command::new("node")
        .arg(perf.join("server.mjs"))
        .arg(port.to_string())
        .arg(dir.join(format!("amsrv-{id}")))
        .arg(docs)
        .arg(&urls)
        .stdout(Stdio::piped())
        .spawn()
        .ok()?;
    wait_line(&mut server, "ready");
    let _server = Kill(server);
    let out = Command::new("node")
        .arg(perf.join("client.mjs"))
        .arg(port.to_string())
        .arg(dir.join(format!("amcli-{id}")))
        .arg(&urls)
        .output()
        .ok()?;
    let r: Value = serde_json::from_slice(&out.stdout).ok()?;
    assert_eq!(
        r["ready"], r["docs"],
        "automerge-repo left documents unready"
    );
    Some(Run {
        ms: r["ms"].as_f64()?,
        bytes: f64::NAN,
        trips: f64::NAN,
        rss_mb: r["peak_rss_kib"].as_f64()? / 1024.0,
        ..Run::default()
    })
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

fn show(name: &str, r: &Run, base: &Run) {
    let bytes = if r.bytes.is_nan() {
        "—".to_string()
    } else {
        format!("{:.1} MB", r.bytes / 1e6)
    };
    let trips = if r.trips.is_nan() {
        "—".to_string()
    } else {
        format!("{:.0}", r.trips)
    };
    println!(
        "  {name:<28} {:>9.0} ms  ×{:<6.1} {bytes:>9}  {trips:>7} trips  {:>6.1} MB RSS",
        r.ms,
        r.ms / base.ms,
        r.rss_mb
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
        let per = med(&(0..RUNS)
            .map(|_| perdoc(dir, file, count))
            .collect::<Vec<_>>());
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
            "    where ours goes: network and server {:.0} ms, applying {:.0} ms, the rest (process start, opening the store) {:.0} ms",
            our.network_ms,
            our.apply_ms,
            our.ms - our.network_ms - our.apply_ms
        );
        show("per-document sync sessions", &per, &our);
        let with_amrepo =
            count == grid0 || std::env::var("GK_PERF_AMREPO_STREET").is_ok_and(|v| v == "1");
        if with_amrepo {
            match amrepo(dir, file) {
                Some(r) => show("automerge-repo 2.5.6", &r, &our),
                None => println!("  automerge-repo: not run (no Node/npm packages)"),
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
}
