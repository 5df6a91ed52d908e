//! Publishing packages, their revisions and tags.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    /// Anyone can see it, and it is listed and searchable.
    #[default]
    Public,
    /// Only members of the publisher; everyone else gets 404.
    Private,
    /// Anyone with its `/{owner}/{uuid}` link; not listed nor searchable.
    Unlisted,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Private => "private",
            Visibility::Unlisted => "unlisted",
        }
    }

    pub fn parse(s: &str) -> Option<Visibility> {
        match s {
            "public" => Some(Visibility::Public),
            "private" => Some(Visibility::Private),
            "unlisted" => Some(Visibility::Unlisted),
            _ => None,
        }
    }
}

/// A file of the package: a resource's data (or any other file the
/// descriptor names, such as a README), as a path relative to the
/// descriptor and the blob holding its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PackageFile {
    pub path: String,
    pub sha256: String,
    pub size: u64,
}

/// `POST /api/packages/{owner}/{name}`: publish a new revision.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PublishRequest {
    /// The Data Package descriptor (`datapackage.json`), as JSON.
    #[schema(value_type = Object)]
    pub descriptor: serde_json::Value,
    /// Every local path the descriptor's resources name, with its blob.
    pub files: Vec<PackageFile>,
    /// Publish a new revision of a package that exists already.
    #[serde(default)]
    pub force: bool,
    /// Visibility of a new package; when given for an existing one, changes it.
    #[serde(default)]
    pub visibility: Option<Visibility>,
    /// Markdown shown on the package page.
    #[serde(default)]
    pub readme: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PublishResponse {
    pub owner: String,
    pub name: String,
    pub revision: i64,
    pub visibility: Visibility,
    /// The unlisted link's id.
    pub uuid: String,
    /// The package's plain Data Package URL (this revision).
    pub datapackage_url: String,
    /// The latest revision's Data Package URL.
    pub latest_url: String,
}

/// `PATCH /api/packages/{owner}/{name}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct UpdatePackageRequest {
    #[serde(default)]
    pub visibility: Option<Visibility>,
}

/// What search, lists and `info` say about a package.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PackageSummary {
    pub owner: String,
    pub name: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub visibility: Visibility,
    pub latest_revision: i64,
    pub downloads: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// `GET /api/packages/{owner}/{name}/info`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PackageInfo {
    #[serde(flatten)]
    pub summary: PackageSummary,
    /// Present for callers who may see it (members, or anyone when unlisted
    /// and reached by its link).
    pub uuid: Option<String>,
    pub deleted: bool,
    pub tags: Vec<Tag>,
    pub files: Vec<PackageFile>,
    pub readme: Option<String>,
    pub datapackage_url: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Revision {
    pub revision: i64,
    pub published_by: String,
    pub created_at: String,
    pub etag: String,
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RevisionList {
    pub revisions: Vec<Revision>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CreateTagRequest {
    pub name: String,
    /// The revision to tag (default: the latest).
    #[serde(default)]
    pub revision: Option<i64>,
    /// Move an existing tag.
    #[serde(default)]
    pub force: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Tag {
    pub name: String,
    pub revision: i64,
    pub updated_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TagList {
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PackageList {
    pub packages: Vec<PackageSummary>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Health {
    pub status: String,
    pub version: String,
    pub database: String,
    pub storage: String,
}
