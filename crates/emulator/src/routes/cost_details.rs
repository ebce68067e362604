//! Cost details reports (LRO pattern B): validate, 202 + Location, poll → manifest with SAS blobs.

use axum::http::Method;
use serde_json::{Value, json};
use time::{Date, Duration};

use super::common::body_json;
use super::{COST, Matched};
use crate::access::{self, Need};
use crate::app::{Ctx, Params};
use crate::blob;
use crate::csv::{self, Flavor, ReportSpec};
use crate::error::ArmError;
use crate::faults::FaultKind;
use crate::lro;
use crate::reply::Reply;
use crate::scenario::builder::{add_months, first_of_month};
use crate::scenario::model::{Agreement, Scope, World};
use crate::scenario::rng::hash_str;

const ACTION: &str = "Microsoft.CostManagement/generateCostDetailsReport/action";

/// `/{scope}/providers/Microsoft.CostManagement/...`: the scope is everything before.
pub fn find(ctx: &Ctx<'_>) -> Option<Matched> {
    let s = &ctx.segments;
    let n = s.len();
    let is_cm = |i: usize| {
        s[i].eq_ignore_ascii_case("providers")
            && s[i + 1].eq_ignore_ascii_case("Microsoft.CostManagement")
    };
    if ctx.method == Method::POST
        && n >= 4
        && is_cm(n - 3)
        && s[n - 1].eq_ignore_ascii_case("generateCostDetailsReport")
    {
        let mut params = Params::new();
        params.insert("scope", s[..n - 3].join("/"));
        return Some(Matched {
            handler: generate,
            versions: COST,
            params,
            poll: false,
        });
    }
    if ctx.method == Method::GET
        && n >= 5
        && is_cm(n - 4)
        && s[n - 2].eq_ignore_ascii_case("costDetailsOperationResults")
    {
        let mut params = Params::new();
        params.insert("scope", s[..n - 4].join("/"));
        params.insert("op", s[n - 1].clone());
        return Some(Matched {
            handler: poll,
            versions: COST,
            params,
            poll: true,
        });
    }
    None
}

fn parse_scope(world: &World, scope: &str) -> Option<Scope> {
    let parts: Vec<&str> = scope.split('/').collect();
    let eq = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
    match parts.as_slice() {
        [s, id] if eq(s, "subscriptions") => world
            .subscription(id)
            .map(|s| Scope::Subscription(s.id.clone())),
        [p, mb, rest @ ..] if eq(p, "providers") && eq(mb, "Microsoft.Billing") => match rest {
            [ba_kw, ba] if eq(ba_kw, "billingAccounts") => {
                world.account(ba).map(|a| Scope::Account(a.name.clone()))
            }
            [ba_kw, ba, k, x] if eq(ba_kw, "billingAccounts") && eq(k, "billingProfiles") => world
                .profile(ba, x)
                .map(|p| Scope::Profile(p.account.clone(), p.name.clone())),
            [ba_kw, ba, k, x, ks, y]
                if eq(ba_kw, "billingAccounts")
                    && eq(k, "billingProfiles")
                    && eq(ks, "invoiceSections") =>
            {
                world.invoice_section(ba, x, y).map(|s| {
                    Scope::InvoiceSection(s.account.clone(), s.profile.clone(), s.name.clone())
                })
            }
            [ba_kw, ba, k, x] if eq(ba_kw, "billingAccounts") && eq(k, "departments") => world
                .department(ba, x)
                .map(|d| Scope::Department(d.account.clone(), d.name.clone())),
            [ba_kw, ba, k, x] if eq(ba_kw, "billingAccounts") && eq(k, "enrollmentAccounts") => {
                world
                    .enrollment_account(ba, x)
                    .map(|e| Scope::EnrollmentAccount(e.account.clone(), e.name.clone()))
            }
            [k, x] if eq(k, "departments") => world
                .departments
                .iter()
                .find(|d| d.name == *x)
                .map(|d| Scope::Department(d.account.clone(), d.name.clone())),
            [k, x] if eq(k, "enrollmentAccounts") => world
                .enrollment_accounts
                .iter()
                .find(|e| e.name == *x)
                .map(|e| Scope::EnrollmentAccount(e.account.clone(), e.name.clone())),
            _ => None,
        },
        _ => None,
    }
}

fn invalid(message: &str) -> ArmError {
    ArmError::bad_request("BadRequest", format!("Invalid request payload: {message}"))
}

fn parse_date(v: Option<&Value>, what: &str) -> Result<Date, ArmError> {
    let raw = v
        .and_then(Value::as_str)
        .ok_or_else(|| invalid(&format!("timePeriod.{what} is required.")))?;
    Date::parse(
        raw.get(..10).unwrap_or(raw),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|_| {
        invalid(&format!(
            "timePeriod.{what} '{raw}' is not a valid date (YYYY-MM-DD)."
        ))
    })
}

/// What a request asks for, after the documented checks.
struct Period {
    start: Date,
    end: Date,
    /// The invoice asked for (`invoiceId`), and what its usage adds up to: see [`invoice_total`].
    invoice: Option<(String, i64)>,
}

/// What an MCA invoice's billed usage file adds up to, in cents: the invoice's `subTotal`
/// ("the pre-tax amount due"), the field the app compares the file with.
///
/// The usage file lists charges (`costInBillingCurrency`, before credits and tax): it covers
/// neither tax (`taxAmount`; `totalAmount` = `subTotal` + `taxAmount`) nor credits applied on
/// the invoice. The emulator's MCA invoices carry no credits (`creditAmount`,
/// `azurePrepaymentApplied` and `freeAzureCreditApplied` are 0), so their `subTotal` equals
/// `billedAmount`, the charges, and the file adds up to it to the cent.
fn invoice_total(inv: &crate::scenario::model::Invoice) -> i64 {
    inv.billed_cents
}

/// The period to report on, after the documented checks.
fn period(world: &World, scope: &Scope, body: &Value, today: Date) -> Result<Period, ArmError> {
    let has = |k: &str| body.get(k).is_some_and(|v| !v.is_null());
    let given = ["timePeriod", "billingPeriod", "invoiceId"]
        .iter()
        .filter(|k| has(k))
        .count();
    if given > 1 {
        return Err(invalid(
            "can only have either timePeriod or invoiceId or billingPeriod",
        ));
    }
    if let Some(m) = body.get("metric").and_then(Value::as_str)
        && !m.eq_ignore_ascii_case("ActualCost")
        && !m.eq_ignore_ascii_case("AmortizedCost")
    {
        return Err(invalid(&format!(
            "metric '{m}' is not supported. Supported values are 'ActualCost' and 'AmortizedCost'."
        )));
    }
    let agreement = world
        .account_of(scope)
        .and_then(|a| world.account(&a).map(|a| a.agreement));
    if has("timePeriod") {
        let tp = &body["timePeriod"];
        let (start, end) = (
            parse_date(tp.get("start"), "start")?,
            parse_date(tp.get("end"), "end")?,
        );
        if end < start {
            return Err(invalid(
                "timePeriod.end must not be before timePeriod.start.",
            ));
        }
        if start < add_months(first_of_month(today), -13) {
            return Err(invalid("start date cannot be older than 13 months."));
        }
        if end > add_months(start, 1) {
            return Err(invalid("the date range cannot exceed one month."));
        }
        return Ok(Period {
            start,
            end,
            invoice: None,
        });
    }
    if let Some(bp) = body.get("billingPeriod").and_then(Value::as_str) {
        if agreement != Some(Agreement::Ea) {
            return Err(invalid(
                "billingPeriod is only supported for Enterprise Agreement scopes.",
            ));
        }
        let year: i32 = bp.get(..4).and_then(|y| y.parse().ok()).ok_or_else(|| {
            invalid(&format!(
                "billingPeriod '{bp}' must be in the format YYYYMM."
            ))
        })?;
        let month: u8 = bp.get(4..6).and_then(|m| m.parse().ok()).ok_or_else(|| {
            invalid(&format!(
                "billingPeriod '{bp}' must be in the format YYYYMM."
            ))
        })?;
        let start = time::Month::try_from(month)
            .ok()
            .and_then(|m| Date::from_calendar_date(year, m, 1).ok())
            .ok_or_else(|| {
                invalid(&format!(
                    "billingPeriod '{bp}' must be in the format YYYYMM."
                ))
            })?;
        return Ok(Period {
            start,
            end: add_months(start, 1) - Duration::days(1),
            invoice: None,
        });
    }
    if let Some(inv) = body.get("invoiceId").and_then(Value::as_str) {
        let Scope::Profile(ba, bp) = scope else {
            return Err(invalid(
                "invoiceId is only supported for Microsoft Customer Agreement billing profile scopes.",
            ));
        };
        let i = world
            .invoice(ba, inv)
            .filter(|i| i.profile.as_deref() == Some(bp.as_str()))
            .ok_or_else(|| {
                ArmError::new(
                    axum::http::StatusCode::NOT_FOUND,
                    "NotFound",
                    format!("Invoice '{inv}' was not found for the billing profile."),
                )
            })?;
        return Ok(Period {
            start: i.period_start,
            end: i.period_end,
            invoice: Some((i.name.clone(), invoice_total(i))),
        });
    }
    // Nothing given: the open month to date.
    Ok(Period {
        start: first_of_month(today),
        end: today,
        invoice: None,
    })
}

fn spec_for(world: &World, scope: &Scope, start: Date, end: Date, invoice: String) -> ReportSpec {
    let ba = world.account_of(scope).unwrap_or_default();
    let account = world.account(&ba);
    let flavor = if account.is_some_and(|a| a.agreement == Agreement::Mca) {
        Flavor::Mca
    } else {
        Flavor::Legacy
    };
    let (sub_id, sub_name, currency) = match scope {
        Scope::Subscription(s) => world
            .subscription(s)
            .map(|s| (s.id.clone(), s.display_name.clone(), s.currency.clone()))
            .unwrap_or_default(),
        _ => world
            .subscriptions
            .iter()
            .find(|s| s.account == ba)
            .map_or_else(
                || {
                    (
                        "00000000-0000-0000-0000-000000000000".into(),
                        "Enterprise subscription".into(),
                        "EUR".into(),
                    )
                },
                |s| (s.id.clone(), s.display_name.clone(), s.currency.clone()),
            ),
    };
    let (profile_id, profile_name) = match scope {
        Scope::Profile(a, p) | Scope::InvoiceSection(a, p, _) => (
            format!("/providers/Microsoft.Billing/billingAccounts/{a}/billingProfiles/{p}"),
            world
                .profile(a, p)
                .map(|p| p.display_name.clone())
                .unwrap_or_default(),
        ),
        _ => (
            ba.clone(),
            account.map(|a| a.display_name.clone()).unwrap_or_default(),
        ),
    };
    let currency = match scope {
        Scope::Profile(a, p) | Scope::InvoiceSection(a, p, _) => {
            world.profile(a, p).map_or(currency, |p| p.currency.clone())
        }
        _ => currency,
    };
    let days = u32::try_from((end - start).whole_days() + 1)
        .unwrap_or(1)
        .max(1);
    ReportSpec {
        flavor,
        seed: hash_str(&format!("{}|{start}|{end}", scope.arm_id())),
        start,
        days,
        currency,
        billing_account_id: ba.clone(),
        billing_account_name: account.map(|a| a.display_name.clone()).unwrap_or_default(),
        billing_profile_id: profile_id,
        billing_profile_name: profile_name,
        subscription_id: sub_id,
        subscription_name: sub_name,
        invoice_id: invoice,
        rows: 0,
        first_row: 0,
        total_rows: 0,
        costs: csv::CostPlan::default(),
    }
}

/// Rows in a report of the configured size.
fn total_rows(ctx: &Ctx<'_>, flavor: Flavor) -> u64 {
    let width = csv::ROW_WIDTH as u64;
    let header = csv::header(flavor).len() as u64;
    (ctx.app.settings.cost_report_bytes.saturating_sub(header) / width).max(1)
}

/// Splits the report's rows into blobs of at most the configured blob size.
fn split(ctx: &Ctx<'_>, base: &ReportSpec) -> Vec<ReportSpec> {
    let width = csv::ROW_WIDTH as u64;
    let header = csv::header(base.flavor).len() as u64;
    let total_rows = base.total_rows;
    let per_blob = (ctx
        .app
        .settings
        .cost_report_blob_bytes
        .saturating_sub(header)
        / width)
        .max(1);
    let mut out = Vec::new();
    let mut first = 0;
    while first < total_rows {
        let rows = per_blob.min(total_rows - first);
        out.push(ReportSpec {
            rows,
            first_row: first,
            ..base.clone()
        });
        first += rows;
    }
    out
}

fn generate(ctx: &Ctx<'_>, params: &Params) -> Result<Reply, ArmError> {
    let who = ctx.who()?;
    let body = body_json(ctx)?;
    let body = if body.is_null() { json!({}) } else { body };
    if !body.is_object() {
        return Err(invalid("the request body must be a JSON object."));
    }
    let scope_text = params.get("scope").cloned().unwrap_or_default();
    let world = ctx.app.world();
    let scope = parse_scope(&world, &scope_text).ok_or_else(|| {
        ArmError::bad_request("BadRequest", format!("The scope '{scope_text}' is not supported. Use a subscription, billing account, billing profile, department or enrollment account scope."))
    })?;
    access::require(&world, who, &scope, Need::CostRead, ACTION)?;
    let asked = period(&world, &scope, &body, ctx.app.calendar.today())?;
    let (invoice, invoice_cents) = asked.invoice.unzip();
    let mut base = spec_for(
        &world,
        &scope,
        asked.start,
        asked.end,
        invoice.unwrap_or_default(),
    );
    drop(world);
    base.total_rows = total_rows(ctx, base.flavor);
    base.costs = csv::plan_costs(base.seed, base.total_rows, invoice_cents);

    let compress = ctx.app.settings.cost_report_gzip;
    let parts = split(ctx, &base);
    let mut blobs = Vec::new();
    let mut total = 0u64;
    let mut valid_till = String::new();
    for part in parts {
        let (url, expiry, len) = blob::report_link(ctx, part, compress);
        total += len;
        valid_till = expiry;
        blobs.push(json!({"blobLink": url, "byteCount": len}));
    }
    let version = lro::api_version(ctx);
    let blob_count = blobs.len();
    let mut request_body = body.clone();
    if request_body.get("metric").is_none() {
        request_body["metric"] = json!("ActualCost");
    }
    let (_, location) = ctx.app.operations.start(ctx.app.settings.cost_report_pending_polls, Value::Null, |id| {
        ctx.url(&format!("/{scope_text}/providers/Microsoft.CostManagement/costDetailsOperationResults/{id}?api-version={version}"))
    });
    let id = location
        .rsplit('/')
        .next()
        .and_then(|s| s.split('?').next())
        .unwrap_or_default()
        .to_owned();
    let result = json!({
        "id": format!("{scope_text}/providers/Microsoft.CostManagement/costDetailsOperationResults/{id}"),
        "name": id,
        "type": "Microsoft.CostManagement/costDetailsOperationResults",
        "status": "Completed",
        "manifest": {
            "manifestVersion": "2022-05-01",
            "dataFormat": "Csv",
            "blobCount": blob_count,
            "byteCount": total,
            "compressData": compress,
            "requestContext": {"requestScope": scope_text, "requestBody": request_body},
            "blobs": blobs,
        },
        "validTill": valid_till,
    });
    ctx.app.operations.set_result(&id, result);
    Ok(lro::accepted(ctx, &location))
}

fn poll(ctx: &Ctx<'_>, params: &Params) -> Result<Reply, ArmError> {
    let op = params.get("op").map_or("", String::as_str);
    let failure = ctx.faults.iter().find_map(|f| match f {
        FaultKind::ReportFailed { code, message } => Some((code.clone(), message.clone())),
        _ => None,
    });
    if let Some((code, message)) = failure {
        let scope = params.get("scope").map_or("", String::as_str);
        let failed = json!({
            "id": format!("{scope}/providers/Microsoft.CostManagement/costDetailsOperationResults/{op}"),
            "name": op,
            "type": "Microsoft.CostManagement/costDetailsOperationResults",
            "status": "Failed",
            "error": {
                "code": code.as_deref().unwrap_or("InternalServerError"),
                "message": message.as_deref().unwrap_or("The cost details report could not be generated. Please try again later."),
            },
        });
        // A failed operation stays failed; an unknown one is still a 404.
        if ctx.app.operations.finish(op, failed.clone()) {
            return Ok(Reply::ok(failed));
        }
    }
    lro::answer(ctx, op)
}
