//! The duties a worker could not do on the phone before: places (list, register, edit, visit,
//! inspect), the mediation list, and the unfinished forms to resume — each driven as a worker
//! uses it, on a real store, in Chinese and in English.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use gridkeeper_app::draft_list::{DraftList, DraftListEvent as De};
use gridkeeper_app::mediations::{MediationList, MediationListEvent as Ml};
use gridkeeper_app::places::{
    PlaceDetail, PlaceDetailEvent as Pd, PlaceEdit, PlaceEditEvent as Pe, PlaceList,
    PlaceListEvent as Pl,
};
use gridkeeper_app::today::{Today, TodayEvent};
use gridkeeper_app::visit_form::{VisitForm, VisitFormEvent as Ve, VisitFormSubject};
use gridkeeper_app::{Effect, Lang};
use gridkeeper_core::kinds::Place;
use gridkeeper_core::{Kind, RecordId, Store};
use serde_json::json;

fn store(dir: &tempfile::TempDir, user: &str) -> Store {
    let mut s = Store::init(dir.path().join(format!("{user}.db")), Some(user)).unwrap();
    s.install_builtin_templates().unwrap();
    s
}

fn place(s: &mut Store, name: &str, kind: &str, address: &str) -> RecordId {
    s.create_json(
        Kind::Place,
        "g1",
        json!({"name": name, "place_type": kind, "address": {"text": address},
               "responsible": "刘建国", "contact": "13912345678"}),
    )
    .unwrap()
}

fn text(field: &str, value: &str) -> Pe {
    Pe::Text {
        field: field.into(),
        value: value.into(),
    }
}

#[test]
fn the_place_list_searches_filters_by_type_and_masks_the_phone() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(&dir, "王芳");
    let shop = place(&mut s, "好邻居便利店", "shop", "幸福路12号");
    place(&mut s, "幸福里出租屋", "rental", "幸福路8号");
    let mut list = PlaceList::new(Some("g1".into()), Lang::Zh);
    list.update(&s, Pl::Load);
    let v = list.view();
    assert_eq!(v.rows.len(), 2);
    assert_eq!(v.count_text, "共 2 处场所");
    let labels: Vec<&str> = v.type_choices.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(labels, ["商铺", "出租屋", "企业", "公共场所"]);
    let row = v.rows.iter().find(|r| r.id == shop.to_string()).unwrap();
    assert_eq!(row.place_type, "商铺");
    assert_eq!(row.address, "幸福路12号");
    assert!(
        row.responsible.starts_with("负责人 刘建国 · 139"),
        "{}",
        row.responsible
    );
    assert!(
        !row.responsible.contains("13912345678"),
        "the phone is masked in the list"
    );

    list.update(&s, Pl::Query("hlj".into()));
    let names: Vec<&str> = list.view().rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["好邻居便利店"], "pinyin initials find the shop");

    list.update(&s, Pl::Query(String::new()));
    list.update(&s, Pl::Type(Some("rental".into())));
    let names: Vec<&str> = list.view().rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["幸福里出租屋"]);
    list.update(&s, Pl::Type(Some("firm".into())));
    assert_eq!(
        list.view().empty_text.as_deref(),
        Some("没有找到匹配的场所")
    );

    assert_eq!(
        list.update(&s, Pl::Open(shop.to_string())),
        vec![Effect::OpenPlace {
            id: shop.to_string()
        }]
    );
    assert_eq!(list.update(&s, Pl::Add), vec![Effect::NewPlace]);

    let mut empty = PlaceList::new(Some("g2".into()), Lang::En);
    empty.update(&s, Pl::Load);
    assert_eq!(
        empty.view().empty_text.as_deref(),
        Some("No places registered in this grid yet")
    );
}

#[test]
fn a_place_is_registered_after_a_refusal_then_visited_and_inspected_from_its_screen() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(&dir, "王芳");
    let mut form = PlaceEdit::new("g1".into(), None, Lang::Zh);
    form.update(&mut s, Pe::Load);
    let v = form.view();
    assert!(v.is_new);
    assert_eq!(v.title, "登记场所");
    assert_eq!(v.place_type, "shop");
    assert_eq!(v.inputs[0].label, "场所名称");

    form.update(&mut s, text("name", "老王五金店"));
    form.update(&mut s, Pe::PlaceType("firm".into()));
    form.update(&mut s, text("contact", "12345"));
    assert!(s.draft("place:new").unwrap().is_some(), "kept as a draft");
    let effects = form.update(&mut s, Pe::Save);
    assert!(effects.is_empty(), "{effects:?}");
    let errors = &form.view().errors;
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].message.starts_with("地址："), "{:?}", errors[0]);
    assert_eq!(
        s.list_json(Kind::Place, None, None, false).unwrap().len(),
        0
    );

    form.update(&mut s, text("address.text", "建设路3号"));
    assert!(
        form.view().errors.is_empty(),
        "typing the address clears its message"
    );
    form.update(&mut s, Pe::Save);
    let errors = &form.view().errors;
    assert_eq!(errors[0].field, "contact");
    assert_eq!(
        errors[0].message,
        "联系电话：不是有效的手机号或带区号的固话"
    );
    form.update(&mut s, text("contact", "13800001111"));
    let effects = form.update(&mut s, Pe::Save);
    let id = effects
        .iter()
        .find_map(|e| match e {
            Effect::OpenPlace { id } => Some(id.clone()),
            _ => None,
        })
        .expect("the new place is opened");
    assert!(effects.contains(&Effect::Close));
    assert!(s.draft("place:new").unwrap().is_none(), "the draft goes");
    assert_eq!(
        form.update(&mut s, Pe::Save),
        vec![Effect::Close],
        "no second place"
    );
    let rid: RecordId = id.parse().unwrap();
    let stored = s.get::<Place>(rid).unwrap().data;
    assert_eq!(stored.name, "老王五金店");
    assert_eq!(stored.contact.as_deref(), Some("13800001111"));

    let mut detail = PlaceDetail::new(rid, Lang::Zh);
    detail.update(&mut s, Pd::Load);
    let v = detail.view();
    assert_eq!(v.name, "老王五金店");
    assert_eq!(v.place_type, "企业");
    assert_eq!(v.address, "建设路3号");
    assert!(v.visits.is_empty() && v.inspections.is_empty());
    assert_eq!(
        detail.update(&mut s, Pd::Visit),
        vec![Effect::StartPlaceVisit {
            place_id: id.clone()
        }]
    );
    assert_eq!(
        detail.update(&mut s, Pd::Inspect),
        vec![Effect::StartInspection {
            place_id: id.clone()
        }]
    );
    assert_eq!(
        detail.update(&mut s, Pd::Edit),
        vec![Effect::EditPlace { id: id.clone() }]
    );

    // The visit the button starts, saved: the place's screen lists it.
    let mut visit = VisitForm::new(VisitFormSubject::Place, id.clone(), None, Lang::Zh);
    visit.update(&mut s, Ve::Load);
    assert_eq!(visit.view().title, "老王五金店");
    visit.update(
        &mut s,
        Ve::Findings {
            text: "消防通道畅通".into(),
        },
    );
    let saved = visit.update(&mut s, Ve::Submit);
    assert!(saved.contains(&Effect::Close), "{saved:?}");
    detail.update(&mut s, Pd::Load);
    let v = detail.view();
    assert_eq!(v.visits.len(), 1);
    assert!(
        v.visits[0].text.starts_with("日常走访"),
        "{:?}",
        v.visits[0]
    );
}

#[test]
fn editing_a_place_keeps_what_the_form_does_not_show() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(&dir, "王芳");
    let id = s
        .create_json(
            Kind::Place,
            "g1",
            json!({"name": "好邻居便利店", "address": {"community": "幸福社区", "text": "幸福路12号"},
                   "tags": ["24小时"], "contact": "13912345678"}),
        )
        .unwrap();
    let mut form = PlaceEdit::new("g1".into(), Some(id.to_string()), Lang::En);
    form.update(&mut s, Pe::Load);
    let v = form.view();
    assert!(!v.is_new);
    assert_eq!(v.title, "Edit the place");
    let contact = v.inputs.iter().find(|i| i.field == "contact").unwrap();
    assert_eq!(
        contact.value, "13912345678",
        "in full: the worker is editing it"
    );
    form.update(&mut s, text("name", "好邻居超市"));
    let effects = form.update(&mut s, Pe::Save);
    assert!(effects.contains(&Effect::Close));
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::OpenPlace { .. }))
    );
    let p = s.get::<Place>(id).unwrap().data;
    assert_eq!(p.name, "好邻居超市");
    assert_eq!(p.tags, ["24小时"]);
    assert_eq!(p.address.community, "幸福社区");
}

#[test]
fn the_mediation_list_puts_open_ones_first_with_their_state_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(&dir, "王芳");
    let done = s
        .create_json(
            Kind::Mediation,
            "g1",
            json!({"dispute_type": "neighbour", "opened_on": "2026-11-01", "result": "referred_court",
                   "parties": [{"name": "赵六"}]}),
        )
        .unwrap();
    let open = s
        .create_json(
            Kind::Mediation,
            "g1",
            json!({"dispute_type": "labour", "opened_on": "2026-10-20", "risk_level": "high",
                   "parties": [{"name": "孙七"}],
                   "follow_ups": [{"due": "2026-12-01"}]}),
        )
        .unwrap();
    let mut list = MediationList::new(Some("g1".into()), Lang::Zh);
    list.update(&s, Ml::Load);
    let v = list.view();
    let rows: Vec<(&str, &str, &str)> = v
        .rows
        .iter()
        .map(|r| (r.id.as_str(), r.title.as_str(), r.state.as_str()))
        .collect();
    assert_eq!(
        rows,
        [
            (open.to_string().as_str(), "劳资纠纷", "调解中"),
            (done.to_string().as_str(), "邻里纠纷", "转法院"),
        ]
    );
    assert_eq!(v.open_text, "1 件调解中");
    assert!(v.rows[0].needs_escalation, "high risk and open");
    assert_eq!(
        v.rows[0].detail,
        "受理 2026-10-20 · 高风险 · 回访 2026-12-01"
    );
    assert_eq!(list.update(&s, Ml::New), vec![Effect::NewMediation]);
    assert_eq!(
        list.update(&s, Ml::Open(done.to_string())),
        vec![Effect::OpenMediation {
            id: done.to_string()
        }]
    );

    let mut en = MediationList::new(Some("g2".into()), Lang::En);
    en.update(&s, Ml::Load);
    assert_eq!(en.view().empty_text.as_deref(), Some("No mediations yet"));
}

#[test]
fn unfinished_forms_of_every_kind_are_listed_resumed_where_they_were_and_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(&dir, "王芳");
    let shop = place(&mut s, "好邻居便利店", "shop", "幸福路12号");
    let home = s
        .create_json(
            Kind::Household,
            "g1",
            json!({"address": {"building": "3", "room": "101"}, "members": [{"name": "张三", "relation": "head"}]}),
        )
        .unwrap();
    let (shop_id, home_id) = (shop.to_string(), home.to_string());
    // One of each form, as the forms write them.
    s.save_draft("household:new", "household", None, "3栋", "{}")
        .unwrap();
    s.save_draft("place:new", "place", None, "", "{}").unwrap();
    s.save_draft(
        &format!("visit:{shop_id}"),
        "visit",
        Some(&shop_id),
        "好邻居便利店",
        "{}",
    )
    .unwrap();
    s.save_draft(
        &format!("visit:{home_id}"),
        "visit",
        Some(&home_id),
        "3栋 101",
        "{}",
    )
    .unwrap();
    s.save_draft("case:new", "case", None, "楼道堆物", "{}")
        .unwrap();
    s.save_draft("mediation:new", "mediation", None, "邻里纠纷", "{}")
        .unwrap();
    s.save_draft(
        &format!("inspection:{shop_id}"),
        "inspection",
        Some(&shop_id),
        "好邻居便利店",
        "{}",
    )
    .unwrap();

    let mut list = DraftList::new(Lang::Zh);
    list.update(&mut s, De::Load);
    let v = list.view();
    assert_eq!(v.rows.len(), 7);
    let forms: std::collections::BTreeSet<&str> = v.rows.iter().map(|r| r.form.as_str()).collect();
    assert_eq!(
        forms,
        [
            "住户登记",
            "场所登记",
            "走访",
            "事件上报",
            "矛盾调解",
            "安全巡查"
        ]
        .into_iter()
        .collect()
    );
    assert!(
        v.rows
            .iter()
            .all(|r| r.resumable && r.saved.starts_with("保存于 "))
    );
    assert!(v.rows.iter().any(|r| r.title == "（未填写）"));

    // Today's work says how many wait, and leads to them.
    let mut today = Today::new(Some("g1".into()), Lang::Zh);
    today.update(&mut s, TodayEvent::Refresh { at: 1_796_569_200 });
    assert_eq!(today.view().drafts_text.as_deref(), Some("7 份表单未完成"));
    assert_eq!(
        today.update(&mut s, TodayEvent::Drafts),
        [Effect::OpenDrafts]
    );
    assert_eq!(
        today.update(&mut s, TodayEvent::Places),
        [Effect::OpenPlaces]
    );

    let resume =
        |list: &mut DraftList, s: &mut Store, key: &str| list.update(s, De::Resume(key.into()));
    assert_eq!(
        resume(&mut list, &mut s, "household:new"),
        [Effect::NewHousehold]
    );
    assert_eq!(resume(&mut list, &mut s, "place:new"), [Effect::NewPlace]);
    assert_eq!(resume(&mut list, &mut s, "case:new"), [Effect::NewCase]);
    assert_eq!(
        resume(&mut list, &mut s, "mediation:new"),
        [Effect::NewMediation]
    );
    assert_eq!(
        resume(&mut list, &mut s, &format!("visit:{shop_id}")),
        [Effect::StartPlaceVisit {
            place_id: shop_id.clone()
        }]
    );
    assert_eq!(
        resume(&mut list, &mut s, &format!("visit:{home_id}")),
        [Effect::StartVisit {
            household_id: home_id.clone(),
            member_id: None
        }]
    );
    assert_eq!(
        resume(&mut list, &mut s, &format!("inspection:{shop_id}")),
        [Effect::StartInspection {
            place_id: shop_id.clone()
        }]
    );

    list.update(&mut s, De::Drop("case:new".into()));
    assert_eq!(list.view().rows.len(), 6);
    assert!(s.draft("case:new").unwrap().is_none());

    let mut en = DraftList::new(Lang::En);
    for d in s.drafts().unwrap() {
        s.clear_draft(&d.key).unwrap();
    }
    en.update(&mut s, De::Load);
    assert_eq!(en.view().empty_text.as_deref(), Some("No unfinished forms"));
}

#[test]
fn one_search_finds_households_places_and_cases_each_opening_its_screen() {
    use gridkeeper_app::search::{Search, SearchEvent as Se};
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(&dir, "王芳");
    let shop = place(&mut s, "幸福便利店", "shop", "幸福路12号");
    let home = s
        .create_json(
            Kind::Household,
            "g1",
            json!({"address": {"compound": "幸福路小区", "building": "3", "room": "101"},
                   "members": [{"name": "张三", "relation": "head"}]}),
        )
        .unwrap();
    let case = s
        .create_json(
            Kind::Case,
            "g1",
            json!({"category": "environment", "description": "幸福路口垃圾堆放", "severity": "low"}),
        )
        .unwrap();
    let mut search = Search::new(Some("g1".into()), Lang::Zh);
    // Three characters or more: addresses and a case's words, not only names.
    search.update(&s, Se::Query("幸福路".into()));
    let v = search.view();
    let kinds: Vec<(&str, &str)> = v
        .rows
        .iter()
        .map(|r| (r.kind.as_str(), r.kind_label.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [("household", "住户"), ("place", "场所"), ("case", "事件")],
        "{v:?}"
    );
    assert_eq!(v.rows[1].title, "幸福便利店");
    let open = |search: &mut Search, s: &Store, i: usize| {
        let r = search.view().rows[i].clone();
        search.update(
            s,
            Se::Open {
                kind: r.kind,
                id: r.id,
            },
        )
    };
    assert_eq!(
        open(&mut search, &s, 0),
        [Effect::OpenHousehold {
            id: home.to_string()
        }]
    );
    assert_eq!(
        open(&mut search, &s, 1),
        [Effect::OpenPlace {
            id: shop.to_string()
        }]
    );
    assert_eq!(
        open(&mut search, &s, 2),
        [Effect::OpenCase {
            id: case.to_string()
        }]
    );
    search.update(&s, Se::Query("zs".into()));
    let titles: Vec<&str> = search
        .view()
        .rows
        .iter()
        .map(|r| r.title.as_str())
        .collect();
    assert_eq!(titles.len(), 1, "pinyin initials: {titles:?}");
    assert!(titles[0].contains("张三"));
    search.update(&s, Se::Query("没有这个".into()));
    assert_eq!(
        search.view().empty_text.as_deref(),
        Some("没有找到匹配的记录")
    );
}
