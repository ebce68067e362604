//! Billing subscriptions (2024-04-01) and a subscription's billing property.

use serde_json::{Value, json};

use super::common::{account, amount, param, rfc3339};
use crate::access::{self, Need};
use crate::app::{Ctx, Params};
use crate::error::ArmError;
use crate::paging::page;
use crate::reply::Reply;
use crate::scenario::model::{Agreement, Scope, Subscription, World};

pub fn render(world: &World, s: &Subscription) -> Value {
    let account_path = format!("/providers/Microsoft.Billing/billingAccounts/{}", s.account);
    let (profile_id, profile_name, profile_display) = match s
        .profile
        .as_ref()
        .and_then(|p| world.profile(&s.account, p))
    {
        Some(p) => (
            super::profiles::id(p),
            p.name.clone(),
            p.display_name.clone(),
        ),
        None => (
            format!("{account_path}/billingProfiles/{}", s.account),
            s.account.clone(),
            s.display_name.clone(),
        ),
    };
    let section = format!("{profile_id}/invoiceSections/{}", s.id);
    let mosp = world
        .account(&s.account)
        .is_some_and(|a| a.agreement == Agreement::Mosp);
    let mut props = json!({
        "subscriptionId": s.id,
        "displayName": s.display_name,
        "status": "Active",
        "autoRenew": "On",
        "billingProfileId": profile_id,
        "billingProfileName": profile_name,
        "billingProfileDisplayName": profile_display,
        "invoiceSectionId": section,
        "invoiceSectionName": s.id,
        "invoiceSectionDisplayName": s.display_name,
        "costCenter": "",
        "productCategory": "Usage",
        "productType": "Azure subscription",
        "productTypeId": "DZH318Z0BPS6",
        "purchaseDate": rfc3339(s.created),
        "quantity": 1,
        "skuId": "0001",
        "skuDescription": "Microsoft Azure Plan",
        "subscriptionBillingStatus": "Active",
        "systemOverrides": {"cancellationAllowedEndDate": rfc3339(s.created + time::Duration::days(3))},
        "resourceUri": format!("{account_path}/billingSubscriptions/{}", s.id),
        "termDuration": "P1M",
        "termStartDate": rfc3339(s.created),
        "termEndDate": rfc3339(s.created + time::Duration::days(30)),
        "lastMonthCharges": amount(&s.currency, 0),
        "monthToDateCharges": amount(&s.currency, 0),
    });
    if mosp {
        props["offerId"] = json!(s.offer_id);
    }
    json!({
        "id": format!("{account_path}/billingSubscriptions/{}", s.id),
        "name": s.id,
        "type": "Microsoft.Billing/billingAccounts/billingSubscriptions",
        "properties": props,
        "systemData": {"createdAt": rfc3339(s.created), "lastModifiedAt": rfc3339(s.created)},
    })
}

pub fn list_by_account(ctx: &Ctx<'_>, params: &Params) -> Result<Reply, ArmError> {
    let who = ctx.who()?;
    let world = ctx.app.world();
    let a = account(&world, param(params, "ba"))?;
    let scope = Scope::Account(a.name.clone());
    if !access::touches(&world, who, &scope) {
        return Err(access::forbidden(
            who,
            "Microsoft.Billing/billingAccounts/billingSubscriptions/read",
            &scope.arm_id(),
        ));
    }
    let items = world
        .subscriptions
        .iter()
        .filter(|s| {
            s.account == a.name
                && access::allowed(&world, who, &Scope::Subscription(s.id.clone()), Need::Read)
        })
        .map(|s| render(&world, s))
        .collect();
    Ok(Reply::ok(page(ctx, items)))
}

pub fn list_by_profile(ctx: &Ctx<'_>, params: &Params) -> Result<Reply, ArmError> {
    let who = ctx.who()?;
    let world = ctx.app.world();
    let (ba, bp) = (param(params, "ba"), param(params, "bp"));
    let p = super::common::profile(&world, ba, bp)?;
    access::require(
        &world,
        who,
        &Scope::Profile(p.account.clone(), p.name.clone()),
        Need::Read,
        "Microsoft.Billing/billingAccounts/billingProfiles/billingSubscriptions/read",
    )?;
    let items = world
        .subscriptions
        .iter()
        .filter(|s| s.account == p.account && s.profile.as_deref() == Some(p.name.as_str()))
        .map(|s| render(&world, s))
        .collect();
    Ok(Reply::ok(page(ctx, items)))
}

pub fn get(ctx: &Ctx<'_>, params: &Params) -> Result<Reply, ArmError> {
    let who = ctx.who()?;
    let world = ctx.app.world();
    let (ba, sub) = (param(params, "ba"), param(params, "sub"));
    let s = super::common::billing_subscription(&world, ba, sub)?;
    access::require(
        &world,
        who,
        &Scope::Subscription(s.id.clone()),
        Need::Read,
        "Microsoft.Billing/billingAccounts/billingSubscriptions/read",
    )?;
    Ok(Reply::ok(render(&world, s)))
}

pub fn billing_property(ctx: &Ctx<'_>, params: &Params) -> Result<Reply, ArmError> {
    let who = ctx.who()?;
    let world = ctx.app.world();
    let sub = param(params, "sub");
    let s = world
        .subscription(sub)
        .ok_or_else(|| ArmError::not_found(&format!("/subscriptions/{sub}")))?;
    access::require(
        &world,
        who,
        &Scope::Subscription(s.id.clone()),
        Need::Read,
        "Microsoft.Billing/billingProperty/read",
    )?;
    let a = account(&world, &s.account)?;
    let account_id = format!("/providers/Microsoft.Billing/billingAccounts/{}", a.name);
    let (profile_id, profile_name) = match s
        .profile
        .as_ref()
        .and_then(|p| world.profile(&s.account, p))
    {
        Some(p) => (super::profiles::id(p), p.display_name.clone()),
        None => (
            format!("{account_id}/billingProfiles/{}", a.name),
            a.display_name.clone(),
        ),
    };
    let spending_type = if s.billing_type == "Free" {
        "FreeAccount"
    } else {
        "None"
    };
    let props = json!({
        "billingAccountAgreementType": a.agreement.arm_name(),
        "billingAccountDisplayName": a.display_name,
        // 2018-11-01-preview names, still answered for older clients.
        "billingAccountName": a.display_name,
        "billingProfileName": profile_name,
        "invoiceSectionName": s.display_name,
        "billingAccountId": account_id,
        "billingAccountSoldToCountry": "NL",
        "billingAccountStatus": "Active",
        "billingAccountType": a.account_type,
        "billingAccountSubType": a.account_sub_type,
        "accountAdminNotificationEmailAddress": a.notification_email.clone().unwrap_or_default(),
        "isAccountAdmin": access::is_account_admin(&world, who, &s.id),
        "billingTenantId": a.tenant_id,
        "billingProfileId": profile_id,
        "billingProfileDisplayName": profile_name,
        "billingProfileStatus": "Active",
        "billingProfileStatusReasonCode": "Other",
        "billingProfileSpendingLimit": s.spending_limit,
        "billingProfileSpendingLimitDetails": [{
            "amount": if s.billing_type == "Free" { 200.0 } else { 0.0 },
            "currency": s.currency,
            "startDate": rfc3339(s.created),
            "endDate": rfc3339(s.created + time::Duration::days(30)),
            "type": spending_type,
            "status": if s.spending_limit == "On" { "Active" } else { "None" },
        }],
        "billingProfilePaymentMethodFamily": "CreditCard",
        "billingCurrency": s.currency,
        "costCenter": "",
        "invoiceSectionId": format!("{profile_id}/invoiceSections/{}", s.id),
        "invoiceSectionDisplayName": s.display_name,
        "invoiceSectionStatus": "Active",
        "subscriptionBillingStatus": "Active",
        "subscriptionBillingType": s.billing_type,
        "subscriptionWorkloadType": "Production",
        "subscriptionServiceUsageAddress": {
            "addressLine1": "Herengracht 1", "addressLine2": "", "city": "Amsterdam", "country": "NL",
            "firstName": "Alex", "lastName": "Admin", "middleName": "", "postalCode": "1015 BA", "region": "NH"
        },
        "productId": format!("{profile_id}/products/{}", s.id),
        "productName": s.offer_id,
        "skuId": "0001",
        "skuDescription": "Microsoft Azure Plan",
    });
    Ok(Reply::ok(json!({
        "id": format!("/subscriptions/{}/providers/Microsoft.Billing/billingProperty/default", s.id),
        "name": "default",
        "type": "Microsoft.Billing/billingProperty",
        "properties": props,
    })))
}
