//! Relay server processes: started on a free loopback port, administered through the same
//! binary, killed with SIGKILL and restarted on the same data — SQLite or PostgreSQL.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use gridkeeper_server::materialize::DocState;
use gridkeeper_server::storage::Storage;

#[derive(Debug, Clone)]
pub enum Backend {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Backend {
    fn args(&self) -> Vec<String> {
        match self {
            Backend::Sqlite(dir) => vec!["--data".into(), dir.display().to_string()],
            Backend::Postgres(url) => vec!["--database-url".into(), url.clone()],
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }
}

#[derive(Debug)]
pub struct Relay {
    bin: PathBuf,
    pub backend: Backend,
    child: Option<Child>,
    pub addr: SocketAddr,
    /// The administrator's token, printed once by the first start on empty data.
    pub admin_token: Option<String>,
}

impl Relay {
    /// Starts `bin` (the crate's `relay` binary) on `backend`.
    pub fn start(bin: &str, backend: Backend) -> Result<Relay, String> {
        let mut relay = Relay {
            bin: PathBuf::from(bin),
            backend,
            child: None,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            admin_token: None,
        };
        relay.spawn()?;
        Ok(relay)
    }

    fn spawn(&mut self) -> Result<(), String> {
        let mut child = Command::new(&self.bin)
            .args(self.backend.args())
            .args([
                "--listen",
                "127.0.0.1:0",
                "--rate",
                "100000",
                "--burst",
                "100000",
            ])
            .env("GRIDKEEPER_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start the relay: {e}"))?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let addr = loop {
            let line = lines
                .next()
                .ok_or("the relay exited before listening")?
                .map_err(|e| e.to_string())?;
            if line.trim_start().starts_with("gk_") {
                self.admin_token = Some(line.trim().to_string());
            }
            if let Some(url) = line.strip_prefix("listening on http://") {
                break url.parse().map_err(|e| format!("bad address {url}: {e}"))?;
            }
        };
        std::thread::spawn(move || for _ in lines {});
        self.child = Some(child);
        self.addr = addr;
        Ok(())
    }

    /// The server process's id, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Workers of `grid` (the grid must exist), each on a phone of their own in `dir`
    /// (`phone-0`, `phone-1`, …), enrolled with this relay.
    pub fn enrolled_workers(
        &self,
        dir: &std::path::Path,
        grid: &str,
        users: &[&str],
    ) -> Result<Vec<crate::phones::Phone>, String> {
        let mut phones = Vec::new();
        for user in users {
            let name = format!("phone-{}", phones.len());
            phones.push(self.enrolled_worker(dir, user, &name, grid, &self.url())?);
        }
        Ok(phones)
    }

    /// A worker `user` with `scope` (grids, comma-separated), added here, on a phone of its
    /// own (`dir/phone`) enrolled at `url` — this relay, or another on the same database.
    pub fn enrolled_worker(
        &self,
        dir: &std::path::Path,
        user: &str,
        phone: &str,
        scope: &str,
        url: &str,
    ) -> Result<crate::phones::Phone, String> {
        self.admin(&["user", "add", user, "--role", "worker", "--scope", scope])?;
        let code = self.admin(&["enroll-code", user])?;
        let mut phone = crate::phones::Phone::new(dir, phone).map_err(|e| e.to_string())?;
        phone.enroll(url, &code, url).map_err(|e| e.to_string())?;
        Ok(phone)
    }

    /// Runs `relay admin ARGS…` on the same data; returns stdout.
    pub fn admin(&self, args: &[&str]) -> Result<String, String> {
        let out = Command::new(&self.bin)
            .args(self.backend.args())
            .arg("admin")
            .args(args)
            .output()
            .map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(format!(
                "admin {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    }

    /// SIGKILL, no goodbye.
    pub fn kill9(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Killed and started again on the same data (on a new port).
    pub fn restart(&mut self) -> Result<(), String> {
        self.kill9();
        self.spawn()
    }

    /// The relay's database opened beside the process, with a runtime to drive it.
    fn storage(&self) -> Result<(tokio::runtime::Runtime, Arc<dyn Storage>), String> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        let storage = rt.block_on(async {
            let storage: Arc<dyn Storage> = match &self.backend {
                Backend::Sqlite(dir) => Arc::new(
                    gridkeeper_server::storage::sqlite::SqliteStorage::open(
                        &dir.join("gridkeeper.db"),
                    )
                    .map_err(|e| e.to_string())?,
                ),
                Backend::Postgres(url) => gridkeeper_server::storage::postgres::open(url)
                    .await
                    .map_err(|e| e.to_string())?,
            };
            Ok::<_, String>(storage)
        })?;
        Ok((rt, storage))
    }

    /// Every record the server holds in `grid`, as it materialized them.
    pub fn documents(&self, grid: &str) -> Result<BTreeMap<String, DocState>, String> {
        let (rt, storage) = self.storage()?;
        let docs = rt
            .block_on(storage.snapshots(grid, None, usize::MAX >> 2))
            .map_err(|e| e.to_string())?;
        Ok(docs.into_iter().map(|d| (d.record_id.clone(), d)).collect())
    }

    /// How many changes written under `actor` the server stores.
    pub fn held_changes(&self, actor: &str) -> Result<u64, String> {
        let (rt, storage) = self.storage()?;
        rt.block_on(storage.held_changes(actor))
            .map_err(|e| e.to_string())
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// A fresh database on the PostgreSQL named by `GK_TEST_POSTGRES_URL`. `None` (the caller
/// skips) when none is configured — unless `GK_REQUIRE_POSTGRES=1`, when that is an error.
pub fn postgres_database(prefix: &str) -> Result<Option<String>, String> {
    let Ok(admin_url) = std::env::var("GK_TEST_POSTGRES_URL") else {
        if std::env::var("GK_REQUIRE_POSTGRES").as_deref() == Ok("1") {
            return Err("GK_REQUIRE_POSTGRES=1 but GK_TEST_POSTGRES_URL is not set".into());
        }
        eprintln!(
            "SKIPPED (PostgreSQL): set GK_TEST_POSTGRES_URL or run under scripts/with-postgres"
        );
        return Ok(None);
    };
    let name = format!("{prefix}_{}", uuid::Uuid::now_v7().simple());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(async {
        let (client, conn) = tokio_postgres::connect(&admin_url, tokio_postgres::NoTls)
            .await
            .map_err(|e| e.to_string())?;
        tokio::spawn(conn);
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .map_err(|e| e.to_string())
    })?;
    let base = admin_url
        .rsplit_once('/')
        .map(|(b, _)| b)
        .unwrap_or(&admin_url);
    Ok(Some(format!("{base}/{name}")))
}

/// The backends a test runs against: SQLite in `dir`, and PostgreSQL when one is configured
/// (required under `scripts/with-postgres`).
pub fn backends(dir: &std::path::Path, prefix: &str) -> Result<Vec<Backend>, String> {
    let mut out = vec![Backend::Sqlite(dir.join(format!("{prefix}-relay")))];
    if let Some(url) = postgres_database(prefix)? {
        out.push(Backend::Postgres(url));
    }
    Ok(out)
}
