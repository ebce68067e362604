//! ARM behaviour: 401/403 wording, api-version errors, unknown routes, encoded paths, paging, roles.

mod common;

use base64::Engine as _;
use common::{BA_OWNER, EA_ADMIN, MCA_OWNER, MOSP_ADMIN, MOSP_READER, NO_ROLE, enc};
use invoice_desk_emulator::EmulatorConfig;
use reqwest::{Method, StatusCode};
use serde_json::json;

const ACCOUNTS: &str = "/providers/Microsoft.Billing/billingAccounts?api-version=2024-04-01";

#[tokio::test]
async fn missing_expired_and_forged_tokens_get_arm_401s() {
    let env = common::demo().await;
    let r = env.call(Method::GET, None, ACCOUNTS, None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        r.body,
        json!({"error": {"code": "AuthenticationFailed", "message": "Authentication failed. The 'Authorization' header is missing."}})
    );
    let challenge = r.header("www-authenticate").unwrap();
    assert!(
        challenge.starts_with("Bearer authorization_uri=\"https://login.microsoftonline.com/"),
        "{challenge}"
    );
    assert!(
        challenge.contains("error=\"invalid_token\"") && challenge.contains("error_description=\""),
        "{challenge}"
    );

    let expired = env.emu.token_with(MOSP_ADMIN, None, -120).unwrap();
    let r = env
        .http
        .get(env.url(ACCOUNTS))
        .bearer_auth(&expired)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "ExpiredAuthenticationToken");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("The access token expiry UTC time '")
    );

    // Change one character inside the signature (not the last one, whose low bits base64url
    // may ignore), always to a different character, so the signature really is wrong.
    let mut forged = env.token(MOSP_ADMIN).into_bytes();
    let at = forged.len() - 10;
    forged[at] = if forged[at] == b'A' { b'B' } else { b'A' };
    let forged = String::from_utf8(forged).unwrap();
    let r = env
        .http
        .get(env.url(ACCOUNTS))
        .bearer_auth(&forged)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "InvalidAuthenticationToken");

    // Tokens are JWT-shaped with the documented claims.
    let token = env.token(MOSP_ADMIN);
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3);
    let claims: serde_json::Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(parts[1])
            .unwrap(),
    )
    .unwrap();
    for claim in ["oid", "tid", "upn", "name", "aud", "exp", "iat"] {
        assert!(claims.get(claim).is_some(), "claim {claim} missing");
    }
    assert_eq!(claims["upn"], MOSP_ADMIN);
}

#[tokio::test]
async fn forbidden_answers_name_client_action_and_scope() {
    let env = common::demo().await;
    let (ba, bp) = env.first_profile(MCA_OWNER).await;
    let nora = env
        .emu
        .users()
        .into_iter()
        .find(|u| u.upn == NO_ROLE)
        .unwrap();
    let r = env.get(NO_ROLE, &format!("/providers/Microsoft.Billing/billingAccounts/{}/billingProfiles/{bp}/invoices?api-version=2024-04-01", enc(&ba))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.code(), "AuthorizationFailed");
    assert_eq!(
        r.message(),
        format!(
            "The client '{NO_ROLE}' with object id '{}' does not have authorization to perform action 'Microsoft.Billing/billingAccounts/billingProfiles/invoices/read' over scope '/providers/Microsoft.Billing/billingAccounts/{ba}/billingProfiles/{bp}' or the scope is invalid. If access was recently granted, please refresh your credentials.",
            nora.object_id
        )
    );
    // No role: the account list is empty rather than an error.
    assert!(env.get_all(NO_ROLE, ACCOUNTS).await.is_empty());

    // A reader may read but not write the profile.
    let reader = "rita.reader@contoso.example";
    let prof = format!(
        "/providers/Microsoft.Billing/billingAccounts/{}/billingProfiles/{bp}?api-version=2024-04-01",
        enc(&ba)
    );
    assert_eq!(env.get(reader, &prof).await.status, StatusCode::OK);
    let r = env
        .call(
            Method::PUT,
            Some(reader),
            &prof,
            Some(&json!({"properties": {"invoiceEmailOptIn": false}})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(
        r.message()
            .contains("'Microsoft.Billing/billingAccounts/billingProfiles/write'"),
        "{}",
        r.message()
    );

    // MOSP: a subscription reader who is not account admin is refused invoices but sees the billing property.
    let sub = env.first_subscription(MOSP_READER).await;
    let r = env.get(MOSP_READER, &format!("/providers/Microsoft.Billing/billingAccounts/default/billingSubscriptions/{sub}/invoices?api-version=2024-04-01")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.message().contains("billingSubscriptions/invoices/read"));
    let r = env.get(MOSP_READER, &format!("/subscriptions/{sub}/providers/Microsoft.Billing/invoices?api-version=2018-03-01-preview")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let prop = env.get(MOSP_READER, &format!("/subscriptions/{sub}/providers/Microsoft.Billing/billingProperty/default?api-version=2024-04-01")).await;
    assert_eq!(prop.body["properties"]["isAccountAdmin"], false);
    let prop = env.get(MOSP_ADMIN, &format!("/subscriptions/{sub}/providers/Microsoft.Billing/billingProperty/default?api-version=2024-04-01")).await;
    assert_eq!(prop.body["properties"]["isAccountAdmin"], true);
    // Nor its usage: pay-as-you-go usage goes with access to the invoices.
    let today = invoice_desk_emulator::calendar::today();
    let month = today.replace_day(1).unwrap();
    let report = json!({"metric": "ActualCost", "timePeriod": {"start": month.to_string(), "end": today.to_string()}});
    let path = format!(
        "/subscriptions/{sub}/providers/Microsoft.CostManagement/generateCostDetailsReport?api-version=2022-05-01"
    );
    let r = env.post(MOSP_READER, &path, Some(&report)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(
        r.message().contains("generateCostDetailsReport"),
        "{}",
        r.message()
    );
    let r = env.post(MOSP_ADMIN, &path, Some(&report)).await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
}

#[tokio::test]
async fn api_version_is_required_and_checked_per_operation() {
    let env = common::demo().await;
    let r = env
        .get(MOSP_ADMIN, "/providers/Microsoft.Billing/billingAccounts")
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        r.body,
        json!({"error": {"code": "MissingApiVersionParameter", "message": "The api-version query parameter (?api-version=) is required for all requests."}})
    );
    let r = env
        .get(
            MOSP_ADMIN,
            "/providers/Microsoft.Billing/billingAccounts?api-version=2099-01-01",
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.code(), "InvalidApiVersionParameter");
    assert_eq!(
        r.message(),
        "The api-version '2099-01-01' is invalid. The supported versions are '2019-10-01-preview,2020-05-01,2024-04-01'."
    );
    // The legacy API accepts only its own versions.
    let sub = env.first_subscription(MOSP_ADMIN).await;
    let r = env.get(MOSP_ADMIN, &format!("/subscriptions/{sub}/providers/Microsoft.Billing/billingPeriods?api-version=2024-04-01")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.message()
            .contains("'2017-04-24-preview,2018-03-01-preview'")
    );
    let r = env
        .get(
            MOSP_ADMIN,
            "/providers/Microsoft.Nope/things?api-version=2024-04-01",
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(!r.code().is_empty() && !r.message().is_empty());
}

#[tokio::test]
async fn encoded_and_plain_account_names_route_alike_and_sdk_flags_are_tolerated() {
    let env = common::demo().await;
    let ba = env.account_of(BA_OWNER, "MicrosoftCustomerAgreement").await;
    assert!(ba.contains(':'));
    let plain = env.get(BA_OWNER, &format!("/providers/Microsoft.Billing/billingAccounts/{ba}/billingProfiles?api-version=2024-04-01")).await;
    let encoded = env.get(BA_OWNER, &format!("/providers/Microsoft.Billing/billingAccounts/{}/billingProfiles?api-version=2024-04-01", enc(&ba))).await;
    assert_eq!(plain.status, StatusCode::OK);
    assert_eq!(plain.body, encoded.body);
    let flags = env.get(BA_OWNER, &format!("{ACCOUNTS}&includeAll=false&includeDeleted=false&includeAllWithoutBillingProfiles=false&expand=soldTo")).await;
    assert_eq!(flags.status, StatusCode::OK);
}

#[tokio::test]
async fn every_list_pages_with_absolute_next_links() {
    let env = common::start(EmulatorConfig {
        page_size: 3,
        ..EmulatorConfig::default()
    })
    .await;
    let (ba, bp) = env.first_profile(MCA_OWNER).await;
    let path = format!(
        "/providers/Microsoft.Billing/billingAccounts/{}/billingProfiles/{bp}/invoices?api-version=2024-04-01&periodStartDate=2000-01-01",
        enc(&ba)
    );
    let first = env.get(MCA_OWNER, &path).await;
    assert_eq!(first.body["value"].as_array().unwrap().len(), 3);
    let next = first.body["nextLink"].as_str().unwrap();
    assert!(
        next.starts_with(env.emu.base_url().as_str())
            && next.contains("api-version=2024-04-01")
            && next.contains("skiptoken"),
        "{next}"
    );
    assert!(next.contains("periodStartDate=2000-01-01"));
    let all = env.get_all(MCA_OWNER, &path).await;
    assert_eq!(all.len(), 14);
    let mut names: Vec<&str> = all.iter().map(|i| i["name"].as_str().unwrap()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), 14, "pages overlap");
    // Every status the app must show appears somewhere.
    let statuses: Vec<&str> = all
        .iter()
        .map(|i| i["properties"]["status"].as_str().unwrap())
        .collect();
    for s in ["Due", "OverDue", "PastDue", "Locked", "Void", "Paid"] {
        assert!(statuses.contains(&s), "no {s} invoice");
    }
    // The period filter narrows the list.
    let none = env.get(MCA_OWNER, &format!("/providers/Microsoft.Billing/billingAccounts/{}/billingProfiles/{bp}/invoices?api-version=2024-04-01&periodStartDate=2001-01-01&periodEndDate=2001-12-31", enc(&ba))).await;
    assert_eq!(none.body["value"], json!([]));
}

#[tokio::test]
async fn demo_users_cover_the_reasons_for_missing_invoices() {
    let env = common::demo().await;
    let users = env.emu.users();
    assert!(users.len() >= 12);
    assert!(
        users.iter().all(|u| !u.description.is_empty()
            && !u.object_id.is_empty()
            && !u.tenant_id.is_empty())
    );
    assert!(env.emu.token_for("nobody@example.com").is_none());

    // Free trial: no invoice, spending limit on, free offer.
    let trial = "trial@contoso.example";
    let sub = env.first_subscription(trial).await;
    let s = env
        .get(
            trial,
            &format!("/subscriptions/{sub}?api-version=2022-12-01"),
        )
        .await;
    assert_eq!(s.body["subscriptionPolicies"]["spendingLimit"], "On");
    let bs = env.get(trial, &format!("/providers/Microsoft.Billing/billingAccounts/default/billingSubscriptions/{sub}?api-version=2024-04-01")).await;
    assert_eq!(bs.body["properties"]["offerId"], "MS-AZR-0044P");
    let prop = env.get(trial, &format!("/subscriptions/{sub}/providers/Microsoft.Billing/billingProperty/default?api-version=2024-04-01")).await;
    assert_eq!(prop.body["properties"]["subscriptionBillingType"], "Free");
    let invs = env.get_all(trial, &format!("/providers/Microsoft.Billing/billingAccounts/default/billingSubscriptions/{sub}/invoices?api-version=2024-04-01")).await;
    assert!(invs.is_empty());

    // A subscription created less than 30 days ago has no invoice.
    let subs = env
        .get_all(MOSP_ADMIN, "/subscriptions?api-version=2022-12-01")
        .await;
    let new = subs
        .iter()
        .find(|s| {
            s["displayName"]
                .as_str()
                .unwrap()
                .starts_with("New project")
        })
        .unwrap();
    let id = new["subscriptionId"].as_str().unwrap();
    let bs = env.get(MOSP_ADMIN, &format!("/providers/Microsoft.Billing/billingAccounts/default/billingSubscriptions/{id}?api-version=2024-04-01")).await;
    let purchased = time::OffsetDateTime::parse(
        bs.body["properties"]["purchaseDate"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert!(invoice_desk_emulator::calendar::today() - purchased.date() < time::Duration::days(30));
    assert!(env.get_all(MOSP_ADMIN, &format!("/providers/Microsoft.Billing/billingAccounts/default/billingSubscriptions/{id}/invoices?api-version=2024-04-01")).await.is_empty());

    // 13+ months of invoices with a zero-amount invoice, a credit note and tax receipts.
    let main = subs
        .iter()
        .find(|s| s["displayName"] == "Pay-As-You-Go")
        .unwrap()["subscriptionId"]
        .as_str()
        .unwrap()
        .to_owned();
    let invs = env.get_all(MOSP_ADMIN, &format!("/providers/Microsoft.Billing/billingAccounts/default/billingSubscriptions/{main}/invoices?api-version=2024-04-01")).await;
    assert!(invs.len() >= 13);
    assert!(
        invs.iter()
            .any(|i| i["properties"]["totalAmount"]["value"] == 0.0)
    );
    assert!(
        invs.iter()
            .any(|i| i["properties"]["documentType"] == "CreditNote")
    );
    assert!(invs.iter().any(|i| {
        i["properties"]["documents"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["kind"] == "TaxReceipt")
    }));

    // Several tenants: the token's tenant decides which subscriptions list.
    let morgan = "morgan@contoso.example";
    let tenants = env.get_all(morgan, "/tenants?api-version=2022-12-01").await;
    assert_eq!(tenants.len(), 3);
    assert!(
        env.get_all(morgan, "/subscriptions?api-version=2022-12-01")
            .await
            .is_empty()
    );
    let fabrikam = tenants
        .iter()
        .find(|t| t["displayName"] == "Fabrikam")
        .unwrap()["tenantId"]
        .as_str()
        .unwrap()
        .to_owned();
    let tok = env.emu.token_with(morgan, Some(&fabrikam), 600).unwrap();
    let r = env
        .http
        .get(env.url("/subscriptions?api-version=2022-12-01"))
        .bearer_auth(tok)
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["value"].as_array().unwrap().len(), 1);

    // EA: invoice recipient is set; view-charges policy decides usage for DA / AO.
    let ea = env.account_of(EA_ADMIN, "EnterpriseAgreement").await;
    let acct = env
        .get(
            EA_ADMIN,
            &format!("/providers/Microsoft.Billing/billingAccounts/{ea}?api-version=2024-04-01"),
        )
        .await;
    assert_eq!(
        acct.body["properties"]["enrollmentDetails"]["invoiceRecipient"],
        "invoices@contoso.example"
    );
    let pol = env.get(EA_ADMIN, &format!("/providers/Microsoft.Billing/billingAccounts/{ea}/policies/default?api-version=2024-04-01")).await;
    assert_eq!(
        pol.body["properties"]["enterpriseAgreementPolicies"]["departmentAdminViewCharges"],
        "Allowed"
    );
    assert_eq!(
        pol.body["properties"]["enterpriseAgreementPolicies"]["accountOwnerViewCharges"],
        "NotAllowed"
    );
}
