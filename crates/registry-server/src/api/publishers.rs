//! Publishers: organisations, profiles, members and invitations.

use actix_web::{web, HttpResponse};
use registry_api::publisher::{
    ChangeRoleRequest, CreatePublisherRequest, Invitation, InvitationList, InviteRequest, Member,
    MemberList, Publisher, PublisherKind, Role, UpdatePublisherRequest,
};
use registry_api::search::{SearchQuery, SearchResponse};

use crate::app::AppState;
use crate::auth::{AuthUser, MaybeUser};
use crate::db::format_ms;
use crate::db::models::packages::{self, SearchParams};
use crate::db::models::publishers::{self, InvitationRow, PublisherRow};
use crate::db::models::users::User;
use crate::db::Conn;
use crate::error::{ApiError, ApiResult};

const MAX_TITLE: usize = 200;
const MAX_DESCRIPTION: usize = 10_000;

fn check_profile(title: Option<&str>, description: Option<&str>) -> Result<(), ApiError> {
    if title.is_some_and(|t| t.len() > MAX_TITLE) {
        return Err(ApiError::bad_request(format!(
            "a title has at most {MAX_TITLE} bytes"
        )));
    }
    if description.is_some_and(|d| d.len() > MAX_DESCRIPTION) {
        return Err(ApiError::bad_request(format!(
            "a description has at most {MAX_DESCRIPTION} bytes"
        )));
    }
    Ok(())
}

fn profile(
    conn: &mut Conn,
    row: PublisherRow,
    caller: Option<&User>,
) -> Result<Publisher, ApiError> {
    let kind = row.kind();
    let params = SearchParams {
        text: None,
        publisher: Some(&row.name),
        sort: Default::default(),
        offset: 0,
        limit: 1,
    };
    let (count, _) = packages::search(conn, &params, caller)?;
    Ok(Publisher {
        name: row.name,
        kind,
        title: row.title,
        description: row.description,
        created_at: format_ms(row.created_at),
        package_count: count,
    })
}

/// The caller's role, and the publisher, which must exist.
fn with_role(
    conn: &mut Conn,
    name: &str,
    user: &User,
) -> Result<(PublisherRow, Option<Role>), ApiError> {
    let publisher = publishers::find_or_404(conn, name)?;
    let role = publishers::role_of(conn, publisher.id, user.id)?;
    Ok((publisher, role))
}

fn require_owner(
    publisher: &PublisherRow,
    role: Option<Role>,
    user: &User,
) -> Result<(), ApiError> {
    if role == Some(Role::Owner) || user.admin() {
        Ok(())
    } else {
        Err(ApiError::forbidden(format!(
            "only owners of {:?} may do this",
            publisher.name
        )))
    }
}

#[utoipa::path(post, path = "/api/publishers", tag = "publishers", security(("token" = [])),
    request_body = CreatePublisherRequest,
    responses((status = 201, body = Publisher), (status = 400, body = registry_api::ErrorBody),
              (status = 409, body = registry_api::ErrorBody)))]
pub async fn create(
    state: web::Data<AppState>,
    AuthUser(user): AuthUser,
    body: web::Json<CreatePublisherRequest>,
) -> ApiResult<HttpResponse> {
    let request = body.into_inner();
    registry_api::names::check_publisher_name(&request.name).map_err(ApiError::invalid_name)?;
    check_profile(request.title.as_deref(), request.description.as_deref())?;
    let publisher = state
        .db
        .run(move |conn| {
            let row = publishers::create_org(
                conn,
                &request.name,
                request.title.as_deref(),
                request.description.as_deref(),
                user.id,
            )?;
            profile(conn, row, Some(&user))
        })
        .await?;
    Ok(HttpResponse::Created().json(publisher))
}

#[utoipa::path(get, path = "/api/publishers/{publisher}", tag = "publishers",
    params(("publisher" = String, Path)),
    responses((status = 200, body = Publisher), (status = 404, body = registry_api::ErrorBody)))]
pub async fn show(
    state: web::Data<AppState>,
    MaybeUser(user): MaybeUser,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let name = path.into_inner();
    let publisher = state
        .db
        .run(move |conn| {
            let row = publishers::find_or_404(conn, &name)?;
            profile(conn, row, user.as_ref())
        })
        .await?;
    Ok(HttpResponse::Ok().json(publisher))
}

#[utoipa::path(patch, path = "/api/publishers/{publisher}", tag = "publishers", security(("token" = [])),
    params(("publisher" = String, Path)), request_body = UpdatePublisherRequest,
    responses((status = 200, body = Publisher), (status = 403, body = registry_api::ErrorBody)))]
pub async fn update(
    state: web::Data<AppState>,
    AuthUser(user): AuthUser,
    path: web::Path<String>,
    body: web::Json<UpdatePublisherRequest>,
) -> ApiResult<HttpResponse> {
    let name = path.into_inner();
    let request = body.into_inner();
    check_profile(request.title.as_deref(), request.description.as_deref())?;
    let publisher = state
        .db
        .run(move |conn| {
            let (publisher, role) = with_role(conn, &name, &user)?;
            require_owner(&publisher, role, &user)?;
            publishers::update(
                conn,
                publisher.id,
                request.title.as_deref(),
                request.description.as_deref(),
            )?;
            let row = publishers::find_or_404(conn, &name)?;
            profile(conn, row, Some(&user))
        })
        .await?;
    Ok(HttpResponse::Ok().json(publisher))
}

/// The publisher's packages the caller may see.
#[utoipa::path(get, path = "/api/publishers/{publisher}/packages", tag = "publishers",
    params(("publisher" = String, Path), SearchQuery),
    responses((status = 200, body = SearchResponse), (status = 404, body = registry_api::ErrorBody)))]
pub async fn packages(
    state: web::Data<AppState>,
    user: MaybeUser,
    path: web::Path<String>,
    query: web::Query<SearchQuery>,
) -> ApiResult<HttpResponse> {
    let name = path.into_inner();
    let mut query = query.into_inner();
    let lookup = name.clone();
    state
        .db
        .run(move |conn| publishers::find_or_404(conn, &lookup))
        .await?;
    query.publisher = Some(name);
    crate::api::search::run(state, user, query).await
}

#[utoipa::path(get, path = "/api/publishers/{publisher}/members", tag = "publishers", security(("token" = [])),
    params(("publisher" = String, Path)),
    responses((status = 200, body = MemberList), (status = 403, body = registry_api::ErrorBody)))]
pub async fn members(
    state: web::Data<AppState>,
    AuthUser(user): AuthUser,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let name = path.into_inner();
    let members = state
        .db
        .run(move |conn| {
            let (publisher, role) = with_role(conn, &name, &user)?;
            if role.is_none() && !user.admin() {
                return Err(ApiError::forbidden(format!(
                    "only members of {name:?} may list its members"
                )));
            }
            publishers::members(conn, publisher.id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(MemberList {
        members: members
            .into_iter()
            .map(|(username, role, since)| Member {
                username,
                role,
                since: format_ms(since),
            })
            .collect(),
    }))
}

#[utoipa::path(patch, path = "/api/publishers/{publisher}/members/{username}", tag = "publishers",
    security(("token" = [])), params(("publisher" = String, Path), ("username" = String, Path)),
    request_body = ChangeRoleRequest,
    responses((status = 204), (status = 403, body = registry_api::ErrorBody),
              (status = 409, description = "The last owner cannot stop being one", body = registry_api::ErrorBody)))]
pub async fn change_role(
    state: web::Data<AppState>,
    AuthUser(user): AuthUser,
    path: web::Path<(String, String)>,
    body: web::Json<ChangeRoleRequest>,
) -> ApiResult<HttpResponse> {
    let (name, username) = path.into_inner();
    let role = body.into_inner().role;
    state
        .db
        .run(move |conn| {
            let (publisher, caller_role) = with_role(conn, &name, &user)?;
            require_owner(&publisher, caller_role, &user)?;
            let member = publishers::user_id(conn, &username)?;
            publishers::set_role(conn, &publisher, member, role)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Owners remove anyone; a member may remove themselves (leave).
#[utoipa::path(delete, path = "/api/publishers/{publisher}/members/{username}", tag = "publishers",
    security(("token" = [])), params(("publisher" = String, Path), ("username" = String, Path)),
    responses((status = 204), (status = 403, body = registry_api::ErrorBody),
              (status = 409, description = "The last owner cannot leave", body = registry_api::ErrorBody)))]
pub async fn remove_member(
    state: web::Data<AppState>,
    AuthUser(user): AuthUser,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (name, username) = path.into_inner();
    state
        .db
        .run(move |conn| {
            let (publisher, caller_role) = with_role(conn, &name, &user)?;
            if username != user.username {
                require_owner(&publisher, caller_role, &user)?;
            }
            let member = publishers::user_id(conn, &username)?;
            publishers::remove_member(conn, &publisher, member)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

fn invitation_list(rows: Vec<InvitationRow>) -> InvitationList {
    InvitationList {
        invitations: rows
            .into_iter()
            .map(
                |(publisher, username, role, invited_by, created_at)| Invitation {
                    publisher,
                    username,
                    role,
                    invited_by,
                    created_at: format_ms(created_at),
                },
            )
            .collect(),
    }
}

#[utoipa::path(get, path = "/api/publishers/{publisher}/invitations", tag = "publishers",
    security(("token" = [])), params(("publisher" = String, Path)),
    responses((status = 200, body = InvitationList), (status = 403, body = registry_api::ErrorBody)))]
pub async fn invitations(
    state: web::Data<AppState>,
    AuthUser(user): AuthUser,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let name = path.into_inner();
    let rows = state
        .db
        .run(move |conn| {
            let (publisher, role) = with_role(conn, &name, &user)?;
            require_owner(&publisher, role, &user)?;
            publishers::invitations_of_publisher(conn, publisher.id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(invitation_list(rows)))
}

#[utoipa::path(get, path = "/api/me/invitations", tag = "publishers", security(("token" = [])),
    responses((status = 200, body = InvitationList), (status = 401, body = registry_api::ErrorBody)))]
pub async fn my_invitations(
    state: web::Data<AppState>,
    AuthUser(user): AuthUser,
) -> ApiResult<HttpResponse> {
    let rows = state
        .db
        .run(move |conn| publishers::invitations_for_user(conn, user.id))
        .await?;
    Ok(HttpResponse::Ok().json(invitation_list(rows)))
}

#[utoipa::path(post, path = "/api/publishers/{publisher}/invitations", tag = "publishers",
    security(("token" = [])), params(("publisher" = String, Path)), request_body = InviteRequest,
    responses((status = 201, body = Invitation), (status = 403, body = registry_api::ErrorBody),
              (status = 409, body = registry_api::ErrorBody)))]
pub async fn invite(
    state: web::Data<AppState>,
    AuthUser(user): AuthUser,
    path: web::Path<String>,
    body: web::Json<InviteRequest>,
) -> ApiResult<HttpResponse> {
    let name = path.into_inner();
    let request = body.into_inner();
    let invitation = state
        .db
        .run(move |conn| {
            let (publisher, role) = with_role(conn, &name, &user)?;
            require_owner(&publisher, role, &user)?;
            publishers::invite(conn, &publisher, &request.username, request.role, user.id)?;
            Ok(Invitation {
                publisher: publisher.name,
                username: request.username,
                role: request.role,
                invited_by: user.username,
                created_at: format_ms(crate::db::now_ms()),
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(invitation))
}

async fn answer(
    state: web::Data<AppState>,
    user: User,
    name: String,
    accept: bool,
) -> ApiResult<HttpResponse> {
    state
        .db
        .run(move |conn| {
            let publisher = publishers::find_or_404(conn, &name)?;
            if publisher.kind() == PublisherKind::User {
                return Err(ApiError::not_found(
                    "personal publishers send no invitations",
                ));
            }
            publishers::answer_invitation(conn, &publisher, user.id, accept)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(post, path = "/api/publishers/{publisher}/invitations/accept", tag = "publishers",
    security(("token" = [])), params(("publisher" = String, Path)),
    responses((status = 204), (status = 404, description = "No invitation", body = registry_api::ErrorBody)))]
pub async fn accept(
    state: web::Data<AppState>,
    AuthUser(user): AuthUser,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    answer(state, user, path.into_inner(), true).await
}

#[utoipa::path(post, path = "/api/publishers/{publisher}/invitations/decline", tag = "publishers",
    security(("token" = [])), params(("publisher" = String, Path)),
    responses((status = 204), (status = 404, description = "No invitation", body = registry_api::ErrorBody)))]
pub async fn decline(
    state: web::Data<AppState>,
    AuthUser(user): AuthUser,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    answer(state, user, path.into_inner(), false).await
}
