//! Sign-up, log-in, `me` and API tokens.

use actix_web::{web, HttpResponse};
use registry_api::auth::{
    CreateTokenRequest, CreatedToken, LoginRequest, Me, SignupRequest, TokenInfo, TokenList,
    TokenResponse,
};
use registry_api::publisher::Membership;

use crate::app::AppState;
use crate::auth::{check_password_rules, hash_password, new_token, verify_password, AuthUser};
use crate::db::format_ms;
use crate::db::models::{publishers, tokens, users};
use crate::error::{ApiError, ApiResult};

const MAX_TOKEN_NAME: usize = 100;

fn check_email(email: &str) -> Result<(), ApiError> {
    let trimmed = email.trim();
    let valid = trimmed.len() <= 254
        && trimmed.split_once('@').is_some_and(|(user, domain)| {
            !user.is_empty() && domain.contains('.') && !domain.starts_with('.')
        });
    if valid {
        Ok(())
    } else {
        Err(ApiError::bad_request(format!(
            "{email:?} is not an email address"
        )))
    }
}

fn check_token_name(name: &str) -> Result<(), ApiError> {
    if name.trim().is_empty() || name.len() > MAX_TOKEN_NAME {
        return Err(ApiError::bad_request(format!(
            "a token name must have 1 to {MAX_TOKEN_NAME} characters"
        )));
    }
    Ok(())
}

/// Creates the user, their personal publisher and a first token.
#[utoipa::path(post, path = "/api/auth/signup", tag = "auth", request_body = SignupRequest,
    responses((status = 201, body = TokenResponse),
              (status = 400, description = "Name outside the rules, bad email or password", body = registry_api::ErrorBody),
              (status = 409, description = "Name taken", body = registry_api::ErrorBody)))]
pub async fn signup(
    state: web::Data<AppState>,
    body: web::Json<SignupRequest>,
) -> ApiResult<HttpResponse> {
    let SignupRequest {
        username,
        email,
        password,
    } = body.into_inner();
    registry_api::names::check_publisher_name(&username).map_err(ApiError::invalid_name)?;
    check_email(&email)?;
    check_password_rules(&password)?;
    let hash = web::block(move || hash_password(&password))
        .await
        .map_err(ApiError::internal)??;
    let (token, token_hash) = new_token()?;
    let response = state
        .db
        .run(move |conn| {
            let user = users::create(conn, &username, email.trim(), &hash, false)?;
            let row = tokens::create(conn, user.id, "signup", &token_hash)?;
            Ok(TokenResponse {
                token,
                username: user.username,
                token_id: row.id,
            })
        })
        .await?;
    tracing::info!(user = %response.username, "signed up");
    Ok(HttpResponse::Created().json(response))
}

/// Checks the password and answers a new token.
#[utoipa::path(post, path = "/api/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = TokenResponse),
              (status = 401, description = "Wrong user name or password", body = registry_api::ErrorBody)))]
pub async fn login(
    state: web::Data<AppState>,
    body: web::Json<LoginRequest>,
) -> ApiResult<HttpResponse> {
    let LoginRequest {
        username,
        password,
        token_name,
    } = body.into_inner();
    let token_name = token_name.unwrap_or_else(|| "login".to_string());
    check_token_name(&token_name)?;
    let lookup = username.clone();
    let user = state.db.run(move |conn| users::find(conn, &lookup)).await?;
    let wrong = || ApiError::unauthorized("wrong user name or password");
    // Verify against a fixed hash when the user is unknown, so both cases
    // take the same time and names cannot be probed by timing.
    let stored = user
        .as_ref()
        .map(|u| u.password_hash.clone())
        .unwrap_or_else(|| DUMMY_HASH.clone());
    let ok = web::block(move || verify_password(&password, &stored))
        .await
        .map_err(ApiError::internal)?;
    let user = match user {
        Some(user) if ok => user,
        _ => return Err(wrong()),
    };
    let (token, token_hash) = new_token()?;
    let row = state
        .db
        .run(move |conn| tokens::create(conn, user.id, &token_name, &token_hash))
        .await?;
    Ok(HttpResponse::Ok().json(TokenResponse {
        token,
        username: user.username,
        token_id: row.id,
    }))
}

/// argon2 hash of a random password nobody knows.
static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let (random, _) = new_token().unwrap_or_default();
    hash_password(&random).unwrap_or_default()
});

#[utoipa::path(get, path = "/api/me", tag = "auth", security(("token" = [])),
    responses((status = 200, body = Me), (status = 401, body = registry_api::ErrorBody)))]
pub async fn me(state: web::Data<AppState>, AuthUser(user): AuthUser) -> ApiResult<HttpResponse> {
    let me = state
        .db
        .run(move |conn| {
            let row = users::find_by_id(conn, user.id)?;
            let memberships = publishers::memberships_of(conn, user.id)?;
            Ok(Me {
                username: row.username,
                email: row.email,
                is_admin: row.is_admin != 0,
                created_at: format_ms(row.created_at),
                publishers: memberships
                    .into_iter()
                    .map(|(publisher, kind, role)| Membership {
                        publisher,
                        kind,
                        role,
                    })
                    .collect(),
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(me))
}

#[utoipa::path(get, path = "/api/tokens", tag = "auth", security(("token" = [])),
    responses((status = 200, body = TokenList), (status = 401, body = registry_api::ErrorBody)))]
pub async fn list_tokens(
    state: web::Data<AppState>,
    AuthUser(user): AuthUser,
) -> ApiResult<HttpResponse> {
    let rows = state
        .db
        .run(move |conn| tokens::list(conn, user.id))
        .await?;
    Ok(HttpResponse::Ok().json(TokenList {
        tokens: rows
            .into_iter()
            .map(|t| TokenInfo {
                id: t.id,
                name: t.name,
                created_at: format_ms(t.created_at),
                last_used_at: t.last_used_at.map(format_ms),
            })
            .collect(),
    }))
}

/// A new named token, shown once in the answer.
#[utoipa::path(post, path = "/api/tokens", tag = "auth", security(("token" = [])), request_body = CreateTokenRequest,
    responses((status = 201, body = CreatedToken), (status = 401, body = registry_api::ErrorBody)))]
pub async fn create_token(
    state: web::Data<AppState>,
    AuthUser(user): AuthUser,
    body: web::Json<CreateTokenRequest>,
) -> ApiResult<HttpResponse> {
    let name = body.into_inner().name;
    check_token_name(&name)?;
    let (token, token_hash) = new_token()?;
    let row = state
        .db
        .run(move |conn| tokens::create(conn, user.id, &name, &token_hash))
        .await?;
    Ok(HttpResponse::Created().json(CreatedToken {
        id: row.id,
        name: row.name,
        token,
        created_at: format_ms(row.created_at),
    }))
}

#[utoipa::path(delete, path = "/api/tokens/{id}", tag = "auth", security(("token" = [])),
    params(("id" = i64, Path, description = "The token's id")),
    responses((status = 204), (status = 404, body = registry_api::ErrorBody)))]
pub async fn revoke_token(
    state: web::Data<AppState>,
    AuthUser(user): AuthUser,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let revoked = state
        .db
        .run(move |conn| tokens::revoke(conn, user.id, id))
        .await?;
    if revoked {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(ApiError::not_found(format!(
            "you have no token with id {id}"
        )))
    }
}
