//! The web UI and the JSON API. Both call the same services; neither holds business rules.
//!
//! The one request path: [`router`] → an extractor ([`extract`]) turns the cookie or token into an `Actor`
//! and the body into a plain input → a handler in `ui/` or `api/` calls one service → a template or JSON.

pub mod api;
pub mod error;
pub mod excel;
pub mod extract;
pub mod messages;
pub mod router;
pub mod rules;
pub mod static_files;
pub mod ui;
pub mod uploads;

pub use router::router;

use claimdesk_app::App;

/// What every handler receives.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    /// Mark cookies `Secure` (behind HTTPS).
    pub secure_cookies: bool,
}
