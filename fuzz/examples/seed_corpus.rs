//! Writes the seed corpora in `fuzz/seeds/`: real messages and files, made by the same code
//! the tests use — a phone's sync requests and the relay's replies to them, a change file,
//! workbooks, attachment headers, ID numbers, phones and expressions.
//!
//!     cd fuzz && cargo run --example seed_corpus
//!
//! The seeds are committed; run this again when the wire or a format changes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Read;
use std::path::Path;

use gridkeeper_core::Kind;
use gridkeeper_core::wire;
use gridkeeper_fuzz::{GRID, OTHER_GRID, Phone, Relay};
use serde_json::json;

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn write(target: &str, name: &str, bytes: &[u8]) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("seeds")
        .join(target);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), bytes).unwrap();
}

/// A wire message as the targets take it: mode byte 0 (compress first), then plain CBOR.
fn plain(wire_body: &[u8]) -> Vec<u8> {
    let mut out = vec![0];
    out.extend(gunzip(wire_body));
    out
}

fn sync_seeds() {
    let relay = Relay::start();
    let mut phone = Phone::new();
    let store = &mut phone.store;
    let grids = vec![GRID.to_string()];
    let bootstrap = store.sync_request(&grids, 1000).unwrap();
    let body = wire::encode(&bootstrap);
    write("sync_request", "bootstrap", &plain(&body));
    let (status, reply) = relay.sync(body);
    assert_eq!(status, 200);
    write("sync_reply", "bootstrap_empty", &plain(&reply));
    store
        .apply_sync_response(&wire::decode(&reply, 1 << 30).unwrap())
        .unwrap();

    let house = store
        .create_json(
            Kind::Household,
            GRID,
            json!({
                "address": {"community": "幸福社区", "compound": "幸福里", "building": "3", "unit": "1", "room": "101"},
                "housing_type": "rented",
                "members": [{"name": "张三", "relation": "head", "id_number": "11010519491231002X", "phone": "13812345678"}],
                "tags": ["solitary_elderly"],
            }),
        )
        .unwrap();
    store
        .create_json(
            Kind::Visit,
            GRID,
            json!({"subject": {"kind": "household", "id": house.to_string()}, "visited_at": "2026-12-01T01:00:00Z", "members_seen": []}),
        )
        .unwrap();
    store
        .create_json(
            Kind::Case,
            GRID,
            json!({"category": "hazard", "subcategory": "fire", "description": "三楼楼道堆放纸箱", "severity": "medium",
                   "reported_at": "2026-12-01T02:00:00Z", "deadline": "2026-12-08T02:00:00Z",
                   "timeline": [{"action": "report", "at": "2026-12-01T02:00:00Z"}]}),
        )
        .unwrap();
    let push = store.sync_request(&grids, 1000).unwrap();
    let body = wire::encode(&push);
    write("sync_request", "push_household_visit_case", &plain(&body));
    let (status, reply) = relay.sync(body);
    assert_eq!(status, 200);
    write("sync_reply", "push_results", &plain(&reply));
    let mut told: wire::SyncResponse = wire::decode(&reply, 1 << 30).unwrap();
    store.apply_sync_response(&told).unwrap();

    // The same reply naming an erasure and a move of the household to another grid, as a
    // relay tells a phone of protocol 6.
    if let Some(feed) = told.grids.first_mut() {
        feed.erasures = vec![
            wire::WireErasure {
                record_id: house.to_string(),
                seq: 4,
                whole: true,
                moved_to: Some(gridkeeper_core::RecordId::new().to_string()),
            },
            wire::WireErasure {
                record_id: gridkeeper_core::RecordId::new().to_string(),
                seq: 5,
                whole: false,
                moved_to: None,
            },
        ];
    }
    write(
        "sync_reply",
        "erasures_and_a_move",
        &plain(&wire::encode(&told)),
    );

    // A second phone bootstraps the grid the first one filled: snapshots in the reply.
    let second = Phone::new();
    let body = wire::encode(&second.store.sync_request(&grids, 1000).unwrap());
    let (status, reply) = relay.sync(body);
    assert_eq!(status, 200);
    write("sync_reply", "bootstrap_snapshots", &plain(&reply));

    // A pull of a grid outside the worker's reach: a whole-request refusal.
    let out = second
        .store
        .sync_request(&[OTHER_GRID.to_string()], 10)
        .unwrap();
    write(
        "sync_request",
        "pull_out_of_reach",
        &plain(&wire::encode(&out)),
    );

    write(
        "change_file",
        "three_records",
        &store.changes(None).unwrap().encode(),
    );
}

fn workbook(rows: &[&[&str]], choices: &[&[&str]]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("survey").unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *cell).unwrap();
        }
    }
    if !choices.is_empty() {
        let sheet = book.add_worksheet();
        sheet.set_name("choices").unwrap();
        for (r, row) in choices.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                sheet.write_string(r as u32, c as u16, *cell).unwrap();
            }
        }
    }
    book.save_to_buffer().unwrap()
}

fn xlsform_seeds() {
    write(
        "xlsform",
        "shop_check",
        &workbook(
            &[
                &["type", "name", "label", "hazard_category"],
                &["pass_fail_na", "exits", "安全出口畅通", "evacuation"],
                &["pass_fail_na", "hose", "燃气软管未老化", "gas"],
                &["date", "checked_on", "检查日期"],
            ],
            &[],
        ),
    );
    write(
        "xlsform",
        "relevant_constraint_choices",
        &workbook(
            &[
                &[
                    "type",
                    "name",
                    "label",
                    "relevant",
                    "constraint",
                    "required",
                ],
                &["select_one fuel", "fuel", "燃料", "", "", "yes"],
                &["pass_fail_na", "hose", "软管", "${fuel} = 'gas'", "", ""],
                &[
                    "integer",
                    "extinguishers",
                    "灭火器数量",
                    "",
                    ". >= 0 and . <= 100",
                    "",
                ],
                &[
                    "select_multiple hazards",
                    "hazards",
                    "隐患",
                    "selected(${fuel}, 'gas')",
                    "",
                    "",
                ],
                &["begin_group", "kitchen", "厨房", "", "", ""],
                &["text", "note", "备注", "", "", ""],
                &["end_group", "", "", "", "", ""],
            ],
            &[
                &["list_name", "name", "label"],
                &["fuel", "gas", "燃气"],
                &["fuel", "electric", "电"],
                &["hazards", "wires", "私拉电线"],
                &["hazards", "blocked", "通道堵塞"],
            ],
        ),
    );
}

fn small_seeds() {
    write(
        "blob_type",
        "jpeg",
        &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F', 0],
    );
    write("blob_type", "png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    write("blob_type", "webp", b"RIFF\x24\0\0\0WEBPVP8 ");
    write("blob_type", "heic", b"\0\0\0\x18ftypheic\0\0\0\0mif1heic");
    write("blob_type", "pdf", b"%PDF-1.7\n");
    for (name, text) in [
        ("id_18", "11010519491231002X"),
        ("id_18_lower_x", "11010519491231002x"),
        ("id_15", "110105491231002"),
        ("mobile", "13812345678"),
        ("mobile_spaced", "+86 138 1234 5678"),
        ("landline", "010-12345678"),
        ("landline_ext", "0571-87654321-808"),
    ] {
        write("validators", name, text.as_bytes());
    }
    for (name, text) in [
        ("equals", "${exits} = 'fail'"),
        ("equals_number", "${count} = 3"),
        ("selected", "selected(${fuel}, \"gas\")"),
        ("bounds", ". >= 0 and . <= 100"),
        ("bound", ".<5"),
    ] {
        write("checklist_expr", name, text.as_bytes());
    }
}

fn main() {
    sync_seeds();
    xlsform_seeds();
    small_seeds();
    println!("seeds written to {}/seeds", env!("CARGO_MANIFEST_DIR"));
}
