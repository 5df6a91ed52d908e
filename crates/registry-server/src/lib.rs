//! `data-registry`: the npm-style registry for Frictionless Data Packages.
//!
//! An actix-web server over diesel (Postgres or SQLite) and an object store
//! (a local folder or S3). [`app::Registry`] builds and runs it; the binary
//! in `main.rs` adds the command line.

pub mod api;
pub mod app;
pub mod auth;
pub mod config;
pub mod db;
pub mod error;
pub mod read_cache;
pub mod storage;
pub mod web;
