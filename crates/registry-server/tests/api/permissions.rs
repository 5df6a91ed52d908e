//! The permission matrix: anonymous, another user, a member, an owner and an
//! administrator, against public, private, unlisted (by name and by link) and
//! deleted packages of an organisation, for every read and write. Nothing
//! private leaks: an invisible package answers exactly like a missing one,
//! and lists, counts, search and the catalog leave it out.
//!
//! The rules (see `db::models::packages::Found`): private packages exist for
//! members only, unlisted ones for members by name and for anyone by their
//! `/{owner}/{uuid}` link, deleted ones for nobody (owners still see `/info`,
//! undelete and purge). Publishing needs membership (403, the publisher is
//! public), tags and visibility need membership, delete and purge need an
//! owner; administrators may do everything. A visible package the caller may
//! not touch answers 403, an invisible one 404, no token on a write 401.

use std::collections::BTreeSet;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::backend_tests;
use crate::support::{csv_descriptor, sha256, Backend, TestServer};

backend_tests!(permission_matrix, nothing_private_is_listed);

const CSV: &[u8] = b"a,b\n1,x\n2,y\n";
const ORG: &str = "acme";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Actor {
    Anonymous,
    Other,
    Member,
    Owner,
    Admin,
}

const ACTORS: [Actor; 5] = [
    Actor::Anonymous,
    Actor::Other,
    Actor::Member,
    Actor::Owner,
    Actor::Admin,
];

/// Which package an action addresses, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Public,
    Private,
    /// An unlisted package by its name.
    Unlisted,
    /// An unlisted package by its `/{owner}/{uuid}` link.
    UnlistedLink,
    /// A public package its owner deleted.
    Deleted,
}

impl Target {
    fn visibility(self) -> &'static str {
        match self {
            Target::Public | Target::Deleted => "public",
            Target::Private => "private",
            Target::Unlisted | Target::UnlistedLink => "unlisted",
        }
    }

    /// What a successful PATCH changes the visibility to.
    fn other_visibility(self) -> &'static str {
        match self {
            Target::Public | Target::Deleted => "private",
            Target::Private | Target::Unlisted | Target::UnlistedLink => "public",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    // Reads.
    ApiDescriptor,
    ApiDescriptorAtRevision,
    PlainDescriptor,
    PlainDescriptorAtRevision,
    PlainFile,
    PlainFileAtRevision,
    HeadDescriptor,
    HeadFile,
    ApiFile,
    Info,
    Revisions,
    Tags,
    Archive,
    // Writes.
    /// A new revision, with force.
    Publish,
    /// A new tag `v2`.
    Tag,
    /// Deletes the tag `v1`.
    Untag,
    /// PATCH the visibility to another value.
    Visibility,
    Delete,
    Undelete,
    Purge,
}

impl Action {
    fn is_read(self) -> bool {
        !matches!(
            self,
            Action::Publish
                | Action::Tag
                | Action::Untag
                | Action::Visibility
                | Action::Delete
                | Action::Undelete
                | Action::Purge
        )
    }

    fn success(self) -> StatusCode {
        match self {
            Action::Publish | Action::Tag => StatusCode::CREATED,
            Action::Untag
            | Action::Visibility
            | Action::Delete
            | Action::Undelete
            | Action::Purge => StatusCode::NO_CONTENT,
            _ => StatusCode::OK,
        }
    }

    /// The request for the package `key` (a name or a uuid) of `ORG`.
    fn request(self, key: &str, target: Target, sha: &str) -> (Method, String, Option<Value>) {
        let api = format!("/api/packages/{ORG}/{key}");
        let plain = format!("/{ORG}/{key}");
        match self {
            Action::ApiDescriptor => (Method::GET, api, None),
            Action::ApiDescriptorAtRevision => (Method::GET, format!("{api}?revision=1"), None),
            Action::PlainDescriptor => (Method::GET, format!("{plain}/datapackage.json"), None),
            Action::PlainDescriptorAtRevision => {
                (Method::GET, format!("{plain}/v/1/datapackage.json"), None)
            }
            Action::PlainFile => (Method::GET, format!("{plain}/data/table.csv"), None),
            Action::PlainFileAtRevision => {
                (Method::GET, format!("{plain}/v/1/data/table.csv"), None)
            }
            Action::HeadDescriptor => (Method::HEAD, format!("{plain}/datapackage.json"), None),
            Action::HeadFile => (Method::HEAD, format!("{plain}/data/table.csv"), None),
            Action::ApiFile => (Method::GET, format!("{api}/files/data/table.csv"), None),
            Action::Info => (Method::GET, format!("{api}/info"), None),
            Action::Revisions => (Method::GET, format!("{api}/revisions"), None),
            Action::Tags => (Method::GET, format!("{api}/tags"), None),
            Action::Archive => (Method::GET, format!("{api}/archive.zip"), None),
            Action::Publish => (Method::POST, api, Some(publish_body(key, sha, None))),
            Action::Tag => (
                Method::POST,
                format!("{api}/tags"),
                Some(json!({"name": "v2"})),
            ),
            Action::Untag => (Method::DELETE, format!("{api}/tags/v1"), None),
            Action::Visibility => (
                Method::PATCH,
                api,
                Some(json!({"visibility": target.other_visibility()})),
            ),
            Action::Delete => (Method::DELETE, api, None),
            Action::Undelete => (Method::POST, format!("{api}/undelete"), None),
            Action::Purge => (Method::POST, format!("{api}/purge"), None),
        }
    }
}

/// What a cell expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    /// The action's success status (200, 201 or 204).
    Yes,
    /// 404 not_found, byte for byte what a missing package answers.
    Hidden,
    /// 403 forbidden.
    Denied,
    /// 401 unauthorized.
    Login,
    /// 409 conflict (publishing over a deleted package).
    Conflict,
}

use Action::*;
use Target::{Deleted, Private, Public, Unlisted, UnlistedLink};
use Want::{Conflict as CF, Denied as FB, Hidden as NF, Login as UA, Yes as Y};

const READS: &[Action] = &[
    ApiDescriptor,
    ApiDescriptorAtRevision,
    PlainDescriptor,
    PlainDescriptorAtRevision,
    PlainFile,
    PlainFileAtRevision,
    HeadDescriptor,
    HeadFile,
    ApiFile,
    Info,
    Revisions,
    Tags,
    Archive,
];
const READS_BUT_INFO: &[Action] = &[
    ApiDescriptor,
    ApiDescriptorAtRevision,
    PlainDescriptor,
    PlainDescriptorAtRevision,
    PlainFile,
    PlainFileAtRevision,
    HeadDescriptor,
    HeadFile,
    ApiFile,
    Revisions,
    Tags,
    Archive,
];
const MEMBER_WRITES: &[Action] = &[Tag, Untag, Visibility];
const OWNER_WRITES: &[Action] = &[Delete, Purge];

/// The matrix. Columns: anonymous, other user, member, owner, admin.
#[rustfmt::skip]
const MATRIX: &[(Target, &[Action], [Want; 5])] = &[
    //                                     anon other member owner admin
    (Public,       READS,                 [Y,   Y,    Y,     Y,    Y]),
    (Private,      READS,                 [NF,  NF,   Y,     Y,    Y]),
    (Unlisted,     READS,                 [NF,  NF,   Y,     Y,    Y]),
    (UnlistedLink, READS,                 [Y,   Y,    Y,     Y,    Y]),
    (Deleted,      READS_BUT_INFO,        [NF,  NF,   NF,    NF,   NF]),
    (Deleted,      &[Info],               [NF,  NF,   NF,    Y,    Y]),

    // Publishing is by name; the publisher is public, so a non-member
    // learns nothing from the 403.
    (Public,       &[Publish],            [UA,  FB,   Y,     Y,    Y]),
    (Private,      &[Publish],            [UA,  FB,   Y,     Y,    Y]),
    (Unlisted,     &[Publish],            [UA,  FB,   Y,     Y,    Y]),
    (Deleted,      &[Publish],            [UA,  FB,   CF,    CF,   CF]),

    (Public,       MEMBER_WRITES,         [UA,  FB,   Y,     Y,    Y]),
    (Private,      MEMBER_WRITES,         [UA,  NF,   Y,     Y,    Y]),
    (Unlisted,     MEMBER_WRITES,         [UA,  NF,   Y,     Y,    Y]),
    (UnlistedLink, MEMBER_WRITES,         [UA,  FB,   Y,     Y,    Y]),
    (Deleted,      MEMBER_WRITES,         [UA,  NF,   NF,    NF,   NF]),

    (Public,       OWNER_WRITES,          [UA,  FB,   FB,    Y,    Y]),
    (Private,      OWNER_WRITES,          [UA,  NF,   FB,    Y,    Y]),
    (Unlisted,     OWNER_WRITES,          [UA,  NF,   FB,    Y,    Y]),
    (UnlistedLink, OWNER_WRITES,          [UA,  FB,   FB,    Y,    Y]),
    (Deleted,      &[Delete],             [UA,  NF,   NF,    NF,   NF]),
    (Deleted,      &[Purge, Undelete],    [UA,  NF,   NF,    Y,    Y]),
];

fn publish_body(name: &str, sha: &str, visibility: Option<&str>) -> Value {
    let mut body = json!({
        "descriptor": csv_descriptor(name),
        "files": [{"path": "data/table.csv", "sha256": sha, "size": CSV.len()}],
        "force": true,
    });
    if let Some(visibility) = visibility {
        body["visibility"] = json!(visibility);
    }
    body
}

/// A response read whole; a redirect to the store (S3) is followed.
struct Reply {
    status: StatusCode,
    headers: BTreeSet<String>,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    fn code(&self) -> String {
        self.json()["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn call(
    server: &TestServer,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> Reply {
    let mut request = server.client.request(method, server.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(body);
    }
    let mut response = request.send().expect(path);
    if response.status() == StatusCode::FOUND {
        let location = response.headers()["location"]
            .to_str()
            .expect("location")
            .to_string();
        assert!(
            !location.starts_with(&server.base),
            "{path}: redirects go to the store, not back to the server"
        );
        response = server.client.get(location).send().expect("follow");
    }
    let status = response.status();
    let headers = response
        .headers()
        .keys()
        .map(|k| k.as_str().to_string())
        .filter(|k| k != "date" && k != "content-length")
        .collect();
    let body = response.bytes().expect("body").to_vec();
    Reply {
        status,
        headers,
        body,
    }
}

/// The organisation, its people and their tokens.
struct World {
    server: TestServer,
    tokens: [Option<String>; 5],
    sha: String,
}

impl World {
    fn new(backend: Backend) -> World {
        let server = TestServer::start(backend);
        let owner = server.signup("olive");
        let member = server.signup("mia");
        let other = server.signup("eve");
        let admin = server.signup("root");
        server.make_admin("root");
        let created = server
            .post("/api/publishers")
            .bearer_auth(&owner)
            .json(&json!({"name": ORG}))
            .send()
            .unwrap();
        assert_eq!(created.status(), StatusCode::CREATED);
        let invite = server
            .post(&format!("/api/publishers/{ORG}/invitations"))
            .bearer_auth(&owner)
            .json(&json!({"username": "mia", "role": "member"}))
            .send()
            .unwrap();
        assert_eq!(invite.status(), StatusCode::CREATED);
        let accept = server
            .post(&format!("/api/publishers/{ORG}/invitations/accept"))
            .bearer_auth(&member)
            .send()
            .unwrap();
        assert_eq!(accept.status(), StatusCode::NO_CONTENT);
        let sha = server.upload(&owner, CSV);
        assert_eq!(sha, sha256(CSV));
        World {
            server,
            tokens: [None, Some(other), Some(member), Some(owner), Some(admin)],
            sha,
        }
    }

    fn token(&self, actor: Actor) -> Option<&str> {
        self.tokens[actor as usize].as_deref()
    }

    fn owner(&self) -> &str {
        self.token(Actor::Owner).expect("owner token")
    }

    /// Publishes `name` as the owner for `target`, with a tag `v1`, deleted
    /// if the target says so. Returns the key to address it by.
    fn package(&self, name: &str, target: Target) -> String {
        let reply = call(
            &self.server,
            Method::POST,
            &format!("/api/packages/{ORG}/{name}"),
            Some(self.owner()),
            Some(&publish_body(name, &self.sha, Some(target.visibility()))),
        );
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
        let published = reply.json();
        assert_eq!(published["revision"], 1);
        let tag = call(
            &self.server,
            Method::POST,
            &format!("/api/packages/{ORG}/{name}/tags"),
            Some(self.owner()),
            Some(&json!({"name": "v1"})),
        );
        assert_eq!(tag.status, StatusCode::CREATED, "{}", tag.text());
        if target == Target::Deleted {
            let deleted = call(
                &self.server,
                Method::DELETE,
                &format!("/api/packages/{ORG}/{name}"),
                Some(self.owner()),
                None,
            );
            assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.text());
        }
        if target == Target::UnlistedLink {
            published["uuid"].as_str().expect("uuid").to_string()
        } else {
            name.to_string()
        }
    }

    /// What the owner sees of `name` (deleted or not): the state a refused
    /// write must leave alone.
    fn snapshot(&self, name: &str) -> Reply {
        call(
            &self.server,
            Method::GET,
            &format!("/api/packages/{ORG}/{name}/info"),
            Some(self.owner()),
            None,
        )
    }
}

/// A key no package has, shaped like `key` (a name or a uuid).
fn missing_key(key: &str) -> String {
    if registry_api::names::looks_like_uuid(key) {
        uuid::Uuid::new_v4().to_string()
    } else {
        format!("no-{key}")
    }
}

/// Checks one cell; returns what is wrong with it.
fn check_cell(
    world: &World,
    actor: Actor,
    target: Target,
    action: Action,
    want: Want,
    key: &str,
    name: &str,
) -> Vec<String> {
    let server = &world.server;
    let token = world.token(actor);
    let (method, path, body) = action.request(key, target, &world.sha);
    let before = (!action.is_read()).then(|| world.snapshot(name));
    let reply = call(server, method.clone(), &path, token, body.as_ref());
    let mut wrong = Vec::new();
    let (status, code) = match want {
        Want::Yes => (action.success(), None),
        Want::Hidden => (StatusCode::NOT_FOUND, Some("not_found")),
        Want::Denied => (StatusCode::FORBIDDEN, Some("forbidden")),
        Want::Login => (StatusCode::UNAUTHORIZED, Some("unauthorized")),
        Want::Conflict => (StatusCode::CONFLICT, Some("conflict")),
    };
    // HEAD answers have no body to carry a code.
    let code = code.filter(|_| method != Method::HEAD);
    if reply.status != status || code.is_some_and(|c| reply.code() != c) {
        wrong.push(format!(
            "{method} {path}: want {}{}, got {}: {}",
            status.as_u16(),
            code.map(|c| format!(" {c}")).unwrap_or_default(),
            reply.status.as_u16(),
            reply.text().chars().take(300).collect::<String>()
        ));
        return wrong;
    }

    // Invisible must look exactly like missing.
    if want == Want::Hidden {
        let missing = missing_key(key);
        let (method, twin_path, body) = action.request(&missing, target, &world.sha);
        let twin = call(server, method, &twin_path, token, body.as_ref());
        let twin_text = twin.text().replace(&missing, key);
        if twin.status != reply.status || twin_text != reply.text() || twin.headers != reply.headers
        {
            wrong.push(format!(
                "{path} differs from the missing {twin_path}: {} {} {:?} vs {} {} {:?}",
                reply.status.as_u16(),
                reply.text(),
                reply.headers,
                twin.status.as_u16(),
                twin_text,
                twin.headers
            ));
        }
    }

    if want == Want::Yes && action.is_read() {
        let ok = match action {
            ApiDescriptor
            | ApiDescriptorAtRevision
            | PlainDescriptor
            | PlainDescriptorAtRevision => reply.json()["name"] == name,
            PlainFile | PlainFileAtRevision | ApiFile => reply.body == CSV,
            Info => reply.json()["name"] == name,
            Revisions => reply.json()["revisions"][0]["revision"] == 1,
            Tags => reply.json()["tags"][0]["name"] == "v1",
            Archive => reply.body.starts_with(b"PK"),
            _ => true,
        };
        if !ok {
            wrong.push(format!(
                "{path}: 200 with the wrong body: {}",
                reply.text().chars().take(300).collect::<String>()
            ));
        }
    }

    // A refused write changes nothing; an allowed one does what it says.
    if let Some(before) = before {
        let after = world.snapshot(name);
        let info = after.json();
        if want == Want::Yes {
            let done = match action {
                Publish => info["latest_revision"] == 2,
                Tag => info["tags"]
                    .as_array()
                    .is_some_and(|t| t.iter().any(|t| t["name"] == "v2")),
                Untag => info["tags"]
                    .as_array()
                    .is_some_and(|t| !t.iter().any(|t| t["name"] == "v1")),
                Visibility => info["visibility"] == target.other_visibility(),
                Delete => info["deleted"] == true,
                Undelete => info["deleted"] == false,
                Purge => after.status == StatusCode::NOT_FOUND,
                _ => true,
            };
            if !done {
                wrong.push(format!(
                    "{path}: answered {} but the owner now sees {} {}",
                    reply.status.as_u16(),
                    after.status.as_u16(),
                    after.text()
                ));
            }
        } else if (after.status, after.text()) != (before.status, before.text()) {
            wrong.push(format!(
                "{path}: refused with {} but changed the package: {} -> {}",
                reply.status.as_u16(),
                before.text(),
                after.text()
            ));
        }
    }
    wrong
}

fn target_slug(target: Target) -> &'static str {
    match target {
        Target::Public => "public",
        Target::Private => "private",
        Target::Unlisted => "unlisted",
        Target::UnlistedLink => "link",
        Target::Deleted => "deleted",
    }
}

fn permission_matrix(backend: Backend) {
    let world = World::new(backend);
    // One package per target for the reads, which change nothing.
    let readable: Vec<(Target, String, String)> =
        [Public, Private, Unlisted, UnlistedLink, Deleted]
            .into_iter()
            .map(|target| {
                let name = format!("read-{}", target_slug(target));
                let key = world.package(&name, target);
                (target, name, key)
            })
            .collect();

    let mut failures = Vec::new();
    let mut cells = 0;
    for (target, actions, wants) in MATRIX {
        for action in actions.iter() {
            for (actor, want) in ACTORS.iter().zip(wants) {
                cells += 1;
                // Writes get a fresh package each, so order does not matter.
                let (name, key) = if action.is_read() {
                    let (_, name, key) = readable
                        .iter()
                        .find(|(t, _, _)| t == target)
                        .expect("a read package per target");
                    (name.clone(), key.clone())
                } else {
                    let name = format!(
                        "w-{}-{}-{}",
                        format!("{action:?}").to_lowercase(),
                        target_slug(*target),
                        format!("{actor:?}").to_lowercase()
                    );
                    let key = world.package(&name, *target);
                    (name, key)
                };
                for problem in check_cell(&world, *actor, *target, *action, *want, &key, &name) {
                    failures.push(format!(
                        "[{actor:?} x {target:?} x {action:?}, want {want:?}] {problem}"
                    ));
                }
            }
        }
    }
    assert!(cells > 250, "the matrix has {cells} cells");
    assert!(
        failures.is_empty(),
        "{} of {cells} cells are wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Names in a search or list response, checking that `total` counts just
/// them.
fn listed(server: &TestServer, path: &str, token: Option<&str>) -> (BTreeSet<String>, String) {
    let reply = call(server, Method::GET, path, token, None);
    assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.text());
    let body = reply.json();
    let names: BTreeSet<String> = body["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            format!(
                "{}/{}",
                r["owner"].as_str().unwrap(),
                r["name"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        body["total"].as_u64(),
        Some(names.len() as u64),
        "{path}: the total counts what the caller may not see"
    );
    (names, reply.text())
}

fn nothing_private_is_listed(backend: Backend) {
    let world = World::new(backend);
    let server = &world.server;
    world.package("open-data", Public);
    world.package("secret-plans", Private);
    let hidden_uuid = world.package("hidden-gem", UnlistedLink);
    world.package("old-stuff", Deleted);
    // Eve's own private package: acme's members must not see it either.
    let eve = world.token(Actor::Other).unwrap();
    let reply = call(
        server,
        Method::POST,
        "/api/packages/eve/diary",
        Some(eve),
        Some(&publish_body("diary", &world.sha, Some("private"))),
    );
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let eve_uuid = reply.json()["uuid"].as_str().unwrap().to_string();

    let set =
        |names: &[&str]| -> BTreeSet<String> { names.iter().map(|s| s.to_string()).collect() };
    let public = ["acme/open-data"];
    let acme_all = ["acme/hidden-gem", "acme/open-data", "acme/secret-plans"];
    // (actor, everything they may list, acme's part of it)
    let expected: [(Actor, BTreeSet<String>, BTreeSet<String>); 5] = [
        (Actor::Anonymous, set(&public), set(&public)),
        (
            Actor::Other,
            set(&["acme/open-data", "eve/diary"]),
            set(&public),
        ),
        (Actor::Member, set(&acme_all), set(&acme_all)),
        (Actor::Owner, set(&acme_all), set(&acme_all)),
        (
            Actor::Admin,
            set(&[
                "acme/hidden-gem",
                "acme/open-data",
                "acme/secret-plans",
                "eve/diary",
            ]),
            set(&acme_all),
        ),
    ];
    let secrets = [
        "secret-plans",
        "hidden-gem",
        "old-stuff",
        "diary",
        hidden_uuid.as_str(),
        eve_uuid.as_str(),
    ];
    for (actor, all, acme) in &expected {
        let token = world.token(*actor);
        for (path, want) in [
            ("/api/search".to_string(), all),
            ("/api/search?q=table".to_string(), all),
            ("/api/search?q=the&sort=recent".to_string(), all),
            (
                "/api/search?q=secret".to_string(),
                &all.iter()
                    .filter(|n| n.contains("secret"))
                    .cloned()
                    .collect(),
            ),
            (
                "/api/search?q=gem".to_string(),
                &all.iter().filter(|n| n.contains("gem")).cloned().collect(),
            ),
            ("/api/search?q=old".to_string(), &BTreeSet::new()),
            (format!("/api/search?publisher={ORG}"), acme),
            (format!("/api/publishers/{ORG}/packages"), acme),
            (format!("/api/publishers/{ORG}/packages?q=table"), acme),
        ] {
            let (names, text) = listed(server, &path, token);
            assert_eq!(&names, want, "{actor:?} {path}");
            // Nothing else of what they may not see slips into the body.
            for secret in secrets {
                let allowed = all.iter().any(|n| n.ends_with(&format!("/{secret}")))
                    || (matches!(actor, Actor::Member | Actor::Owner | Actor::Admin)
                        && secret == hidden_uuid)
                    || (matches!(actor, Actor::Other | Actor::Admin) && secret == eve_uuid);
                assert!(
                    allowed || !text.contains(secret),
                    "{actor:?} {path} mentions {secret}: {text}"
                );
            }
        }
        let profile = call(
            server,
            Method::GET,
            &format!("/api/publishers/{ORG}"),
            token,
            None,
        );
        assert_eq!(profile.status, StatusCode::OK);
        assert_eq!(
            profile.json()["package_count"].as_u64(),
            Some(acme.len() as u64),
            "{actor:?} package_count"
        );
        // The catalog is public packages only, whoever asks.
        let catalog = call(server, Method::GET, "/catalog.csv", token, None);
        assert_eq!(catalog.status, StatusCode::OK);
        let rows: Vec<String> = catalog.text().lines().skip(1).map(str::to_string).collect();
        assert_eq!(
            rows,
            [format!(
                "{}/acme/open-data/datapackage.json,open-data,acme",
                server.base
            )],
            "{actor:?} catalog"
        );
        for secret in secrets {
            assert!(
                !catalog.text().contains(secret),
                "catalog mentions {secret}"
            );
        }
        // A public package's info hides its uuid from non-members.
        let info = call(
            server,
            Method::GET,
            &format!("/api/packages/{ORG}/open-data/info"),
            token,
            None,
        );
        assert_eq!(info.status, StatusCode::OK);
        let member = matches!(actor, Actor::Member | Actor::Owner | Actor::Admin);
        assert_eq!(
            info.json()["uuid"].is_string(),
            member,
            "{actor:?} sees the uuid"
        );
    }

    // The unlisted link works for anyone, and its info names the link, not
    // the package's name, to those who are not members.
    let info = call(
        server,
        Method::GET,
        &format!("/api/packages/{ORG}/{hidden_uuid}/info"),
        None,
        None,
    );
    assert_eq!(info.status, StatusCode::OK, "{}", info.text());
    let url = info.json()["datapackage_url"].as_str().unwrap().to_string();
    assert!(url.contains(&hidden_uuid), "{url}");
    // A user's own private package: invisible to acme's owner by name and
    // by uuid, like a missing one.
    let olive = world.token(Actor::Owner);
    for path in [
        "/api/packages/eve/diary".to_string(),
        format!("/api/packages/eve/{eve_uuid}"),
        format!("/eve/{eve_uuid}/datapackage.json"),
    ] {
        let reply = call(server, Method::GET, &path, olive, None);
        assert_eq!(
            (reply.status, reply.code().as_str()),
            (StatusCode::NOT_FOUND, "not_found"),
            "{path}"
        );
    }
}
