//! Packages, their immutable revisions, the files of each revision, tags,
//! deletion and search.

use actix_web::http::StatusCode;
use diesel::prelude::*;
use registry_api::package::{PackageFile, Visibility};
use registry_api::publisher::Role;
use registry_api::search::SearchSort;
use registry_api::ErrorCode;

use crate::db::models::blobs;
use crate::db::models::publishers::{self, PublisherRow};
use crate::db::models::users::User;
use crate::db::schema::{
    packages, publishers as publishers_table, revision_files, revisions, tags, users,
};
use crate::db::{is_unique_violation, now_ms, Conn};
use crate::error::ApiError;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = packages)]
pub struct PackageRow {
    pub id: i64,
    pub publisher_id: i64,
    pub name: String,
    pub uuid: String,
    pub visibility: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub readme: Option<String>,
    pub latest_revision: i64,
    pub downloads: i64,
    pub deleted_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl PackageRow {
    pub fn visibility(&self) -> Visibility {
        Visibility::parse(&self.visibility).unwrap_or(Visibility::Private)
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = revisions)]
pub struct RevisionRow {
    pub id: i64,
    pub package_id: i64,
    pub number: i64,
    pub descriptor: String,
    pub etag: String,
    pub published_by: i64,
    pub created_at: i64,
}

/// A package found for a caller, with what the caller may do to it.
#[derive(Debug, Clone)]
pub struct Found {
    pub package: PackageRow,
    pub publisher: PublisherRow,
    /// The caller's role in the publisher.
    pub role: Option<Role>,
    pub admin: bool,
    /// Reached by its `/{owner}/{uuid}` link rather than its name.
    pub via_uuid: bool,
}

impl Found {
    pub fn is_member(&self) -> bool {
        self.admin || self.role.is_some()
    }

    pub fn is_owner(&self) -> bool {
        self.admin || self.role == Some(Role::Owner)
    }

    /// Whether the caller may see the package at all. Everyone else gets
    /// the same 404 as for a package that does not exist.
    pub fn visible(&self) -> bool {
        if self.package.deleted_at.is_some() {
            return false;
        }
        match self.package.visibility() {
            Visibility::Public => true,
            Visibility::Private => self.is_member(),
            Visibility::Unlisted => self.via_uuid || self.is_member(),
        }
    }

    pub fn owner(&self) -> &str {
        &self.publisher.name
    }
}

pub fn not_found(owner: &str, name: &str) -> ApiError {
    ApiError::not_found(format!(
        "no package {owner}/{name} (or you may not see it: log in if it is private)"
    ))
}

/// Looks a package up by name, or by uuid (an unlisted link), for `caller`.
/// A package with no revision yet (a first publish under way) is not found.
pub fn lookup(
    conn: &mut Conn,
    owner: &str,
    key: &str,
    caller: Option<&User>,
) -> Result<Option<Found>, ApiError> {
    let via_uuid = registry_api::names::looks_like_uuid(key);
    // One query for the publisher and the package: this is every read's
    // first step, so it is kept to a single round trip.
    let mut query = packages::table
        .inner_join(publishers_table::table)
        .filter(publishers_table::name.eq(owner))
        .filter(packages::latest_revision.gt(0))
        .select((PackageRow::as_select(), PublisherRow::as_select()))
        .into_boxed();
    query = if via_uuid {
        query.filter(packages::uuid.eq(key.to_ascii_lowercase()))
    } else {
        query.filter(packages::name.eq(key))
    };
    let Some((package, publisher)) = query.first(conn).optional()? else {
        return Ok(None);
    };
    let role = match caller {
        Some(user) => publishers::role_of(conn, publisher.id, user.id)?,
        None => None,
    };
    Ok(Some(Found {
        package,
        publisher,
        role,
        admin: caller.is_some_and(User::admin),
        via_uuid,
    }))
}

/// The package if the caller may see it, else the 404 everyone gets.
pub fn visible(
    conn: &mut Conn,
    owner: &str,
    key: &str,
    caller: Option<&User>,
) -> Result<Found, ApiError> {
    match lookup(conn, owner, key, caller)? {
        Some(found) if found.visible() => Ok(found),
        _ => Err(not_found(owner, key)),
    }
}

/// The package for a member's action (tag, delete, …), deleted or not:
/// 404 when the caller may not see it, 403 when they may see it but not act.
pub fn for_member(
    conn: &mut Conn,
    owner: &str,
    key: &str,
    caller: &User,
    need_owner: bool,
    include_deleted: bool,
) -> Result<Found, ApiError> {
    let found = match lookup(conn, owner, key, Some(caller))? {
        Some(found) => found,
        None => return Err(not_found(owner, key)),
    };
    let reachable = if found.package.deleted_at.is_some() {
        include_deleted && found.is_owner()
    } else {
        found.visible()
    };
    if !reachable {
        return Err(not_found(owner, key));
    }
    if need_owner && !found.is_owner() {
        return Err(ApiError::forbidden(format!(
            "only owners of {owner:?} may do this"
        )));
    }
    if !found.is_member() {
        return Err(ApiError::forbidden(format!(
            "only members of {owner:?} may do this"
        )));
    }
    Ok(found)
}

pub struct PublishInput {
    pub publisher: PublisherRow,
    pub name: String,
    pub descriptor: String,
    pub etag: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub files: Vec<PackageFile>,
    pub force: bool,
    pub visibility: Option<Visibility>,
    pub readme: Option<String>,
    pub user_id: i64,
}

fn search_text(name: &str, title: Option<&str>, description: Option<&str>) -> String {
    format!(
        "{name}\n{}\n{}",
        title.unwrap_or_default(),
        description.unwrap_or_default()
    )
    .to_lowercase()
}

fn missing_blob(message: String) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::MissingBlob, message)
}

/// Publishes a new revision; numbers are consecutive per package, in the
/// order the publishes commit. Returns the package and the new number.
pub fn publish(conn: &mut Conn, input: PublishInput) -> Result<(PackageRow, i64), ApiError> {
    // Every file's blob must be recorded, with the declared size.
    let hashes: Vec<String> = input.files.iter().map(|f| f.sha256.clone()).collect();
    let sizes = blobs::sizes(conn, &hashes)?;
    for file in &input.files {
        match sizes.get(&file.sha256) {
            None => {
                return Err(missing_blob(format!(
                "{}: blob {} was never uploaded; upload it first (POST /api/blobs/check says how)",
                file.path, file.sha256
            )))
            }
            Some(&size) if size as u64 != file.size => {
                return Err(missing_blob(format!(
                    "{}: blob {} has {size} bytes, not the {} declared",
                    file.path, file.sha256, file.size
                )))
            }
            Some(_) => {}
        }
    }

    let now = now_ms();
    let text = search_text(
        &input.name,
        input.title.as_deref(),
        input.description.as_deref(),
    );
    // The package row, created on the first publish. Two first publishes at
    // once both try; the loser's unique violation is expected.
    let created = diesel::insert_into(packages::table)
        .values((
            packages::publisher_id.eq(input.publisher.id),
            packages::name.eq(&input.name),
            packages::uuid.eq(uuid::Uuid::new_v4().to_string()),
            packages::visibility.eq(input.visibility.unwrap_or_default().as_str()),
            packages::search_text.eq(&text),
            packages::created_at.eq(now),
            packages::updated_at.eq(now),
        ))
        .execute(conn);
    match created {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => {}
        Err(e) => return Err(e.into()),
    }

    let key = packages::table
        .filter(packages::publisher_id.eq(input.publisher.id))
        .filter(packages::name.eq(&input.name));
    conn.transaction::<(PackageRow, i64), ApiError, _>(|conn| {
        // Writing first takes the row's lock (Postgres) or the write lock
        // (SQLite), so concurrent publishes of one package queue here and
        // each sees the number the one before it took.
        diesel::update(key)
            .set((
                packages::latest_revision.eq(packages::latest_revision + 1),
                packages::updated_at.eq(now),
            ))
            .execute(conn)?;
        let package: PackageRow = key.select(PackageRow::as_select()).first(conn)?;
        let number = package.latest_revision;
        if package.deleted_at.is_some() {
            return Err(ApiError::conflict(format!(
                "{}/{} is deleted: undelete it (data undelete) or purge it before publishing again",
                input.publisher.name, input.name
            )));
        }
        if number > 1 && !input.force {
            return Err(ApiError::conflict(format!(
                "{}/{} is published already (revision {}): publish with force to make revision {number}",
                input.publisher.name,
                input.name,
                number - 1
            )));
        }
        diesel::insert_into(revisions::table)
            .values((
                revisions::package_id.eq(package.id),
                revisions::number.eq(number),
                revisions::descriptor.eq(&input.descriptor),
                revisions::etag.eq(&input.etag),
                revisions::published_by.eq(input.user_id),
                revisions::created_at.eq(now),
            ))
            .execute(conn)?;
        let revision_id: i64 = revisions::table
            .filter(revisions::package_id.eq(package.id))
            .filter(revisions::number.eq(number))
            .select(revisions::id)
            .first(conn)?;
        for file in &input.files {
            diesel::insert_into(revision_files::table)
                .values((
                    revision_files::revision_id.eq(revision_id),
                    revision_files::path.eq(&file.path),
                    revision_files::sha256.eq(&file.sha256),
                    revision_files::size.eq(file.size as i64),
                ))
                .execute(conn)?;
        }
        diesel::update(packages::table.find(package.id))
            .set((
                packages::title.eq(&input.title),
                packages::description.eq(&input.description),
                packages::search_text.eq(&text),
                packages::readme.eq(&input.readme),
            ))
            .execute(conn)?;
        if let Some(visibility) = input.visibility {
            diesel::update(packages::table.find(package.id))
                .set(packages::visibility.eq(visibility.as_str()))
                .execute(conn)?;
        }
        let package: PackageRow = packages::table
            .find(package.id)
            .select(PackageRow::as_select())
            .first(conn)?;
        Ok((package, number))
    })
}

/// Which revision a request means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    Latest,
    Number(i64),
    Tag(String),
}

impl Selector {
    /// `latest`, a number (revision) or a tag name.
    pub fn parse(text: &str) -> Selector {
        if text == "latest" {
            Selector::Latest
        } else if let Ok(n) = text.parse::<i64>() {
            Selector::Number(n)
        } else {
            Selector::Tag(text.to_string())
        }
    }
}

pub fn revision(
    conn: &mut Conn,
    package: &PackageRow,
    selector: &Selector,
) -> Result<Option<RevisionRow>, ApiError> {
    let number = match selector {
        Selector::Latest => package.latest_revision,
        Selector::Number(n) => *n,
        Selector::Tag(tag) => {
            let number: Option<i64> = tags::table
                .filter(tags::package_id.eq(package.id))
                .filter(tags::name.eq(tag))
                .select(tags::revision_number)
                .first(conn)
                .optional()?;
            match number {
                Some(n) => n,
                None => return Ok(None),
            }
        }
    };
    Ok(revisions::table
        .filter(revisions::package_id.eq(package.id))
        .filter(revisions::number.eq(number))
        .select(RevisionRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn files(conn: &mut Conn, revision_id: i64) -> Result<Vec<PackageFile>, ApiError> {
    let rows: Vec<(String, String, i64)> = revision_files::table
        .filter(revision_files::revision_id.eq(revision_id))
        .order(revision_files::path.asc())
        .select((
            revision_files::path,
            revision_files::sha256,
            revision_files::size,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(path, sha256, size)| PackageFile {
            path,
            sha256,
            size: size as u64,
        })
        .collect())
}

pub fn file(
    conn: &mut Conn,
    revision_id: i64,
    path: &str,
) -> Result<Option<PackageFile>, ApiError> {
    let row: Option<(String, String, i64)> = revision_files::table
        .filter(revision_files::revision_id.eq(revision_id))
        .filter(revision_files::path.eq(path))
        .select((
            revision_files::path,
            revision_files::sha256,
            revision_files::size,
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(|(path, sha256, size)| PackageFile {
        path,
        sha256,
        size: size as u64,
    }))
}

/// Revisions, newest first, with who published them.
pub fn revisions(conn: &mut Conn, package_id: i64) -> Result<Vec<(RevisionRow, String)>, ApiError> {
    Ok(revisions::table
        .inner_join(users::table.on(users::id.eq(revisions::published_by)))
        .filter(revisions::package_id.eq(package_id))
        .order(revisions::number.desc())
        .select((RevisionRow::as_select(), users::username))
        .load(conn)?)
}

/// (name, revision, updated at), by name.
pub fn tags(conn: &mut Conn, package_id: i64) -> Result<Vec<(String, i64, i64)>, ApiError> {
    Ok(tags::table
        .filter(tags::package_id.eq(package_id))
        .order(tags::name.asc())
        .select((tags::name, tags::revision_number, tags::updated_at))
        .load(conn)?)
}

/// Points `name` at `revision`; 409 when the tag exists and `force` is off.
pub fn set_tag(
    conn: &mut Conn,
    package: &PackageRow,
    name: &str,
    revision: i64,
    force: bool,
) -> Result<(), ApiError> {
    if revision < 1 || revision > package.latest_revision {
        return Err(ApiError::not_found(format!(
            "there is no revision {revision}: the latest is {}",
            package.latest_revision
        )));
    }
    let now = now_ms();
    let inserted = diesel::insert_into(tags::table)
        .values((
            tags::package_id.eq(package.id),
            tags::name.eq(name),
            tags::revision_number.eq(revision),
            tags::created_at.eq(now),
            tags::updated_at.eq(now),
        ))
        .execute(conn);
    match inserted {
        Ok(_) => Ok(()),
        Err(e) if is_unique_violation(&e) => {
            if !force {
                return Err(ApiError::conflict(format!(
                    "tag {name:?} exists already: use force to move it to revision {revision}"
                )));
            }
            diesel::update(
                tags::table
                    .filter(tags::package_id.eq(package.id))
                    .filter(tags::name.eq(name)),
            )
            .set((tags::revision_number.eq(revision), tags::updated_at.eq(now)))
            .execute(conn)?;
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}

pub fn delete_tag(conn: &mut Conn, package_id: i64, name: &str) -> Result<bool, ApiError> {
    let deleted = diesel::delete(
        tags::table
            .filter(tags::package_id.eq(package_id))
            .filter(tags::name.eq(name)),
    )
    .execute(conn)?;
    Ok(deleted == 1)
}

pub fn set_visibility(
    conn: &mut Conn,
    package_id: i64,
    visibility: Visibility,
) -> Result<(), ApiError> {
    diesel::update(packages::table.find(package_id))
        .set((
            packages::visibility.eq(visibility.as_str()),
            packages::updated_at.eq(now_ms()),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn set_deleted(conn: &mut Conn, package_id: i64, deleted: bool) -> Result<(), ApiError> {
    let at = deleted.then(now_ms);
    diesel::update(packages::table.find(package_id))
        .set(packages::deleted_at.eq(at))
        .execute(conn)?;
    Ok(())
}

/// Removes the package for good and returns the blobs nothing refers to any
/// more, whose bytes the caller then deletes.
pub fn purge(conn: &mut Conn, package_id: i64) -> Result<Vec<String>, ApiError> {
    conn.transaction::<Vec<String>, ApiError, _>(|conn| {
        let revision_ids: Vec<i64> = revisions::table
            .filter(revisions::package_id.eq(package_id))
            .select(revisions::id)
            .load(conn)?;
        let mut hashes: Vec<String> = revision_files::table
            .filter(revision_files::revision_id.eq_any(&revision_ids))
            .select(revision_files::sha256)
            .load(conn)?;
        hashes.sort();
        hashes.dedup();
        diesel::delete(
            revision_files::table.filter(revision_files::revision_id.eq_any(&revision_ids)),
        )
        .execute(conn)?;
        diesel::delete(tags::table.filter(tags::package_id.eq(package_id))).execute(conn)?;
        diesel::delete(revisions::table.filter(revisions::package_id.eq(package_id)))
            .execute(conn)?;
        diesel::delete(packages::table.find(package_id)).execute(conn)?;
        blobs::forget_unreferenced(conn, &hashes)
    })
}

pub fn add_downloads(conn: &mut Conn, package_id: i64, count: i64) -> Result<(), ApiError> {
    diesel::update(packages::table.find(package_id))
        .set(packages::downloads.eq(packages::downloads + count))
        .execute(conn)?;
    Ok(())
}

pub struct SearchParams<'a> {
    pub text: Option<&'a str>,
    pub publisher: Option<&'a str>,
    pub sort: SearchSort,
    pub offset: i64,
    pub limit: i64,
}

/// Packages the caller may list: public ones, and any of their own
/// publishers' (admins: all). Deleted and unlisted packages of others never.
pub fn search(
    conn: &mut Conn,
    params: &SearchParams<'_>,
    caller: Option<&User>,
) -> Result<(i64, Vec<(PackageRow, String)>), ApiError> {
    let member_of: Vec<i64> = match caller {
        Some(user) => publishers::publisher_ids_of(conn, user.id)?,
        None => Vec::new(),
    };
    let admin = caller.is_some_and(User::admin);
    let pattern = params.text.map(|t| {
        let escaped = t
            .trim()
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        format!("%{escaped}%")
    });

    // The same filters for the count and the page.
    macro_rules! filtered {
        () => {{
            let mut query = packages::table
                .inner_join(publishers_table::table)
                .filter(packages::latest_revision.gt(0))
                .filter(packages::deleted_at.is_null())
                .into_boxed();
            if !admin {
                query = query.filter(
                    packages::visibility
                        .eq(Visibility::Public.as_str())
                        .or(packages::publisher_id.eq_any(member_of.clone())),
                );
            }
            if let Some(pattern) = &pattern {
                query = query.filter(packages::search_text.like(pattern.clone()).escape('\\'));
            }
            if let Some(publisher) = params.publisher {
                query = query.filter(publishers_table::name.eq(publisher.to_string()));
            }
            query
        }};
    }

    let total: i64 = filtered!().count().get_result(conn)?;
    let query = filtered!().select((PackageRow::as_select(), publishers_table::name));
    let query = match params.sort {
        SearchSort::Name => query.order((packages::name.asc(), publishers_table::name.asc())),
        SearchSort::Recent => query.order((packages::updated_at.desc(), packages::name.asc())),
        SearchSort::Downloads => query.order((packages::downloads.desc(), packages::name.asc())),
    };
    let rows = query.offset(params.offset).limit(params.limit).load(conn)?;
    Ok((total, rows))
}
