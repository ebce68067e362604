//! The monthly usage reports a range becomes are ones the Cost Details API accepts, and the
//! part the plan calls too old is one it refuses: the plan and the service agree on the limits.

mod common;

use common::{discover, start, today};
use invoice_desk_billing::model::{CostDetailsTimePeriod, GenerateCostDetailsReportRequest};
use invoice_desk_billing::usage_range::report_plan;
use invoice_desk_billing::{BillingError, LroOptions, ScopeKind};
use time::Duration;

fn request(start: time::Date, end: time::Date) -> GenerateCostDetailsReportRequest {
    GenerateCostDetailsReportRequest {
        time_period: Some(CostDetailsTimePeriod {
            start: start.to_string(),
            end: end.to_string(),
        }),
        ..GenerateCostDetailsReportRequest::default()
    }
}

#[tokio::test]
async fn the_oldest_monthly_report_is_accepted_and_the_days_before_it_are_refused() {
    let emulator = start().await;
    let (s, found) = discover(&emulator, "alex@contoso.example", true).await;
    let sub = found
        .scopes
        .iter()
        .find(|e| e.scope.kind == ScopeKind::MospSubscription)
        .expect("a pay-as-you-go subscription");
    let scope = sub.scope.id.trim_start_matches('/');
    let today = today();
    // Forty days before the oldest month up to ten days into it.
    let oldest = report_plan(today - Duration::days(500), today, today).windows[0].start;
    let plan = report_plan(
        oldest - Duration::days(40),
        oldest + Duration::days(10),
        today,
    );
    let too_old = plan.too_old.expect("the range reaches back too far");
    assert_eq!(plan.windows.len(), 1);
    let window = plan.windows[0];
    assert_eq!(
        (window.start, window.end),
        (oldest, oldest + Duration::days(10))
    );

    let accepted = s
        .client
        .generate_cost_details_report(
            scope,
            &request(window.start, window.end),
            &LroOptions::default(),
        )
        .await;
    assert!(accepted.is_ok(), "{accepted:?}");

    let last_old_month = too_old.end.replace_day(1).unwrap();
    let refused = s
        .client
        .generate_cost_details_report(
            scope,
            &request(last_old_month, too_old.end),
            &LroOptions::default(),
        )
        .await;
    assert!(
        matches!(refused, Err(BillingError::BadRequest { .. })),
        "{refused:?}"
    );
}
