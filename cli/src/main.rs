//! `gk`: the Gridkeeper terminal client, a thin layer over gridkeeper-core.

mod args;
mod commands;

use std::process::ExitCode;

use clap::Parser;
use gridkeeper_core::Error;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(exit_code(&e))
        }
    }
}

/// 2: the input was wrong (fix it and retry); 3: no such record; 1: anything else.
fn exit_code(e: &Error) -> u8 {
    match e {
        Error::Invalid(_)
        | Error::BadChanges(_)
        | Error::WrongKind { .. }
        | Error::NoConflict { .. } => 2,
        Error::NotFound(_) => 3,
        _ => 1,
    }
}
