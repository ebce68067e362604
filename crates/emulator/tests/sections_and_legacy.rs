//! MCA invoice sections (listing, hasReadAccess of the parent profile, permissions and
//! checkAccess at section level) and the legacy-only pay-as-you-go offer, over real sockets.

mod common;

use common::{Env, MCA_OWNER, demo, enc};
use reqwest::StatusCode;
use serde_json::{Value, json};

const SECTION_OWNER: &str = "sofia.section@contoso.example";
const LEGACY_ADMIN: &str = "lee.legacy@contoso.example";
const V: &str = "api-version=2024-04-01";

async fn mca_account(env: &Env, upn: &str) -> String {
    env.get_all(
        upn,
        &format!("/providers/Microsoft.Billing/billingAccounts?{V}"),
    )
    .await
    .into_iter()
    .find(|a| a["properties"]["agreementType"] == "MicrosoftCustomerAgreement")
    .and_then(|a| a["name"].as_str().map(str::to_owned))
    .expect("an MCA account")
}

async fn profiles(env: &Env, upn: &str, account: &str) -> Vec<Value> {
    env.get_all(
        upn,
        &format!(
            "/providers/Microsoft.Billing/billingAccounts/{}/billingProfiles?{V}",
            enc(account)
        ),
    )
    .await
}

fn profile_path(account: &str, profile: &Value) -> String {
    format!(
        "/providers/Microsoft.Billing/billingAccounts/{}/billingProfiles/{}",
        enc(account),
        profile["name"].as_str().unwrap()
    )
}

#[tokio::test]
async fn a_section_owner_sees_the_profile_without_read_access_and_only_her_section() {
    let env = demo().await;
    let account = mca_account(&env, SECTION_OWNER).await;
    let listed = profiles(&env, SECTION_OWNER, &account).await;
    assert_eq!(listed.len(), 1, "{listed:#?}");
    let profile = &listed[0];
    assert_eq!(profile["properties"]["hasReadAccess"], false);
    let base = profile_path(&account, profile);

    let sections = env
        .get_all(SECTION_OWNER, &format!("{base}/invoiceSections?{V}"))
        .await;
    assert_eq!(sections.len(), 1, "{sections:#?}");
    let section = &sections[0];
    assert_eq!(
        section["type"],
        "Microsoft.Billing/billingAccounts/billingProfiles/invoiceSections"
    );
    assert_eq!(section["properties"]["state"], "Active");
    assert_eq!(
        section["properties"]["displayName"],
        "Finance \u{2014} Marketing"
    );
    let section_path = format!(
        "{base}/invoiceSections/{}",
        section["name"].as_str().unwrap()
    );
    let got = env.get(SECTION_OWNER, &format!("{section_path}?{V}")).await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text);
    assert_eq!(got.body["id"], section["id"]);

    // Section roles read the section and its charges, not the profile's invoices.
    let invoices = env
        .get(SECTION_OWNER, &format!("{base}/invoices?{V}"))
        .await;
    assert_eq!(invoices.status, StatusCode::FORBIDDEN, "{}", invoices.text);
    assert_eq!(invoices.code(), "AuthorizationFailed");
    let permissions = env
        .get_all(
            SECTION_OWNER,
            &format!("{section_path}/billingPermissions?{V}"),
        )
        .await;
    let actions: Vec<&str> = permissions[0]["actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(actions.contains(&"Microsoft.CostManagement/generateCostDetailsReport/action"));
    assert!(
        !actions.iter().any(|a| a.ends_with("/invoices/read")),
        "{actions:?}"
    );
    let decisions = env
        .post(
            SECTION_OWNER,
            &format!("{section_path}/checkAccess?{V}"),
            Some(&json!({"actions": [
                "Microsoft.Billing/billingAccounts/billingProfiles/invoices/read",
                "Microsoft.CostManagement/generateCostDetailsReport/action",
            ]})),
        )
        .await;
    assert_eq!(decisions.status, StatusCode::OK, "{}", decisions.text);
    assert_eq!(
        decisions.body,
        json!([
            {"action": "Microsoft.Billing/billingAccounts/billingProfiles/invoices/read", "accessDecision": "NotAllowed"},
            {"action": "Microsoft.CostManagement/generateCostDetailsReport/action", "accessDecision": "Allowed"},
        ])
    );
    let assignments = env
        .get_all(
            SECTION_OWNER,
            &format!("{section_path}/billingRoleAssignments?{V}"),
        )
        .await;
    assert_eq!(assignments.len(), 1);
    assert!(
        assignments[0]["properties"]["roleDefinitionId"]
            .as_str()
            .unwrap()
            .ends_with("/billingRoleDefinitions/30000000-aaaa-bbbb-cccc-100000000000")
    );
    let definitions = env
        .get_all(
            SECTION_OWNER,
            &format!("{section_path}/billingRoleDefinitions?{V}"),
        )
        .await;
    let names: Vec<&str> = definitions
        .iter()
        .filter_map(|d| d["properties"]["roleName"].as_str())
        .collect();
    assert_eq!(
        names,
        [
            "Invoice section owner",
            "Invoice section contributor",
            "Invoice section reader"
        ]
    );
    env.emu.shutdown().await;
}

#[tokio::test]
async fn a_profile_owner_lists_every_section_and_others_get_403() {
    let env = demo().await;
    let account = mca_account(&env, MCA_OWNER).await;
    let listed = profiles(&env, MCA_OWNER, &account).await;
    assert_eq!(listed.len(), 3);
    let mut counts = Vec::new();
    for profile in &listed {
        assert_eq!(profile["properties"]["hasReadAccess"], true);
        let sections = env
            .get_all(
                MCA_OWNER,
                &format!("{}/invoiceSections?{V}", profile_path(&account, profile)),
            )
            .await;
        // Every profile has its default section, named after the profile.
        assert!(
            sections
                .iter()
                .any(|s| s["properties"]["displayName"] == profile["properties"]["displayName"])
        );
        counts.push(sections.len());
    }
    counts.sort_unstable();
    assert_eq!(counts, [1, 1, 2]);
    let finance = listed
        .iter()
        .find(|p| p["properties"]["displayName"] == "Contoso Finance")
        .unwrap();
    let nobody = env
        .get(
            "alex@contoso.example",
            &format!("{}/invoiceSections?{V}", profile_path(&account, finance)),
        )
        .await;
    assert_eq!(nobody.status, StatusCode::FORBIDDEN, "{}", nobody.text);
    env.emu.shutdown().await;
}

#[tokio::test]
async fn a_legacy_offer_answers_404_on_billing_subscriptions_and_lists_legacy_invoices() {
    let env = demo().await;
    let subscriptions = env
        .get_all(LEGACY_ADMIN, "/subscriptions?api-version=2022-12-01")
        .await;
    assert_eq!(subscriptions.len(), 1);
    let sub = subscriptions[0]["subscriptionId"].as_str().unwrap();
    let billing =
        format!("/providers/Microsoft.Billing/billingAccounts/default/billingSubscriptions/{sub}");
    for path in [format!("{billing}?{V}"), format!("{billing}/invoices?{V}")] {
        let r = env.get(LEGACY_ADMIN, &path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}: {}", r.text);
        assert_eq!(r.code(), "ResourceNotFound");
    }
    let legacy = env
        .get_all(
            LEGACY_ADMIN,
            &format!(
                "/subscriptions/{sub}/providers/Microsoft.Billing/invoices?api-version=2018-03-01-preview&$expand=downloadUrl"
            ),
        )
        .await;
    assert!(legacy.len() >= 8, "{}", legacy.len());
    assert!(
        legacy
            .iter()
            .all(|i| i["properties"]["downloadUrl"]["url"].is_string())
    );
    env.emu.shutdown().await;
}
