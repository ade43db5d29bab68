//! Running `gk` as a real process on a real store file, for the CLI tests.

#![allow(dead_code)]

use std::path::Path;
use std::process::Output;

use serde_json::Value;

pub fn gk(db: &Path, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_gk"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("run gk: {e}"))
}

pub fn ok(db: &Path, args: &[&str]) -> String {
    let out = gk(db, args);
    assert!(
        out.status.success(),
        "gk {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

pub fn json(db: &Path, args: &[&str]) -> Value {
    serde_json::from_str(&ok(db, args))
        .unwrap_or_else(|e| panic!("gk {args:?} printed non-JSON: {e}"))
}
