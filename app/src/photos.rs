//! A photo the shell took for a form's `photos`, copied into the store's attachments.

use gridkeeper_core::{Error, Store};

use crate::lang::{Lang, error_words, field_message};

/// Adds the photo at `path` to `photos`, once: the same bytes taken twice are one photo. When
/// the store refuses it (not a photo, too large), the words to show under the photo button.
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
