//! What the phone says when the worker's store cannot be opened at all, and what to do then —
//! the same words on both phones. (A damaged store, or one the key no longer opens, does not
//! come here: the library moves it aside intact and opens a fresh one, and the sync line says
//! so. What comes here is what stops even that: the keystore, a full disk, the file system.)

use serde::Serialize;

use crate::lang::{Lang, t};

/// Why the store would not open, as the shell can tell from what failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum StoreProblem {
    /// The phone's keystore no longer gives the key that opens the store: the lock screen
    /// was removed or reset, or the app's files were restored onto another phone.
    KeyLost,
    /// The phone's storage is full.
    StorageFull,
    /// The file system refused (a damaged card, a store from a newer version of the app).
    Storage,
}

/// The screen shown instead of the app, until the worker does what it says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct StoreProblemView {
    pub title: String,
    /// What happened, and that nothing was deleted.
    pub detail: String,
    /// What to do, in order.
    pub steps: Vec<String>,
    /// The button that tries again.
    pub retry: String,
    /// `Some` when the worker may start over with an empty store, the unreadable one kept
    /// aside on the phone (only when waiting cannot help: the key is gone for good).
    pub start_over: Option<String>,
}

#[cfg_attr(feature = "ffi", uniffi::export)]
pub fn store_problem_view(problem: StoreProblem, lang: Lang) -> StoreProblemView {
    let (detail, steps): (&str, &[&str]) = match problem {
        StoreProblem::KeyLost => (
            "store_problem.key_lost",
            &[
                "store_problem.keep_app",
                "store_problem.ask_supervisor",
                "store_problem.start_over_then",
            ],
        ),
        StoreProblem::StorageFull => (
            "store_problem.storage_full",
            &["store_problem.free_space", "store_problem.retry_then"],
        ),
        StoreProblem::Storage => (
            "store_problem.storage",
            &[
                "store_problem.restart_phone",
                "store_problem.keep_app",
                "store_problem.ask_supervisor",
            ],
        ),
    };
    StoreProblemView {
        title: t("store_problem.title", lang),
        detail: t(detail, lang),
        steps: steps.iter().map(|k| t(k, lang)).collect(),
        retry: t("store_problem.retry", lang),
        start_over: (problem == StoreProblem::KeyLost).then(|| t("store_problem.start_over", lang)),
    }
}
