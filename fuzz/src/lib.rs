//! What the fuzz targets share: a relay with a street and an enrolled phone, answering
//! in-process through its own router (no socket per input), and a phone's store. Built
//! once per fuzzing process; every input then meets the same state a real one would.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::sync::Arc;

use axum::body::{Body, to_bytes};
use axum::http::Request;
use gridkeeper_core::wire;
use gridkeeper_server::admin;
use gridkeeper_server::app::{self, AppState, Limits};
use gridkeeper_server::rate_limit::RateLimit;
use gridkeeper_server::storage::sqlite::SqliteStorage;
use gridkeeper_server::storage::{Role, Storage};
use tower::ServiceExt;

/// libfuzzer-sys aborts on every panic, caught or not; the product catches automerge's panics
/// on bytes from outside (`gridkeeper_core::record::untrusted`) and answers them as refusals.
/// The default hook again lets those be caught; a panic nothing catches still reaches
/// libfuzzer-sys's own catch and aborts, so it is still a finding.
pub fn panics_as_the_product_sees_them() {
    drop(std::panic::take_hook());
}

/// The actor the fixture's phone enrols with; seeds built against the fixture carry it.
pub const ACTOR: &str = "5c4e3a1b0f9d8e7c6b5a49382716f0e1";

/// The grid the fixture's worker holds, with a neighbour outside their reach.
pub const GRID: &str = "g1";
pub const OTHER_GRID: &str = "g3";

pub struct Relay {
    rt: tokio::runtime::Runtime,
    router: axum::Router,
    pub token: String,
    _dir: tempfile::TempDir,
}

impl Relay {
    /// A relay on a temporary SQLite file: street s1, communities c1 (g1, g2) and c2 (g3),
    /// a worker of g1 whose phone enrolled through `POST /v1/enroll` with [`ACTOR`].
    pub fn start() -> Relay {
        panics_as_the_product_sees_them();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let storage: Arc<dyn Storage> =
            Arc::new(SqliteStorage::open(&dir.path().join("relay.db")).unwrap());
        let code = rt.block_on(async {
            let s = &storage;
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
            admin::issue_enroll_code(s, "worker-a", 1).await.unwrap().0
        });
        // No rate limit: every input must reach the handlers.
        let rate = RateLimit {
            burst: 1e12,
            per_second: 1e12,
        };
        let router = app::router(AppState::new(storage, Limits::default(), rate));
        let mut relay = Relay {
            rt,
            router,
            token: String::new(),
            _dir: dir,
        };
        let body = serde_json::json!({"code": code, "actor": ACTOR}).to_string();
        let (status, reply) = relay.call(
            Request::post("/v1/enroll")
                .header("content-type", "application/json")
                .body(Body::from(body))
                .unwrap(),
        );
        assert_eq!(status, 200, "the fixture's phone enrols");
        let reply: serde_json::Value = serde_json::from_slice(&reply).unwrap();
        relay.token = reply["token"].as_str().unwrap().to_string();
        relay
    }

    fn call(&self, req: Request<Body>) -> (u16, Vec<u8>) {
        self.rt.block_on(async {
            let resp = self.router.clone().oneshot(req).await.unwrap();
            let status = resp.status().as_u16();
            let bytes = to_bytes(resp.into_body(), usize::MAX).await.unwrap();
            (status, bytes.to_vec())
        })
    }

    /// `POST /v1/sync` with this body as the enrolled phone; the status and the body.
    pub fn sync(&self, body: Vec<u8>) -> (u16, Vec<u8>) {
        self.call(
            Request::post("/v1/sync")
                .header("content-type", wire::CONTENT_TYPE)
                .header("authorization", format!("Bearer {}", self.token))
                .body(Body::from(body))
                .unwrap(),
        )
    }
}

/// gzip, as the wire compresses: the targets take plain CBOR, which a fuzzer can mutate
/// into meaning, and compress it themselves (a mutated deflate stream rarely survives its
/// checksum).
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

/// The first byte picks how the rest reaches the decoder: odd, as raw bytes (the gzip layer
/// itself under attack); even, gzip-compressed first.
pub fn as_body(data: &[u8]) -> Option<Vec<u8>> {
    let (&mode, rest) = data.split_first()?;
    Some(if mode & 1 == 1 {
        rest.to_vec()
    } else {
        gzip(rest)
    })
}

/// A phone's store in a temporary directory, enrolled into nothing: what `gk` opens.
pub struct Phone {
    pub store: gridkeeper_core::Store,
    _dir: tempfile::TempDir,
}

impl Phone {
    pub fn new() -> Phone {
        panics_as_the_product_sees_them();
        let dir = tempfile::tempdir().unwrap();
        let store =
            gridkeeper_core::Store::init(dir.path().join("phone.db"), Some("worker-a")).unwrap();
        Phone { store, _dir: dir }
    }
}

impl Default for Phone {
    fn default() -> Self {
        Phone::new()
    }
}
