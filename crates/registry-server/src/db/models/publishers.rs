//! Publishers, their members and invitations.

use actix_web::http::StatusCode;
use diesel::prelude::*;
use registry_api::publisher::{PublisherKind, Role};
use registry_api::ErrorCode;

use crate::db::models::users::kind_str;
use crate::db::schema::{invitations, memberships, publishers, users};
use crate::db::{is_unique_violation, now_ms, Conn};
use crate::error::ApiError;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = publishers)]
pub struct PublisherRow {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub created_at: i64,
}

impl PublisherRow {
    pub fn kind(&self) -> PublisherKind {
        if self.kind == "org" {
            PublisherKind::Org
        } else {
            PublisherKind::User
        }
    }
}

pub fn find(conn: &mut Conn, name: &str) -> Result<Option<PublisherRow>, ApiError> {
    Ok(publishers::table
        .filter(publishers::name.eq(name))
        .select(PublisherRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn find_or_404(conn: &mut Conn, name: &str) -> Result<PublisherRow, ApiError> {
    find(conn, name)?.ok_or_else(|| ApiError::not_found(format!("no publisher named {name:?}")))
}

pub fn role_of(conn: &mut Conn, publisher_id: i64, user_id: i64) -> Result<Option<Role>, ApiError> {
    let role: Option<String> = memberships::table
        .filter(memberships::publisher_id.eq(publisher_id))
        .filter(memberships::user_id.eq(user_id))
        .select(memberships::role)
        .first(conn)
        .optional()?;
    Ok(role.as_deref().and_then(Role::parse))
}

/// Ids of the publishers the user belongs to.
pub fn publisher_ids_of(conn: &mut Conn, user_id: i64) -> Result<Vec<i64>, ApiError> {
    Ok(memberships::table
        .filter(memberships::user_id.eq(user_id))
        .select(memberships::publisher_id)
        .load(conn)?)
}

pub fn create_org(
    conn: &mut Conn,
    name: &str,
    title: Option<&str>,
    description: Option<&str>,
    owner_id: i64,
) -> Result<PublisherRow, ApiError> {
    let now = now_ms();
    let result = conn.transaction::<PublisherRow, diesel::result::Error, _>(|conn| {
        diesel::insert_into(publishers::table)
            .values((
                publishers::name.eq(name),
                publishers::kind.eq(kind_str(PublisherKind::Org)),
                publishers::title.eq(title),
                publishers::description.eq(description),
                publishers::created_at.eq(now),
            ))
            .execute(conn)?;
        let row: PublisherRow = publishers::table
            .filter(publishers::name.eq(name))
            .select(PublisherRow::as_select())
            .first(conn)?;
        diesel::insert_into(memberships::table)
            .values((
                memberships::publisher_id.eq(row.id),
                memberships::user_id.eq(owner_id),
                memberships::role.eq(Role::Owner.as_str()),
                memberships::created_at.eq(now),
            ))
            .execute(conn)?;
        Ok(row)
    });
    match result {
        Ok(row) => Ok(row),
        Err(e) if is_unique_violation(&e) => Err(ApiError::conflict(format!(
            "the name {name:?} is taken (by a user or a publisher): choose another"
        ))),
        Err(e) => Err(e.into()),
    }
}

pub fn update(
    conn: &mut Conn,
    id: i64,
    title: Option<&str>,
    description: Option<&str>,
) -> Result<(), ApiError> {
    if let Some(title) = title {
        diesel::update(publishers::table.find(id))
            .set(publishers::title.eq(Some(title)))
            .execute(conn)?;
    }
    if let Some(description) = description {
        diesel::update(publishers::table.find(id))
            .set(publishers::description.eq(Some(description)))
            .execute(conn)?;
    }
    Ok(())
}

/// (username, role, since), owners first.
pub fn members(conn: &mut Conn, publisher_id: i64) -> Result<Vec<(String, Role, i64)>, ApiError> {
    let rows: Vec<(String, String, i64)> = memberships::table
        .inner_join(users::table)
        .filter(memberships::publisher_id.eq(publisher_id))
        .order((memberships::role.desc(), users::username.asc()))
        .select((users::username, memberships::role, memberships::created_at))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(name, role, since)| Role::parse(&role).map(|r| (name, r, since)))
        .collect())
}

/// (publisher name, kind, role) for every publisher the user belongs to,
/// their personal one first.
pub fn memberships_of(
    conn: &mut Conn,
    user_id: i64,
) -> Result<Vec<(String, PublisherKind, Role)>, ApiError> {
    let rows: Vec<(String, String, String)> = memberships::table
        .inner_join(publishers::table)
        .filter(memberships::user_id.eq(user_id))
        .order((publishers::kind.desc(), publishers::name.asc()))
        .select((publishers::name, publishers::kind, memberships::role))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(name, kind, role)| {
            let kind = if kind == "org" {
                PublisherKind::Org
            } else {
                PublisherKind::User
            };
            Role::parse(&role).map(|r| (name, kind, r))
        })
        .collect())
}

pub fn invite(
    conn: &mut Conn,
    publisher: &PublisherRow,
    username: &str,
    role: Role,
    invited_by: i64,
) -> Result<(), ApiError> {
    if publisher.kind() == PublisherKind::User {
        return Err(ApiError::bad_request(format!(
            "{:?} is a personal publisher and has no members: create an organisation (POST /api/publishers) and invite people there",
            publisher.name
        )));
    }
    let user_id: i64 = users::table
        .filter(users::username.eq(username))
        .select(users::id)
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found(format!("no user named {username:?}")))?;
    if role_of(conn, publisher.id, user_id)?.is_some() {
        return Err(ApiError::conflict(format!(
            "{username:?} is already a member of {:?}",
            publisher.name
        )));
    }
    let inserted = diesel::insert_into(invitations::table)
        .values((
            invitations::publisher_id.eq(publisher.id),
            invitations::user_id.eq(user_id),
            invitations::role.eq(role.as_str()),
            invitations::invited_by.eq(invited_by),
            invitations::created_at.eq(now_ms()),
        ))
        .execute(conn);
    match inserted {
        Ok(_) => Ok(()),
        Err(e) if is_unique_violation(&e) => Err(ApiError::conflict(format!(
            "{username:?} has been invited to {:?} already",
            publisher.name
        ))),
        Err(e) => Err(e.into()),
    }
}

/// (publisher, username, role, invited by, created at)
pub type InvitationRow = (String, String, Role, String, i64);

fn invitation_rows(
    rows: Vec<(String, i64, String, i64, i64)>,
    conn: &mut Conn,
) -> Result<Vec<InvitationRow>, ApiError> {
    let mut out = Vec::with_capacity(rows.len());
    for (publisher, user_id, role, invited_by, created_at) in rows {
        let invitee: String = users::table
            .find(user_id)
            .select(users::username)
            .first(conn)?;
        let inviter: String = users::table
            .find(invited_by)
            .select(users::username)
            .first(conn)?;
        if let Some(role) = Role::parse(&role) {
            out.push((publisher, invitee, role, inviter, created_at));
        }
    }
    Ok(out)
}

pub fn invitations_for_user(conn: &mut Conn, user_id: i64) -> Result<Vec<InvitationRow>, ApiError> {
    let rows = invitations::table
        .inner_join(publishers::table.on(publishers::id.eq(invitations::publisher_id)))
        .filter(invitations::user_id.eq(user_id))
        .order(invitations::created_at.asc())
        .select((
            publishers::name,
            invitations::user_id,
            invitations::role,
            invitations::invited_by,
            invitations::created_at,
        ))
        .load(conn)?;
    invitation_rows(rows, conn)
}

pub fn invitations_of_publisher(
    conn: &mut Conn,
    publisher_id: i64,
) -> Result<Vec<InvitationRow>, ApiError> {
    let rows = invitations::table
        .inner_join(publishers::table.on(publishers::id.eq(invitations::publisher_id)))
        .filter(invitations::publisher_id.eq(publisher_id))
        .order(invitations::created_at.asc())
        .select((
            publishers::name,
            invitations::user_id,
            invitations::role,
            invitations::invited_by,
            invitations::created_at,
        ))
        .load(conn)?;
    invitation_rows(rows, conn)
}

/// Accepts (or, with `accept` false, declines) the user's invitation.
pub fn answer_invitation(
    conn: &mut Conn,
    publisher: &PublisherRow,
    user_id: i64,
    accept: bool,
) -> Result<(), ApiError> {
    conn.transaction::<(), ApiError, _>(|conn| {
        let role: Option<String> = invitations::table
            .filter(invitations::publisher_id.eq(publisher.id))
            .filter(invitations::user_id.eq(user_id))
            .select(invitations::role)
            .first(conn)
            .optional()?;
        let role = role.ok_or_else(|| {
            ApiError::not_found(format!("you have no invitation from {:?}", publisher.name))
        })?;
        diesel::delete(
            invitations::table
                .filter(invitations::publisher_id.eq(publisher.id))
                .filter(invitations::user_id.eq(user_id)),
        )
        .execute(conn)?;
        if accept {
            diesel::insert_into(memberships::table)
                .values((
                    memberships::publisher_id.eq(publisher.id),
                    memberships::user_id.eq(user_id),
                    memberships::role.eq(role),
                    memberships::created_at.eq(now_ms()),
                ))
                .execute(conn)?;
        }
        Ok(())
    })
}

fn last_owner(publisher: &str) -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        ErrorCode::LastOwner,
        format!("this is the last owner of {publisher:?}: make another member an owner first"),
    )
}

/// Takes the publisher's row lock, so that two owners changing roles at
/// once cannot both see "another owner remains".
fn lock_publisher(conn: &mut Conn, publisher_id: i64) -> Result<(), ApiError> {
    diesel::update(publishers::table.find(publisher_id))
        .set(publishers::created_at.eq(publishers::created_at))
        .execute(conn)?;
    Ok(())
}

fn owner_count(conn: &mut Conn, publisher_id: i64) -> Result<i64, ApiError> {
    Ok(memberships::table
        .filter(memberships::publisher_id.eq(publisher_id))
        .filter(memberships::role.eq(Role::Owner.as_str()))
        .count()
        .get_result(conn)?)
}

pub fn remove_member(
    conn: &mut Conn,
    publisher: &PublisherRow,
    user_id: i64,
) -> Result<(), ApiError> {
    conn.transaction::<(), ApiError, _>(|conn| {
        lock_publisher(conn, publisher.id)?;
        let role = role_of(conn, publisher.id, user_id)?
            .ok_or_else(|| ApiError::not_found("no such member"))?;
        if role == Role::Owner && owner_count(conn, publisher.id)? <= 1 {
            return Err(last_owner(&publisher.name));
        }
        diesel::delete(
            memberships::table
                .filter(memberships::publisher_id.eq(publisher.id))
                .filter(memberships::user_id.eq(user_id)),
        )
        .execute(conn)?;
        Ok(())
    })
}

pub fn set_role(
    conn: &mut Conn,
    publisher: &PublisherRow,
    user_id: i64,
    new_role: Role,
) -> Result<(), ApiError> {
    conn.transaction::<(), ApiError, _>(|conn| {
        lock_publisher(conn, publisher.id)?;
        let role = role_of(conn, publisher.id, user_id)?
            .ok_or_else(|| ApiError::not_found("no such member"))?;
        if role == Role::Owner && new_role != Role::Owner && owner_count(conn, publisher.id)? <= 1 {
            return Err(last_owner(&publisher.name));
        }
        diesel::update(
            memberships::table
                .filter(memberships::publisher_id.eq(publisher.id))
                .filter(memberships::user_id.eq(user_id)),
        )
        .set(memberships::role.eq(new_role.as_str()))
        .execute(conn)?;
        Ok(())
    })
}

pub fn user_id(conn: &mut Conn, username: &str) -> Result<i64, ApiError> {
    users::table
        .filter(users::username.eq(username))
        .select(users::id)
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found(format!("no user named {username:?}")))
}
