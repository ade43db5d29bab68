//! Gridkeeper's core for the Android and iOS apps (and Python scripts), through uniffi.
//!
//! The layer converts and nothing more: typed records in, core's JSON-validated records
//! inside, typed records and one exception type out. Every rule — validation, merging, the
//! case loop, checklists, sync — is core's. See `bindings/README.md` for the app's view.

mod errors;
mod kinds;
mod patch;
mod records;
mod rules;
mod screens;
mod store;
mod subscription;
mod sync;
mod views;

pub use errors::GridkeeperError;
pub use records::*;
pub use rules::{
    InspectionCheck, ItemProblem, ProblemKind, case_actions, mask_id_number, mask_phone,
};
pub use screens::{
    ConflictsScreen, EnrolScreen, HouseholdDetailScreen, HouseholdsScreen, SyncScreen, TodayScreen,
};
pub use store::{
    GridStore, RescueFileSummary, encrypt_plaintext_store, is_plaintext_store, open_store_count,
};
pub use subscription::{RecordsChanged, Subscription};
pub use sync::{
    CancelToken, Enrolment, RejectedChange, SyncProgress, SyncProgressInfo, SyncStatus, SyncSummary,
};
pub use views::*;

uniffi::setup_scaffolding!();
