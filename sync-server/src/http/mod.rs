//! Request handlers, one module per part of the API.

pub mod admin;
pub mod blobs;
pub mod body;
pub mod enroll;
pub mod extract;
pub mod grid_codes;
pub mod ledgers;
pub mod moves;
pub mod ops;
pub mod reports;
pub mod sync;
pub mod work_orders;
