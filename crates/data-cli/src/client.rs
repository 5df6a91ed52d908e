//! The registry's REST API, for the commands: blocking HTTP with the wire
//! types of `registry-api`, and errors that keep the server's code and
//! message. Tokens go only to the registry, never to a presigned URL.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use registry_api::auth::{LoginRequest, Me, TokenResponse};
use registry_api::blob::{BlobRef, CheckBlobsRequest, CheckBlobsResponse, MissingBlob};
use registry_api::package::{
    CreateTagRequest, PackageInfo, PublishRequest, PublishResponse, Tag, TagList,
};
use registry_api::{ErrorBody, ErrorCode};
use reqwest::blocking::{RequestBuilder, Response};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use crate::send_file;

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("cannot reach the registry at {url}: {source} (is it running? set it with --registry, DATA_REGISTRY or `data config set registry URL`)")]
    Connect {
        url: String,
        #[source]
        source: reqwest::Error,
    },
    #[error("{message}")]
    Api {
        status: u16,
        code: ErrorCode,
        message: String,
    },
    #[error("the registry answered {status} with something that is not its API ({snippet:?}): is {url} a data registry?")]
    Unexpected {
        status: u16,
        url: String,
        snippet: String,
    },
    #[error("failed to read {path}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("the connection to the registry failed")]
    Http(#[source] reqwest::Error),
    /// An answer that breaks the protocol (a 304 to a request without an
    /// ETag, a file list with an unsafe path...): the server's fault.
    #[error("{0}")]
    Misbehaved(String),
}

pub type ClientResult<T> = Result<T, ClientError>;

/// A descriptor fetched with a conditional GET.
pub enum Descriptor {
    /// The ETag sent still matches: nothing was transferred.
    NotModified,
    Fetched {
        text: String,
        etag: Option<String>,
        revision: Option<i64>,
    },
}

/// Which revision: the latest, a number, or a tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    Latest,
    Revision(i64),
    Tag(String),
}

impl Selector {
    pub fn query(&self) -> String {
        match self {
            Selector::Latest => String::new(),
            Selector::Revision(n) => format!("?revision={n}"),
            Selector::Tag(t) => format!("?tag={t}"),
        }
    }
}

pub struct Client {
    http: reqwest::blocking::Client,
    base: String,
    token: Option<String>,
}

impl Client {
    pub fn new(base: &str, token: Option<String>) -> ClientResult<Client> {
        let http = reqwest::blocking::Client::builder()
            .user_agent(concat!("data/", env!("CARGO_PKG_VERSION")))
            // Redirects (to presigned URLs) are followed by hand, without the token.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(15))
            .timeout(None)
            .build()
            .map_err(ClientError::Http)?;
        Ok(Client {
            http,
            base: base.trim_end_matches('/').to_string(),
            token,
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn authed(&self, request: RequestBuilder) -> RequestBuilder {
        match &self.token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    fn send(&self, request: RequestBuilder, url: &str) -> ClientResult<Response> {
        request.send().map_err(|source| {
            if source.is_connect() || source.is_timeout() {
                ClientError::Connect {
                    url: self.base.clone(),
                    source,
                }
            } else {
                let _ = url;
                ClientError::Http(source)
            }
        })
    }

    /// The body as `T` on success, the API error otherwise.
    fn parse<T: DeserializeOwned>(&self, response: Response) -> ClientResult<T> {
        let status = response.status();
        let url = response.url().to_string();
        let bytes = response.bytes().map_err(ClientError::Http)?;
        if status.is_success() {
            return serde_json::from_slice(&bytes).map_err(|_| unexpected(status, &url, &bytes));
        }
        Err(api_error(status, &url, &bytes))
    }

    fn get_json<T: DeserializeOwned>(&self, path: &str) -> ClientResult<T> {
        let url = self.url(path);
        let response = self.send(self.authed(self.http.get(&url)), &url)?;
        self.parse(response)
    }

    fn post_json<B: serde::Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> ClientResult<T> {
        let url = self.url(path);
        let response = self.send(self.authed(self.http.post(&url).json(body)), &url)?;
        self.parse(response)
    }

    pub fn login(&self, username: &str, password: &str) -> ClientResult<TokenResponse> {
        let host = hostname();
        self.post_json(
            "/api/auth/login",
            &LoginRequest {
                username: username.to_string(),
                password: password.to_string(),
                token_name: Some(format!("data on {host}")),
            },
        )
    }

    /// Revokes one of the caller's tokens.
    pub fn revoke_token(&self, id: i64) -> ClientResult<()> {
        let url = self.url(&registry_api::paths::token(id));
        let response = self.send(self.authed(self.http.delete(&url)), &url)?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let bytes = response.bytes().map_err(ClientError::Http)?;
        Err(api_error(status, &url, &bytes))
    }

    pub fn me(&self) -> ClientResult<Me> {
        self.get_json("/api/me")
    }

    pub fn check_blobs(&self, blobs: Vec<BlobRef>) -> ClientResult<CheckBlobsResponse> {
        self.post_json(
            registry_api::paths::blobs_check(),
            &CheckBlobsRequest { blobs },
        )
    }

    /// Sends a file's bytes as `missing.upload` says; `on_read` hears of
    /// every chunk as it goes out (for a progress bar).
    pub fn upload(
        &self,
        missing: &MissingBlob,
        path: &Path,
        on_read: Box<dyn Fn(u64) + Send>,
    ) -> ClientResult<()> {
        let upload = &missing.upload;
        let method = reqwest::Method::from_bytes(upload.method.as_bytes())
            .map_err(|_| unexpected(StatusCode::OK, &upload.url, upload.method.as_bytes()))?;
        let request = send_file::Request {
            method,
            url: &upload.url,
            headers: &upload.headers,
            // The token goes only to the registry, never to a presigned URL.
            bearer: self.token.as_deref().filter(|_| upload.needs_auth),
        };
        let answer =
            send_file::send_file(&request, path, missing.size, on_read).map_err(|e| match e {
                send_file::SendError::File(source) => ClientError::Io {
                    path: path.display().to_string(),
                    source,
                },
                send_file::SendError::Http(source)
                    if source.is_connect() || source.is_timeout() =>
                {
                    ClientError::Connect {
                        url: self.base.clone(),
                        source,
                    }
                }
                send_file::SendError::Http(source) => ClientError::Http(source),
                send_file::SendError::Header(name) => ClientError::Misbehaved(format!(
                    "the registry asked for an upload header that is not valid HTTP: {name:?}"
                )),
            })?;
        if !answer.status.is_success() {
            return Err(api_error(answer.status, &answer.url, &answer.body));
        }
        if let Some(complete) = &upload.complete_url {
            let response = self.send(self.authed(self.http.post(complete)), complete)?;
            let _: serde_json::Value = self.parse(response)?;
        }
        Ok(())
    }

    pub fn publish(
        &self,
        owner: &str,
        name: &str,
        request: &PublishRequest,
    ) -> ClientResult<PublishResponse> {
        self.post_json(&registry_api::paths::package(owner, name), request)
    }

    pub fn info(&self, owner: &str, name: &str, selector: &Selector) -> ClientResult<PackageInfo> {
        self.get_json(&format!(
            "{}{}",
            registry_api::paths::package_info(owner, name),
            selector.query()
        ))
    }

    pub fn tags(&self, owner: &str, name: &str) -> ClientResult<TagList> {
        self.get_json(&registry_api::paths::tags(owner, name))
    }

    pub fn create_tag(
        &self,
        owner: &str,
        name: &str,
        request: &CreateTagRequest,
    ) -> ClientResult<Tag> {
        self.post_json(&registry_api::paths::tags(owner, name), request)
    }

    /// Streams one file of a revision into `out`, following a redirect to
    /// a presigned URL without sending the token there. Returns the bytes.
    pub fn download(
        &self,
        owner: &str,
        name: &str,
        revision: i64,
        path: &str,
        out: &mut dyn Write,
    ) -> ClientResult<u64> {
        let url = self.url(&format!(
            "/api/packages/{owner}/{name}/files/{path}?revision={revision}"
        ));
        let mut response = self.send(self.authed(self.http.get(&url)), &url)?;
        if response.status().is_redirection() {
            let location = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
                .ok_or_else(|| {
                    unexpected(response.status(), &url, b"redirect without a Location")
                })?;
            response = self.send(self.http.get(&location), &location)?;
        }
        let status = response.status();
        if !status.is_success() {
            let bytes = response.bytes().map_err(ClientError::Http)?;
            return Err(api_error(status, &url, &bytes));
        }
        let copied = std::io::copy(&mut response, out).map_err(|source| ClientError::Io {
            path: url.clone(),
            source,
        })?;
        Ok(copied)
    }

    /// Like `descriptor`, with the revision the registry answered with: it
    /// says so on a 304 too, and that matters because the ETag is the
    /// descriptor's hash, so a new revision with the same descriptor (new
    /// data only) answers 304 to the old revision's ETag.
    pub fn descriptor_with_revision(
        &self,
        owner: &str,
        name: &str,
        selector: &Selector,
        etag: Option<&str>,
    ) -> ClientResult<(Descriptor, Option<i64>)> {
        let url = self.url(&format!(
            "{}{}",
            registry_api::paths::package(owner, name),
            selector.query()
        ));
        let mut request = self.authed(self.http.get(&url));
        if let Some(etag) = etag {
            request = request.header(reqwest::header::IF_NONE_MATCH, etag);
        }
        let response = self.send(request, &url)?;
        let status = response.status();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let etag = header("etag");
        let revision = header("x-data-revision").and_then(|v| v.parse().ok());
        if status == StatusCode::NOT_MODIFIED {
            return Ok((Descriptor::NotModified, revision));
        }
        let bytes = response.bytes().map_err(ClientError::Http)?;
        if !status.is_success() {
            return Err(api_error(status, &url, &bytes));
        }
        let text =
            String::from_utf8(bytes.to_vec()).map_err(|_| unexpected(status, &url, &bytes))?;
        Ok((
            Descriptor::Fetched {
                text,
                etag,
                revision,
            },
            revision,
        ))
    }

    /// `GET /api/search`: packages the caller may see, a page at a time.
    pub fn search(
        &self,
        query: &registry_api::search::SearchQuery,
    ) -> ClientResult<registry_api::search::SearchResponse> {
        let url = self.url("/api/search");
        let response = self.send(self.authed(self.http.get(&url).query(query)), &url)?;
        self.parse(response)
    }

    /// Hides a package (owners); `undelete_package` brings it back.
    pub fn delete_package(&self, owner: &str, name: &str) -> ClientResult<()> {
        let url = self.url(&registry_api::paths::package(owner, name));
        self.expect_no_content(self.authed(self.http.delete(&url)), &url)
    }

    pub fn undelete_package(&self, owner: &str, name: &str) -> ClientResult<()> {
        let url = self.url(&format!(
            "{}/undelete",
            registry_api::paths::package(owner, name)
        ));
        self.expect_no_content(self.authed(self.http.post(&url)), &url)
    }

    /// Destroys a package for good (owners).
    pub fn purge_package(&self, owner: &str, name: &str) -> ClientResult<()> {
        let url = self.url(&format!(
            "{}/purge",
            registry_api::paths::package(owner, name)
        ));
        self.expect_no_content(self.authed(self.http.post(&url)), &url)
    }

    /// Sends a request whose success has no body worth reading.
    fn expect_no_content(&self, request: RequestBuilder, url: &str) -> ClientResult<()> {
        let response = self.send(request, url)?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let bytes = response.bytes().map_err(ClientError::Http)?;
        Err(api_error(status, url, &bytes))
    }
}

fn hostname() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "this machine".to_string())
}

fn unexpected(status: StatusCode, url: &str, bytes: &[u8]) -> ClientError {
    let snippet: String = String::from_utf8_lossy(bytes).chars().take(120).collect();
    ClientError::Unexpected {
        status: status.as_u16(),
        url: url.to_string(),
        snippet,
    }
}

/// The API's error, with a hint for the cases people meet most.
fn api_error(status: StatusCode, url: &str, bytes: &[u8]) -> ClientError {
    match serde_json::from_slice::<ErrorBody>(bytes) {
        Ok(body) => {
            let mut message = body.error.message;
            if body.error.code == ErrorCode::Unauthorized && !message.contains("data login") {
                message.push_str(" (log in with `data login`)");
            }
            ClientError::Api {
                status: status.as_u16(),
                code: body.error.code,
                message,
            }
        }
        Err(_) => unexpected(status, url, bytes),
    }
}
