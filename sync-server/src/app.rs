//! The HTTP application: shared state and the route table.

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post, put};

use crate::auth::Tree;
use crate::http;
use crate::metrics::Metrics;
use crate::rate_limit::{Limiter, RateLimit};
use crate::storage::{Storage, StorageError};

/// Sizes the server refuses to exceed.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// A sync body as sent (compressed).
    pub max_body: usize,
    /// A sync body once decompressed.
    pub max_expanded: usize,
    /// Changes in one push.
    pub max_push_changes: usize,
    /// Changes or snapshots per grid in one response, unless the client asks for fewer.
    pub page: usize,
    /// Bytes of changes or snapshots per grid in one response (at least one item is sent).
    pub page_bytes: usize,
    /// An attachment.
    pub max_blob: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body: 16 << 20,
            max_expanded: 64 << 20,
            max_push_changes: 5_000,
            page: 2_000,
            page_bytes: 8 << 20,
            max_blob: gridkeeper_core::store::DEFAULT_MAX_BLOB_BYTES as usize,
        }
    }
}

#[derive(Debug, Clone)]
pub struct AppState {
    pub storage: Arc<dyn Storage>,
    pub metrics: Arc<Metrics>,
    pub rate_limit: Arc<Limiter>,
    pub limits: Limits,
    pub tree: Arc<TreeCache>,
    /// When session and form cookies carry `Secure` (see `web::cookies`).
    pub cookies: crate::web::cookies::CookieSecurity,
}

/// The grid tree, read from the database at most every few seconds: every request resolves
/// its caller's scope against it, and with a thousand grids reading it per request would
/// dominate a sync. A grid added through this process is seen at once; one added through
/// another process within [`TREE_TTL`]. Only the tree's shape is cached — users, scopes and
/// revocations are read on every request.
#[derive(Debug, Default)]
pub struct TreeCache {
    current: std::sync::RwLock<Option<(Instant, Arc<Tree>)>>,
}

pub const TREE_TTL: std::time::Duration = std::time::Duration::from_secs(5);

impl TreeCache {
    pub async fn get(&self, storage: &dyn Storage) -> Result<Arc<Tree>, StorageError> {
        if let Ok(guard) = self.current.read()
            && let Some((at, tree)) = guard.as_ref()
            && at.elapsed() < TREE_TTL
        {
            return Ok(tree.clone());
        }
        let tree = Arc::new(Tree::new(&storage.grids().await?));
        if let Ok(mut guard) = self.current.write() {
            *guard = Some((Instant::now(), tree.clone()));
        }
        Ok(tree)
    }

    pub fn invalidate(&self) {
        if let Ok(mut guard) = self.current.write() {
            *guard = None;
        }
    }
}

impl AppState {
    pub fn new(storage: Arc<dyn Storage>, limits: Limits, rate: RateLimit) -> AppState {
        AppState {
            storage,
            metrics: Arc::new(Metrics::default()),
            rate_limit: Arc::new(Limiter::new(rate)),
            limits,
            tree: Arc::new(TreeCache::default()),
            cookies: crate::web::cookies::CookieSecurity::default(),
        }
    }

    pub fn with_cookies(mut self, cookies: crate::web::cookies::CookieSecurity) -> AppState {
        self.cookies = cookies;
        self
    }
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(http::ops::healthz))
        .route("/metrics", get(http::ops::metrics))
        .route("/v1/openapi.json", get(http::ops::openapi))
        .route("/v1/enroll", post(http::enroll::enroll))
        .route("/v1/me", get(http::enroll::me))
        .route("/v1/sync", post(http::sync::sync))
        .route(
            "/v1/blobs/{hash}",
            put(http::blobs::put_blob)
                .get(http::blobs::get_blob)
                .head(http::blobs::head_blob),
        )
        .route(
            "/v1/admin/grids",
            get(http::admin::grids).post(http::admin::add_grid),
        )
        .route(
            "/v1/admin/users",
            get(http::admin::users).post(http::admin::add_user),
        )
        .route("/v1/admin/enroll-codes", post(http::admin::enroll_code))
        .route("/v1/admin/devices", get(http::admin::devices))
        .route(
            "/v1/admin/devices/{id}/revoke",
            post(http::admin::revoke_device),
        )
        .route("/v1/admin/handover", get(http::admin::handover))
        .route("/v1/admin/handover/log", get(http::admin::handover_log))
        .route("/v1/admin/handover/{id}", get(http::admin::handover_device))
        .route("/v1/admin/grids/reassign", post(http::admin::reassign_grid))
        .route("/v1/admin/grids/import", post(http::grid_codes::import))
        .route("/v1/admin/grids/{id}/code", put(http::grid_codes::set_code))
        .route(
            "/v1/admin/retention",
            get(http::admin::retention_policy).put(http::admin::set_retention_policy),
        )
        .route("/v1/admin/retention/plan", get(http::admin::retention_plan))
        .route(
            "/v1/admin/retention/apply",
            post(http::admin::apply_retention),
        )
        .route(
            "/v1/admin/templates",
            get(http::admin::templates).post(http::admin::upload_template),
        )
        .route(
            "/v1/admin/templates/{id}/{version}/publish",
            post(http::admin::publish_template),
        )
        .route("/v1/admin/rescue", post(http::admin::import_rescue))
        .route(
            "/v1/admin/erasures",
            get(http::admin::erasures).post(http::admin::erase),
        )
        .route(
            "/v1/moves",
            get(http::moves::moves).post(http::moves::move_record),
        )
        .route("/v1/records/{id}/review", post(http::moves::review))
        .route("/v1/records/{id}/dispatch", post(http::moves::dispatch))
        .route("/v1/records/{id}/result", post(http::moves::result))
        .route("/v1/parties", get(http::moves::parties))
        .route(
            "/v1/tasks",
            get(http::moves::tasks).post(http::moves::create_task),
        )
        .route("/v1/tasks/{id}", get(http::moves::task))
        .route("/v1/admin/parties", post(http::moves::add_party))
        .route("/v1/reports", get(http::reports::index))
        .route("/v1/reports/{name}", get(http::reports::report))
        .route(
            "/v1/reports/{name}/export",
            get(http::reports::export_report),
        )
        .route(
            "/v1/work-orders",
            get(http::work_orders::results).post(http::work_orders::post),
        )
        .route(
            "/v1/work-orders/import",
            post(http::work_orders::import_csv),
        )
        .route("/v1/ledgers", get(http::ledgers::index))
        .route("/v1/ledgers/{id}", get(http::ledgers::ledger))
        .route(
            "/v1/admin/ledgers/{id}",
            axum::routing::put(http::ledgers::put).delete(http::ledgers::reset),
        )
        .route("/v1/lists/{name}", get(http::reports::list))
        .route("/v1/lists/{name}/export", get(http::reports::export_list))
        .merge(crate::web::routes())
        .fallback(http::ops::not_found)
        .method_not_allowed_fallback(http::ops::method_not_allowed)
        // Bodies are read by each handler with its own cap, so axum's blanket limit is off.
        .layer(axum::extract::DefaultBodyLimit::disable())
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::web::cookies::secure,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .with_state(state)
}

/// One log line and one metric per request: route pattern, status, time — no personal data
/// (paths are patterns, never the ids in them).
async fn observe(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let method = req.method().clone();
    let response = next.run(req).await;
    let seconds = started.elapsed().as_secs_f64();
    let status = response.status().as_u16();
    state.metrics.add(
        "gridkeeper_http_requests_total",
        format!("route=\"{route}\",status=\"{status}\""),
        1,
    );
    state.metrics.observe(&route, seconds);
    tracing::info!(%method, %route, status, ms = seconds * 1e3, "request");
    response
}
