//! A case raised about a place or a household: the place's and household's pages open the
//! report form with its subject filled in, and an unfinished report about one resumes there.

use gridkeeper_app::cases::{CaseReport, CaseReportEvent as Cre, CaseReportSubjectKind};
use gridkeeper_app::draft_list::{DraftList, DraftListEvent as De};
use gridkeeper_app::household_detail::{HouseholdDetail, HouseholdDetailEvent as Hd};
use gridkeeper_app::places::{PlaceDetail, PlaceDetailEvent as Pd};
use gridkeeper_app::{Effect, Lang};
use gridkeeper_core::{Kind, Store};
use serde_json::json;

fn ok<T, E: std::fmt::Display>(r: Result<T, E>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_place_and_a_household_open_the_report_about_themselves() {
    let dir = ok(tempfile::tempdir());
    let mut s = ok(Store::init(dir.path().join("w.db"), Some("王芳")));
    let shop = ok(s.create_json(
        Kind::Place,
        "g1",
        json!({"name": "好邻居便利店", "place_type": "shop", "address": {"text": "幸福路12号"}}),
    ));
    let home = ok(s.create_json(
        Kind::Household,
        "g1",
        json!({"address": {"compound": "幸福里", "building": "3", "room": "101"},
               "members": [{"name": "张三", "relation": "head"}]}),
    ));

    let mut place = PlaceDetail::new(shop, Lang::Zh);
    place.update(&mut s, Pd::Load);
    let opened = place.update(&mut s, Pd::ReportCase);
    assert_eq!(
        opened,
        [Effect::ReportCase {
            subject_kind: CaseReportSubjectKind::Place,
            subject_id: shop.to_string()
        }]
    );
    let mut household = HouseholdDetail::new(home, Lang::Zh);
    household.update(&mut s, Hd::Load);
    assert_eq!(
        household.update(&mut s, Hd::ReportCase),
        [Effect::ReportCase {
            subject_kind: CaseReportSubjectKind::Household,
            subject_id: home.to_string()
        }]
    );

    // The form the effect opens names its subject; left unfinished, it resumes about it.
    let mut form = CaseReport::new(
        "g1".into(),
        Some(CaseReportSubjectKind::Household),
        Some(home.to_string()),
        Lang::Zh,
    );
    form.update(&mut s, Cre::Load);
    assert_eq!(form.view().subject.as_deref(), Some("幸福里 3 101"));
    form.update(&mut s, Cre::Description("楼道堆物".into()));
    let mut drafts = DraftList::new(Lang::Zh);
    drafts.update(&mut s, De::Load);
    let row = drafts
        .view()
        .rows
        .iter()
        .find(|r| r.key == format!("case:{home}"))
        .cloned()
        .unwrap_or_else(|| panic!("{:?}", drafts.view()));
    assert!(row.resumable);
    assert_eq!(
        drafts.update(&mut s, De::Resume(row.key)),
        [Effect::ReportCase {
            subject_kind: CaseReportSubjectKind::Household,
            subject_id: home.to_string()
        }]
    );
}
