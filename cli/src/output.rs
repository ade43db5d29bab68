//! What goes to stdout, what goes to stderr, and the exit code.

use std::fmt;
use std::io::Write;
use std::process::ExitCode;

use gridkeeper_core::rescue::RescueError;
use gridkeeper_core::sync::SyncError;
use gridkeeper_core::{Error, Invalid};
use serde_json::Value;

/// Why a command failed: a core error, or one at a line of an input file (`gk import`).
#[derive(Debug)]
pub enum Failure {
    Core(Error),
    AtLine { line: usize, error: Error },
    Sync(SyncError),
    Rescue(RescueError),
}

impl Failure {
    fn error(&self) -> Option<&Error> {
        match self {
            Failure::Core(e) | Failure::AtLine { error: e, .. } => Some(e),
            Failure::Sync(SyncError::Store(e)) => Some(e),
            Failure::Sync(_) | Failure::Rescue(_) => None,
        }
    }

    /// 2: the input was wrong (fix it and retry); 3: no such record; 4: the server cannot be
    /// reached now (retry later); 5: the server refuses (needs a person); 1: anything else.
    pub fn exit_code(&self) -> u8 {
        if let Failure::Sync(e) = self {
            return match e {
                SyncError::Network(_) => 4,
                SyncError::Unauthorized
                | SyncError::Revoked
                | SyncError::Refused { .. }
                | SyncError::NotEnrolled => 5,
                _ => 1,
            };
        }
        if let Failure::Rescue(e) = self {
            return match e {
                RescueError::NotEnrolled => 5,
                _ => 1,
            };
        }
        let Some(error) = self.error() else {
            return 1;
        };
        match error {
            Error::Invalid(_)
            | Error::BadChanges(_)
            | Error::WrongKind { .. }
            | Error::NoConflict { .. } => 2,
            Error::NotFound(_) => 3,
            _ => 1,
        }
    }

    /// The reader of our stdout went away (`gk export | head`): nothing left worth saying.
    fn is_broken_pipe(&self) -> bool {
        matches!(self.error(), Some(Error::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Core(e) => write!(f, "{e}"),
            Failure::AtLine { line, error } => write!(f, "line {line}: {error}"),
            Failure::Sync(e) => write!(f, "{e}\n{}", e.user_message_zh()),
            Failure::Rescue(e) => write!(f, "{e}"),
        }
    }
}

impl From<SyncError> for Failure {
    fn from(e: SyncError) -> Self {
        Failure::Sync(e)
    }
}

impl From<RescueError> for Failure {
    fn from(e: RescueError) -> Self {
        Failure::Rescue(e)
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Core(e)
    }
}

impl From<Invalid> for Failure {
    fn from(e: Invalid) -> Self {
        Failure::Core(e.into())
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::Core(e.into())
    }
}

/// Prints `error: …` to stderr (core messages carry no personal data) and picks the code.
pub fn report(failure: &Failure) -> ExitCode {
    if !failure.is_broken_pipe() {
        eprintln!("error: {failure}");
    }
    ExitCode::from(failure.exit_code())
}

/// One line on stdout, flushed at once: a printed id is an acknowledgement.
pub fn line(text: impl fmt::Display) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")?;
    out.flush()?;
    Ok(())
}

pub fn json(value: &Value) -> Result<(), Error> {
    line(serde_json::to_string_pretty(value).unwrap_or_default())
}
