//! Sign-up, log-in, tokens, `me`, publishers and membership.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::backend_tests;
use crate::support::{error_code, Backend, TestServer};

backend_tests!(
    signup_login_and_me,
    signup_refuses_bad_and_taken_names,
    tokens_are_listed_revoked_and_refused_after,
    organisations_invite_accept_and_last_owner,
);

fn signup_login_and_me(backend: Backend) {
    let server = TestServer::start(backend);
    let health: Value = server.get("/api/health").send().unwrap().json().unwrap();
    assert_eq!(health["status"], "ok");

    let token = server.signup("alice");
    let me: Value = server
        .get("/api/me")
        .bearer_auth(&token)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(me["username"], "alice");
    assert_eq!(me["publishers"][0]["publisher"], "alice");
    assert_eq!(me["publishers"][0]["role"], "owner");

    let login = server
        .post("/api/auth/login")
        .json(&json!({"username": "alice", "password": "password123"}))
        .send()
        .unwrap();
    assert_eq!(login.status(), StatusCode::OK);
    let second: Value = login.json().unwrap();
    assert_ne!(second["token"], token.as_str());

    let wrong = server
        .post("/api/auth/login")
        .json(&json!({"username": "alice", "password": "password124"}))
        .send()
        .unwrap();
    assert_eq!(error_code(wrong).1, "unauthorized");
    let nobody = server
        .post("/api/auth/login")
        .json(&json!({"username": "nobody", "password": "password123"}))
        .send()
        .unwrap();
    assert_eq!(error_code(nobody).0, StatusCode::UNAUTHORIZED);

    assert_eq!(
        server.get("/api/me").send().unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
}

fn signup_refuses_bad_and_taken_names(backend: Backend) {
    let server = TestServer::start(backend);
    server.signup("alice");
    let signup = |username: &str, email: &str, password: &str| {
        server
            .post("/api/auth/signup")
            .json(&json!({"username": username, "email": email, "password": password}))
            .send()
            .unwrap()
    };
    let (status, code, message) = error_code(signup("alice", "b@example.org", "password123"));
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::CONFLICT, "conflict"),
        "{message}"
    );
    for bad in ["Alice", "-x", "a b", "api", ""] {
        let (status, code, _) = error_code(signup(bad, "b@example.org", "password123"));
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad:?}");
        assert_eq!(code, "invalid_name", "{bad:?}");
    }
    assert_eq!(
        error_code(signup("bob", "not-an-email", "password123")).0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        error_code(signup("bob", "bob@example.org", "short")).0,
        StatusCode::BAD_REQUEST
    );
    // A body that is not JSON gets the API's error shape too.
    let garbage = server
        .post("/api/auth/signup")
        .header("content-type", "application/json")
        .body("{nope")
        .send()
        .unwrap();
    assert_eq!(error_code(garbage).1, "bad_request");
}

fn tokens_are_listed_revoked_and_refused_after(backend: Backend) {
    let server = TestServer::start(backend);
    let token = server.signup("alice");
    let created: Value = server
        .post("/api/tokens")
        .bearer_auth(&token)
        .json(&json!({"name": "ci"}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let ci_token = created["token"].as_str().unwrap().to_string();
    let listed: Value = server
        .get("/api/tokens")
        .bearer_auth(&ci_token)
        .send()
        .unwrap()
        .json()
        .unwrap();
    let names: Vec<&str> = listed["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["signup", "ci"]);
    // Listing never shows a secret.
    assert!(!listed.to_string().contains(&ci_token[4..]));

    let revoke = server
        .client
        .delete(server.url(&format!("/api/tokens/{}", created["id"])))
        .bearer_auth(&token)
        .send()
        .unwrap();
    assert_eq!(revoke.status(), StatusCode::NO_CONTENT);
    let (status, code, message) =
        error_code(server.get("/api/me").bearer_auth(&ci_token).send().unwrap());
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNAUTHORIZED, "unauthorized")
    );
    assert!(message.contains("data login"), "{message}");
    // A revoked token is refused even where anonymous access would do.
    assert_eq!(
        server
            .get("/api/search")
            .bearer_auth(&ci_token)
            .send()
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        server
            .get("/api/me")
            .bearer_auth("dpm_garbage")
            .send()
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
}

fn organisations_invite_accept_and_last_owner(backend: Backend) {
    let server = TestServer::start(backend);
    let alice = server.signup("alice");
    let bob = server.signup("bob");
    let created = server
        .post("/api/publishers")
        .bearer_auth(&alice)
        .json(&json!({"name": "acme", "title": "ACME Data"}))
        .send()
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    // A user's name and an organisation's share one namespace.
    let clash = server
        .post("/api/publishers")
        .bearer_auth(&alice)
        .json(&json!({"name": "bob"}))
        .send()
        .unwrap();
    assert_eq!(clash.status(), StatusCode::CONFLICT);

    // Bob may not invite himself, list members or edit the profile.
    let self_invite = server
        .post("/api/publishers/acme/invitations")
        .bearer_auth(&bob)
        .json(&json!({"username": "bob"}))
        .send()
        .unwrap();
    assert_eq!(self_invite.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        server
            .get("/api/publishers/acme/members")
            .bearer_auth(&bob)
            .send()
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );

    let invite = server
        .post("/api/publishers/acme/invitations")
        .bearer_auth(&alice)
        .json(&json!({"username": "bob", "role": "member"}))
        .send()
        .unwrap();
    assert_eq!(invite.status(), StatusCode::CREATED);
    let again = server
        .post("/api/publishers/acme/invitations")
        .bearer_auth(&alice)
        .json(&json!({"username": "bob"}))
        .send()
        .unwrap();
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let mine: Value = server
        .get("/api/me/invitations")
        .bearer_auth(&bob)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(mine["invitations"][0]["publisher"], "acme");
    assert_eq!(mine["invitations"][0]["invited_by"], "alice");
    let accept = server
        .post("/api/publishers/acme/invitations/accept")
        .bearer_auth(&bob)
        .send()
        .unwrap();
    assert_eq!(accept.status(), StatusCode::NO_CONTENT);
    let members: Value = server
        .get("/api/publishers/acme/members")
        .bearer_auth(&bob)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(members["members"].as_array().unwrap().len(), 2);

    // The last owner can neither leave nor step down.
    let leave = server
        .client
        .delete(server.url("/api/publishers/acme/members/alice"))
        .bearer_auth(&alice)
        .send()
        .unwrap();
    assert_eq!(error_code(leave).1, "last_owner");
    let demote = server
        .client
        .patch(server.url("/api/publishers/acme/members/alice"))
        .bearer_auth(&alice)
        .json(&json!({"role": "member"}))
        .send()
        .unwrap();
    assert_eq!(error_code(demote).1, "last_owner");
    // With a second owner, she can.
    let promote = server
        .client
        .patch(server.url("/api/publishers/acme/members/bob"))
        .bearer_auth(&alice)
        .json(&json!({"role": "owner"}))
        .send()
        .unwrap();
    assert_eq!(promote.status(), StatusCode::NO_CONTENT);
    let leave = server
        .client
        .delete(server.url("/api/publishers/acme/members/alice"))
        .bearer_auth(&alice)
        .send()
        .unwrap();
    assert_eq!(leave.status(), StatusCode::NO_CONTENT);

    let profile: Value = server
        .get("/api/publishers/acme")
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(profile["title"], "ACME Data");
    assert_eq!(profile["kind"], "org");
}
