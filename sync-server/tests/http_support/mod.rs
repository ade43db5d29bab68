//! Shared by the HTTP tests: a real relay on a loopback port (SQLite in a temp directory),
//! a small street with users of every role, and devices that are real core stores speaking
//! the wire protocol over real HTTP.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use gridkeeper_core::wire::{self, SyncRequest, SyncResponse};
use gridkeeper_core::{Kind, RecordId, Store};
use gridkeeper_server::admin;
use gridkeeper_server::app::{self, AppState, Limits};
use gridkeeper_server::rate_limit::RateLimit;
use gridkeeper_server::storage::sqlite::SqliteStorage;
use gridkeeper_server::storage::{Role, Storage};
use serde_json::{Value, json};

pub struct Relay {
    pub base: String,
    pub storage: Arc<dyn Storage>,
    pub dir: tempfile::TempDir,
    pub http: reqwest::Client,
}

pub async fn start() -> Relay {
    start_with(
        Limits::default(),
        RateLimit {
            burst: 10_000.0,
            per_second: 10_000.0,
        },
    )
    .await
}

pub async fn start_with(limits: Limits, rate: RateLimit) -> Relay {
    start_on(0, limits, rate).await
}

/// A relay on a chosen loopback port (0: any free one).
pub async fn start_on(port: u16, limits: Limits, rate: RateLimit) -> Relay {
    let dir = tempfile::tempdir().unwrap();
    let storage: Arc<dyn Storage> =
        Arc::new(SqliteStorage::open(&dir.path().join("relay.db")).unwrap());
    serve(storage, dir, port, limits, rate).await
}

/// A relay over storage opened elsewhere (a PostgreSQL test database), on any free port.
pub async fn start_over(storage: Arc<dyn Storage>) -> Relay {
    let rate = RateLimit {
        burst: 10_000.0,
        per_second: 10_000.0,
    };
    let dir = tempfile::tempdir().unwrap();
    serve(storage, dir, 0, Limits::default(), rate).await
}

async fn serve(
    storage: Arc<dyn Storage>,
    dir: tempfile::TempDir,
    port: u16,
    limits: Limits,
    rate: RateLimit,
) -> Relay {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let router = app::router(AppState::new(storage.clone(), limits, rate));
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    Relay {
        base: format!("http://{addr}"),
        storage,
        dir,
        http: reqwest::Client::new(),
    }
}

/// The street used throughout: street s1 with communities c1 (grids g1, g2) and c2 (grid
/// g3); a worker for g1, a worker for g3, a supervisor of c1, an administrator.
pub struct Street {
    pub relay: Relay,
    pub admin_token: String,
}

impl Relay {
    pub async fn street(self) -> Street {
        let s = &self.storage;
        admin::add_grid(s, "s1", "幸福街道", None).await.unwrap();
        admin::add_grid(s, "c1", "幸福社区", Some("s1"))
            .await
            .unwrap();
        admin::add_grid(s, "c2", "和平社区", Some("s1"))
            .await
            .unwrap();
        admin::add_grid(s, "g1", "第一网格", Some("c1"))
            .await
            .unwrap();
        admin::add_grid(s, "g2", "第二网格", Some("c1"))
            .await
            .unwrap();
        admin::add_grid(s, "g3", "第三网格", Some("c2"))
            .await
            .unwrap();
        admin::add_user(s, "worker-a", Role::Worker, &["g1".into()])
            .await
            .unwrap();
        admin::add_user(s, "worker-b", Role::Worker, &["g3".into()])
            .await
            .unwrap();
        admin::add_user(s, "super-c1", Role::Supervisor, &["c1".into()])
            .await
            .unwrap();
        admin::add_user(s, "root", Role::Admin, &[]).await.unwrap();
        let admin_token = admin::console_token(s, "root").await.unwrap();
        Street {
            relay: self,
            admin_token,
        }
    }
}

/// A phone: a real core store plus its token.
pub struct Device {
    pub store: Store,
    pub token: String,
    pub device_id: String,
    pub grids: Vec<String>,
    pub dir: tempfile::TempDir,
}

impl Street {
    pub fn base(&self) -> &str {
        &self.relay.base
    }

    /// Gives tree nodes their administrative codes through the admin API.
    pub async fn set_codes(&self, codes: &[(&str, &str)]) {
        for (grid, code) in codes {
            let r = self
                .relay
                .http
                .put(format!("{}/v1/admin/grids/{grid}/code", self.base()))
                .bearer_auth(&self.admin_token)
                .json(&json!({"code": code}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200, "code of {grid}");
        }
    }

    /// Web sign-in passwords for the supervisor and the administrator.
    pub async fn web_passwords(&self, pw: &str) {
        let s = &self.relay.storage;
        for name in ["super-c1", "root"] {
            let u = admin::find_user(s, name).await.unwrap();
            gridkeeper_server::web::password::set(s.as_ref(), &u.id, pw, "2026-01-01T00:00:00Z")
                .await
                .unwrap();
        }
    }

    pub async fn enroll(&self, user: &str) -> Device {
        let (code, _) = admin::issue_enroll_code(&self.relay.storage, user, 1)
            .await
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let store = Store::init(dir.path().join("device.db"), Some(user)).unwrap();
        let resp = self
            .relay
            .http
            .post(format!("{}/v1/enroll", self.base()))
            .json(&json!({"code": code, "actor": store.actor_hex()}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "enrol {user}");
        let body: Value = resp.json().await.unwrap();
        Device {
            store,
            token: body["token"].as_str().unwrap().to_string(),
            device_id: body["device_id"].as_str().unwrap().to_string(),
            grids: body["grids"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|g| g.as_str().map(String::from))
                .collect(),
            dir,
        }
    }
}

/// Posts a sync body; returns the status and, for 200, the decoded response.
pub async fn post_sync(
    relay: &Relay,
    token: Option<&str>,
    body: Vec<u8>,
) -> (u16, Option<SyncResponse>, String) {
    let mut req = relay
        .http
        .post(format!("{}/v1/sync", relay.base))
        .header("content-type", wire::CONTENT_TYPE)
        .body(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let bytes = resp.bytes().await.unwrap();
    if status == 200 {
        (
            status,
            Some(wire::decode(&bytes, 1 << 30).unwrap()),
            String::new(),
        )
    } else {
        (status, None, String::from_utf8_lossy(&bytes).into_owned())
    }
}

/// The error code of a JSON error body.
pub fn code(body: &str) -> String {
    serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| v["error"]["code"].as_str().map(String::from))
        .unwrap_or_default()
}

impl Device {
    /// One round: push the outbox, pull every grid in reach.
    pub async fn round(
        &mut self,
        relay: &Relay,
    ) -> (SyncResponse, gridkeeper_core::store::RoundReport) {
        let req = self.store.sync_request(&self.grids, 1000).unwrap();
        let (status, resp, body) = post_sync(relay, Some(&self.token), wire::encode(&req)).await;
        assert_eq!(status, 200, "sync: {body}");
        let resp = resp.unwrap();
        let report = self.store.apply_sync_response(&resp).unwrap();
        (resp, report)
    }

    /// Rounds until nothing is left to push or pull.
    pub async fn sync(&mut self, relay: &Relay) -> usize {
        let mut rounds = 0;
        loop {
            rounds += 1;
            let (_, report) = self.round(relay).await;
            assert!(
                report.rejected.is_empty(),
                "rejected: {:?}",
                report.rejected
            );
            if !report.more && self.store.outbox_len().unwrap() == 0 {
                return rounds;
            }
            assert!(rounds < 1000, "sync does not finish");
        }
    }

    pub fn add_household(&mut self, grid: &str, room: &str, name: &str) -> RecordId {
        self.store
            .create_json(
                Kind::Household,
                grid,
                json!({
                    "address": {"community": "幸福社区", "compound": "幸福里", "building": "3", "unit": "1", "room": room},
                    "housing_type": "owner_occupied",
                    "members": [{"name": name}],
                }),
            )
            .unwrap()
    }

    pub fn request(&self, grids: &[&str]) -> SyncRequest {
        let grids: Vec<String> = grids.iter().map(|g| g.to_string()).collect();
        self.store.sync_request(&grids, 1000).unwrap()
    }
}
