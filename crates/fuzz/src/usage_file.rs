//! A usage (cost details) CSV as Azure's blob storage serves it.

use invoice_desk_usage::{TOP_RESOURCES, summarise};

/// Any bytes summarise to an error with a line, or to a summary whose days run in order.
pub fn usage_csv(data: &[u8]) {
    let Ok(summary) = summarise(data) else {
        return;
    };
    if let (Some(first), Some(last)) = (summary.first_day, summary.last_day) {
        assert!(first <= last, "{first} after {last}");
    }
    assert!(
        summary.by_day.windows(2).all(|w| w[0].day < w[1].day),
        "days out of order"
    );
    assert!(summary.top_resources.len() <= TOP_RESOURCES);
    assert!(
        summary.currencies.windows(2).all(|w| w[0] < w[1]),
        "currencies unsorted"
    );
}
