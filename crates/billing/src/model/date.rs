//! Lenient dates: Azure mixes `date-time` (with 0–7 fractional digits), bare dates, and
//! plain strings typed as `string` (e.g. `expiryTime`). The text is kept; parsing is on demand
//! so one odd value never fails a whole response.

use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// A date or date-time exactly as Azure wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ArmDate(pub String);

impl ArmDate {
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The instant, reading a bare date as midnight UTC and an offset-less time as UTC.
    #[must_use]
    pub fn datetime(&self) -> Option<OffsetDateTime> {
        let text = self.0.trim();
        if let Ok(value) = OffsetDateTime::parse(text, &Rfc3339) {
            return Some(value);
        }
        let naive = format_description!(
            version = 2,
            "[year]-[month]-[day][first [T][ ]][hour]:[minute]:[second][optional [.[subsecond]]]"
        );
        if let Ok(value) = PrimitiveDateTime::parse(text, naive) {
            return Some(value.assume_offset(UtcOffset::UTC));
        }
        parse_date(text).map(|date| date.midnight().assume_offset(UtcOffset::UTC))
    }

    /// The calendar date (in the timestamp's own offset).
    #[must_use]
    pub fn date(&self) -> Option<Date> {
        parse_date(self.0.trim()).or_else(|| self.datetime().map(OffsetDateTime::date))
    }
}

fn parse_date(text: &str) -> Option<Date> {
    let iso = format_description!("[year]-[month]-[day]");
    // The spec describes `periodStartDate` as MM-DD-YYYY; accept it if a server ever uses it.
    let us = format_description!("[month]-[day]-[year]");
    Date::parse(text, iso)
        .or_else(|_| Date::parse(text, us))
        .ok()
}

impl From<&str> for ArmDate {
    fn from(text: &str) -> Self {
        Self(text.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::ArmDate;
    use time::macros::{date, datetime};

    #[test]
    fn parses_every_shape_azure_uses() {
        let seven = ArmDate::from("2023-01-04T22:39:34.2606750Z");
        assert_eq!(
            seven.datetime(),
            Some(datetime!(2023-01-04 22:39:34.260675 UTC))
        );
        assert_eq!(
            ArmDate::from("2017-02-01").date(),
            Some(date!(2017 - 02 - 01))
        );
        assert_eq!(
            ArmDate::from("2017-02-01").datetime(),
            Some(datetime!(2017-02-01 0:00 UTC))
        );
        assert_eq!(
            ArmDate::from("2024-05-01T10:00:00").datetime(),
            Some(datetime!(2024-05-01 10:00 UTC))
        );
        assert_eq!(
            ArmDate::from("02-16-2023").date(),
            Some(date!(2023 - 02 - 16))
        );
        assert_eq!(
            ArmDate::from("2023-02-16T17:32:28+02:00").date(),
            Some(date!(2023 - 02 - 16))
        );
    }

    #[test]
    fn nonsense_stays_text() {
        let odd = ArmDate::from("soon");
        assert_eq!(odd.datetime(), None);
        assert_eq!(odd.date(), None);
        assert_eq!(odd.as_str(), "soon");
    }
}
