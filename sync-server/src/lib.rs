//! Gridkeeper relay server: enrols devices, authorizes every request, keeps a per-grid change
//! feed that never skips a change, and materializes each record for supervisors' reports.

pub mod materialize;
pub mod storage;
