//! The supervisor web pages over real HTTP: sign-in with argon2 passwords, session cookies,
//! CSRF on every form, drill-down street → community → grid → record, exports, and the
//! authorization matrix (every page and export × role × in-scope / out-of-scope node).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod http_support;

use gridkeeper_core::{Kind, RecordId};
use gridkeeper_server::admin;
use gridkeeper_server::web::cookies::CookieSecurity;
use http_support::Street;
use reqwest::redirect::Policy;
use serde_json::json;

struct Browser {
    http: reqwest::Client,
    base: String,
    cookies: Vec<(String, String)>,
}

fn hidden(html: &str, name: &str) -> String {
    let key = format!("name=\"{name}\" value=\"");
    let at = html
        .find(&key)
        .unwrap_or_else(|| panic!("no {name} in {html}"))
        + key.len();
    html[at..].split('"').next().unwrap().to_string()
}

impl Browser {
    fn new(base: &str) -> Browser {
        Browser {
            http: reqwest::Client::builder()
                .redirect(Policy::none())
                .build()
                .unwrap(),
            base: base.to_string(),
            cookies: vec![],
        }
    }

    fn keep(&mut self, resp: &reqwest::Response) {
        for v in resp.headers().get_all("set-cookie") {
            let v = v.to_str().unwrap();
            let pair = v.split(';').next().unwrap();
            let (k, val) = pair.split_once('=').unwrap();
            self.cookies.retain(|(n, _)| n != k);
            if !val.is_empty() {
                self.cookies.push((k.to_string(), val.to_string()));
            }
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn get(&mut self, path: &str) -> reqwest::Response {
        let resp = self
            .http
            .get(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        self.keep(&resp);
        resp
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        let resp = self
            .http
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .form(form)
            .send()
            .await
            .unwrap();
        self.keep(&resp);
        resp
    }

    /// A multipart/form-data post, as a browser sends a form with a file input.
    async fn post_file(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file: &[u8],
    ) -> reqwest::Response {
        let boundary = "----gk-test-boundary-7d1f";
        let mut body = Vec::new();
        for (k, v) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"form.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(file);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let resp = self
            .http
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .unwrap();
        self.keep(&resp);
        resp
    }

    async fn login(&mut self, name: &str, pw: &str) -> reqwest::Response {
        let form = self.get("/login").await.text().await.unwrap();
        let token = hidden(&form, "csrf");
        self.post(
            "/login",
            &[
                ("name", name),
                ("password", pw),
                ("csrf", &token),
                ("next", "/"),
            ],
        )
        .await
    }

    /// The CSRF token of the signed-in page.
    async fn csrf(&mut self) -> String {
        let html = self.get("/r/population").await.text().await.unwrap();
        hidden(&html, "csrf")
    }
}

const PW: &str = "correct horse battery";

async fn street() -> (Street, RecordId, RecordId) {
    let street = http_support::start().await.street().await;
    street.web_passwords(PW).await;
    let mut a = street.enroll("worker-a").await;
    let h = a.store
        .create_json(
            Kind::Household,
            "g1",
            json!({"address": {"community": "幸福社区", "building": "3", "room": "101"}, "housing_type": "rented",
                   "members": [{"name": "张三", "id_number": "11010519491231002X", "phone": "13812345678", "tags": ["solitary_elderly"]}]}),
        )
        .unwrap();
    let mut b = street.enroll("worker-b").await;
    let other = b.add_household("g3", "201", "李四");
    a.sync(&street.relay).await;
    b.sync(&street.relay).await;
    (street, h, other)
}

#[tokio::test]
async fn sign_in_sessions_and_csrf() {
    let (street, _, _) = street().await;
    let mut br = Browser::new(street.base());
    // Not signed in: pages send you to the sign-in form.
    let r = br.get("/r/population?node=c1").await;
    assert_eq!(r.status(), 303);
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/login?next=")
    );
    // A form posted without its login cookie is refused (CSRF on the sign-in form).
    let r = Browser::new(street.base())
        .post(
            "/login",
            &[("name", "super-c1"), ("password", PW), ("csrf", "x")],
        )
        .await;
    assert_eq!(r.status(), 403);
    // Wrong password; a worker has no web sign-in.
    assert_eq!(br.login("super-c1", "wrong password!").await.status(), 401);
    assert_eq!(br.login("worker-a", PW).await.status(), 401);
    assert_eq!(br.login("nobody", PW).await.status(), 401);
    let r = br.login("super-c1", PW).await;
    assert_eq!(r.status(), 303);
    let set = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect::<Vec<_>>();
    let session = set.iter().find(|c| c.starts_with("gk_session=")).unwrap();
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Strict"),
        "{session}"
    );
    // The stored session is a hash: the cookie value is not in the database.
    let value = session
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("gk_session=");
    let rows = street
        .relay
        .storage
        .report_query(&gridkeeper_server::reports::sql::Stmt::new(
            "SELECT id_hash FROM web_sessions",
            vec![],
        ))
        .await
        .unwrap();
    assert!(rows.iter().all(|r| r[0].text() != value));

    let page = br.get("/r/population?node=c1").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("幸福社区") && html.contains("一标三实"));
    // Logout needs the form token.
    assert_eq!(br.post("/logout", &[("csrf", "wrong")]).await.status(), 403);
    assert_eq!(br.post("/logout", &[]).await.status(), 403);
    let token = br.csrf().await;
    assert_eq!(br.post("/logout", &[("csrf", &token)]).await.status(), 303);
    assert_eq!(
        br.get("/r/population?node=c1").await.status(),
        303,
        "the session is gone"
    );
}

#[tokio::test]
async fn drill_down_from_street_to_record_and_export() {
    let (street, h, _) = street().await;
    let mut br = Browser::new(street.base());
    assert_eq!(br.login("root", PW).await.status(), 303);
    let s1 = br.get("/r/population?node=s1").await.text().await.unwrap();
    assert!(
        s1.contains("/r/population?node=c1"),
        "street links to its communities"
    );
    assert!(s1.contains("<svg"), "charts are inline SVG");
    let c1 = br.get("/r/population?node=c1").await.text().await.unwrap();
    assert!(c1.contains("/r/population?node=g1"));
    assert!(
        c1.contains("/l/households?node=g1"),
        "a figure links to its records"
    );
    let list = br.get("/l/households?node=g1").await.text().await.unwrap();
    let rec_link = format!("/rec/{h}");
    assert!(list.contains(&rec_link), "{list}");
    let rec = br.get(&rec_link).await;
    assert_eq!(rec.status(), 200);
    let rec = rec.text().await.unwrap();
    assert!(
        rec.contains("id=\"history\"") && rec.contains("worker-a"),
        "history names who"
    );
    // An administrator sees the ID number whole; a supervisor sees it masked.
    assert!(rec.contains("11010519491231002X"));
    let mut sup = Browser::new(street.base());
    sup.login("super-c1", PW).await;
    let masked = sup.get(&rec_link).await.text().await.unwrap();
    assert!(masked.contains("110105********002X") && !masked.contains("11010519491231002X"));
    // Exports from the page.
    let x = sup.get("/x/l/members?node=c1&format=xlsx").await;
    assert_eq!(x.status(), 200);
    assert!(
        x.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(".xlsx")
    );
    // English switch.
    br.get("/lang/en?back=/r/cases").await;
    let en = br.get("/r/cases?node=s1").await.text().await.unwrap();
    assert!(en.contains("Cases by state"), "{en}");
}

/// Every page and export, for each role, inside and outside the caller's scope.
#[tokio::test]
async fn authorization_matrix() {
    let (street, h_c1, h_c2) = street().await;
    let mut sup = Browser::new(street.base());
    sup.login("super-c1", PW).await;
    let mut root = Browser::new(street.base());
    root.login("root", PW).await;
    let mut anon = Browser::new(street.base());

    let mut paths: Vec<(String, bool)> = vec![]; // (path, inside c1)
    for node in ["c1", "c2"] {
        let inside = node == "c1";
        for r in gridkeeper_server::reports::queries::REPORTS {
            paths.push((format!("/r/{r}?node={node}"), inside));
            paths.push((format!("/x/r/{r}?node={node}&format=csv"), inside));
            paths.push((format!("/x/r/{r}?node={node}&format=xlsx"), inside));
        }
        for l in gridkeeper_server::reports::lists::names() {
            paths.push((format!("/l/{l}?node={node}"), inside));
            paths.push((format!("/x/l/{l}?node={node}&format=csv"), inside));
        }
        for l in gridkeeper_server::ledgers::built_in() {
            paths.push((format!("/ledgers/{}?node={node}", l.id), inside));
            paths.push((format!("/x/ledgers/{}?node={node}", l.id), inside));
        }
        paths.push((format!("/ledgers?node={node}"), inside));
    }
    paths.push(("/work-orders".into(), true));
    paths.push(("/x/work-orders?format=csv".into(), true));
    paths.push((format!("/rec/{h_c1}"), true));
    paths.push((format!("/rec/{h_c2}"), false));
    let mut checked = 0;
    for (path, inside) in &paths {
        assert_eq!(anon.get(path).await.status(), 303, "anonymous {path}");
        let want = if *inside { 200 } else { 403 };
        assert_eq!(
            sup.get(path).await.status(),
            want,
            "supervisor of c1: {path}"
        );
        assert_eq!(root.get(path).await.status(), 200, "admin: {path}");
        checked += 3;
    }
    // Admin pages and forms: supervisors are refused; forms need the CSRF token.
    assert_eq!(sup.get("/admin").await.status(), 403);
    assert_eq!(root.get("/admin").await.status(), 200);
    let devices = street.relay.storage.devices().await.unwrap();
    let phone = devices
        .iter()
        .find(|d| d.actor.is_some())
        .unwrap()
        .id
        .clone();
    let revoke = format!("/admin/devices/{phone}/revoke");
    let sup_token = sup.csrf().await;
    assert_eq!(
        sup.post(&revoke, &[("csrf", &sup_token)]).await.status(),
        403
    );
    assert_eq!(
        root.post(&revoke, &[("csrf", "forged")]).await.status(),
        403
    );
    assert_eq!(root.post(&revoke, &[]).await.status(), 403);
    assert_eq!(anon.post(&revoke, &[]).await.status(), 303);
    let d = street.relay.storage.devices().await.unwrap();
    assert!(
        d.iter()
            .find(|x| x.id == phone)
            .unwrap()
            .revoked_at
            .is_none(),
        "no forged revoke took"
    );
    // Before revoking, the page says what each phone holds unsynced and when it was seen.
    let page = root.get("/admin").await.text().await.unwrap();
    assert!(
        page.contains("class=\"handover\""),
        "the devices table says what each holds"
    );
    let root_token = root.csrf().await;
    assert_eq!(
        root.post(&revoke, &[("csrf", &root_token)]).await.status(),
        303
    );
    let d = street.relay.storage.devices().await.unwrap();
    assert!(
        d.iter()
            .find(|x| x.id == phone)
            .unwrap()
            .revoked_at
            .is_some()
    );
    // The revocation is audited under the administrator's name; the device stays listed.
    let log = gridkeeper_server::handover::log(street.relay.storage.as_ref())
        .await
        .unwrap();
    assert!(
        log.iter()
            .any(|a| a.action == "revoke" && a.device_id.as_deref() == Some(phone.as_str())),
        "{log:?}"
    );
    let page = root.get("/admin").await.text().await.unwrap();
    assert!(page.contains(&phone), "a revoked device stays visible");
    let code = root
        .post(
            "/admin/enroll-code",
            &[("csrf", &root_token), ("user", "worker-a")],
        )
        .await;
    assert_eq!(code.status(), 200);
    assert!(code.text().await.unwrap().contains("id=\"notice\""));
    assert_eq!(
        root.post("/admin/enroll-code", &[("user", "worker-a")])
            .await
            .status(),
        403
    );
    // Grid, user and password forms: CSRF and role, then they take.
    for (path, form) in [
        (
            "/admin/grids",
            vec![("id", "g4"), ("name", "第四网格"), ("parent", "c2")],
        ),
        (
            "/admin/users",
            vec![
                ("name", "super-c2"),
                ("role", "supervisor"),
                ("scope", "c2"),
            ],
        ),
    ] {
        let mut with_token = form.clone();
        with_token.push(("csrf", &sup_token));
        assert_eq!(
            sup.post(path, &with_token).await.status(),
            403,
            "supervisor {path}"
        );
        assert_eq!(
            root.post(path, &form).await.status(),
            403,
            "no token {path}"
        );
        let mut with_token = form.clone();
        with_token.push(("csrf", &root_token));
        assert_eq!(
            root.post(path, &with_token).await.status(),
            200,
            "admin {path}"
        );
    }
    assert!(
        street
            .relay
            .storage
            .grids()
            .await
            .unwrap()
            .iter()
            .any(|g| g.id == "g4")
    );
    let pw = [("user", "super-c2"), ("password", "another long password")];
    assert_eq!(root.post("/admin/passwd", &pw).await.status(), 403);
    let mut with_token = pw.to_vec();
    with_token.push(("csrf", &root_token));
    assert_eq!(root.post("/admin/passwd", &with_token).await.status(), 200);
    let mut c2 = Browser::new(street.base());
    assert_eq!(
        c2.login("super-c2", "another long password").await.status(),
        303
    );
    assert_eq!(c2.get("/r/cases?node=c2").await.status(), 200);
    assert_eq!(c2.get("/r/cases?node=c1").await.status(), 403);
    eprintln!("authorization matrix: {checked} page/export × role checks");
}

/// The street with a signed-in supervisor of c1, a signed-in administrator, a stranger,
/// and the two sessions' form tokens.
async fn signed_in() -> (Street, Browser, Browser, Browser, String, String) {
    let (street, _, _) = street().await;
    let mut sup = Browser::new(street.base());
    sup.login("super-c1", PW).await;
    let mut root = Browser::new(street.base());
    root.login("root", PW).await;
    let anon = Browser::new(street.base());
    let sup_token = sup.csrf().await;
    let root_token = root.csrf().await;
    (street, sup, root, anon, sup_token, root_token)
}

/// A checklist form with one row the importer cannot use (a `date`, survey row 4).
fn checklist_form() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("survey").unwrap();
    let rows: &[&[&str]] = &[
        &["type", "name", "label", "hazard_category", "severity"],
        &["pass_fail_na", "extinguisher", "灭火器完好", "fire", "high"],
        &["pass_fail_na", "hose", "燃气软管未老化", "gas", "critical"],
        &["date", "checked_on", "检查日期"],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *cell).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

/// Uploading an XLSForm on the admin page, reading its import report, publishing it: CSRF
/// and the administrator role checked on both forms, the page behind a session.
#[tokio::test]
async fn checklist_templates_from_the_admin_page() {
    let (street, mut sup, mut root, mut anon, sup_token, root_token) = signed_in().await;
    let form = checklist_form();
    let fields =
        |token: &'static str| vec![("id", "shop_check"), ("version", "1"), ("csrf", token)];
    let leak = |t: &str| -> &'static str { Box::leak(t.to_string().into_boxed_str()) };

    let admin = root.get("/admin").await.text().await.unwrap();
    assert!(admin.contains("id=\"template-upload\"") && admin.contains("multipart/form-data"));
    assert_eq!(
        anon.post_file("/admin/templates", &fields("x"), &form)
            .await
            .status(),
        303
    );
    assert_eq!(
        sup.post_file("/admin/templates", &fields(leak(&sup_token)), &form)
            .await
            .status(),
        403,
        "supervisor"
    );
    assert_eq!(
        root.post_file("/admin/templates", &fields("forged"), &form)
            .await
            .status(),
        403,
        "forged token"
    );
    assert_eq!(
        root.post_file(
            "/admin/templates",
            &[("id", "shop_check"), ("version", "1")],
            &form
        )
        .await
        .status(),
        403,
        "no token"
    );
    assert!(
        gridkeeper_server::templates::list(street.relay.storage.as_ref())
            .await
            .unwrap()
            .is_empty()
    );
    // Bad bytes: a 400 page naming the problem.
    let bad = root
        .post_file("/admin/templates", &fields(leak(&root_token)), b"garbage")
        .await;
    assert_eq!(bad.status(), 400);
    assert!(bad.text().await.unwrap().contains("不是可读取的电子表格"));

    let ok = root
        .post_file("/admin/templates", &fields(leak(&root_token)), &form)
        .await;
    assert_eq!(ok.status(), 200);
    let html = ok.text().await.unwrap();
    assert!(html.contains("id=\"issues\""), "{html}");
    assert!(
        html.contains(
            "<td><code>survey</code></td><td class=\"num\">4</td><td><code>type</code></td><td>不支持类型 <code>date</code>；此行已跳过</td>"
        ),
        "{html}"
    );
    assert!(
        html.contains("灭火器完好") && html.contains("id=\"publish\""),
        "{html}"
    );
    assert!(html.contains("草稿"));

    let view = "/admin/templates/shop_check/1";
    assert_eq!(anon.get(view).await.status(), 303);
    assert_eq!(sup.get(view).await.status(), 403);
    assert_eq!(root.get(view).await.status(), 200);
    assert_eq!(
        root.get("/admin/templates/shop_check/2").await.status(),
        404
    );
    let publish = "/admin/templates/shop_check/1/publish";
    assert_eq!(anon.post(publish, &[]).await.status(), 303);
    assert_eq!(
        sup.post(publish, &[("csrf", &sup_token)]).await.status(),
        403
    );
    assert_eq!(
        root.post(publish, &[("csrf", "forged")]).await.status(),
        403
    );
    assert_eq!(root.post(publish, &[]).await.status(), 403);
    let stored = gridkeeper_server::templates::list(street.relay.storage.as_ref())
        .await
        .unwrap();
    assert_eq!(
        stored[0].status,
        gridkeeper_server::templates::Status::Draft
    );
    let done = root.post(publish, &[("csrf", &root_token)]).await;
    assert_eq!(done.status(), 200);
    let html = done.text().await.unwrap();
    assert!(
        html.contains("已发布") && !html.contains("id=\"publish\""),
        "{html}"
    );
    // Frozen: publishing again or uploading the same version is refused.
    assert_eq!(
        root.post(publish, &[("csrf", &root_token)]).await.status(),
        409
    );
    let again = root
        .post_file("/admin/templates", &fields(leak(&root_token)), &form)
        .await;
    assert_eq!(again.status(), 409);
    let again = again.text().await.unwrap();
    assert!(again.contains("已发布的版本不可更改"), "in words: {again}");
    let bad_id = root
        .post_file(
            "/admin/templates",
            &[
                ("id", "9 lives"),
                ("version", "1"),
                ("csrf", leak(&root_token)),
            ],
            &form,
        )
        .await;
    assert_eq!(bad_id.status(), 400);
    assert!(
        bad_id
            .text()
            .await
            .unwrap()
            .contains("模板编号为 1–64 个字符")
    );
    let admin = root.get("/admin").await.text().await.unwrap();
    assert!(admin.contains("href=\"/admin/templates/shop_check/1\""));
}

async fn login_cookie(base: &str, headers: &[(&str, &str)]) -> String {
    let mut req = reqwest::Client::new().get(format!("{base}/login"));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = req.send().await.unwrap();
    resp.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("gk_login="))
        .unwrap()
}

async fn relay_with(cookies: CookieSecurity) -> String {
    let dir = Box::leak(Box::new(tempfile::tempdir().unwrap()));
    let storage: std::sync::Arc<dyn gridkeeper_server::storage::Storage> = std::sync::Arc::new(
        gridkeeper_server::storage::sqlite::SqliteStorage::open(&dir.path().join("r.db")).unwrap(),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = gridkeeper_server::app::AppState::new(
        storage,
        gridkeeper_server::app::Limits::default(),
        gridkeeper_server::rate_limit::RateLimit {
            burst: 100.0,
            per_second: 100.0,
        },
    )
    .with_cookies(cookies);
    tokio::spawn(async move {
        let _ = axum::serve(listener, gridkeeper_server::app::router(state)).await;
    });
    format!("http://{addr}")
}

/// `Secure` on cookies: always when told, never when told, and by default (a loopback
/// listener behind a proxy) when the proxy says the browser used HTTPS.
#[tokio::test]
async fn cookies_are_secure_over_https() {
    let auto = |a: &str| CookieSecurity::choose("auto", a.parse().unwrap());
    assert_eq!(auto("0.0.0.0:8080"), Some(CookieSecurity::Always));
    assert_eq!(auto("192.168.1.5:80"), Some(CookieSecurity::Always));
    assert_eq!(
        auto("127.0.0.1:8080"),
        Some(CookieSecurity::WhenForwardedHttps)
    );
    assert_eq!(auto("[::1]:8080"), Some(CookieSecurity::WhenForwardedHttps));
    let any: std::net::SocketAddr = "127.0.0.1:1".parse().unwrap();
    assert_eq!(
        CookieSecurity::choose("on", any),
        Some(CookieSecurity::Always)
    );
    assert_eq!(
        CookieSecurity::choose("off", any),
        Some(CookieSecurity::Never)
    );
    assert_eq!(CookieSecurity::choose("yes", any), None);

    let (street, _, _) = street().await;
    let plain = login_cookie(street.base(), &[]).await;
    assert!(!plain.contains("Secure"), "{plain}");
    for header in [
        ("x-forwarded-proto", "https"),
        ("forwarded", "for=192.0.2.60;proto=https;by=203.0.113.43"),
    ] {
        let c = login_cookie(street.base(), &[header]).await;
        assert!(c.ends_with("; Secure") && c.contains("HttpOnly"), "{c}");
    }
    assert!(
        !login_cookie(street.base(), &[("x-forwarded-proto", "http")])
            .await
            .contains("Secure")
    );
    // The session cookie of a sign-in through an HTTPS proxy.
    let http = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap();
    let form = http
        .get(format!("{}/login", street.base()))
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .unwrap();
    let login = form
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
        .next()
        .unwrap();
    let token = hidden(&form.text().await.unwrap(), "csrf");
    let r = http
        .post(format!("{}/login", street.base()))
        .header("x-forwarded-proto", "https")
        .header("cookie", login)
        .form(&[
            ("name", "super-c1"),
            ("password", PW),
            ("csrf", &token),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let session = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("gk_session="))
        .unwrap();
    for flag in ["HttpOnly", "SameSite=Strict", "Secure"] {
        assert!(session.contains(flag), "{session}");
    }

    let always = relay_with(CookieSecurity::Always).await;
    assert!(login_cookie(&always, &[]).await.ends_with("; Secure"));
    let never = relay_with(CookieSecurity::Never).await;
    assert!(
        !login_cookie(&never, &[("x-forwarded-proto", "https")])
            .await
            .contains("Secure")
    );
}

/// Editing a user's scope on the admin page: administrators only, with the form token,
/// refusing nodes outside the tree; the new reach applies from the next request.
#[tokio::test]
async fn admin_edits_a_users_scope() {
    let (street, mut sup, mut root, mut anon, sup_token, root_token) = signed_in().await;
    let admin_html = root.get("/admin").await.text().await.unwrap();
    assert!(admin_html.contains("action=\"/admin/scope\""));
    let scope_of = |name: &'static str| {
        let s = street.relay.storage.clone();
        async move { admin::find_user(&s, name).await.unwrap().scope }
    };

    let form = |token: &str, scope: &str| {
        vec![
            ("csrf".to_string(), token.to_string()),
            ("user".to_string(), "super-c1".to_string()),
            ("scope".to_string(), scope.to_string()),
        ]
    };
    let post = |b: &mut Browser, f: Vec<(String, String)>| {
        let pairs: Vec<(String, String)> = f;
        let base = b.base.clone();
        let cookie = b.cookie_header();
        let http = b.http.clone();
        async move {
            http.post(format!("{base}/admin/scope"))
                .header("cookie", cookie)
                .form(&pairs)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(post(&mut anon, form("", "c2")).await, 303);
    assert_eq!(
        post(&mut sup, form(&sup_token, "s1")).await,
        403,
        "a supervisor widening its own scope"
    );
    assert_eq!(post(&mut root, form("forged", "c2")).await, 403);
    assert_eq!(post(&mut root, form("", "c2")).await, 403);
    assert_eq!(
        post(&mut root, form(&root_token, "c2,nowhere")).await,
        400,
        "unknown node"
    );
    assert_eq!(
        post(&mut root, form(&root_token, " ")).await,
        400,
        "empty scope"
    );
    assert_eq!(scope_of("super-c1").await, ["c1"], "nothing refused took");
    assert_eq!(sup.get("/r/cases?node=c2").await.status(), 403);

    assert_eq!(post(&mut root, form(&root_token, "c2，g1 c2")).await, 200);
    assert_eq!(scope_of("super-c1").await, ["c2", "g1"]);
    // The same session reaches the new scope at once, and no longer the old.
    assert_eq!(sup.get("/r/cases?node=c2").await.status(), 200);
    assert_eq!(sup.get("/r/cases?node=g1").await.status(), 200);
    assert_eq!(sup.get("/r/cases?node=c1").await.status(), 403);
    // Unknown user: 404.
    let mut nobody = form(&root_token, "c2");
    nobody[1].1 = "nobody".into();
    assert_eq!(post(&mut root, nobody).await, 404);
}

/// A rescue file imported from the admin page: CSRF and the administrator role checked, then
/// the phone's work is on the relay and the import is in the audit log.
#[tokio::test]
async fn a_rescue_file_from_the_admin_page() {
    let (street, mut sup, mut root, _anon, sup_token, root_token) = signed_in().await;
    let mut phone = street.enroll("worker-a").await;
    phone.store.set_meta("sync_token", &phone.token).unwrap();
    phone
        .store
        .set_meta("sync_device", &phone.device_id)
        .unwrap();
    let h = phone.add_household("g1", "909", "王五");
    let (file, made) = phone.store.rescue_file().unwrap();
    assert_eq!((made.records, made.changes), (1, 1));

    let admin = root.get("/admin").await.text().await.unwrap();
    assert!(admin.contains("id=\"rescue-upload\""));
    assert_eq!(
        sup.post_file("/admin/rescue", &[("csrf", &sup_token)], &file)
            .await
            .status(),
        403,
        "supervisor"
    );
    assert_eq!(
        root.post_file("/admin/rescue", &[("csrf", "forged")], &file)
            .await
            .status(),
        403,
        "forged token"
    );
    let storage = street.relay.storage.clone();
    assert!(storage.document(&h.to_string()).await.unwrap().is_none());

    let done = root
        .post_file("/admin/rescue", &[("csrf", &root_token)], &file)
        .await;
    assert_eq!(done.status(), 200);
    let page = done.text().await.unwrap();
    assert!(page.contains(&phone.device_id), "{page}");
    assert!(storage.document(&h.to_string()).await.unwrap().is_some());
    assert!(page.contains("导入救援文件"), "the audit log shows it");
    assert!(
        page.contains(&format!(
            "设备 {}：1 条修改收下 1 条、拒收 0 条",
            phone.device_id
        )),
        "the audit log says what the import did in words: {page}"
    );

    let mut tampered = file.clone();
    let at = tampered.len() - 3;
    tampered[at] ^= 1;
    let refused = root
        .post_file("/admin/rescue", &[("csrf", &root_token)], &tampered)
        .await;
    assert_eq!(refused.status(), 400);
    let said = refused.text().await.unwrap();
    assert!(said.contains("救援文件未通过校验"), "{said}");
}

/// An erasure from the admin page: CSRF and the administrator role checked, then the record
/// is gone from the relay and the page says what was erased.
#[tokio::test]
async fn an_erasure_from_the_admin_page() {
    let (street, mut sup, mut root, _anon, sup_token, root_token) = signed_in().await;
    let mut phone = street.enroll("worker-a").await;
    let h = phone.add_household("g1", "909", "王五");
    phone.sync(&street.relay).await;
    let id = h.to_string();
    let admin = root.get("/admin").await.text().await.unwrap();
    assert!(admin.contains("id=\"erase\""));
    fn form<'a>(csrf: &'a str, id: &'a str) -> [(&'static str, &'a str); 4] {
        [
            ("csrf", csrf),
            ("record_id", id),
            ("whole", "1"),
            ("reason", "登记错误"),
        ]
    }
    let as_sup = form(&sup_token, &id);
    assert_eq!(
        sup.post("/admin/erase", &as_sup).await.status(),
        403,
        "supervisor"
    );
    let storage = street.relay.storage.clone();
    assert!(storage.document(&id).await.unwrap().is_some());

    let as_root = form(&root_token, &id);
    let done = root.post("/admin/erase", &as_root).await;
    assert_eq!(done.status(), 200);
    let page = done.text().await.unwrap();
    assert!(page.contains(&id), "{page}");
    assert!(!page.contains("王五"), "the page names no erased value");
    assert!(storage.document(&id).await.unwrap().is_none());
    assert_eq!(
        storage.erased(&id).await.unwrap(),
        Some(gridkeeper_server::storage::Erased::Whole)
    );
}

/// Grid codes from the admin page: a node added with its code, a tree imported from a CSV of
/// codes and names (CSRF and the administrator role checked), imported again to no effect,
/// and a bad file refused line by line in words, with nothing written.
#[tokio::test]
async fn grid_codes_from_the_admin_page() {
    let (street, mut sup, mut root, _anon, sup_token, root_token) = signed_in().await;
    let admin = root.get("/admin").await.text().await.unwrap();
    assert!(admin.contains("id=\"grid-import\"") && admin.contains("name=\"code\""));

    let added = root
        .post(
            "/admin/grids",
            &[
                ("csrf", &root_token),
                ("id", "pd"),
                ("name", "浦东新区"),
                ("parent", ""),
                ("code", "310115"),
            ],
        )
        .await;
    assert_eq!(added.status(), 200);
    let page = added.text().await.unwrap();
    assert!(page.contains("<code>310115</code>"), "{page}");

    let csv = "编码,名称\n310115005,花木街道\n310115005001,牡丹社区\n".as_bytes();
    assert_eq!(
        sup.post_file("/admin/grids/import", &[("csrf", &sup_token)], csv)
            .await
            .status(),
        403,
        "supervisor"
    );
    assert_eq!(
        root.post_file("/admin/grids/import", &[("csrf", "forged")], csv)
            .await
            .status(),
        403,
        "forged token"
    );
    let storage = street.relay.storage.clone();
    let before = storage.grids().await.unwrap().len();

    let done = root
        .post_file("/admin/grids/import", &[("csrf", &root_token)], csv)
        .await;
    assert_eq!(done.status(), 200);
    let page = done.text().await.unwrap();
    assert!(page.contains("新增 2 个节点，已有 0 个"), "{page}");
    assert!(page.contains("<code>310115005001</code>"), "{page}");
    let grids = storage.grids().await.unwrap();
    assert_eq!(grids.len(), before + 2);
    assert!(
        grids
            .iter()
            .any(|g| g.id == "310115005" && g.parent.as_deref() == Some("pd"))
    );

    let again = root
        .post_file("/admin/grids/import", &[("csrf", &root_token)], csv)
        .await;
    let page = again.text().await.unwrap();
    assert!(page.contains("文件中 2 个节点均已存在"), "{page}");

    let bad = "编码,名称\n310115009001,无上级\n310115005002,\n".as_bytes();
    let refused = root
        .post_file("/admin/grids/import", &[("csrf", &root_token)], bad)
        .await;
    assert_eq!(refused.status(), 400);
    let page = refused.text().await.unwrap();
    assert!(page.contains("文件有 2 处问题"), "{page}");
    assert!(
        page.contains("第 2 行：上级编码 310115009 既不在文件中，也不在网格树中"),
        "{page}"
    );
    assert!(page.contains("第 3 行：名称为 1–100 个字符"), "{page}");
    assert_eq!(storage.grids().await.unwrap().len(), before + 2);
}

/// The ledgers from the pages: a supervisor picks a unit and last month by default, reads a
/// ledger masked and downloads its spreadsheet; an administrator changes its columns on the
/// admin page, and the next ledger follows them.
#[tokio::test]
async fn ledgers_from_the_pages() {
    let (street, mut sup, mut root, _anon, sup_token, root_token) = signed_in().await;
    let today = gridkeeper_server::reports::scope::local_date(chrono::Utc::now());
    let first_this = today - chrono::Duration::days(i64::from(chrono::Datelike::day(&today)) - 1);
    let last_month_end = first_this - chrono::Duration::days(1);

    let index = sup.get("/ledgers").await;
    assert_eq!(index.status(), 200);
    let html = index.text().await.unwrap();
    for title in [
        "走访台账",
        "隐患排查整改台账",
        "矛盾纠纷排查化解台账",
        "特殊群体帮扶台账",
        "民情日志",
    ] {
        assert!(html.contains(title), "{title} listed");
    }
    assert!(
        html.contains(&format!("name=\"to\" value=\"{last_month_end}\"")),
        "last month is the default period"
    );
    assert!(
        !html.contains("/admin/ledgers/"),
        "no edit link for a supervisor"
    );

    let from = (today - chrono::Duration::days(7)).to_string();
    let q = format!("node=c1&from={from}&to={today}");
    let page = sup.get(&format!("/ledgers/special_groups?{q}")).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("幸福社区特殊群体帮扶台账"));
    assert!(html.contains("张三") && html.contains("独居老人"));
    assert!(html.contains("110105********002X"));
    assert!(
        !html.contains("11010519491231002X"),
        "masked for a supervisor"
    );
    let xlsx = sup.get(&format!("/x/ledgers/special_groups?{q}")).await;
    assert_eq!(xlsx.status(), 200);
    assert!(
        xlsx.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );

    assert_eq!(sup.get("/admin/ledgers/hazards").await.status(), 403);
    let refused = sup
        .post(
            "/admin/ledgers/hazards",
            &[
                ("csrf", sup_token.as_str()),
                ("source", "hazards"),
                ("title", "x"),
                ("columns", "序号 = seq"),
            ],
        )
        .await;
    assert_eq!(refused.status(), 403);

    let form = root
        .get("/admin/ledgers/hazards")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        form.contains("场所名称 = place_name"),
        "the columns as lines"
    );
    assert!(
        form.contains("rechecked_on") && form.contains("复查日期"),
        "the fields to pick from"
    );
    let bad = root
        .post(
            "/admin/ledgers/hazards",
            &[
                ("csrf", root_token.as_str()),
                ("source", "hazards"),
                ("title", "隐患台账"),
                ("columns", "序号 = seq\n没有等号"),
            ],
        )
        .await;
    assert_eq!(bad.status(), 400);
    assert!(bad.text().await.unwrap().contains("line 2"));
    let saved = root
        .post(
            "/admin/ledgers/hazards",
            &[
                ("csrf", root_token.as_str()),
                ("source", "hazards"),
                ("title", "隐患台账"),
                ("columns", "序号 = seq\n描述＝description\n\n状态 = state"),
            ],
        )
        .await;
    assert_eq!(saved.status(), 200);
    let html = sup
        .get(&format!("/ledgers/hazards?{q}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("<th>描述</th>") && html.contains("<th>状态</th>"));
    assert!(!html.contains("<th>场所名称</th>"));
    let reset = root
        .post(
            "/admin/ledgers/hazards/reset",
            &[("csrf", root_token.as_str())],
        )
        .await;
    assert_eq!(reset.status(), 200);
    let html = sup
        .get(&format!("/ledgers/hazards?{q}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("<th>场所名称</th>"));
    drop(street);
}

/// Work orders from the pages: a supervisor uploads the hotline's CSV, sees the orders as
/// they stand, and downloads the results to send back; a refused file names its lines.
#[tokio::test]
async fn work_orders_from_the_pages() {
    let (street, mut sup, _root, mut anon, sup_token, _root_token) = signed_in().await;
    let deadline = (chrono::Utc::now() + chrono::Duration::days(2))
        .format("%Y-%m-%d")
        .to_string();
    let bad = format!(
        "工单编号,来源,网格,诉求内容,办结时限\nGD7,12345,g1,井盖松动,{deadline}\nGD8,12345,g3,路灯不亮,{deadline}\n"
    );
    let refused = sup
        .post_file(
            "/work-orders",
            &[("csrf", sup_token.as_str())],
            bad.as_bytes(),
        )
        .await;
    assert_eq!(refused.status(), 400);
    let html = refused.text().await.unwrap();
    assert!(
        html.contains("第 3 行") && html.contains("outside your scope"),
        "{html}"
    );
    assert!(!html.contains("GD7"), "nothing imported");

    let good = format!("工单编号,来源,网格,诉求内容,办结时限\nGD7,12345,g1,井盖松动,{deadline}\n");
    let wrong_token = sup
        .post_file("/work-orders", &[("csrf", "x")], good.as_bytes())
        .await;
    assert_eq!(wrong_token.status(), 403);
    let done = sup
        .post_file(
            "/work-orders",
            &[("csrf", sup_token.as_str())],
            good.as_bytes(),
        )
        .await;
    assert_eq!(done.status(), 200);
    let html = done.text().await.unwrap();
    assert!(html.contains("已导入 1 件工单"), "{html}");
    assert!(html.contains("GD7") && html.contains("已上报"));
    let again = sup
        .post_file(
            "/work-orders",
            &[("csrf", sup_token.as_str())],
            good.as_bytes(),
        )
        .await;
    assert!(again.text().await.unwrap().contains("其中 1 件此前已导入"));

    let csv = sup
        .get("/x/work-orders?format=csv")
        .await
        .text()
        .await
        .unwrap();
    assert!(csv.contains("12345,GD7,第一网格"), "{csv}");
    assert_eq!(anon.get("/work-orders").await.status(), 303);
    drop(street);
}
