//! Every ARM operation the app calls: method, path, api-version and retry safety, decided here
//! and nowhere else.
//!
//! Retry safety of the POSTs: `download`, `downloadDocuments`, `downloadSummary` and
//! `generateCostDetailsReport` only ask ARM to prepare a file; sending one twice at worst
//! prepares it twice and changes nothing the user owns, so they are retried like reads.
//! `checkAccess` is a pure query. PUTs replace state with the same body and are idempotent by
//! HTTP semantics. PATCH is not retried once it may have reached the server.

use http::Method;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use url::Url;

use crate::arm::RetrySafety::{self, Idempotent, NotIdempotent};
use crate::cloud::ArmEndpoint;
use crate::error::BillingError;

/// One REST operation. In `path`, `{}` is one percent-encoded segment and `{*}` a
/// multi-segment scope whose segments are each percent-encoded.
#[derive(Debug, Clone)]
pub(crate) struct Operation {
    pub method: Method,
    pub path: &'static str,
    pub api_version: &'static str,
    pub safety: RetrySafety,
}

const fn op(
    method: Method,
    path: &'static str,
    api_version: &'static str,
    safety: RetrySafety,
) -> Operation {
    Operation {
        method,
        path,
        api_version,
        safety,
    }
}

const BILLING: &str = "2024-04-01";
const LEGACY: &str = "2018-03-01-preview";
const COST: &str = "2022-05-01";
const RESOURCES: &str = "2022-12-01";

pub(crate) static ACCOUNTS_LIST: Operation = op(
    Method::GET,
    "/providers/Microsoft.Billing/billingAccounts",
    BILLING,
    Idempotent,
);
pub(crate) static ACCOUNTS_GET: Operation = op(
    Method::GET,
    "/providers/Microsoft.Billing/billingAccounts/{}",
    BILLING,
    Idempotent,
);
pub(crate) static ACCOUNTS_UPDATE: Operation = op(
    Method::PATCH,
    "/providers/Microsoft.Billing/billingAccounts/{}",
    BILLING,
    NotIdempotent,
);

pub(crate) static PROFILES_LIST: Operation = op(
    Method::GET,
    "/providers/Microsoft.Billing/billingAccounts/{}/billingProfiles",
    BILLING,
    Idempotent,
);
pub(crate) static PROFILES_GET: Operation = op(
    Method::GET,
    "/providers/Microsoft.Billing/billingAccounts/{}/billingProfiles/{}",
    BILLING,
    Idempotent,
);
pub(crate) static PROFILES_PUT: Operation = op(
    Method::PUT,
    "/providers/Microsoft.Billing/billingAccounts/{}/billingProfiles/{}",
    BILLING,
    Idempotent,
);

pub(crate) static BILLING_SUBSCRIPTIONS_LIST: Operation = op(
    Method::GET,
    "/providers/Microsoft.Billing/billingAccounts/{}/billingSubscriptions",
    BILLING,
    Idempotent,
);
pub(crate) static BILLING_SUBSCRIPTIONS_GET: Operation = op(
    Method::GET,
    "/providers/Microsoft.Billing/billingAccounts/{}/billingSubscriptions/{}",
    BILLING,
    Idempotent,
);
pub(crate) static SUBSCRIPTIONS_LIST: Operation =
    op(Method::GET, "/subscriptions", RESOURCES, Idempotent);
pub(crate) static SUBSCRIPTIONS_GET: Operation =
    op(Method::GET, "/subscriptions/{}", RESOURCES, Idempotent);
pub(crate) static TENANTS_LIST: Operation = op(Method::GET, "/tenants", RESOURCES, Idempotent);

pub(crate) static DEPARTMENTS_LIST: Operation = op(
    Method::GET,
    "/providers/Microsoft.Billing/billingAccounts/{}/departments",
    BILLING,
    Idempotent,
);
pub(crate) static ENROLLMENT_ACCOUNTS_LIST: Operation = op(
    Method::GET,
    "/providers/Microsoft.Billing/billingAccounts/{}/enrollmentAccounts",
    BILLING,
    Idempotent,
);
/// `billingPermissions` of any billing scope id (account, profile, department, enrollment account).
pub(crate) static PERMISSIONS_AT: Operation =
    op(Method::GET, "/{*}/billingPermissions", BILLING, Idempotent);
/// `checkAccess` at any billing scope id (account, profile, invoice section, department,
/// enrollment account).
pub(crate) static CHECK_ACCESS_AT: Operation =
    op(Method::POST, "/{*}/checkAccess", BILLING, Idempotent);
/// `billingRoleAssignments` at any billing scope id.
pub(crate) static ROLE_ASSIGNMENTS_AT: Operation = op(
    Method::GET,
    "/{*}/billingRoleAssignments",
    BILLING,
    Idempotent,
);
/// MCA: the invoice sections of a billing profile the caller has access to.
pub(crate) static INVOICE_SECTIONS_LIST: Operation = op(
    Method::GET,
    "/providers/Microsoft.Billing/billingAccounts/{}/billingProfiles/{}/invoiceSections",
    BILLING,
    Idempotent,
);

pub(crate) static BILLING_PROPERTY_GET: Operation = op(
    Method::GET,
    "/subscriptions/{}/providers/Microsoft.Billing/billingProperty/default",
    BILLING,
    Idempotent,
);

pub(crate) static PERIODS_LIST: Operation = op(
    Method::GET,
    "/subscriptions/{}/providers/Microsoft.Billing/billingPeriods",
    LEGACY,
    Idempotent,
);
pub(crate) static PERIODS_GET: Operation = op(
    Method::GET,
    "/subscriptions/{}/providers/Microsoft.Billing/billingPeriods/{}",
    LEGACY,
    Idempotent,
);

pub(crate) static INVOICES_BY_PROFILE: Operation = op(
    Method::GET,
    "/providers/Microsoft.Billing/billingAccounts/{}/billingProfiles/{}/invoices",
    BILLING,
    Idempotent,
);
pub(crate) static INVOICES_BY_ACCOUNT: Operation = op(
    Method::GET,
    "/providers/Microsoft.Billing/billingAccounts/{}/invoices",
    BILLING,
    Idempotent,
);
pub(crate) static INVOICE_BY_ACCOUNT_GET: Operation = op(
    Method::GET,
    "/providers/Microsoft.Billing/billingAccounts/{}/invoices/{}",
    BILLING,
    Idempotent,
);
pub(crate) static INVOICES_BY_BILLING_SUBSCRIPTION: Operation = op(
    Method::GET,
    "/providers/Microsoft.Billing/billingAccounts/default/billingSubscriptions/{}/invoices",
    BILLING,
    Idempotent,
);
pub(crate) static INVOICE_BY_BILLING_SUBSCRIPTION_GET: Operation = op(
    Method::GET,
    "/providers/Microsoft.Billing/billingAccounts/default/billingSubscriptions/{}/invoices/{}",
    BILLING,
    Idempotent,
);
pub(crate) static LEGACY_INVOICES_LIST: Operation = op(
    Method::GET,
    "/subscriptions/{}/providers/Microsoft.Billing/invoices",
    LEGACY,
    Idempotent,
);
pub(crate) static LEGACY_INVOICE_GET: Operation = op(
    Method::GET,
    "/subscriptions/{}/providers/Microsoft.Billing/invoices/{}",
    LEGACY,
    Idempotent,
);
pub(crate) static LEGACY_INVOICE_LATEST: Operation = op(
    Method::GET,
    "/subscriptions/{}/providers/Microsoft.Billing/invoices/latest",
    LEGACY,
    Idempotent,
);

pub(crate) static INVOICE_DOWNLOAD_BY_ACCOUNT: Operation = op(
    Method::POST,
    "/providers/Microsoft.Billing/billingAccounts/{}/invoices/{}/download",
    BILLING,
    Idempotent,
);
pub(crate) static INVOICE_DOWNLOAD_BY_BILLING_SUBSCRIPTION: Operation = op(
    Method::POST,
    "/providers/Microsoft.Billing/billingAccounts/default/billingSubscriptions/{}/invoices/{}/download",
    BILLING,
    Idempotent,
);
pub(crate) static DOCUMENTS_DOWNLOAD_BY_ACCOUNT: Operation = op(
    Method::POST,
    "/providers/Microsoft.Billing/billingAccounts/{}/downloadDocuments",
    BILLING,
    Idempotent,
);
pub(crate) static DOCUMENTS_DOWNLOAD_BY_BILLING_SUBSCRIPTION: Operation = op(
    Method::POST,
    "/providers/Microsoft.Billing/billingAccounts/default/billingSubscriptions/{}/downloadDocuments",
    BILLING,
    Idempotent,
);
pub(crate) static INVOICE_SUMMARY_DOWNLOAD: Operation = op(
    Method::POST,
    "/providers/Microsoft.Billing/billingAccounts/{}/invoices/{}/downloadSummary",
    BILLING,
    Idempotent,
);

pub(crate) static COST_DETAILS_GENERATE: Operation = op(
    Method::POST,
    "/{*}/providers/Microsoft.CostManagement/generateCostDetailsReport",
    COST,
    Idempotent,
);
pub(crate) static COST_DETAILS_RESULT: Operation = op(
    Method::GET,
    "/{*}/providers/Microsoft.CostManagement/costDetailsOperationResults/{}",
    COST,
    Idempotent,
);

pub(crate) static PERMISSIONS_BY_ACCOUNT: Operation = op(
    Method::GET,
    "/providers/Microsoft.Billing/billingAccounts/{}/billingPermissions",
    BILLING,
    Idempotent,
);
pub(crate) static PERMISSIONS_BY_PROFILE: Operation = op(
    Method::GET,
    "/providers/Microsoft.Billing/billingAccounts/{}/billingProfiles/{}/billingPermissions",
    BILLING,
    Idempotent,
);
pub(crate) static CHECK_ACCESS_BY_ACCOUNT: Operation = op(
    Method::POST,
    "/providers/Microsoft.Billing/billingAccounts/{}/checkAccess",
    BILLING,
    Idempotent,
);
pub(crate) static CHECK_ACCESS_BY_PROFILE: Operation = op(
    Method::POST,
    "/providers/Microsoft.Billing/billingAccounts/{}/billingProfiles/{}/checkAccess",
    BILLING,
    Idempotent,
);
pub(crate) static ROLE_ASSIGNMENTS_BY_ACCOUNT: Operation = op(
    Method::GET,
    "/providers/Microsoft.Billing/billingAccounts/{}/billingRoleAssignments",
    BILLING,
    Idempotent,
);
pub(crate) static ROLE_ASSIGNMENTS_BY_PROFILE: Operation = op(
    Method::GET,
    "/providers/Microsoft.Billing/billingAccounts/{}/billingProfiles/{}/billingRoleAssignments",
    BILLING,
    Idempotent,
);
pub(crate) static ROLE_DEFINITIONS_BY_ACCOUNT: Operation = op(
    Method::GET,
    "/providers/Microsoft.Billing/billingAccounts/{}/billingRoleDefinitions",
    BILLING,
    Idempotent,
);
pub(crate) static ROLE_DEFINITIONS_BY_PROFILE: Operation = op(
    Method::GET,
    "/providers/Microsoft.Billing/billingAccounts/{}/billingProfiles/{}/billingRoleDefinitions",
    BILLING,
    Idempotent,
);

pub(crate) static POLICY_BY_ACCOUNT: Operation = op(
    Method::GET,
    "/providers/Microsoft.Billing/billingAccounts/{}/policies/default",
    BILLING,
    Idempotent,
);
pub(crate) static POLICY_BY_PROFILE: Operation = op(
    Method::GET,
    "/providers/Microsoft.Billing/billingAccounts/{}/billingProfiles/{}/policies/default",
    BILLING,
    Idempotent,
);
pub(crate) static POLICY_BY_SUBSCRIPTION: Operation = op(
    Method::GET,
    "/subscriptions/{}/providers/Microsoft.Billing/policies/default",
    BILLING,
    Idempotent,
);

/// RFC 3986 unreserved characters stay; everything else (including `:` of MCA account names,
/// sent as `%3A` like the official SDKs) is encoded.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn segment(value: &str) -> Result<String, BillingError> {
    if value.is_empty() || value == "." || value == ".." {
        return Err(BillingError::BadRequest {
            status: 0,
            code: "InvalidPathSegment".into(),
            message: format!("'{value}' cannot be used as a name in a request path"),
            request_id: None,
        });
    }
    Ok(utf8_percent_encode(value, SEGMENT).to_string())
}

impl Operation {
    /// The full URL with `api-version` and `query` (skipping `None` values).
    pub(crate) fn url(
        &self,
        endpoint: &ArmEndpoint,
        params: &[&str],
        query: &[(&str, Option<String>)],
    ) -> Result<Url, BillingError> {
        let mut path = String::with_capacity(self.path.len() + 64);
        let mut params = params.iter();
        let mut rest = self.path;
        while let Some(start) = rest.find('{') {
            path.push_str(&rest[..start]);
            let end = start + rest[start..].find('}').unwrap_or(0);
            let placeholder = &rest[start..=end];
            let value = params.next().copied().unwrap_or_default();
            if placeholder == "{*}" {
                let segments: Result<Vec<_>, _> =
                    value.trim_matches('/').split('/').map(segment).collect();
                path.push_str(&segments?.join("/"));
            } else {
                path.push_str(&segment(value)?);
            }
            rest = &rest[end + 1..];
        }
        path.push_str(rest);
        debug_assert!(
            params.next().is_none(),
            "too many parameters for {}",
            self.path
        );
        let mut url = endpoint.join(&path)?;
        {
            let mut pairs = url.query_pairs_mut();
            pairs.append_pair("api-version", self.api_version);
            for (name, value) in query {
                if let Some(value) = value {
                    pairs.append_pair(name, value);
                }
            }
        }
        Ok(url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::Cloud;

    #[test]
    fn segments_are_encoded_and_api_version_added() {
        let endpoint = ArmEndpoint::new(&Cloud::AzurePublic).unwrap();
        let url = INVOICES_BY_PROFILE
            .url(
                &endpoint,
                &["1234:5678_2019-05-31", "AB12-CD34"],
                &[
                    ("periodStartDate", Some("2024-01-01".into())),
                    ("top", None),
                ],
            )
            .unwrap();
        assert_eq!(
            url.as_str(),
            "https://management.azure.com/providers/Microsoft.Billing/billingAccounts/1234%3A5678_2019-05-31/billingProfiles/AB12-CD34/invoices?api-version=2024-04-01&periodStartDate=2024-01-01"
        );
        let sneaky = ACCOUNTS_GET
            .url(&endpoint, &["a/../../subscriptions"], &[])
            .unwrap();
        assert!(
            sneaky
                .path()
                .ends_with("/billingAccounts/a%2F..%2F..%2Fsubscriptions")
        );
        assert!(ACCOUNTS_GET.url(&endpoint, &[".."], &[]).is_err());
        assert!(ACCOUNTS_GET.url(&endpoint, &[""], &[]).is_err());
    }

    #[test]
    fn scopes_keep_their_slashes() {
        let endpoint = ArmEndpoint::new(&Cloud::AzurePublic).unwrap();
        let url = COST_DETAILS_RESULT
            .url(
                &endpoint,
                &[
                    "/providers/Microsoft.Billing/billingAccounts/12345:6789/billingProfiles/13579",
                    "op-1",
                ],
                &[],
            )
            .unwrap();
        assert_eq!(
            url.path(),
            "/providers/Microsoft.Billing/billingAccounts/12345%3A6789/billingProfiles/13579/providers/Microsoft.CostManagement/costDetailsOperationResults/op-1"
        );
    }
}
