//! Time comes from an injected clock, so tests and benchmarks control "now".

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use std::sync::Mutex;

pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock that stands still until moved.
pub struct FixedClock(Mutex<Timestamp>);

impl FixedClock {
    pub fn new(at: Timestamp) -> FixedClock {
        FixedClock(Mutex::new(at))
    }

    pub fn set(&self, at: Timestamp) {
        *self.0.lock().expect("clock lock") = at;
    }

    pub fn advance_hours(&self, hours: i64) {
        let mut now = self.0.lock().expect("clock lock");
        *now = now.checked_add(jiff::SignedDuration::from_hours(hours)).expect("in range");
    }
}

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        *self.0.lock().expect("clock lock")
    }
}

/// A store's time zone by name; an unknown name falls back to China's, the default for every store.
pub fn zone(name: &str) -> TimeZone {
    TimeZone::get(name).unwrap_or_else(|_| TimeZone::get("Asia/Shanghai").unwrap_or(TimeZone::UTC))
}

/// The civil date of an instant in a store's time zone.
pub fn local_date(at: Timestamp, time_zone: &str) -> Date {
    at.to_zoned(zone(time_zone)).date()
}

/// Epoch milliseconds to a timestamp (out-of-range values clamp to the epoch).
pub fn from_ms(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// `2024-06-03 20:30` in the store's time zone, as pages show instants.
pub fn display_local(ms: i64, time_zone: &str) -> String {
    from_ms(ms).to_zoned(zone(time_zone)).strftime("%Y-%m-%d %H:%M").to_string()
}

/// RFC 3339 with the store's offset, as the API shows instants.
pub fn rfc3339_local(ms: i64, time_zone: &str) -> String {
    from_ms(ms).to_zoned(zone(time_zone)).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// Reads an instant typed in a form (`2024-06-03T20:30`, local to the store) or sent by the API
/// (RFC 3339 with an offset).
pub fn parse_instant(text: &str, time_zone: &str) -> Option<Timestamp> {
    let text = text.trim();
    if let Ok(at) = text.parse::<Timestamp>() {
        return Some(at);
    }
    let civil = text.replace(' ', "T").parse::<jiff::civil::DateTime>().ok()?;
    civil.to_zoned(zone(time_zone)).ok().map(|zoned| zoned.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_forms_and_offsets_both_parse() {
        let a = parse_instant("2024-06-01T20:30", "Asia/Shanghai").unwrap();
        let b = parse_instant("2024-06-01T20:30:00+08:00", "Asia/Shanghai").unwrap();
        assert_eq!(a, b);
        assert_eq!(display_local(a.as_millisecond(), "Asia/Shanghai"), "2024-06-01 20:30");
        assert_eq!(rfc3339_local(a.as_millisecond(), "Asia/Shanghai"), "2024-06-01T20:30:00+08:00");
        assert_eq!(
            local_date(parse_instant("2024-06-01T23:30:00Z", "UTC").unwrap(), "Asia/Shanghai").to_string(),
            "2024-06-02"
        );
    }
}
