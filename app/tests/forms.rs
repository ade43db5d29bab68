//! The two forms driven as a worker fills them, on real store files: a household typed in,
//! refused under the wrong input (in Chinese and in English), fixed and saved; a household
//! edited; a visit with the members met, a photo, where it was and a case raised from it; and
//! both forms coming back from their drafts after the app is killed.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use gridkeeper_app::household_edit::{HouseholdEdit, HouseholdEditEvent as H};
use gridkeeper_app::visit_form::{VisitForm, VisitFormEvent as V, VisitFormSubject};
use gridkeeper_app::{Effect, Lang};
use gridkeeper_core::kinds::{Case, Household, Visit};
use gridkeeper_core::{Kind, RecordId, Store};
use serde_json::json;

fn store_at(path: &std::path::Path) -> Store {
    Store::init(path, Some("王芳")).unwrap()
}

fn text(field: &str, value: &str) -> H {
    H::Text {
        field: field.into(),
        value: value.into(),
    }
}

/// A valid 18-character ID number (GB 11643 check digit).
fn id_number(region: &str, birth: &str, seq: u32) -> String {
    let first17 = format!("{region}{birth}{seq:03}");
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17
        .chars()
        .zip(weights)
        .map(|(c, w)| c.to_digit(10).unwrap() * w)
        .sum();
    let check = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'][(sum % 11) as usize];
    format!("{first17}{check}")
}

/// The same number with a wrong last character.
fn wrong_check_digit(good: &str) -> String {
    let last = if good.ends_with('1') { '2' } else { '1' };
    format!("{}{last}", &good[..17])
}

fn household(s: &mut Store, name: &str, room: &str, extra: serde_json::Value) -> RecordId {
    let mut member = json!({"name": name, "relation": "head"});
    if let (Some(m), Some(e)) = (member.as_object_mut(), extra.as_object()) {
        m.extend(e.clone());
    }
    s.create_json(
        Kind::Household,
        "g1",
        json!({"address": {"compound": "幸福里", "building": "4", "unit": "1", "room": room},
               "members": [member]}),
    )
    .unwrap()
}

fn households(s: &Store) -> usize {
    s.list_json(Kind::Household, Some("g1"), None, false)
        .unwrap()
        .len()
}

fn errors(screen: &HouseholdEdit) -> Vec<(String, String)> {
    screen
        .view()
        .errors
        .iter()
        .map(|e| (e.field.clone(), e.message.clone()))
        .collect()
}

fn opened_household(effects: &[Effect]) -> RecordId {
    match effects {
        [
            Effect::RecordsChanged { ids },
            Effect::Close,
            Effect::OpenHousehold { id },
        ] => {
            assert_eq!(ids, &vec![id.clone()]);
            id.parse().unwrap()
        }
        other => panic!("not saved: {other:?}"),
    }
}

#[test]
fn a_new_household_with_two_members_is_refused_under_the_wrong_id_number_then_saved() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store_at(&dir.path().join("w.db"));
    let mut f = HouseholdEdit::new("g1".into(), None, Lang::Zh);
    f.update(&mut s, H::Load);
    let v = f.view();
    assert!(v.is_new && !v.loading && !v.restored_draft);
    assert_eq!(v.members.len(), 1, "a new household starts with its head");
    assert_eq!(v.members[0].relation_label, "户主");
    assert!(v.members[0].removable);
    assert_eq!(
        v.address
            .iter()
            .map(|a| a.label.as_str())
            .collect::<Vec<_>>(),
        vec!["社区", "小区", "楼栋", "单元", "楼层", "户室", "地址"]
    );
    assert!(
        v.relations
            .iter()
            .any(|c| c.key == "spouse" && c.label == "配偶")
    );
    assert!(
        v.housing_types
            .iter()
            .any(|c| c.key == "rented" && c.label == "出租")
    );
    assert!(
        v.registrations
            .iter()
            .any(|c| c.key == "migrant" && c.label == "流动人口")
    );
    assert!(
        v.tag_choices
            .iter()
            .any(|c| c.key == "solitary_elderly" && c.label == "独居老人")
    );

    let good = id_number("110105", "19400301", 12);
    for e in [
        text("address.building", "5"),
        text("address.room", "101"),
        text("members[0].name", "张三"),
        text("members[0].phone", "13812345678"),
        H::AddMember,
        text("members[1].name", "张四"),
        H::Relation {
            member: 1,
            key: "parent".into(),
        },
        H::Registration {
            member: 1,
            key: "migrant".into(),
        },
        H::ToggleTag {
            member: 1,
            key: "empty_nest_elderly".into(),
        },
        text("members[1].id_number", &wrong_check_digit(&good)),
        H::HousingType {
            key: "rented".into(),
        },
        text("notes", "二楼东户"),
    ] {
        assert_eq!(f.update(&mut s, e), vec![]);
    }
    assert_eq!(f.view().members[1].relation_label, "父母");
    assert_eq!(f.view().housing_type_label, "出租");

    assert_eq!(f.update(&mut s, H::Save), vec![], "refused: no effect");
    assert_eq!(
        errors(&f),
        vec![(
            "members[1].id_number".to_string(),
            "身份证号：校验位不对，请核对是否输错".to_string()
        )]
    );
    assert_eq!(households(&s), 0, "nothing saved");
    assert!(
        s.draft("household:new").unwrap().is_some(),
        "kept meanwhile"
    );

    // Typing in the input takes its message away; a valid number saves.
    f.update(&mut s, text("members[1].id_number", &good));
    assert!(f.view().errors.is_empty());
    let hid = opened_household(&f.update(&mut s, H::Save));
    assert_eq!(
        f.update(&mut s, H::Save),
        vec![Effect::Close],
        "a second tap adds nothing"
    );
    assert_eq!(households(&s), 1);
    let saved = s.get::<Household>(hid).unwrap().data;
    assert_eq!(
        saved
            .members
            .iter()
            .map(|m| m.name.as_str())
            .collect::<Vec<_>>(),
        vec!["张三", "张四"]
    );
    let zhang_si = &saved.members[1];
    assert_eq!(zhang_si.id_number.as_deref(), Some(good.as_str()));
    assert_eq!(zhang_si.birth_date.as_deref(), Some("1940-03-01"));
    assert_eq!(json!(zhang_si.relation), json!("parent"));
    assert_eq!(json!(zhang_si.registration), json!("migrant"));
    assert_eq!(json!(zhang_si.tags), json!(["empty_nest_elderly"]));
    assert_eq!(json!(saved.housing_type), json!("rented"));
    assert_eq!(saved.notes, "二楼东户");
    assert_eq!(saved.address.building, "5");
    assert_eq!(s.get::<Household>(hid).unwrap().envelope.grid, "g1");

    // The draft is gone: the form opens empty again.
    assert_eq!(s.draft("household:new").unwrap(), None);
    let mut again = HouseholdEdit::new("g1".into(), None, Lang::Zh);
    again.update(&mut s, H::Load);
    assert!(!again.view().restored_draft);
    assert_eq!(again.view().members[0].name, "");
}

#[test]
fn a_wrong_id_number_is_worded_under_its_input_in_chinese_and_english() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store_at(&dir.path().join("w.db"));
    let bad = wrong_check_digit(&id_number("110105", "19400301", 12));
    for (lang, words) in [
        (Lang::Zh, "身份证号：校验位不对，请核对是否输错"),
        (Lang::En, "ID number: check digit does not match (typo?)"),
    ] {
        let mut f = HouseholdEdit::new("g1".into(), None, lang);
        for e in [
            H::Load,
            text("address.building", "5"),
            text("address.room", "101"),
            text("members[0].name", "张三"),
            text("members[0].id_number", &bad),
            H::Save,
        ] {
            f.update(&mut s, e);
        }
        assert_eq!(
            errors(&f),
            vec![("members[0].id_number".to_string(), words.to_string())]
        );
        assert_eq!(households(&s), 0);
    }
}

#[test]
fn messages_name_the_field_in_english_too() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store_at(&dir.path().join("w.db"));
    let mut f = HouseholdEdit::new("g1".into(), None, Lang::En);
    for e in [
        H::Load,
        text("address.building", "5"),
        text("address.room", "101"),
        text("members[0].name", "张三"),
        text("members[0].phone", "12345"),
        H::Save,
    ] {
        f.update(&mut s, e);
    }
    let e = errors(&f);
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].0, "members[0].phone");
    assert!(e[0].1.starts_with("Phone: "), "{}", e[0].1);
    assert!(!e[0].1.contains("12345"), "no value in a message");
}

#[test]
fn a_household_without_an_address_is_refused_on_the_address_and_every_wrong_input_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store_at(&dir.path().join("w.db"));
    let mut f = HouseholdEdit::new("g1".into(), None, Lang::Zh);
    for e in [H::Load, text("members[0].name", "张三"), H::Save] {
        f.update(&mut s, e);
    }
    assert_eq!(
        errors(&f),
        vec![(
            "address".to_string(),
            "地址：请填写楼栋和户室，或填写完整地址".to_string()
        )]
    );

    // Three wrong inputs: each gets its message at once, not one per save.
    for e in [
        text("members[0].phone", "12345"),
        H::AddMember,
        text("members[1].name", ""),
        text("members[1].birth_date", "2999-01-01"),
        H::Save,
    ] {
        f.update(&mut s, e);
    }
    let fields: Vec<String> = errors(&f).into_iter().map(|(f, _)| f).collect();
    assert_eq!(
        fields,
        vec!["address", "members[0].phone", "members[1].name"],
        "core checks a member's name before the rest of that member"
    );
    assert_eq!(errors(&f)[2].1, "姓名：必须填写");

    // Typing in the address takes the address block's message away.
    f.update(&mut s, text("address.text", "幸福里菜场旁平房"));
    assert!(!errors(&f).iter().any(|(f, _)| f == "address"));
    f.update(&mut s, text("members[1].name", "张小"));
    f.update(&mut s, H::Save);
    assert_eq!(
        errors(&f).into_iter().map(|(f, _)| f).collect::<Vec<_>>(),
        vec!["members[0].phone", "members[1].birth_date"]
    );
    assert_eq!(errors(&f)[1].1, "出生日期：日期格式不对");
    assert_eq!(households(&s), 0);
}

#[test]
fn editing_keeps_what_the_form_does_not_show_and_offers_no_removal_of_a_saved_member() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.db");
    let mut s = store_at(&path);
    let idn = id_number("110105", "19400301", 12);
    let hid = household(
        &mut s,
        "李奶奶",
        "501",
        json!({"id_number": idn, "custom_tags": ["党员"]}),
    );
    s.update::<Household>(hid, |h| {
        h.members.push(gridkeeper_core::kinds::household::Member {
            name: "李爷爷".into(),
            left: Some(gridkeeper_core::kinds::household::Departure {
                reason: gridkeeper_core::kinds::household::LeftReason::Deceased,
                on: "2025-03-01".into(),
            }),
            ..Default::default()
        })
    })
    .unwrap();

    let mut f = HouseholdEdit::new("ignored".into(), Some(hid.to_string()), Lang::Zh);
    f.update(&mut s, H::Load);
    let v = f.view().clone();
    assert!(!v.is_new);
    assert_eq!(v.members.len(), 2);
    assert_eq!(v.members[0].name, "李奶奶");
    assert_eq!(v.members[0].id_number, idn, "in full, to be edited");
    assert_eq!(v.members[0].birth_date, "1940-03-01");
    assert!(v.members[0].birth_date_from_id_number);
    assert!(!v.members[1].birth_date_from_id_number);
    assert!(!v.members[0].removable && !v.members[1].removable);
    assert_eq!(v.members[1].left.as_deref(), Some("已故 2025-03-01"));
    assert_eq!(v.address[2].value, "4");

    // A saved member cannot be removed; one added here can.
    f.update(&mut s, H::RemoveMember { member: 0 });
    assert_eq!(f.view().members.len(), 2);
    f.update(&mut s, H::AddMember);
    assert!(f.view().members[2].removable);
    f.update(&mut s, H::RemoveMember { member: 2 });
    assert_eq!(f.view().members.len(), 2);

    f.update(&mut s, text("members[0].phone", "13900001111"));
    f.update(
        &mut s,
        H::ToggleTag {
            member: 0,
            key: "solitary_elderly".into(),
        },
    );
    f.update(&mut s, H::AddMember);
    f.update(&mut s, text("members[2].name", "李孙"));

    // Killed before saving: the edits come back over the record.
    drop(f);
    drop(s);
    let mut s = Store::open(&path).unwrap();
    // Meanwhile a sync brings a member another phone added.
    s.update::<Household>(hid, |h| {
        h.members.push(gridkeeper_core::kinds::household::Member {
            name: "李小妹".into(),
            ..Default::default()
        })
    })
    .unwrap();
    let mut f = HouseholdEdit::new("ignored".into(), Some(hid.to_string()), Lang::Zh);
    f.update(&mut s, H::Load);
    let v = f.view();
    assert!(v.restored_draft && !v.is_new);
    assert_eq!(v.members[0].phone, "13900001111");
    assert_eq!(v.members[2].name, "李孙");
    assert_eq!(v.members[1].left.as_deref(), Some("已故 2025-03-01"));

    assert_eq!(
        f.update(&mut s, H::Save),
        vec![
            Effect::RecordsChanged {
                ids: vec![hid.to_string()]
            },
            Effect::Close
        ]
    );
    let saved = s.get::<Household>(hid).unwrap();
    assert_eq!(saved.envelope.grid, "g1", "its own grid");
    let m = &saved.data.members[0];
    assert_eq!(m.phone.as_deref(), Some("13900001111"));
    assert_eq!(m.birth_date.as_deref(), Some("1940-03-01"));
    assert_eq!(json!(m.gender), json!("female"));
    assert_eq!(m.custom_tags, vec!["党员".to_string()]);
    assert_eq!(json!(m.tags), json!(["solitary_elderly"]));
    assert!(saved.data.members[1].left.is_some(), "still marked as left");
    assert_eq!(
        saved
            .data
            .members
            .iter()
            .map(|m| m.name.as_str())
            .collect::<Vec<_>>(),
        vec!["李奶奶", "李爷爷", "李孙", "李小妹"],
        "the form never drops a member it did not know of"
    );
    assert_eq!(s.draft(&format!("household:{hid}")).unwrap(), None);
}

#[test]
fn a_household_typed_into_survives_the_app_being_killed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.db");
    let mut s = store_at(&path);
    let mut first = HouseholdEdit::new("g1".into(), None, Lang::Zh);
    for e in [
        H::Load,
        text("address.building", "7"),
        text("address.room", "302"),
        text("members[0].name", "陈秀英"),
        H::ToggleTag {
            member: 0,
            key: "solitary_elderly".into(),
        },
        H::AddMember,
        text("members[1].name", "陈小明"),
    ] {
        first.update(&mut s, e);
    }
    // The process dies: the screen and the store go; a new store reads the file.
    drop(first);
    drop(s);
    let mut s = Store::open(&path).unwrap();
    let drafts = s.drafts().unwrap();
    assert_eq!(drafts.len(), 1);
    assert_eq!(
        (drafts[0].form.as_str(), drafts[0].title.as_str()),
        ("household", "7 302")
    );
    let mut second = HouseholdEdit::new("g1".into(), None, Lang::Zh);
    second.update(&mut s, H::Load);
    let v = second.view();
    assert!(v.restored_draft);
    assert_eq!(v.note.as_deref(), Some("已恢复上次未保存的内容"));
    assert_eq!(v.address[2].value, "7");
    assert_eq!(v.address[5].value, "302");
    assert_eq!(
        v.members
            .iter()
            .map(|m| m.name.as_str())
            .collect::<Vec<_>>(),
        vec!["陈秀英", "陈小明"]
    );
    assert_eq!(v.members[0].tags, vec!["solitary_elderly".to_string()]);
    assert_eq!(v.members[0].relation, "head");
    assert_eq!(v.members[1].heading, "成员 2");
    assert!(
        v.members[1].removable,
        "still not saved, so still removable"
    );

    let hid = opened_household(&second.update(&mut s, H::Save));
    assert_eq!(
        s.get::<Household>(hid).unwrap().data.members[1].name,
        "陈小明"
    );
    assert!(s.drafts().unwrap().is_empty());
}

#[test]
fn an_unreadable_draft_is_kept_and_the_form_starts_empty_and_discard_drops_a_draft() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store_at(&dir.path().join("w.db"));
    s.save_draft("household:new", "household", None, "?", "not json")
        .unwrap();
    let mut f = HouseholdEdit::new("g1".into(), None, Lang::En);
    f.update(&mut s, H::Load);
    let v = f.view();
    assert!(!v.restored_draft);
    assert_eq!(
        v.note.as_deref(),
        Some("What you typed last time could not be read; the form starts empty")
    );
    assert_eq!(v.members.len(), 1);
    assert_eq!(
        s.draft("household:new").unwrap().unwrap().fields,
        "not json",
        "kept"
    );

    f.update(&mut s, text("address.building", "2"));
    assert_eq!(f.update(&mut s, H::Discard), vec![Effect::Close]);
    assert_eq!(s.draft("household:new").unwrap(), None);
    assert_eq!(households(&s), 0);
}

// ---- visits ----

/// The smallest bytes core takes as a PNG photo.
fn photo(dir: &std::path::Path, name: &str, extra: u8) -> String {
    let path = dir.join(name);
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    bytes.push(extra);
    std::fs::write(&path, bytes).unwrap();
    path.display().to_string()
}

fn visit_ids(effects: &[Effect]) -> Vec<RecordId> {
    match effects {
        [Effect::RecordsChanged { ids }, Effect::Close] => {
            ids.iter().map(|i| i.parse().unwrap()).collect()
        }
        other => panic!("not submitted: {other:?}"),
    }
}

#[test]
fn a_visit_from_a_member_with_photo_and_location_takes_them_off_the_agenda() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store_at(&dir.path().join("w.db"));
    let hid = household(
        &mut s,
        "陈奶奶",
        "202",
        json!({"tags": ["empty_nest_elderly"]}),
    );
    let mid = s.get::<Household>(hid).unwrap().data.members[0].id.clone();
    assert_eq!(
        s.agenda(Some("g1"), chrono::Utc::now())
            .unwrap()
            .visits
            .len(),
        1
    );

    let mut f = VisitForm::new(
        VisitFormSubject::Household,
        hid.to_string(),
        Some(mid.clone()),
        Lang::Zh,
    );
    f.update(&mut s, V::Load);
    let v = f.view();
    assert_eq!(v.title, "幸福里 4 1 202");
    assert_eq!(v.members.len(), 1);
    assert_eq!(
        (v.members[0].name.as_str(), v.members[0].relation.as_str()),
        ("陈奶奶", "户主")
    );
    assert!(v.members[0].seen, "the member it was started for");
    assert_eq!(v.purpose, "routine");
    assert!(
        v.purposes
            .iter()
            .any(|p| p.key == "special_group_care" && p.label == "特殊群体关爱")
    );

    f.update(
        &mut s,
        V::Purpose {
            key: "special_group_care".into(),
        },
    );
    f.update(
        &mut s,
        V::Findings {
            text: "身体尚好，叮嘱注意用电安全".into(),
        },
    );
    assert_eq!(
        f.update(&mut s, V::TakePhoto),
        vec![Effect::TakePhoto {
            for_field: "photos".into()
        }]
    );
    f.update(
        &mut s,
        V::PhotoTaken {
            path: photo(dir.path(), "a.png", 1),
        },
    );
    assert_eq!(f.view().photos.len(), 1);
    assert_eq!(f.update(&mut s, V::Locate), vec![Effect::GetLocation]);
    assert!(f.view().locating);
    assert_eq!(f.view().location_note.as_deref(), Some("正在定位…"));
    f.update(
        &mut s,
        V::Located {
            lat: 39.9087,
            lon: 116.3975,
            accuracy_m: Some(12.0),
        },
    );
    let v = f.view().clone();
    assert!(!v.locating && v.location_note.is_none());
    assert_eq!(
        v.location.as_ref().map(|l| l.text.as_str()),
        Some("已定位，误差约 12 米")
    );

    let ids = visit_ids(&f.update(&mut s, V::Submit));
    assert_eq!(ids.len(), 1, "no case raised");
    let visit = s.get::<Visit>(ids[0]).unwrap().data;
    assert_eq!(visit.photos, v.photos);
    assert!(
        s.get_blob(&v.photos[0]).unwrap().is_some(),
        "the photo is stored"
    );
    let at = visit.location.unwrap();
    assert!((at.lat - 39.9087).abs() < 1e-9 && at.accuracy_m == Some(12.0));
    assert_eq!(visit.members_seen, vec![mid]);
    assert_eq!(json!(visit.purpose), json!("special_group_care"));
    assert_eq!(visit.findings, "身体尚好，叮嘱注意用电安全");
    assert_eq!(visit.worker, "王芳");
    assert_eq!(
        s.agenda(Some("g1"), chrono::Utc::now())
            .unwrap()
            .visits
            .len(),
        0
    );
    assert_eq!(s.draft(&format!("visit:{hid}")).unwrap(), None);
}

#[test]
fn a_visit_raises_a_case_and_a_case_without_description_is_refused_under_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store_at(&dir.path().join("w.db"));
    let hid = household(&mut s, "黄先生", "203", json!({}));
    s.update::<Household>(hid, |h| {
        h.members.push(gridkeeper_core::kinds::household::Member {
            name: "黄太太".into(),
            ..Default::default()
        })
    })
    .unwrap();
    let ids: Vec<String> = s
        .get::<Household>(hid)
        .unwrap()
        .data
        .members
        .iter()
        .map(|m| m.id.clone())
        .collect();
    let mut f = VisitForm::new(VisitFormSubject::Household, hid.to_string(), None, Lang::Zh);
    f.update(&mut s, V::Load);
    assert!(f.view().members.iter().all(|m| !m.seen));
    for e in [
        V::ToggleMember {
            member_id: ids[0].clone(),
        },
        V::ToggleMember {
            member_id: ids[1].clone(),
        },
        V::ToggleMember {
            member_id: ids[1].clone(),
        },
        V::PhotoTaken {
            path: photo(dir.path(), "b.png", 2),
        },
        V::Located {
            lat: 31.2304,
            lon: 121.4737,
            accuracy_m: None,
        },
        V::RaiseCase { on: true },
        V::CaseCategory {
            key: "errand".into(),
        },
        V::CaseSeverity { key: "high".into() },
    ] {
        f.update(&mut s, e);
    }
    let v = f.view();
    assert_eq!(
        v.members.iter().map(|m| m.seen).collect::<Vec<_>>(),
        vec![true, false]
    );
    assert_eq!(v.location.as_ref().unwrap().text, "已定位");
    assert!(
        v.case_categories
            .iter()
            .any(|c| c.key == "errand" && c.label == "代办")
    );
    assert!(
        v.case_severities
            .iter()
            .any(|c| c.key == "high" && c.label == "严重")
    );

    assert_eq!(f.update(&mut s, V::Submit), vec![]);
    let e = &f.view().errors;
    assert_eq!(e.len(), 1);
    assert_eq!(
        (e[0].field.as_str(), e[0].message.as_str()),
        ("case.description", "描述：必须填写")
    );
    assert!(
        s.list_json(Kind::Visit, None, None, false)
            .unwrap()
            .is_empty()
    );

    f.update(
        &mut s,
        V::CaseDescription {
            text: "帮办老年证".into(),
        },
    );
    assert!(f.view().errors.is_empty());
    let ids2 = visit_ids(&f.update(&mut s, V::Submit));
    assert_eq!(f.update(&mut s, V::Submit), vec![Effect::Close]);
    assert_eq!(
        s.list_json(Kind::Visit, None, None, false).unwrap().len(),
        1
    );
    assert_eq!(s.list_json(Kind::Case, None, None, false).unwrap().len(), 1);
    let (vid, cid) = (ids2[0], ids2[1]);
    let visit = s.get::<Visit>(vid).unwrap().data;
    let case = s.get::<Case>(cid).unwrap().data;
    assert_eq!(visit.raised_cases, vec![cid.to_string()]);
    assert_eq!(visit.members_seen, vec![ids[0].clone()]);
    assert_eq!(visit.photos.len(), 1);
    assert_eq!(visit.location.unwrap().accuracy_m, None);
    assert_eq!(
        case.source.as_ref().map(|s| s.id.clone()),
        Some(vid.to_string())
    );
    assert_eq!(
        case.subject.as_ref().map(|s| s.id.clone()),
        Some(hid.to_string())
    );
    assert_eq!(json!(case.category), json!("errand"));
    assert_eq!(json!(case.severity), json!("high"));
    assert_eq!(case.description, "帮办老年证");
    assert_eq!(s.draft(&format!("visit:{hid}")).unwrap(), None);
}

#[test]
fn a_visit_form_comes_back_from_its_draft_after_the_app_is_killed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.db");
    let mut s = store_at(&path);
    let hid = household(&mut s, "陈奶奶", "202", json!({}));
    let mid = s.get::<Household>(hid).unwrap().data.members[0].id.clone();
    let mut f = VisitForm::new(VisitFormSubject::Household, hid.to_string(), None, Lang::En);
    for e in [
        V::Load,
        V::Purpose {
            key: "opinion_collection".into(),
        },
        V::ToggleMember {
            member_id: mid.clone(),
        },
        V::Findings {
            text: "想装电梯".into(),
        },
        V::PhotoTaken {
            path: photo(dir.path(), "c.png", 3),
        },
        V::Located {
            lat: 39.9,
            lon: 116.4,
            accuracy_m: Some(30.4),
        },
        V::RaiseCase { on: true },
        V::CaseDescription {
            text: "加装电梯诉求".into(),
        },
    ] {
        f.update(&mut s, e);
    }
    let before = f.view().clone();
    drop(f);
    drop(s);

    let mut s = Store::open(&path).unwrap();
    let mut f = VisitForm::new(VisitFormSubject::Household, hid.to_string(), None, Lang::En);
    f.update(&mut s, V::Load);
    let v = f.view();
    assert!(v.restored_draft);
    assert_eq!(
        v.note.as_deref(),
        Some("The visit you had not submitted is back")
    );
    assert_eq!(v.purpose, "opinion_collection");
    assert!(v.members[0].seen);
    assert_eq!(v.findings, "想装电梯");
    assert_eq!(v.photos, before.photos);
    assert_eq!(
        v.location.as_ref().map(|l| l.text.as_str()),
        Some("Location found, within about 30 m")
    );
    assert!(v.raise_case);
    assert_eq!(v.case_category, "appeal");
    assert_eq!(v.case_description, "加装电梯诉求");

    let ids = visit_ids(&f.update(&mut s, V::Submit));
    assert_eq!(ids.len(), 2);
    assert_eq!(
        s.get::<Visit>(ids[0]).unwrap().data.photos,
        before.photos,
        "the photo taken before the kill"
    );
}

#[test]
fn a_place_is_visited_too_and_refusals_of_a_photo_and_a_location_are_worded() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store_at(&dir.path().join("w.db"));
    let pid = s
        .create_json(
            Kind::Place,
            "g1",
            json!({"name": "好又多超市", "address": {"building": "9", "room": "商铺1"}}),
        )
        .unwrap();
    let mut f = VisitForm::new(VisitFormSubject::Place, pid.to_string(), None, Lang::Zh);
    f.update(&mut s, V::Load);
    assert_eq!(f.view().title, "好又多超市");
    assert!(f.view().members.is_empty());

    let not_a_photo = dir.path().join("x.txt");
    std::fs::write(&not_a_photo, "hello").unwrap();
    f.update(
        &mut s,
        V::PhotoTaken {
            path: not_a_photo.display().to_string(),
        },
    );
    let e = &f.view().errors;
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].field, "photos");
    assert_eq!(
        e[0].message,
        "照片：不是可用的照片（JPEG、PNG、WebP、HEIC）"
    );
    assert!(f.view().photos.is_empty());

    f.update(&mut s, V::Locate);
    f.update(&mut s, V::LocationUnavailable);
    let v = f.view();
    assert!(!v.locating && v.location.is_none());
    assert_eq!(
        v.location_note.as_deref(),
        Some("无法获取位置，可稍后再试，或不带位置提交")
    );

    for e in [
        V::Findings {
            text: "消防通道堆放杂物".into(),
        },
        V::RaiseCase { on: true },
        V::CaseCategory {
            key: "hazard".into(),
        },
        V::CaseDescription {
            text: "消防通道堵塞".into(),
        },
    ] {
        f.update(&mut s, e);
    }
    // Core's refusals land under the visit's input or the case's.
    let long = "长".repeat(4001);
    f.update(&mut s, V::Findings { text: long.clone() });
    f.update(&mut s, V::CaseDescription { text: long });
    assert_eq!(f.update(&mut s, V::Submit), vec![]);
    let e = &f.view().errors;
    assert_eq!(
        (e[0].field.as_str(), e[0].message.as_str()),
        ("findings", "走访情况：内容太长，请精简")
    );
    f.update(
        &mut s,
        V::Findings {
            text: "消防通道堆放杂物".into(),
        },
    );
    assert_eq!(f.update(&mut s, V::Submit), vec![]);
    let e = &f.view().errors;
    assert_eq!(
        (e[0].field.as_str(), e[0].message.as_str()),
        ("case.description", "描述：内容太长，请精简")
    );
    assert!(
        s.list_json(Kind::Visit, None, None, false)
            .unwrap()
            .is_empty()
    );
    f.update(
        &mut s,
        V::CaseDescription {
            text: "消防通道堵塞".into(),
        },
    );

    let ids = visit_ids(&f.update(&mut s, V::Submit));
    let visit = s.get::<Visit>(ids[0]).unwrap().data;
    assert_eq!(
        json!(visit.subject),
        json!({"kind": "place", "id": pid.to_string()})
    );
    let case = s.get::<Case>(ids[1]).unwrap().data;
    assert_eq!(
        json!(case.subject),
        json!({"kind": "place", "id": pid.to_string()})
    );
    assert_eq!(json!(case.category), json!("hazard"));

    // Discarding a started visit drops its draft.
    let mut g = VisitForm::new(VisitFormSubject::Place, pid.to_string(), None, Lang::Zh);
    g.update(&mut s, V::Findings { text: "x".into() });
    assert!(s.draft(&format!("visit:{pid}")).unwrap().is_some());
    assert_eq!(g.update(&mut s, V::Discard), vec![Effect::Close]);
    assert_eq!(s.draft(&format!("visit:{pid}")).unwrap(), None);
}
