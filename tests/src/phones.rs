//! Phones: real core stores that enrol with the relay and sync over HTTP, and the random work
//! a grid worker does between syncs — every record kind, edits that collide across phones.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use gridkeeper_core::kinds::case::{EscalationLevel, TimelineEntry};
use gridkeeper_core::kinds::case_flow::CaseAction;
use gridkeeper_core::kinds::household::{Member, MemberTag};
use gridkeeper_core::kinds::{Household, Mediation};
use gridkeeper_core::sync::{SyncError, SyncOptions, SyncSummary};
use gridkeeper_core::{Kind, RecordId, Store};
use rand::Rng;
use rand::rngs::StdRng;
use serde_json::json;

#[derive(Debug)]
pub struct Phone {
    pub name: String,
    pub path: PathBuf,
    store: Option<Store>,
}

impl Phone {
    pub fn new(dir: &Path, name: &str) -> gridkeeper_core::Result<Phone> {
        let path = dir.join(format!("{name}.db"));
        let mut store = Store::init(&path, Some(name))?;
        store.install_builtin_templates()?;
        Ok(Phone {
            name: name.to_string(),
            path,
            store: Some(store),
        })
    }

    pub fn store(&mut self) -> &mut Store {
        if self.store.is_none() {
            self.store = Some(
                Store::open(&self.path).unwrap_or_else(|e| panic!("reopen {}: {e}", self.name)),
            );
        }
        match self.store.as_mut() {
            Some(s) => s,
            None => unreachable!(),
        }
    }

    /// Closes the store, as the app does when it goes away; the next use reopens it.
    pub fn close(&mut self) {
        self.store = None;
    }

    /// Copies the store file to `to` with the phone closed (a backup, a migration tool).
    pub fn copy_store(&mut self, to: &Path) -> std::io::Result<()> {
        self.close();
        std::fs::copy(&self.path, to).map(|_| ())
    }

    /// Puts a copy back over the store file, in place (the file keeps its inode, as when a
    /// backup tool writes into the existing file).
    pub fn restore_store(&mut self, from: &Path) -> std::io::Result<()> {
        self.close();
        for suffix in ["-wal", "-shm"] {
            let side = PathBuf::from(format!("{}{suffix}", self.path.display()));
            if side.exists() {
                std::fs::remove_file(side)?;
            }
        }
        std::fs::copy(from, &self.path).map(|_| ())
    }

    /// A second phone holding a copy of this one's store, token and all.
    pub fn clone_onto(&mut self, dir: &Path, name: &str) -> std::io::Result<Phone> {
        let path = dir.join(format!("{name}.db"));
        self.copy_store(&path)?;
        Ok(Phone {
            name: name.to_string(),
            path,
            store: None,
        })
    }

    /// Enrols against `server`, then points the phone at `sync_url` (a proxy, say) for syncs.
    pub fn enroll(&mut self, server: &str, code: &str, sync_url: &str) -> Result<(), SyncError> {
        self.store().enroll(server, code)?;
        self.store().set_meta("sync_server", sync_url)?;
        Ok(())
    }

    pub fn sync(&mut self, attempts: u32) -> Result<SyncSummary, SyncError> {
        let opts = SyncOptions {
            max_attempts: attempts,
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(40),
            timeout: Duration::from_secs(20),
            page: Some(40),
            ..Default::default()
        };
        self.store().sync(&opts, &mut |_| {})
    }

    /// Runs a sync in a separate process (`phone_bin STORE`) and kills it with SIGKILL after
    /// `after`; the store is reopened afterwards, as the app would be.
    pub fn kill_mid_sync(&mut self, phone_bin: &str, after: Duration) -> bool {
        self.store = None;
        let Ok(mut child) = Command::new(phone_bin)
            .arg(&self.path)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
        else {
            return false;
        };
        std::thread::sleep(after);
        let finished = matches!(child.try_wait(), Ok(Some(_)));
        let _ = child.kill();
        let _ = child.wait();
        !finished
    }

    /// One piece of a worker's day, chosen by `rng`, in `grid`.
    pub fn random_work(&mut self, rng: &mut StdRng, grid: &str, step: usize) {
        let store = self.store();
        let pick = |store: &Store, kind: Kind, rng: &mut StdRng| -> Option<RecordId> {
            let ids = store.record_ids(Some(kind)).unwrap_or_default();
            (!ids.is_empty()).then(|| ids[rng.random_range(0..ids.len())])
        };
        let create = |store: &mut Store, kind: Kind, data: serde_json::Value| {
            store
                .create_json(kind, grid, data)
                .unwrap_or_else(|e| panic!("create {kind:?}: {e}"));
        };
        match rng.random_range(0..100) {
            0..=14 => create(
                store,
                Kind::Household,
                json!({"address": {"compound": "幸福里", "building": format!("{}", step % 9 + 1), "room": format!("{step}")},
                       "members": [{"name": "张三", "phone": "13912345678", "tags": ["solitary_elderly"]}, {"name": "李四"}]}),
            ),
            15..=19 => create(
                store,
                Kind::Place,
                json!({"name": format!("小卖部{step}"), "place_type": "shop", "address": {"text": format!("东街{step}号")}}),
            ),
            20..=26 => {
                let subject = pick(store, Kind::Household, rng).unwrap_or_default();
                create(
                    store,
                    Kind::Visit,
                    json!({"subject": {"kind": "household", "id": subject.to_string()}, "purpose": "special_group_care", "findings": format!("走访 {step}")}),
                );
            }
            27..=31 => create(
                store,
                Kind::Case,
                json!({"category": "hazard", "severity": "high", "description": format!("楼道堆物 {step}")}),
            ),
            32..=35 => create(
                store,
                Kind::Mediation,
                json!({"dispute_type": "neighbour", "opened_on": "2026-11-01", "parties": [{"name": "甲"}, {"name": "乙"}], "narrative": "起因："}),
            ),
            36..=38 => create(
                store,
                Kind::Activity,
                json!({"topic": format!("反诈宣传 {step}"), "held_on": "2026-11-20", "participants": step % 50}),
            ),
            39..=45 => match pick(store, Kind::Inspection, rng) {
                Some(id) => {
                    let item = ["wiring", "exits_clear", "smoke_alarm"][rng.random_range(0..3)];
                    let answer = if rng.random_bool(0.5) { "pass" } else { "na" };
                    store
                        .patch_json(id, &json!({"answers": {item: answer}}))
                        .unwrap_or_else(|e| panic!("answer: {e}"));
                }
                None => {
                    let place = pick(store, Kind::Place, rng).unwrap_or_default();
                    create(
                        store,
                        Kind::Inspection,
                        json!({"template_id": "fire_safety", "template_version": 1, "subject": {"kind": "place", "id": place.to_string()}}),
                    );
                }
            },
            46..=57 => {
                if let Some(id) = pick(store, Kind::Case, rng) {
                    let action = CaseAction::ALL[rng.random_range(0..CaseAction::ALL.len())];
                    let entry = TimelineEntry {
                        reason: "复核".into(),
                        escalate_to: Some(EscalationLevel::Community),
                        ..TimelineEntry::new(action)
                    };
                    // Illegal transitions are refused by the case's rules; that is fine.
                    let _ = store.case_transition(id, entry);
                }
            }
            58..=65 => {
                if let Some(id) = pick(store, Kind::Mediation, rng) {
                    let n = rng.random_range(0..1000);
                    store
                        .update::<Mediation>(id, |m| {
                            let chars: Vec<char> = m.narrative.chars().collect();
                            let at = n % (chars.len() + 1);
                            let mut text: String = chars[..at].iter().collect();
                            text.push_str(&format!("[{n}]"));
                            text.extend(&chars[at..]);
                            m.narrative = text;
                        })
                        .unwrap_or_else(|e| panic!("narrative: {e}"));
                }
            }
            66..=95 => {
                if let Some(id) = pick(store, Kind::Household, rng) {
                    let n: u32 = rng.random_range(0..10_000);
                    let which = rng.random_range(0..5);
                    store
                        .update::<Household>(id, |h| match which {
                            0 => h.notes = format!("走访记录 {n}"),
                            1 => {
                                if let Some(m) = h.members.first_mut() {
                                    m.phone = Some(format!("1391234{n:04}"));
                                }
                            }
                            2 => h.members.push(Member {
                                name: "王五".into(),
                                ..Default::default()
                            }),
                            3 => {
                                if let Some(m) = h.members.last_mut() {
                                    if m.tags.contains(&MemberTag::Disabled) {
                                        m.tags.retain(|t| *t != MemberTag::Disabled);
                                    } else {
                                        m.tags.push(MemberTag::Disabled);
                                    }
                                }
                            }
                            _ => {
                                if h.members.len() > 1 {
                                    h.members.pop();
                                }
                            }
                        })
                        .unwrap_or_else(|e| panic!("edit household: {e}"));
                }
            }
            _ => {
                if let Some(id) = pick(store, Kind::Household, rng) {
                    let archived = rng.random_bool(0.5);
                    store
                        .set_archived(id, archived)
                        .unwrap_or_else(|e| panic!("archive: {e}"));
                }
            }
        }
    }
}

/// One sync round by hand — up to 200 changes of the outbox pushed, `grid` pulled — so a test
/// sees exactly which changes the server acknowledged. `None` when the relay could not be
/// heard or answered with an error (the phone tries again); otherwise the reply, not yet
/// applied.
pub fn send_round(
    http: &reqwest::blocking::Client,
    url: &str,
    store: &Store,
    grid: &str,
) -> Option<gridkeeper_core::wire::SyncResponse> {
    use gridkeeper_core::wire;
    let token = store.meta("sync_token").ok()??;
    let req = store.sync_request(&[grid.to_string()], 200).ok()?;
    let resp = http
        .post(format!("{url}/v1/sync"))
        .bearer_auth(token)
        .header("content-type", wire::CONTENT_TYPE)
        .body(wire::encode(&req))
        .send()
        .ok()?;
    if resp.status() != 200 {
        return None;
    }
    wire::decode(&resp.bytes().ok()?, 1 << 30).ok()
}
