//! Reading a form's draft back when the form opens, the same way for every form.

use gridkeeper_core::Store;
use serde::de::DeserializeOwned;

use crate::lang::{Lang, error_words, t};

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

/// What an edit form (a household, a place, an activity) shows above itself once it has
/// looked for its draft.
pub(crate) struct Resumed {
    pub restored: bool,
    /// The draft restored, or a draft that could not be read.
    pub note: Option<String>,
    /// The store's failure in words.
    pub banner: Option<String>,
}

/// Lays the draft under `key`, if any, over `form`: the forms that read a record and then
/// put back what was typed over it since, all alike.
pub(crate) fn resume<F: DeserializeOwned>(
    store: &Store,
    key: &str,
    lang: Lang,
    form: &mut F,
) -> Resumed {
    let mut resumed = Resumed {
        restored: false,
        note: None,
        banner: None,
    };
    match restore::<F>(store, key, lang) {
        Restored::Form(draft) => {
            *form = draft;
            resumed.restored = true;
            resumed.note = Some(t("household_edit.restored", lang));
        }
        Restored::Unreadable => resumed.note = Some(t("household_edit.unreadable", lang)),
        Restored::Nothing => {}
        Restored::Failed(words) => resumed.banner = Some(words),
    }
    resumed
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
