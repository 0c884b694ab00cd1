//! Counting periods (民法典 Art 201–203, 1259) and working days from the State Council's holiday notices.
//!
//! Periods in days, months or years do not count their start day (Art 201): a 7-day window opened on
//! 2024-03-01 ends on 2024-03-08. A period in months or years ends on the matching date of the final month,
//! or on that month's last day when there is none (Art 202). All dates are the store's local civil dates;
//! the caller converts instants before asking.

use jiff::ToSpan;
use jiff::civil::{Date, Weekday};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, OnceLock, RwLock};

use crate::violation::Violation;

/// The last day of a period of `days` days that starts on `start` (the start day itself not counted).
pub fn last_day_after_days(start: Date, days: i64) -> Date {
    start.checked_add(days.days()).unwrap_or(start)
}

/// The last day of a period of `months` months (Art 202: the matching date, or the month's last day).
pub fn last_day_after_months(start: Date, months: i64) -> Date {
    // jiff clamps to the month's last day when the matching date does not exist, exactly as Art 202 asks.
    start.checked_add(months.months()).unwrap_or(start)
}

/// The last day of a period of `years` years: 2024-02-29 + 2 years ends on 2026-02-28.
pub fn last_day_after_years(start: Date, years: i64) -> Date {
    last_day_after_months(start, years * 12)
}

/// Which day of a period starting on `start` the `date` is: the next day is day 1.
pub fn day_number(start: Date, date: Date) -> i64 {
    days_between(start, date)
}

/// Whole days between two dates, later minus earlier (negative when `to` is before `from`).
pub fn days_between(from: Date, to: Date) -> i64 {
    match from.until((jiff::Unit::Day, to)) {
        Ok(span) => span.get_days() as i64,
        Err(_) => 0,
    }
}

/// Whole calendar months from `from` to `to` (a part month is not counted).
pub fn whole_months_between(from: Date, to: Date) -> i64 {
    match from.until((jiff::Unit::Month, to)) {
        Ok(span) => span.get_months() as i64,
        Err(_) => 0,
    }
}

/// What the holiday notices say about one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayKind {
    /// A statutory holiday (休).
    Off,
    /// A make-up working day on a weekend (调休上班).
    Work,
}

/// One row of the holiday calendar, as in `holidays-cn.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarRow {
    pub date: Date,
    pub kind: DayKind,
    pub holiday: String,
    pub source: String,
}

/// The working-day calendar: weekends are off unless a notice makes them working days, and each year
/// needs its notice. A year without data is an error, never a guess.
#[derive(Debug, Clone, Default)]
pub struct WorkCalendar {
    days: BTreeMap<Date, DayKind>,
    years: BTreeSet<i16>,
}

static BUILTIN: OnceLock<WorkCalendar> = OnceLock::new();
/// The calendar in force: the built-in one plus the years an admin added. This is the one piece of
/// process-wide state in the domain crate; it changes only when an admin loads a new year's notice, and every
/// rule reads it through [`WorkCalendar::current`].
static CURRENT: RwLock<Option<Arc<WorkCalendar>>> = RwLock::new(None);
const BUILTIN_CSV: &str = include_str!("../data/holidays-cn.csv");

impl WorkCalendar {
    /// The calendar shipped in the binary: China 2013–2026.
    pub fn builtin() -> &'static WorkCalendar {
        BUILTIN.get_or_init(|| {
            let rows = parse_csv(BUILTIN_CSV).expect("the embedded holiday calendar parses");
            WorkCalendar::from_rows(rows)
        })
    }

    /// The calendar rules use: the built-in one, extended by [`WorkCalendar::install`].
    pub fn current() -> Arc<WorkCalendar> {
        if let Some(calendar) = CURRENT.read().ok().and_then(|guard| guard.clone()) {
            return calendar;
        }
        Arc::new(WorkCalendar::builtin().clone())
    }

    /// Makes the built-in calendar plus `extra` rows the one rules use (an admin loaded a new notice).
    pub fn install(extra: impl IntoIterator<Item = CalendarRow>) {
        let mut calendar = WorkCalendar::builtin().clone();
        calendar.extend(extra);
        if let Ok(mut guard) = CURRENT.write() {
            *guard = Some(Arc::new(calendar));
        }
    }

    pub fn from_rows(rows: impl IntoIterator<Item = CalendarRow>) -> WorkCalendar {
        let mut calendar = WorkCalendar::default();
        calendar.extend(rows);
        calendar
    }

    /// Adds a year's notice (an admin does this when a new notice comes out).
    pub fn extend(&mut self, rows: impl IntoIterator<Item = CalendarRow>) {
        for row in rows {
            self.years.insert(row.date.year());
            self.days.insert(row.date, row.kind);
        }
    }

    pub fn years(&self) -> impl Iterator<Item = i16> + '_ {
        self.years.iter().copied()
    }

    pub fn covers(&self, year: i16) -> bool {
        self.years.contains(&year)
    }

    pub fn is_working_day(&self, date: Date) -> Result<bool, Violation> {
        if !self.covers(date.year()) {
            return Err(Violation::new("date", "calendar_year_missing").with("year", date.year()).with("date", date));
        }
        Ok(match self.days.get(&date) {
            Some(DayKind::Off) => false,
            Some(DayKind::Work) => true,
            None => !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday),
        })
    }

    /// The date on which `n` working days after `start` are complete; the start day is not counted.
    pub fn add_working_days(&self, start: Date, n: u32) -> Result<Date, Violation> {
        let mut date = start;
        let mut counted = 0;
        while counted < n {
            date = date.tomorrow().map_err(|_| Violation::new("date", "date_out_of_range"))?;
            if self.is_working_day(date)? {
                counted += 1;
            }
        }
        Ok(date)
    }

    /// Working days after `start` up to and including `end`.
    pub fn working_days_between(&self, start: Date, end: Date) -> Result<i64, Violation> {
        let mut count = 0;
        let mut date = start;
        while date < end {
            date = date.tomorrow().map_err(|_| Violation::new("date", "date_out_of_range"))?;
            if self.is_working_day(date)? {
                count += 1;
            }
        }
        Ok(count)
    }
}

/// Parses `date,kind,holiday,year,source` rows; `kind` is `off` or `work`.
pub fn parse_csv(text: &str) -> Result<Vec<CalendarRow>, Violation> {
    let mut rows = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with("date,") || line.starts_with('#') {
            continue;
        }
        let field = format!("rows[{}]", index + 1);
        let cells: Vec<&str> = line.split(',').collect();
        if cells.len() < 2 {
            return Err(Violation::new(field, "calendar_row_format").with("found", line));
        }
        let date: Date = cells[0]
            .trim()
            .parse()
            .map_err(|_| Violation::new(format!("{field}.date"), "date_format").with("found", cells[0]))?;
        let kind = match cells[1].trim() {
            "off" => DayKind::Off,
            "work" => DayKind::Work,
            other => {
                return Err(Violation::new(format!("{field}.kind"), "calendar_kind").with("found", other));
            }
        };
        rows.push(CalendarRow {
            date,
            kind,
            holiday: cells.get(2).unwrap_or(&"").trim().to_string(),
            source: cells.get(4).unwrap_or(&"").trim().to_string(),
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn day_periods_do_not_count_the_start_day() {
        assert_eq!(last_day_after_days(date(2024, 3, 1), 7), date(2024, 3, 8));
        assert_eq!(last_day_after_days(date(2024, 3, 1), 60), date(2024, 4, 30));
        assert_eq!(day_number(date(2024, 3, 1), date(2024, 3, 6)), 5);
        assert_eq!(day_number(date(2024, 3, 1), date(2024, 4, 20)), 50);
    }

    #[test]
    fn year_periods_end_on_the_matching_date_or_month_end() {
        assert_eq!(last_day_after_years(date(2024, 3, 1), 2), date(2026, 3, 1));
        assert_eq!(last_day_after_years(date(2024, 2, 29), 2), date(2026, 2, 28));
        assert_eq!(last_day_after_months(date(2024, 1, 31), 1), date(2024, 2, 29));
    }

    #[test]
    fn working_days_follow_the_2024_notice() {
        let calendar = WorkCalendar::builtin();
        // SB-28: request on Mon 2024-05-13.
        assert_eq!(calendar.add_working_days(date(2024, 5, 13), 10).unwrap(), date(2024, 5, 27));
        assert_eq!(calendar.add_working_days(date(2024, 5, 13), 20).unwrap(), date(2024, 6, 11));
        // 2024-02-04 was a Sunday made a working day; 2024-02-12 a Monday holiday.
        assert!(calendar.is_working_day(date(2024, 2, 4)).unwrap());
        assert!(!calendar.is_working_day(date(2024, 2, 12)).unwrap());
    }

    #[test]
    fn a_year_without_a_notice_is_an_error() {
        let calendar = WorkCalendar::builtin();
        let error = calendar.is_working_day(date(2031, 1, 2)).unwrap_err();
        assert_eq!(error.code, "calendar_year_missing");
        assert_eq!(error.params["year"], "2031");
    }

    #[test]
    fn an_admin_can_add_a_year() {
        let mut calendar = WorkCalendar::builtin().clone();
        calendar.extend(parse_csv("2031-01-01,off,元旦,2031,test").unwrap());
        assert!(!calendar.is_working_day(date(2031, 1, 1)).unwrap());
        assert!(calendar.is_working_day(date(2031, 1, 2)).unwrap());
    }
}
