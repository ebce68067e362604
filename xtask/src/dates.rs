//! The day the suites live on, and the edge dates the `edge-dates` suite sweeps.
//!
//! Every date-dependent answer (the emulator's sample invoices, the app's running month, when a
//! missing invoice is expected) comes from one date, which `INVOICE_DESK_TODAY` pins for the
//! emulator, demo mode and the tests. The suites pin it so a run means the same on any day.

/// The variable the emulator, demo mode and the tests read the pinned date from.
pub const TODAY_ENV: &str = "INVOICE_DESK_TODAY";

/// The day the suites pin unless `INVOICE_DESK_TODAY` names another: an ordinary mid-month
/// weekday, away from every edge the `edge-dates` suite covers.
const ORDINARY_DAY: &str = "2026-11-18";

/// The edges of the calendar where "which month is running, which invoice is still to come"
/// changes: a month's first days around the 5th (when MCA invoices arrive), the end of a leap
/// February and the day after, the 30th and 31st, and the turn of the year.
pub const EDGES: &[&str] = &[
    "2027-03-01",
    "2027-03-04",
    "2027-03-05",
    "2027-03-06",
    "2028-02-28",
    "2028-02-29",
    "2028-03-01",
    "2027-08-30",
    "2027-08-31",
    "2026-12-31",
    "2027-01-01",
];

/// The day this run pins: `INVOICE_DESK_TODAY` when set, else [`ORDINARY_DAY`].
pub fn pinned() -> String {
    std::env::var(TODAY_ENV)
        .ok()
        .filter(|day| !day.trim().is_empty())
        .unwrap_or_else(|| ORDINARY_DAY.to_owned())
}
