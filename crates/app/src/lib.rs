//! The use cases of claimdesk. Every public service function takes an [`Actor`], checks permission and
//! store, opens one transaction, lets the domain decide, writes, records the audit trail and sets or clears
//! the due items the change implies. The web UI, the API, the CLI and the scheduler all call these.

pub mod actor;
pub mod attachments;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod campaigns;
pub mod clock;
pub mod customers;
pub mod error;
pub mod follow_up;
pub mod insurance;
pub mod org;
pub mod page;
pub mod parts_return;
pub mod quality;
pub mod repair_orders;
pub mod sanbao;
pub mod statements;
pub mod vehicles;
pub mod warranty;
pub mod worklist;

use std::sync::Arc;

pub use actor::Actor;
pub use claimdesk_store::{Backend, Db, new_id};
pub use clock::{Clock, FixedClock, SystemClock};
pub use error::{AppError, AppResult};

/// Settings that change behaviour; each default gives the documented result.
#[derive(Debug, Clone)]
pub struct Settings {
    /// How long a login session lasts without use, in minutes.
    pub session_minutes: i64,
    /// Failed logins for one username within `throttle_window_minutes` before further tries are refused.
    pub max_failed_logins: i64,
    pub throttle_window_minutes: i64,
    /// Lists count matches up to this many and then show "10,000+".
    pub count_cap: i64,
    /// Seconds an API token's actor is reused without reading it again (0: read on every request). Changes
    /// made through this process clear the cache at once.
    pub token_cache_seconds: u64,
    /// Days before a policy ends that a renewal (续保) reminder comes due.
    pub renewal_days: Vec<i64>,
    /// The largest file an upload may be, in bytes.
    pub max_upload_bytes: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            session_minutes: 12 * 60,
            max_failed_logins: 5,
            throttle_window_minutes: 15,
            count_cap: 10_000,
            token_cache_seconds: 5,
            renewal_days: claimdesk_domain::insurance::policy::RENEWAL_DAYS.to_vec(),
            max_upload_bytes: claimdesk_domain::attachment::DEFAULT_MAX_BYTES,
        }
    }
}

/// Everything a service needs: the database, the clock and the settings.
#[derive(Clone)]
pub struct App {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    pub settings: Arc<Settings>,
    /// API token → actor, for a few seconds (see [`auth::ActorCache`]).
    pub actors: Arc<auth::ActorCache>,
}

impl App {
    pub fn new(db: Db, clock: Arc<dyn Clock>, settings: Settings) -> App {
        let actors = Arc::new(auth::ActorCache::new(std::time::Duration::from_secs(settings.token_cache_seconds)));
        App { db, clock, settings: Arc::new(settings), actors }
    }

    pub fn now_ms(&self) -> i64 {
        self.clock.now().as_millisecond()
    }
}
