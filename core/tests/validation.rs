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

/// What one row of the input-habits table must come to.
enum Habit {
    /// Accepted, and the value at this JSON pointer under `data` is stored.
    Stored(&'static str, &'static str),
    /// Refused at this field path with this rule.
    Refused(&'static str, &'static str),
}

/// Item 5 of issue 16: how Chinese input methods, chat pastes and tired thumbs type numbers and
/// names. Numbers are folded to the half-width, space-free, upper-case form that is stored;
/// control characters in person fields are refused by field path, without the value.
#[test]
fn chinese_input_habits_are_normalized_before_validation() {
    use Habit::{Refused, Stored};
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut s = store(&dir, "v");
    let id = |v: &str| with_member(json!({"name": "陈二", "id_number": v}));
    let phone = |v: &str| with_member(json!({"name": "陈二", "phone": v}));
    let named = |v: &str| with_member(json!({"name": v}));
    let place = |contact: &str, responsible: &str| json!({"name": "好运来超市", "address": {"text": "东街1号"}, "contact": contact, "responsible": responsible});
    let mediation = |party: &str| json!({"dispute_type": "neighbour", "opened_on": "2026-11-01", "parties": [{"name": party}], "narrative": "漏水"});
    const ID: &str = "/members/1/id_number";
    const PHONE: &str = "/members/1/phone";
    const NAME: &str = "/members/1/name";
    const STORED_ID: &str = "11010519491231002X";
    const CONTROL: &str = "must not contain control characters (NUL, tab, line break and the like)";
    let rows: Vec<(&str, Kind, Value, Habit)> = vec![
        (
            "full-width ID",
            Kind::Household,
            id("１１０１０５１９４９１２３１００２Ｘ"),
            Stored(ID, STORED_ID),
        ),
        (
            "full-width lower-case x check digit",
            Kind::Household,
            id("１１０１０５１９４９１２３１００２ｘ"),
            Stored(ID, STORED_ID),
        ),
        (
            "full-width upper-case X after half-width digits",
            Kind::Household,
            id("11010519491231002Ｘ"),
            Stored(ID, STORED_ID),
        ),
        (
            "ideographic spaces around and inside an ID",
            Kind::Household,
            id("\u{3000}110105\u{3000}19491231\u{3000}002X\u{3000}"),
            Stored(ID, STORED_ID),
        ),
        (
            "NBSP in an ID",
            Kind::Household,
            id("\u{a0}110105 19491231\u{a0}002x"),
            Stored(ID, STORED_ID),
        ),
        (
            "tabs in an ID",
            Kind::Household,
            id("\t110105\t19491231\t002X\t"),
            Stored(ID, STORED_ID),
        ),
        (
            "17 full-width digits: the length counts characters",
            Kind::Household,
            id("１１０１０５１９４９１２３１００２"),
            Refused(
                "members[1].id_number",
                "must be 18 characters (or a legacy 15-digit number), got 17",
            ),
        ),
        (
            "Chinese numerals are counted as characters (51 bytes)",
            Kind::Household,
            id("一一〇一〇五一九四九一二三一〇〇二"),
            Refused(
                "members[1].id_number",
                "must be 18 characters (or a legacy 15-digit number), got 17",
            ),
        ),
        (
            "phone with hyphens",
            Kind::Household,
            phone("138-0013-8000"),
            Stored(PHONE, "13800138000"),
        ),
        (
            "phone with spaces",
            Kind::Household,
            phone("138 0013 8000"),
            Stored(PHONE, "13800138000"),
        ),
        (
            "full-width phone with ideographic spaces",
            Kind::Household,
            phone("１３８\u{3000}００１３\u{3000}８０００"),
            Stored(PHONE, "13800138000"),
        ),
        (
            "phone with NBSP and tabs",
            Kind::Household,
            phone("\u{a0}138\t0013\u{a0}8000\t"),
            Stored(PHONE, "13800138000"),
        ),
        (
            "phone with +86",
            Kind::Household,
            phone("+86 138-0013-8000"),
            Stored(PHONE, "13800138000"),
        ),
        (
            "phone with 0086",
            Kind::Household,
            phone("0086 13800138000"),
            Stored(PHONE, "13800138000"),
        ),
        (
            "full-width phone length counts digits",
            Kind::Household,
            phone("１３８００１３８００"),
            Refused("members[1].phone", "a mobile number has 11 digits, got 10"),
        ),
        (
            "landline with brackets and spaces",
            Kind::Place,
            place("（０２１）６３２１ １２３４", "王经理"),
            Stored("/contact", "021-63211234"),
        ),
        (
            "name trimmed of ideographic spaces and tabs",
            Kind::Household,
            named("\u{3000}陈二\t"),
            Stored(NAME, "陈二"),
        ),
        (
            "NUL in a member name",
            Kind::Household,
            named("陈\u{0}二"),
            Refused("members[1].name", CONTROL),
        ),
        (
            "escape sequence in a member name",
            Kind::Household,
            named("陈\u{1b}[2J二"),
            Refused("members[1].name", CONTROL),
        ),
        (
            "C1 control in a member name",
            Kind::Household,
            named("陈\u{85}二"),
            Refused("members[1].name", CONTROL),
        ),
        (
            "tab inside a member name",
            Kind::Household,
            named("陈\t二"),
            Refused("members[1].name", CONTROL),
        ),
        (
            "NUL in a party name",
            Kind::Mediation,
            mediation("甲\u{0}"),
            Refused("parties[0].name", CONTROL),
        ),
        (
            "control character in a place's responsible person",
            Kind::Place,
            place("13800138000", "王\u{7}经理"),
            Refused("responsible", CONTROL),
        ),
    ];
    for (what, kind, data, habit) in rows {
        let result = s.create_json(kind, "g", data);
        match habit {
            Stored(pointer, value) => {
                let id = result.unwrap_or_else(|e| panic!("{what}: {e}"));
                let rec = s.get_json(id, true).unwrap_or_default();
                assert_eq!(rec["data"].pointer(pointer), Some(&json!(value)), "{what}");
            }
            Refused(field, reason) => match result {
                Err(Error::Invalid(inv)) => {
                    assert_eq!(
                        (inv.field.as_str(), inv.reason.as_str()),
                        (field, reason),
                        "{what}"
                    );
                    let message = Error::Invalid(inv).to_string();
                    assert!(
                        !message.contains(['陈', '甲', '１', '一'])
                            && !message.chars().any(char::is_control),
                        "{what}: the value is echoed in {message:?}"
                    );
                }
                other => panic!("{what}: expected invalid {field}, got {other:?}"),
            },
        }
    }
}
