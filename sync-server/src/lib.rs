//! Gridkeeper relay server: enrols devices, authorizes every request, keeps a per-grid change
//! feed that never skips a change, and materializes each record for supervisors' reports.

pub mod admin;
pub mod app;
pub mod auth;
pub mod cli;
pub mod csv_text;
pub mod demo;
pub mod dispatch;
pub mod erasure;
pub mod error;
pub mod grid_codes;
pub mod grid_import;
pub mod handover;
pub mod http;
pub mod ledgers;
pub mod materialize;
pub mod metrics;
pub mod moves;
pub mod push;
pub mod rate_limit;
pub mod relay_edit;
pub mod reports;
pub mod rescue;
pub mod retention;
pub mod review;
pub mod server;
pub mod storage;
pub mod tasks;
pub mod templates;
pub mod text;
pub mod web;
pub mod work_orders;
