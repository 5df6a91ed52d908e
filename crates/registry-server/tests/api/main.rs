//! The registry over real HTTP on loopback: one test binary, a fresh server
//! and database per test (see `support.rs` for the backends).

mod support;

mod accounts;
mod packages;
