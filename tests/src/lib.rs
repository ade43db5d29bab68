//! Harness for Gridkeeper's cross-crate tests: relay server processes (SQLite or PostgreSQL)
//! that can be killed and restarted, a loopback proxy that injects network faults, and phones
//! that are real core stores syncing over HTTP.

pub mod low_end;
pub mod phones;
pub mod proxy;
pub mod relay;
pub mod street;
