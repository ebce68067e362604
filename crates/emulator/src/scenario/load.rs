//! `load`: hundreds of scopes for one user, to exercise paging and the UI's lists.

use time::OffsetDateTime;

use super::builder::{Builder, MospHistory};
use super::model::{Role, Scope, World};

pub fn build(now: OffsetDateTime) -> World {
    let mut b = Builder::new(0x10AD, now);
    let tenant = b.tenant("Load", "load.onmicrosoft.com");
    let user = b.user("load@contoso.example", "Load User", "Owner of 250 MCA billing profiles and account admin of 250 MOSP subscriptions, a few months of invoices each (500 scopes)", &[&tenant]);
    let mca = b.mca_account("Load MCA", &tenant);
    for i in 0..250 {
        let p = b.profile(
            &mca,
            &format!("Load profile {i:03}"),
            "EUR",
            i % 3 == 0,
            &[],
        );
        b.mca_invoices(&mca, &p, "EUR", 4, &["Due"]);
        b.grant(
            &user,
            Scope::Profile(mca.clone(), p),
            Role::BillingProfileOwner,
        );
    }
    let mosp = b.mosp_account("Load MOSP", "load@contoso.example", &tenant);
    b.grant(&user, Scope::Account(mosp.clone()), Role::AccountAdmin);
    let history = MospHistory {
        created_days_ago: 130,
        currency: "EUR",
        offer_id: "MS-AZR-0003P",
        quota_id: "PayAsYouGo_2014-09-01",
        spending_limit: "Off",
        billing_type: "Paid",
        free: false,
        special_documents: false,
    };
    for i in 0..250 {
        b.mosp_subscription(
            &mosp,
            &tenant,
            &format!("Load subscription {i:03}"),
            &history,
        );
    }
    b.world
}
