//! The emulator's "today": the date its scenarios are built around and its date-dependent
//! answers (legacy billing periods, cost report limits) are measured from.
//!
//! It is the system's date unless a date is pinned, by [`crate::EmulatorConfig::today`] or, when
//! that is not set, by the `INVOICE_DESK_TODAY` environment variable (`YYYY-MM-DD`). Tests, the
//! edge-date sweep and demo mode pin it; a pinned emulator lives on that day whatever the wall
//! clock says. Timestamps that clients check against their own clock (tokens, SAS expiry) stay
//! on the wall clock.

use time::macros::format_description;
use time::{Date, OffsetDateTime};

/// The environment variable that pins the date of an emulator whose config names none.
pub const TODAY_ENV: &str = "INVOICE_DESK_TODAY";

/// `YYYY-MM-DD`, the only form a pinned date takes.
pub fn parse_day(text: &str) -> Result<Date, String> {
    Date::parse(text.trim(), format_description!("[year]-[month]-[day]"))
        .map_err(|_| format!("`{text}` is not a date of the form YYYY-MM-DD"))
}

/// The date pinned by `INVOICE_DESK_TODAY`, if it is set (an invalid value is an error, never
/// silently today).
pub fn pinned_by_env() -> Result<Option<Date>, String> {
    match std::env::var(TODAY_ENV) {
        Ok(text) if !text.trim().is_empty() => parse_day(&text)
            .map(Some)
            .map_err(|e| format!("{TODAY_ENV}: {e}")),
        _ => Ok(None),
    }
}

/// The date an emulator started now with no date in its config lives on: the one
/// `INVOICE_DESK_TODAY` pins, else the system's date. Tests compare against it.
///
/// # Panics
/// When `INVOICE_DESK_TODAY` holds something other than a date.
#[must_use]
pub fn today() -> Date {
    Calendar::new(pinned_by_env().unwrap_or_else(|e| panic!("{e}"))).today()
}

/// A running emulator's calendar.
#[derive(Debug, Clone, Copy)]
pub struct Calendar {
    pinned: Option<Date>,
}

impl Calendar {
    pub fn new(pinned: Option<Date>) -> Self {
        Self { pinned }
    }

    /// The pinned date, if any.
    pub fn pinned(self) -> Option<Date> {
        self.pinned
    }

    pub fn today(self) -> Date {
        self.pinned
            .unwrap_or_else(|| OffsetDateTime::now_utc().date())
    }

    /// "Now" on this calendar: today's date at the wall clock's time of day, so that ages
    /// measured in days ("created 20 days ago") come out the same on a pinned day.
    pub fn now(self) -> OffsetDateTime {
        let wall = OffsetDateTime::now_utc();
        match self.pinned {
            Some(day) => day.with_time(wall.time()).assume_utc(),
            None => wall,
        }
    }
}

impl Default for Calendar {
    fn default() -> Self {
        Self::new(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_pinned_calendar_stays_on_its_day_at_the_wall_clocks_time() {
        let calendar = Calendar::new(Some(date!(2028 - 02 - 29)));
        assert_eq!(calendar.today(), date!(2028 - 02 - 29));
        assert_eq!(calendar.now().date(), date!(2028 - 02 - 29));
        let unpinned = Calendar::default();
        assert_eq!(unpinned.today(), OffsetDateTime::now_utc().date());
    }

    #[test]
    fn only_whole_iso_dates_pin_a_day() {
        assert_eq!(parse_day("2027-01-01"), Ok(date!(2027 - 01 - 01)));
        assert_eq!(parse_day(" 2028-02-29 "), Ok(date!(2028 - 02 - 29)));
        for bad in ["2027-02-29", "2027-1-1", "01-01-2027", "tomorrow", ""] {
            assert!(parse_day(bad).is_err(), "{bad}");
        }
    }
}
