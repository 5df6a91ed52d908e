//! Uploads and publishes under pressure: concurrent publishes, cut-off and
//! lying uploads, size limits, deduplication, concurrent start-up and paths
//! that try to leave the package.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Barrier};

use registry_server::app::Registry;
use registry_server::config::Config;
use reqwest::blocking::Response;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::backend_tests;
use crate::support::{
    csv_descriptor, error_code, fresh_postgres_database, sha256, Backend, TestServer,
};

backend_tests!(
    concurrent_forced_publishes_get_consecutive_revisions,
    concurrent_first_publishes_create_exactly_one,
    a_cut_off_upload_leaves_nothing_and_a_retry_succeeds,
    wrong_hash_or_size_is_refused_and_nothing_recorded,
    oversized_uploads_and_bodies_answer_413,
    the_same_bytes_from_two_users_are_stored_once,
    registries_starting_at_once_share_one_fresh_database,
    descriptors_and_file_lists_cannot_leave_the_package,
);

const CSV: &[u8] = b"a,b\n1,x\n2,y\n";
const WRITERS: usize = 20;

/// Every file under `dir`, recursively (none when it does not exist).
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// Where the local store keeps a blob.
fn blob_file(server: &TestServer, sha: &str) -> PathBuf {
    server
        .data_dir
        .join("blobs/sha256")
        .join(&sha[0..2])
        .join(&sha[2..4])
        .join(sha)
}

/// What `/api/blobs/check` says of one blob: `Some(instructions)` when
/// missing, `None` when present.
fn check(server: &TestServer, token: &str, sha: &str, size: usize) -> Option<Value> {
    let response = server
        .post("/api/blobs/check")
        .bearer_auth(token)
        .json(&json!({"blobs": [{"sha256": sha, "size": size}]}))
        .send()
        .expect("check");
    assert_eq!(response.status(), StatusCode::OK, "check");
    let body: Value = response.json().expect("check json");
    match (body["missing"].as_array(), body["present"].as_array()) {
        (Some(missing), Some(present)) if missing.len() == 1 && present.is_empty() => {
            assert_eq!(missing[0]["sha256"], sha);
            Some(missing[0]["upload"].clone())
        }
        (Some(missing), Some(present)) if missing.is_empty() && present.len() == 1 => {
            assert_eq!(present[0], sha);
            None
        }
        _ => panic!("check answered {body}"),
    }
}

/// Sends `bytes` as blob `sha` of `size` bytes the way `check` says to,
/// whatever they really are. Returns the answer that decides: the PUT's on
/// the local store, `complete`'s on S3.
fn send_claiming(
    server: &TestServer,
    token: &str,
    sha: &str,
    size: usize,
    bytes: &[u8],
) -> Response {
    let upload = check(server, token, sha, size).expect("the blob is missing");
    let mut request = server
        .client
        .put(upload["url"].as_str().expect("url"))
        .body(bytes.to_vec());
    for header in upload["headers"].as_array().expect("headers") {
        request = request.header(
            header[0].as_str().expect("name"),
            header[1].as_str().expect("value"),
        );
    }
    if upload["needs_auth"].as_bool() == Some(true) {
        request = request.bearer_auth(token);
    }
    let put = request.send().expect("put");
    match upload["complete_url"].as_str() {
        None => put,
        Some(complete) => {
            // S3 takes whatever it is given; the server checks at complete.
            assert!(put.status().is_success(), "presigned put: {}", put.status());
            server
                .client
                .post(complete)
                .bearer_auth(token)
                .send()
                .expect("complete")
        }
    }
}

fn concurrent_forced_publishes_get_consecutive_revisions(backend: Backend) {
    let server = TestServer::start(backend);
    let alice = server.signup("alice");
    let sha = server.upload(&alice, CSV);
    let barrier = Barrier::new(WRITERS);
    let claimed: Vec<(i64, String)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..WRITERS)
            .map(|i| {
                let (server, alice, sha, barrier) = (&server, &alice, &sha, &barrier);
                scope.spawn(move || {
                    let mut descriptor = csv_descriptor("gdp");
                    let title = format!("GDP, take {i}");
                    descriptor["title"] = json!(title);
                    let body = json!({
                        "descriptor": descriptor,
                        "files": [{"path": "data/table.csv", "sha256": sha, "size": CSV.len()}],
                        "force": true,
                    });
                    barrier.wait();
                    let response = server
                        .post("/api/packages/alice/gdp")
                        .bearer_auth(alice)
                        .json(&body)
                        .send()
                        .expect("publish");
                    let status = response.status();
                    let body: Value = response.json().expect("json");
                    assert_eq!(status, StatusCode::CREATED, "publish {i}: {body}");
                    (body["revision"].as_i64().expect("revision"), title)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("publisher thread"))
            .collect()
    });
    let by_number: BTreeMap<i64, String> = claimed.iter().cloned().collect();
    assert_eq!(by_number.len(), WRITERS, "distinct revisions: {claimed:?}");
    assert_eq!(
        by_number.keys().copied().collect::<Vec<_>>(),
        (1..=WRITERS as i64).collect::<Vec<_>>()
    );

    let revisions: Value = server
        .get("/api/packages/alice/gdp/revisions")
        .send()
        .unwrap()
        .json()
        .unwrap();
    let mut listed: Vec<i64> = revisions["revisions"]
        .as_array()
        .expect("revisions")
        .iter()
        .map(|r| r["revision"].as_i64().unwrap())
        .collect();
    listed.sort_unstable();
    assert_eq!(listed, (1..=WRITERS as i64).collect::<Vec<_>>());

    // Each revision holds the descriptor its publish was told it got.
    for (number, title) in &by_number {
        let response = server
            .get(&format!("/api/packages/alice/gdp?revision={number}"))
            .send()
            .unwrap();
        assert_eq!(response.headers()["x-data-revision"], number.to_string());
        let descriptor: Value = response.json().unwrap();
        assert_eq!(descriptor["title"], json!(title), "revision {number}");
    }
    let latest: Value = server
        .get("/api/packages/alice/gdp")
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(latest["title"], json!(by_number[&(WRITERS as i64)]));
}

fn concurrent_first_publishes_create_exactly_one(backend: Backend) {
    let server = TestServer::start(backend);
    let alice = server.signup("alice");
    let sha = server.upload(&alice, CSV);
    let barrier = Barrier::new(WRITERS);
    let answers: Vec<(StatusCode, Value)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..WRITERS)
            .map(|i| {
                let (server, alice, sha, barrier) = (&server, &alice, &sha, &barrier);
                scope.spawn(move || {
                    let mut descriptor = csv_descriptor("fresh");
                    descriptor["title"] = json!(format!("take {i}"));
                    let body = json!({
                        "descriptor": descriptor,
                        "files": [{"path": "data/table.csv", "sha256": sha, "size": CSV.len()}],
                    });
                    barrier.wait();
                    let response = server
                        .post("/api/packages/alice/fresh")
                        .bearer_auth(alice)
                        .json(&body)
                        .send()
                        .expect("publish");
                    let status = response.status();
                    (status, response.json().unwrap_or(Value::Null))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("publisher thread"))
            .collect()
    });
    let created: Vec<&Value> = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::CREATED)
        .map(|(_, b)| b)
        .collect();
    assert_eq!(created.len(), 1, "{answers:?}");
    assert_eq!(created[0]["revision"], 1);
    for (status, body) in &answers {
        if *status != StatusCode::CREATED {
            assert_eq!(*status, StatusCode::CONFLICT, "{body}");
            assert_eq!(body["error"]["code"], "conflict", "{body}");
        }
    }
    let revisions: Value = server
        .get("/api/packages/alice/fresh/revisions")
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(revisions["revisions"].as_array().map(Vec::len), Some(1));
    assert_eq!(revisions["revisions"][0]["revision"], 1);
    // The next forced publish is revision 2: the refused ones took no number.
    let next = server.publish_csv(&alice, "alice", "fresh", CSV, json!({"force": true}));
    assert_eq!(next["revision"], 2);
}

/// Sends the head of a PUT and half of its body over a raw socket, then
/// closes the sending side. Returns whatever the server answered (it may
/// also just close).
fn cut_off_put(server: &TestServer, token: &str, sha: &str, bytes: &[u8]) -> String {
    let address = server.base.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).expect("connect");
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(60)))
        .expect("timeout");
    let head = format!(
        "PUT /api/blobs/{sha}?size={size} HTTP/1.1\r\nHost: {address}\r\n\
         Authorization: Bearer {token}\r\nContent-Type: application/octet-stream\r\n\
         Content-Length: {size}\r\n\r\n",
        size = bytes.len()
    );
    stream.write_all(head.as_bytes()).expect("head");
    stream.write_all(&bytes[..bytes.len() / 2]).expect("half");
    stream.flush().expect("flush");
    stream
        .shutdown(std::net::Shutdown::Write)
        .expect("shutdown");
    // Reading to the end waits until the server is done with the request.
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

fn a_cut_off_upload_leaves_nothing_and_a_retry_succeeds(backend: Backend) {
    let server = TestServer::start(backend);
    let alice = server.signup("alice");
    let bytes: Vec<u8> = (0..200_000u32).flat_map(|i| i.to_le_bytes()).collect();
    let sha = sha256(&bytes);
    match backend {
        Backend::SqliteDisk => {
            let answer = cut_off_put(&server, &alice, &sha, &bytes);
            assert!(
                answer.is_empty() || answer.starts_with("HTTP/1.1 400"),
                "{answer}"
            );
            assert!(!blob_file(&server, &sha).exists());
            // Nothing half-written stays behind either.
            let left = files_under(&server.data_dir.join("blobs"));
            assert!(left.is_empty(), "{left:?}");
        }
        Backend::PostgresS3 => {
            // A presigned PUT cannot be cut in the same way: what S3 stages is
            // whatever arrived, so the server must refuse half of it.
            let response = send_claiming(
                &server,
                &alice,
                &sha,
                bytes.len(),
                &bytes[..bytes.len() / 2],
            );
            let (status, code, message) = error_code(response);
            assert_eq!(
                (status, code.as_str()),
                (StatusCode::BAD_REQUEST, "hash_mismatch"),
                "{message}"
            );
        }
    }
    assert!(check(&server, &alice, &sha, bytes.len()).is_some());
    let uploaded = server.upload(&alice, &bytes);
    assert_eq!(uploaded, sha);
    assert!(check(&server, &alice, &sha, bytes.len()).is_none());
    if backend == Backend::SqliteDisk {
        assert_eq!(std::fs::read(blob_file(&server, &sha)).unwrap(), bytes);
    }
    let published = server.publish(
        &alice,
        "alice",
        "blob",
        &json!({"name": "blob", "resources": [{"name": "blob", "path": "blob.bin"}]}),
        &[("blob.bin", &bytes)],
        json!({}),
    );
    assert_eq!(published.status(), StatusCode::CREATED);
    let fetched = server
        .download("/alice/blob/blob.bin", None)
        .bytes()
        .unwrap();
    assert_eq!(&fetched[..], &bytes[..]);
}

fn wrong_hash_or_size_is_refused_and_nothing_recorded(backend: Backend) {
    let server = TestServer::start(backend);
    let alice = server.signup("alice");
    let good: &[u8] = b"the bytes the hash is of\n";
    let sha = sha256(good);
    let cases: [(&str, Vec<u8>); 4] = [
        (
            "other bytes, same size",
            b"THE bytes the hash is of\n".to_vec(),
        ),
        ("fewer bytes", good[..10].to_vec()),
        ("more bytes", [good, b"and more"].concat()),
        ("nothing", Vec::new()),
    ];
    for (what, bytes) in &cases {
        let (status, code, message) =
            error_code(send_claiming(&server, &alice, &sha, good.len(), bytes));
        assert_eq!(status, StatusCode::BAD_REQUEST, "{what}: {message}");
        assert_eq!(code, "hash_mismatch", "{what}: {message}");
        assert!(message.contains("nothing was stored"), "{what}: {message}");
        assert!(check(&server, &alice, &sha, good.len()).is_some(), "{what}");
    }
    // The other bytes' hash is no more recorded than the claimed one.
    assert!(check(&server, &alice, &sha256(&cases[0].1), good.len()).is_some());
    if backend == Backend::SqliteDisk {
        let left = files_under(&server.data_dir.join("blobs"));
        assert!(left.is_empty(), "{left:?}");
    }
    // A publish cannot use the blob that never arrived.
    let (status, code, _) = error_code(
        server
            .post("/api/packages/alice/x")
            .bearer_auth(&alice)
            .json(&json!({
                "descriptor": {"name": "x", "resources": [{"name": "t", "path": "t.csv"}]},
                "files": [{"path": "t.csv", "sha256": sha, "size": good.len()}],
            }))
            .send()
            .unwrap(),
    );
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::BAD_REQUEST, "missing_blob")
    );
    // Not a SHA-256 at all.
    let (status, _, _) = error_code(
        server
            .client
            .put(server.url("/api/blobs/not-a-hash?size=3"))
            .bearer_auth(&alice)
            .body("abc")
            .send()
            .unwrap(),
    );
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // The honest upload still works.
    let response = send_claiming(&server, &alice, &sha, good.len(), good);
    assert_eq!(response.status(), StatusCode::CREATED);
    assert!(check(&server, &alice, &sha, good.len()).is_none());
}

fn oversized_uploads_and_bodies_answer_413(backend: Backend) {
    let server = TestServer::start_with(backend, |c| {
        c.max_upload_bytes = 1000;
        c.max_json_bytes = 10_000;
    });
    let alice = server.signup("alice");
    let big = vec![b'x'; 5000];
    let sha = sha256(&big);
    let too_large = |response: Response, what: &str| {
        let (status, code, message) = error_code(response);
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{what}: {message}");
        assert_eq!(code, "payload_too_large", "{what}");
        assert!(!message.is_empty(), "{what}");
    };
    too_large(
        server
            .post("/api/blobs/check")
            .bearer_auth(&alice)
            .json(&json!({"blobs": [{"sha256": sha, "size": 5000}]}))
            .send()
            .unwrap(),
        "check",
    );
    too_large(
        server
            .client
            .put(server.url(&format!("/api/blobs/{sha}?size=5000")))
            .bearer_auth(&alice)
            .header("Content-Type", "application/octet-stream")
            .body(big.clone())
            .send()
            .unwrap(),
        "put",
    );
    too_large(
        server
            .post(&format!(
                "/api/blobs/{sha}/complete?upload_id={}&size=5000",
                uuid::Uuid::new_v4()
            ))
            .bearer_auth(&alice)
            .send()
            .unwrap(),
        "complete",
    );
    // Declaring less than is sent does not get round the limit.
    let (status, _, message) = error_code(
        server
            .client
            .put(server.url(&format!("/api/blobs/{sha}?size=900")))
            .bearer_auth(&alice)
            .body(big.clone())
            .send()
            .unwrap(),
    );
    assert_eq!(status, StatusCode::BAD_REQUEST, "{message}");
    assert!(check(&server, &alice, &sha256(&big[..900]), 900).is_some());

    // A JSON body over max_json_bytes, in the API's error shape.
    let sha = server.upload(&alice, CSV);
    let mut descriptor = csv_descriptor("huge");
    descriptor["description"] = json!("d".repeat(20_000));
    too_large(
        server
            .post("/api/packages/alice/huge")
            .bearer_auth(&alice)
            .json(&json!({
                "descriptor": descriptor,
                "files": [{"path": "data/table.csv", "sha256": sha, "size": CSV.len()}],
            }))
            .send()
            .unwrap(),
        "json body",
    );
    assert_eq!(
        server
            .get("/api/packages/alice/huge")
            .send()
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    // Within the limits all is well.
    server.publish_csv(&alice, "alice", "small", CSV, json!({}));
}

fn the_same_bytes_from_two_users_are_stored_once(backend: Backend) {
    let server = TestServer::start(backend);
    let alice = server.signup("alice");
    let bob = server.signup("bob");
    assert!(check(&server, &bob, &sha256(CSV), CSV.len()).is_some());
    server.publish_csv(&alice, "alice", "gdp", CSV, json!({}));
    // Bob's client is told it has nothing to send.
    assert!(check(&server, &bob, &sha256(CSV), CSV.len()).is_none());
    server.publish_csv(&bob, "bob", "gdp-copy", CSV, json!({}));
    if backend == Backend::SqliteDisk {
        // Sending it anyway is harmless: "stored already".
        let again = server
            .client
            .put(server.url(&format!("/api/blobs/{}?size={}", sha256(CSV), CSV.len())))
            .bearer_auth(&bob)
            .body(CSV.to_vec())
            .send()
            .unwrap();
        assert_eq!(again.status(), StatusCode::OK);
        let stored = files_under(&server.data_dir.join("blobs/sha256"));
        assert_eq!(stored, [blob_file(&server, &sha256(CSV))]);
    }
    // Purging one package keeps the bytes the other still uses.
    let purge = server
        .post("/api/packages/alice/gdp/purge")
        .bearer_auth(&alice)
        .send()
        .unwrap();
    assert_eq!(purge.status(), StatusCode::NO_CONTENT);
    let bytes = server
        .download("/bob/gdp-copy/data/table.csv", None)
        .bytes()
        .unwrap();
    assert_eq!(&bytes[..], CSV);
}

fn registries_starting_at_once_share_one_fresh_database(backend: Backend) {
    const PROCESSES: usize = 4;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = Config {
        bind: "127.0.0.1:0".to_string(),
        data_dir: dir.path().join("registry-data"),
        db_pool_size: 4,
        ..Config::default()
    };
    if backend == Backend::PostgresS3 {
        let admin = std::env::var("DATA_REGISTRY_TEST_POSTGRES").expect("checked");
        config.database_url = Some(fresh_postgres_database(&admin));
        let bucket = std::env::var("DATA_REGISTRY_TEST_S3").expect("checked");
        config.storage = Some(format!(
            "{}/{}",
            bucket.trim_end_matches('/'),
            uuid::Uuid::new_v4().simple()
        ));
    }
    let barrier = Arc::new(Barrier::new(PROCESSES));
    let handles: Vec<_> = (0..PROCESSES)
        .map(|_| {
            let (config, barrier) = (config.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                Registry::build(config)
                    .map(drop)
                    .map_err(|e| format!("{e:#}"))
            })
        })
        .collect();
    let results: Vec<Result<(), String>> = handles
        .into_iter()
        .map(|h| h.join().expect("start-up thread"))
        .collect();
    for result in &results {
        assert!(result.is_ok(), "{results:?}");
    }
    // The schema they made works: a server on it signs up and publishes.
    let shared = config.clone();
    let server = TestServer::start_with(backend, move |c| {
        c.data_dir = shared.data_dir;
        c.database_url = shared.database_url;
        c.storage = shared.storage;
    });
    let alice = server.signup("alice");
    server.publish_csv(&alice, "alice", "gdp", CSV, json!({}));
    let again = server.publish_csv(&alice, "alice", "gdp", CSV, json!({"force": true}));
    assert_eq!(again["revision"], 2);
}

fn descriptors_and_file_lists_cannot_leave_the_package(backend: Backend) {
    let server = TestServer::start(backend);
    let alice = server.signup("alice");
    let sha = server.upload(&alice, CSV);
    let publish = |descriptor: Value, files: Value| {
        server
            .post("/api/packages/alice/x")
            .bearer_auth(&alice)
            .json(&json!({"descriptor": descriptor, "files": files}))
            .send()
            .unwrap()
    };
    let entry = |path: &str| json!({"path": path, "sha256": sha, "size": CSV.len()});
    let cases = [
        (
            "schema given as a path outside",
            json!({"name": "x", "resources": [{"name": "t", "path": "t.csv", "schema": "../schema.json"}]}),
            json!([entry("t.csv"), entry("../schema.json")]),
        ),
        (
            "schema outside, not listed",
            json!({"name": "x", "resources": [{"name": "t", "path": "t.csv", "schema": "../schema.json"}]}),
            json!([entry("t.csv")]),
        ),
        (
            "dialect given as a path outside",
            json!({"name": "x", "resources": [{"name": "t", "path": "t.csv", "dialect": "../../dialect.json"}]}),
            json!([entry("t.csv"), entry("../../dialect.json")]),
        ),
        (
            "a file-list entry climbing out",
            json!({"name": "x", "resources": [{"name": "t", "path": "t.csv"}]}),
            json!([entry("t.csv"), entry("a/../../b")]),
        ),
        (
            "a multi-part path with one part outside",
            json!({"name": "x", "resources": [{"name": "t", "path": ["t.csv", "a/../../b.csv"]}]}),
            json!([entry("t.csv"), entry("a/../../b.csv")]),
        ),
        (
            "a backslash path outside",
            json!({"name": "x", "resources": [{"name": "t", "path": "..\\t.csv"}]}),
            json!([entry("..\\t.csv")]),
        ),
    ];
    for (what, descriptor, files) in cases {
        let (status, code, message) = error_code(publish(descriptor, files));
        assert_eq!(status, StatusCode::BAD_REQUEST, "{what}: {message}");
        assert_eq!(code, "invalid_descriptor", "{what}: {message}");
    }
    // Inside the package, a schema and a dialect given as paths are fine.
    let schema =
        br#"{"fields": [{"name": "a", "type": "integer"}, {"name": "b", "type": "string"}]}"#;
    let response = server.publish(
        &alice,
        "alice",
        "x",
        &json!({"name": "x", "resources": [{"name": "t", "path": "data/t.csv", "schema": "meta/schema.json"}]}),
        &[("data/t.csv", CSV), ("meta/schema.json", schema)],
        json!({}),
    );
    assert_eq!(response.status(), StatusCode::CREATED);
    let fetched = server
        .download("/alice/x/meta/schema.json", None)
        .bytes()
        .unwrap();
    assert_eq!(&fetched[..], &schema[..]);
}
