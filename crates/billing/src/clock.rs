//! Where "today" comes from for everything date-dependent the app decides: which months the
//! window and the CLI list, the running month, and when a missing invoice is expected.
//!
//! Users are always on [`Clock::System`]. Demo mode takes the day its sample Azure lives on
//! (the emulator's calendar, which tests and the edge-date sweep pin), so what the app decides
//! and what the sample data holds agree on any date.

use time::{Date, OffsetDateTime};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Clock {
    /// The system's date, in UTC (Azure's billing periods are UTC dates).
    #[default]
    System,
    /// A fixed day.
    Fixed(Date),
}

impl Clock {
    /// A clock on `pinned` when given, else the system's.
    #[must_use]
    pub fn pinned_or_system(pinned: Option<Date>) -> Self {
        pinned.map_or(Self::System, Self::Fixed)
    }

    #[must_use]
    pub fn today(self) -> Date {
        match self {
            Self::System => OffsetDateTime::now_utc().date(),
            Self::Fixed(day) => day,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_fixed_clock_keeps_its_day_and_the_system_clock_follows_the_date() {
        assert_eq!(
            Clock::Fixed(date!(2028 - 02 - 29)).today(),
            date!(2028 - 02 - 29)
        );
        assert_eq!(
            Clock::pinned_or_system(Some(date!(2027 - 01 - 01))),
            Clock::Fixed(date!(2027 - 01 - 01))
        );
        assert_eq!(Clock::pinned_or_system(None), Clock::System);
        assert_eq!(Clock::System.today(), OffsetDateTime::now_utc().date());
    }
}
