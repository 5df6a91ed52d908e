//! Serving the bytes of a package's files, and a revision as a zip.

use std::io::Write;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use registry_api::package::PackageFile;

use crate::api::packages::etag_matches;
use crate::app::AppState;
use crate::db::models::packages::{self, Found, RevisionRow};
use crate::error::{ApiError, ApiResult};
use crate::storage::BlobStore;

/// Counts one download of the package. A failure to count is logged and
/// never fails the download.
pub async fn count_download(state: &AppState, package_id: i64) {
    if let Err(e) = state
        .db
        .run(move |conn| packages::add_downloads(conn, package_id, 1))
        .await
    {
        tracing::warn!(error = %e, "failed to count a download");
    }
}

/// `path`'s bytes in `revision`: from disk with Range and ETag support, or a
/// redirect to a presigned S3 URL.
pub async fn serve(
    req: &HttpRequest,
    state: &AppState,
    found: &Found,
    revision: &RevisionRow,
    path: &str,
) -> ApiResult<HttpResponse> {
    let revision_id = revision.id;
    let wanted = path.to_string();
    let file = state
        .db
        .run(move |conn| packages::file(conn, revision_id, &wanted))
        .await?
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "{}/{} revision {} has no file {path:?}",
                found.owner(),
                found.package.name,
                revision.number
            ))
        })?;
    let etag = file.sha256.clone();
    if etag_matches(req, &etag) {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, format!("\"{etag}\"")))
            .finish());
    }
    let whole =
        req.headers().get(header::RANGE).is_none() && req.method() == actix_web::http::Method::GET;
    // A HEAD is signed as a HEAD: S3 refuses a GET signature for it.
    let response = if let Some(url) = state
        .store
        .presign_download(
            &file.sha256,
            req.method() == actix_web::http::Method::HEAD,
            state.presign,
        )
        .await?
    {
        HttpResponse::Found()
            .insert_header((header::LOCATION, url.to_string()))
            .insert_header((header::CACHE_CONTROL, "private, no-store"))
            .finish()
    } else {
        let local = state
            .store
            .local_file(&file.sha256)
            .ok_or_else(|| ApiError::internal("blob store has neither files nor URLs"))?;
        let named = actix_files::NamedFile::open_async(&local)
            .await
            .map_err(|e| ApiError::internal(format!("open blob {}: {e}", file.sha256)))?
            .set_content_type(content_type(path))
            .use_etag(false)
            .use_last_modified(false)
            .disable_content_disposition();
        let mut response = named.into_response(req);
        response.headers_mut().insert(
            header::ETAG,
            header::HeaderValue::from_str(&format!("\"{etag}\"")).map_err(ApiError::internal)?,
        );
        response
    };
    let mut response = response;
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        header::HeaderValue::from_static("*"),
    );
    // A redirect to a presigned URL is a download too (S3 serves the bytes).
    if whole && (response.status().is_success() || response.status().is_redirection()) {
        count_download(state, found.package.id).await;
    }
    Ok(response)
}

/// The media type a data file is served with.
fn content_type(path: &str) -> mime::Mime {
    let lower = path.to_ascii_lowercase();
    let ext = lower.rsplit('.').next().unwrap_or_default();
    match ext {
        "csv" => "text/csv; charset=utf-8".parse(),
        "tsv" | "tab" => "text/tab-separated-values; charset=utf-8".parse(),
        "json" | "geojson" => "application/json".parse(),
        "ndjson" | "jsonl" => "application/x-ndjson".parse(),
        "md" => "text/markdown; charset=utf-8".parse(),
        "txt" => "text/plain; charset=utf-8".parse(),
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".parse(),
        "xls" => "application/vnd.ms-excel".parse(),
        "ods" => "application/vnd.oasis.opendocument.spreadsheet".parse(),
        "zip" => "application/zip".parse(),
        "gz" => "application/gzip".parse(),
        _ => "application/octet-stream".parse(),
    }
    .unwrap_or(mime::APPLICATION_OCTET_STREAM)
}

/// A zip of the descriptor and the files, written on a blocking thread as
/// the client reads it: memory stays at a few buffers whatever the size.
pub fn zip_stream(
    store: BlobStore,
    descriptor: String,
    files: Vec<PackageFile>,
) -> impl Stream<Item = Result<Bytes, ApiError>> {
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, ApiError>>(8);
    let runtime = tokio::runtime::Handle::current();
    std::thread::spawn(move || {
        let writer = ChannelWriter { tx: tx.clone() };
        let result = write_zip(&runtime, &store, writer, &descriptor, &files);
        if let Err(e) = result {
            // The client sees a broken download, never a truncated "success".
            let _ = tx.blocking_send(Err(ApiError::internal(format!("zip: {e}"))));
        }
    });
    tokio_stream(rx)
}

fn tokio_stream(
    mut rx: tokio::sync::mpsc::Receiver<Result<Bytes, ApiError>>,
) -> impl Stream<Item = Result<Bytes, ApiError>> {
    futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx))
}

fn write_zip(
    runtime: &tokio::runtime::Handle,
    store: &BlobStore,
    writer: ChannelWriter,
    descriptor: &str,
    files: &[PackageFile],
) -> anyhow::Result<()> {
    let mut zip = zip::ZipWriter::new_stream(std::io::BufWriter::with_capacity(256 * 1024, writer));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    zip.start_file("datapackage.json", options)?;
    zip.write_all(descriptor.as_bytes())?;
    for file in files {
        zip.start_file(
            file.path.as_str(),
            options.large_file(file.size >= u32::MAX as u64),
        )?;
        // Only the reads run on the runtime: the writes block on the
        // channel, which must not happen inside `block_on`.
        let mut stream = Box::pin(runtime.block_on(store.read(&file.sha256))?);
        while let Some(chunk) = runtime.block_on(stream.next()) {
            zip.write_all(&chunk?)?;
        }
    }
    zip.finish()?.flush()?;
    Ok(())
}

/// `Write` into the response channel; fails once the client has gone.
struct ChannelWriter {
    tx: tokio::sync::mpsc::Sender<Result<Bytes, ApiError>>,
}

impl Write for ChannelWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.tx
            .blocking_send(Ok(Bytes::copy_from_slice(buf)))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "client went away"))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
