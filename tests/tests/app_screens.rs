//! The app core's screens with a real relay on loopback: a worker syncs from the sync line,
//! sees an edit the server refused with what to do, and the list and conflicts screens show
//! what another phone sent.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use gridkeeper_app::households::{self, Households};
use gridkeeper_app::sync_status::{self, SyncScreen};
use gridkeeper_app::{Effect, Lang, conflicts};
use gridkeeper_core::Kind;
use gridkeeper_core::kinds::Household;
use gridkeeper_tests::phones::Phone;
use gridkeeper_tests::relay::{Backend, Relay};
use serde_json::json;

const RELAY: &str = env!("CARGO_BIN_EXE_relay");

#[test]
fn a_worker_syncs_from_the_sync_line_and_sees_what_came_of_it() {
    let data = tempfile::tempdir().unwrap();
    let relay = Relay::start(RELAY, Backend::Sqlite(data.path().join("relay"))).unwrap();
    for (id, name) in [("g1", "第一网格"), ("g2", "第二网格")] {
        relay.admin(&["grid", "add", id, "--name", name]).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let mut phones = relay
        .enrolled_workers(dir.path(), "g1", &["王芳", "李强"])
        .unwrap();
    let [wang, li] = &mut phones[..] else {
        unreachable!()
    };
    let id = li
        .store()
        .create_json(
            Kind::Household,
            "g1",
            json!({"address": {"building": "3", "unit": "1", "room": "501"},
                   "members": [{"name": "赵敏", "relation": "head", "tags": ["solitary_elderly"]}]}),
        )
        .unwrap();
    li.sync(1).unwrap();
    // 王芳 records a household in a grid that is not hers: the server will not take it.
    wang.store()
        .create_json(
            Kind::Household,
            "g2",
            json!({"address": {"building": "8", "room": "101"}}),
        )
        .unwrap();

    let mut line = SyncScreen::new(Lang::Zh);
    line.update(wang.store(), sync_status::SyncEvent::Refresh);
    assert_eq!(line.view().pending_text, "待上传 1 项");
    assert_eq!(
        line.update(wang.store(), sync_status::SyncEvent::SyncNow),
        vec![Effect::StartSync]
    );
    // The shell performs the effect on its background thread and answers.
    let outcome = wang.sync(1);
    let effects = line.finished(wang.store(), outcome);
    assert_eq!(
        effects,
        vec![Effect::RecordsChanged {
            ids: vec![id.to_string()]
        }]
    );
    let v = line.view();
    assert_eq!(v.pending_text, "全部已上传");
    assert!(
        v.last_sync_text.starts_with("上次同步："),
        "{}",
        v.last_sync_text
    );
    assert_eq!(
        v.refused_text.as_deref(),
        Some("1 项修改服务器没有收下，仍保存在手机上")
    );
    assert_eq!(v.refused.len(), 1);
    assert!(
        v.refused[0].text.contains("负责范围"),
        "{}",
        v.refused[0].text
    );
    assert!(
        v.error.as_deref().is_some_and(|e| e.contains("没有收下")),
        "{:?}",
        v.error
    );

    // Far from signal, the refused edit goes into a rescue file for the administrator.
    let rescue = dir.path().join("wang.gkr");
    let path = rescue.to_string_lossy().into_owned();
    let effects = line.update(
        wang.store(),
        sync_status::SyncEvent::WriteRescue { path: path.clone() },
    );
    assert_eq!(effects, vec![Effect::ShareRescue { path }]);
    assert!(rescue.exists());
    let written = line.view().rescue_text.clone().unwrap_or_default();
    assert!(
        written.starts_with("已写入救援文件：1 条记录、1 项修改、0 张照片"),
        "{written}"
    );

    // The list shows what the other phone recorded, filtered by the group she belongs to.
    let mut list = Households::new(Some("g1".into()), Lang::Zh);
    list.update(
        wang.store(),
        households::HouseholdsEvent::Tag(Some("solitary_elderly".into())),
    );
    let rows = &list.view().rows;
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0].title.as_str(), rows[0].tags[0].as_str()),
        ("赵敏", "独居老人")
    );

    // Both change her phone offline; after syncing, each phone's conflicts screen shows both.
    wang.store()
        .update::<Household>(id, |h| h.members[0].phone = Some("13900000001".into()))
        .unwrap();
    li.store()
        .update::<Household>(id, |h| h.members[0].phone = Some("13700000002".into()))
        .unwrap();
    wang.sync(1).unwrap();
    li.sync(1).unwrap();
    wang.sync(1).unwrap();
    for p in [&mut *wang, &mut *li] {
        let mut screen = conflicts::Conflicts::new(id, Lang::Zh);
        screen.update(p.store(), conflicts::ConflictsEvent::Load);
        let v = screen.view();
        assert_eq!(v.items.len(), 1, "{v:?}");
        let mut by: Vec<&str> = v.items[0]
            .choices
            .iter()
            .map(|c| c.by.split(" · ").next().unwrap_or_default())
            .collect();
        by.sort();
        assert_eq!(by, vec!["李强", "王芳"]);
    }
}

#[test]
fn enrolment_from_a_scanned_code_and_a_wrong_code_in_words() {
    use gridkeeper_app::enrol::{self, Enrol};
    let data = tempfile::tempdir().unwrap();
    let relay = Relay::start(RELAY, Backend::Sqlite(data.path().join("relay"))).unwrap();
    relay
        .admin(&["grid", "add", "g1", "--name", "第一网格"])
        .unwrap();
    relay
        .admin(&["user", "add", "王芳", "--role", "worker", "--scope", "g1"])
        .unwrap();
    let code = relay.admin(&["enroll-code", "王芳"]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut p = Phone::new(dir.path(), "new-phone").unwrap();

    let mut screen = Enrol::new(Lang::Zh);
    // Nothing typed: each input says what it needs, and nothing goes to the server.
    assert_eq!(screen.update(enrol::EnrolEvent::Submit), vec![]);
    assert_eq!(
        screen.view().server_error.as_deref(),
        Some("服务器地址：必须填写")
    );
    assert_eq!(
        screen.view().code_error.as_deref(),
        Some("注册码：必须填写")
    );
    assert_eq!(
        screen.update(enrol::EnrolEvent::QrScanned("https://example.com".into())),
        vec![]
    );
    assert_eq!(
        screen.view().banner.as_deref(),
        Some("二维码不是网格管家的注册码")
    );

    // A wrong code: the server refuses it, and the worker reads why.
    screen.update(enrol::EnrolEvent::Server(format!(" {} ", relay.url())));
    screen.update(enrol::EnrolEvent::Code("WRONG-CODE".into()));
    let effects = screen.update(enrol::EnrolEvent::Submit);
    let [
        Effect::Enrol {
            server,
            code: typed,
        },
    ] = &effects[..]
    else {
        panic!("{effects:?}")
    };
    assert_eq!(server, &relay.url(), "trimmed");
    assert!(screen.view().busy);
    let refused = p.store().enroll(server, typed);
    assert!(refused.is_err());
    screen.finished(refused);
    assert!(!screen.view().busy);
    assert!(screen.view().banner.is_some());

    // The supervisor's QR code: scanning enrols at once.
    let qr = format!(
        "gridkeeper:enrol?server={}&code={}",
        relay.url().replace(':', "%3A").replace('/', "%2F"),
        code
    );
    let effects = screen.update(enrol::EnrolEvent::QrScanned(qr));
    let [
        Effect::Enrol {
            server,
            code: scanned,
        },
    ] = &effects[..]
    else {
        panic!("{effects:?}")
    };
    assert_eq!(
        (server.as_str(), scanned.as_str()),
        (relay.url().as_str(), code.as_str())
    );
    let enrolled = p.store().enroll(server, scanned);
    let effects = screen.finished(enrolled);
    assert_eq!(
        effects,
        vec![Effect::Enrolled {
            grids: vec!["g1".into()]
        }]
    );
    assert_eq!(screen.view().banner, None);
}
