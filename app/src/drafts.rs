//! Reading a form's draft back when the form opens, the same way for every form.

use gridkeeper_core::Store;
use serde::de::DeserializeOwned;

use crate::lang::{Lang, error_words};

/// What a form finds when it opens.
pub(crate) enum Restored<F> {
    /// No draft: the form starts as it would.
    Nothing,
    /// What the worker had typed before the app was closed.
    Form(F),
    /// A draft this version cannot read. It is kept, not cleared: the next edit replaces it,
    /// and until then it is there for a newer version of the app that may read it.
    Unreadable,
    /// The store failed; its error in the worker's words.
    Failed(String),
}

pub(crate) fn restore<F: DeserializeOwned>(store: &Store, key: &str, lang: Lang) -> Restored<F> {
    match store.draft(key) {
        Ok(Some(draft)) => match serde_json::from_str(&draft.fields) {
            Ok(form) => Restored::Form(form),
            Err(_) => Restored::Unreadable,
        },
        Ok(None) => Restored::Nothing,
        Err(e) => Restored::Failed(error_words(&e, lang)),
    }
}
