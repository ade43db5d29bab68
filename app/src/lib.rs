//! The app core: what both phones show and do, written once. Each screen is a state, the
//! events a person (or the shell, answering an effect) can cause, a view model the shell
//! draws as it is — every word already in the worker's language — and effects the shell
//! performs (open a screen, run a sync on a background thread) and answers with events.
//!
//! The shape is redbadger/crux's (`update(event)` → effects, `view()`), with one difference
//! that suits an offline-first app: the store is local, in Rust, and fast, so a screen reads
//! and writes it directly in `update` instead of asking the shell to; only what needs the
//! platform (network on a background thread, camera, location, keystore) is an effect.
//!
//! Kept out of the bindings crate so the screens are tested here as a worker uses them, on a
//! real store, without a foreign-function layer in the way; the bindings only convert.

pub mod activities;
pub mod cases;
pub mod conflict_list;
pub mod conflicts;
pub mod diary;
pub mod draft_list;
mod drafts;
pub mod effect;
pub mod enrol;
pub mod household_detail;
pub mod household_edit;
pub mod households;
pub mod inspection;
pub mod lang;
pub mod mediation;
pub mod mediations;
pub mod photos;
pub mod places;
pub mod search;
pub mod store_problem;
pub mod sync_status;
pub mod sync_trigger;
mod times;
pub mod today;
pub mod visit_form;

pub use effect::Effect;

#[cfg(feature = "ffi")]
uniffi::setup_scaffolding!();
pub use lang::Lang;
