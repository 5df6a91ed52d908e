//! A real `data-registry` on loopback for each test, over SQLite + a local
//! folder always, and over Postgres + S3 when the environment names them:
//!
//! - `DATA_REGISTRY_TEST_POSTGRES`: an admin URL such as
//!   `postgres://postgres@127.0.0.1/postgres`; each test gets a fresh database.
//! - `DATA_REGISTRY_TEST_S3`: `s3://BUCKET`, with the usual `AWS_*`
//!   variables (`AWS_ENDPOINT_URL`, `AWS_ALLOW_HTTP=true` for a local
//!   server); each test gets its own prefix.
//!
//! Where a variable is missing the test prints why and passes without
//! running that backend.

use std::sync::mpsc;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::Connection;
use registry_server::app::Registry;
use registry_server::config::Config;
use reqwest::blocking::{Client, RequestBuilder, Response};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    SqliteDisk,
    PostgresS3,
}

/// Generates one test per backend from `fn name(backend: Backend)`.
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[test]
                fn sqlite_disk() {
                    super::$name($crate::support::Backend::SqliteDisk);
                }
                #[test]
                fn postgres_s3() {
                    if $crate::support::skip_postgres_s3() {
                        return;
                    }
                    super::$name($crate::support::Backend::PostgresS3);
                }
            }
        )*
    };
}

/// True (after saying why) when Postgres or S3 is not configured.
pub fn skip_postgres_s3() -> bool {
    let missing: Vec<&str> = ["DATA_REGISTRY_TEST_POSTGRES", "DATA_REGISTRY_TEST_S3"]
        .into_iter()
        .filter(|v| std::env::var(v).map(|s| s.is_empty()).unwrap_or(true))
        .collect();
    if missing.is_empty() {
        return false;
    }
    #[allow(clippy::print_stderr)]
    {
        eprintln!(
            "skipped: the Postgres + S3 backend needs {} (.ci/run sets them)",
            missing.join(" and ")
        );
    }
    true
}

pub struct TestServer {
    pub base: String,
    pub client: Client,
    pub backend: Backend,
    handle: actix_web::dev::ServerHandle,
    _dir: tempfile::TempDir,
    /// Kept so the test can inspect the blob folder (SQLite + disk).
    pub data_dir: std::path::PathBuf,
    /// The configuration the server was started with.
    pub config: Config,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let stop = self.handle.stop(false);
        // The stop future only sends a command; a small runtime drives it.
        if let Ok(rt) = tokio::runtime::Builder::new_current_thread().build() {
            rt.block_on(stop);
        }
        if let Some(url) = &self.config.database_url {
            drop_postgres_database(url);
        }
    }
}

/// Drops a database made by [`fresh_postgres_database`], so CI runs leave
/// nothing behind (`WITH (FORCE)` closes the pool's connections).
pub fn drop_postgres_database(url: &str) {
    let Ok(admin) = std::env::var("DATA_REGISTRY_TEST_POSTGRES") else {
        return;
    };
    let Some(name) = url
        .rsplit('/')
        .next()
        .filter(|n| n.starts_with("registry_test_"))
    else {
        return;
    };
    if let Ok(mut conn) = diesel::PgConnection::establish(&admin) {
        let _ = conn.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
    }
}

pub fn fresh_postgres_database(admin_url: &str) -> String {
    let name = format!("registry_test_{}", uuid::Uuid::new_v4().simple());
    let mut conn = diesel::PgConnection::establish(admin_url)
        .unwrap_or_else(|e| panic!("cannot connect to {admin_url}: {e}"));
    conn.batch_execute(&format!("CREATE DATABASE {name}"))
        .expect("create test database");
    let mut url = url::Url::parse(admin_url).expect("postgres url");
    url.set_path(&format!("/{name}"));
    url.to_string()
}

impl TestServer {
    pub fn start(backend: Backend) -> TestServer {
        TestServer::start_with(backend, |_| {})
    }

    pub fn start_with(backend: Backend, tweak: impl FnOnce(&mut Config)) -> TestServer {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut config = Config {
            bind: "127.0.0.1:0".to_string(),
            data_dir: dir.path().join("registry-data"),
            workers: Some(2),
            db_pool_size: 8,
            ..Config::default()
        };
        if backend == Backend::PostgresS3 {
            let bucket = std::env::var("DATA_REGISTRY_TEST_S3").expect("checked");
            config.storage = Some(format!(
                "{}/{}",
                bucket.trim_end_matches('/'),
                uuid::Uuid::new_v4().simple()
            ));
        }
        tweak(&mut config);
        // After the tweak, so a test sharing another's database makes none.
        if backend == Backend::PostgresS3 && config.database_url.is_none() {
            let admin = std::env::var("DATA_REGISTRY_TEST_POSTGRES").expect("checked");
            config.database_url = Some(fresh_postgres_database(&admin));
        }
        let data_dir = config.data_dir.clone();
        let kept = config.clone();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let system = actix_web::rt::System::new();
            system.block_on(async move {
                let started = Registry::build(config).and_then(|registry| {
                    let base = registry.public_base().to_string();
                    registry.server().map(|server| (base, server))
                });
                match started {
                    Ok((base, server)) => {
                        tx.send(Ok((base, server.handle()))).ok();
                        server.await.ok();
                    }
                    Err(e) => {
                        tx.send(Err(format!("{e:#}"))).ok();
                    }
                }
            });
        });
        let (base, handle) = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("server start timed out")
            .unwrap_or_else(|e| panic!("server failed to start: {e}"));
        let client = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(120))
            .build()
            .expect("client");
        TestServer {
            base,
            client,
            backend,
            handle,
            _dir: dir,
            data_dir,
            config: kept,
        }
    }

    /// Makes a user an administrator, as `data-registry admin make-admin` does.
    pub fn make_admin(&self, username: &str) {
        let db = registry_server::db::Db::open(self.config.database(), 1).expect("open db");
        let mut conn = db.get().expect("connection");
        let done = registry_server::db::models::users::set_admin(&mut conn, username, true)
            .expect("set admin");
        assert!(done, "no user {username}");
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn get(&self, path: &str) -> RequestBuilder {
        self.client.get(self.url(path))
    }

    pub fn post(&self, path: &str) -> RequestBuilder {
        self.client.post(self.url(path))
    }

    /// GETs a file, following a redirect to a presigned URL (S3) without
    /// sending the token there. Returns the final response.
    pub fn download(&self, path: &str, token: Option<&str>) -> Response {
        let mut request = self.get(path);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().expect("download");
        if response.status() == StatusCode::FOUND {
            let location = response.headers()["location"]
                .to_str()
                .expect("location")
                .to_string();
            assert!(
                !location.starts_with(&self.base),
                "redirects go to the store"
            );
            return self.client.get(location).send().expect("follow");
        }
        response
    }

    /// Signs a user up and returns their token.
    pub fn signup(&self, username: &str) -> String {
        let response = self
            .post("/api/auth/signup")
            .json(&json!({"username": username, "email": format!("{username}@example.org"), "password": "password123"}))
            .send()
            .expect("signup");
        assert_eq!(response.status(), StatusCode::CREATED, "signup {username}");
        response.json::<Value>().expect("json")["token"]
            .as_str()
            .expect("token")
            .to_string()
    }

    /// Uploads `bytes` the way the server says to (through it, or to a
    /// presigned URL and then `complete`). Returns the hash.
    pub fn upload(&self, token: &str, bytes: &[u8]) -> String {
        let sha = sha256(bytes);
        let check: Value = self
            .post("/api/blobs/check")
            .bearer_auth(token)
            .json(&json!({"blobs": [{"sha256": sha, "size": bytes.len()}]}))
            .send()
            .expect("check")
            .error_for_status()
            .expect("check status")
            .json()
            .expect("check json");
        for missing in check["missing"].as_array().expect("missing") {
            let upload = &missing["upload"];
            let mut request = self
                .client
                .put(upload["url"].as_str().expect("url"))
                .body(bytes.to_vec());
            for header in upload["headers"].as_array().expect("headers") {
                request = request.header(
                    header[0].as_str().expect("name"),
                    header[1].as_str().expect("value"),
                );
            }
            if upload["needs_auth"].as_bool() == Some(true) {
                request = request.bearer_auth(token);
            }
            let response = request.send().expect("upload");
            assert!(
                response.status().is_success(),
                "upload: {}",
                response.status()
            );
            if let Some(complete) = upload["complete_url"].as_str() {
                let response = self
                    .client
                    .post(complete)
                    .bearer_auth(token)
                    .send()
                    .expect("complete");
                assert_eq!(response.status(), StatusCode::CREATED, "complete");
            }
        }
        sha
    }

    /// Uploads the files and publishes `descriptor` as `owner/name`.
    pub fn publish(
        &self,
        token: &str,
        owner: &str,
        name: &str,
        descriptor: &Value,
        files: &[(&str, &[u8])],
        extra: Value,
    ) -> Response {
        let mut listed = Vec::new();
        for (path, bytes) in files {
            let sha = self.upload(token, bytes);
            listed.push(json!({"path": path, "sha256": sha, "size": bytes.len()}));
        }
        let mut body = json!({"descriptor": descriptor, "files": listed});
        if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
            for (k, v) in extra {
                body.insert(k.clone(), v.clone());
            }
        }
        self.post(&format!("/api/packages/{owner}/{name}"))
            .bearer_auth(token)
            .json(&body)
            .send()
            .expect("publish")
    }

    /// Publishes a one-resource CSV package; panics unless it is created.
    pub fn publish_csv(
        &self,
        token: &str,
        owner: &str,
        name: &str,
        csv: &[u8],
        extra: Value,
    ) -> Value {
        let response = self.publish(
            token,
            owner,
            name,
            &csv_descriptor(name),
            &[("data/table.csv", csv)],
            extra,
        );
        let status = response.status();
        let body: Value = response.json().expect("json");
        assert_eq!(
            status,
            StatusCode::CREATED,
            "publish {owner}/{name}: {body}"
        );
        body
    }
}

pub fn csv_descriptor(name: &str) -> Value {
    json!({
        "name": name,
        "title": format!("The {name} table"),
        "resources": [{"name": "table", "path": "data/table.csv", "format": "csv",
            "schema": {"fields": [{"name": "a", "type": "integer"}, {"name": "b", "type": "string"}]}}]
    })
}

pub fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The error code of an API error body.
pub fn error_code(response: Response) -> (StatusCode, String, String) {
    let status = response.status();
    let body: Value = response.json().unwrap_or(Value::Null);
    (
        status,
        body["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        body["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    )
}
