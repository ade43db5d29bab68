//! Supervisors' reports (issue #8): projection rows kept beside each record, report queries
//! over a scope of the grid tree and a period, and their exports.

pub mod audit;
pub mod export;
pub mod labels;
pub mod lists;
pub mod queries;
pub mod rebuild;
pub mod rows;
pub mod schema;
pub mod scope;
pub mod sql;
