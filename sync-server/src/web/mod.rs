//! Supervisor and administrator web pages (issue #8): server-rendered HTML, Chinese first,
//! with password sign-in, session cookies and CSRF tokens on every form.

pub mod admin_pages;
pub mod charts;
pub mod cookies;
pub mod csrf;
pub mod erase_page;
pub mod frame;
pub mod grid_import_page;
pub mod labels;
pub mod ledger_pages;
pub mod login;
pub mod pages;
pub mod password;
pub mod record_card;
pub mod record_history;
pub mod record_page;
pub mod refused_words;
pub mod rescue_page;
pub mod resolve;
pub mod review_form;
pub mod session;
pub mod task_pages;
pub mod template_pages;
pub mod work_order_pages;
pub mod xlsform_words;

use axum::Router;
use axum::routing::{get, post};

use crate::app::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(pages::home))
        .route("/login", get(login::login_form).post(login::login))
        .route("/logout", post(login::logout))
        .route("/lang/{lang}", get(login::set_lang))
        .route("/r/{report}", get(pages::report))
        .route("/l/{list}", get(pages::list))
        .route("/rec/{id}", get(record_page::record))
        .route("/rec/{id}/resolve", post(resolve::resolve))
        .route("/rec/{id}/review", post(review_form::review))
        .route("/rec/{id}/dispatch", post(review_form::dispatch))
        .route("/rec/{id}/result", post(review_form::result))
        .route("/tasks", get(task_pages::list).post(task_pages::give))
        .route("/tasks/{id}", get(task_pages::show))
        .route(
            "/work-orders",
            get(work_order_pages::list).post(work_order_pages::upload),
        )
        .route("/x/work-orders", get(work_order_pages::export))
        .route("/ledgers", get(ledger_pages::index))
        .route("/ledgers/{id}", get(ledger_pages::show))
        .route("/x/ledgers/{id}", get(ledger_pages::export))
        .route("/blob/{hash}", get(pages::blob))
        .route("/x/r/{report}", get(pages::export_report))
        .route("/x/l/{list}", get(pages::export_list))
        .route("/admin", get(admin_pages::admin))
        .route(
            "/admin/devices/{id}/revoke",
            post(admin_pages::admin_revoke),
        )
        .route("/admin/enroll-code", post(admin_pages::admin_enroll_code))
        .route("/admin/grids", post(admin_pages::admin_add_grid))
        .route("/admin/grids/import", post(grid_import_page::upload))
        .route("/admin/users", post(admin_pages::admin_add_user))
        .route("/admin/passwd", post(admin_pages::admin_passwd))
        .route("/admin/scope", post(admin_pages::admin_scope))
        .route("/admin/templates", post(template_pages::upload))
        .route("/admin/rescue", post(rescue_page::upload))
        .route("/admin/erase", post(erase_page::erase))
        .route(
            "/admin/ledgers/{id}",
            get(ledger_pages::edit).post(ledger_pages::save),
        )
        .route("/admin/ledgers/{id}/reset", post(ledger_pages::reset))
        .route("/admin/templates/{id}/{version}", get(template_pages::show))
        .route(
            "/admin/templates/{id}/{version}/publish",
            post(template_pages::publish),
        )
}
