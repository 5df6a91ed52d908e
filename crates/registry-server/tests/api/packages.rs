//! Publishing, revisions, tags, descriptors with ETags, files and deletion.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::backend_tests;
use crate::support::{csv_descriptor, error_code, sha256, Backend, TestServer};

backend_tests!(
    publish_get_and_revisions,
    etag_answers_304,
    tags_conflict_unless_forced,
    files_are_served_with_range_and_the_zip_holds_everything,
    delete_undelete_purge,
    publish_refuses_bad_descriptors_and_missing_blobs,
    search_filters_sorts_and_pages,
    anonymous_reads_see_changes_at_once,
);

const CSV: &[u8] = b"a,b\n1,x\n2,y\n";

fn publish_get_and_revisions(backend: Backend) {
    let server = TestServer::start(backend);
    let alice = server.signup("alice");
    let first = server.publish_csv(&alice, "alice", "gdp", CSV, json!({}));
    assert_eq!(first["revision"], 1);

    // Exists: 409 unless forced.
    let again = server.publish(
        &alice,
        "alice",
        "gdp",
        &csv_descriptor("gdp"),
        &[("data/table.csv", CSV)],
        json!({}),
    );
    let (status, code, message) = error_code(again);
    assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "conflict"));
    assert!(message.contains("force"), "{message}");
    let second = server.publish_csv(
        &alice,
        "alice",
        "gdp",
        b"a,b\n3,z\n",
        json!({"force": true}),
    );
    assert_eq!(second["revision"], 2);

    let latest = server.get("/api/packages/alice/gdp").send().unwrap();
    assert_eq!(latest.headers()["x-data-revision"], "2");
    let descriptor: Value = latest.json().unwrap();
    assert_eq!(descriptor["name"], "gdp");
    let old = server
        .get("/api/packages/alice/gdp?revision=1")
        .send()
        .unwrap();
    assert_eq!(old.headers()["x-data-revision"], "1");
    // The old revision's bytes are still there.
    let bytes = server
        .download("/alice/gdp/v/1/data/table.csv", None)
        .bytes()
        .unwrap();
    assert_eq!(&bytes[..], CSV);
    let bytes = server
        .download("/alice/gdp/data/table.csv", None)
        .bytes()
        .unwrap();
    assert_eq!(&bytes[..], b"a,b\n3,z\n");

    let revisions: Value = server
        .get("/api/packages/alice/gdp/revisions")
        .send()
        .unwrap()
        .json()
        .unwrap();
    let numbers: Vec<i64> = revisions["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["revision"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, [2, 1]);
    assert_eq!(revisions["revisions"][0]["published_by"], "alice");

    assert_eq!(
        server
            .get("/api/packages/alice/nope")
            .send()
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        server
            .get("/api/packages/alice/gdp?revision=3")
            .send()
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
}

fn etag_answers_304(backend: Backend) {
    let server = TestServer::start(backend);
    let alice = server.signup("alice");
    server.publish_csv(&alice, "alice", "gdp", CSV, json!({}));
    for path in [
        "/api/packages/alice/gdp",
        "/alice/gdp/datapackage.json",
        "/alice/gdp/v/1/datapackage.json",
    ] {
        let first = server.get(path).send().unwrap();
        assert_eq!(first.status(), StatusCode::OK, "{path}");
        let etag = first.headers()["etag"].to_str().unwrap().to_string();
        let cached = server
            .get(path)
            .header("If-None-Match", &etag)
            .send()
            .unwrap();
        assert_eq!(cached.status(), StatusCode::NOT_MODIFIED, "{path}");
        assert!(cached.bytes().unwrap().is_empty());
        let stale = server
            .get(path)
            .header("If-None-Match", "\"something-else\"")
            .send()
            .unwrap();
        assert_eq!(stale.status(), StatusCode::OK, "{path}");
    }
    // A new revision with a different descriptor changes the latest ETag.
    let etag = server
        .get("/alice/gdp/datapackage.json")
        .send()
        .unwrap()
        .headers()["etag"]
        .clone();
    let mut changed = csv_descriptor("gdp");
    changed["title"] = json!("GDP, revised");
    let response = server.publish(
        &alice,
        "alice",
        "gdp",
        &changed,
        &[("data/table.csv", CSV)],
        json!({"force": true}),
    );
    assert_eq!(response.status(), StatusCode::CREATED);
    let cached = server
        .get("/alice/gdp/datapackage.json")
        .header("If-None-Match", etag)
        .send()
        .unwrap();
    assert_eq!(cached.status(), StatusCode::OK);
    // So does one with the same descriptor over other data: a client's
    // cached copy must not pass for the new revision.
    let etag = cached.headers()["etag"].clone();
    let response = server.publish(
        &alice,
        "alice",
        "gdp",
        &changed,
        &[("data/table.csv", b"a,b\n42,new\n")],
        json!({"force": true}),
    );
    assert_eq!(response.status(), StatusCode::CREATED);
    let fresh = server
        .get("/alice/gdp/datapackage.json")
        .header("If-None-Match", etag)
        .send()
        .unwrap();
    assert_eq!(fresh.status(), StatusCode::OK);
    assert_eq!(fresh.headers()["x-data-revision"], "3");
}

fn tags_conflict_unless_forced(backend: Backend) {
    let server = TestServer::start(backend);
    let alice = server.signup("alice");
    server.publish_csv(&alice, "alice", "gdp", CSV, json!({}));
    server.publish_csv(
        &alice,
        "alice",
        "gdp",
        b"a,b\n9,q\n",
        json!({"force": true}),
    );
    let tag = |body: Value| {
        server
            .post("/api/packages/alice/gdp/tags")
            .bearer_auth(&alice)
            .json(&body)
            .send()
            .unwrap()
    };
    assert_eq!(
        tag(json!({"name": "v1", "revision": 1})).status(),
        StatusCode::CREATED
    );
    assert_eq!(
        error_code(tag(json!({"name": "v1"}))).0,
        StatusCode::CONFLICT
    );
    assert_eq!(error_code(tag(json!({"name": "12"}))).1, "invalid_name");
    assert_eq!(
        error_code(tag(json!({"name": "v9", "revision": 7}))).0,
        StatusCode::NOT_FOUND
    );
    let at_v1 = server.get("/api/packages/alice/gdp?tag=v1").send().unwrap();
    assert_eq!(at_v1.headers()["x-data-revision"], "1");
    assert_eq!(
        tag(json!({"name": "v1", "force": true})).status(),
        StatusCode::CREATED
    );
    let at_v1 = server
        .get("/alice/gdp/v/v1/datapackage.json")
        .send()
        .unwrap();
    assert_eq!(at_v1.headers()["x-data-revision"], "2");
    let tags: Value = server
        .get("/api/packages/alice/gdp/tags")
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(tags["tags"][0]["name"], "v1");
    let delete = server
        .client
        .delete(server.url("/api/packages/alice/gdp/tags/v1"))
        .bearer_auth(&alice)
        .send()
        .unwrap();
    assert_eq!(delete.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        server
            .get("/api/packages/alice/gdp?tag=v1")
            .send()
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
}

fn files_are_served_with_range_and_the_zip_holds_everything(backend: Backend) {
    let server = TestServer::start(backend);
    let alice = server.signup("alice");
    server.publish_csv(&alice, "alice", "gdp", CSV, json!({}));
    let get = |path: &str| {
        let response = server
            .get(path)
            .header("Range", "bytes=4-6")
            .send()
            .unwrap();
        if response.status() == StatusCode::FOUND {
            // S3: follow the presigned URL ourselves, Range and all.
            let location = response.headers()["location"].to_str().unwrap().to_string();
            server
                .client
                .get(location)
                .header("Range", "bytes=4-6")
                .send()
                .unwrap()
        } else {
            response
        }
    };
    let partial = get("/alice/gdp/data/table.csv");
    assert_eq!(partial.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(&partial.bytes().unwrap()[..], b"1,x");
    let missing = server.get("/alice/gdp/data/other.csv").send().unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);

    let zip = server
        .get("/api/packages/alice/gdp/archive.zip")
        .send()
        .unwrap();
    assert_eq!(zip.status(), StatusCode::OK);
    let bytes = zip.bytes().unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut names: Vec<String> = archive.file_names().map(str::to_string).collect();
    names.sort();
    assert_eq!(names, ["data/table.csv", "datapackage.json"]);
    let mut table = Vec::new();
    std::io::Read::read_to_end(&mut archive.by_name("data/table.csv").unwrap(), &mut table)
        .unwrap();
    assert_eq!(table, CSV);
}

fn delete_undelete_purge(backend: Backend) {
    let server = TestServer::start(backend);
    let alice = server.signup("alice");
    server.publish_csv(&alice, "alice", "gdp", CSV, json!({}));
    server.publish_csv(&alice, "alice", "shared", CSV, json!({}));
    server.publish_csv(&alice, "alice", "own", b"a,b\n7,only here\n", json!({}));
    let delete = server
        .client
        .delete(server.url("/api/packages/alice/gdp"))
        .bearer_auth(&alice)
        .send()
        .unwrap();
    assert_eq!(delete.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        server
            .get("/api/packages/alice/gdp")
            .send()
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        server
            .get("/api/packages/alice/gdp")
            .bearer_auth(&alice)
            .send()
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    let info: Value = server
        .get("/api/packages/alice/gdp/info")
        .bearer_auth(&alice)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(info["deleted"], true);
    // Publishing over a deleted package is refused with what to do.
    let (status, _, message) = error_code(server.publish(
        &alice,
        "alice",
        "gdp",
        &csv_descriptor("gdp"),
        &[("data/table.csv", CSV)],
        json!({"force": true}),
    ));
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(message.contains("undelete"), "{message}");
    let undelete = server
        .post("/api/packages/alice/gdp/undelete")
        .bearer_auth(&alice)
        .send()
        .unwrap();
    assert_eq!(undelete.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        server
            .get("/api/packages/alice/gdp")
            .send()
            .unwrap()
            .status(),
        StatusCode::OK
    );

    // Purge removes the package and the blobs only it used.
    let purge = server
        .post("/api/packages/alice/own/purge")
        .bearer_auth(&alice)
        .send()
        .unwrap();
    assert_eq!(purge.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        server
            .get("/api/packages/alice/own/info")
            .bearer_auth(&alice)
            .send()
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    let purge = server
        .post("/api/packages/alice/gdp/purge")
        .bearer_auth(&alice)
        .send()
        .unwrap();
    assert_eq!(purge.status(), StatusCode::NO_CONTENT);
    let check: Value = server
        .post("/api/blobs/check")
        .bearer_auth(&alice)
        .json(&json!({"blobs": [
            {"sha256": sha256(CSV), "size": CSV.len()},
            {"sha256": sha256(b"a,b\n7,only here\n"), "size": 16}
        ]}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    // CSV is still used by "shared"; the other blob is gone.
    assert_eq!(check["present"], json!([sha256(CSV)]));
    assert_eq!(check["missing"][0]["sha256"], sha256(b"a,b\n7,only here\n"));
    let bytes = server
        .download("/alice/shared/data/table.csv", None)
        .bytes()
        .unwrap();
    assert_eq!(&bytes[..], CSV);
    // The name is free again.
    server.publish_csv(&alice, "alice", "gdp", CSV, json!({}));
}

fn publish_refuses_bad_descriptors_and_missing_blobs(backend: Backend) {
    let server = TestServer::start(backend);
    let alice = server.signup("alice");
    let sha = server.upload(&alice, CSV);
    let publish = |name: &str, descriptor: Value, files: Value| {
        server
            .post(&format!("/api/packages/alice/{name}"))
            .bearer_auth(&alice)
            .json(&json!({"descriptor": descriptor, "files": files}))
            .send()
            .unwrap()
    };
    let file = |path: &str| json!([{"path": path, "sha256": sha, "size": CSV.len()}]);
    let one = |path: &str| json!({"name": "x", "resources": [{"name": "t", "path": path}]});
    for path in [
        "../etc/passwd",
        "/etc/passwd",
        "data/../../x.csv",
        "%2e%2e/x.csv",
    ] {
        let (status, code, message) = error_code(publish("x", one(path), file(path)));
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {message}");
        assert_eq!(code, "invalid_descriptor", "{path}");
    }
    let bad_type = json!({"name": "x", "resources": [{"name": "t", "path": "t.csv",
        "schema": {"fields": [{"name": "a", "type": "integr"}]}}]});
    let (_, code, message) = error_code(publish("x", bad_type, file("t.csv")));
    assert_eq!(code, "invalid_descriptor");
    assert!(
        message.contains("resources[0].schema.fields[0].type"),
        "{message}"
    );
    // A path with no blob, and a blob that was never uploaded.
    let (_, code, _) = error_code(publish("x", one("t.csv"), json!([])));
    assert_eq!(code, "invalid_descriptor");
    let never = json!([{"path": "t.csv", "sha256": sha256(b"never"), "size": 5}]);
    let (status, code, _) = error_code(publish("x", one("t.csv"), never));
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::BAD_REQUEST, "missing_blob")
    );
    let wrong_size = json!([{"path": "t.csv", "sha256": sha, "size": 3}]);
    assert_eq!(
        error_code(publish("x", one("t.csv"), wrong_size)).1,
        "missing_blob"
    );
    // Names: the URL's rules, and the descriptor must agree with it.
    assert_eq!(
        error_code(publish("Bad_Name", one("t.csv"), file("t.csv"))).1,
        "invalid_name"
    );
    let (_, code, message) = error_code(publish("other", one("t.csv"), file("t.csv")));
    assert_eq!(code, "invalid_descriptor", "{message}");
    // Nothing was created by any of these.
    let search: Value = server.get("/api/search").send().unwrap().json().unwrap();
    assert_eq!(search["total"], 0);
}

fn search_filters_sorts_and_pages(backend: Backend) {
    let server = TestServer::start(backend);
    let alice = server.signup("alice");
    let bob = server.signup("bob");
    server.publish_csv(&alice, "alice", "gdp-world", CSV, json!({}));
    server.publish_csv(&alice, "alice", "co2", CSV, json!({}));
    server.publish_csv(&bob, "bob", "gdp-europe", CSV, json!({}));
    server.publish_csv(
        &bob,
        "bob",
        "secret-gdp",
        CSV,
        json!({"visibility": "private"}),
    );
    let search = |query: &str, token: Option<&str>| -> Value {
        let mut request = server.get(&format!("/api/search?{query}"));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().unwrap().json().unwrap()
    };
    let names = |v: &Value| -> Vec<String> {
        v["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                format!(
                    "{}/{}",
                    r["owner"].as_str().unwrap(),
                    r["name"].as_str().unwrap()
                )
            })
            .collect()
    };
    assert_eq!(
        names(&search("q=gdp", None)),
        ["bob/gdp-europe", "alice/gdp-world"]
    );
    assert_eq!(
        names(&search("q=GDP&publisher=alice", None)),
        ["alice/gdp-world"]
    );
    assert_eq!(
        names(&search("q=gdp", Some(&bob))),
        ["bob/gdp-europe", "alice/gdp-world", "bob/secret-gdp"]
    );
    // Title text matches too ("The co2 table").
    assert_eq!(names(&search("q=co2+table", None)), ["alice/co2"]);
    // LIKE wildcards are plain characters.
    assert_eq!(search("q=%25", None)["total"], 0);
    let page = search("per_page=2&page=2&sort=name", None);
    assert_eq!(page["total"], 3);
    assert_eq!(names(&page), ["alice/gdp-world"]);
    let recent = search("sort=recent", None);
    assert_eq!(names(&recent)[0], "bob/gdp-europe");
    assert_eq!(
        server
            .get("/api/search?per_page=1000")
            .send()
            .unwrap()
            .status(),
        StatusCode::BAD_REQUEST
    );
    // Downloads: whole-file reads and zips count, and sort by them.
    for _ in 0..2 {
        let bytes = server
            .download("/alice/co2/data/table.csv", None)
            .bytes()
            .unwrap();
        assert_eq!(&bytes[..], CSV);
    }
    let zip = server
        .get("/api/packages/bob/gdp-europe/archive.zip")
        .send()
        .unwrap();
    assert_eq!(zip.status(), StatusCode::OK);
    let popular = search("sort=downloads", None);
    assert_eq!(names(&popular)[..2], ["alice/co2", "bob/gdp-europe"]);
    assert_eq!(popular["results"][0]["downloads"], 2);
}

/// Anonymous descriptor reads are cached (read_cache.rs); every change made
/// through this server must show at once all the same.
fn anonymous_reads_see_changes_at_once(backend: Backend) {
    let server = TestServer::start(backend);
    let alice = server.signup("alice");
    server.publish_csv(&alice, "alice", "gdp", CSV, json!({}));
    let revision = |path: &str| -> Option<String> {
        let response = server.get(path).send().unwrap();
        (response.status() == StatusCode::OK).then(|| {
            response.headers()["x-data-revision"]
                .to_str()
                .unwrap()
                .to_string()
        })
    };
    for _ in 0..3 {
        assert_eq!(
            revision("/alice/gdp/datapackage.json").as_deref(),
            Some("1")
        );
    }
    server.publish_csv(
        &alice,
        "alice",
        "gdp",
        b"a,b\n5,e\n",
        json!({"force": true}),
    );
    assert_eq!(
        revision("/alice/gdp/datapackage.json").as_deref(),
        Some("2")
    );
    assert_eq!(revision("/api/packages/alice/gdp").as_deref(), Some("2"));
    let private = server
        .client
        .patch(server.url("/api/packages/alice/gdp"))
        .bearer_auth(&alice)
        .json(&json!({"visibility": "private"}))
        .send()
        .unwrap();
    assert_eq!(private.status(), StatusCode::NO_CONTENT);
    assert_eq!(revision("/alice/gdp/datapackage.json"), None);
    assert_eq!(revision("/alice/gdp/v/1/datapackage.json"), None);
    assert_eq!(revision("/api/packages/alice/gdp?revision=2"), None);
    let public = server
        .client
        .patch(server.url("/api/packages/alice/gdp"))
        .bearer_auth(&alice)
        .json(&json!({"visibility": "public"}))
        .send()
        .unwrap();
    assert_eq!(public.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        revision("/alice/gdp/datapackage.json").as_deref(),
        Some("2")
    );
    let delete = server
        .client
        .delete(server.url("/api/packages/alice/gdp"))
        .bearer_auth(&alice)
        .send()
        .unwrap();
    assert_eq!(delete.status(), StatusCode::NO_CONTENT);
    assert_eq!(revision("/alice/gdp/datapackage.json"), None);
    let undelete = server
        .post("/api/packages/alice/gdp/undelete")
        .bearer_auth(&alice)
        .send()
        .unwrap();
    assert_eq!(undelete.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        revision("/alice/gdp/v/1/datapackage.json").as_deref(),
        Some("1")
    );
    let purge = server
        .post("/api/packages/alice/gdp/purge")
        .bearer_auth(&alice)
        .send()
        .unwrap();
    assert_eq!(purge.status(), StatusCode::NO_CONTENT);
    assert_eq!(revision("/alice/gdp/datapackage.json"), None);
    assert_eq!(revision("/alice/gdp/v/1/datapackage.json"), None);
}
