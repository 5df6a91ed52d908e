//! The error paths of endpoints the other modules reach only on success:
//! publisher profiles, invitations, tokens, search parameters, revisions.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::backend_tests;
use crate::support::{error_code, Backend, TestServer};

backend_tests!(
    publisher_profiles_and_invitations_refuse_what_they_must,
    tokens_and_bad_requests,
);

fn publisher_profiles_and_invitations_refuse_what_they_must(backend: Backend) {
    let server = TestServer::start(backend);
    let alice = server.signup("alice");
    let bob = server.signup("bob");
    let carol = server.signup("carol");
    let create = server
        .post("/api/publishers")
        .bearer_auth(&alice)
        .json(&json!({"name": "acme"}))
        .send()
        .unwrap();
    assert_eq!(create.status(), StatusCode::CREATED);
    assert_eq!(
        error_code(
            server
                .post("/api/publishers")
                .json(&json!({"name": "anon-org"}))
                .send()
                .unwrap()
        )
        .0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        error_code(
            server
                .post("/api/publishers")
                .bearer_auth(&alice)
                .json(&json!({"name": "Bad Name"}))
                .send()
                .unwrap()
        )
        .1,
        "invalid_name"
    );
    assert_eq!(
        error_code(server.get("/api/publishers/nobody-here").send().unwrap()).1,
        "not_found"
    );

    // Profile: owners edit; a member or a stranger may not; long titles refused.
    let patch = |token: &str, body: Value| {
        server
            .client
            .patch(server.url("/api/publishers/acme"))
            .bearer_auth(token)
            .json(&body)
            .send()
            .unwrap()
    };
    let edited: Value = patch(&alice, json!({"description": "Open data from ACME"}))
        .json()
        .unwrap();
    assert_eq!(edited["description"], "Open data from ACME");
    assert_eq!(
        error_code(patch(&bob, json!({"title": "Mine now"}))).1,
        "forbidden"
    );
    assert_eq!(
        error_code(patch(&alice, json!({"title": "x".repeat(500)}))).1,
        "bad_request"
    );

    // Invitations: unknown users, personal publishers, declining.
    let invite = |token: &str, publisher: &str, username: &str| {
        server
            .post(&format!("/api/publishers/{publisher}/invitations"))
            .bearer_auth(token)
            .json(&json!({"username": username}))
            .send()
            .unwrap()
    };
    assert_eq!(error_code(invite(&alice, "acme", "nobody")).1, "not_found");
    assert_eq!(error_code(invite(&alice, "alice", "bob")).1, "bad_request");
    assert_eq!(invite(&alice, "acme", "bob").status(), StatusCode::CREATED);
    assert_eq!(
        invite(&alice, "acme", "carol").status(),
        StatusCode::CREATED
    );
    let pending: Value = server
        .get("/api/publishers/acme/invitations")
        .bearer_auth(&alice)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(pending["invitations"].as_array().unwrap().len(), 2);
    assert_eq!(
        error_code(
            server
                .get("/api/publishers/acme/invitations")
                .bearer_auth(&bob)
                .send()
                .unwrap()
        )
        .1,
        "forbidden"
    );
    let decline = server
        .post("/api/publishers/acme/invitations/decline")
        .bearer_auth(&carol)
        .send()
        .unwrap();
    assert_eq!(decline.status(), StatusCode::NO_CONTENT);
    // Declined: nothing left to accept, and carol is no member.
    assert_eq!(
        error_code(
            server
                .post("/api/publishers/acme/invitations/accept")
                .bearer_auth(&carol)
                .send()
                .unwrap()
        )
        .1,
        "not_found"
    );
    assert_eq!(
        error_code(
            server
                .get("/api/publishers/acme/members")
                .bearer_auth(&carol)
                .send()
                .unwrap()
        )
        .1,
        "forbidden"
    );
    // A member cannot remove another member, but may leave.
    assert_eq!(
        server
            .post("/api/publishers/acme/invitations/accept")
            .bearer_auth(&bob)
            .send()
            .unwrap()
            .status(),
        StatusCode::NO_CONTENT
    );
    let remove_alice = server
        .client
        .delete(server.url("/api/publishers/acme/members/alice"))
        .bearer_auth(&bob)
        .send()
        .unwrap();
    assert_eq!(error_code(remove_alice).1, "forbidden");
    let leave = server
        .client
        .delete(server.url("/api/publishers/acme/members/bob"))
        .bearer_auth(&bob)
        .send()
        .unwrap();
    assert_eq!(leave.status(), StatusCode::NO_CONTENT);
    let again = server
        .client
        .delete(server.url("/api/publishers/acme/members/bob"))
        .bearer_auth(&alice)
        .send()
        .unwrap();
    assert_eq!(error_code(again).1, "not_found");
}

fn tokens_and_bad_requests(backend: Backend) {
    let server = TestServer::start(backend);
    let alice = server.signup("alice");
    let bob = server.signup("bob");
    // Another user's token id is "not found", never revoked.
    let listed: Value = server
        .get("/api/tokens")
        .bearer_auth(&alice)
        .send()
        .unwrap()
        .json()
        .unwrap();
    let alice_token_id = listed["tokens"][0]["id"].as_i64().unwrap();
    let revoke = server
        .client
        .delete(server.url(&format!("/api/tokens/{alice_token_id}")))
        .bearer_auth(&bob)
        .send()
        .unwrap();
    assert_eq!(error_code(revoke).1, "not_found");
    assert_eq!(
        server
            .get("/api/me")
            .bearer_auth(&alice)
            .send()
            .unwrap()
            .status(),
        StatusCode::OK
    );
    let not_a_number = server
        .client
        .delete(server.url("/api/tokens/abc"))
        .bearer_auth(&alice)
        .send()
        .unwrap();
    assert_eq!(error_code(not_a_number).1, "bad_request");
    let empty_name = server
        .post("/api/tokens")
        .bearer_auth(&alice)
        .json(&json!({"name": "  "}))
        .send()
        .unwrap();
    assert_eq!(error_code(empty_name).1, "bad_request");
    let bad_header = server
        .get("/api/me")
        .header("Authorization", "Basic YWxpY2U6cHc=")
        .send()
        .unwrap();
    assert_eq!(error_code(bad_header).1, "unauthorized");

    // Search parameters outside their ranges, and a bad sort.
    for query in [
        "page=0",
        "per_page=0",
        "per_page=101",
        "sort=size",
        "page=-1",
    ] {
        let response = server.get(&format!("/api/search?{query}")).send().unwrap();
        assert_eq!(error_code(response).1, "bad_request", "{query}");
    }
    let long = "q".repeat(300);
    assert_eq!(
        error_code(server.get(&format!("/api/search?q={long}")).send().unwrap()).1,
        "bad_request"
    );

    // Revision selectors: both at once, a tag that does not exist.
    server.publish_csv(&alice, "alice", "gdp", b"a,b\n1,x\n", json!({}));
    let both = server
        .get("/api/packages/alice/gdp?tag=v1&revision=1")
        .send()
        .unwrap();
    assert_eq!(error_code(both).1, "bad_request");
    let (status, code, message) = error_code(
        server
            .get("/api/packages/alice/gdp?tag=nope")
            .send()
            .unwrap(),
    );
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::NOT_FOUND, "not_found")
    );
    assert!(message.contains("nope"), "{message}");
    // Publish without a token, and to someone else's publisher.
    let anonymous = server
        .post("/api/packages/alice/other")
        .json(&json!({"descriptor": {"resources": []}, "files": []}))
        .send()
        .unwrap();
    assert_eq!(error_code(anonymous).1, "unauthorized");
    let foreign = server
        .post("/api/packages/alice/other")
        .bearer_auth(&bob)
        .json(&json!({"descriptor": {"name": "other", "resources": [{"name": "t", "data": [[1]]}]}, "files": []}))
        .send()
        .unwrap();
    let (status, code, message) = error_code(foreign);
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::FORBIDDEN, "forbidden")
    );
    assert!(message.contains("invite"), "{message}");
    let no_publisher = server
        .post("/api/packages/ghost/other")
        .bearer_auth(&bob)
        .json(&json!({"descriptor": {"name": "other", "resources": [{"name": "t", "data": [[1]]}]}, "files": []}))
        .send()
        .unwrap();
    assert_eq!(error_code(no_publisher).1, "not_found");
}
