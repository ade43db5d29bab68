//! A case's photos taken on another phone: shown as placeholders with a fetch button until
//! this phone holds them, a fetch that fails (no signal) said in words with the button
//! offered again, and thumbnails once the bytes arrived.

use gridkeeper_app::cases::{CaseDetail, CaseDetailEvent as Cde};
use gridkeeper_app::{Effect, Lang};
use gridkeeper_core::sync::SyncError;
use gridkeeper_core::{Kind, RecordId, Store};
use serde_json::json;

fn ok<T, E: std::fmt::Display>(r: Result<T, E>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

/// Real PNG bytes (1×1), as a camera's file would hold a photo.
fn png() -> Vec<u8> {
    let mut b = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    b.extend_from_slice(&[
        0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0,
    ]);
    b.extend_from_slice(&[0x90, 0x77, 0x53, 0xDE]);
    b.extend_from_slice(&[0, 0, 0, 1, b'I', b'D', b'A', b'T', 7, 0, 0, 0, 0]);
    b.extend_from_slice(&[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82]);
    b
}

/// A case with a photo reported on phone A, and phone B that has heard of it by sync.
fn reported_elsewhere(dir: &tempfile::TempDir) -> (Store, RecordId, String, Vec<u8>) {
    let mut a = ok(Store::init(dir.path().join("a.db"), Some("王芳")));
    let mut b = ok(Store::init(dir.path().join("b.db"), Some("李强")));
    let bytes = png();
    let hash = ok(a.add_blob(&bytes, Some("image/png"))).hash;
    let id = ok(a.create_json(
        Kind::Case,
        "g1",
        json!({"category": "environment", "description": "门前垃圾堆放", "severity": "low",
               "photos": [hash]}),
    ));
    ok(b.apply_changes(&ok(a.changes(None))));
    (b, id, hash, bytes)
}

#[test]
fn a_photo_from_another_phone_is_a_placeholder_until_fetched() {
    let dir = ok(tempfile::tempdir());
    let (mut b, id, hash, bytes) = reported_elsewhere(&dir);
    let mut screen = CaseDetail::new(id, Lang::Zh);
    screen.update(&mut b, Cde::Load { at: 1_764_400_000 });
    let v = screen.view().clone();
    assert_eq!(v.thumbs_before.len(), 1);
    assert_eq!(v.thumbs_before[0].hash, hash);
    assert!(!v.thumbs_before[0].on_phone, "not on this phone yet");
    assert_eq!(
        v.photo_fetch.missing_text.as_deref(),
        Some("1 张照片在其他手机上拍摄，尚未取回")
    );
    assert_eq!(v.photo_fetch.fetch_label.as_deref(), Some("取回照片"));

    // Fetching is the shell's, off the main thread; a second tap meanwhile asks nothing.
    assert_eq!(
        screen.update(&mut b, Cde::FetchPhotos),
        [Effect::FetchPhotos {
            record_id: id.to_string()
        }]
    );
    assert!(screen.view().photo_fetch.fetching);
    assert_eq!(screen.view().photo_fetch.fetch_label, None);
    assert!(screen.update(&mut b, Cde::FetchPhotos).is_empty());

    // No signal: said in words, and the button is back.
    screen.photos_fetched(&mut b, Err(SyncError::Network("timed out".into())));
    let v = screen.view();
    assert!(!v.photo_fetch.fetching);
    let error = v.photo_fetch.error.clone().unwrap_or_default();
    assert!(error.starts_with("照片没有取回："), "{error}");
    assert!(
        !error.contains("timed out"),
        "words, not the transport's: {error}"
    );
    assert_eq!(v.photo_fetch.fetch_label.as_deref(), Some("取回照片"));

    // The bytes arrive (what `fetchPhotos` stores): a thumbnail, nothing left to fetch.
    ok(b.store_fetched_blob(&hash, &bytes));
    screen.photos_fetched(&mut b, Ok(1));
    let v = screen.view();
    assert!(v.thumbs_before[0].on_phone);
    assert_eq!(v.photo_fetch.missing_text, None);
    assert_eq!(v.photo_fetch.fetch_label, None);
    assert_eq!(v.photo_fetch.error, None);
    assert_eq!(ok(b.get_blob(&hash)), Some(bytes));
}

#[test]
fn photos_taken_here_need_no_fetch_and_the_words_are_english_too() {
    let dir = ok(tempfile::tempdir());
    let mut a = ok(Store::init(dir.path().join("a.db"), Some("王芳")));
    let hash = ok(a.add_blob(&png(), Some("image/png"))).hash;
    let id = ok(a.create_json(
        Kind::Case,
        "g1",
        json!({"category": "hazard", "description": "楼道堆物", "severity": "high",
               "photos": [hash]}),
    ));
    let mut screen = CaseDetail::new(id, Lang::En);
    screen.update(&mut a, Cde::Load { at: 1_764_400_000 });
    assert!(screen.view().thumbs_before[0].on_phone);
    assert_eq!(screen.view().photo_fetch.fetch_label, None);

    let (mut b, id, _, _) = reported_elsewhere(&ok(tempfile::tempdir()));
    let mut theirs = CaseDetail::new(id, Lang::En);
    theirs.update(&mut b, Cde::Load { at: 1_764_400_000 });
    assert_eq!(
        theirs.view().photo_fetch.missing_text.as_deref(),
        Some("Photos taken on another phone, not fetched yet: 1")
    );
    theirs.update(&mut b, Cde::FetchPhotos);
    theirs.photos_fetched(&mut b, Err(SyncError::NotEnrolled));
    assert_eq!(
        theirs.view().photo_fetch.error.as_deref(),
        Some("Photos not fetched: This phone is not enrolled yet; ask your supervisor for a code.")
    );
}
