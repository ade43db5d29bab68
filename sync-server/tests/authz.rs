//! The authorization matrix over real HTTP: every endpoint, asked by every kind of caller
//! (worker in and out of scope, supervisor, administrator's console token, revoked device, no
//! token, garbage token) about targets in and out of their reach. Each case checks the status,
//! the error code, that nothing of an out-of-reach grid leaked into the answer, and that a
//! refused request changed nothing stored.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod http_support;

use gridkeeper_core::store::blob_hash;
use gridkeeper_core::wire::{self, PullCursor, SyncRequest, SyncResponse};
use gridkeeper_core::{Kind, Store};
use gridkeeper_server::admin;
use gridkeeper_server::app::Limits;
use gridkeeper_server::materialize::DocState;
use gridkeeper_server::rate_limit::RateLimit;
use gridkeeper_server::storage::{Device as StoredDevice, Grid, User};
use http_support::{Device, Relay, Street, code, post_sync, start, start_with};
use reqwest::Method;
use serde_json::{Value, json};

/// A 1×1 PNG.
const PNG_HEX: &str = "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da636460f85f0f0002870180eb47ba920000000049454e44ae426082";
/// The smallest JFIF: SOI, an APP0 header, EOI.
const JPEG_HEX: &str = "ffd8ffe000104a46494600010100000100010000ffd9";

/// Household members' names written into the street; none may appear in an answer to a caller
/// who cannot read their grid.
const G1_NAMES: [&str; 2] = ["张三", "李四"];
const G3_NAMES: [&str; 1] = ["王五"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    /// worker-a's phone: a worker of g1.
    WorkerA,
    /// worker-b's phone: a worker of g3.
    WorkerB,
    /// super-c1's phone: supervisor of c1 (g1, g2).
    Supervisor,
    /// super-c1 at a browser: a console token (no actor).
    SupervisorConsole,
    /// root's console token.
    Admin,
    /// A phone of worker-a revoked through the admin API.
    Revoked,
    NoToken,
    /// A well-formed token the server never gave out.
    Garbage,
    /// An Authorization header that is not `Bearer <token>`.
    NotBearer,
}

type StoredBlob = (String, Option<(String, Vec<u8>)>, Vec<String>);

/// Everything stored that a request could change.
#[derive(Debug, PartialEq)]
struct Stored {
    grids: Vec<Grid>,
    users: Vec<User>,
    devices: Vec<StoredDevice>,
    heads: Vec<(String, u64)>,
    docs: Vec<(String, Option<DocState>)>,
    /// Hash, (media type, bytes) when held, grids it is tied to.
    blobs: Vec<StoredBlob>,
    templates: Vec<gridkeeper_server::templates::TemplateVersion>,
    grid_codes: std::collections::BTreeMap<String, String>,
}

struct Reply {
    status: u16,
    body: Vec<u8>,
    content_type: String,
    content_length: Option<String>,
}

impl Reply {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    fn code(&self) -> String {
        code(&self.text())
    }
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

/// The street with records in g1 and g3, an attachment in each, and a device of every kind.
struct World {
    street: Street,
    a: Device,
    b: Device,
    sup: Device,
    sup_console: String,
    revoked: Device,
    g1_records: Vec<String>,
    g3_records: Vec<String>,
    png: Vec<u8>,
    jpeg: Vec<u8>,
    /// Record ids that requests tried to create; checked in every state comparison.
    attempted: std::sync::Mutex<Vec<String>>,
    /// Directories of strangers' stores, kept until the test ends.
    scratch: Vec<tempfile::TempDir>,
}

async fn world_on(relay: Relay) -> World {
    let street = relay.street().await;
    let mut a = street.enroll("worker-a").await;
    let mut b = street.enroll("worker-b").await;
    let sup = street.enroll("super-c1").await;
    let sup_console = admin::console_token(&street.relay.storage, "super-c1")
        .await
        .unwrap();
    let g1_records = vec![
        a.add_household("g1", "101", G1_NAMES[0]).to_string(),
        a.add_household("g1", "102", G1_NAMES[1]).to_string(),
    ];
    a.sync(&street.relay).await;
    let g3_records = vec![b.add_household("g3", "301", G3_NAMES[0]).to_string()];
    b.sync(&street.relay).await;
    let mut revoked = street.enroll("worker-a").await;
    // Something the revoked phone would like to push.
    revoked.add_household("g1", "109", "赵六");

    let w = World {
        street,
        a,
        b,
        sup,
        sup_console,
        revoked,
        g1_records,
        g3_records,
        png: hex::decode(PNG_HEX).unwrap(),
        jpeg: hex::decode(JPEG_HEX).unwrap(),
        attempted: Default::default(),
        scratch: Vec::new(),
    };
    let r = w
        .put_blob(Who::WorkerA, &w.png, &w.g1_records[0], None)
        .await;
    assert_eq!(r.status, 201, "setup: PNG for g1: {}", r.text());
    let r = w
        .put_blob(Who::WorkerB, &w.jpeg, &w.g3_records[0], None)
        .await;
    assert_eq!(r.status, 201, "setup: JPEG for g3: {}", r.text());
    let path = format!("/v1/admin/devices/{}/revoke", w.revoked.device_id);
    let r = w.call(Who::Admin, Method::POST, &path, None).await;
    assert_eq!(r.status, 200, "setup: revoke: {}", r.text());
    w
}

async fn world() -> World {
    world_on(start().await).await
}

impl World {
    fn relay(&self) -> &Relay {
        &self.street.relay
    }

    fn token(&self, who: Who) -> Option<String> {
        match who {
            Who::WorkerA => Some(self.a.token.clone()),
            Who::WorkerB => Some(self.b.token.clone()),
            Who::Supervisor => Some(self.sup.token.clone()),
            Who::SupervisorConsole => Some(self.sup_console.clone()),
            Who::Admin => Some(self.street.admin_token.clone()),
            Who::Revoked => Some(self.revoked.token.clone()),
            Who::NoToken | Who::NotBearer => None,
            Who::Garbage => Some(format!("gk_{}", "0".repeat(64))),
        }
    }

    fn request(&self, who: Who, method: Method, path: &str) -> reqwest::RequestBuilder {
        let mut req = self
            .relay()
            .http
            .request(method, format!("{}{path}", self.relay().base));
        if let Some(t) = self.token(who) {
            req = req.bearer_auth(t);
        }
        if who == Who::NotBearer {
            req = req.header("authorization", format!("Basic {}", self.a.token));
        }
        req
    }

    async fn send(req: reqwest::RequestBuilder) -> Reply {
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(String::from)
        };
        let content_type = header("content-type").unwrap_or_default();
        let content_length = header("content-length");
        let body = resp.bytes().await.unwrap().to_vec();
        Reply {
            status,
            body,
            content_type,
            content_length,
        }
    }

    async fn call(&self, who: Who, method: Method, path: &str, json: Option<&Value>) -> Reply {
        let mut req = self.request(who, method, path);
        if let Some(j) = json {
            req = req.json(j);
        }
        Self::send(req).await
    }

    async fn put_blob(
        &self,
        who: Who,
        bytes: &[u8],
        record: &str,
        content_type: Option<&str>,
    ) -> Reply {
        self.put_raw(who, &blob_hash(bytes), bytes, Some(record), content_type)
            .await
    }

    async fn put_raw(
        &self,
        who: Who,
        hash: &str,
        bytes: &[u8],
        record: Option<&str>,
        content_type: Option<&str>,
    ) -> Reply {
        let path = match record {
            Some(r) => format!("/v1/blobs/{hash}?record={r}"),
            None => format!("/v1/blobs/{hash}"),
        };
        let mut req = self.request(who, Method::PUT, &path).body(bytes.to_vec());
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        Self::send(req).await
    }

    async fn sync(&self, who: Who, req: &SyncRequest) -> (u16, Option<SyncResponse>, String) {
        let body = wire::encode(req);
        if who == Who::NotBearer {
            let r = self
                .request(who, Method::POST, "/v1/sync")
                .header("content-type", wire::CONTENT_TYPE)
                .body(body);
            let r = Self::send(r).await;
            return (r.status, None, r.text());
        }
        post_sync(self.relay(), self.token(who).as_deref(), body).await
    }

    /// Each request is refused with its status, as a JSON error with a code, leaks nothing
    /// beyond the caller's reach, and leaves what is stored as `before`.
    async fn assert_refused(&self, cases: Vec<Case>, before: &Stored) {
        for (case, who, method, path, body, status) in cases {
            let r = self.call(who, method, &path, body.as_ref()).await;
            assert_eq!(r.status, status, "{case}: {}", r.text());
            assert_eq!(r.content_type, "application/json", "{case}");
            assert!(!r.code().is_empty(), "{case}: an error code");
            self.assert_no_leak(case, who, &r.text());
            assert_eq!(
                &self.stored().await,
                before,
                "{case} changed what is stored"
            );
        }
    }

    async fn stored(&self) -> Stored {
        let s = &self.relay().storage;
        let mut heads = Vec::new();
        for g in ["s1", "c1", "c2", "g1", "g2", "g3"] {
            heads.push((g.to_string(), s.head(g).await.unwrap()));
        }
        let mut ids: Vec<String> = self.g1_records.clone();
        ids.extend(self.g3_records.iter().cloned());
        ids.extend(self.attempted.lock().unwrap().iter().cloned());
        let mut docs = Vec::new();
        for id in ids {
            let d = s.document(&id).await.unwrap();
            docs.push((id, d));
        }
        let mut blobs = Vec::new();
        for bytes in [&self.png, &self.jpeg] {
            let h = blob_hash(bytes);
            let b = s.blob(&h).await.unwrap().map(|b| (b.media_type, b.bytes));
            let g = s.blob_grids(&h).await.unwrap();
            blobs.push((h, b, g));
        }
        Stored {
            grids: s.grids().await.unwrap(),
            users: s.users().await.unwrap(),
            devices: s.devices().await.unwrap(),
            heads,
            docs,
            blobs,
            templates: gridkeeper_server::templates::list(s.as_ref())
                .await
                .unwrap(),
            grid_codes: gridkeeper_server::grid_codes::all(s.as_ref())
                .await
                .unwrap(),
        }
    }

    /// What a caller must never see: records and names of grids out of its reach.
    fn secrets_beyond(&self, who: Who) -> Vec<String> {
        let (g1, g3) = (
            self.g1_records
                .iter()
                .cloned()
                .chain(G1_NAMES.map(String::from)),
            self.g3_records
                .iter()
                .cloned()
                .chain(G3_NAMES.map(String::from)),
        );
        match who {
            Who::WorkerA | Who::Supervisor => g3.collect(),
            Who::WorkerB => g1.collect(),
            _ => g1.chain(g3).collect(),
        }
    }

    fn assert_no_leak(&self, case: &str, who: Who, text: &str) {
        for secret in self.secrets_beyond(who) {
            assert!(
                !text.contains(&secret),
                "{case}: the answer holds {secret}, which {who:?} may not read: {text}"
            );
        }
    }

    /// A push of one new household created on the caller's phone in `grid`, or (for callers
    /// without a phone) on a stranger's store.
    fn push_request(&mut self, who: Who, grid: &str) -> (SyncRequest, String) {
        let store: &mut Store = match who {
            Who::WorkerA => &mut self.a.store,
            Who::WorkerB => &mut self.b.store,
            Who::Supervisor => &mut self.sup.store,
            Who::Revoked => &mut self.revoked.store,
            _ => {
                let dir = tempfile::tempdir().unwrap();
                let stranger = Store::init(dir.path().join("s.db"), Some("stranger")).unwrap();
                self.scratch.push(dir);
                return self.push_request_on(stranger, grid);
            }
        };
        let id = store
            .create_json(
                Kind::Household,
                grid,
                json!({
                    "address": {"community": "幸福社区", "compound": "幸福里", "building": "9", "unit": "1", "room": "901"},
                    "housing_type": "rented",
                    "members": [{"name": "新住户"}],
                }),
            )
            .unwrap()
            .to_string();
        let mut req = store.sync_request(&[], 1000).unwrap();
        req.push.retain(|d| d.record_id == id);
        assert_eq!(req.push.len(), 1);
        self.attempted.lock().unwrap().push(id.clone());
        (req, id)
    }

    fn push_request_on(&mut self, mut store: Store, grid: &str) -> (SyncRequest, String) {
        let id = store
            .create_json(
                Kind::Household,
                grid,
                json!({
                    "address": {"community": "和平社区", "compound": "和平里", "building": "1", "unit": "1", "room": "101"},
                    "housing_type": "rented",
                    "members": [{"name": "陌生人"}],
                }),
            )
            .unwrap()
            .to_string();
        let req = store.sync_request(&[], 1000).unwrap();
        self.attempted.lock().unwrap().push(id.clone());
        (req, id)
    }
}

fn pull_request(grids: &[&str]) -> SyncRequest {
    SyncRequest {
        v: wire::VERSION,
        push: Vec::new(),
        pull: grids
            .iter()
            .map(|g| PullCursor {
                grid: g.to_string(),
                cursor: String::new(),
                catch_up: Vec::new(),
            })
            .collect(),
        limit: None,
        templates_seq: None,
        actor: None,
        written: None,
        unsynced: None,
    }
}

/// Every record id and grid a sync response carries.
fn records_in(resp: &SyncResponse) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    for feed in &resp.grids {
        for s in &feed.snapshots {
            out.push((s.record_id.clone(), Some(s.grid.clone())));
        }
        for c in &feed.changes {
            out.push((c.record_id.clone(), None));
        }
    }
    out
}

/// The code of a refusal: a revoked device's token is refused with a code of its own, so
/// the phone can say what happened.
fn expected_refusal(who: Who, status: u16) -> &'static str {
    match status {
        401 if who == Who::Revoked => "device_revoked",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        _ => "",
    }
}

// ---------------------------------------------------------------------------------------------
// POST /v1/sync
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_push_matrix() {
    let mut w = world().await;
    // (caller, grid pushed to, status). A worker's push outside its reach is answered 200 with
    // every change refused `out_of_scope` (so the rest of a phone's work goes through);
    // nothing is stored either way.
    let cases = [
        (Who::WorkerA, "g3", 200),
        (Who::WorkerA, "g2", 200),
        (Who::WorkerA, "c1", 200),
        (Who::WorkerB, "g1", 200),
        (Who::Supervisor, "g1", 403),
        (Who::Supervisor, "g2", 403),
        (Who::Supervisor, "g3", 403),
        (Who::SupervisorConsole, "g1", 403),
        (Who::Admin, "g1", 403),
        (Who::Admin, "g3", 403),
        (Who::Revoked, "g1", 401),
        (Who::NoToken, "g1", 401),
        (Who::Garbage, "g1", 401),
        (Who::NotBearer, "g1", 401),
        // Allowed last, so the refusals above are compared with an untouched store.
        (Who::WorkerA, "g1", 200),
        (Who::WorkerB, "g3", 200),
    ];
    for (who, grid, status) in cases {
        let case = format!("{who:?} pushes to {grid}");
        let (req, id) = w.push_request(who, grid);
        let before = w.stored().await;
        let (got, resp, body) = w.sync(who, &req).await;
        assert_eq!(got, status, "{case}: {body}");
        if status != 200 {
            assert_eq!(code(&body), expected_refusal(who, status), "{case}: {body}");
            w.assert_no_leak(&case, who, &body);
            assert_eq!(
                w.stored().await,
                before,
                "{case}: a refused push changed state"
            );
            continue;
        }
        let resp = resp.unwrap();
        assert!(!resp.results.is_empty(), "{case}");
        let in_reach = matches!((who, grid), (Who::WorkerA, "g1") | (Who::WorkerB, "g3"));
        if !in_reach {
            for r in &resp.results {
                assert_eq!(r.record_id, id, "{case}");
                let code = r.rejected.as_ref().map(|why| why.code.as_str());
                assert_eq!(code, Some("out_of_scope"), "{case}");
            }
            w.assert_no_leak(&case, who, &format!("{resp:?}"));
            let after = w.stored().await;
            // The device was seen (a 200 answer), but nothing it sent was stored.
            assert_eq!(
                (
                    &after.heads,
                    &after.docs,
                    &after.blobs,
                    &after.grids,
                    &after.users
                ),
                (
                    &before.heads,
                    &before.docs,
                    &before.blobs,
                    &before.grids,
                    &before.users
                ),
                "{case}: a refused push changed state"
            );
            continue;
        }
        for r in &resp.results {
            assert_eq!(r.record_id, id, "{case}");
            assert_eq!(r.rejected, None, "{case}: {:?}", r.rejected);
        }
        let doc = w.relay().storage.document(&id).await.unwrap();
        assert_eq!(
            doc.map(|d| d.grid),
            Some(grid.to_string()),
            "{case}: the record is stored in its grid"
        );
        let head = w.relay().storage.head(grid).await.unwrap();
        let old = before.heads.iter().find(|(g, _)| g == grid).unwrap().1;
        assert!(head > old, "{case}: the feed moved ({old} → {head})");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_pull_matrix() {
    let w = world().await;
    // (caller, grids pulled in one request, status)
    let cases: Vec<(Who, Vec<&str>, u16)> = vec![
        (Who::WorkerA, vec!["g1"], 200),
        (Who::WorkerA, vec!["g3"], 403),
        (Who::WorkerA, vec!["g2"], 403),
        (Who::WorkerA, vec!["c1"], 403),
        (Who::WorkerA, vec!["nowhere"], 403),
        // Before revision 5, one grid out of reach refuses the whole request: nothing of g1
        // is sent either.
        (Who::WorkerA, vec!["g1", "g3"], 403),
        (Who::WorkerB, vec!["g3"], 200),
        (Who::WorkerB, vec!["g1"], 403),
        (Who::Supervisor, vec!["g1"], 200),
        (Who::Supervisor, vec!["g2"], 200),
        (Who::Supervisor, vec!["g1", "g2"], 200),
        (Who::Supervisor, vec!["g3"], 403),
        (Who::Supervisor, vec!["g1", "g3"], 403),
        (Who::Supervisor, vec!["s1"], 403),
        (Who::SupervisorConsole, vec!["g1"], 403),
        (Who::Admin, vec!["g1"], 403),
        (Who::Admin, vec!["g3"], 403),
        (Who::Revoked, vec!["g1"], 401),
        (Who::NoToken, vec!["g1"], 401),
        (Who::Garbage, vec!["g3"], 401),
        (Who::NotBearer, vec!["g1"], 401),
    ];
    // What each reading caller may pull. A phone of the current revision is told it with
    // every reply, and its pull of a grid outside it is left out of the answer instead of
    // refusing the request; the rows' statuses are what an older phone (revision 4) gets.
    let reach = |who: Who| -> Option<&[&str]> {
        match who {
            Who::WorkerA => Some(&["g1"]),
            Who::WorkerB => Some(&["g3"]),
            Who::Supervisor => Some(&["c1", "g1", "g2"]),
            _ => None,
        }
    };
    for (who, asked, status_before_reach) in cases {
        for v in [wire::REACH_VERSION - 1, wire::VERSION] {
            let told = reach(who).filter(|_| v >= wire::REACH_VERSION);
            let (status, grids): (u16, Vec<&str>) = match told {
                Some(r) if status_before_reach == 403 => (
                    200,
                    asked.iter().copied().filter(|g| r.contains(g)).collect(),
                ),
                _ => (status_before_reach, asked.clone()),
            };
            let case = format!("{who:?} pulls {asked:?} (revision {v})");
            let mut req = pull_request(&asked);
            req.v = v;
            let before = w.stored().await;
            let (got, resp, body) = w.sync(who, &req).await;
            assert_eq!(got, status, "{case}: {body}");
            if status != 200 {
                assert_eq!(code(&body), expected_refusal(who, status), "{case}: {body}");
                w.assert_no_leak(&case, who, &body);
                assert_eq!(
                    w.stored().await,
                    before,
                    "{case}: a refused pull changed state"
                );
                continue;
            }
            let resp = resp.unwrap();
            assert_eq!(
                resp.reach,
                told.map(|r| r.iter().map(|g| g.to_string()).collect::<Vec<_>>()),
                "{case}"
            );
            pulled_only(&w, &case, who, &grids, &resp);
        }
    }
}

/// A pull answered: each of `grids` and nothing else, with every record of them.
fn pulled_only(w: &World, case: &str, who: Who, grids: &[&str], resp: &SyncResponse) {
    assert_eq!(resp.grids.len(), grids.len(), "{case}");
    let got = records_in(resp);
    for (id, grid) in &got {
        if let Some(g) = grid {
            assert!(grids.contains(&g.as_str()), "{case}: snapshot of grid {g}");
        }
        let own = w.g1_records.contains(id) && grids.contains(&"g1")
            || w.g3_records.contains(id) && grids.contains(&"g3");
        assert!(own, "{case}: record {id} is not of a pulled grid");
    }
    w.assert_no_leak(case, who, &format!("{resp:?}"));
    let expected: Vec<&String> = match grids {
        g if g.contains(&"g1") => w.g1_records.iter().collect(),
        ["g3"] => w.g3_records.iter().collect(),
        _ => Vec::new(),
    };
    for id in expected {
        assert!(
            got.iter().any(|(r, _)| r == id),
            "{case}: record {id} of the pulled grid is missing"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_pulls_but_never_pushes_and_an_empty_round_is_fine() {
    let w = world().await;
    let (status, resp, body) = w.sync(Who::Supervisor, &pull_request(&[])).await;
    assert_eq!(status, 200, "supervisor, empty request: {body}");
    assert!(resp.unwrap().grids.is_empty());
    // Even a push of nothing for a grid it reads is refused: the record's grid is not its to
    // write.
    let mut req = pull_request(&["g1"]);
    req.push.push(wire::DocPush {
        record_id: uuid::Uuid::now_v7().to_string(),
        kind: "household".into(),
        grid: "g1".into(),
        changes: Vec::new(),
    });
    let before = w.stored().await;
    let (status, _, body) = w.sync(Who::Supervisor, &req).await;
    assert_eq!(status, 403, "supervisor, empty push to g1: {body}");
    assert_eq!(code(&body), "forbidden");
    assert_eq!(w.stored().await, before);
}

// ---------------------------------------------------------------------------------------------
// Blobs
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blob_read_matrix() {
    let w = world().await;
    let png = blob_hash(&w.png);
    let jpeg = blob_hash(&w.jpeg);
    let unknown = blob_hash(b"never uploaded");
    let upper = png.to_uppercase();
    // (caller, hash, status, code). Out of reach answers exactly as unknown: 404.
    let cases: Vec<(Who, &str, u16, &str)> = vec![
        (Who::WorkerA, &png, 200, ""),
        (Who::WorkerA, &jpeg, 404, "not_found"),
        (Who::WorkerA, &unknown, 404, "not_found"),
        (Who::WorkerB, &jpeg, 200, ""),
        (Who::WorkerB, &png, 404, "not_found"),
        (Who::Supervisor, &png, 200, ""),
        (Who::Supervisor, &jpeg, 404, "not_found"),
        (Who::SupervisorConsole, &png, 200, ""),
        (Who::SupervisorConsole, &jpeg, 404, "not_found"),
        // An administrator manages the server; it reads no records, attachments included.
        (Who::Admin, &png, 404, "not_found"),
        (Who::Revoked, &png, 401, "device_revoked"),
        (Who::NoToken, &png, 401, "unauthorized"),
        (Who::Garbage, &png, 401, "unauthorized"),
        (Who::NotBearer, &png, 401, "unauthorized"),
        (Who::WorkerA, "ABC", 400, "invalid_hash"),
        (Who::WorkerA, &upper, 400, "invalid_hash"),
        (Who::WorkerA, &png[..63], 400, "invalid_hash"),
    ];
    let unknown_body = w
        .call(
            Who::WorkerA,
            Method::GET,
            &format!("/v1/blobs/{unknown}"),
            None,
        )
        .await
        .body;
    for (who, hash, status, err) in cases {
        for method in [Method::GET, Method::HEAD] {
            let case = format!("{who:?} {method} blob {}", &hash[..hash.len().min(8)]);
            let before = w.stored().await;
            let r = w
                .call(who, method.clone(), &format!("/v1/blobs/{hash}"), None)
                .await;
            assert_eq!(r.status, status, "{case}: {}", r.text());
            assert_eq!(w.stored().await, before, "{case}: a read changed state");
            let bytes = if hash == png { &w.png } else { &w.jpeg };
            if status == 200 {
                let media = if hash == png {
                    "image/png"
                } else {
                    "image/jpeg"
                };
                assert_eq!(r.content_type, media, "{case}");
                if method == Method::GET {
                    assert_eq!(&r.body, bytes, "{case}");
                } else {
                    assert!(r.body.is_empty(), "{case}: HEAD has no body");
                    assert_eq!(
                        r.content_length,
                        Some(bytes.len().to_string()),
                        "{case}: HEAD tells the length"
                    );
                }
                continue;
            }
            if method == Method::GET {
                assert_eq!(r.code(), err, "{case}: {}", r.text());
                if status == 404 {
                    assert_eq!(
                        r.body, unknown_body,
                        "{case}: out of reach reads as unknown"
                    );
                }
            } else {
                assert!(r.body.is_empty(), "{case}: HEAD has no body");
            }
            assert!(
                !r.body.windows(4).any(|x| x == &bytes[..4]),
                "{case}: blob bytes leaked"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blob_write_matrix() {
    let w = world().await;
    let g1 = w.g1_records[1].clone();
    let g3 = w.g3_records[0].clone();
    let photo = {
        let mut p = w.png.clone();
        p.extend_from_slice(b"another photo");
        p
    };
    let hash = blob_hash(&photo);
    let unknown_record = uuid::Uuid::now_v7().to_string();
    // (case, caller, hash in path, body, ?record, content type, status, code)
    type Case<'a> = (
        &'a str,
        Who,
        String,
        Vec<u8>,
        Option<&'a str>,
        Option<&'a str>,
        u16,
        &'a str,
    );
    let cases: Vec<Case> = vec![
        (
            "out of scope record",
            Who::WorkerA,
            hash.clone(),
            photo.clone(),
            Some(g3.as_str()),
            None,
            403,
            "forbidden",
        ),
        (
            "other worker",
            Who::WorkerB,
            hash.clone(),
            photo.clone(),
            Some(g1.as_str()),
            None,
            403,
            "forbidden",
        ),
        (
            "supervisor",
            Who::Supervisor,
            hash.clone(),
            photo.clone(),
            Some(g1.as_str()),
            None,
            403,
            "forbidden",
        ),
        (
            "supervisor console",
            Who::SupervisorConsole,
            hash.clone(),
            photo.clone(),
            Some(g1.as_str()),
            None,
            403,
            "forbidden",
        ),
        (
            "admin",
            Who::Admin,
            hash.clone(),
            photo.clone(),
            Some(g1.as_str()),
            None,
            403,
            "forbidden",
        ),
        (
            "revoked",
            Who::Revoked,
            hash.clone(),
            photo.clone(),
            Some(g1.as_str()),
            None,
            401,
            "device_revoked",
        ),
        (
            "no token",
            Who::NoToken,
            hash.clone(),
            photo.clone(),
            Some(g1.as_str()),
            None,
            401,
            "unauthorized",
        ),
        (
            "garbage token",
            Who::Garbage,
            hash.clone(),
            photo.clone(),
            Some(g1.as_str()),
            None,
            401,
            "unauthorized",
        ),
        (
            "not bearer",
            Who::NotBearer,
            hash.clone(),
            photo.clone(),
            Some(g1.as_str()),
            None,
            401,
            "unauthorized",
        ),
        (
            "unknown record",
            Who::WorkerA,
            hash.clone(),
            photo.clone(),
            Some(unknown_record.as_str()),
            None,
            404,
            "not_found",
        ),
        (
            "no record",
            Who::WorkerA,
            hash.clone(),
            photo.clone(),
            None,
            None,
            400,
            "missing_record",
        ),
        (
            "bad hash",
            Who::WorkerA,
            "xyz".into(),
            photo.clone(),
            Some(g1.as_str()),
            None,
            400,
            "invalid_hash",
        ),
        (
            "upper-case hash",
            Who::WorkerA,
            hash.to_uppercase(),
            photo.clone(),
            Some(g1.as_str()),
            None,
            400,
            "invalid_hash",
        ),
        (
            "hash mismatch",
            Who::WorkerA,
            blob_hash(b"other"),
            photo.clone(),
            Some(g1.as_str()),
            None,
            400,
            "hash_mismatch",
        ),
        (
            "wrong type",
            Who::WorkerA,
            blob_hash(b"MZ\x90\0 an executable"),
            b"MZ\x90\0 an executable".to_vec(),
            Some(g1.as_str()),
            None,
            415,
            "unsupported_media_type",
        ),
        (
            "empty body",
            Who::WorkerA,
            blob_hash(b""),
            Vec::new(),
            Some(g1.as_str()),
            None,
            415,
            "unsupported_media_type",
        ),
        (
            "declared type differs",
            Who::WorkerA,
            hash.clone(),
            photo.clone(),
            Some(g1.as_str()),
            Some("image/jpeg"),
            415,
            "media_type_mismatch",
        ),
        // Allowed last: first upload 201, again 200, declared octet-stream is fine.
        (
            "worker of the record's grid",
            Who::WorkerA,
            hash.clone(),
            photo.clone(),
            Some(g1.as_str()),
            Some("image/png"),
            201,
            "",
        ),
        (
            "the same again",
            Who::WorkerA,
            hash.clone(),
            photo.clone(),
            Some(g1.as_str()),
            Some("application/octet-stream"),
            200,
            "",
        ),
    ];
    for (name, who, h, body, record, ct, status, err) in cases {
        let case = format!("PUT blob: {name} ({who:?})");
        let before = w.stored().await;
        let r = w.put_raw(who, &h, &body, record, ct).await;
        assert_eq!(r.status, status, "{case}: {}", r.text());
        if status >= 400 {
            assert_eq!(r.code(), err, "{case}: {}", r.text());
            w.assert_no_leak(&case, who, &r.text());
            assert_eq!(
                w.stored().await,
                before,
                "{case}: a refused upload changed state"
            );
            assert_eq!(
                w.relay()
                    .storage
                    .blob(&hash)
                    .await
                    .unwrap()
                    .map(|b| b.bytes),
                None,
                "{case}: the photo was stored"
            );
        }
    }
    let r = w
        .call(
            Who::Supervisor,
            Method::GET,
            &format!("/v1/blobs/{hash}"),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "the supervisor of c1 reads the new photo");
    assert_eq!(r.body, photo);
    let r = w
        .call(
            Who::WorkerB,
            Method::GET,
            &format!("/v1/blobs/{hash}"),
            None,
        )
        .await;
    assert_eq!(r.status, 404, "worker-b does not");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blob_over_the_limit_is_refused_with_413() {
    let relay = start_with(
        Limits {
            max_blob: 1000,
            ..Default::default()
        },
        RateLimit {
            burst: 10_000.0,
            per_second: 10_000.0,
        },
    )
    .await;
    let w = world_on(relay).await;
    let mut big = w.png.clone();
    big.resize(2000, 0);
    let before = w.stored().await;
    let r = w.put_blob(Who::WorkerA, &big, &w.g1_records[0], None).await;
    assert_eq!(r.status, 413, "{}", r.text());
    assert_eq!(r.code(), "too_large");
    assert_eq!(w.stored().await, before);
    assert!(
        w.relay()
            .storage
            .blob(&blob_hash(&big))
            .await
            .unwrap()
            .is_none()
    );
}

// ---------------------------------------------------------------------------------------------
// GET /v1/me, POST /v1/enroll
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn me_matrix() {
    let w = world().await;
    let cases: Vec<(Who, u16, &str, Vec<&str>)> = vec![
        (Who::WorkerA, 200, "worker", vec!["g1"]),
        (Who::WorkerB, 200, "worker", vec!["g3"]),
        (Who::Supervisor, 200, "supervisor", vec!["c1", "g1", "g2"]),
        (
            Who::SupervisorConsole,
            200,
            "supervisor",
            vec!["c1", "g1", "g2"],
        ),
        (Who::Admin, 200, "admin", vec![]),
        (Who::Revoked, 401, "", vec![]),
        (Who::NoToken, 401, "", vec![]),
        (Who::Garbage, 401, "", vec![]),
        (Who::NotBearer, 401, "", vec![]),
    ];
    for (who, status, role, grids) in cases {
        let case = format!("{who:?} GET /v1/me");
        let before = w.stored().await;
        let r = w.call(who, Method::GET, "/v1/me", None).await;
        assert_eq!(r.status, status, "{case}: {}", r.text());
        assert_eq!(w.stored().await, before, "{case}");
        if status == 200 {
            let me = r.json();
            assert_eq!(me["role"], role, "{case}");
            assert_eq!(me["grids"], json!(grids), "{case}");
        } else {
            assert_eq!(r.code(), expected_refusal(who, status), "{case}");
            w.assert_no_leak(&case, who, &r.text());
        }
    }
    assert_eq!(
        w.call(Who::WorkerA, Method::GET, "/v1/me", None)
            .await
            .json()["device_id"],
        w.a.device_id
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enrolment_refusals_store_nothing_and_spend_no_code() {
    let w = world().await;
    let s = &w.relay().storage;
    let (code_a, _) = admin::issue_enroll_code(s, "worker-a", 1).await.unwrap();
    let actor = "0123456789abcdef0123456789abcdef";
    let cases: Vec<(&str, reqwest::RequestBuilder, u16, &str)> = vec![
        (
            "unknown code",
            w.request(Who::NoToken, Method::POST, "/v1/enroll")
                .json(&json!({"code": "AAAA-BBBB-CCCC", "actor": actor})),
            403,
            "enroll_code_refused",
        ),
        (
            "empty code",
            w.request(Who::NoToken, Method::POST, "/v1/enroll")
                .json(&json!({"code": "", "actor": actor})),
            403,
            "enroll_code_refused",
        ),
        (
            "not JSON",
            w.request(Who::NoToken, Method::POST, "/v1/enroll")
                .body("code=abc"),
            400,
            "malformed_body",
        ),
        (
            "truncated JSON",
            w.request(Who::NoToken, Method::POST, "/v1/enroll")
                .body(format!("{{\"code\": \"{code_a}\", \"actor\"")),
            400,
            "malformed_body",
        ),
        (
            "missing actor",
            w.request(Who::NoToken, Method::POST, "/v1/enroll")
                .json(&json!({"code": code_a})),
            400,
            "malformed_body",
        ),
        (
            "unknown field",
            w.request(Who::NoToken, Method::POST, "/v1/enroll")
                .json(&json!({"code": code_a, "actor": actor, "role": "admin"})),
            400,
            "malformed_body",
        ),
        (
            "upper-case actor",
            w.request(Who::NoToken, Method::POST, "/v1/enroll")
                .json(&json!({"code": code_a, "actor": actor.to_uppercase()})),
            400,
            "invalid_actor",
        ),
        (
            "odd-length actor",
            w.request(Who::NoToken, Method::POST, "/v1/enroll")
                .json(&json!({"code": code_a, "actor": "abc"})),
            400,
            "invalid_actor",
        ),
        (
            "empty actor",
            w.request(Who::NoToken, Method::POST, "/v1/enroll")
                .json(&json!({"code": code_a, "actor": ""})),
            400,
            "invalid_actor",
        ),
        (
            "actor too long",
            w.request(Who::NoToken, Method::POST, "/v1/enroll")
                .json(&json!({"code": code_a, "actor": "ab".repeat(33)})),
            400,
            "invalid_actor",
        ),
        (
            "body too large",
            w.request(Who::NoToken, Method::POST, "/v1/enroll")
                .json(&json!({"code": code_a, "actor": "a".repeat(5000)})),
            413,
            "too_large",
        ),
    ];
    for (name, req, status, err) in cases {
        let case = format!("enrol: {name}");
        let before = w.stored().await;
        let r = World::send(req).await;
        assert_eq!(r.status, status, "{case}: {}", r.text());
        assert_eq!(r.code(), err, "{case}: {}", r.text());
        assert!(!r.text().contains(&code_a), "{case}: the code is echoed");
        assert_eq!(w.stored().await, before, "{case}: a refusal changed state");
    }

    // None of the refusals spent the code; typed in lower case with spaces it still works once.
    let typed = code_a.to_lowercase().replace('-', " ");
    let r = World::send(
        w.request(Who::NoToken, Method::POST, "/v1/enroll")
            .json(&json!({"code": typed, "actor": actor})),
    )
    .await;
    assert_eq!(r.status, 200, "enrol with the code: {}", r.text());
    let body = r.json();
    assert_eq!(body["user"], "worker-a");
    assert_eq!(body["grids"], json!(["g1"]));
    let devices = s.devices().await.unwrap();
    let before = w.stored().await;
    let r = World::send(
        w.request(Who::NoToken, Method::POST, "/v1/enroll")
            .json(&json!({"code": code_a, "actor": "ab"})),
    )
    .await;
    assert_eq!(r.status, 403, "the code reused: {}", r.text());
    assert_eq!(r.code(), "enroll_code_refused");
    assert_eq!(w.stored().await, before, "a reused code stored a device");
    assert_eq!(s.devices().await.unwrap(), devices);
}

// ---------------------------------------------------------------------------------------------
// Admin API
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_api_matrix() {
    let w = world().await;
    let victim = w.street.enroll("worker-b").await;
    let revoke = format!("/v1/admin/devices/{}/revoke", victim.device_id);
    // (endpoint, method, path, body, status for the administrator)
    let endpoints: Vec<(&str, Method, String, Option<Value>, u16)> = vec![
        (
            "list grids",
            Method::GET,
            "/v1/admin/grids".into(),
            None,
            200,
        ),
        (
            "add grid",
            Method::POST,
            "/v1/admin/grids".into(),
            Some(json!({"id": "g4", "name": "第四网格", "parent": "c2"})),
            201,
        ),
        (
            "set grid code",
            Method::PUT,
            "/v1/admin/grids/s1/code".into(),
            Some(json!({"code": "310115005"})),
            200,
        ),
        (
            // A JSON body is no CSV of codes and names: even the administrator is refused,
            // and nothing is written.
            "import grid tree",
            Method::POST,
            "/v1/admin/grids/import".into(),
            Some(json!({"code": "310115", "name": "浦东新区"})),
            400,
        ),
        (
            "list users",
            Method::GET,
            "/v1/admin/users".into(),
            None,
            200,
        ),
        (
            "add user",
            Method::POST,
            "/v1/admin/users".into(),
            Some(json!({"name": "worker-d", "role": "worker", "scope": ["g2"]})),
            201,
        ),
        (
            "add admin",
            Method::POST,
            "/v1/admin/users".into(),
            Some(json!({"name": "root-2", "role": "admin"})),
            201,
        ),
        (
            "issue enrolment code",
            Method::POST,
            "/v1/admin/enroll-codes".into(),
            Some(json!({"user": "worker-a", "hours": 2})),
            201,
        ),
        (
            "list devices",
            Method::GET,
            "/v1/admin/devices".into(),
            None,
            200,
        ),
        ("revoke device", Method::POST, revoke.clone(), None, 200),
        (
            "device handover",
            Method::GET,
            "/v1/admin/handover".into(),
            None,
            200,
        ),
        (
            "handover log",
            Method::GET,
            "/v1/admin/handover/log".into(),
            None,
            200,
        ),
        (
            // Refused before anything changes: the supervisor is not a worker.
            "reassign grid",
            Method::POST,
            "/v1/admin/grids/reassign".into(),
            Some(json!({"grid": "g1", "to": "super-c1", "reason": "x"})),
            400,
        ),
        (
            "retention policy",
            Method::GET,
            "/v1/admin/retention".into(),
            None,
            200,
        ),
        (
            "set retention policy",
            Method::PUT,
            "/v1/admin/retention".into(),
            Some(json!({"visit_years": 0})),
            400,
        ),
        (
            "retention plan",
            Method::GET,
            "/v1/admin/retention/plan".into(),
            None,
            200,
        ),
        (
            "apply retention",
            Method::POST,
            "/v1/admin/retention/apply".into(),
            Some(json!({"expect": 1})),
            409,
        ),
        (
            "list templates",
            Method::GET,
            "/v1/admin/templates".into(),
            None,
            200,
        ),
        (
            // Authorization comes before the body is read: JSON is no workbook, so even the
            // administrator is refused — with 400, never storing anything.
            "upload template",
            Method::POST,
            "/v1/admin/templates?id=matrix_check&version=2".into(),
            Some(json!({"not": "a workbook"})),
            400,
        ),
        (
            "publish template",
            Method::POST,
            "/v1/admin/templates/matrix_check/1/publish".into(),
            None,
            200,
        ),
    ];
    // A draft to publish.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("survey").unwrap();
    for (c, (head, cell)) in [("type", "pass_fail_na"), ("name", "q1"), ("label", "问题")]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *head).unwrap();
        sheet.write_string(1, c as u16, *cell).unwrap();
    }
    gridkeeper_server::templates::import(
        w.relay().storage.as_ref(),
        "seed",
        "matrix_check",
        1,
        &book.save_to_buffer().unwrap(),
    )
    .await
    .unwrap();
    let others = [
        (Who::WorkerA, 403, "forbidden"),
        (Who::WorkerB, 403, "forbidden"),
        (Who::Supervisor, 403, "forbidden"),
        (Who::SupervisorConsole, 403, "forbidden"),
        (Who::Revoked, 401, "device_revoked"),
        (Who::NoToken, 401, "unauthorized"),
        (Who::Garbage, 401, "unauthorized"),
        (Who::NotBearer, 401, "unauthorized"),
    ];
    for (name, method, path, body, _) in &endpoints {
        for (who, status, err) in others {
            let case = format!("{who:?} {name} ({method} {path})");
            let before = w.stored().await;
            let r = w.call(who, method.clone(), path, body.as_ref()).await;
            assert_eq!(r.status, status, "{case}: {}", r.text());
            assert_eq!(r.code(), err, "{case}: {}", r.text());
            w.assert_no_leak(&case, who, &r.text());
            assert!(!r.text().contains("gk_"), "{case}: a token in the answer");
            assert_eq!(w.stored().await, before, "{case}: a refusal changed state");
        }
    }
    // The victim still works: nobody above revoked it.
    let me = |t: &str| {
        w.relay()
            .http
            .get(format!("{}/v1/me", w.relay().base))
            .bearer_auth(t.to_string())
            .send()
    };
    assert_eq!(me(&victim.token).await.unwrap().status(), 200);

    for (name, method, path, body, status) in &endpoints {
        let case = format!("Admin {name} ({method} {path})");
        let r = w
            .call(Who::Admin, method.clone(), path, body.as_ref())
            .await;
        assert_eq!(r.status, *status, "{case}: {}", r.text());
        let j = r.json();
        match *name {
            "list grids" => assert_eq!(j.as_array().map(Vec::len), Some(6), "{case}: {j}"),
            "add grid" => assert_eq!(j["parent"], "c2", "{case}: {j}"),
            "set grid code" => assert_eq!(j["code"], "310115005", "{case}: {j}"),
            "import grid tree" => {
                assert_eq!(j["error"]["code"], "invalid_grid_csv", "{case}: {j}");
                assert_eq!(j["problems"][0]["code"], "bad_header", "{case}: {j}");
            }
            "list users" => assert_eq!(j.as_array().map(Vec::len), Some(4), "{case}: {j}"),
            "add user" => assert_eq!(j["scope"], json!(["g2"]), "{case}: {j}"),
            "list templates" => assert_eq!(j[0]["status"], "draft", "{case}: {j}"),
            "upload template" => assert_eq!(j["error"]["code"], "invalid_xlsform", "{case}: {j}"),
            "publish template" => assert_eq!(j["status"], "published", "{case}: {j}"),
            "issue enrolment code" => {
                let c = j["code"].as_str().unwrap_or_default();
                assert_eq!(c.len(), 14, "{case}: {j}");
                assert!(j["expires_at"].is_string(), "{case}: {j}");
            }
            "list devices" => {
                let ids: Vec<&str> = j
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(|d| d["id"].as_str())
                    .collect();
                assert!(ids.contains(&victim.device_id.as_str()), "{case}: {j}");
                assert!(!r.text().contains("token"), "{case}: token hashes listed");
            }
            _ => {}
        }
    }
    let s = &w.relay().storage;
    assert!(s.grids().await.unwrap().iter().any(|g| g.id == "g4"));
    let codes = gridkeeper_server::grid_codes::all(s.as_ref())
        .await
        .unwrap();
    assert_eq!(
        codes.into_iter().collect::<Vec<_>>(),
        [("s1".to_string(), "310115005".to_string())]
    );
    assert!(
        s.users()
            .await
            .unwrap()
            .iter()
            .any(|u| u.name == "worker-d")
    );
    assert_eq!(me(&victim.token).await.unwrap().status(), 401, "revoked");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_api_refuses_bad_input_and_changes_nothing() {
    let w = world().await;
    let cases: Vec<(&str, &str, Value, u16, &str)> = vec![
        (
            "grid with a missing parent",
            "/v1/admin/grids",
            json!({"id": "g9", "name": "x", "parent": "c9"}),
            404,
            "not_found",
        ),
        (
            "grid again",
            "/v1/admin/grids",
            json!({"id": "g1", "name": "x", "parent": "c1"}),
            409,
            "exists",
        ),
        (
            "grid with a bad id",
            "/v1/admin/grids",
            json!({"id": "g 1/2", "name": "x"}),
            400,
            "invalid_grid_id",
        ),
        (
            "grid with an empty name",
            "/v1/admin/grids",
            json!({"id": "g9", "name": "  "}),
            400,
            "invalid_name",
        ),
        (
            "grid with a code of 7 digits",
            "/v1/admin/grids",
            json!({"id": "g9", "name": "x", "parent": "c1", "code": "3101150"}),
            400,
            "invalid_grid_code",
        ),
        (
            "grid with a code and a missing parent",
            "/v1/admin/grids",
            json!({"id": "g9", "name": "x", "parent": "c9", "code": "310115"}),
            404,
            "not_found",
        ),
        (
            "grid with a code under an id already used",
            "/v1/admin/grids",
            json!({"id": "g1", "name": "x", "parent": "c1", "code": "310115"}),
            409,
            "exists",
        ),
        (
            "grid with an unknown field",
            "/v1/admin/grids",
            json!({"id": "g9", "name": "x", "owner": "me"}),
            400,
            "malformed_body",
        ),
        (
            "user in an unknown grid",
            "/v1/admin/users",
            json!({"name": "w9", "role": "worker", "scope": ["g9"]}),
            400,
            "unknown_grid",
        ),
        (
            "worker without scope",
            "/v1/admin/users",
            json!({"name": "w9", "role": "worker"}),
            400,
            "empty_scope",
        ),
        (
            "user with an unknown role",
            "/v1/admin/users",
            json!({"name": "w9", "role": "king", "scope": ["g1"]}),
            400,
            "malformed_body",
        ),
        (
            "user with an empty name",
            "/v1/admin/users",
            json!({"name": "", "role": "worker", "scope": ["g1"]}),
            400,
            "invalid_name",
        ),
        (
            // Found by schemathesis: 65 characters as sent, 63 once trimmed, and the
            // description's maxLength is 64.
            "user name over 64 characters before trimming",
            "/v1/admin/users",
            json!({"name": format!("\u{a0}\r{}", "*".repeat(63)), "role": "admin"}),
            400,
            "invalid_name",
        ),
        (
            "user name with a control character",
            "/v1/admin/users",
            json!({"name": "w\u{3}9", "role": "worker", "scope": ["g1"]}),
            400,
            "invalid_name",
        ),
        (
            "grid name over 100 characters before trimming",
            "/v1/admin/grids",
            json!({"id": "g9", "name": format!("  {}", "格".repeat(99))}),
            400,
            "invalid_name",
        ),
        (
            "user again",
            "/v1/admin/users",
            json!({"name": "worker-a", "role": "worker", "scope": ["g1"]}),
            409,
            "exists",
        ),
        (
            "code for an unknown user",
            "/v1/admin/enroll-codes",
            json!({"user": "nobody"}),
            404,
            "not_found",
        ),
        (
            "code living 0 hours",
            "/v1/admin/enroll-codes",
            json!({"user": "worker-a", "hours": 0}),
            400,
            "invalid_expiry",
        ),
        (
            "code with an unknown field",
            "/v1/admin/enroll-codes",
            json!({"user": "worker-a", "role": "admin"}),
            400,
            "malformed_body",
        ),
        (
            "revoke an unknown device",
            "/v1/admin/devices/nope/revoke",
            Value::Null,
            404,
            "not_found",
        ),
    ];
    for (name, path, body, status, err) in cases {
        let case = format!("admin: {name}");
        let before = w.stored().await;
        let body = (!body.is_null()).then_some(body);
        let r = w.call(Who::Admin, Method::POST, path, body.as_ref()).await;
        assert_eq!(r.status, status, "{case}: {}", r.text());
        assert_eq!(r.code(), err, "{case}: {}", r.text());
        assert_eq!(w.stored().await, before, "{case}: a refusal changed state");
    }
    let r = World::send(
        w.request(Who::Admin, Method::POST, "/v1/admin/grids")
            .body("{not json"),
    )
    .await;
    assert_eq!((r.status, r.code().as_str()), (400, "malformed_body"));
}

// ---------------------------------------------------------------------------------------------
// Revocation
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_revoked_through_the_api_is_refused_on_its_very_next_call() {
    let w = world().await;
    let mut phone = w.street.enroll("worker-a").await;
    phone.add_household("g1", "201", "钱七");
    phone.sync(w.relay()).await;
    phone.add_household("g1", "202", "孙八");

    let path = format!("/v1/admin/devices/{}/revoke", phone.device_id);
    let r = w.call(Who::Admin, Method::POST, &path, None).await;
    assert_eq!(r.status, 200, "revoke: {}", r.text());
    let listed = w.relay().storage.devices().await.unwrap();
    let d = listed.iter().find(|d| d.id == phone.device_id).unwrap();
    assert!(d.revoked_at.is_some());

    let before = w.stored().await;
    let req = phone.request(&["g1"]);
    let (status, _, body) = post_sync(w.relay(), Some(&phone.token), wire::encode(&req)).await;
    assert_eq!(status, 401, "sync after revocation: {body}");
    assert_eq!(code(&body), "device_revoked");
    assert!(!body.contains("孙八") && !body.contains("张三"), "{body}");
    assert_eq!(
        w.stored().await,
        before,
        "the revoked phone's push was stored"
    );

    let get = |path: String| {
        w.relay()
            .http
            .get(format!("{}{path}", w.relay().base))
            .bearer_auth(phone.token.clone())
            .send()
    };
    assert_eq!(get("/v1/me".into()).await.unwrap().status(), 401, "me");
    let png = blob_hash(&w.png);
    assert_eq!(
        get(format!("/v1/blobs/{png}")).await.unwrap().status(),
        401,
        "blob"
    );

    // Revoking twice is harmless and keeps the first time; other phones of the user still work.
    let r = w.call(Who::Admin, Method::POST, &path, None).await;
    assert_eq!(r.status, 200, "revoke again: {}", r.text());
    let again = w.relay().storage.devices().await.unwrap();
    assert_eq!(
        again
            .iter()
            .find(|d| d.id == phone.device_id)
            .unwrap()
            .revoked_at,
        d.revoked_at
    );
    let (status, _, body) = w.sync(Who::WorkerA, &pull_request(&["g1"])).await;
    assert_eq!(status, 200, "worker-a's other phone: {body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_console_token_can_be_revoked_too() {
    let w = world().await;
    let token = admin::console_token(&w.relay().storage, "root")
        .await
        .unwrap();
    let devices = w.relay().storage.devices().await.unwrap();
    let console = devices.last().unwrap().id.clone();
    let list = || {
        w.relay()
            .http
            .get(format!("{}/v1/admin/devices", w.relay().base))
            .bearer_auth(token.clone())
            .send()
    };
    assert_eq!(list().await.unwrap().status(), 200);
    let r = w
        .call(
            Who::Admin,
            Method::POST,
            &format!("/v1/admin/devices/{console}/revoke"),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(list().await.unwrap().status(), 401);
}

/// Moving records and reviewing them, every caller × scope: a refusal changes nothing stored
/// and names nothing of a grid the caller cannot read; the moves log shows a supervisor only
/// moves from or to a grid in reach.
#[tokio::test]
async fn records_api_matrix() {
    let w = world().await;
    let (g1, g3) = (w.g1_records[0].clone(), w.g3_records[0].clone());
    let before = w.stored().await;
    let within = json!({"record_id": g1, "to_grid": "g2", "reason": "搬家"});
    let into_c2 = json!({"record_id": g1, "to_grid": "g3", "reason": "搬家"});
    let from_c2 = json!({"record_id": g3, "to_grid": "g1", "reason": "搬家"});
    let returned = json!({"state": "returned", "note": "缺身份证号"});
    let review_g1 = format!("/v1/records/{g1}/review");
    let review_g3 = format!("/v1/records/{g3}/review");
    let refused: Vec<Case> = vec![
        (
            "worker moves in own grid",
            Who::WorkerA,
            Method::POST,
            "/v1/moves".into(),
            Some(within.clone()),
            403,
        ),
        (
            "other worker moves",
            Who::WorkerB,
            Method::POST,
            "/v1/moves".into(),
            Some(within.clone()),
            403,
        ),
        (
            "supervisor moves out of reach",
            Who::Supervisor,
            Method::POST,
            "/v1/moves".into(),
            Some(into_c2.clone()),
            403,
        ),
        (
            "supervisor moves from beyond reach",
            Who::Supervisor,
            Method::POST,
            "/v1/moves".into(),
            Some(from_c2.clone()),
            403,
        ),
        (
            "console moves from beyond reach",
            Who::SupervisorConsole,
            Method::POST,
            "/v1/moves".into(),
            Some(from_c2.clone()),
            403,
        ),
        (
            "revoked moves",
            Who::Revoked,
            Method::POST,
            "/v1/moves".into(),
            Some(within.clone()),
            401,
        ),
        (
            "no token moves",
            Who::NoToken,
            Method::POST,
            "/v1/moves".into(),
            Some(within.clone()),
            401,
        ),
        (
            "garbage moves",
            Who::Garbage,
            Method::POST,
            "/v1/moves".into(),
            Some(within.clone()),
            401,
        ),
        (
            "basic auth moves",
            Who::NotBearer,
            Method::POST,
            "/v1/moves".into(),
            Some(within.clone()),
            401,
        ),
        (
            "worker reads moves",
            Who::WorkerA,
            Method::GET,
            "/v1/moves".into(),
            None,
            403,
        ),
        (
            "no token reads moves",
            Who::NoToken,
            Method::GET,
            "/v1/moves".into(),
            None,
            401,
        ),
        (
            "worker reviews own grid",
            Who::WorkerA,
            Method::POST,
            review_g1.clone(),
            Some(returned.clone()),
            403,
        ),
        (
            "other worker reviews",
            Who::WorkerB,
            Method::POST,
            review_g1.clone(),
            Some(returned.clone()),
            403,
        ),
        (
            "supervisor reviews beyond reach",
            Who::Supervisor,
            Method::POST,
            review_g3.clone(),
            Some(returned.clone()),
            403,
        ),
        (
            "revoked reviews",
            Who::Revoked,
            Method::POST,
            review_g1.clone(),
            Some(returned.clone()),
            401,
        ),
        (
            "no token reviews",
            Who::NoToken,
            Method::POST,
            review_g1.clone(),
            Some(returned.clone()),
            401,
        ),
        (
            "garbage reviews",
            Who::Garbage,
            Method::POST,
            review_g1.clone(),
            Some(returned.clone()),
            401,
        ),
        (
            "returned without a note",
            Who::Supervisor,
            Method::POST,
            review_g1.clone(),
            Some(json!({"state": "returned"})),
            400,
        ),
        (
            "an unknown verdict",
            Who::Admin,
            Method::POST,
            review_g1.clone(),
            Some(json!({"state": "approved", "note": "x"})),
            400,
        ),
        (
            "a record that is not there",
            Who::Admin,
            Method::POST,
            format!("/v1/records/{}/review", uuid_like()),
            Some(returned.clone()),
            404,
        ),
        (
            "a grid that does not exist",
            Who::Admin,
            Method::POST,
            "/v1/moves".into(),
            Some(json!({"record_id": g1, "to_grid": "nowhere", "reason": "x"})),
            400,
        ),
    ];
    let dispatch_g1 = format!("/v1/records/{g1}/dispatch");
    let dispatch_g3 = format!("/v1/records/{g3}/dispatch");
    let result_g1 = format!("/v1/records/{g1}/result");
    let to_party = json!({"party": "物业", "handle_by": "2026-12-31"});
    let party = json!({"node": "c1", "name": "物业"});
    let more: Vec<Case> = vec![
        (
            "worker dispatches",
            Who::WorkerA,
            Method::POST,
            dispatch_g1.clone(),
            Some(to_party.clone()),
            403,
        ),
        (
            "supervisor dispatches beyond reach",
            Who::Supervisor,
            Method::POST,
            dispatch_g3.clone(),
            Some(to_party.clone()),
            403,
        ),
        (
            "revoked dispatches",
            Who::Revoked,
            Method::POST,
            dispatch_g1.clone(),
            Some(to_party.clone()),
            401,
        ),
        (
            "no token dispatches",
            Who::NoToken,
            Method::POST,
            dispatch_g1.clone(),
            Some(to_party.clone()),
            401,
        ),
        (
            "a household is no case",
            Who::Supervisor,
            Method::POST,
            dispatch_g1.clone(),
            Some(to_party.clone()),
            400,
        ),
        (
            "a dispatch without a date",
            Who::Admin,
            Method::POST,
            dispatch_g1.clone(),
            Some(json!({"party": "物业", "handle_by": "soon"})),
            400,
        ),
        (
            "worker records a result",
            Who::WorkerA,
            Method::POST,
            result_g1.clone(),
            Some(json!({"note": "已处理"})),
            403,
        ),
        (
            "no token records a result",
            Who::NoToken,
            Method::POST,
            result_g1.clone(),
            Some(json!({"note": "已处理"})),
            401,
        ),
        (
            "a result without words",
            Who::Supervisor,
            Method::POST,
            result_g1.clone(),
            Some(json!({"note": " "})),
            400,
        ),
        (
            "worker reads parties",
            Who::WorkerA,
            Method::GET,
            "/v1/parties".into(),
            None,
            403,
        ),
        (
            "no token reads parties",
            Who::NoToken,
            Method::GET,
            "/v1/parties".into(),
            None,
            401,
        ),
        (
            "worker adds a party",
            Who::WorkerA,
            Method::POST,
            "/v1/admin/parties".into(),
            Some(party.clone()),
            403,
        ),
        (
            "supervisor adds a party",
            Who::Supervisor,
            Method::POST,
            "/v1/admin/parties".into(),
            Some(party.clone()),
            403,
        ),
        (
            "no token adds a party",
            Who::NoToken,
            Method::POST,
            "/v1/admin/parties".into(),
            Some(party.clone()),
            401,
        ),
        (
            "a party of no node",
            Who::Admin,
            Method::POST,
            "/v1/admin/parties".into(),
            Some(json!({"node": "nowhere", "name": "物业"})),
            400,
        ),
    ];
    let refused: Vec<Case> = refused.into_iter().chain(more).collect();
    w.assert_refused(refused, &before).await;

    // Allowed: the supervisor reviews and moves within reach, the administrator anywhere.
    let r = w
        .call(Who::Supervisor, Method::POST, &review_g1, Some(&returned))
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        (r.json()["state"].as_str(), r.json()["by"].as_str()),
        (Some("returned"), Some("super-c1"))
    );
    let r = w
        .call(
            Who::Admin,
            Method::POST,
            &review_g3,
            Some(&json!({"state": "checked"})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let r = w
        .call(Who::Supervisor, Method::POST, "/v1/moves", Some(&within))
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let r = w
        .call(
            Who::Admin,
            Method::POST,
            "/v1/moves",
            Some(&json!({"record_id": g3, "to_grid": "g3", "reason": "x"})),
        )
        .await;
    assert_eq!(
        (r.status, r.code().as_str()),
        (400, "invalid_move"),
        "already there"
    );

    // Parties: the administrator adds one per community; each supervisor sees those of
    // the nodes in reach and above, not another community's.
    for (node, name) in [("c1", "幸福里物业"), ("c2", "和平派出所")] {
        let r = w
            .call(
                Who::Admin,
                Method::POST,
                "/v1/admin/parties",
                Some(&json!({"node": node, "name": name})),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text());
    }
    let r = w
        .call(Who::Supervisor, Method::GET, "/v1/parties", None)
        .await;
    assert_eq!(r.status, 200);
    assert!(
        r.text().contains("幸福里物业") && !r.text().contains("和平派出所"),
        "{}",
        r.text()
    );
    let r = w.call(Who::Admin, Method::GET, "/v1/parties", None).await;
    assert!(r.text().contains("和平派出所"));

    // The log: the supervisor sees the move within reach; the administrator every move.
    let r = w
        .call(Who::Supervisor, Method::GET, "/v1/moves", None)
        .await;
    assert_eq!(r.status, 200);
    let moves = r.json();
    assert_eq!(moves.as_array().map(Vec::len), Some(1), "{moves}");
    assert_eq!(moves[0]["from_record"].as_str(), Some(g1.as_str()));
    let r = w.call(Who::Admin, Method::GET, "/v1/moves", None).await;
    assert_eq!(r.json().as_array().map(Vec::len), Some(1));
}

/// (case, who, method, path, body, status refused with)
type Case = (&'static str, Who, Method, String, Option<Value>, u16);

fn uuid_like() -> String {
    "01a2513b-0000-7000-8000-000000000000".to_string()
}

/// Tasks (`/v1/tasks`): given only by an administrator or a supervisor whose reach holds the
/// grid, naming only that grid's households and places, read only within reach.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tasks_api_matrix() {
    let w = world().await;
    let (g1, g3) = (w.g1_records[0].clone(), w.g3_records[0].clone());
    let before = w.stored().await;
    let task = |grid: &str, target: &str| {
        json!({"grid": grid, "title": "走访", "task_type": "visit", "due_on": "2026-12-31",
            "targets": [target]})
    };
    let refused: Vec<Case> = vec![
        (
            "worker gives",
            Who::WorkerA,
            Method::POST,
            "/v1/tasks".into(),
            Some(task("g1", &g1)),
            403,
        ),
        (
            "other worker gives",
            Who::WorkerB,
            Method::POST,
            "/v1/tasks".into(),
            Some(task("g3", &g3)),
            403,
        ),
        (
            "supervisor gives beyond reach",
            Who::Supervisor,
            Method::POST,
            "/v1/tasks".into(),
            Some(task("g3", &g3)),
            403,
        ),
        (
            "console gives beyond reach",
            Who::SupervisorConsole,
            Method::POST,
            "/v1/tasks".into(),
            Some(task("g3", &g3)),
            403,
        ),
        (
            "supervisor names another grid's household",
            Who::Supervisor,
            Method::POST,
            "/v1/tasks".into(),
            Some(task("g1", &g3)),
            400,
        ),
        (
            "revoked gives",
            Who::Revoked,
            Method::POST,
            "/v1/tasks".into(),
            Some(task("g1", &g1)),
            401,
        ),
        (
            "no token gives",
            Who::NoToken,
            Method::POST,
            "/v1/tasks".into(),
            Some(task("g1", &g1)),
            401,
        ),
        (
            "garbage gives",
            Who::Garbage,
            Method::POST,
            "/v1/tasks".into(),
            Some(task("g1", &g1)),
            401,
        ),
        (
            "basic auth gives",
            Who::NotBearer,
            Method::POST,
            "/v1/tasks".into(),
            Some(task("g1", &g1)),
            401,
        ),
        (
            "admin gives to no grid",
            Who::Admin,
            Method::POST,
            "/v1/tasks".into(),
            Some(task("nowhere", &g1)),
            400,
        ),
        (
            "admin gives an unknown kind of task",
            Who::Admin,
            Method::POST,
            "/v1/tasks".into(),
            Some(
                json!({"grid": "g1", "title": "x", "task_type": "party", "due_on": "2026-12-31", "targets": [g1]}),
            ),
            400,
        ),
        (
            "admin gives a task with no target",
            Who::Admin,
            Method::POST,
            "/v1/tasks".into(),
            Some(json!({"grid": "g1", "title": "x", "task_type": "visit", "due_on": "2026-12-31"})),
            400,
        ),
        (
            "no token lists",
            Who::NoToken,
            Method::GET,
            "/v1/tasks".into(),
            None,
            401,
        ),
        (
            "admin reads no task",
            Who::Admin,
            Method::GET,
            format!("/v1/tasks/{}", uuid_like()),
            None,
            404,
        ),
    ];
    w.assert_refused(refused, &before).await;

    let r = w
        .call(
            Who::Supervisor,
            Method::POST,
            "/v1/tasks",
            Some(&task("g1", &g1)),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let given: serde_json::Value = serde_json::from_str(&r.text()).unwrap();
    let id = given["record_id"].as_str().unwrap();
    for (who, status) in [
        (Who::Supervisor, 200),
        (Who::SupervisorConsole, 200),
        (Who::Admin, 200),
        (Who::WorkerA, 200),
        (Who::WorkerB, 404),
        (Who::NoToken, 401),
    ] {
        let r = w
            .call(who, Method::GET, &format!("/v1/tasks/{id}"), None)
            .await;
        assert_eq!(r.status, status, "{who:?}: {}", r.text());
        let r = w.call(who, Method::GET, "/v1/tasks", None).await;
        if status == 401 {
            assert_eq!(r.status, 401);
        } else {
            assert_eq!(r.status, 200, "{who:?}");
            assert_eq!(
                r.text().contains(id),
                status == 200,
                "{who:?} lists it: {}",
                r.text()
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ledgers_api_matrix() {
    let w = world().await;
    let before = w.stored().await;
    let def = json!({"title": "走访记录", "source": "visits",
        "columns": [{"header": "序号", "field": "seq"}, {"header": "走访对象", "field": "subject"}]});
    let mut refused: Vec<Case> = Vec::new();
    for (who, status) in [
        (Who::WorkerA, 403),
        (Who::WorkerB, 403),
        (Who::Revoked, 401),
        (Who::NoToken, 401),
        (Who::Garbage, 401),
        (Who::NotBearer, 401),
    ] {
        refused.push((
            "reads the ledgers",
            who,
            Method::GET,
            "/v1/ledgers".into(),
            None,
            status,
        ));
        refused.push((
            "reads a ledger",
            who,
            Method::GET,
            "/v1/ledgers/special_groups?node=c1".into(),
            None,
            status,
        ));
    }
    for who in [Who::WorkerA, Who::Supervisor, Who::SupervisorConsole] {
        refused.push((
            "defines a ledger",
            who,
            Method::PUT,
            "/v1/admin/ledgers/visits".into(),
            Some(def.clone()),
            403,
        ));
        refused.push((
            "resets a ledger",
            who,
            Method::DELETE,
            "/v1/admin/ledgers/visits".into(),
            None,
            403,
        ));
    }
    for who in [Who::Supervisor, Who::SupervisorConsole] {
        refused.push((
            "supervisor of c1 reads c2's ledger",
            who,
            Method::GET,
            "/v1/ledgers/special_groups?node=c2".into(),
            None,
            403,
        ));
        refused.push((
            "supervisor of c1 reads a node that does not exist",
            who,
            Method::GET,
            "/v1/ledgers/visits?node=nowhere".into(),
            None,
            403,
        ));
    }
    refused.extend([
        ("no such ledger", Who::Admin, Method::GET, "/v1/ledgers/payroll?node=c1".into(), None, 404),
        ("a bad format", Who::Admin, Method::GET, "/v1/ledgers/visits?format=pdf".into(), None, 400),
        ("a backwards period", Who::Admin, Method::GET, "/v1/ledgers/visits?from=2026-11-30&to=2026-11-01".into(), None, 400),
        ("an unknown field", Who::Admin, Method::PUT, "/v1/admin/ledgers/visits".into(),
            Some(json!({"title": "x", "source": "visits", "columns": [{"header": "x", "field": "salary"}]})), 400),
        ("an unknown source", Who::Admin, Method::PUT, "/v1/admin/ledgers/mine".into(),
            Some(json!({"title": "x", "source": "payroll", "columns": [{"header": "x", "field": "seq"}]})), 400),
        ("a bad id", Who::Admin, Method::PUT, "/v1/admin/ledgers/Mine!".into(), Some(def.clone()), 400),
        ("an unknown key", Who::Admin, Method::PUT, "/v1/admin/ledgers/visits".into(),
            Some(json!({"title": "x", "source": "visits", "columns": [{"header": "x", "field": "seq"}], "sql": "DROP"})), 400),
        ("nothing to reset", Who::Admin, Method::DELETE, "/v1/admin/ledgers/visits".into(), None, 404),
    ]);
    w.assert_refused(refused, &before).await;
    let s = &w.relay().storage;
    assert!(
        gridkeeper_server::ledgers::stored_ids(s.as_ref())
            .await
            .unwrap()
            .is_empty(),
        "no refused request stored a definition"
    );

    // Nothing of g3 reaches a reader of c1, whichever ledger they read.
    for who in [Who::Supervisor, Who::SupervisorConsole] {
        for l in gridkeeper_server::ledgers::built_in() {
            let r = w
                .call(
                    who,
                    Method::GET,
                    &format!("/v1/ledgers/{}?node=c1", l.id),
                    None,
                )
                .await;
            assert_eq!(r.status, 200, "{who:?} {}: {}", l.id, r.text());
            w.assert_no_leak(&l.id, who, &r.text());
        }
    }
    let r = w
        .call(
            Who::Admin,
            Method::PUT,
            "/v1/admin/ledgers/visits",
            Some(&def),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["columns"][1]["field"], "subject");
    let r = w
        .call(Who::Admin, Method::DELETE, "/v1/admin/ledgers/visits", None)
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["definition"]["title"], "走访台账");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn work_orders_api_matrix() {
    let w = world().await;
    let before = w.stored().await;
    let order = |grid: &str, number: &str| {
        json!({"orders": [{"system": "12345", "number": number, "grid": grid,
            "description": "路灯不亮", "deadline": "2099-12-31"}]})
    };
    let mut refused: Vec<Case> = Vec::new();
    for (who, status) in [
        (Who::WorkerA, 403),
        (Who::WorkerB, 403),
        (Who::Revoked, 401),
        (Who::NoToken, 401),
        (Who::Garbage, 401),
        (Who::NotBearer, 401),
    ] {
        refused.push((
            "imports",
            who,
            Method::POST,
            "/v1/work-orders".into(),
            Some(order("g1", "A1")),
            status,
        ));
        refused.push((
            "reads results",
            who,
            Method::GET,
            "/v1/work-orders".into(),
            None,
            status,
        ));
    }
    for who in [Who::Supervisor, Who::SupervisorConsole] {
        refused.push((
            "supervisor of c1 imports for g3",
            who,
            Method::POST,
            "/v1/work-orders".into(),
            Some(order("g3", "A2")),
            400,
        ));
    }
    refused.extend([
        ("admin imports for no grid", Who::Admin, Method::POST, "/v1/work-orders".into(), Some(order("nowhere", "A3")), 400),
        ("admin imports nothing", Who::Admin, Method::POST, "/v1/work-orders".into(), Some(json!({"orders": []})), 400),
        ("admin sends an unknown key", Who::Admin, Method::POST, "/v1/work-orders".into(),
            Some(json!({"orders": [{"system": "12345", "number": "A4", "grid": "g1", "description": "x", "deadline": "2099-12-31", "priority": 1}]})), 400),
        ("a bad format", Who::Admin, Method::GET, "/v1/work-orders?format=pdf".into(), None, 400),
    ]);
    w.assert_refused(refused, &before).await;

    // Imported by the administrator into both communities; a supervisor of c1 reads back
    // only c1's.
    for (grid, number) in [("g1", "B1"), ("g3", "B3")] {
        let r = w
            .call(
                Who::Admin,
                Method::POST,
                "/v1/work-orders",
                Some(&order(grid, number)),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text());
    }
    for who in [Who::Supervisor, Who::SupervisorConsole] {
        let r = w.call(who, Method::GET, "/v1/work-orders", None).await;
        assert_eq!(r.status, 200, "{who:?}");
        assert!(
            r.text().contains("B1") && !r.text().contains("B3"),
            "{who:?}: {}",
            r.text()
        );
    }
    let r = w
        .call(Who::Admin, Method::GET, "/v1/work-orders", None)
        .await;
    assert!(r.text().contains("B1") && r.text().contains("B3"));
}
