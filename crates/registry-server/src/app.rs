//! Building the application from a [`Config`] and running it.

use std::net::TcpListener;
use std::time::Duration;

use actix_web::middleware::{Compress, Condition};
use actix_web::{web, App, HttpServer};
use anyhow::Context;

use crate::config::Config;
use crate::db::Db;
use crate::storage::{BlobStore, StorageUrl};

/// What every handler can reach.
pub struct AppState {
    pub db: Db,
    pub store: BlobStore,
    /// `http://host:port` clients use, without a trailing slash.
    pub public_base: String,
    pub max_upload_bytes: u64,
    pub presign: Duration,
    pub cache: crate::read_cache::ReadCache,
}

/// A registry ready to serve: its state and its bound socket.
pub struct Registry {
    state: web::Data<AppState>,
    listener: TcpListener,
    config: Config,
}

impl Registry {
    /// Opens the database (applying migrations) and the blob store, and
    /// binds the socket.
    pub fn build(config: Config) -> anyhow::Result<Registry> {
        let database = config.database();
        tracing::info!(database = %database.redacted(), "opening the database");
        let db = Db::open(database, config.db_pool_size)?;
        let applied = db.migrate()?;
        if applied > 0 {
            tracing::info!(applied, "applied database migrations");
        }
        let storage = match &config.storage {
            Some(url) => StorageUrl::parse(url).map_err(anyhow::Error::msg)?,
            None => StorageUrl::Local(config.data_dir.join("blobs")),
        };
        let store = BlobStore::open(&storage)?;
        tracing::info!(storage = store.description(), "opened the blob store");
        let listener = TcpListener::bind(&config.bind)
            .with_context(|| format!("failed to bind {}", config.bind))?;
        let bound = listener.local_addr().ok();
        let state = web::Data::new(AppState {
            db,
            store,
            public_base: config.public_base(bound),
            max_upload_bytes: config.max_upload_bytes,
            presign: Duration::from_secs(config.presign_seconds),
            cache: crate::read_cache::ReadCache::new(Duration::from_millis(config.read_cache_ms)),
        });
        Ok(Registry {
            state,
            listener,
            config,
        })
    }

    pub fn local_addr(&self) -> std::io::Result<std::net::SocketAddr> {
        self.listener.local_addr()
    }

    pub fn public_base(&self) -> &str {
        &self.state.public_base
    }

    /// Serves until SIGINT or SIGTERM, then finishes the requests under way
    /// (actix's graceful shutdown) and returns.
    pub async fn run(self) -> anyhow::Result<()> {
        let base = self.state.public_base.clone();
        let address = self.local_addr().map(|a| a.to_string()).unwrap_or_default();
        let server = self.server()?;
        tracing::info!(url = %base, %address, "data-registry is listening");
        server.await?;
        tracing::info!("data-registry stopped");
        Ok(())
    }

    /// The server, started; await it to serve. Its handle stops it.
    pub fn server(self) -> anyhow::Result<actix_web::dev::Server> {
        let state = self.state.clone();
        let json_limit = self.config.max_json_bytes;
        let mut server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .app_data(crate::api::json_config(json_limit))
                .app_data(crate::api::path_config())
                .app_data(crate::api::query_config())
                .wrap(Condition::new(true, Compress::default()))
                .wrap(tracing_actix())
                .configure(crate::api::routes)
                .configure(crate::web::routes)
        })
        .shutdown_timeout(30)
        .listen(self.listener)?;
        if let Some(workers) = self.config.workers {
            server = server.workers(workers);
        }
        Ok(server.run())
    }
}

/// One log line per request: method, path, status and time, never headers
/// (they carry tokens) nor query strings (they may carry signatures).
fn tracing_actix() -> actix_web::middleware::Logger {
    actix_web::middleware::Logger::new("%{request}xi %s %Dms")
        .custom_request_replace("request", |req| format!("{} {}", req.method(), req.path()))
        .log_target("data_registry::http")
}
