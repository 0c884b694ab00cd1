//! The integration suite of claimdesk: services and HTTP on both databases (SQLite always, PostgreSQL when
//! `CLAIMDESK_TEST_PG` is set), the schema snapshot, and a browser flow in headless Chromium. One binary, so
//! the workspace links it once (STYLE.md, Testing).

mod browser;
mod browser_claimsflow;
mod browser_returns;
mod browser_statements;
mod helpers;
mod http;
mod schema;
mod services;
