//! Invoices (2024-04-01): by billing profile, billing account, and billing subscription.

use serde_json::{Value, json};
use time::Date;

use super::common::{account, amount, date_query, date_time, param};
use crate::access::{self, Need};
use crate::app::{Ctx, Params};
use crate::error::ArmError;
use crate::paging::page;
use crate::reply::Reply;
use crate::scenario::model::{Invoice, Scope, World};

pub const READ_BY_PROFILE: &str = "Microsoft.Billing/billingAccounts/billingProfiles/invoices/read";
pub const READ_BY_ACCOUNT: &str = "Microsoft.Billing/billingAccounts/invoices/read";
pub const READ_BY_SUBSCRIPTION: &str =
    "Microsoft.Billing/billingAccounts/billingSubscriptions/invoices/read";

/// The scope whose roles decide access to an invoice.
pub fn scope_of(inv: &Invoice) -> Scope {
    match (&inv.profile, &inv.subscription) {
        (Some(p), _) => Scope::Profile(inv.account.clone(), p.clone()),
        (None, Some(s)) => Scope::Subscription(s.clone()),
        (None, None) => Scope::Account(inv.account.clone()),
    }
}

fn base_path(inv: &Invoice) -> String {
    match &inv.subscription {
        Some(s) if inv.profile.is_none() => format!(
            "/providers/Microsoft.Billing/billingAccounts/default/billingSubscriptions/{s}/invoices/{}",
            inv.name
        ),
        _ => format!(
            "/providers/Microsoft.Billing/billingAccounts/{}/invoices/{}",
            inv.account, inv.name
        ),
    }
}

pub fn render(ctx: &Ctx<'_>, world: &World, inv: &Invoice) -> Value {
    let c = inv.currency.as_str();
    let total = inv.total_cents();
    let paid = inv.status == "Paid";
    let due = if paid || inv.status == "Void" {
        0
    } else {
        total.max(0)
    };
    let path = base_path(inv);
    let documents: Vec<Value> = inv
        .documents
        .iter()
        .map(|d| {
            json!({
                "kind": d.kind,
                "name": d.name,
                "url": ctx.url(&format!("{path}/download?documentName={}", d.name)),
                "source": "DRS",
                "documentNumbers": [d.name],
            })
        })
        .collect();
    let payments: Vec<Value> = if paid && total > 0 {
        vec![json!({
            "amount": amount(c, total),
            "date": date_time(inv.due_date - time::Duration::days(3)),
            "paymentMethodFamily": "CreditCard",
            "paymentMethodType": "visa",
            "paymentType": "credited",
        })]
    } else {
        Vec::new()
    };
    let mut props = json!({
        "amountDue": amount(c, due),
        "azurePrepaymentApplied": amount(c, 0),
        "billedAmount": amount(c, inv.billed_cents),
        "creditAmount": amount(c, inv.credit_cents),
        "freeAzureCreditApplied": amount(c, 0),
        "subTotal": amount(c, inv.billed_cents),
        "taxAmount": amount(c, inv.tax_cents),
        "totalAmount": amount(c, total),
        "documentType": inv.document_type,
        "documents": documents,
        "dueDate": date_time(inv.due_date),
        "invoiceDate": date_time(inv.invoice_date),
        "invoicePeriodStartDate": date_time(inv.period_start),
        "invoicePeriodEndDate": date_time(inv.period_end),
        "invoiceType": "AzureServices",
        "isMonthlyInvoice": true,
        "purchaseOrderNumber": "",
        "payments": payments,
        "status": inv.status,
    });
    if let Some(p) = inv
        .profile
        .as_ref()
        .and_then(|p| world.profile(&inv.account, p))
    {
        props["billingProfileId"] = json!(super::profiles::id(p));
        props["billingProfileDisplayName"] = json!(p.display_name);
        props["purchaseOrderNumber"] = json!("PO-2024-001");
    }
    if let Some(s) = inv
        .subscription
        .as_ref()
        .and_then(|s| world.subscription(s))
    {
        props["subscriptionId"] = json!(s.id);
        props["subscriptionDisplayName"] = json!(s.display_name);
        props["billingProfileId"] = json!(format!(
            "/providers/Microsoft.Billing/billingAccounts/{}/billingProfiles/{}",
            s.account, s.account
        ));
        props["billingProfileDisplayName"] = json!(s.display_name);
    }
    if inv.status == "Void" {
        // A voided invoice was rebilled: the chain the 2024-04-01 example shows.
        let acct = format!(
            "/providers/Microsoft.Billing/billingAccounts/{}/invoices",
            inv.account
        );
        props["rebillDetails"] = json!({
            "invoiceDocumentId": format!("{acct}/{}R", inv.name),
            "creditNoteDocumentId": format!("{acct}/{}C", inv.name),
            "rebillDetails": {"invoiceDocumentId": format!("{acct}/{}", inv.name), "creditNoteDocumentId": format!("{acct}/{}C0", inv.name)},
        });
    }
    let kind = if path.contains("/billingSubscriptions/") {
        "Microsoft.Billing/billingAccounts/billingSubscriptions/invoices"
    } else {
        "Microsoft.Billing/billingAccounts/invoices"
    };
    json!({"id": path, "name": inv.name, "type": kind, "properties": props})
}

fn in_period(inv: &Invoice, start: Option<Date>, end: Option<Date>) -> bool {
    start.is_none_or(|s| inv.invoice_date >= s) && end.is_none_or(|e| inv.invoice_date <= e)
}

fn listing<'w>(
    ctx: &Ctx<'_>,
    world: &'w World,
    pred: impl Fn(&Invoice) -> bool,
) -> Result<Vec<&'w Invoice>, ArmError> {
    let (start, end) = (
        date_query(ctx, "periodStartDate")?,
        date_query(ctx, "periodEndDate")?,
    );
    let mut out: Vec<&Invoice> = world
        .invoices
        .iter()
        .filter(|i| pred(i) && in_period(i, start, end))
        .collect();
    out.sort_by(|a, b| {
        b.invoice_date
            .cmp(&a.invoice_date)
            .then(a.name.cmp(&b.name))
    });
    Ok(out)
}

pub fn list_by_profile(ctx: &Ctx<'_>, params: &Params) -> Result<Reply, ArmError> {
    let who = ctx.who()?;
    let world = ctx.app.world();
    let (ba, bp) = (param(params, "ba"), param(params, "bp"));
    account(&world, ba)?;
    let p = super::common::profile(&world, ba, bp)?;
    access::require(
        &world,
        who,
        &Scope::Profile(p.account.clone(), p.name.clone()),
        Need::InvoiceRead,
        READ_BY_PROFILE,
    )?;
    let items = listing(ctx, &world, |i| {
        i.account == p.account && i.profile.as_deref() == Some(p.name.as_str())
    })?;
    let values = items.into_iter().map(|i| render(ctx, &world, i)).collect();
    Ok(Reply::ok(page(ctx, values)))
}

pub fn list_by_account(ctx: &Ctx<'_>, params: &Params) -> Result<Reply, ArmError> {
    let who = ctx.who()?;
    let world = ctx.app.world();
    let a = account(&world, param(params, "ba"))?;
    let readable = |i: &Invoice| access::allowed(&world, who, &scope_of(i), Need::InvoiceRead);
    let items = listing(ctx, &world, |i| i.account == a.name && readable(i))?;
    if items.is_empty()
        && !access::allowed(
            &world,
            who,
            &Scope::Account(a.name.clone()),
            Need::InvoiceRead,
        )
        && !access::touches(&world, who, &Scope::Account(a.name.clone()))
    {
        return Err(access::forbidden(
            who,
            READ_BY_ACCOUNT,
            &Scope::Account(a.name.clone()).arm_id(),
        ));
    }
    let values = items.into_iter().map(|i| render(ctx, &world, i)).collect();
    Ok(Reply::ok(page(ctx, values)))
}

/// Finds an invoice of an account, checks the caller may read it.
pub fn readable<'w>(
    ctx: &Ctx<'_>,
    world: &'w World,
    ba: &str,
    name: &str,
    action: &str,
) -> Result<&'w Invoice, ArmError> {
    let who = ctx.who()?;
    // `billingAccounts/default/invoices/{name}` (Invoices_Get) finds the invoice by name alone.
    let by_name = ba.eq_ignore_ascii_case("default");
    if !by_name {
        account(world, ba)?;
    }
    let found = if by_name {
        world
            .invoices
            .iter()
            .find(|i| i.name.eq_ignore_ascii_case(name))
    } else {
        world.invoice(ba, name)
    };
    let inv = found.ok_or_else(|| {
        ArmError::not_found(&format!(
            "/providers/Microsoft.Billing/billingAccounts/{ba}/invoices/{name}"
        ))
    })?;
    let scope = scope_of(inv);
    if !access::allowed(world, who, &scope, Need::InvoiceRead) {
        return Err(access::forbidden(who, action, &scope.arm_id()));
    }
    Ok(inv)
}

pub fn get_by_account(ctx: &Ctx<'_>, params: &Params) -> Result<Reply, ArmError> {
    let world = ctx.app.world();
    let inv = readable(
        ctx,
        &world,
        param(params, "ba"),
        param(params, "inv"),
        READ_BY_ACCOUNT,
    )?;
    Ok(Reply::ok(render(ctx, &world, inv)))
}

/// `billingAccounts/default/billingSubscriptions/{sub}/...`: the subscription decides the account.
pub fn subscription_invoice<'w>(
    ctx: &Ctx<'_>,
    world: &'w World,
    sub: &str,
    name: &str,
    action: &str,
) -> Result<&'w Invoice, ArmError> {
    let who = ctx.who()?;
    let s = super::common::billing_subscription(world, "default", sub)?;
    let scope_id = format!(
        "/providers/Microsoft.Billing/billingAccounts/default/billingSubscriptions/{}",
        s.id
    );
    if !access::allowed(
        world,
        who,
        &Scope::Subscription(s.id.clone()),
        Need::InvoiceRead,
    ) {
        return Err(access::forbidden(who, action, &scope_id));
    }
    world
        .invoices
        .iter()
        .find(|i| {
            i.subscription.as_deref() == Some(s.id.as_str()) && i.name.eq_ignore_ascii_case(name)
        })
        .ok_or_else(|| ArmError::not_found(&format!("{scope_id}/invoices/{name}")))
}

pub fn list_by_subscription(ctx: &Ctx<'_>, params: &Params) -> Result<Reply, ArmError> {
    let who = ctx.who()?;
    let world = ctx.app.world();
    let s = super::common::billing_subscription(&world, "default", param(params, "sub"))?;
    if !access::allowed(
        &world,
        who,
        &Scope::Subscription(s.id.clone()),
        Need::InvoiceRead,
    ) {
        return Err(access::forbidden(
            who,
            READ_BY_SUBSCRIPTION,
            &format!(
                "/providers/Microsoft.Billing/billingAccounts/default/billingSubscriptions/{}",
                s.id
            ),
        ));
    }
    let items = listing(ctx, &world, |i| {
        i.subscription.as_deref() == Some(s.id.as_str()) && i.profile.is_none()
    })?;
    let values = items.into_iter().map(|i| render(ctx, &world, i)).collect();
    Ok(Reply::ok(page(ctx, values)))
}

pub fn get_by_subscription(ctx: &Ctx<'_>, params: &Params) -> Result<Reply, ArmError> {
    let world = ctx.app.world();
    let inv = subscription_invoice(
        ctx,
        &world,
        param(params, "sub"),
        param(params, "inv"),
        READ_BY_SUBSCRIPTION,
    )?;
    Ok(Reply::ok(render(ctx, &world, inv)))
}
