//! The route table: method + path pattern → handler, with the api-versions each accepts.

pub mod accounts;
pub mod common;
pub mod cost_details;
pub mod documents;
pub mod invoice_sections;
pub mod invoices;
pub mod legacy;
pub mod permissions;
pub mod profiles;
pub mod resources;
pub mod subscriptions;

use axum::http::Method;

use crate::app::{Ctx, Params};
use crate::error::ArmError;
use crate::reply::Reply;

pub type Handler = fn(&Ctx<'_>, &Params) -> Result<Reply, ArmError>;

pub const BILLING: &[&str] = &["2019-10-01-preview", "2020-05-01", "2024-04-01"];
pub const BILLING_LEGACY: &[&str] = &["2017-04-24-preview", "2018-03-01-preview"];
pub const BILLING_PROPERTY: &[&str] = &[
    "2018-11-01-preview",
    "2019-10-01-preview",
    "2020-05-01",
    "2024-04-01",
];
pub const BILLING_2024: &[&str] = &["2024-04-01"];
pub const RESOURCES: &[&str] = &["2016-06-01", "2020-01-01", "2021-01-01", "2022-12-01"];
pub const COST: &[&str] = &["2022-05-01", "2023-03-01", "2023-11-01"];

#[derive(Debug)]
pub struct Matched {
    pub handler: Handler,
    pub versions: &'static [&'static str],
    pub params: Params,
    /// An LRO status poll (the `lro_poll404` fault targets these).
    pub poll: bool,
}

const BA: &str = "providers/Microsoft.Billing/billingAccounts/{ba}";

struct Route {
    method: Method,
    pattern: String,
    versions: &'static [&'static str],
    handler: Handler,
    poll: bool,
}

fn r(method: Method, pattern: &str, versions: &'static [&'static str], handler: Handler) -> Route {
    Route {
        method,
        pattern: pattern.replace("{BA}", BA),
        versions,
        handler,
        poll: false,
    }
}

fn poll(pattern: &str, versions: &'static [&'static str], handler: Handler) -> Route {
    Route {
        poll: true,
        ..r(Method::GET, pattern, versions, handler)
    }
}

fn table() -> Vec<Route> {
    use self::{
        accounts as a, documents as d, invoice_sections as is, invoices as i, legacy as l,
        permissions as p, profiles as pr, resources as rs, subscriptions as s,
    };
    let get = Method::GET;
    let post = Method::POST;
    vec![
        r(
            get.clone(),
            "providers/Microsoft.Billing/billingAccounts",
            BILLING,
            a::list,
        ),
        r(get.clone(), "{BA}", BILLING, a::get),
        r(Method::PATCH, "{BA}", BILLING_2024, a::patch),
        r(get.clone(), "{BA}/billingProfiles", BILLING, pr::list),
        r(get.clone(), "{BA}/billingProfiles/{bp}", BILLING, pr::get),
        r(Method::PUT, "{BA}/billingProfiles/{bp}", BILLING, pr::put),
        r(
            get.clone(),
            "{BA}/billingProfiles/{bp}/invoiceSections",
            BILLING,
            is::list,
        ),
        r(
            get.clone(),
            "{BA}/billingProfiles/{bp}/invoiceSections/{is}",
            BILLING,
            is::get,
        ),
        r(
            get.clone(),
            "{BA}/billingProfiles/{bp}/invoiceSections/{is}/billingPermissions",
            BILLING,
            p::permissions,
        ),
        r(
            post.clone(),
            "{BA}/billingProfiles/{bp}/invoiceSections/{is}/checkAccess",
            BILLING_2024,
            p::check_access,
        ),
        r(
            get.clone(),
            "{BA}/billingProfiles/{bp}/invoiceSections/{is}/billingRoleAssignments",
            BILLING,
            p::role_assignments,
        ),
        r(
            get.clone(),
            "{BA}/billingProfiles/{bp}/invoiceSections/{is}/billingRoleDefinitions",
            BILLING,
            p::role_definitions,
        ),
        poll("{BA}/operationResults/{op}", BILLING, d::poll),
        r(
            get.clone(),
            "{BA}/billingSubscriptions",
            BILLING,
            s::list_by_account,
        ),
        r(
            get.clone(),
            "{BA}/billingSubscriptions/{sub}",
            BILLING,
            s::get,
        ),
        r(
            get.clone(),
            "{BA}/billingProfiles/{bp}/billingSubscriptions",
            BILLING,
            s::list_by_profile,
        ),
        r(
            get.clone(),
            "{BA}/billingProfiles/{bp}/invoices",
            BILLING,
            i::list_by_profile,
        ),
        r(
            get.clone(),
            "{BA}/billingSubscriptions/{sub}/invoices",
            BILLING,
            i::list_by_subscription,
        ),
        r(
            get.clone(),
            "{BA}/billingSubscriptions/{sub}/invoices/{inv}",
            BILLING,
            i::get_by_subscription,
        ),
        r(
            post.clone(),
            "{BA}/billingSubscriptions/{sub}/invoices/{inv}/download",
            BILLING,
            d::download_by_subscription,
        ),
        r(
            post.clone(),
            "{BA}/billingSubscriptions/{sub}/downloadDocuments",
            BILLING,
            d::download_documents_by_subscription,
        ),
        poll(
            "{BA}/billingSubscriptions/{sub}/operationResults/{op}",
            BILLING,
            d::poll,
        ),
        r(get.clone(), "{BA}/invoices", BILLING, i::list_by_account),
        r(
            get.clone(),
            "{BA}/invoices/{inv}",
            BILLING,
            i::get_by_account,
        ),
        r(
            post.clone(),
            "{BA}/invoices/{inv}/download",
            BILLING,
            d::download_by_account,
        ),
        poll(
            "{BA}/invoices/{inv}/operationResults/{op}",
            BILLING,
            d::poll,
        ),
        r(
            post.clone(),
            "{BA}/downloadDocuments",
            BILLING,
            d::download_documents_by_account,
        ),
        r(
            get.clone(),
            "{BA}/billingPermissions",
            BILLING,
            p::permissions,
        ),
        r(
            post.clone(),
            "{BA}/checkAccess",
            BILLING_2024,
            p::check_access,
        ),
        r(
            get.clone(),
            "{BA}/billingProfiles/{bp}/billingPermissions",
            BILLING,
            p::permissions,
        ),
        r(
            post.clone(),
            "{BA}/billingProfiles/{bp}/checkAccess",
            BILLING_2024,
            p::check_access,
        ),
        r(
            get.clone(),
            "{BA}/departments/{dep}/billingPermissions",
            BILLING,
            p::permissions,
        ),
        r(
            post.clone(),
            "{BA}/departments/{dep}/checkAccess",
            BILLING_2024,
            p::check_access,
        ),
        r(
            get.clone(),
            "{BA}/enrollmentAccounts/{ea}/billingPermissions",
            BILLING,
            p::permissions,
        ),
        r(
            post.clone(),
            "{BA}/enrollmentAccounts/{ea}/checkAccess",
            BILLING_2024,
            p::check_access,
        ),
        r(
            get.clone(),
            "{BA}/billingRoleAssignments",
            BILLING,
            p::role_assignments,
        ),
        r(
            get.clone(),
            "{BA}/billingProfiles/{bp}/billingRoleAssignments",
            BILLING,
            p::role_assignments,
        ),
        r(
            get.clone(),
            "{BA}/billingRoleDefinitions",
            BILLING,
            p::role_definitions,
        ),
        r(
            get.clone(),
            "{BA}/billingProfiles/{bp}/billingRoleDefinitions",
            BILLING,
            p::role_definitions,
        ),
        r(
            get.clone(),
            "{BA}/policies/default",
            BILLING,
            p::account_policy,
        ),
        r(
            get.clone(),
            "{BA}/billingProfiles/{bp}/policies/default",
            BILLING,
            p::profile_policy,
        ),
        r(get.clone(), "{BA}/departments", BILLING, a::departments),
        r(
            get.clone(),
            "{BA}/enrollmentAccounts",
            BILLING,
            a::enrollment_accounts,
        ),
        r(
            get.clone(),
            "subscriptions/{sub}/providers/Microsoft.Billing/billingPeriods",
            BILLING_LEGACY,
            l::periods_route,
        ),
        r(
            get.clone(),
            "subscriptions/{sub}/providers/Microsoft.Billing/billingPeriods/{name}",
            BILLING_LEGACY,
            l::period,
        ),
        r(
            get.clone(),
            "subscriptions/{sub}/providers/Microsoft.Billing/invoices",
            BILLING_LEGACY,
            l::invoices,
        ),
        r(
            get.clone(),
            "subscriptions/{sub}/providers/Microsoft.Billing/invoices/latest",
            BILLING_LEGACY,
            l::latest,
        ),
        r(
            get.clone(),
            "subscriptions/{sub}/providers/Microsoft.Billing/invoices/{name}",
            BILLING_LEGACY,
            l::invoice,
        ),
        r(
            get.clone(),
            "subscriptions/{sub}/providers/Microsoft.Billing/billingProperty/default",
            BILLING_PROPERTY,
            s::billing_property,
        ),
        r(
            get.clone(),
            "subscriptions/{sub}/providers/Microsoft.Billing/policies/default",
            BILLING_2024,
            p::subscription_policy,
        ),
        r(get.clone(), "subscriptions", RESOURCES, rs::subscriptions),
        r(
            get.clone(),
            "subscriptions/{sub}",
            RESOURCES,
            rs::subscription,
        ),
        r(get, "tenants", RESOURCES, rs::tenants),
    ]
}

fn match_parts(parts: &[&'static str], segments: &[String]) -> Option<Params> {
    if parts.len() != segments.len() {
        return None;
    }
    let mut params = Params::new();
    for (p, s) in parts.iter().zip(segments) {
        if let Some(name) = p.strip_prefix('{').and_then(|n| n.strip_suffix('}')) {
            params.insert(name, s.clone());
        } else if !p.eq_ignore_ascii_case(s) {
            return None;
        }
    }
    Some(params)
}

struct Compiled {
    method: Method,
    parts: Vec<&'static str>,
    versions: &'static [&'static str],
    handler: Handler,
    poll: bool,
}

fn compiled() -> &'static [Compiled] {
    static TABLE: std::sync::OnceLock<Vec<Compiled>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        table()
            .into_iter()
            .map(|r| Compiled {
                method: r.method,
                // Leaked once per process: the table is built a single time.
                parts: r
                    .pattern
                    .split('/')
                    .map(|p| -> &'static str { Box::leak(p.to_owned().into_boxed_str()) })
                    .collect(),
                versions: r.versions,
                handler: r.handler,
                poll: r.poll,
            })
            .collect()
    })
}

/// The first route whose method and pattern match; cost-details scopes are matched by suffix.
pub fn find(ctx: &Ctx<'_>) -> Option<Matched> {
    if let Some(m) = cost_details::find(ctx) {
        return Some(m);
    }
    compiled()
        .iter()
        .filter(|r| r.method == ctx.method)
        .find_map(|r| {
            match_parts(&r.parts, &ctx.segments).map(|params| Matched {
                handler: r.handler,
                versions: r.versions,
                params,
                poll: r.poll,
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn match_pattern(pattern: &str, segments: &[String]) -> Option<Params> {
        let parts: Vec<&'static str> = pattern
            .split('/')
            .map(|p| -> &'static str { Box::leak(p.to_owned().into_boxed_str()) })
            .collect();
        match_parts(&parts, segments)
    }

    #[test]
    fn patterns_bind_names_case_insensitively() {
        let segs: Vec<String> =
            "Providers/microsoft.billing/BillingAccounts/a:b_2019-05-31/billingProfiles/X"
                .split('/')
                .map(String::from)
                .collect();
        let p = match_pattern(
            "providers/Microsoft.Billing/billingAccounts/{ba}/billingProfiles/{bp}",
            &segs,
        )
        .unwrap();
        assert_eq!(p["ba"], "a:b_2019-05-31");
        assert_eq!(p["bp"], "X");
    }
}
