//! Validation table: each bad value is rejected with the right field path, and the store is
//! left exactly as it was.

mod support;

use gridkeeper_core::{Error, Kind};
use serde_json::{Value, json};
use support::{id_number, store};

fn with_member(member: Value) -> Value {
    json!({"address": {"building": "7", "room": "1201"}, "members": [{"name": "陈一"}, member]})
}

#[test]
fn good_id_numbers_are_accepted_and_normalized() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut s = store(&dir, "v");
    let leap_day = id_number("440305", "20000229", 1);
    let cases = [
        // (input, normalized, gender, birth date, legacy)
        (
            "11010519491231002X".to_string(),
            "11010519491231002X".to_string(),
            "female",
            "1949-12-31",
            false,
        ),
        (
            "11010519491231002x".to_string(),
            "11010519491231002X".to_string(),
            "female",
            "1949-12-31",
            false,
        ),
        (
            format!(" {leap_day} "),
            leap_day.clone(),
            "male",
            "2000-02-29",
            false,
        ),
        (
            "110105491231002".to_string(),
            "110105491231002".to_string(),
            "female",
            "1949-12-31",
            true,
        ),
    ];
    for (input, normalized, gender, birth, legacy) in cases {
        let id = s
            .create_json(
                Kind::Household,
                "g",
                with_member(json!({"name": "陈二", "id_number": input})),
            )
            .unwrap_or_else(|e| panic!("{input}: {e}"));
        let rec = s.get_json(id, true).unwrap_or_default();
        let m = &rec["data"]["members"][1];
        assert_eq!(m["id_number"], json!(normalized), "{input}");
        assert_eq!(m["gender"], json!(gender), "{input}");
        assert_eq!(m["birth_date"], json!(birth), "{input}");
        assert_eq!(m.get("legacy_id_number").is_some(), legacy, "{input}");
    }
}

#[test]
fn bad_values_name_their_field_and_store_nothing() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut s = store(&dir, "v");
    let existing = s
        .create_json(Kind::Household, "g", with_member(json!({"name": "陈二"})))
        .unwrap_or_else(|e| panic!("{e}"));
    let before = s.export_json().unwrap_or_default();
    let valid = id_number("110105", "19800101", 11);
    let mut wrong_check = valid.clone();
    let last = if wrong_check.ends_with('0') { '1' } else { '0' };
    wrong_check.pop();
    wrong_check.push(last);

    let household_cases: Vec<(&str, Value, &str)> = vec![
        (
            "check digit",
            with_member(json!({"name": "陈二", "id_number": wrong_check})),
            "members[1].id_number",
        ),
        (
            "19990230 is not a date",
            with_member(json!({"name": "陈二", "id_number": "110105199902300012"})),
            "members[1].id_number",
        ),
        (
            "month 13",
            with_member(json!({"name": "陈二", "id_number": "110105199913010012"})),
            "members[1].id_number",
        ),
        (
            "born in the future",
            with_member(json!({"name": "陈二", "id_number": id_number("110105", "20991231", 1)})),
            "members[1].id_number",
        ),
        (
            "17 characters",
            with_member(json!({"name": "陈二", "id_number": &valid[..17]})),
            "members[1].id_number",
        ),
        (
            "19 characters",
            with_member(json!({"name": "陈二", "id_number": format!("{valid}1")})),
            "members[1].id_number",
        ),
        (
            "letter inside",
            with_member(json!({"name": "陈二", "id_number": "1101051980A1010011"})),
            "members[1].id_number",
        ),
        (
            "X not last",
            with_member(json!({"name": "陈二", "id_number": "11010519800101X011"})),
            "members[1].id_number",
        ),
        (
            "legacy with a bad date",
            with_member(json!({"name": "陈二", "id_number": "110105990230001"})),
            "members[1].id_number",
        ),
        (
            "phone too short",
            with_member(json!({"name": "陈二", "phone": "1381234567"})),
            "members[1].phone",
        ),
        (
            "phone not mobile",
            with_member(json!({"name": "陈二", "phone": "12812345678"})),
            "members[1].phone",
        ),
        (
            "phone letters",
            with_member(json!({"name": "陈二", "phone": "138abcd5678"})),
            "members[1].phone",
        ),
        (
            "missing name",
            with_member(json!({"id_number": valid})),
            "members[1].name",
        ),
        (
            "blank name",
            with_member(json!({"name": "   "})),
            "members[1].name",
        ),
        (
            "same person twice",
            json!({"address": {"text": "东村12号"}, "members": [{"name": "甲", "id_number": valid}, {"name": "乙", "id_number": valid}]}),
            "members[1].id_number",
        ),
        (
            "no address",
            json!({"address": {"community": "幸福社区"}, "members": []}),
            "address",
        ),
        ("missing address", json!({"members": []}), "address"),
        (
            "unknown housing type",
            json!({"address": {"text": "东村12号"}, "housing_type": "castle"}),
            "housing_type",
        ),
        (
            "unknown member tag",
            with_member(json!({"name": "陈二", "tags": ["vip"]})),
            "members[1].tags[0]",
        ),
        (
            "typo in a field name",
            with_member(json!({"name": "陈二", "phnoe": "13812345678"})),
            "members[1].phnoe",
        ),
        (
            "wrong type",
            json!({"address": {"text": "东村12号"}, "members": "陈二"}),
            "members",
        ),
    ];
    for (what, data, field) in household_cases {
        match s.create_json(Kind::Household, "g", data) {
            Err(Error::Invalid(inv)) => assert_eq!(inv.field, field, "{what}: {}", inv.reason),
            other => panic!("{what}: expected invalid {field}, got {other:?}"),
        }
    }
    // The same rules hold for edits of an existing record.
    match s.patch_json(
        existing,
        &json!({"members": [{"name": "陈一"}, {"name": "陈二", "phone": "123"}]}),
    ) {
        Err(Error::Invalid(inv)) => assert_eq!(inv.field, "members[1].phone"),
        other => panic!("expected invalid edit, got {other:?}"),
    }
    let place_cases: Vec<(&str, Value, &str)> = vec![
        (
            "place without name",
            json!({"address": {"text": "东街1号"}}),
            "name",
        ),
        (
            "place contact",
            json!({"name": "好运来超市", "address": {"text": "东街1号"}, "contact": "5551234"}),
            "contact",
        ),
        (
            "unknown place type",
            json!({"name": "好运来超市", "place_type": "palace", "address": {"text": "东街1号"}}),
            "place_type",
        ),
    ];
    for (what, data, field) in place_cases {
        match s.create_json(Kind::Place, "g", data) {
            Err(Error::Invalid(inv)) => assert_eq!(inv.field, field, "{what}: {}", inv.reason),
            other => panic!("{what}: expected invalid {field}, got {other:?}"),
        }
    }
    assert!(
        matches!(s.create_json(Kind::Household, "  ", with_member(json!({"name": "陈二"}))), Err(Error::Invalid(ref i)) if i.field == "grid")
    );

    assert_eq!(
        s.export_json().unwrap_or_default(),
        before,
        "store changed by rejected input"
    );
    assert_eq!(s.outbox_len().unwrap_or_default(), 1);
}

#[test]
fn error_messages_carry_no_personal_data() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut s = store(&dir, "v");
    let secret_id = "110105199902300012";
    let secret_phone = "12812345678";
    for data in [
        with_member(json!({"name": "陈二", "id_number": secret_id})),
        with_member(json!({"name": "陈二", "phone": secret_phone})),
        with_member(json!({"name": "陈二", "gender": secret_phone})),
    ] {
        let message = match s.create_json(Kind::Household, "g", data) {
            Err(e) => e.to_string(),
            Ok(_) => panic!("accepted"),
        };
        assert!(
            !message.contains(secret_id) && !message.contains(secret_phone),
            "{message}"
        );
    }
}
