//! The grid-wide conflicts list: two phones set a household's number differently, the
//! household appears on 今日工作's conflicts line and in the list with its words, a tap opens
//! its conflicts, and settling them empties both — in Chinese and in English.

use gridkeeper_app::conflict_list::{ConflictList, ConflictListEvent as Cl};
use gridkeeper_app::conflicts::{Conflicts, ConflictsEvent};
use gridkeeper_app::today::{Today, TodayEvent};
use gridkeeper_app::{Effect, Lang};
use gridkeeper_core::kinds::{Household, Place};
use gridkeeper_core::{Kind, RecordId, Store};
use serde_json::json;

fn ok<T, E: std::fmt::Display>(r: Result<T, E>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

fn store(dir: &tempfile::TempDir, user: &str) -> Store {
    ok(Store::init(
        dir.path().join(format!("{user}.db")),
        Some(user),
    ))
}

fn exchange(a: &mut Store, b: &mut Store) {
    let from_a = ok(a.changes(None));
    let from_b = ok(b.changes(None));
    ok(b.apply_changes(&from_a));
    ok(a.apply_changes(&from_b));
}

/// A household whose head's phone and a shop whose name and contact two workers set at once.
fn two_conflicts(a: &mut Store, b: &mut Store) -> (RecordId, RecordId) {
    let home = ok(a.create_json(
        Kind::Household,
        "g1",
        json!({"address": {"compound": "幸福里", "building": "3", "unit": "1", "room": "501"},
               "members": [{"name": "赵敏", "relation": "head"}]}),
    ));
    let shop = ok(a.create_json(
        Kind::Place,
        "g1",
        json!({"name": "好邻居便利店", "place_type": "shop", "address": {"text": "幸福路12号"}}),
    ));
    exchange(a, b);
    ok(a.update::<Household>(home, |h| h.members[0].phone = Some("13900000001".into())));
    ok(b.update::<Household>(home, |h| h.members[0].phone = Some("13700000002".into())));
    ok(a.update::<Place>(shop, |p| {
        p.responsible = "刘建国".into();
        p.contact = Some("13912345678".into());
    }));
    ok(b.update::<Place>(shop, |p| {
        p.responsible = "陈静".into();
        p.contact = Some("13812345678".into());
    }));
    exchange(a, b);
    (home, shop)
}

#[test]
fn conflicts_from_a_merge_are_listed_grid_wide_and_counted_on_today() {
    let dir = ok(tempfile::tempdir());
    let mut a = store(&dir, "王芳");
    let mut b = store(&dir, "李强");
    let mut today = Today::new(Some("g1".into()), Lang::Zh);
    today.update(&mut a, TodayEvent::Refresh { at: 1_764_400_000 });
    assert_eq!(today.view().conflicts_text, None, "nothing to settle yet");

    let (home, shop) = two_conflicts(&mut a, &mut b);
    today.update(&mut a, TodayEvent::Refresh { at: 1_764_400_000 });
    assert_eq!(
        today.view().conflicts_text.as_deref(),
        Some("2 条记录有冲突待处理")
    );
    assert_eq!(
        today.update(&mut a, TodayEvent::Conflicts),
        vec![Effect::OpenConflictList]
    );

    let mut list = ConflictList::new(Some("g1".into()), Lang::Zh);
    list.update(&a, Cl::Load);
    let v = list.view().clone();
    assert_eq!(v.empty_text, None);
    let lines: Vec<(&str, &str, &str)> = v
        .rows
        .iter()
        .map(|r| (r.kind.as_str(), r.title.as_str(), r.count.as_str()))
        .collect();
    assert_eq!(
        lines,
        [
            ("场所", "好邻居便利店", "2 处冲突"),
            ("住户", "赵敏 · 幸福里 3 1 501", "1 处冲突"),
        ],
        "most conflicted first, each titled as search titles it"
    );
    assert_eq!(
        list.update(&a, Cl::Open(v.rows[1].id.clone())),
        vec![Effect::OpenConflicts {
            record_id: home.to_string()
        }]
    );

    // Settled on the conflicts screen the tap opened: the line leaves, and 今日工作 follows.
    let mut screen = Conflicts::new(home, Lang::Zh);
    screen.update(&mut a, ConflictsEvent::Load);
    let path = screen.view().items[0].path.clone();
    screen.update(&mut a, ConflictsEvent::Pick { path, choice: 0 });
    list.update(&a, Cl::Load);
    let ids: Vec<&str> = list.view().rows.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, [shop.to_string()]);
    today.update(&mut a, TodayEvent::Refresh { at: 1_764_400_000 });
    assert_eq!(
        today.view().conflicts_text.as_deref(),
        Some("1 条记录有冲突待处理")
    );

    // The other phone hears of the pick through a merge and drops the line too.
    exchange(&mut a, &mut b);
    let mut theirs = ConflictList::new(Some("g1".into()), Lang::En);
    theirs.update(&b, Cl::Load);
    let v = theirs.view();
    assert_eq!(v.rows.len(), 1);
    assert_eq!(v.rows[0].kind, "Place");
    assert_eq!(v.rows[0].count, "Conflicting fields: 2");
    let mut today_en = Today::new(Some("g1".into()), Lang::En);
    today_en.update(&mut b, TodayEvent::Refresh { at: 1_764_400_000 });
    assert_eq!(
        today_en.view().conflicts_text.as_deref(),
        Some("Records with conflicts: 1")
    );
}

#[test]
fn a_grid_without_conflicts_says_so() {
    let dir = ok(tempfile::tempdir());
    let mut a = store(&dir, "王芳");
    let mut b = store(&dir, "李强");
    two_conflicts(&mut a, &mut b);
    let mut other_grid = ConflictList::new(Some("g2".into()), Lang::Zh);
    other_grid.update(&a, Cl::Load);
    assert!(other_grid.view().rows.is_empty());
    assert_eq!(
        other_grid.view().empty_text.as_deref(),
        Some("没有需要处理的冲突")
    );
}
