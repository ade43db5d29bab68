//! A phone's sync as its own process, so a test can kill it with SIGKILL mid-sync:
//! `phone STORE_FILE` runs one full sync and prints the summary.

use std::process::ExitCode;

use gridkeeper_core::Store;
use gridkeeper_core::sync::SyncOptions;

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: phone STORE_FILE");
        return ExitCode::from(2);
    };
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
