//! A short-lived cache of API token → actor.
//!
//! Without it every API request costs four reads before its real work (the token, the user, the grants,
//! the stores). Entries live a few seconds ([`Settings::token_cache_seconds`](crate::Settings)); every
//! service that changes what a token may do (revoking a token, changing a password, changing a user, their
//! grants or the stores) clears the whole cache, so in one process a change takes effect at once. Other app
//! servers on the same PostgreSQL see it within the time to live.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::actor::Actor;

/// More entries than this and the cache starts afresh (tokens are few; this only bounds a flood).
const MAX_ENTRIES: usize = 10_000;

struct Entry {
    actor: Actor,
    /// The token's own expiry (epoch ms), checked against the app's clock on every hit.
    expires_at: Option<i64>,
    fetched: Instant,
}

pub struct ActorCache {
    ttl: Duration,
    entries: Mutex<HashMap<(String, Option<String>), Entry>>,
    /// Bumped by [`ActorCache::clear`]: a read that began before a change does not cache its stale result.
    generation: AtomicU64,
}

impl ActorCache {
    pub fn new(ttl: Duration) -> ActorCache {
        ActorCache { ttl, entries: Mutex::new(HashMap::new()), generation: AtomicU64::new(0) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(String, Option<String>), Entry>> {
        self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The cached actor of a token hash (and chosen store), if fresh and the token has not expired.
    pub(crate) fn get(&self, token_hash: &str, store: &Option<String>, now_ms: i64) -> Option<Actor> {
        if self.ttl.is_zero() {
            return None;
        }
        let key = (token_hash.to_string(), store.clone());
        let mut entries = self.lock();
        let entry = entries.get(&key)?;
        if entry.fetched.elapsed() > self.ttl || entry.expires_at.is_some_and(|at| at < now_ms) {
            entries.remove(&key);
            return None;
        }
        Some(entry.actor.clone())
    }

    /// Taken before reading an actor, and handed to [`ActorCache::put`].
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    pub(crate) fn put(
        &self,
        generation: u64,
        token_hash: String,
        store: Option<String>,
        expires_at: Option<i64>,
        actor: Actor,
    ) {
        if self.ttl.is_zero() {
            return;
        }
        let mut entries = self.lock();
        if self.generation() != generation {
            return;
        }
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert((token_hash, store), Entry { actor, expires_at, fetched: Instant::now() });
    }

    /// Forgets every entry: called after any change to tokens, users, grants or stores.
    pub fn clear(&self) {
        let mut entries = self.lock();
        self.generation.fetch_add(1, Ordering::SeqCst);
        entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor() -> Actor {
        Actor::system(Vec::new())
    }

    #[test]
    fn hits_until_cleared_expired_or_stale() {
        let cache = ActorCache::new(Duration::from_secs(60));
        cache.put(cache.generation(), "h".into(), None, Some(1_000), actor());
        assert!(cache.get("h", &None, 500).is_some());
        assert!(cache.get("h", &Some("s".into()), 500).is_none(), "the store header is part of the key");
        assert!(cache.get("h", &None, 1_001).is_none(), "an expired token is not served from the cache");
        cache.put(cache.generation(), "h".into(), None, None, actor());
        cache.clear();
        assert!(cache.get("h", &None, 0).is_none());
        let before_change = cache.generation();
        cache.clear();
        cache.put(before_change, "h".into(), None, None, actor());
        assert!(cache.get("h", &None, 0).is_none(), "a read begun before a change is not cached");
        let off = ActorCache::new(Duration::ZERO);
        off.put(off.generation(), "h".into(), None, None, actor());
        assert!(off.get("h", &None, 0).is_none());
    }
}
