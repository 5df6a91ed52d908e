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
use std::sync::{Arc, Mutex};
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
    // What went wrong with the file itself, if the body stopped for it:
    // reqwest reports only that the body failed.
    let file_problem: Arc<Mutex<Option<std::io::Error>>> = Arc::default();
    let problem = Arc::clone(&file_problem);
    // A page-cache read of 1 MiB takes tens of microseconds: done inline,
    // it holds up this request's only thread less than a task switch would.
    // Exactly `size` bytes are sent, the size the hash was taken of.
    let chunks = futures_util::stream::unfold(Some((file, size)), move |state| {
        let next = state.and_then(|(file, remaining)| {
            if remaining == 0 {
                return None;
            }
            let mut chunk = Vec::with_capacity(CHUNK.min(remaining) as usize);
            let read = (&file).take(CHUNK.min(remaining)).read_to_end(&mut chunk);
            let failure = match read {
                Ok(0) => std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    format!("the file has {remaining} bytes fewer than when it was hashed: it changed; push again"),
                ),
                Ok(n) => {
                    on_read(n as u64);
                    let left = remaining - n as u64;
                    return Some((Ok(Bytes::from(chunk)), Some((file, left))));
                }
                Err(e) => e,
            };
            let shown = std::io::Error::new(failure.kind(), failure.to_string());
            if let Ok(mut slot) = problem.lock() {
                *slot = Some(failure);
            }
            // The error ends the body (and so the request).
            Some((Err(shown), None))
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
    let file_error = || file_problem.lock().ok().and_then(|mut slot| slot.take());
    let response = match builder.send().await {
        Ok(response) => response,
        Err(e) => return Err(file_error().map_or(SendError::Http(e), SendError::File)),
    };
    let status = response.status();
    let url = response.url().to_string();
    let body = response.bytes().await.map_err(SendError::Http)?;
    Ok(Answer { status, url, body })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::net::TcpListener;

    /// A one-request HTTP server: answers 200 after reading the body its
    /// Content-Length announces (or the connection ends); hands the body
    /// it got to the test.
    fn one_request_server() -> (String, std::sync::mpsc::Receiver<Vec<u8>>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/upload", listener.local_addr().unwrap());
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let (mut socket, _) = listener.accept().unwrap();
            let mut got = Vec::new();
            let mut buf = [0u8; 65536];
            let mut body_start = None;
            let mut length = 0usize;
            loop {
                if let Some(start) = body_start {
                    if got.len() - start >= length {
                        break;
                    }
                }
                let n = socket.read(&mut buf).unwrap_or(0);
                if n == 0 {
                    break;
                }
                got.extend_from_slice(&buf[..n]);
                if body_start.is_none() {
                    if let Some(end) = got.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&got[..end]).to_ascii_lowercase();
                        length = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length: "))
                            .and_then(|v| v.trim().parse().ok())
                            .unwrap_or(0);
                        body_start = Some(end + 4);
                    }
                }
            }
            let _ = socket.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n");
            let body = body_start.map(|s| got[s..].to_vec()).unwrap_or_default();
            let _ = tx.send(body);
        });
        (url, rx)
    }

    fn put(url: &str) -> Request<'_> {
        Request {
            method: Method::PUT,
            url,
            headers: &[],
            bearer: None,
        }
    }

    #[test]
    fn sends_exactly_the_size_it_is_told() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("blob");
        // Longer than a chunk; the file grew past the size hashed.
        let bytes: Vec<u8> = (0..(CHUNK as usize + 1000)).map(|i| i as u8).collect();
        std::fs::write(&path, &bytes).unwrap();
        let (url, body) = one_request_server();
        let size = CHUNK + 10;
        let answer = send_file(&put(&url), &path, size, Box::new(|_| {}))
            .unwrap_or_else(|_| panic!("send failed"));
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(body.recv().unwrap(), bytes[..size as usize]);
    }

    #[test]
    fn a_file_shorter_than_its_size_is_a_file_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("blob");
        std::fs::write(&path, b"0123456789").unwrap();
        let (url, _body) = one_request_server();
        match send_file(&put(&url), &path, 20, Box::new(|_| {})) {
            Err(SendError::File(e)) => {
                assert_eq!(e.kind(), std::io::ErrorKind::UnexpectedEof);
                assert!(e.to_string().contains("changed"), "{e}");
            }
            Err(SendError::Http(e)) => panic!("a network error: {e}"),
            Err(SendError::Header(h)) => panic!("a header error: {h}"),
            Ok(answer) => panic!("sent, answered {}", answer.status),
        }
    }
}
