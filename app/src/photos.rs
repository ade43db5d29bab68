//! Photos on a record's screen: each a thumbnail when this phone holds it, or a placeholder
//! when another phone took it and it has not been fetched. Fetching is on demand — an effect
//! the shell performs off the main thread, over the sync client — and a failure (no signal in
//! a stairwell is normal) is said in words beside the photos, never as a crash. And a photo
//! the shell took for a form, kept in the store's attachments.

use gridkeeper_core::store::BlobState;
use gridkeeper_core::sync::SyncError;
use gridkeeper_core::{Error, Store};
use serde::Serialize;

use crate::lang::{Lang, error_words, field_message, sync_words, t, t1};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct PhotoThumb {
    /// The attachment's hash: the bindings' `attachmentBytes` gives its bytes.
    pub hash: String,
    /// Held here; otherwise a placeholder until fetched.
    pub on_phone: bool,
}

/// The line under a record's photos while some are not on this phone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct PhotoFetchView {
    /// `2 张照片在其他手机上拍摄，尚未取回`, while any are missing.
    pub missing_text: Option<String>,
    /// The button (`取回照片`), while any are missing and no fetch is running.
    pub fetch_label: Option<String>,
    pub fetching: bool,
    /// Why the last fetch did not bring them, in words.
    pub error: Option<String>,
}

/// Each of `hashes` as a thumbnail or a placeholder.
pub fn thumbs(store: &Store, hashes: &[String]) -> Vec<PhotoThumb> {
    hashes
        .iter()
        .map(|hash| PhotoThumb {
            on_phone: matches!(
                store.blob_info(hash),
                Ok(Some(info)) if info.state != BlobState::Remote
            ),
            hash: hash.clone(),
        })
        .collect()
}

/// Where a record's photos stand: missing ones counted once, however many groups show them.
#[derive(Debug, Default)]
pub struct PhotoFetch {
    fetching: bool,
    error: Option<String>,
}

impl PhotoFetch {
    /// A fetch asked for; `false` when one is already running (a second tap does nothing).
    pub fn start(&mut self) -> bool {
        if self.fetching {
            return false;
        }
        self.fetching = true;
        self.error = None;
        true
    }

    /// What came of the fetch the shell ran.
    pub fn finished(&mut self, outcome: &Result<u64, SyncError>, lang: Lang) {
        self.fetching = false;
        self.error = outcome
            .as_ref()
            .err()
            .map(|e| t1("photos.not_fetched", lang, sync_words(e, lang)));
    }

    pub fn view<'a>(
        &self,
        shown: impl IntoIterator<Item = &'a PhotoThumb>,
        lang: Lang,
    ) -> PhotoFetchView {
        let mut missing: Vec<&str> = shown
            .into_iter()
            .filter(|p| !p.on_phone)
            .map(|p| p.hash.as_str())
            .collect();
        missing.sort_unstable();
        missing.dedup();
        let any = !missing.is_empty();
        PhotoFetchView {
            missing_text: any.then(|| t1("photos.missing", lang, missing.len())),
            fetch_label: (any && !self.fetching).then(|| t("photos.fetch", lang)),
            fetching: self.fetching,
            error: if any { self.error.clone() } else { None },
        }
    }
}

/// Adds the photo the shell took at `path` to a form's `photos`, once: the same bytes taken
/// twice are one photo. When the store refuses it (not a photo, too large), the words to show
/// under the photo button.
pub(crate) fn add(
    store: &mut Store,
    path: &str,
    photos: &mut Vec<String>,
    lang: Lang,
) -> Result<(), String> {
    let blob = store.add_blob_file(path, None).map_err(|e| match &e {
        Error::Invalid(i) => field_message("photos", &i.reason, lang),
        other => error_words(other, lang),
    })?;
    if !photos.contains(&blob.hash) {
        photos.push(blob.hash);
    }
    Ok(())
}
