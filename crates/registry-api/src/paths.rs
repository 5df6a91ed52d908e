//! URL paths of the API, written once for the client and the server.

/// Percent-encoding is never needed: every name is `[a-z0-9._-]`.
pub fn package(owner: &str, name: &str) -> String {
    format!("/api/packages/{owner}/{name}")
}

pub fn package_info(owner: &str, name: &str) -> String {
    format!("/api/packages/{owner}/{name}/info")
}

pub fn revisions(owner: &str, name: &str) -> String {
    format!("/api/packages/{owner}/{name}/revisions")
}

pub fn tags(owner: &str, name: &str) -> String {
    format!("/api/packages/{owner}/{name}/tags")
}

pub fn tag(owner: &str, name: &str, tag: &str) -> String {
    format!("/api/packages/{owner}/{name}/tags/{tag}")
}

pub fn archive(owner: &str, name: &str) -> String {
    format!("/api/packages/{owner}/{name}/archive.zip")
}

pub fn blobs_check() -> &'static str {
    "/api/blobs/check"
}

pub fn blob(sha256: &str) -> String {
    format!("/api/blobs/{sha256}")
}

/// The plain Data Package URL of the latest revision.
pub fn datapackage_json(owner: &str, name: &str) -> String {
    format!("/{owner}/{name}/datapackage.json")
}

/// The plain Data Package URL of one revision or tag.
pub fn datapackage_json_at(owner: &str, name: &str, tag_or_revision: &str) -> String {
    format!("/{owner}/{name}/v/{tag_or_revision}/datapackage.json")
}

pub fn token(id: i64) -> String {
    format!("/api/tokens/{id}")
}
