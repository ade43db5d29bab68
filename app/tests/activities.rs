//! Activities (宣传 / 文体活动) on the phone: recorded through the form after a refusal in
//! words, listed newest first with type, date, place and attendance, opened, corrected, and
//! an unfinished form resumed from the unfinished-forms list — on a real store.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use gridkeeper_app::activities::{
    ActivityDetail, ActivityDetailEvent as Ad, ActivityEdit, ActivityEditEvent as Ae, ActivityList,
    ActivityListEvent as Al,
};
use gridkeeper_app::draft_list::{DraftList, DraftListEvent as De};
use gridkeeper_app::today::{Today, TodayEvent};
use gridkeeper_app::{Effect, Lang};
use gridkeeper_core::kinds::Activity;
use gridkeeper_core::{Kind, RecordId, Store};
use serde_json::json;

/// 2026-11-28 12:00 in China (04:00 UTC).
const NOON_28_NOV: i64 = 1_795_838_400;

fn store(dir: &tempfile::TempDir) -> Store {
    Store::init(dir.path().join("phone.db"), Some("王芳")).unwrap()
}

fn text(field: &str, value: &str) -> Ae {
    Ae::Text {
        field: field.into(),
        value: value.into(),
    }
}

fn activity(s: &mut Store, topic: &str, kind: &str, on: &str, venue: &str, n: u32) -> RecordId {
    s.create_json(
        Kind::Activity,
        "g1",
        json!({"topic": topic, "activity_type": kind, "held_on": on, "venue": venue,
               "participants": n}),
    )
    .unwrap()
}

fn error_of<'a>(form: &'a ActivityEdit, field: &str) -> Option<&'a str> {
    form.view()
        .errors
        .iter()
        .find(|e| e.field == field)
        .map(|e| e.message.as_str())
}

#[test]
fn an_activity_is_recorded_after_refusals_in_words_and_opened() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(&dir);
    let mut form = ActivityEdit::new("g1".into(), None, Lang::Zh);
    form.update(&mut s, Ae::Load { at: NOON_28_NOV });
    let v = form.view();
    assert!(v.is_new);
    assert_eq!(v.title, "记录活动");
    assert_eq!(v.activity_type, "policy_publicity");
    let labels: Vec<&str> = v.activity_types.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(labels, ["政策宣传", "文化活动", "体育活动", "培训"]);
    let held_on = v.inputs.iter().find(|i| i.field == "held_on").unwrap();
    assert_eq!(held_on.value, "2026-11-28", "a new activity is held today");
    assert!(
        v.inputs
            .iter()
            .any(|i| i.field == "participants" && i.numeric)
    );

    // Nothing typed but a count that is not a number: refused before core sees it.
    form.update(&mut s, text("participants", "三十"));
    assert!(form.update(&mut s, Ae::Save).is_empty());
    assert_eq!(
        error_of(&form, "participants"),
        Some("参加人数：请填写整数，如 35")
    );
    // A number, but no topic: core's refusal in words, under the topic.
    form.update(&mut s, text("participants", "35"));
    assert_eq!(error_of(&form, "participants"), None, "typing clears it");
    assert!(form.update(&mut s, Ae::Save).is_empty());
    assert_eq!(error_of(&form, "topic"), Some("活动主题：必须填写"));
    // A date that is none.
    form.update(&mut s, text("topic", "垃圾分类宣传"));
    form.update(&mut s, text("held_on", "11月28日"));
    assert!(form.update(&mut s, Ae::Save).is_empty());
    assert_eq!(error_of(&form, "held_on"), Some("活动日期：日期格式不对"));
    assert_eq!(
        s.list_json(Kind::Activity, None, None, false)
            .unwrap()
            .len(),
        0,
        "nothing refused was written"
    );

    form.update(&mut s, text("held_on", "2026-11-27"));
    form.update(&mut s, Ae::ActivityType("culture".into()));
    form.update(&mut s, Ae::ActivityType("no_such_type".into()));
    assert_eq!(
        form.view().activity_type,
        "culture",
        "an unknown key is ignored"
    );
    form.update(&mut s, text("venue", "幸福里社区广场"));
    form.update(&mut s, text("notes", "发放宣传册，讲解分类方法"));
    let effects = form.update(&mut s, Ae::Save);
    let id = match effects.as_slice() {
        [
            Effect::RecordsChanged { ids },
            Effect::Close,
            Effect::OpenActivity { id },
        ] => {
            assert_eq!(ids, std::slice::from_ref(id));
            id.clone()
        }
        other => panic!("{other:?}"),
    };
    assert!(s.draft("activity:new").unwrap().is_none(), "draft cleared");
    assert_eq!(
        form.update(&mut s, Ae::Save),
        vec![Effect::Close],
        "a second tap records nothing twice"
    );
    assert_eq!(
        s.list_json(Kind::Activity, None, None, false)
            .unwrap()
            .len(),
        1
    );

    let rid: RecordId = id.parse().unwrap();
    let saved = s.get::<Activity>(rid).unwrap().data;
    assert_eq!(saved.participants, 35);
    assert_eq!(saved.venue, "幸福里社区广场");

    let mut page = ActivityDetail::new(rid, Lang::Zh);
    page.update(&mut s, Ad::Load);
    let v = page.view();
    assert_eq!(v.topic, "垃圾分类宣传");
    assert_eq!(v.activity_type, "文化活动");
    assert_eq!(v.held_on, "2026-11-27");
    assert_eq!(v.venue, "幸福里社区广场");
    assert_eq!(v.participants, "35 人参加");
    assert_eq!(v.notes, "发放宣传册，讲解分类方法");
    assert_eq!(v.conflicts_text, None);
    assert_eq!(
        page.update(&mut s, Ad::Edit),
        vec![Effect::EditActivity { id: id.clone() }]
    );

    // Corrected: the count was 40, and what the form does not change stays.
    let mut edit = ActivityEdit::new("g1".into(), Some(id.clone()), Lang::En);
    edit.update(&mut s, Ae::Load { at: NOON_28_NOV });
    let v = edit.view();
    assert_eq!(v.title, "Correct the activity");
    let held_on = v.inputs.iter().find(|i| i.field == "held_on").unwrap();
    assert_eq!(held_on.value, "2026-11-27", "an edit keeps its own date");
    edit.update(&mut s, text("participants", "40"));
    assert_eq!(
        edit.update(&mut s, Ae::Save),
        vec![
            Effect::RecordsChanged {
                ids: vec![id.clone()]
            },
            Effect::Close
        ]
    );
    let saved = s.get::<Activity>(rid).unwrap().data;
    assert_eq!(saved.participants, 40);
    assert_eq!(saved.notes, "发放宣传册，讲解分类方法");
}

#[test]
fn the_list_is_newest_first_with_type_date_place_and_attendance() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(&dir);
    activity(&mut s, "消防安全培训", "training", "2026-10-12", "", 0);
    let newest = activity(&mut s, "广场舞比赛", "sports", "2026-11-20", "文化广场", 60);
    activity(
        &mut s,
        "反诈宣传",
        "policy_publicity",
        "2026-11-02",
        "社区服务站",
        25,
    );
    s.create_json(
        Kind::Activity,
        "g2",
        json!({"topic": "别的网格", "held_on": "2026-11-25"}),
    )
    .unwrap();

    let mut list = ActivityList::new(Some("g1".into()), Lang::Zh);
    list.update(&s, Al::Load);
    let v = list.view();
    let topics: Vec<&str> = v.rows.iter().map(|r| r.topic.as_str()).collect();
    assert_eq!(topics, ["广场舞比赛", "反诈宣传", "消防安全培训"]);
    assert_eq!(v.count_text, "共 3 次活动");
    assert_eq!(v.empty_text, None);
    let first = &v.rows[0];
    assert_eq!(first.activity_type, "体育活动");
    assert_eq!(first.held_on, "2026-11-20");
    assert_eq!(first.detail, "文化广场 · 60 人参加");
    assert_eq!(
        v.rows[2].detail, "",
        "no place and no count: nothing to say"
    );

    assert_eq!(
        list.update(&s, Al::Open(newest.to_string())),
        vec![Effect::OpenActivity {
            id: newest.to_string()
        }]
    );
    assert_eq!(list.update(&s, Al::New), vec![Effect::NewActivity]);

    let mut en = ActivityList::new(Some("g1".into()), Lang::En);
    en.update(&s, Al::Load);
    assert_eq!(en.view().rows[0].activity_type, "Sports");
    assert_eq!(en.view().rows[0].detail, "文化广场 · 60 attended");
    let mut empty = ActivityList::new(Some("g3".into()), Lang::En);
    empty.update(&s, Al::Load);
    assert_eq!(
        empty.view().empty_text.as_deref(),
        Some("No activities recorded in this grid yet")
    );

    let mut today = Today::new(Some("g1".into()), Lang::Zh);
    assert_eq!(
        today.update(&mut s, TodayEvent::Activities),
        vec![Effect::OpenActivities]
    );
}

#[test]
fn an_unfinished_activity_is_listed_and_resumed_as_it_was_left() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(&dir);
    let mut form = ActivityEdit::new("g1".into(), None, Lang::Zh);
    form.update(&mut s, Ae::Load { at: NOON_28_NOV });
    form.update(&mut s, text("topic", "重阳节敬老活动"));
    form.update(&mut s, Ae::ActivityType("culture".into()));
    form.update(&mut s, text("participants", "4"));
    // The app is killed here: the form object is gone, the draft is not.
    drop(form);

    let mut drafts = DraftList::new(Lang::Zh);
    drafts.update(&mut s, De::Load);
    let rows = &drafts.view().rows;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].form, "活动记录");
    assert_eq!(rows[0].title, "重阳节敬老活动");
    assert!(rows[0].resumable);
    let key = rows[0].key.clone();
    assert_eq!(
        drafts.update(&mut s, De::Resume(key)),
        vec![Effect::NewActivity]
    );

    let mut again = ActivityEdit::new("g1".into(), None, Lang::Zh);
    again.update(
        &mut s,
        Ae::Load {
            at: NOON_28_NOV + 86_400,
        },
    );
    let v = again.view();
    assert!(v.restored_draft);
    assert!(v.note.is_some());
    assert_eq!(v.activity_type, "culture");
    let value = |f: &str| {
        v.inputs
            .iter()
            .find(|i| i.field == f)
            .map(|i| i.value.clone())
    };
    assert_eq!(value("topic").as_deref(), Some("重阳节敬老活动"));
    assert_eq!(value("participants").as_deref(), Some("4"));
    assert_eq!(
        value("held_on").as_deref(),
        Some("2026-11-28"),
        "the day it was begun, not the day it was resumed"
    );
    // Typed a further digit and saved: 40, not 4.
    again.update(&mut s, text("participants", "40"));
    again.update(&mut s, Ae::Save);
    let rows = s.list_json(Kind::Activity, None, None, false).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["participants"], 40);
    drafts.update(&mut s, De::Load);
    assert!(drafts.view().rows.is_empty());

    // A correction left unfinished is resumed on that activity's form.
    let id = rows[0]["id"].as_str().unwrap().to_string();
    let mut edit = ActivityEdit::new("g1".into(), Some(id.clone()), Lang::Zh);
    edit.update(&mut s, Ae::Load { at: NOON_28_NOV });
    edit.update(&mut s, text("venue", "老年活动中心"));
    drafts.update(&mut s, De::Load);
    let key = drafts.view().rows[0].key.clone();
    assert_eq!(
        drafts.update(&mut s, De::Resume(key)),
        vec![Effect::EditActivity { id }]
    );
    // Thrown away from the form: the draft goes with it.
    assert_eq!(edit.update(&mut s, Ae::Discard), vec![Effect::Close]);
    drafts.update(&mut s, De::Load);
    assert!(drafts.view().rows.is_empty());
}

#[test]
fn a_file_that_is_no_photo_is_refused_in_words_and_a_photo_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(&dir);
    let mut form = ActivityEdit::new("g1".into(), None, Lang::En);
    form.update(&mut s, Ae::Load { at: NOON_28_NOV });
    let not_photo = dir.path().join("notes.txt");
    std::fs::write(&not_photo, b"not a picture").unwrap();
    let effects = form.update(&mut s, Ae::TakePhoto);
    assert_eq!(
        effects,
        vec![Effect::TakePhoto {
            for_field: "photos".into()
        }]
    );
    form.update(
        &mut s,
        Ae::PhotoTaken {
            path: not_photo.display().to_string(),
        },
    );
    let message = error_of(&form, "photos").unwrap();
    assert!(message.starts_with("Photos: "), "{message}");
    assert!(form.view().photos.is_empty());

    // A one-pixel PNG.
    let photo = dir.path().join("photo.png");
    let mut png = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    png.extend_from_slice(&[
        0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0,
    ]);
    png.extend_from_slice(&[0x90, 0x77, 0x53, 0xDE]);
    png.extend_from_slice(&[0, 0, 0, 1, b'I', b'D', b'A', b'T', 0, 0, 0, 0, 0]);
    png.extend_from_slice(&[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82]);
    std::fs::write(&photo, &png).unwrap();
    form.update(
        &mut s,
        Ae::PhotoTaken {
            path: photo.display().to_string(),
        },
    );
    assert_eq!(form.view().photos.len(), 1);
    assert_eq!(error_of(&form, "photos"), None);
    form.update(&mut s, text("topic", "Fire drill"));
    form.update(&mut s, Ae::Save);
    let rows = s.list_json(Kind::Activity, None, None, false).unwrap();
    let rid: RecordId = rows[0]["id"].as_str().unwrap().parse().unwrap();
    assert_eq!(s.get::<Activity>(rid).unwrap().data.photos.len(), 1);
}
