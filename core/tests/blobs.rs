//! Attachments as content-addressed blobs, on real store files: sniffing and the rules for new
//! blobs, deduplication, the upload queue, and blobs known by reference being fetched and
//! verified.

use std::fmt::Debug;

use gridkeeper_core::Error;
use gridkeeper_core::Store;
use gridkeeper_core::blob_type::{self, MediaType};
use gridkeeper_core::store::{
    BlobLimits, BlobRef, BlobState, DEFAULT_MAX_BLOB_BYTES, blob_hash, is_blob_hash,
};

/// A complete 1×1 transparent PNG (IHDR, IDAT, IEND, CRCs checked).
const PNG: [u8; 67] = [
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, // signature
    0x00, 0x00, 0x00, 0x0D, b'I', b'H', b'D', b'R', // IHDR
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, //
    0x1F, 0x15, 0xC4, 0x89, //
    0x00, 0x00, 0x00, 0x0A, b'I', b'D', b'A', b'T', // IDAT
    0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00, 0x05, 0x00, 0x01, //
    0x0D, 0x0A, 0x2D, 0xB4, //
    0x00, 0x00, 0x00, 0x00, b'I', b'E', b'N', b'D', // IEND
    0xAE, 0x42, 0x60, 0x82,
];
/// SHA-256 of [`PNG`], computed independently.
const PNG_HASH: &str = "ebf4f635a17d10d6eb46ba680b70142419aa3220f228001a036d311a22ee9d2a";

/// A JFIF header (SOI, APP0) followed by EOI.
const JPEG: &[u8] = b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xFF\xD9";
/// A 1×1 lossless WebP.
const WEBP: &[u8] =
    b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00";
/// The `ftyp` box an iPhone HEIC starts with, and a `meta` box header.
const HEIC: &[u8] =
    b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic\x00\x00\x00\x0cmeta\x00\x00\x00\x00";
/// A HEIF with the generic `mif1` major brand.
const HEIF_MIF1: &[u8] = b"\x00\x00\x00\x14ftypmif1\x00\x00\x00\x00heic\x00\x00\x00\x08free";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

fn store(dir: &tempfile::TempDir) -> Store {
    Store::init(dir.path().join("blobs.db"), Some("u")).unwrap_or_else(|e| panic!("{e}"))
}

fn ok<T>(r: gridkeeper_core::Result<T>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

/// The reason of an `attachment` rejection; panics on success or any other error.
fn rejected<T: Debug>(r: gridkeeper_core::Result<T>) -> String {
    match r {
        Err(Error::Invalid(inv)) => {
            assert_eq!(inv.field, "attachment", "{inv}");
            inv.reason
        }
        other => panic!("expected an attachment rejection, got {other:?}"),
    }
}

fn blob_rows(store: &Store) -> i64 {
    store
        .connection()
        .query_row("SELECT count(*) FROM blobs", [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{e}"))
}

fn pdf_of_len(len: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    bytes.resize(len, b' ');
    bytes
}

#[test]
fn blob_hash_is_sha256_lower_hex() {
    assert_eq!(
        blob_hash(b"abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(blob_hash(&PNG), PNG_HASH);
    assert!(is_blob_hash(PNG_HASH));
    assert!(!is_blob_hash(&PNG_HASH.to_uppercase()));
    assert!(!is_blob_hash(&PNG_HASH[1..]));
    assert!(!is_blob_hash(&format!("{PNG_HASH}0")));
    assert!(!is_blob_hash(&PNG_HASH.replace('e', "g")));
    assert!(!is_blob_hash(""));
}

#[test]
fn each_accepted_type_is_sniffed_and_stored() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut store = store(&dir);
    let cases: [(&[u8], &str); 6] = [
        (JPEG, "image/jpeg"),
        (&PNG, "image/png"),
        (WEBP, "image/webp"),
        (HEIC, "image/heic"),
        (HEIF_MIF1, "image/heic"),
        (PDF, "application/pdf"),
    ];
    for (bytes, media_type) in cases {
        let r = ok(store.add_blob(bytes, None));
        assert_eq!(r.media_type, media_type);
        assert_eq!(r.size, bytes.len() as u64);
        assert_eq!(r.hash, blob_hash(bytes));
        assert!(is_blob_hash(&r.hash));
        assert_eq!(ok(store.get_blob(&r.hash)).as_deref(), Some(bytes));
        let info = ok(store.blob_info(&r.hash)).unwrap_or_else(|| panic!("no info"));
        assert_eq!(info.reference, r);
        assert_eq!(info.state, BlobState::Local);
        assert!(info.added_at.is_some());
        // The declared canonical type is accepted too.
        assert_eq!(ok(store.add_blob(bytes, Some(media_type))), r);
    }
    assert_eq!(blob_rows(&store), 6);
    assert_eq!(ok(store.add_blob(&PNG, None)).hash, PNG_HASH);
}

#[test]
fn same_bytes_twice_are_one_blob() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut store = store(&dir);
    let first = ok(store.add_blob(&PNG, Some("image/png")));
    let second = ok(store.add_blob(&PNG, None));
    assert_eq!(first, second);
    assert_eq!(blob_rows(&store), 1);
    assert_eq!(ok(store.blobs_to_upload(10)), vec![first.clone()]);
    // Once uploaded, adding the same bytes again does not queue them again.
    assert_eq!(
        ok(store.mark_uploaded(std::slice::from_ref(&first.hash))),
        1
    );
    assert_eq!(ok(store.add_blob(&PNG, None)), first);
    assert!(ok(store.blobs_to_upload(10)).is_empty());
    assert_eq!(blob_rows(&store), 1);
}

#[test]
fn oversized_blobs_are_rejected_and_nothing_is_stored() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut store = store(&dir);
    assert_eq!(ok(store.blob_limits()), BlobLimits::default());
    assert_eq!(BlobLimits::default().max_bytes, 10 * 1024 * 1024);

    // The default cap: 10 MiB is accepted, one byte more is not.
    let big = pdf_of_len(DEFAULT_MAX_BLOB_BYTES as usize + 1);
    let reason = rejected(store.add_blob(&big, None));
    assert!(reason.contains("limit"), "{reason}");
    assert_eq!(blob_rows(&store), 0);
    ok(store.add_blob(&big[..DEFAULT_MAX_BLOB_BYTES as usize], None));
    assert_eq!(blob_rows(&store), 1);

    // A configured cap, which persists across reopening.
    ok(store.set_blob_limits(BlobLimits { max_bytes: 100 }));
    let reason = rejected(store.add_blob(&pdf_of_len(101), Some("application/pdf")));
    assert!(reason.contains("limit of 100 bytes"), "{reason}");
    ok(store.add_blob(&pdf_of_len(100), None));
    assert_eq!(blob_rows(&store), 2);
    drop(store);
    let mut store = ok(Store::open(dir.path().join("blobs.db")));
    assert_eq!(ok(store.blob_limits()), BlobLimits { max_bytes: 100 });
    rejected(store.add_blob(&pdf_of_len(101), None));
    assert_eq!(blob_rows(&store), 2);

    // A file over the cap is rejected before it is read.
    let path = dir.path().join("big.pdf");
    std::fs::write(&path, pdf_of_len(101)).unwrap_or_else(|e| panic!("{e}"));
    let reason = rejected(store.add_blob_file(&path, None));
    assert!(reason.contains("limit"), "{reason}");
    assert_eq!(blob_rows(&store), 2);

    // A cap of zero makes no sense.
    match store.set_blob_limits(BlobLimits { max_bytes: 0 }) {
        Err(Error::Invalid(inv)) => assert_eq!(inv.field, "blob_limits.max_bytes"),
        other => panic!("expected a rejection, got {other:?}"),
    }
}

#[test]
fn empty_and_unaccepted_types_are_rejected() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut store = store(&dir);
    let reason = rejected(store.add_blob(b"", None));
    assert!(reason.contains("empty"), "{reason}");
    let secret = "户主 欧阳修 身份证 110101199003070011 电话 13600001234";
    let others: [&[u8]; 7] = [
        secret.as_bytes(),
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xFF\xFF\x00\x00",
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00",
        b"PK\x03\x04\x14\x00\x00\x00",
        b"RIFF\x24\x00\x00\x00WAVEfmt ",
        b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1",
        b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    ];
    for bytes in others {
        let reason = rejected(store.add_blob(bytes, None));
        assert!(reason.contains("not an accepted type"), "{reason}");
        // Nothing of the content appears in the message.
        assert!(!reason.contains("欧阳修") && !reason.contains("1101011990"));
        // Declaring an accepted type does not make it acceptable.
        rejected(store.add_blob(bytes, Some("image/jpeg")));
    }
    // The same from files.
    let path = dir.path().join("notes.txt");
    std::fs::write(&path, secret).unwrap_or_else(|e| panic!("{e}"));
    rejected(store.add_blob_file(&path, None));
    let path = dir.path().join("setup.exe");
    std::fs::write(&path, b"MZ\x90\x00\x03\x00").unwrap_or_else(|e| panic!("{e}"));
    rejected(store.add_blob_file(&path, Some("application/pdf")));
    let path = dir.path().join("empty.jpg");
    std::fs::write(&path, b"").unwrap_or_else(|e| panic!("{e}"));
    rejected(store.add_blob_file(&path, None));
    match store.add_blob_file(dir.path().join("missing.jpg"), None) {
        Err(Error::Io(_)) => {}
        other => panic!("expected an i/o error, got {other:?}"),
    }
    assert_eq!(blob_rows(&store), 0);
}

#[test]
fn declared_type_must_agree_with_the_content() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut store = store(&dir);
    for declared in [
        "image/jpeg",
        "application/pdf",
        "text/plain",
        "image/gif",
        "",
    ] {
        let reason = rejected(store.add_blob(&PNG, Some(declared)));
        assert!(reason.contains("contradicts"), "{reason}");
    }
    rejected(store.add_blob(PDF, Some("image/png")));
    rejected(store.add_blob(JPEG, Some("image/heic")));
    assert_eq!(blob_rows(&store), 0);
    // Case, parameters, aliases and the generic type are not contradictions.
    for declared in [
        "IMAGE/PNG",
        "image/png; charset=binary",
        "application/octet-stream",
    ] {
        assert_eq!(
            ok(store.add_blob(&PNG, Some(declared))).media_type,
            "image/png"
        );
    }
    assert_eq!(
        ok(store.add_blob(JPEG, Some("image/jpg"))).media_type,
        "image/jpeg"
    );
    assert_eq!(
        ok(store.add_blob(HEIC, Some("image/heif"))).media_type,
        "image/heic"
    );
    // From a file, with the declared type checked as well.
    let path = dir.path().join("photo.jpg");
    std::fs::write(&path, PNG).unwrap_or_else(|e| panic!("{e}"));
    rejected(store.add_blob_file(&path, Some("image/jpeg")));
    assert_eq!(ok(store.add_blob_file(&path, None)).hash, PNG_HASH);
    assert_eq!(blob_rows(&store), 3);
}

#[test]
fn upload_queue_lifecycle() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut store = store(&dir);
    assert!(ok(store.blobs_to_upload(10)).is_empty());
    let photo = ok(store.add_blob(&PNG, None));
    let signature = ok(store.add_blob(WEBP, None));
    let document = ok(store.add_blob(PDF, None));
    assert_eq!(
        ok(store.blobs_to_upload(10)),
        vec![photo.clone(), signature.clone(), document.clone()]
    );
    assert_eq!(
        ok(store.blobs_to_upload(2)),
        vec![photo.clone(), signature.clone()]
    );
    // Nothing local is waiting to be fetched.
    assert!(ok(store.blobs_to_fetch(10)).is_empty());

    let unknown = blob_hash(b"never stored");
    assert_eq!(
        ok(store.mark_uploaded(&[photo.hash.clone(), unknown.clone()])),
        1
    );
    assert_eq!(
        ok(store.blobs_to_upload(10)),
        vec![signature.clone(), document.clone()]
    );
    let info = ok(store.blob_info(&photo.hash)).unwrap_or_else(|| panic!("no info"));
    assert_eq!(info.state, BlobState::Uploaded);
    // Uploaded blobs keep their bytes.
    assert_eq!(ok(store.get_blob(&photo.hash)).as_deref(), Some(&PNG[..]));
    // Marking again changes nothing.
    assert_eq!(
        ok(store.mark_uploaded(std::slice::from_ref(&photo.hash))),
        0
    );
    assert!(ok(store.blob_info(&unknown)).is_none());

    assert_eq!(
        ok(store.mark_uploaded(&[signature.hash.clone(), document.hash.clone()])),
        2
    );
    assert!(ok(store.blobs_to_upload(10)).is_empty());

    // The states survive reopening.
    drop(store);
    let store = ok(Store::open(dir.path().join("blobs.db")));
    assert!(ok(store.blobs_to_upload(10)).is_empty());
    assert_eq!(
        ok(store.blob_info(&document.hash)).map(|i| i.state),
        Some(BlobState::Uploaded)
    );
}

#[test]
fn remote_reference_is_fetched_and_verified() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut store = store(&dir);
    let reference = BlobRef {
        hash: PNG_HASH.into(),
        media_type: "image/png".into(),
        size: PNG.len() as u64,
    };
    assert!(ok(store.note_blob_reference(&reference)));
    assert!(!ok(store.note_blob_reference(&reference)));
    assert_eq!(blob_rows(&store), 1);
    assert_eq!(ok(store.blobs_to_fetch(10)), vec![reference.clone()]);
    assert!(ok(store.blobs_to_upload(10)).is_empty());
    assert_eq!(ok(store.get_blob(PNG_HASH)), None);
    let info = ok(store.blob_info(PNG_HASH)).unwrap_or_else(|| panic!("no info"));
    assert_eq!(info.state, BlobState::Remote);
    assert_eq!(info.reference, reference);

    // Wrong bytes: rejected, nothing stored.
    let reason = rejected(store.store_fetched_blob(PNG_HASH, JPEG));
    assert!(reason.contains("do not match the hash"), "{reason}");
    let mut tampered = PNG.to_vec();
    tampered[20] ^= 1;
    rejected(store.store_fetched_blob(PNG_HASH, &tampered));
    rejected(store.store_fetched_blob(PNG_HASH, &PNG[..66]));
    assert_eq!(ok(store.get_blob(PNG_HASH)), None);
    assert_eq!(ok(store.blobs_to_fetch(10)), vec![reference.clone()]);

    // Right bytes: stored, and the server has them, so nothing to upload.
    assert_eq!(ok(store.store_fetched_blob(PNG_HASH, &PNG)), reference);
    assert_eq!(ok(store.get_blob(PNG_HASH)).as_deref(), Some(&PNG[..]));
    assert_eq!(
        ok(store.blob_info(PNG_HASH)).map(|i| i.state),
        Some(BlobState::Uploaded)
    );
    assert!(ok(store.blobs_to_fetch(10)).is_empty());
    assert!(ok(store.blobs_to_upload(10)).is_empty());
    // Fetching again is harmless; noting the reference again finds it known.
    assert_eq!(ok(store.store_fetched_blob(PNG_HASH, &PNG)), reference);
    assert!(!ok(store.note_blob_reference(&reference)));
    assert_eq!(blob_rows(&store), 1);
}

#[test]
fn fetched_bytes_must_match_the_reference_size_and_type() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut store = store(&dir);
    // A reference with the right hash but a wrong size.
    let wrong_size = BlobRef {
        hash: blob_hash(PDF),
        media_type: "application/pdf".into(),
        size: 999,
    };
    assert!(ok(store.note_blob_reference(&wrong_size)));
    let reason = rejected(store.store_fetched_blob(&wrong_size.hash, PDF));
    assert!(reason.contains("size"), "{reason}");
    assert_eq!(ok(store.get_blob(&wrong_size.hash)), None);

    // A reference with the right hash but a wrong media type.
    let wrong_type = BlobRef {
        hash: PNG_HASH.into(),
        media_type: "image/jpeg".into(),
        size: PNG.len() as u64,
    };
    assert!(ok(store.note_blob_reference(&wrong_type)));
    let reason = rejected(store.store_fetched_blob(PNG_HASH, &PNG));
    assert!(reason.contains("type"), "{reason}");
    assert_eq!(ok(store.get_blob(PNG_HASH)), None);
    assert_eq!(ok(store.blobs_to_fetch(10)).len(), 2);

    // Bytes for a blob nobody referenced are not taken.
    let reason = rejected(store.store_fetched_blob(&blob_hash(WEBP), WEBP));
    assert!(reason.contains("no reference"), "{reason}");
    assert_eq!(blob_rows(&store), 2);
}

#[test]
fn references_are_checked_against_what_is_known() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut store = store(&dir);
    let local = ok(store.add_blob(&PNG, None));
    // Another device's record referencing a blob taken here: already known, stays local.
    assert!(!ok(store.note_blob_reference(&local)));
    assert_eq!(
        ok(store.blob_info(&local.hash)).map(|i| i.state),
        Some(BlobState::Local)
    );
    // A reference that disagrees with the bytes held is rejected.
    let mut bad = local.clone();
    bad.size += 1;
    rejected(store.note_blob_reference(&bad));
    let mut bad = local.clone();
    bad.media_type = "image/webp".into();
    rejected(store.note_blob_reference(&bad));
    // An alias of the media type is the same type; stored canonically.
    let heif = BlobRef {
        hash: blob_hash(HEIC),
        media_type: "image/heif".into(),
        size: HEIC.len() as u64,
    };
    assert!(ok(store.note_blob_reference(&heif)));
    assert_eq!(
        ok(store.blob_info(&heif.hash)).map(|i| i.reference.media_type),
        Some("image/heic".to_string())
    );
    // Malformed references.
    for bad in [
        BlobRef {
            media_type: "text/plain".into(),
            ..local.clone()
        },
        BlobRef {
            size: 0,
            ..local.clone()
        },
        BlobRef {
            size: u64::MAX,
            ..local.clone()
        },
    ] {
        rejected(store.note_blob_reference(&bad));
    }
    assert_eq!(blob_rows(&store), 2);
}

#[test]
fn local_bytes_fill_in_a_blob_known_by_reference() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut store = store(&dir);
    let reference = BlobRef {
        hash: blob_hash(PDF),
        media_type: "application/pdf".into(),
        size: PDF.len() as u64,
    };
    assert!(ok(store.note_blob_reference(&reference)));
    assert_eq!(ok(store.add_blob(PDF, None)), reference);
    assert_eq!(ok(store.get_blob(&reference.hash)).as_deref(), Some(PDF));
    assert!(ok(store.blobs_to_fetch(10)).is_empty());
    assert_eq!(ok(store.blobs_to_upload(10)), vec![reference]);
    assert_eq!(blob_rows(&store), 1);
}

#[test]
fn every_api_taking_a_hash_validates_its_form() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut store = store(&dir);
    let good = ok(store.add_blob(&PNG, None));
    let bad_hashes = [
        PNG_HASH.to_uppercase(),
        PNG_HASH[..63].to_string(),
        format!("{PNG_HASH}a"),
        format!("{}z", &PNG_HASH[..63]),
        format!("sha256:{}", &PNG_HASH[..57]),
        String::new(),
        "../../etc/passwd".into(),
    ];
    for bad in &bad_hashes {
        assert!(rejected(store.get_blob(bad)).contains("hash"));
        assert!(rejected(store.blob_info(bad)).contains("hash"));
        assert!(rejected(store.store_fetched_blob(bad, &PNG)).contains("hash"));
        let reference = BlobRef {
            hash: bad.clone(),
            ..good.clone()
        };
        assert!(rejected(store.note_blob_reference(&reference)).contains("hash"));
        // One malformed hash rejects the whole call: the good one is not marked either.
        assert!(rejected(store.mark_uploaded(&[good.hash.clone(), bad.clone()])).contains("hash"));
        assert_eq!(ok(store.blobs_to_upload(10)), vec![good.clone()]);
    }
    assert_eq!(blob_rows(&store), 1);
}

#[test]
fn blob_ref_serialises_as_records_embed_it() {
    let r = BlobRef {
        hash: PNG_HASH.into(),
        media_type: "image/png".into(),
        size: 67,
    };
    let json = serde_json::to_value(&r).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        json,
        serde_json::json!({"hash": PNG_HASH, "media_type": "image/png", "size": 67})
    );
    let back: BlobRef = serde_json::from_value(json).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back, r);
    assert!(r.validate().is_ok());
}

#[test]
fn sniffing_agrees_with_the_samples() {
    assert_eq!(blob_type::sniff(JPEG), Some(MediaType::Jpeg));
    assert_eq!(blob_type::sniff(&PNG), Some(MediaType::Png));
    assert_eq!(blob_type::sniff(WEBP), Some(MediaType::Webp));
    assert_eq!(blob_type::sniff(HEIC), Some(MediaType::Heic));
    assert_eq!(blob_type::sniff(HEIF_MIF1), Some(MediaType::Heic));
    assert_eq!(blob_type::sniff(PDF), Some(MediaType::Pdf));
    for brand in [&b"heix"[..], b"hevc", b"hevx", b"msf1"] {
        let mut bytes = HEIC.to_vec();
        bytes[8..12].copy_from_slice(brand);
        assert_eq!(blob_type::sniff(&bytes), Some(MediaType::Heic));
    }
}

#[test]
fn fresh_store_has_the_blobs_table() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let store = store(&dir);
    let version: i64 = store
        .connection()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(version, gridkeeper_core::store::schema::LATEST);
    let indexed: i64 = store
        .connection()
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'blobs' AND name = 'blobs_state'",
            [],
            |r| r.get(0),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(indexed, 1);
}

/// A photo taken on one device travels by reference: the other device learns of it when the
/// record merges, lists it to fetch, and accepts the real bytes (type and size learnt then).
#[test]
fn photos_in_merged_records_become_references_to_fetch() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut a = Store::init(dir.path().join("a.db"), Some("a")).unwrap_or_else(|e| panic!("{e}"));
    let mut b = Store::init(dir.path().join("b.db"), Some("b")).unwrap_or_else(|e| panic!("{e}"));
    let photo = a
        .add_blob(&PNG, Some("image/png"))
        .unwrap_or_else(|e| panic!("{e}"));
    let subject = gridkeeper_core::RecordId::new().to_string();
    a.create_json(
        gridkeeper_core::Kind::Visit,
        "grid-1",
        serde_json::json!({"subject": {"kind": "place", "id": subject}, "photos": [photo.hash]}),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        a.blobs_to_upload(10).unwrap_or_default(),
        vec![photo.clone()],
        "the author uploads it"
    );
    assert!(a.blobs_to_fetch(10).unwrap_or_default().is_empty());

    let changes = a.changes(None).unwrap_or_else(|e| panic!("{e}"));
    b.apply_changes(&changes).unwrap_or_else(|e| panic!("{e}"));
    let wanted: Vec<String> = b
        .blobs_to_fetch(10)
        .unwrap_or_default()
        .into_iter()
        .map(|r| r.hash)
        .collect();
    assert_eq!(wanted, vec![photo.hash.clone()]);
    assert!(b.store_fetched_blob(&photo.hash, b"not the photo").is_err());
    let fetched = b
        .store_fetched_blob(&photo.hash, &PNG)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(fetched, photo);
    assert_eq!(
        b.get_blob(&photo.hash).unwrap_or_default(),
        Some(PNG.to_vec())
    );
    assert!(b.blobs_to_fetch(10).unwrap_or_default().is_empty());
}
