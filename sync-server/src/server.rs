//! Starting and stopping: choosing the database, first-start setup, serving until SIGTERM.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::app::{self, AppState, Limits};
use crate::rate_limit::RateLimit;
use crate::storage::Storage;
use crate::storage::sqlite::SqliteStorage;

/// Where records live: a SQLite file in a directory, or a PostgreSQL URL.
#[derive(Debug, Clone)]
pub enum Database {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Database {
    pub fn choose(data: &Path, url: Option<&str>) -> Database {
        match url {
            Some(url) => Database::Postgres(url.to_string()),
            None => Database::Sqlite(data.to_path_buf()),
        }
    }

    pub async fn open(&self) -> Result<Arc<dyn Storage>, String> {
        match self {
            Database::Sqlite(dir) => {
                std::fs::create_dir_all(dir)
                    .map_err(|e| format!("cannot create data directory {}: {e}", dir.display()))?;
                let storage = SqliteStorage::open(&dir.join("gridkeeper.db"))
                    .map_err(|e| format!("cannot open the database in {}: {e}", dir.display()))?;
                Ok(Arc::new(storage))
            }
            Database::Postgres(url) => crate::storage::postgres::open(url)
                .await
                .map_err(|e| format!("cannot use PostgreSQL: {e}")),
        }
    }
}

pub async fn serve(
    storage: Arc<dyn Storage>,
    listen: SocketAddr,
    rate: RateLimit,
    cookies: crate::web::cookies::CookieSecurity,
    demo: Option<crate::demo::DemoOptions>,
) -> Result<(), String> {
    if let Some(token) = crate::admin::first_start(&storage)
        .await
        .map_err(|e| e.message)?
    {
        println!("First start: created an administrator.");
        println!("Its API token (shown once, keep it safe):\n\n    {token}\n");
        println!("Use it as `Authorization: Bearer <token>`, or run the `admin` subcommands");
        println!("on this machine with the same --data / --database-url.");
    }
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let local = listener
        .local_addr()
        .map_err(|e| format!("cannot read the listening address: {e}"))?;
    // Tests and scripts read this line to learn the port when asked for port 0.
    println!("listening on http://{local}");
    tracing::info!(%local, "listening");
    if let Some(opts) = demo {
        start_demo(&storage, local, opts).await?;
    }
    let app = app::router(AppState::new(storage, Limits::default(), rate).with_cookies(cookies));
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| format!("server stopped: {e}"))?;
    tracing::info!("stopped");
    Ok(())
}

/// `--demo`: on an empty server, set up the street and seed it in the background through
/// simulated phones syncing with this server; otherwise say why not and just serve.
async fn start_demo(
    storage: &Arc<dyn Storage>,
    local: SocketAddr,
    opts: crate::demo::DemoOptions,
) -> Result<(), String> {
    // Phones reach a server bound to every interface through loopback.
    let host = if local.ip().is_unspecified() {
        SocketAddr::new(std::net::Ipv4Addr::LOCALHOST.into(), local.port())
    } else {
        local
    };
    let url = format!("http://{host}");
    match crate::demo::prepare(storage).await? {
        Some(seeding) => {
            println!("demo: seeding in the background through simulated phones…");
            crate::demo::spawn(seeding, url, opts);
        }
        None => {
            println!("demo: skipped, this server already has a grid tree");
            println!("{}: {url}", crate::demo::READY);
        }
    }
    Ok(())
}

/// SIGTERM (a service manager) or Ctrl-C: stop accepting, finish what is in flight.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
