//! Helpers for the storage conformance suite: each backend on a fresh database, and pushes
//! built from real records made by the core store.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use automerge::Change;
use gridkeeper_core::{Kind, RecordId, Store};
use gridkeeper_server::materialize::{PreparedChange, PreparedDoc};
use gridkeeper_server::storage::postgres::PostgresStorage;
use gridkeeper_server::storage::sqlite::SqliteStorage;
use gridkeeper_server::storage::{Device, NewDevice, Role, Storage, User};
use serde_json::{Value, json};

/// A local change waiting for the relay (core's outbox entry, which core does not export).
#[derive(Debug, Clone)]
pub struct OutboxEntry {
    pub record_id: String,
    pub hash: String,
    pub bytes: Vec<u8>,
}

/// One backend on a database of its own.
pub struct Backend {
    pub name: &'static str,
    pub storage: Arc<dyn Storage>,
    place: Place,
}

enum Place {
    Sqlite {
        _dir: tempfile::TempDir,
        path: PathBuf,
    },
    Postgres {
        admin_url: String,
        db: String,
        url: String,
    },
}

impl Backend {
    pub async fn sqlite() -> Backend {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("relay.db");
        let storage = SqliteStorage::open(&path).expect("open SQLite storage");
        Backend {
            name: "sqlite",
            storage: Arc::new(storage),
            place: Place::Sqlite { _dir: dir, path },
        }
    }

    /// A fresh database on the server named by `GK_TEST_POSTGRES_URL`; `None` (after a loud
    /// line on stderr) when it is unset, unless `GK_REQUIRE_POSTGRES=1`, which makes it fail.
    pub async fn postgres(test: &str) -> Option<Backend> {
        let admin_url = match std::env::var("GK_TEST_POSTGRES_URL") {
            Ok(url) if !url.is_empty() => url,
            _ => {
                if std::env::var("GK_REQUIRE_POSTGRES").as_deref() == Ok("1") {
                    panic!(
                        "GK_REQUIRE_POSTGRES=1 but GK_TEST_POSTGRES_URL is not set: \
                         the PostgreSQL conformance tests cannot run (use scripts/with-postgres)"
                    );
                }
                // Straight to the process's stderr, not `eprintln!`, which the test harness
                // captures and hides for passing tests.
                use std::io::Write;
                let _ = writeln!(
                    std::io::stderr(),
                    "!!!!! {test} on PostgreSQL SKIPPED: set GK_TEST_POSTGRES_URL \
                     (or run under scripts/with-postgres) !!!!!"
                );
                return None;
            }
        };
        let db = format!("gk_test_{}", hex::encode(rand::random::<[u8; 8]>()));
        let admin = admin_client(&admin_url).await;
        admin
            .batch_execute(&format!("CREATE DATABASE {db}"))
            .await
            .unwrap_or_else(|e| panic!("CREATE DATABASE {db} on {admin_url}: {e}"));
        let url = with_database(&admin_url, &db);
        let storage = PostgresStorage::connect(&url)
            .await
            .unwrap_or_else(|e| panic!("connect {url}: {e}"));
        Some(Backend {
            name: "postgres",
            storage: Arc::new(storage),
            place: Place::Postgres { admin_url, db, url },
        })
    }

    /// Another handle on the same database, as a second server process would have: its own
    /// connection pool (PostgreSQL) or its own connections (SQLite).
    pub async fn second(&self) -> Arc<dyn Storage> {
        match &self.place {
            Place::Sqlite { path, .. } => {
                Arc::new(SqliteStorage::open(path).expect("open SQLite storage again"))
            }
            Place::Postgres { url, .. } => Arc::new(
                PostgresStorage::connect(url)
                    .await
                    .expect("connect PostgreSQL again"),
            ),
        }
    }

    /// Drops the test database (PostgreSQL); the SQLite directory goes with `self`.
    pub async fn finish(self) {
        if let Place::Postgres { admin_url, db, .. } = &self.place {
            drop(self.storage);
            let admin = admin_client(admin_url).await;
            let _ = admin
                .batch_execute(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
                .await;
        }
    }
}

async fn admin_client(url: &str) -> tokio_postgres::Client {
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap_or_else(|e| panic!("connect {url}: {e}"));
    tokio::spawn(async move {
        let _ = conn.await;
    });
    client
}

/// `url` with its database replaced by `db`.
fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let host_start = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[host_start..].find('/') {
        Some(i) => &base[..host_start + i],
        None => base,
    };
    format!("{base}/{db}{query}")
}

/// Runs each named case against both backends: `mod case { fn sqlite(); fn postgres(); }`.
#[macro_export]
macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn sqlite() {
                    let backend = $crate::support::Backend::sqlite().await;
                    super::$name(&backend).await;
                    backend.finish().await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn postgres() {
                    let Some(backend) = $crate::support::Backend::postgres(stringify!($name)).await
                    else {
                        return;
                    };
                    super::$name(&backend).await;
                    backend.finish().await;
                }
            }
        )*
    };
}

/// A field device: a real core store with its own actor, enrolled on the relay.
pub struct Field {
    pub store: Store,
    pub device_id: String,
    pub actor: String,
    _dir: tempfile::TempDir,
}

impl Field {
    /// A new store for `name`, with a user and a device for it on `storage`.
    pub async fn new(storage: &dyn Storage, name: &str, grids: &[&str]) -> Field {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::init(dir.path().join("dev.db"), Some(name))
            .unwrap_or_else(|e| panic!("init store {name}: {e}"));
        let actor = store.actor_hex();
        let user = User {
            id: format!("user-{name}"),
            name: name.to_string(),
            role: Role::Worker,
            scope: grids.iter().map(|g| g.to_string()).collect(),
        };
        storage.add_user(&user).await.expect("add user");
        let device_id = format!("device-{name}");
        storage
            .add_device(&NewDevice {
                device: Device {
                    id: device_id.clone(),
                    user_id: user.id.clone(),
                    actor: Some(actor.clone()),
                    created_at: "2025-01-01T00:00:00Z".into(),
                    last_seen: None,
                    revoked_at: None,
                },
                token_hash: format!("token-{name}"),
            })
            .await
            .expect("add device");
        Field {
            store,
            device_id,
            actor,
            _dir: dir,
        }
    }

    /// Creates a household in `grid`; `n` makes its address distinct.
    pub fn household(&mut self, grid: &str, n: usize) -> RecordId {
        self.store
            .create_json(Kind::Household, grid, household(n))
            .unwrap_or_else(|e| panic!("create household: {e}"))
    }

    pub fn edit(&mut self, id: RecordId, notes: &str) {
        let changed = self
            .store
            .patch_json(id, &json!({ "notes": notes }))
            .unwrap_or_else(|e| panic!("patch: {e}"));
        assert!(changed);
    }

    /// Every unacknowledged change, oldest first.
    pub fn outbox(&self) -> Vec<OutboxEntry> {
        self.store
            .outbox(100_000)
            .expect("outbox")
            .into_iter()
            .map(|e| OutboxEntry {
                record_id: e.record_id,
                hash: e.hash,
                bytes: e.bytes,
            })
            .collect()
    }

    /// The outbox as a push, then acknowledged locally.
    pub fn take_push(&mut self) -> Vec<PreparedDoc> {
        let entries = self.outbox();
        let docs = prepare(&mut self.store, &entries);
        let hashes: Vec<String> = entries.iter().map(|e| e.hash.clone()).collect();
        self.store.acknowledge(&hashes).expect("acknowledge");
        docs
    }

    /// The record's fields as the core reads them.
    pub fn data(&mut self, id: RecordId) -> Value {
        self.store
            .get_json(id, true)
            .unwrap_or_else(|e| panic!("get: {e}"))["data"]
            .clone()
    }
}

pub fn household(n: usize) -> Value {
    json!({
        "address": {"community": "幸福社区", "compound": "幸福里", "building": format!("{}", n / 100 + 1), "unit": "1", "room": format!("{}", n % 100 + 101)},
        "housing_type": "owner_occupied",
        "members": [{"name": format!("张{n}")}],
    })
}

pub fn prepared_change(bytes: &[u8]) -> PreparedChange {
    let change = Change::from_bytes(bytes.to_vec()).expect("parse change");
    PreparedChange {
        hash: change.hash().to_string(),
        actor: change.actor_id().to_hex_string(),
        change,
        refused: None,
    }
}

/// Groups outbox entries by record (in first-seen order) into what a push carries, with each
/// record's kind and grid as the store has them.
pub fn prepare(store: &mut Store, entries: &[OutboxEntry]) -> Vec<PreparedDoc> {
    let mut docs: Vec<PreparedDoc> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    for e in entries {
        let c = prepared_change(&e.bytes);
        assert_eq!(c.hash, e.hash, "outbox hash is the change hash");
        let i = match at.get(&e.record_id) {
            Some(&i) => i,
            None => {
                let id: RecordId = e.record_id.parse().expect("record id");
                let rec = store
                    .get_json(id, true)
                    .unwrap_or_else(|err| panic!("get: {err}"));
                let kind: Kind = rec["kind"].as_str().expect("kind").parse().expect("kind");
                docs.push(PreparedDoc {
                    record_id: e.record_id.clone(),
                    kind,
                    grid: rec["grid"].as_str().expect("grid").to_string(),
                    changes: Vec::new(),
                });
                at.insert(e.record_id.clone(), docs.len() - 1);
                docs.len() - 1
            }
        };
        docs[i].changes.push(c);
    }
    docs
}

/// Every change of a push, as hashes.
pub fn hashes(docs: &[PreparedDoc]) -> Vec<String> {
    docs.iter()
        .flat_map(|d| d.changes.iter().map(|c| c.hash.clone()))
        .collect()
}

pub fn change_hash(bytes: &[u8]) -> String {
    Change::from_bytes(bytes.to_vec())
        .expect("parse change")
        .hash()
        .to_string()
}
