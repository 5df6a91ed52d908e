//! Users. Creating one also creates their personal publisher, of the same
//! name, with them as its owner.

use diesel::prelude::*;
use registry_api::publisher::{PublisherKind, Role};

use crate::db::schema::{memberships, publishers, users};
use crate::db::{is_unique_violation, now_ms, Conn};
use crate::error::ApiError;

/// Who is calling.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub is_admin: i16,
}

impl User {
    pub fn admin(&self) -> bool {
        self.is_admin != 0
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub email: String,
    pub password_hash: String,
    pub is_admin: i16,
    pub created_at: i64,
}

/// Creates the user and their personal publisher; 409 when the name is
/// taken by a user or a publisher.
pub fn create(
    conn: &mut Conn,
    username: &str,
    email: &str,
    password_hash: &str,
    admin: bool,
) -> Result<User, ApiError> {
    let now = now_ms();
    let result = conn.transaction::<User, diesel::result::Error, _>(|conn| {
        diesel::insert_into(users::table)
            .values((
                users::username.eq(username),
                users::email.eq(email),
                users::password_hash.eq(password_hash),
                users::is_admin.eq(i16::from(admin)),
                users::created_at.eq(now),
            ))
            .execute(conn)?;
        let user: User = users::table
            .filter(users::username.eq(username))
            .select(User::as_select())
            .first(conn)?;
        diesel::insert_into(publishers::table)
            .values((
                publishers::name.eq(username),
                publishers::kind.eq(kind_str(PublisherKind::User)),
                publishers::created_at.eq(now),
            ))
            .execute(conn)?;
        let publisher_id: i64 = publishers::table
            .filter(publishers::name.eq(username))
            .select(publishers::id)
            .first(conn)?;
        diesel::insert_into(memberships::table)
            .values((
                memberships::publisher_id.eq(publisher_id),
                memberships::user_id.eq(user.id),
                memberships::role.eq(Role::Owner.as_str()),
                memberships::created_at.eq(now),
            ))
            .execute(conn)?;
        Ok(user)
    });
    match result {
        Ok(user) => Ok(user),
        Err(e) if is_unique_violation(&e) => Err(ApiError::conflict(format!(
            "the name {username:?} is taken (by a user or a publisher): choose another"
        ))),
        Err(e) => Err(e.into()),
    }
}

pub fn kind_str(kind: PublisherKind) -> &'static str {
    match kind {
        PublisherKind::User => "user",
        PublisherKind::Org => "org",
    }
}

pub fn find(conn: &mut Conn, username: &str) -> Result<Option<UserRow>, ApiError> {
    Ok(users::table
        .filter(users::username.eq(username))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn find_by_id(conn: &mut Conn, id: i64) -> Result<UserRow, ApiError> {
    Ok(users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)?)
}

pub fn set_admin(conn: &mut Conn, username: &str, admin: bool) -> Result<bool, ApiError> {
    let changed = diesel::update(users::table.filter(users::username.eq(username)))
        .set(users::is_admin.eq(i16::from(admin)))
        .execute(conn)?;
    Ok(changed == 1)
}

pub fn set_password(
    conn: &mut Conn,
    username: &str,
    password_hash: &str,
) -> Result<bool, ApiError> {
    let changed = diesel::update(users::table.filter(users::username.eq(username)))
        .set(users::password_hash.eq(password_hash))
        .execute(conn)?;
    Ok(changed == 1)
}
