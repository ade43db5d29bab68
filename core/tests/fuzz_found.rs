//! Inputs the fuzz targets in `fuzz/` found, kept as tests (the way automerge keeps its
//! crashers): each must now be refused or taken in, never panic, and leave what the store
//! held intact.

use gridkeeper_core::exchange::ChangeSet;
use gridkeeper_core::record::untrusted;
use gridkeeper_core::{Kind, Store};

fn ok<T, E: std::fmt::Display>(r: Result<T, E>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

/// fuzz/change_file: a change file whose second record's change passes automerge's parser but
/// names an actor its op columns do not have; automerge 0.12 panicked importing its ops.
const IMPORT_OPS_PANIC: &[u8] =
    include_bytes!("fuzz_found/change_file-automerge-import-ops-panic.gkc");

/// fuzz/change_file again: a change automerge applies without complaint, then panics reading
/// the document it left (looking a change up by hash).
const PANIC_AFTER_APPLY: &[u8] =
    include_bytes!("fuzz_found/change_file-automerge-panic-after-apply.gkc");

#[test]
fn a_change_automerge_panics_on_is_refused_and_the_store_keeps_its_records() {
    for input in [IMPORT_OPS_PANIC, PANIC_AFTER_APPLY] {
        merged_without_harm(input);
    }
}

fn merged_without_harm(input: &[u8]) {
    let set = ok(ChangeSet::decode(input));
    let dir = ok(tempfile::tempdir());
    let mut store = ok(Store::init(dir.path().join("phone.db"), Some("worker-a")));
    let held = ok(store.create_json(
        Kind::Household,
        "g1",
        serde_json::json!({"address": {"community": "幸福社区", "building": "1", "room": "101"}, "members": [{"name": "李四"}]}),
    ));
    let before = ok(store.get_json(held, true));

    // What `gk merge` does with the file: whatever it says, it says it without panicking.
    let _ = store.apply_changes(&set);

    assert_eq!(ok(store.get_json(held, true)), before);
    assert_eq!(ok(store.integrity_check()), "ok");
}

#[test]
fn the_change_itself_is_an_error_from_the_guarded_apply() {
    let set = ok(ChangeSet::decode(IMPORT_OPS_PANIC));
    let mut refused = 0;
    for record in &set.records {
        let changes: Vec<automerge::Change> = record
            .changes
            .iter()
            .filter_map(|bytes| automerge::Change::try_from(bytes.as_slice()).ok())
            .collect();
        let mut doc = automerge::AutoCommit::new();
        if untrusted::apply_changes(&mut doc, changes).is_err() {
            refused += 1;
        }
    }
    assert!(refused >= 1, "the damaged record is refused");
}

/// fuzz/xlsform: a workbook calamine 0.38 panics reading (an index out of range in its sheet
/// reader); the import says the file is unreadable instead.
const XLSFORM_CALAMINE_PANIC: &[u8] = include_bytes!("fuzz_found/xlsform-calamine-panic.xlsx");

#[test]
fn a_workbook_the_spreadsheet_reader_panics_on_is_refused_as_unreadable() {
    match gridkeeper_core::checklist::xlsform::import(XLSFORM_CALAMINE_PANIC, "shop_check", 1) {
        Err(gridkeeper_core::checklist::xlsform::XlsFormError::Unreadable(why)) => {
            assert!(why.contains("damaged"), "{why}")
        }
        other => panic!("not refused as unreadable: {other:?}"),
    }
}
