//! Real consumers of the plain Data Package URLs: frictionless-py reading a
//! published package by URL, byte-identical files, the OpenAPI document
//! against the routes, and what HTTP clients get for unknown paths and HEAD.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::backend_tests;
use crate::support::{error_code, Backend, TestServer};

backend_tests!(
    frictionless_reads_published_packages_by_url,
    files_come_back_byte_identical,
    openapi_documents_every_route,
    unknown_api_paths_and_head_requests,
);

fn fixture_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/datasets")
        .join(name)
}

/// Every file of a fixture but its descriptor, as (relative path, bytes).
fn fixture_files(name: &str) -> Vec<(String, Vec<u8>)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        for entry in std::fs::read_dir(dir).expect("fixture dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(root, &path, out);
                continue;
            }
            let relative = path
                .strip_prefix(root)
                .expect("under root")
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            if relative != "datapackage.json" {
                out.push((relative, std::fs::read(&path).expect("read fixture")));
            }
        }
    }
    let root = fixture_dir(name);
    let mut out = Vec::new();
    walk(&root, &root, &mut out);
    out.sort();
    out
}

/// Publishes a fixture package with every one of its files; returns the
/// publish response and the local descriptor.
fn publish_fixture(
    server: &TestServer,
    token: &str,
    owner: &str,
    name: &str,
    extra: Value,
) -> (Value, Value) {
    let descriptor: Value = serde_json::from_slice(
        &std::fs::read(fixture_dir(name).join("datapackage.json")).expect("descriptor"),
    )
    .expect("descriptor json");
    let files = fixture_files(name);
    let listed: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(p, b)| (p.as_str(), b.as_slice()))
        .collect();
    let mut extra = extra;
    if let Ok(readme) = std::fs::read_to_string(fixture_dir(name).join("README.md")) {
        extra["readme"] = json!(readme);
    }
    let response = server.publish(token, owner, name, &descriptor, &listed, extra);
    let status = response.status();
    let body: Value = response.json().expect("publish json");
    assert_eq!(status, StatusCode::CREATED, "publish {name}: {body}");
    (body, descriptor)
}

/// How to run frictionless-py here, or `None` (after saying so).
fn frictionless() -> Option<Vec<String>> {
    let candidates: [&[&str]; 2] = [&["frictionless"], &["python3", "-m", "frictionless"]];
    for candidate in candidates {
        let works = Command::new(candidate[0])
            .args(&candidate[1..])
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if works {
            return Some(candidate.iter().map(|s| s.to_string()).collect());
        }
    }
    #[allow(clippy::print_stderr)]
    {
        eprintln!(
            "skipped: frictionless-py is not installed (pip install \"frictionless[excel,json,ods]\")"
        );
    }
    None
}

/// `frictionless validate --json URL`: the report.
fn validate_by_url(program: &[String], url: &str) -> Value {
    let output = Command::new(&program[0])
        .args(&program[1..])
        .args(["validate", "--json", url])
        .output()
        .expect("run frictionless");
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "frictionless validate {url}: no JSON report ({e}); exit {:?}\nstdout: {}\nstderr: {}",
            output.status.code(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// Each task's (name, valid, error count) of a frictionless report.
fn task_summary(report: &Value) -> BTreeMap<String, (bool, usize)> {
    report["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap_or_default().to_string(),
                (
                    t["valid"].as_bool().unwrap_or(false),
                    t["errors"].as_array().map_or(0, Vec::len),
                ),
            )
        })
        .collect()
}

fn frictionless_reads_published_packages_by_url(backend: Backend) {
    let Some(program) = frictionless() else {
        return;
    };
    let server = TestServer::start(backend);
    let alice = server.signup("alice");
    let (published, _) = publish_fixture(&server, &alice, "alice", "language-codes", json!({}));
    for url in [
        published["latest_url"]
            .as_str()
            .expect("latest_url")
            .to_string(),
        published["datapackage_url"]
            .as_str()
            .expect("datapackage_url")
            .to_string(),
        server.url("/alice/language-codes/datapackage.json"),
    ] {
        let report = validate_by_url(&program, &url);
        assert_eq!(report["valid"], true, "{url}: {report}");
        assert_eq!(report["tasks"].as_array().map(Vec::len), Some(4), "{url}");
    }

    // Unlisted: by its uuid link, with no token.
    let (unlisted, _) = publish_fixture(
        &server,
        &alice,
        "alice",
        "s-and-p-500-companies",
        json!({"visibility": "unlisted"}),
    );
    let uuid = unlisted["uuid"].as_str().expect("uuid");
    let report = validate_by_url(
        &program,
        &server.url(&format!("/alice/{uuid}/datapackage.json")),
    );
    assert_eq!(report["valid"], true, "{report}");
    assert_eq!(report["tasks"].as_array().map(Vec::len), Some(2));
    // ... and not by its name.
    let by_name = server
        .get("/alice/s-and-p-500-companies/datapackage.json")
        .send()
        .unwrap();
    assert_eq!(by_name.status(), StatusCode::NOT_FOUND);

    // A package with real defects is reported exactly as frictionless
    // reports the local copy (see tests/fixtures/datasets/README.md).
    publish_fixture(&server, &alice, "alice", "co2-ppm", json!({}));
    let report = validate_by_url(&program, &server.url("/alice/co2-ppm/datapackage.json"));
    assert_eq!(report["valid"], false);
    let tasks = task_summary(&report);
    let expected: BTreeMap<String, (bool, usize)> = [
        ("co2-mm-mlo", (false, 820)),
        ("co2-annmean-mlo", (true, 0)),
        ("co2-gr-mlo", (false, 1)),
        ("co2-mm-gl", (false, 6)),
        ("co2-annmean-gl", (true, 0)),
        ("co2-gr-gl", (true, 0)),
    ]
    .into_iter()
    .map(|(n, v)| (n.to_string(), v))
    .collect();
    assert_eq!(tasks, expected);
}

fn files_come_back_byte_identical(backend: Backend) {
    let server = TestServer::start(backend);
    let alice = server.signup("alice");
    for (name, extra) in [
        ("gold-prices", json!({})),
        ("language-codes", json!({"visibility": "unlisted"})),
    ] {
        let (published, local) = publish_fixture(&server, &alice, "alice", name, extra);
        let key = if published["visibility"] == "unlisted" {
            published["uuid"].as_str().expect("uuid").to_string()
        } else {
            name.to_string()
        };
        for base in [format!("/alice/{key}"), format!("/alice/{key}/v/1")] {
            let descriptor: Value = server
                .get(&format!("{base}/datapackage.json"))
                .send()
                .unwrap()
                .json()
                .unwrap();
            assert_eq!(descriptor, local, "{base}/datapackage.json");
            let files = fixture_files(name);
            assert!(files.len() > 2, "{name} has its files");
            for (path, bytes) in files {
                let response = server.download(&format!("{base}/{path}"), None);
                assert_eq!(response.status(), StatusCode::OK, "{base}/{path}");
                let fetched = response.bytes().unwrap();
                assert!(fetched[..] == bytes[..], "{base}/{path} differs");
            }
        }
        // The API's file route and the zip hold the same bytes.
        if published["visibility"] == "public" {
            let archive = server
                .get(&format!("/api/packages/alice/{name}/archive.zip"))
                .send()
                .unwrap()
                .bytes()
                .unwrap();
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(archive.to_vec())).unwrap();
            for (path, bytes) in fixture_files(name) {
                let mut inside = Vec::new();
                std::io::Read::read_to_end(&mut zip.by_name(&path).unwrap(), &mut inside).unwrap();
                assert!(inside == bytes, "zip {path} differs");
                let api =
                    server.download(&format!("/api/packages/alice/{name}/files/{path}"), None);
                assert_eq!(api.status(), StatusCode::OK, "files/{path}");
                assert!(
                    api.bytes().unwrap()[..] == bytes[..],
                    "files/{path} differs"
                );
            }
        }
    }
}

/// Every route `src/api/mod.rs` and `src/web/mod.rs` register, in OpenAPI's
/// spelling, with its methods.
const ROUTES: &[(&str, &[&str])] = &[
    ("/api/health", &["get"]),
    ("/api/openapi.json", &["get"]),
    ("/api/auth/signup", &["post"]),
    ("/api/auth/login", &["post"]),
    ("/api/me", &["get"]),
    ("/api/me/invitations", &["get"]),
    ("/api/tokens", &["get", "post"]),
    ("/api/tokens/{id}", &["delete"]),
    ("/api/publishers", &["post"]),
    ("/api/publishers/{publisher}", &["get", "patch"]),
    ("/api/publishers/{publisher}/packages", &["get"]),
    ("/api/publishers/{publisher}/members", &["get"]),
    (
        "/api/publishers/{publisher}/members/{username}",
        &["patch", "delete"],
    ),
    ("/api/publishers/{publisher}/invitations", &["get", "post"]),
    ("/api/publishers/{publisher}/invitations/accept", &["post"]),
    ("/api/publishers/{publisher}/invitations/decline", &["post"]),
    ("/api/blobs/check", &["post"]),
    ("/api/blobs/{sha256}", &["put"]),
    ("/api/blobs/{sha256}/complete", &["post"]),
    ("/api/search", &["get"]),
    (
        "/api/packages/{owner}/{name}",
        &["get", "post", "patch", "delete"],
    ),
    ("/api/packages/{owner}/{name}/undelete", &["post"]),
    ("/api/packages/{owner}/{name}/purge", &["post"]),
    ("/api/packages/{owner}/{name}/info", &["get"]),
    ("/api/packages/{owner}/{name}/revisions", &["get"]),
    ("/api/packages/{owner}/{name}/archive.zip", &["get"]),
    ("/api/packages/{owner}/{name}/files/{path}", &["get"]),
    ("/api/packages/{owner}/{name}/tags", &["get", "post"]),
    ("/api/packages/{owner}/{name}/tags/{tag}", &["delete"]),
    ("/catalog.csv", &["get", "head"]),
    ("/{owner}/{name}/datapackage.json", &["get", "head"]),
    (
        "/{owner}/{name}/v/{selector}/datapackage.json",
        &["get", "head"],
    ),
    ("/{owner}/{name}/v/{selector}/{path}", &["get", "head"]),
    ("/{owner}/{name}/{path}", &["get", "head"]),
];

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

fn openapi_documents_every_route(backend: Backend) {
    let server = TestServer::start(backend);
    let response = server.get("/api/openapi.json").send().unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let doc: Value = response.json().expect("openapi json");
    assert!(
        doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")),
        "{}",
        doc["openapi"]
    );
    let paths = doc["paths"].as_object().expect("paths");
    let documented: BTreeMap<&str, BTreeSet<&str>> = paths
        .iter()
        .map(|(path, item)| {
            let methods = item
                .as_object()
                .map(|o| {
                    o.keys()
                        .map(String::as_str)
                        .filter(|k| METHODS.contains(k))
                        .collect()
                })
                .unwrap_or_default();
            (path.as_str(), methods)
        })
        .collect();
    let expected: BTreeMap<&str, BTreeSet<&str>> = ROUTES
        .iter()
        .map(|(path, methods)| (*path, methods.iter().copied().collect()))
        .collect();
    let missing: Vec<String> = expected
        .iter()
        .flat_map(|(path, methods)| {
            methods
                .iter()
                .filter(|m| !documented.get(path).is_some_and(|d| d.contains(*m)))
                .map(move |m| format!("{} {path}", m.to_uppercase()))
        })
        .collect();
    assert!(missing.is_empty(), "not documented: {missing:?}");
    let unknown: Vec<String> = documented
        .iter()
        .flat_map(|(path, methods)| {
            methods
                .iter()
                .filter(|m| !expected.get(path).is_some_and(|e| e.contains(*m)))
                .map(move |m| format!("{} {path}", m.to_uppercase()))
        })
        .collect();
    assert!(unknown.is_empty(), "documented but not routed: {unknown:?}");

    // Each operation answers something and declares its path parameters.
    for (path, item) in paths {
        let in_path: BTreeSet<&str> = path
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .collect();
        for (method, operation) in item.as_object().expect("path item") {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            let responses = operation["responses"].as_object();
            assert!(
                responses.is_some_and(|r| !r.is_empty()),
                "{method} {path} has no responses"
            );
            let declared: BTreeSet<&str> = operation["parameters"]
                .as_array()
                .map(|ps| {
                    ps.iter()
                        .filter(|p| p["in"] == "path")
                        .filter_map(|p| p["name"].as_str())
                        .collect()
                })
                .unwrap_or_default();
            assert_eq!(declared, in_path, "{method} {path}: path parameters");
        }
    }
    // Query strings are documented as such.
    let query = |path: &str, method: &str| -> BTreeSet<String> {
        paths[path][method]["parameters"]
            .as_array()
            .map(|ps| {
                ps.iter()
                    .filter(|p| p["in"] == "query")
                    .filter_map(|p| p["name"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let set =
        |names: &[&str]| -> BTreeSet<String> { names.iter().map(|s| s.to_string()).collect() };
    assert_eq!(query("/api/blobs/{sha256}", "put"), set(&["size"]));
    assert_eq!(
        query("/api/blobs/{sha256}/complete", "post"),
        set(&["upload_id", "size"])
    );
    assert_eq!(
        query("/api/packages/{owner}/{name}", "get"),
        set(&["tag", "revision"])
    );
    assert!(query("/api/search", "get").contains("q"));
}

fn unknown_api_paths_and_head_requests(backend: Backend) {
    let server = TestServer::start(backend);
    let alice = server.signup("alice");
    for (method, path) in [
        ("GET", "/api/nope"),
        ("GET", "/api"),
        ("GET", "/api/"),
        ("POST", "/api/packages"),
        ("GET", "/api/packages/alice"),
        ("GET", "/api/packages/alice/gdp/nothing/here"),
        ("DELETE", "/api/blobs"),
        ("PUT", "/api/v2/packages/alice/gdp"),
    ] {
        let response = server
            .client
            .request(method.parse().unwrap(), server.url(path))
            .bearer_auth(&alice)
            .send()
            .unwrap();
        assert!(
            response.headers().get("content-type").is_some_and(|v| v
                .to_str()
                .unwrap_or_default()
                .starts_with("application/json")),
            "{method} {path}: {:?}",
            response.headers()
        );
        let (status, code, message) = error_code(response);
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}");
        assert_eq!(code, "not_found", "{method} {path}");
        assert!(message.contains(path), "{method} {path}: {message}");
    }

    let csv: &[u8] = b"a,b\n1,x\n2,y\n3,z\n";
    server.publish_csv(&alice, "alice", "gdp", csv, json!({}));
    for path in ["/alice/gdp/data/table.csv", "/alice/gdp/v/1/data/table.csv"] {
        let mut response = server.client.head(server.url(path)).send().unwrap();
        if backend == Backend::PostgresS3 {
            // A redirect to the store, which answers the HEAD itself.
            assert_eq!(response.status(), StatusCode::FOUND, "{path}");
            let location = response.headers()["location"].to_str().unwrap().to_string();
            response = server.client.head(location).send().unwrap();
        }
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(
            response.headers()["content-length"],
            csv.len().to_string(),
            "{path}"
        );
        assert!(response.bytes().unwrap().is_empty(), "{path}");
    }
    let get = server
        .get("/alice/gdp/datapackage.json")
        .send()
        .unwrap()
        .bytes()
        .unwrap();
    let head = server
        .client
        .head(server.url("/alice/gdp/datapackage.json"))
        .send()
        .unwrap();
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(head.headers()["content-length"], get.len().to_string());
    assert!(head.headers().contains_key("etag"));
    assert!(head.bytes().unwrap().is_empty());
    // HEAD of a file that is not there is a 404 too.
    let missing = server
        .client
        .head(server.url("/alice/gdp/data/other.csv"))
        .send()
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}
