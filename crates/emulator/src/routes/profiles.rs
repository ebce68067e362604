//! MCA billing profiles: list, get, and PUT (an LRO) for invoice e-mail settings.

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::common::{account, body_json, param};
use crate::access::{self, Need};
use crate::app::{Ctx, Params};
use crate::error::ArmError;
use crate::faults::FaultKind;
use crate::lro;
use crate::paging::page;
use crate::reply::Reply;
use crate::scenario::model::{Profile, Scope};

pub fn id(p: &Profile) -> String {
    format!(
        "/providers/Microsoft.Billing/billingAccounts/{}/billingProfiles/{}",
        p.account, p.name
    )
}

pub fn render(p: &Profile, has_read: bool) -> Value {
    let address = json!({
        "addressLine1": "Herengracht 1",
        "addressLine2": "Floor 2",
        "addressLine3": "",
        "city": "Amsterdam",
        "companyName": "Contoso",
        "country": "NL",
        "email": "billing@contoso.example",
        "firstName": "Contoso",
        "lastName": "Finance",
        "phoneNumber": "000-000-0000",
        "postalCode": "1015 BA",
        "region": "NH",
        "isValidAddress": true,
    });
    let mut v = json!({
        "id": id(p),
        "name": p.name,
        "type": "Microsoft.Billing/billingAccounts/billingProfiles",
        "properties": {
            "displayName": p.display_name,
            "billingRelationshipType": "Direct",
            "billTo": address,
            "shipTo": address,
            "soldTo": address,
            "currency": p.currency,
            "enabledAzurePlans": [
                {"skuId": "0001", "skuDescription": "Microsoft Azure Plan"},
                {"skuId": "0002", "skuDescription": "Microsoft Azure Plan for DevTest"}
            ],
            "invoiceDay": p.invoice_day,
            "invoiceEmailOptIn": p.invoice_email_opt_in,
            "invoiceRecipients": p.invoice_recipients,
            "poNumber": "PO-2024-001",
            "hasReadAccess": has_read,
            "systemId": p.system_id,
            "status": p.status,
            "spendingLimit": p.spending_limit,
            "targetClouds": [],
        },
    });
    if p.status != "Active" {
        v["properties"]["statusReasonCode"] = json!("PastDue");
    }
    v
}

pub fn list(ctx: &Ctx<'_>, params: &Params) -> Result<Reply, ArmError> {
    let who = ctx.who()?;
    let world = ctx.app.world();
    let a = account(&world, param(params, "ba"))?;
    let scope = Scope::Account(a.name.clone());
    if !access::touches(&world, who, &scope) {
        return Err(access::forbidden(
            who,
            "Microsoft.Billing/billingAccounts/billingProfiles/read",
            &scope.arm_id(),
        ));
    }
    let items = world
        .profiles
        .iter()
        .filter(|p| p.account == a.name)
        .filter_map(|p| {
            let scope = Scope::Profile(p.account.clone(), p.name.clone());
            // A role on one of its invoice sections lists the profile too, flagged
            // `hasReadAccess: false` (the section is all the caller may read).
            if access::allowed(&world, who, &scope, Need::Read) {
                Some(render(p, true))
            } else {
                access::touches(&world, who, &scope).then(|| render(p, false))
            }
        })
        .collect();
    Ok(Reply::ok(page(ctx, items)))
}

pub fn get(ctx: &Ctx<'_>, params: &Params) -> Result<Reply, ArmError> {
    let who = ctx.who()?;
    let world = ctx.app.world();
    let (ba, bp) = (param(params, "ba"), param(params, "bp"));
    account(&world, ba)?;
    let p = super::common::profile(&world, ba, bp)?;
    access::require(
        &world,
        who,
        &Scope::Profile(p.account.clone(), p.name.clone()),
        Need::Read,
        "Microsoft.Billing/billingAccounts/billingProfiles/read",
    )?;
    Ok(Reply::ok(render(p, true)))
}

/// Applies `invoiceEmailOptIn` / `invoiceRecipients` (and displayName, poNumber ignored)
/// then answers 202; the poll returns the updated profile.
pub fn put(ctx: &Ctx<'_>, params: &Params) -> Result<Reply, ArmError> {
    let who = ctx.who()?.clone();
    let body = body_json(ctx)?;
    let (ba, bp) = (
        param(params, "ba").to_owned(),
        param(params, "bp").to_owned(),
    );
    let mut world = ctx.app.world_mut();
    account(&world, &ba)?;
    let Some(existing) = world.profile(&ba, &bp) else {
        return Err(ArmError::bad_request(
            "InvalidRequest",
            "Creating billing profiles is not supported here. If you are a MCA Individual (Pay-as-you-go) customer, then please use the Azure portal experience to create the billing profile.",
        ));
    };
    let scope = Scope::Profile(existing.account.clone(), existing.name.clone());
    access::require(
        &world,
        &who,
        &scope,
        Need::Write,
        "Microsoft.Billing/billingAccounts/billingProfiles/write",
    )?;
    let props = body.get("properties").cloned().unwrap_or(Value::Null);
    if props.is_null() {
        return Err(ArmError::bad_request(
            "InvalidRequestContent",
            "The request content must contain 'properties'.",
        ));
    }
    let recipients = match props.get("invoiceRecipients") {
        None | Some(Value::Null) => None,
        Some(Value::Array(items)) => {
            let mut out = Vec::new();
            for item in items {
                match item.as_str() {
                    Some(s) if s.contains('@') && !s.starts_with('@') && !s.ends_with('@') => {
                        out.push(s.to_owned());
                    }
                    _ => {
                        return Err(ArmError::bad_request(
                            "InvalidInvoiceRecipients",
                            format!("The invoice recipient '{item}' is not a valid email address."),
                        ));
                    }
                }
            }
            Some(out)
        }
        Some(_) => {
            return Err(ArmError::bad_request(
                "InvalidRequestContent",
                "invoiceRecipients must be an array of email addresses.",
            ));
        }
    };
    let opt_in = props.get("invoiceEmailOptIn").and_then(Value::as_bool);
    let version = lro::api_version(ctx);
    let account_path = format!("/providers/Microsoft.Billing/billingAccounts/{ba}");
    let poll_url = |id: &str| {
        ctx.url(&format!(
            "{account_path}/operationResults/putBillingProfile_{id}?api-version={version}"
        ))
    };
    let polls = ctx.app.settings.download_pending_polls;
    // One update at a time per profile, as the billing service answers a second one.
    let key = format!("{ba}/{bp}");
    let mut updating = ctx
        .app
        .profile_updates
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if updating
        .get(&key)
        .is_some_and(|op| ctx.app.operations.is_pending(op))
    {
        return Err(ArmError::new(
            StatusCode::CONFLICT,
            "Conflict",
            "Another update of this billing profile is in progress. Try again once it has completed.",
        ));
    }
    if let Some((status, code, message)) = ctx.faults.iter().find_map(|f| match f {
        FaultKind::UpdateFailed {
            status,
            code,
            message,
        } => Some((*status, code.clone(), message.clone())),
        _ => None,
    }) {
        drop(world);
        let error = ArmError::new(
            status
                .and_then(|s| StatusCode::from_u16(s).ok())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            code.as_deref().unwrap_or("InternalServerError"),
            message.unwrap_or_else(|| {
                "The billing profile could not be updated. Please try again later.".to_owned()
            }),
        );
        let (id, location) = ctx.app.operations.start_failing(polls, error, poll_url);
        updating.insert(key, id);
        return Ok(lro::accepted(ctx, &location));
    }
    let Some(p) = world.profile_mut(&ba, &bp) else {
        return Err(ArmError::not_found(&bp));
    };
    if let Some(o) = opt_in {
        p.invoice_email_opt_in = o;
        if !o {
            // Opting out removes every extra recipient, as the portal does.
            p.invoice_recipients.clear();
        }
    }
    if let Some(r) = recipients
        && p.invoice_email_opt_in
    {
        p.invoice_recipients = r;
    }
    if let Some(d) = props.get("displayName").and_then(Value::as_str) {
        d.clone_into(&mut p.display_name);
    }
    let result = render(p, true);
    if let Some(theirs) = ctx.faults.iter().find_map(|f| match f {
        FaultKind::ChangedMeanwhile { recipients } => Some(recipients.clone()),
        _ => None,
    }) {
        p.invoice_recipients = theirs;
    }
    drop(world);
    let (id, location) = ctx.app.operations.start(polls, result, poll_url);
    updating.insert(key, id);
    Ok(lro::accepted(ctx, &location))
}
