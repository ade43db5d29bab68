//! Operations: health, metrics, the OpenAPI description (checked against the route table and
//! the handlers' error codes), and the binary itself — `admin` subcommands and `serve` with a
//! graceful stop on SIGTERM.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod http_support;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use gridkeeper_core::wire;
use http_support::{post_sync, start};
use serde_json::Value;

/// Every route of `sync-server/src/app.rs`, with its methods.
const ROUTES: &[(&str, &[&str])] = &[
    ("/healthz", &["get"]),
    ("/metrics", &["get"]),
    ("/v1/openapi.json", &["get"]),
    ("/v1/enroll", &["post"]),
    ("/v1/me", &["get"]),
    ("/v1/sync", &["post"]),
    ("/v1/blobs/{hash}", &["get", "head", "put"]),
    ("/v1/admin/grids", &["get", "post"]),
    ("/v1/admin/users", &["get", "post"]),
    ("/v1/admin/enroll-codes", &["post"]),
    ("/v1/admin/devices", &["get"]),
    ("/v1/admin/devices/{id}/revoke", &["post"]),
    ("/v1/admin/handover", &["get"]),
    ("/v1/admin/handover/log", &["get"]),
    ("/v1/admin/handover/{id}", &["get"]),
    ("/v1/admin/grids/reassign", &["post"]),
    ("/v1/admin/grids/import", &["post"]),
    ("/v1/admin/grids/{id}/code", &["put"]),
    ("/v1/admin/retention", &["get", "put"]),
    ("/v1/admin/retention/plan", &["get"]),
    ("/v1/admin/retention/apply", &["post"]),
    ("/v1/admin/rescue", &["post"]),
    ("/v1/admin/erasures", &["get", "post"]),
    ("/v1/admin/templates", &["get", "post"]),
    ("/v1/admin/templates/{id}/{version}/publish", &["post"]),
    ("/v1/moves", &["get", "post"]),
    ("/v1/records/{id}/review", &["post"]),
    ("/v1/records/{id}/dispatch", &["post"]),
    ("/v1/records/{id}/result", &["post"]),
    ("/v1/parties", &["get"]),
    ("/v1/tasks", &["get", "post"]),
    ("/v1/tasks/{id}", &["get"]),
    ("/v1/admin/parties", &["post"]),
    ("/v1/reports", &["get"]),
    ("/v1/reports/{name}", &["get"]),
    ("/v1/reports/{name}/export", &["get"]),
    ("/v1/lists/{name}", &["get"]),
    ("/v1/lists/{name}/export", &["get"]),
    ("/v1/work-orders", &["get", "post"]),
    ("/v1/work-orders/import", &["post"]),
    ("/v1/ledgers", &["get"]),
    ("/v1/ledgers/{id}", &["get"]),
    ("/v1/admin/ledgers/{id}", &["put", "delete"]),
];

fn src(rel: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_answers_ok() {
    let relay = start().await;
    let r = relay
        .http
        .get(format!("{}/healthz", relay.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap(), "ok\n");
}

/// The value of one sample line, 0 when absent.
fn sample(metrics: &str, series: &str) -> f64 {
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or(0.0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_are_prometheus_text_and_count_a_sync() {
    let street = start().await.street().await;
    let relay = &street.relay;
    let get = || async {
        let r = relay
            .http
            .get(format!("{}/metrics", relay.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let ct = r.headers()["content-type"].to_str().unwrap().to_string();
        assert!(ct.starts_with("text/plain"), "{ct}");
        assert!(ct.contains("version=0.0.4"), "{ct}");
        r.text().await.unwrap()
    };
    let series = "gridkeeper_http_requests_total{route=\"/v1/sync\",status=\"200\"}";
    let before = get().await;
    assert_eq!(sample(&before, series), 0.0);

    let mut a = street.enroll("worker-a").await;
    a.add_household("g1", "101", "张三");
    a.round(relay).await;
    let (status, _, _) = post_sync(relay, None, wire::encode(&a.request(&["g1"]))).await;
    assert_eq!(status, 401);

    let after = get().await;
    assert_eq!(sample(&after, series), 1.0, "{after}");
    assert_eq!(
        sample(
            &after,
            "gridkeeper_http_requests_total{route=\"/v1/sync\",status=\"401\"}"
        ),
        1.0,
        "{after}"
    );
    assert!(
        sample(&after, "gridkeeper_changes_accepted_total") >= 1.0,
        "{after}"
    );
    assert_eq!(
        sample(&after, "gridkeeper_enrolments_total"),
        1.0,
        "{after}"
    );
    assert_eq!(
        sample(
            &after,
            "gridkeeper_http_request_duration_seconds_count{route=\"/v1/sync\"}"
        ),
        2.0,
        "{after}"
    );

    // Text exposition format: comments, or `name{labels} value` with a numeric value; every
    // sampled family is declared by # TYPE; no record id or personal data in labels.
    let mut typed = BTreeSet::new();
    for line in after.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let mut parts = rest.split(' ');
            typed.insert(parts.next().unwrap().to_string());
            let kind = parts.next().unwrap();
            assert!(["counter", "summary", "gauge"].contains(&kind), "{line}");
            continue;
        }
        if line.starts_with("# HELP ") {
            continue;
        }
        let (series, value) = line.rsplit_once(' ').expect(line);
        value
            .parse::<f64>()
            .unwrap_or_else(|_| panic!("not a number: {line}"));
        let name = series.split('{').next().unwrap();
        assert!(
            name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'),
            "{line}"
        );
        let family = name
            .strip_suffix("_sum")
            .or_else(|| name.strip_suffix("_count"))
            .filter(|f| typed.contains(*f))
            .unwrap_or(name);
        assert!(typed.contains(family), "undeclared family: {line}");
        if let Some(labels) = series.strip_prefix(name) {
            assert!(
                labels.is_empty() || (labels.starts_with('{') && labels.ends_with('}')),
                "{line}"
            );
        }
        assert!(
            !line.contains("张三") && !line.contains(&a.device_id),
            "{line}"
        );
    }
    // Paths with ids are counted by their pattern.
    let unknown = "0".repeat(64);
    relay
        .http
        .get(format!("{}/v1/blobs/{unknown}", relay.base))
        .bearer_auth(&a.token)
        .send()
        .await
        .unwrap();
    let last = get().await;
    assert!(last.contains("route=\"/v1/blobs/{hash}\""), "{last}");
    assert!(!last.contains(&unknown), "{last}");
}

/// Routes as declared in app.rs: `.route("PATH", …)`.
fn routes_in_app_rs() -> BTreeSet<String> {
    let text = src("src/app.rs");
    let mut out = BTreeSet::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find(".route(") {
        rest = &rest[at + ".route(".len()..];
        let open = rest.find('"').unwrap();
        let close = rest[open + 1..].find('"').unwrap();
        out.insert(rest[open + 1..open + 1 + close].to_string());
    }
    out
}

/// Error codes the server can answer with: the string after `bad_request(`, after
/// `ApiError::new(StatusCode::…,`, and the fixed ones of `ApiError`'s constructors.
fn error_codes_in_source() -> BTreeSet<String> {
    let mut out: BTreeSet<String> = ["unauthorized", "forbidden", "not_found"]
        .map(String::from)
        .into();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![dir.clone()];
    while let Some(p) = files.pop() {
        // The supervisor pages (src/web) answer forms with HTML error pages, not the JSON API.
        if p.is_dir() && p.file_name().is_some_and(|n| n == "web") {
            continue;
        }
        if p.is_dir() {
            files.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        if p.extension().and_then(|e| e.to_str()) != Some("rs") {
            continue;
        }
        let text: String = std::fs::read_to_string(&p)
            .unwrap()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let mut found = |marker: &str, skip_arg: bool| {
            let mut rest = text.as_str();
            while let Some(at) = rest.find(marker) {
                rest = &rest[at + marker.len()..];
                let mut arg = rest;
                if skip_arg {
                    let Some(comma) = arg.find(',') else { break };
                    arg = &arg[comma + 1..];
                }
                if let Some(s) = arg.strip_prefix('"') {
                    let end = s.find('"').unwrap();
                    let code = &s[..end];
                    if code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
                        out.insert(code.to_string());
                    }
                }
            }
        };
        found("ApiError::bad_request(", false);
        found("ApiError::new(StatusCode::", true);
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_describes_every_route_and_error_code() {
    let relay = start().await;
    let r = relay
        .http
        .get(format!("{}/v1/openapi.json", relay.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let doc: Value = serde_json::from_str(&r.text().await.unwrap()).expect("valid JSON");
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1."),
        "{}",
        doc["openapi"]
    );
    assert!(doc["info"]["title"].is_string() && doc["info"]["version"].is_string());

    // Paths: exactly the route table, in the test and in app.rs.
    let documented: BTreeMap<String, BTreeSet<String>> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(path, item)| {
            let methods = item
                .as_object()
                .unwrap()
                .keys()
                .filter(|k| {
                    ["get", "put", "post", "delete", "patch", "head", "options"]
                        .contains(&k.as_str())
                })
                .cloned()
                .collect();
            (path.clone(), methods)
        })
        .collect();
    let expected: BTreeMap<String, BTreeSet<String>> = ROUTES
        .iter()
        .map(|(p, m)| (p.to_string(), m.iter().map(|s| s.to_string()).collect()))
        .collect();
    assert_eq!(documented, expected);
    assert_eq!(
        routes_in_app_rs(),
        expected.keys().cloned().collect::<BTreeSet<_>>(),
        "the test's route list is the route table of app.rs"
    );

    // Bearer security; the open endpoints say so.
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["type"],
        "http"
    );
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    assert_eq!(doc["security"][0]["bearer"], serde_json::json!([]));
    for open in ["/healthz", "/metrics", "/v1/openapi.json", "/v1/enroll"] {
        let item = &doc["paths"][open];
        let op = item.get("get").or_else(|| item.get("post")).unwrap();
        assert_eq!(op["security"], serde_json::json!([]), "{open} is open");
    }

    // Every operation has responses; every $ref resolves.
    let resolve = |r: &str| -> Value {
        let mut at = &doc;
        for part in r.trim_start_matches("#/").split('/') {
            at = &at[part];
        }
        assert!(!at.is_null(), "unresolved $ref {r}");
        at.clone()
    };
    let mut refs = Vec::new();
    collect_refs(&doc, &mut refs);
    for r in &refs {
        resolve(r);
    }
    let mut codes_listed = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if method == "parameters" {
                continue;
            }
            let responses = op["responses"].as_object().expect("responses");
            assert!(
                responses.keys().any(|s| s.starts_with('2')),
                "{method} {path} has a success response"
            );
            for (status, resp) in responses {
                let resp = match resp["$ref"].as_str() {
                    Some(r) => resolve(r),
                    None => resp.clone(),
                };
                if status.starts_with('4') || status.starts_with('5') {
                    assert!(resp["description"].is_string(), "{method} {path} {status}");
                    if method != "head" {
                        let codes = resp["x-error-codes"].as_array().unwrap_or_else(|| {
                            panic!("{method} {path} {status} lists its error codes")
                        });
                        for c in codes {
                            codes_listed.insert(c.as_str().unwrap().to_string());
                        }
                    }
                }
            }
            if path.contains("{hash}") || path.contains("{id}") || path.contains("{name}") {
                let params = item["parameters"].as_array().expect("path parameters");
                assert!(params.iter().any(|p| p["in"] == "path"), "{path}");
            }
        }
    }

    // The error schema names every code the handlers use, and the operations list them.
    let schema_codes: BTreeSet<String> =
        doc["components"]["schemas"]["Error"]["properties"]["error"]["properties"]["code"]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_string())
            .collect();
    let mut used = error_codes_in_source();
    // Only the `admin token` subcommand issues console tokens; no endpoint does.
    used.remove("worker_console");
    assert!(used.len() > 20, "{used:?}");
    let missing: Vec<_> = used.difference(&schema_codes).collect();
    assert!(
        missing.is_empty(),
        "codes missing from the Error schema: {missing:?}"
    );
    let unlisted: Vec<_> = used
        .iter()
        .filter(|c| !codes_listed.contains(*c) && *c != "no_route" && *c != "method_not_allowed")
        .collect();
    assert!(
        unlisted.is_empty(),
        "codes no operation lists: {unlisted:?}"
    );
    let stale: Vec<_> = schema_codes.difference(&used).collect();
    assert!(stale.is_empty(), "codes the server never sends: {stale:?}");

    // The sync endpoint: its media type, and the CBOR messages described as schemas.
    let sync = &doc["paths"]["/v1/sync"]["post"];
    assert!(sync["requestBody"]["content"][wire::CONTENT_TYPE]["schema"].is_object());
    assert!(sync["responses"]["200"]["content"][wire::CONTENT_TYPE]["schema"].is_object());
    let desc = sync["description"].as_str().unwrap();
    assert!(desc.contains("gzip") && desc.contains("CBOR"), "{desc}");
    let schemas = &doc["components"]["schemas"];
    for (name, fields) in [
        (
            "SyncRequest",
            &[
                "v",
                "push",
                "pull",
                "limit",
                "templates_seq",
                "actor",
                "written",
                "unsynced",
            ][..],
        ),
        ("DocPush", &["record_id", "kind", "grid", "changes"]),
        ("PullCursor", &["grid", "cursor", "catch_up"]),
        (
            "SyncResponse",
            &[
                "v",
                "results",
                "grids",
                "templates",
                "templates_more",
                "held",
                "reach",
            ],
        ),
        ("WireTemplate", &["seq", "id", "version", "definition"]),
        ("ChangeResult", &["record_id", "hash", "rejected"]),
        ("Rejection", &["code", "message"]),
        (
            "GridFeed",
            &[
                "grid",
                "cursor",
                "more",
                "changes",
                "snapshots",
                "total",
                "erasures",
            ],
        ),
        ("WireErasure", &["record_id", "seq", "whole", "moved_to"]),
        ("DocChanges", &["record_id", "kind", "changes"]),
        (
            "WireSnapshot",
            &[
                "record_id",
                "kind",
                "grid",
                "archived",
                "schema_version",
                "created_at",
                "saved",
                "heads",
                "data",
                "seq",
            ],
        ),
    ] {
        let props: BTreeSet<&str> = schemas[name]["properties"]
            .as_object()
            .unwrap_or_else(|| panic!("schema {name}"))
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(props, fields.iter().copied().collect(), "schema {name}");
        assert_eq!(schemas[name]["additionalProperties"], false, "{name}");
    }
    // The revisions a relay of this build serves, as the description bounds them: a phone
    // of the newest revision must not be told its request breaks the schema.
    for name in ["SyncRequest", "SyncResponse"] {
        let v = &schemas[name]["properties"]["v"];
        assert_eq!(
            (v["minimum"].as_u64(), v["maximum"].as_u64()),
            (
                Some(u64::from(gridkeeper_core::wire::MIN_VERSION)),
                Some(u64::from(gridkeeper_core::wire::VERSION))
            ),
            "{name}.v"
        );
    }
    // Per-change rejection codes are those materialize.rs and the push checks give.
    let materialize = src("src/materialize.rs");
    for c in schemas["Rejection"]["properties"]["code"]["enum"]
        .as_array()
        .unwrap()
    {
        let c = c.as_str().unwrap();
        assert!(
            materialize.contains(&format!("\"{c}\""))
                || src("src/push.rs").contains(c)
                || c == gridkeeper_core::store::REUSED_SEQ
                || c == gridkeeper_core::store::RECORD_ERASED
                || c == gridkeeper_core::store::RECORD_MOVED,
            "rejection code {c}"
        );
    }
}

fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("$ref", Value::String(s)) => out.push(s.clone()),
                    _ => collect_refs(x, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_refs(x, out)),
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------------
// The binary
// ---------------------------------------------------------------------------------------------

fn server(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gridkeeper-server"))
        .arg("--data")
        .arg(data)
        .args(args)
        .env("GRIDKEEPER_LOG", "warn")
        .env_remove("GRIDKEEPER_DATABASE_URL")
        .output()
        .unwrap()
}

fn ok(data: &Path, args: &[&str]) -> String {
    let out = server(data, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn fails(data: &Path, args: &[&str]) -> String {
    let out = server(data, args);
    assert!(!out.status.success(), "{args:?} should fail");
    assert!(out.stdout.is_empty(), "{args:?} printed to stdout");
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn admin_grid_commands_take_codes_and_import_a_tree() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let add = ["admin", "grid", "add", "pd", "--name", "浦东新区", "--code"];
    let err = fails(&data, &[&add[..], &["3101150"]].concat());
    assert!(err.contains("not 7"), "{err}");
    assert_eq!(ok(&data, &[&add[..], &["310115"]].concat()), "added pd\n");

    let csv = dir.path().join("tree.csv");
    std::fs::write(
        &csv,
        "\u{feff}编码,名称\r\n310115005,花木街道\r\n310115005001,牡丹社区\r\n",
    )
    .unwrap();
    let file = csv.to_str().unwrap();
    let import = ["admin", "grid", "import", file];
    assert_eq!(ok(&data, &import), "added 2 nodes\n0 already in the tree\n");
    assert_eq!(
        ok(&data, &import),
        "nothing to add: all 2 nodes are in the tree already\n"
    );
    let list = ok(&data, &["admin", "grid", "list"]);
    assert!(list.contains("pd\t\t浦东新区\t310115\n"), "{list}");
    assert!(
        list.contains("310115005001\t310115005\t牡丹社区\t310115005001\n"),
        "{list}"
    );

    std::fs::write(&csv, "code,name\n310115009001,x\n310115005001,别名\n").unwrap();
    let err = fails(&data, &import);
    assert!(err.contains("nothing imported: 2 problems"), "{err}");
    assert!(err.contains("line 2: parent_missing"), "{err}");
    assert!(err.contains("line 3: grid_code_taken"), "{err}");

    let err = fails(&data, &["admin", "grid", "code", "310115005", "310115006"]);
    assert!(err.contains("child 310115005001"), "{err}");
    assert_eq!(
        ok(
            &data,
            &["admin", "grid", "code", "310115005001", "310115005001"]
        ),
        "310115005001 now has code 310115005001\n"
    );
}

#[test]
fn admin_subcommands_manage_the_tree_users_codes_and_devices() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");

    assert_eq!(
        ok(&data, &["admin", "grid", "add", "s1", "--name", "幸福街道"]),
        "added s1\n"
    );
    let err = fails(
        &data,
        &[
            "admin", "grid", "add", "g9", "--name", "x", "--parent", "c9",
        ],
    );
    assert!(err.contains("error:") && err.contains("parent c9"), "{err}");
    ok(
        &data,
        &[
            "admin",
            "grid",
            "add",
            "c1",
            "--name",
            "幸福社区",
            "--parent",
            "s1",
        ],
    );
    ok(
        &data,
        &[
            "admin",
            "grid",
            "add",
            "g1",
            "--name",
            "第一网格",
            "--parent",
            "c1",
        ],
    );
    let err = fails(&data, &["admin", "grid", "add", "g1", "--name", "again"]);
    assert!(err.contains("already exists"), "{err}");
    let grids = ok(&data, &["admin", "grid", "list"]);
    assert_eq!(grids.lines().count(), 3, "{grids}");
    assert!(grids.contains("g1\tc1\t第一网格"), "{grids}");

    let added = ok(
        &data,
        &[
            "admin", "user", "add", "worker-a", "--role", "worker", "--scope", "g1",
        ],
    );
    assert!(
        added.starts_with("added user ") && added.contains("(worker)"),
        "{added}"
    );
    let err = fails(
        &data,
        &[
            "admin", "user", "add", "w2", "--role", "worker", "--scope", "g7",
        ],
    );
    assert!(err.contains("g7"), "{err}");
    let err = fails(&data, &["admin", "user", "add", "w3", "--role", "king"]);
    assert!(err.contains("role"), "{err}");
    ok(&data, &["admin", "user", "add", "root", "--role", "admin"]);
    let users = ok(&data, &["admin", "user", "list"]);
    assert!(users.contains("\tworker-a\tworker\tg1"), "{users}");

    let code = ok(&data, &["admin", "enroll-code", "worker-a"]);
    let code = code.trim();
    assert_eq!(code.len(), 14, "{code}");
    assert!(
        code.split('-').all(|p| p.len() == 4
            && p.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())),
        "{code}"
    );
    let err = fails(&data, &["admin", "enroll-code", "nobody"]);
    assert!(err.contains("no such user"), "{err}");
    let err = fails(&data, &["admin", "enroll-code", "worker-a", "--hours", "0"]);
    assert!(err.contains("hour"), "{err}");

    assert_eq!(ok(&data, &["admin", "device", "list"]), "");
    let token = ok(&data, &["admin", "token", "root"]);
    assert!(token.trim().starts_with("gk_"), "{token}");
    let err = fails(&data, &["admin", "token", "worker-a"]);
    assert!(err.contains("phone"), "{err}");
    let devices = ok(&data, &["admin", "device", "list"]);
    assert_eq!(devices.lines().count(), 1, "{devices}");
    assert!(!devices.contains(token.trim()), "the token is not listed");
    let id = devices.split('\t').next().unwrap().to_string();
    assert!(devices.contains("\tactive\t"), "{devices}");
    // Revoking also says what the device had sent and held, for the record.
    let revoked = ok(&data, &["admin", "device", "revoke", &id]);
    assert!(revoked.starts_with(&format!("revoked {id}\n")), "{revoked}");
    assert!(revoked.contains("never synced"), "{revoked}");
    assert!(ok(&data, &["admin", "device", "list"]).contains("\trevoked\t"));
    let err = fails(&data, &["admin", "device", "revoke", "no-such-device"]);
    assert!(err.contains("no such device"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_prints_its_address_and_a_first_start_token_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_gridkeeper-server"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(dir.path().join("data"))
        .env("GRIDKEEPER_LOG", "warn")
        .env_remove("GRIDKEEPER_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    let mut printed = Vec::new();
    let base = loop {
        let line = match rx.recv_timeout(Duration::from_secs(20)) {
            Ok(l) => l,
            Err(e) => {
                let _ = child.kill();
                panic!("no `listening on` line ({e}); printed: {printed:?}");
            }
        };
        if let Some(url) = line.strip_prefix("listening on ") {
            break url.to_string();
        }
        printed.push(line);
    };
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    assert!(!base.ends_with(":0"), "the real port is printed: {base}");
    let token = printed
        .iter()
        .map(|l| l.trim())
        .find(|l| l.starts_with("gk_"))
        .unwrap_or_else(|| panic!("no first-start token: {printed:?}"))
        .to_string();

    let http = reqwest::Client::new();
    let r = http
        .get(format!("{base}/v1/admin/grids"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap(), serde_json::json!([]));
    let r = http.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let r = http
        .get(format!("{base}/v1/admin/grids"))
        .bearer_auth("gk_nope")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("still running 20 s after SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "exit after SIGTERM: {status:?}");
    reader.join().unwrap();

    // The first start created exactly one administrator, named `admin`.
    let out = Command::new(env!("CARGO_BIN_EXE_gridkeeper-server"))
        .args(["admin", "user", "list", "--data"])
        .arg(dir.path().join("data"))
        .env("GRIDKEEPER_LOG", "warn")
        .output()
        .unwrap();
    let users = String::from_utf8(out.stdout).unwrap();
    assert_eq!(users.lines().count(), 1, "{users}");
    assert!(users.contains("\tadmin\tadmin\t"), "{users}");
}

/// `admin ledger`: list, show, set from a file (checked), export as a supervisor, reset.
#[test]
fn admin_ledger_commands() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(&data, &["admin", "grid", "add", "s1", "--name", "幸福街道"]);
    ok(
        &data,
        &[
            "admin",
            "grid",
            "add",
            "c1",
            "--name",
            "幸福社区",
            "--parent",
            "s1",
        ],
    );
    ok(&data, &["admin", "user", "add", "root", "--role", "admin"]);
    ok(
        &data,
        &[
            "admin",
            "user",
            "add",
            "sup",
            "--role",
            "supervisor",
            "--scope",
            "c1",
        ],
    );

    let list = ok(&data, &["admin", "ledger", "list"]);
    assert!(
        list.contains("hazards\t隐患排查整改台账\thazards\tdefault"),
        "{list}"
    );
    assert_eq!(list.lines().count(), 5);
    let shown = ok(&data, &["admin", "ledger", "show", "disputes"]);
    assert!(shown.contains("\"是否签订协议\""), "{shown}");

    let file = dir.path().join("mine.json");
    std::fs::write(&file, r#"{"title": "走访记录", "source": "visits", "columns": [{"header": "序号", "field": "seq"}, {"header": "工资", "field": "salary"}]}"#).unwrap();
    let refused = fails(
        &data,
        &[
            "admin",
            "ledger",
            "set",
            "visits",
            file.to_str().unwrap(),
            "--by",
            "root",
        ],
    );
    assert!(refused.contains("columns[1].field"), "{refused}");
    std::fs::write(&file, r#"{"title": "走访记录", "source": "visits", "columns": [{"header": "序号", "field": "seq"}, {"header": "日期", "field": "date"}]}"#).unwrap();
    let not_admin = fails(
        &data,
        &[
            "admin",
            "ledger",
            "set",
            "visits",
            file.to_str().unwrap(),
            "--by",
            "sup",
        ],
    );
    assert!(not_admin.contains("not an administrator"), "{not_admin}");
    ok(
        &data,
        &[
            "admin",
            "ledger",
            "set",
            "visits",
            file.to_str().unwrap(),
            "--by",
            "root",
        ],
    );
    assert!(ok(&data, &["admin", "ledger", "list"]).contains("visits\t走访记录\tvisits\tchanged"));

    let out = dir.path().join("visits.xlsx");
    let printed = ok(
        &data,
        &[
            "admin",
            "ledger",
            "export",
            "visits",
            "--node",
            "c1",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
            "--out",
            out.to_str().unwrap(),
            "--as",
            "sup",
        ],
    );
    assert!(printed.contains("幸福社区走访记录: 0 rows"), "{printed}");
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&out).unwrap();
    let range = calamine::Reader::worksheet_range_at(&mut wb, 0)
        .unwrap()
        .unwrap();
    assert_eq!(
        range.get((2, 1)).map(|d| d.to_string()),
        Some("日期".to_string())
    );
    let outside = fails(
        &data,
        &[
            "admin",
            "ledger",
            "export",
            "visits",
            "--node",
            "s1",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
            "--out",
            out.to_str().unwrap(),
            "--as",
            "sup",
        ],
    );
    assert!(outside.contains("forbidden"), "{outside}");

    ok(&data, &["admin", "ledger", "reset", "visits"]);
    assert!(ok(&data, &["admin", "ledger", "list"]).contains("visits\t走访台账\tvisits\tdefault"));
    assert!(
        fails(&data, &["admin", "ledger", "reset", "visits"])
            .contains("no administrator's definition")
    );
}
