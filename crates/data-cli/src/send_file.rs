//! Sending a file as a request body, in large chunks.
//!
//! reqwest's blocking client reads a body 8 KiB at a time and hands each
//! piece to its runtime through a channel: for a 1 GB upload that is
//! 120,000 reads, zeroed buffers and channel hops, which took longer than
//! the transfer itself (3 s against curl's 1.4 s for 1 GB on loopback).
//! Here the file goes out in 1 MiB chunks through reqwest's async client,
//! on a runtime of its own for the one request.

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderName, HeaderValue, CONTENT_LENGTH};
use reqwest::{Method, StatusCode};

/// Bytes read from the file per chunk sent.
const CHUNK: u64 = 1 << 20;

/// What the server answered.
pub struct Answer {
    pub status: StatusCode,
    pub url: String,
    pub body: Bytes,
}

/// Why the file could not be sent.
pub enum SendError {
    /// The file could not be read.
    File(std::io::Error),
    /// The request failed (connection, transfer, or a bad header).
    Http(reqwest::Error),
    /// A header that is not valid in HTTP.
    Header(String),
}

/// A request to send: where, how, and with which headers.
pub struct Request<'a> {
    pub method: Method,
    pub url: &'a str,
    pub headers: &'a [(String, String)],
    /// A token for `Authorization: Bearer` (the registry's own URLs only).
    pub bearer: Option<&'a str>,
}

/// Sends the `size` bytes of the file at `path` as the body of `request`,
/// calling `on_read` with each chunk's length as it is read.
pub fn send_file(
    request: &Request<'_>,
    path: &Path,
    size: u64,
    on_read: Box<dyn Fn(u64) + Send>,
) -> Result<Answer, SendError> {
    let file = File::open(path).map_err(SendError::File)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(SendError::File)?;
    runtime.block_on(send(request, file, size, on_read))
}

async fn send(
    request: &Request<'_>,
    file: File,
    size: u64,
    on_read: Box<dyn Fn(u64) + Send>,
) -> Result<Answer, SendError> {
    let http = reqwest::Client::builder()
        .user_agent(concat!("data/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(15))
        .build()
        .map_err(SendError::Http)?;
    // A page-cache read of 1 MiB takes tens of microseconds: done inline,
    // it holds up this request's only thread less than a task switch would.
    let chunks = futures_util::stream::unfold(Some(file), move |file| {
        let next = file.and_then(|mut file| {
            let mut chunk = Vec::with_capacity(CHUNK as usize);
            match (&mut file).take(CHUNK).read_to_end(&mut chunk) {
                Ok(0) => None,
                Ok(n) => {
                    on_read(n as u64);
                    Some((Ok(Bytes::from(chunk)), Some(file)))
                }
                // The error ends the body (and so the request).
                Err(e) => Some((Err(e), None)),
            }
        });
        std::future::ready(next)
    });
    let mut builder = http
        .request(request.method.clone(), request.url)
        .header(CONTENT_LENGTH, size)
        .body(reqwest::Body::wrap_stream(chunks));
    for (name, value) in request.headers {
        let name =
            HeaderName::from_bytes(name.as_bytes()).map_err(|_| SendError::Header(name.clone()))?;
        let value =
            HeaderValue::from_str(value).map_err(|_| SendError::Header(name.to_string()))?;
        builder = builder.header(name, value);
    }
    if let Some(token) = request.bearer {
        builder = builder.bearer_auth(token);
    }
    let response = builder.send().await.map_err(SendError::Http)?;
    let status = response.status();
    let url = response.url().to_string();
    let body = response.bytes().await.map_err(SendError::Http)?;
    Ok(Answer { status, url, body })
}
