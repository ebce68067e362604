//! Billing accounts (2024-04-01), plus EA departments and enrollment accounts.

use serde_json::{Value, json};

use super::common::{account, body_json, param, rfc3339};
use crate::access::{self, Need};
use crate::app::{Ctx, Params};
use crate::error::ArmError;
use crate::paging::page;
use crate::reply::Reply;
use crate::scenario::model::{Account, Agreement, Scope, World};

pub fn render(world: &World, a: &Account, has_read: bool) -> Value {
    let mut props = json!({
        "accountStatus": "Active",
        "accountType": a.account_type,
        "accountSubType": a.account_sub_type,
        "agreementType": a.agreement.arm_name(),
        "displayName": a.display_name,
        "hasReadAccess": has_read,
        "primaryBillingTenantId": a.tenant_id,
    });
    if let Some(email) = &a.notification_email {
        props["notificationEmailAddress"] = json!(email);
    }
    props["soldTo"] = json!({"addressLine1": "Herengracht 1", "city": "Amsterdam", "companyName": a.display_name, "country": "NL", "postalCode": "1015 BA", "region": "NH", "isValidAddress": true});
    if a.agreement == Agreement::Mca {
        props["hasNoBillingProfiles"] = json!(!world.profiles.iter().any(|p| p.account == a.name));
    }
    if let Some(e) = &a.enrollment {
        props["enrollmentDetails"] = json!({
            "startDate": format!("{}T00:00:00Z", e.start),
            "endDate": format!("{}T00:00:00Z", e.end),
            "currency": e.currency,
            "channel": "EaDirect",
            "language": "en",
            "countryCode": "NL",
            "billingCycle": "Monthly",
            "supportLevel": "Standard",
            "cloud": "Azure Commercial",
            "invoiceRecipient": e.invoice_recipient,
        });
    }
    json!({
        "id": format!("/providers/Microsoft.Billing/billingAccounts/{}", a.name),
        "name": a.name,
        "type": "Microsoft.Billing/billingAccounts",
        "properties": props,
        "systemData": {
            "createdAt": rfc3339(a.created),
            "lastModifiedAt": rfc3339(a.created),
        },
    })
}

pub fn list(ctx: &Ctx<'_>, _: &Params) -> Result<Reply, ArmError> {
    let who = ctx.who()?;
    let world = ctx.app.world();
    let items = world
        .accounts
        .iter()
        .filter(|a| access::touches(&world, who, &Scope::Account(a.name.clone())))
        .map(|a| {
            render(
                &world,
                a,
                access::allowed(&world, who, &Scope::Account(a.name.clone()), Need::Read),
            )
        })
        .collect();
    Ok(Reply::ok(page(ctx, items)))
}

pub fn get(ctx: &Ctx<'_>, params: &Params) -> Result<Reply, ArmError> {
    let who = ctx.who()?;
    let world = ctx.app.world();
    let a = account(&world, param(params, "ba"))?;
    let scope = Scope::Account(a.name.clone());
    if !access::touches(&world, who, &scope) {
        return Err(access::forbidden(
            who,
            "Microsoft.Billing/billingAccounts/read",
            &scope.arm_id(),
        ));
    }
    Ok(Reply::ok(render(
        &world,
        a,
        access::allowed(&world, who, &scope, Need::Read),
    )))
}

/// Only `notificationEmailAddress` (MOSP) and `displayName` are writable here.
pub fn patch(ctx: &Ctx<'_>, params: &Params) -> Result<Reply, ArmError> {
    let who = ctx.who()?.clone();
    let body = body_json(ctx)?;
    let mut world = ctx.app.world_mut();
    let name = account(&world, param(params, "ba"))?.name.clone();
    access::require(
        &world,
        &who,
        &Scope::Account(name.clone()),
        Need::Write,
        "Microsoft.Billing/billingAccounts/write",
    )?;
    let props = body.get("properties").cloned().unwrap_or(Value::Null);
    let Some(a) = world.account_mut(&name) else {
        return Err(ArmError::not_found(&name));
    };
    if let Some(email) = props
        .get("notificationEmailAddress")
        .and_then(Value::as_str)
    {
        if a.agreement != Agreement::Mosp {
            return Err(ArmError::bad_request(
                "InvalidInput",
                "notificationEmailAddress can only be updated for Microsoft Online Services Program billing accounts.",
            ));
        }
        if !email.contains('@') {
            return Err(ArmError::bad_request(
                "InvalidInput",
                format!("The notification email address '{email}' is not valid."),
            ));
        }
        a.notification_email = Some(email.to_owned());
    }
    if let Some(d) = props.get("displayName").and_then(Value::as_str) {
        d.clone_into(&mut a.display_name);
    }
    let snapshot = a.clone();
    Ok(Reply::ok(render(&world, &snapshot, true)))
}

pub fn departments(ctx: &Ctx<'_>, params: &Params) -> Result<Reply, ArmError> {
    let who = ctx.who()?;
    let world = ctx.app.world();
    let a = account(&world, param(params, "ba"))?;
    let items = world
        .departments
        .iter()
        .filter(|d| d.account == a.name && access::allowed(&world, who, &Scope::Department(a.name.clone(), d.name.clone()), Need::Read))
        .map(|d| {
            json!({
                "id": format!("/providers/Microsoft.Billing/billingAccounts/{}/departments/{}", a.name, d.name),
                "name": d.name,
                "type": "Microsoft.Billing/billingAccounts/departments",
                "properties": {"displayName": d.display_name, "status": "Active"},
            })
        })
        .collect();
    Ok(Reply::ok(page(ctx, items)))
}

pub fn enrollment_accounts(ctx: &Ctx<'_>, params: &Params) -> Result<Reply, ArmError> {
    let who = ctx.who()?;
    let world = ctx.app.world();
    let a = account(&world, param(params, "ba"))?;
    let items = world
        .enrollment_accounts
        .iter()
        .filter(|e| e.account == a.name && access::allowed(&world, who, &Scope::EnrollmentAccount(a.name.clone(), e.name.clone()), Need::Read))
        .map(|e| {
            json!({
                "id": format!("/providers/Microsoft.Billing/billingAccounts/{}/enrollmentAccounts/{}", a.name, e.name),
                "name": e.name,
                "type": "Microsoft.Billing/billingAccounts/enrollmentAccounts",
                "properties": {
                    "displayName": e.display_name,
                    "accountOwner": e.display_name,
                    "departmentId": e.department,
                    "status": "Active",
                },
            })
        })
        .collect();
    Ok(Reply::ok(page(ctx, items)))
}
