//! The registry over real HTTP on loopback: one test binary, a fresh server
//! and database per test (see `support.rs` for the backends).

// Not every test module uses every helper.
#[allow(dead_code)]
mod support;

mod accounts;
mod consumers;
mod endpoints;
mod packages;
mod permissions;
mod uploads;
