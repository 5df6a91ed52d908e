//! API tokens: only their SHA-256 is stored.

use diesel::prelude::*;

use crate::db::models::users::User;
use crate::db::schema::{api_tokens, users};
use crate::db::{now_ms, Conn};
use crate::error::ApiError;

/// `last_used_at` is written at most this often per token, so that every
/// authenticated request does not become a write.
const LAST_USED_RESOLUTION_MS: i64 = 60_000;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
pub struct TokenRow {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

pub fn create(
    conn: &mut Conn,
    user_id: i64,
    name: &str,
    token_hash: &str,
) -> Result<TokenRow, ApiError> {
    diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::user_id.eq(user_id),
            api_tokens::name.eq(name),
            api_tokens::token_hash.eq(token_hash),
            api_tokens::created_at.eq(now_ms()),
        ))
        .execute(conn)?;
    Ok(api_tokens::table
        .filter(api_tokens::token_hash.eq(token_hash))
        .select(TokenRow::as_select())
        .first(conn)?)
}

pub fn user_for_token(conn: &mut Conn, token_hash: &str) -> Result<Option<User>, ApiError> {
    let found: Option<(User, i64, Option<i64>)> = api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::token_hash.eq(token_hash))
        .select((User::as_select(), api_tokens::id, api_tokens::last_used_at))
        .first(conn)
        .optional()?;
    let Some((user, token_id, last_used)) = found else {
        return Ok(None);
    };
    let now = now_ms();
    if last_used.is_none_or(|t| now - t > LAST_USED_RESOLUTION_MS) {
        diesel::update(api_tokens::table.find(token_id))
            .set(api_tokens::last_used_at.eq(Some(now)))
            .execute(conn)?;
    }
    Ok(Some(user))
}

pub fn list(conn: &mut Conn, user_id: i64) -> Result<Vec<TokenRow>, ApiError> {
    Ok(api_tokens::table
        .filter(api_tokens::user_id.eq(user_id))
        .order(api_tokens::id.asc())
        .select(TokenRow::as_select())
        .load(conn)?)
}

/// Revokes one of the user's tokens; false when they have no such token.
pub fn revoke(conn: &mut Conn, user_id: i64, token_id: i64) -> Result<bool, ApiError> {
    let deleted = diesel::delete(
        api_tokens::table
            .filter(api_tokens::id.eq(token_id))
            .filter(api_tokens::user_id.eq(user_id)),
    )
    .execute(conn)?;
    Ok(deleted == 1)
}
