//! `bench`: exactly 100 scopes with 24 months of invoices each, for the listing benchmark.

use time::{Duration, OffsetDateTime};

use super::builder::{Builder, MospHistory, add_months};
use super::model::{Role, Scope, World};

pub const SCOPES: usize = 100;
pub const MONTHS: i32 = 24;

pub fn build(now: OffsetDateTime) -> World {
    let mut b = Builder::new(0xBE_7C4, now);
    let tenant = b.tenant("Bench", "bench.onmicrosoft.com");
    let user = b.user("bench@contoso.example", "Bench User", "Owner of 50 MCA billing profiles and account admin of 50 MOSP subscriptions, 24 months of invoices each (100 scopes)", &[&tenant]);
    let mca = b.mca_account("Bench MCA", &tenant);
    for i in 0..SCOPES / 2 {
        let p = b.profile(
            &mca,
            &format!("Bench profile {i:03}"),
            "USD",
            i % 2 == 0,
            &[],
        );
        b.mca_invoices(&mca, &p, "USD", MONTHS, &["Due"]);
        b.grant(
            &user,
            Scope::Profile(mca.clone(), p),
            Role::BillingProfileOwner,
        );
    }
    let mosp = b.mosp_account("Bench MOSP", "bench@contoso.example", &tenant);
    b.grant(&user, Scope::Account(mosp.clone()), Role::AccountAdmin);
    let history = MospHistory {
        // Three days past 24 whole periods: exactly 24 invoices, whatever today's date.
        created_days_ago: (b.today - (add_months(b.today, -MONTHS) - Duration::days(3)))
            .whole_days(),
        currency: "USD",
        offer_id: "MS-AZR-0003P",
        quota_id: "PayAsYouGo_2014-09-01",
        spending_limit: "Off",
        billing_type: "Paid",
        free: false,
        special_documents: false,
    };
    for i in 0..SCOPES / 2 {
        b.mosp_subscription(
            &mosp,
            &tenant,
            &format!("Bench subscription {i:03}"),
            &history,
        );
    }
    b.world
}
