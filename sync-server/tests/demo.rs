//! `--demo` end to end: the binary seeds a small street through simulated phones, the printed
//! web sign-ins open the supervisor's and the administrator's pages, a new device enrolled
//! with a printed code sees every kind of record and a real conflict, the stored records
//! cover every grid, and a second `--demo` start adds nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use gridkeeper_core::sync::SyncOptions;
use gridkeeper_core::{Kind, Store};
use gridkeeper_server::storage::Storage;
use gridkeeper_server::storage::sqlite::SqliteStorage;

const BIN: &str = env!("CARGO_BIN_EXE_gridkeeper-server");

/// Starts `--demo` and reads stdout up to the ready line; returns the process, the lines
/// and the server's address.
fn start_demo(data: &Path) -> (Child, Vec<String>, String) {
    let mut child = Command::new(BIN)
        .arg("--data")
        .arg(data)
        .args([
            "--listen",
            "127.0.0.1:0",
            "--demo",
            "--demo-households",
            "60",
        ])
        .env("GRIDKEEPER_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut seen = Vec::new();
    let base = loop {
        let line = lines
            .next()
            .expect("the server stopped before the demo was ready")
            .unwrap();
        assert!(!line.starts_with("demo: seeding failed"), "{line}");
        seen.push(line.clone());
        if let Some(url) = line.strip_prefix("demo ready: ") {
            break url.trim().to_string();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    (child, seen, base)
}

/// Signs in at the web pages as a person does (the form's CSRF cookie, then the form) and
/// opens `page`; returns its status.
fn sign_in_and_open(base: &str, name: &str, password: &str, page: &str) -> u16 {
    let http = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let cookie = |r: &reqwest::blocking::Response, name: &str| -> String {
        r.headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| v.strip_prefix(&format!("{name}=")))
            .and_then(|v| v.split(';').next())
            .unwrap_or_default()
            .to_string()
    };
    let form = http.get(format!("{base}/login")).send().unwrap();
    let login = cookie(&form, "gk_login");
    let html = form.text().unwrap();
    let csrf = html
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the sign-in form's token")
        .to_string();
    let signed = http
        .post(format!("{base}/login"))
        .header("cookie", format!("gk_login={login}"))
        .form(&[
            ("name", name),
            ("password", password),
            ("csrf", &csrf),
            ("next", "/"),
        ])
        .send()
        .unwrap();
    assert_eq!(signed.status().as_u16(), 303, "{name} signs in");
    let session = signed
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| !v.starts_with("gk_login="))
        .and_then(|v| v.split(';').next())
        .expect("a session cookie")
        .to_string();
    http.get(format!("{base}{page}"))
        .header("cookie", session)
        .send()
        .unwrap()
        .status()
        .as_u16()
}

fn stop(mut child: Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// grid → (records, feed head), as the server stores them.
fn stored(data: &Path) -> BTreeMap<String, (u64, u64)> {
    let storage = SqliteStorage::open(&data.join("gridkeeper.db")).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut out = BTreeMap::new();
        for grid in storage.grids().await.unwrap() {
            let records = storage.count_documents(&grid.id).await.unwrap();
            let head = storage.head(&grid.id).await.unwrap();
            out.insert(grid.id, (records, head));
        }
        out
    })
}

#[test]
fn demo_seeds_a_street_through_phones_and_never_twice() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let (child, lines, base) = start_demo(&data);
    let text = lines.join("\n");
    assert!(text.contains("seeding grid xf-1-01"), "{text}");
    let code = lines
        .iter()
        .find_map(|l| l.trim().strip_prefix("王芳 (worker): "))
        .expect("a printed enrolment code for the worker of xf-1-01")
        .to_string();

    // The printed web sign-ins open the pages at once: the supervisor's reports, the
    // administrator's page; the passwords are not the same.
    let web = |role: &str| -> (String, String) {
        lines
            .iter()
            .find_map(|l| {
                let (user, password) = l.trim().split_once(&format!(" ({role}, web): "))?;
                Some((user.to_string(), password.to_string()))
            })
            .unwrap_or_else(|| panic!("a printed web sign-in for the {role}: {text}"))
    };
    let (supervisor, sup_password) = web("supervisor");
    let (administrator, admin_password) = web("administrator");
    assert_eq!(supervisor, "李建国");
    assert_ne!(sup_password, admin_password);
    assert!(sup_password.chars().count() >= 10, "{sup_password}");
    assert_eq!(
        sign_in_and_open(&base, &supervisor, &sup_password, "/r/population?node=xf-1"),
        200
    );
    assert_eq!(
        sign_in_and_open(&base, &administrator, &admin_password, "/admin"),
        200
    );

    // A new device of 王芳 enrols with the printed code and syncs like any phone.
    let mut phone = Store::init(tmp.path().join("mine.db"), None).unwrap();
    phone.enroll(&base, &code).unwrap();
    phone.sync(&SyncOptions::default(), &mut |_| {}).unwrap();
    // Every kind but the 民情日志, which is its worker's and goes to no phone.
    for kind in Kind::ALL.into_iter().filter(|k| *k != Kind::Diary) {
        assert!(
            !phone.record_ids(Some(kind)).unwrap().is_empty(),
            "no {kind} reached the new device"
        );
    }
    assert!(phone.record_ids(Some(Kind::Diary)).unwrap().is_empty());
    let mut conflicted = 0;
    for id in phone.record_ids(Some(Kind::Household)).unwrap() {
        if !phone.conflicts(id).unwrap().is_empty() {
            conflicted += 1;
        }
    }
    assert!(conflicted >= 1, "no concurrent edit shows as a conflict");
    // The office directed the work: a task, a household sent back and a dispatched case
    // reach the worker's new device.
    let office = lines
        .iter()
        .find(|l| l.starts_with("demo: the supervisors gave"))
        .unwrap_or_else(|| panic!("no office summary: {text}"));
    assert!(!office.contains(" 0 "), "{office}");
    let agenda = phone.agenda(Some("xf-1-01"), chrono::Utc::now()).unwrap();
    assert!(!agenda.tasks.is_empty(), "no task on the worker's agenda");
    assert!(
        !phone.returned_records(Some("xf-1-01")).unwrap().is_empty(),
        "no household sent back"
    );
    let dispatched = phone
        .record_ids(Some(Kind::Case))
        .unwrap()
        .into_iter()
        .filter(|id| {
            let case = phone.get_json(*id, false).unwrap();
            case["data"]["timeline"].as_array().is_some_and(|t| {
                t.iter()
                    .any(|e| e["dispatch_to"].as_str().is_some_and(|p| !p.is_empty()))
            })
        })
        .count();
    assert!(dispatched >= 1, "no case dispatched to a handling party");
    stop(child);

    // Every grid of the street holds records on the server.
    let before = stored(&data);
    let grids: BTreeSet<&str> = [
        "xf-1-01", "xf-1-02", "xf-2-01", "xf-2-02", "xf-3-01", "xf-3-02",
    ]
    .into_iter()
    .collect();
    for grid in &grids {
        assert!(
            before.get(*grid).is_some_and(|(records, _)| *records > 0),
            "no records in {grid}: {before:?}"
        );
    }

    // Starting again with --demo on the same data seeds nothing.
    let (child, lines, _) = start_demo(&data);
    stop(child);
    assert!(
        lines.iter().any(|l| l.contains("demo: skipped")),
        "{}",
        lines.join("\n")
    );
    assert_eq!(
        stored(&data),
        before,
        "a second --demo start changed the data"
    );
}
