//! A phone's sync as its own process, so a test can kill it with SIGKILL mid-sync and a
//! benchmark can measure the phone's own memory: `phone STORE_FILE [--report]` runs one full
//! sync; with `--report` it prints one JSON line with the time, the process's peak resident
//! memory and what moved.
//!
//! Two more modes exist so the compare bench can run them inside the CPU limit that stands in
//! for a low-end phone (a limit applies to a process, not to a part of the bench's):
//! - `phone screens STORE_FILE GRID` times each screen's work on a store a bootstrap filled;
//! - `phone usable-floor FROM_STORE TO_STORE` times the least a usable store costs: the rows
//!   `FROM_STORE`'s bootstrap wrote, read beforehand, inserted in one transaction.

use std::process::ExitCode;
use std::time::Instant;

use gridkeeper_core::Store;
use gridkeeper_core::sync::SyncOptions;
use gridkeeper_tests::low_end;

/// Peak resident set size of this process in KiB (Linux), 0 elsewhere.
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!(
            "usage: phone STORE_FILE [--report] | screens STORE_FILE GRID | usable-floor FROM TO"
        );
        return ExitCode::from(2);
    };
    let rest: Vec<String> = args.collect();
    let measured = match (path.as_str(), rest.as_slice()) {
        ("screens", [store, grid]) => Some(low_end::screens(store, grid)),
        ("usable-floor", [from, to]) => Some(low_end::usable_floor(from, to)),
        _ => None,
    };
    if let Some(result) = measured {
        return match result {
            Ok(mut figures) => {
                figures["peak_rss_kib"] = peak_rss_kib().into();
                println!("{figures}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let mut args = rest.into_iter();
    let report = args.any(|a| a == "--report");
    let started = Instant::now();
    let mut store = match Store::open(&path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let opts = SyncOptions {
        max_attempts: 1,
        ..Default::default()
    };
    match store.sync(&opts, &mut |_| {}) {
        Ok(s) if report => {
            println!(
                "{}",
                serde_json::json!({
                    "elapsed_ms": started.elapsed().as_secs_f64() * 1e3,
                    "peak_rss_kib": peak_rss_kib(),
                    "rounds": s.rounds,
                    "snapshots": s.snapshots,
                    "pulled": s.pulled,
                    "pushed": s.pushed,
                    "bytes_down": s.bytes_down,
                    "bytes_up": s.bytes_up,
                    "network_ms": s.network_time.as_secs_f64() * 1e3,
                    "apply_ms": s.apply_time.as_secs_f64() * 1e3,
                    "check_ms": s.ingest_times.check.as_secs_f64() * 1e3,
                    "documents_ms": s.ingest_times.documents.as_secs_f64() * 1e3,
                    "projection_ms": s.ingest_times.projection.as_secs_f64() * 1e3,
                    "search_ms": s.ingest_times.search.as_secs_f64() * 1e3,
                    "commit_ms": s.ingest_times.commit.as_secs_f64() * 1e3,
                    "conflict_check_ms": s.conflict_check_time.as_secs_f64() * 1e3,
                    "conflicts_read": s.conflicts_read,
                })
            );
            ExitCode::SUCCESS
        }
        Ok(s) => {
            println!(
                "pushed {} pulled {} records {}",
                s.pushed, s.pulled, s.snapshots
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
