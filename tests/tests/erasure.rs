//! Erasure under PIPL (issue 19): a member's ID number and phone erased from a household, and
//! a whole household erased, on a real relay (SQLite, and PostgreSQL when configured) with two
//! phones — one syncing, one offline with edits to both records. Afterwards no erased value
//! is anywhere: not in the relay's database file (nor a PostgreSQL dump), not in a phone's
//! store file, before or after VACUUM, not in the exports; the offline phone's edits are
//! refused and it says so; everything else is intact and the phones converge.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use gridkeeper_core::kinds::household::Household;
use gridkeeper_core::sync::CHANGES_REFUSED;
use gridkeeper_core::{Kind, RecordId};
use gridkeeper_tests::relay::{Backend, Relay, backends};
use serde_json::{Value, json};

const RELAY: &str = env!("CARGO_BIN_EXE_relay");

/// A valid GB 11643 number from its first 17 digits (ISO 7064 MOD 11-2 check character).
fn id_number(first17: &str) -> String {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17
        .chars()
        .zip(W)
        .map(|(c, w)| c.to_digit(10).unwrap() * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{first17}{check}")
}

/// Every file that makes up an SQLite database: the file, its WAL and journal.
fn sqlite_files(db: &Path) -> Vec<PathBuf> {
    ["", "-wal", "-journal", "-shm"]
        .iter()
        .map(|s| PathBuf::from(format!("{}{s}", db.display())))
        .filter(|p| p.exists())
        .collect()
}

fn bytes_of(db: &Path) -> Vec<u8> {
    let mut all = Vec::new();
    for f in sqlite_files(db) {
        all.extend(std::fs::read(&f).unwrap());
    }
    all
}

/// Whether `hay` holds `needle` as UTF-8, or hex-encoded as `pg_dump` writes a `bytea`
/// column (change bytes, saved documents, blobs).
fn contains(hay: &[u8], needle: &str) -> bool {
    let hex: String = needle.bytes().map(|b| format!("{b:02x}")).collect();
    [needle.as_bytes(), hex.as_bytes()]
        .iter()
        .any(|n| hay.windows(n.len()).any(|w| w == *n))
}

/// The values of `values` found in `hay`.
fn found<'a>(hay: &[u8], values: &[&'a str]) -> Vec<&'a str> {
    values
        .iter()
        .copied()
        .filter(|v| contains(hay, v))
        .collect()
}

fn vacuum(db: &Path) {
    let c = rusqlite::Connection::open(db).unwrap();
    c.execute_batch("VACUUM").unwrap();
    c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
}

fn pg_dump(url: &str) -> Vec<u8> {
    let out = std::process::Command::new("pg_dump")
        .arg(url)
        .output()
        .expect("pg_dump (installed by scripts/with-postgres)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Everything the relay holds, as bytes: its SQLite files, or a dump of its PostgreSQL.
fn relay_bytes(relay: &Relay) -> Vec<u8> {
    match &relay.backend {
        Backend::Sqlite(dir) => bytes_of(&dir.join("gridkeeper.db")),
        Backend::Postgres(url) => pg_dump(url),
    }
}

fn member_id(record: &Value, name: &str) -> String {
    record["data"]["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == json!(name))
        .and_then(|m| m["id"].as_str())
        .unwrap()
        .to_string()
}

fn export(relay: &Relay, list: &str) -> String {
    let token = relay.admin_token.as_deref().unwrap();
    let r = reqwest::blocking::Client::new()
        .get(format!(
            "{}/v1/lists/{list}/export?format=csv&node=s1",
            relay.url()
        ))
        .bearer_auth(token)
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200, "export {list}");
    r.text().unwrap()
}

fn household(address: (&str, &str), members: Value) -> Value {
    json!({"address": {"building": address.0, "room": address.1}, "members": members})
}

#[test]
fn erased_data_leaves_relay_and_phones_and_offline_edits_do_not_bring_it_back() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends(dir.path(), "erasure").unwrap() {
        run(backend, dir.path());
    }
}

fn run(backend: Backend, dir: &Path) {
    let name = backend.name();
    let relay = Relay::start(RELAY, backend).unwrap();
    relay
        .admin(&["grid", "add", "s1", "--name", "街道"])
        .unwrap();
    relay
        .admin(&["grid", "add", "g1", "--name", "第一网格", "--parent", "s1"])
        .unwrap();
    let phones_dir = dir.join(format!("{name}-phones"));
    std::fs::create_dir_all(&phones_dir).unwrap();
    let mut phones = relay
        .enrolled_workers(&phones_dir, "g1", &["王芳", "李娜"])
        .unwrap();
    let mut b = phones.pop().unwrap();
    let mut a = phones.pop().unwrap();

    // The erased values, and values that must stay.
    let (m1_id, m1_phone) = (id_number("11010119800101123"), "13812345678");
    let (m2_name, m2_id, m2_phone) = ("司马秋实", id_number("11010119900202234"), "13987654321");
    let (h2_name, h2_id, h2_phone) = ("诸葛明远", id_number("11010119700303345"), "13711112222");
    let (h3_name, h3_id) = ("慕容晨曦", id_number("11010119600404456"));
    let offline_phone = "13633334444";
    let offline_name = "上官雨晴";

    let h1 = a
        .store()
        .create_json(
            Kind::Household,
            "g1",
            household(
                ("1", "101"),
                json!([
                    {"name": "欧阳春晓", "id_number": m1_id, "phone": m1_phone, "relation": "head"},
                    {"name": m2_name, "id_number": m2_id, "phone": m2_phone, "relation": "spouse"}
                ]),
            ),
        )
        .unwrap();
    let h2 = a
        .store()
        .create_json(
            Kind::Household,
            "g1",
            household(
                ("2", "202"),
                json!([{"name": h2_name, "id_number": h2_id, "phone": h2_phone}]),
            ),
        )
        .unwrap();
    let h3 = a
        .store()
        .create_json(
            Kind::Household,
            "g1",
            household(("3", "303"), json!([{"name": h3_name, "id_number": h3_id}])),
        )
        .unwrap();
    a.sync(3).unwrap();
    b.sync(3).unwrap();
    let m1 = member_id(&b.store().get_json(h1, true).unwrap(), "欧阳春晓");

    // B, offline, edits both records that are about to be erased.
    b.store()
        .update::<Household>(h1, |h| {
            if let Some(m) = h.members.iter_mut().find(|m| m.id == m1) {
                m.phone = Some(offline_phone.into());
            }
        })
        .unwrap();
    b.store()
        .update::<Household>(h2, |h| h.members[0].name = offline_name.into())
        .unwrap();

    let erased = [m1_id.as_str(), m1_phone, h2_name, h2_id.as_str(), h2_phone];
    let kept = [
        m2_name,
        m2_id.as_str(),
        m2_phone,
        h3_name,
        h3_id.as_str(),
        "欧阳春晓",
    ];
    // The scan can see them: before the erasure every value is in every copy.
    for (who, bytes) in [
        ("relay", relay_bytes(&relay)),
        ("phone A", bytes_of(&a.path)),
        ("phone B", bytes_of(&b.path)),
    ] {
        assert_eq!(found(&bytes, &erased), erased, "{name}: {who} before");
    }
    assert!(export(&relay, "members").contains(m1_phone), "{name}");

    // The member's ID number and phone, through the HTTP API.
    let token = relay.admin_token.clone().unwrap();
    let r = reqwest::blocking::Client::new()
        .post(format!("{}/v1/admin/erasures", relay.url()))
        .bearer_auth(&token)
        .json(&json!({
            "record_id": h1.to_string(),
            "fields": [format!("members[id={m1}].id_number"), format!("members[id={m1}].phone")],
            "reason": "PIPL 第47条：本人申请删除（工单 2026-118）"
        }))
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200, "{name}: {}", r.text().unwrap());
    // A path that names nothing is refused, naming the path and not erasing anything.
    let r = reqwest::blocking::Client::new()
        .post(format!("{}/v1/admin/erasures", relay.url()))
        .bearer_auth(&token)
        .json(&json!({"record_id": h1.to_string(), "fields": ["members[id=nobody].phone"], "reason": "x"}))
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 400, "{name}");
    assert!(r.text().unwrap().contains("invalid_field"));
    // The whole household, through the command line.
    relay
        .admin(&[
            "erase",
            &h2.to_string(),
            "--whole",
            "--reason",
            "登记错误，户不存在",
            "--by",
            "admin",
        ])
        .unwrap();
    let log = relay.admin(&["erasures"]).unwrap();
    assert!(
        log.contains(&h1.to_string()) && log.contains(&h2.to_string()),
        "{log}"
    );
    assert!(
        log.contains("工单 2026-118") && log.contains("whole"),
        "{log}"
    );
    assert!(
        found(log.as_bytes(), &erased).is_empty(),
        "{name}: the audit log holds no value"
    );

    // The relay holds none of it, now and after VACUUM, and neither do its exports.
    let bytes = relay_bytes(&relay);
    assert_eq!(found(&bytes, &erased), Vec::<&str>::new(), "{name}: relay");
    assert_eq!(found(&bytes, &kept), kept, "{name}: relay keeps the rest");
    if let Backend::Sqlite(d) = &relay.backend {
        vacuum(&d.join("gridkeeper.db"));
        let bytes = relay_bytes(&relay);
        assert_eq!(
            found(&bytes, &erased),
            Vec::<&str>::new(),
            "{name}: relay after VACUUM"
        );
    }
    for list in ["members", "households"] {
        let csv = export(&relay, list);
        assert_eq!(
            found(csv.as_bytes(), &erased),
            Vec::<&str>::new(),
            "{name}: export {list}"
        );
    }
    assert!(export(&relay, "members").contains(m2_name));

    // A syncs: it purges both, keeps the rest.
    a.sync(3).unwrap();
    assert_eq!(
        found(&bytes_of(&a.path), &erased),
        Vec::<&str>::new(),
        "{name}: A"
    );
    assert!(
        a.store().get_json(h2, true).is_err(),
        "{name}: H2 gone from A"
    );
    let h1_a = a.store().get_json(h1, true).unwrap();
    let m1_a = h1_a["data"]["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == json!(m1))
        .cloned()
        .unwrap();
    assert_eq!(
        m1_a["name"],
        json!("欧阳春晓"),
        "{name}: the name was not erased"
    );
    assert!(
        m1_a.get("id_number").is_none() && m1_a.get("phone").is_none(),
        "{m1_a}"
    );
    assert!(
        h1_a.to_string().contains(m2_phone),
        "{name}: the other member intact"
    );
    assert_eq!(
        a.store().history(h1).unwrap().len(),
        1,
        "{name}: a fresh history"
    );

    // B comes back: its edits are refused, nothing comes back, and it says so.
    let summary = b.sync(3).unwrap();
    assert!(
        summary.rejected.iter().all(|(_, c)| c == "record_erased") && !summary.rejected.is_empty(),
        "{name}: {:?}",
        summary.rejected
    );
    let status = b.store().sync_status().unwrap();
    assert_eq!(status.pending_changes, 0, "{name}");
    assert_eq!(
        status.last_error_code.as_deref(),
        Some(CHANGES_REFUSED),
        "{name}"
    );
    let told: Vec<&str> = status
        .refused
        .iter()
        .map(|r| r.record_id.as_str())
        .collect();
    let (h1s, h2s) = (h1.to_string(), h2.to_string());
    assert!(
        told.contains(&h1s.as_str()) && told.contains(&h2s.as_str()),
        "{told:?}"
    );
    assert!(
        status
            .refused
            .iter()
            .all(|r| r.code == "record_erased" && r.reason_zh.contains("删除"))
    );
    let gone = [erased.as_slice(), &[offline_phone, offline_name]].concat();
    for (who, path) in [("A", &a.path), ("B", &b.path)] {
        assert_eq!(
            found(&bytes_of(path), &gone),
            Vec::<&str>::new(),
            "{name}: {who}"
        );
    }
    assert_eq!(
        found(&relay_bytes(&relay), &gone),
        Vec::<&str>::new(),
        "{name}: relay after B"
    );

    // Everything else converges, and the re-issued record takes edits as any other.
    b.store()
        .update::<Household>(h1, |h| h.members[1].phone = Some("13500001111".into()))
        .unwrap();
    b.sync(3).unwrap();
    a.sync(3).unwrap();
    for id in [h1, h3] {
        assert_eq!(
            a.store().get_json(id, true).unwrap(),
            b.store().get_json(id, true).unwrap(),
            "{name}: {id}"
        );
    }
    assert!(
        a.store()
            .get_json(h1, true)
            .unwrap()
            .to_string()
            .contains("13500001111")
    );
    let ids: Vec<RecordId> = b.store().record_ids(Some(Kind::Household)).unwrap();
    assert_eq!(ids.len(), 2, "{name}");

    // Nothing of it after VACUUM either, on either phone.
    for p in [&mut a, &mut b] {
        p.close();
        vacuum(&p.path);
        assert_eq!(
            found(&bytes_of(&p.path), &gone),
            Vec::<&str>::new(),
            "{name}: {} vacuumed",
            p.name
        );
        assert_eq!(found(&bytes_of(&p.path), &[m2_name, h3_name]).len(), 2);
    }
}

/// A PNG the relay accepts whose data chunk holds `marker`, so a byte scan can find it.
fn png_with(marker: &str) -> Vec<u8> {
    let mut b = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    b.extend_from_slice(&[
        0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0,
    ]);
    b.extend_from_slice(&[0x90, 0x77, 0x53, 0xDE]);
    b.extend_from_slice(&(marker.len() as u32).to_be_bytes());
    b.extend_from_slice(b"IDAT");
    b.extend_from_slice(marker.as_bytes());
    b.extend_from_slice(&[0, 0, 0, 0]);
    b.extend_from_slice(&[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82]);
    b
}

#[test]
fn an_erased_photo_leaves_the_relay_and_every_phone_and_cannot_be_uploaded_again() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends(dir.path(), "erasure_photo").unwrap() {
        let name = backend.name();
        let relay = Relay::start(RELAY, backend).unwrap();
        relay
            .admin(&["grid", "add", "g1", "--name", "第一网格"])
            .unwrap();
        let phones_dir = dir.path().join(format!("{name}-photo-phones"));
        std::fs::create_dir_all(&phones_dir).unwrap();
        let mut phones = relay
            .enrolled_workers(&phones_dir, "g1", &["王芳", "李娜"])
            .unwrap();
        let marker = "PHOTO-OF-A-RESIDENT-7f3a91";
        let photo = png_with(marker);
        let hash = phones[0]
            .store()
            .add_blob(&photo, Some("image/png"))
            .unwrap()
            .hash;
        let visit = phones[0]
            .store()
            .create_json(
                Kind::Visit,
                "g1",
                json!({"subject": {"kind": "household", "id": RecordId::new().to_string()}, "photos": [hash]}),
            )
            .unwrap();
        assert_eq!(phones[0].sync(3).unwrap().blobs_uploaded, 1);
        phones[1].sync(3).unwrap();
        phones[1]
            .store()
            .fetch_record_blobs(visit, &gridkeeper_core::sync::SyncOptions::default())
            .unwrap();
        assert!(
            contains(&relay_bytes(&relay), marker),
            "{name}: the scan sees it"
        );
        for p in &phones {
            assert!(contains(&bytes_of(&p.path), marker), "{name}: {}", p.name);
        }

        relay
            .admin(&[
                "erase",
                &visit.to_string(),
                "--field",
                "photos",
                "--reason",
                "照片含未成年人面部",
                "--by",
                "admin",
            ])
            .unwrap();
        assert!(!contains(&relay_bytes(&relay), marker), "{name}: relay");
        for p in &mut phones {
            p.sync(3).unwrap();
            assert!(!contains(&bytes_of(&p.path), marker), "{name}: {}", p.name);
            assert_eq!(p.store().get_blob(&hash).unwrap(), None);
            let v = p.store().get_json(visit, true).unwrap();
            assert!(!v.to_string().contains(&hash), "{name}: {v}");
        }
        // A phone that still had the photo to upload is refused, and it is not stored.
        let token = phones[0].store().meta("sync_token").unwrap().unwrap();
        let r = reqwest::blocking::Client::new()
            .put(format!("{}/v1/blobs/{hash}?record={visit}", relay.url()))
            .bearer_auth(&token)
            .header("content-type", "image/png")
            .body(photo.clone())
            .send()
            .unwrap();
        assert_eq!(r.status().as_u16(), 410, "{name}");
        assert!(
            !contains(&relay_bytes(&relay), marker),
            "{name}: relay after the upload"
        );
    }
}
