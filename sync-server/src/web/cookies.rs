//! The `Secure` flag on every cookie the server sets, when the browser reached it over HTTPS.
//!
//! The relay speaks plain HTTP itself; HTTPS is a reverse proxy's job (nginx, a load
//! balancer). So the server cannot see the scheme and is told: `--secure-cookies on` marks
//! every cookie Secure, `off` none (plain HTTP on a LAN, for trials), and `auto` — the
//! default — marks them all Secure unless the server listens on loopback only, where it marks
//! them when the proxy in front says the browser used HTTPS (`X-Forwarded-Proto: https` or
//! `Forwarded: proto=https`). Trusting that header is safe in this direction: a forged one
//! can only make a cookie stricter, never drop the flag.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::app::AppState;

/// When cookies carry `Secure`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CookieSecurity {
    /// Always: the server is only ever reached over HTTPS.
    Always,
    /// When the proxy in front says the request came over HTTPS.
    #[default]
    WhenForwardedHttps,
    /// Never: plain HTTP without a proxy (a trial on a LAN).
    Never,
}

impl CookieSecurity {
    /// `auto`, `on` or `off` for a server listening on `listen`.
    pub fn choose(setting: &str, listen: std::net::SocketAddr) -> Option<CookieSecurity> {
        match setting {
            "on" => Some(CookieSecurity::Always),
            "off" => Some(CookieSecurity::Never),
            "auto" if listen.ip().is_loopback() => Some(CookieSecurity::WhenForwardedHttps),
            "auto" => Some(CookieSecurity::Always),
            _ => None,
        }
    }
}

fn forwarded_https(headers: &HeaderMap) -> bool {
    let says = |name: header::HeaderName, test: fn(&str) -> bool| {
        headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(test)
    };
    says(header::HeaderName::from_static("x-forwarded-proto"), |v| {
        v.split(',')
            .next()
            .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"))
    }) || says(header::FORWARDED, |v| {
        v.split([';', ','])
            .any(|kv| kv.trim().eq_ignore_ascii_case("proto=https"))
    })
}

/// Adds `Secure` to the response's cookies when the request came over HTTPS.
pub async fn secure(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let https = match state.cookies {
        CookieSecurity::Always => true,
        CookieSecurity::Never => false,
        CookieSecurity::WhenForwardedHttps => forwarded_https(req.headers()),
    };
    let mut resp = next.run(req).await;
    if !https {
        return resp;
    }
    let set: Vec<HeaderValue> = resp
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .cloned()
        .collect();
    resp.headers_mut().remove(header::SET_COOKIE);
    for v in set {
        let marked = match v.to_str() {
            Ok(text) if !text.to_ascii_lowercase().contains("; secure") => {
                HeaderValue::from_str(&format!("{text}; Secure")).unwrap_or(v)
            }
            _ => v,
        };
        resp.headers_mut().append(header::SET_COOKIE, marked);
    }
    resp
}
