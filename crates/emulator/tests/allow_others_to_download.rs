//! "Allow others to download invoice": the account administrator's switch per pay-as-you-go
//! subscription decides whether its readers (owners, contributors) reach its invoices and
//! usage; invoices from before December 2016 stay the account administrator's. Over real
//! sockets, as the app meets them.

mod common;

use common::{Env, MOSP_ADMIN, MOSP_READER, demo, start};
use invoice_desk_emulator::EmulatorConfig;
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::macros::date;

/// Reader on the subscription whose account administrator turned the switch on.
const ALLOWED_READER: &str = "riley.reader@contoso.example";

fn invoices_path(sub: &str) -> String {
    format!(
        "/providers/Microsoft.Billing/billingAccounts/default/billingSubscriptions/{sub}/invoices?api-version=2024-04-01"
    )
}

fn download_path(sub: &str, invoice: &str) -> String {
    format!(
        "/providers/Microsoft.Billing/billingAccounts/default/billingSubscriptions/{sub}/invoices/{invoice}/download?api-version=2024-04-01"
    )
}

async fn usage(env: &Env, upn: &str, sub: &str) -> StatusCode {
    let today = invoice_desk_emulator::calendar::today();
    let month = today.replace_day(1).unwrap();
    let report = json!({"metric": "ActualCost", "timePeriod": {"start": month.to_string(), "end": today.to_string()}});
    let path = format!(
        "/subscriptions/{sub}/providers/Microsoft.CostManagement/generateCostDetailsReport?api-version=2022-05-01"
    );
    env.post(upn, &path, Some(&report)).await.status
}

fn date_of(invoice: &Value) -> String {
    invoice["properties"]["invoiceDate"].as_str().unwrap()[..10].to_owned()
}

#[tokio::test]
async fn the_switch_per_subscription_decides_what_a_reader_gets() {
    let env = demo().await;

    // Off (Alex's pay-as-you-go subscription): refused as ARM words it, usage too.
    let off = env.first_subscription(MOSP_READER).await;
    let refused = env.get(MOSP_READER, &invoices_path(&off)).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text);
    assert_eq!(refused.code(), "AuthorizationFailed");
    assert!(
        refused
            .message()
            .contains("'Microsoft.Billing/billingAccounts/billingSubscriptions/invoices/read'"),
        "{}",
        refused.message()
    );
    assert_eq!(usage(&env, MOSP_READER, &off).await, StatusCode::FORBIDDEN);

    // On ("Web shop"): the same role lists and downloads its invoices, and gets its usage.
    let on = env.first_subscription(ALLOWED_READER).await;
    assert_ne!(on, off);
    let property = env
        .get(
            ALLOWED_READER,
            &format!(
                "/subscriptions/{on}/providers/Microsoft.Billing/billingProperty/default?api-version=2024-04-01"
            ),
        )
        .await;
    assert_eq!(property.body["properties"]["isAccountAdmin"], false);
    assert_eq!(
        property.body["properties"]["accountAdminNotificationEmailAddress"],
        "webshop.admin@contoso.example"
    );
    let listed = env.get_all(ALLOWED_READER, &invoices_path(&on)).await;
    assert!(listed.len() >= 12, "{listed:#?}");
    let newest = listed[0]["name"].as_str().unwrap();
    let download = env
        .lro(ALLOWED_READER, &download_path(&on, newest), None)
        .await;
    assert_eq!(download.status, StatusCode::OK, "{}", download.text);
    let pdf = env.blob(download.body["url"].as_str().unwrap()).await;
    assert!(pdf.starts_with(b"%PDF-"));
    assert_eq!(usage(&env, ALLOWED_READER, &on).await, StatusCode::ACCEPTED);

    // The switch is per subscription: Riley's reader role reaches nothing of Alex's.
    let elsewhere = env.get(ALLOWED_READER, &invoices_path(&off)).await;
    assert_ne!(elsewhere.status, StatusCode::OK);
}

#[tokio::test]
async fn invoices_before_december_2016_stay_with_the_account_administrator() {
    // On this day the demo's subscriptions reach back into 2016.
    let env = start(EmulatorConfig {
        today: Some(date!(2017 - 03 - 15)),
        ..EmulatorConfig::default()
    })
    .await;
    let sub = env.first_subscription(ALLOWED_READER).await;
    let listed = env.get_all(ALLOWED_READER, &invoices_path(&sub)).await;
    let old = listed
        .iter()
        .find(|i| date_of(i).as_str() < "2016-12-01")
        .expect("an invoice from before December 2016");
    let new = listed
        .iter()
        .find(|i| date_of(i).as_str() >= "2016-12-01")
        .expect("an invoice from December 2016 on");
    let name = |i: &Value| i["name"].as_str().unwrap().to_owned();

    let refused = env
        .post(ALLOWED_READER, &download_path(&sub, &name(old)), None)
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text);
    assert_eq!(refused.code(), "AuthorizationFailed");
    let bundle = env
        .post(
            ALLOWED_READER,
            &format!(
                "/providers/Microsoft.Billing/billingAccounts/default/billingSubscriptions/{sub}/downloadDocuments?api-version=2024-04-01"
            ),
            Some(&json!([{"invoiceName": name(old)}])),
        )
        .await;
    assert_eq!(bundle.status, StatusCode::FORBIDDEN, "{}", bundle.text);
    let allowed = env
        .lro(ALLOWED_READER, &download_path(&sub, &name(new)), None)
        .await;
    assert_eq!(allowed.status, StatusCode::OK, "{}", allowed.text);

    // The account administrator downloads the old ones as ever.
    let mut own_old = None;
    for sub in env
        .get_all(MOSP_ADMIN, "/subscriptions?api-version=2022-12-01")
        .await
    {
        let sub = sub["subscriptionId"].as_str().unwrap().to_owned();
        let own = env.get_all(MOSP_ADMIN, &invoices_path(&sub)).await;
        if let Some(old) = own.iter().find(|i| date_of(i).as_str() < "2016-12-01") {
            own_old = Some((sub, old.clone()));
        }
    }
    let (admin_sub, own_old) = own_old.expect("Alex has an invoice from before December 2016");
    let download = env
        .lro(
            MOSP_ADMIN,
            &download_path(&admin_sub, &name(&own_old)),
            None,
        )
        .await;
    assert_eq!(download.status, StatusCode::OK, "{}", download.text);
}
