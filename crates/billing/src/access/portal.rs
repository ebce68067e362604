//! Portal addresses: the page of the Azure portal where whoever can grant an action does so.

use serde::Serialize;

use super::Action;
use crate::cloud::Cloud;
use crate::scope::{BillingScope, ScopeKind};

/// A page of the Azure portal and its address for the scope at hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PortalLink {
    /// Stable code of what the page is for, e.g. `"billing_profile_access_control"`.
    pub page: &'static str,
    pub url: String,
}

/// The Azure portals of the clouds the app knows: the only web pages it opens for a user
/// besides Microsoft Learn's.
const PORTAL_HOSTS: [&str; 3] = ["portal.azure.com", "portal.azure.us", "portal.azure.cn"];

/// The Azure portal of a cloud.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Portal {
    base: String,
}

impl Portal {
    /// A portal base URL such as `https://portal.azure.com` (trailing slashes dropped).
    #[must_use]
    pub fn new(base: &str) -> Self {
        Self {
            base: base.trim().trim_end_matches('/').to_owned(),
        }
    }

    /// The public, China or US Government portal; custom clouds get the public one (pass the
    /// right base to [`Portal::new`] instead when it is known).
    #[must_use]
    pub fn for_cloud(cloud: &Cloud) -> Self {
        Self::new(match cloud {
            Cloud::AzureChina => "https://portal.azure.cn",
            Cloud::AzureUsGov => "https://portal.azure.us",
            Cloud::AzurePublic | Cloud::Custom { .. } => "https://portal.azure.com",
        })
    }

    #[must_use]
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Whether `url` is a page of one of the clouds' own Azure portals (https, no user info,
    /// no port): what the window may open in the system browser.
    #[must_use]
    pub fn is_portal_page(url: &url::Url) -> bool {
        url.scheme() == "https"
            && url.username().is_empty()
            && url.password().is_none()
            && url.port().is_none()
            && url
                .host_str()
                .is_some_and(|host| PORTAL_HOSTS.contains(&host))
    }

    /// The portal page where whoever can grant `action` on `scope` does so.
    #[must_use]
    pub fn link(&self, scope: &BillingScope, action: Action, policy: bool) -> PortalLink {
        let base = &self.base;
        let tenant = scope.tenant_id.as_deref().unwrap_or_default();
        let resource = |suffix: &str| format!("{base}/#@{tenant}/resource{}{suffix}", scope.id);
        match scope.kind {
            ScopeKind::MospSubscription => match action {
                Action::ManageEmail => PortalLink {
                    page: "subscription_invoices",
                    url: format!("{base}/#blade/Microsoft_Azure_Billing/SubscriptionsBlade"),
                },
                // Usage goes with the invoices: the account administrator gives access to both
                // where the seed's "allow others to download" is.
                Action::ListInvoices | Action::DownloadInvoices | Action::DownloadUsage => {
                    PortalLink {
                        page: "allow_others_to_download_invoice",
                        url: format!("{base}/#blade/Microsoft_Azure_Billing/SubscriptionsBlade"),
                    }
                }
            },
            ScopeKind::EaEnrollment | ScopeKind::EaDepartment | ScopeKind::EaEnrollmentAccount
                if policy =>
            {
                let account = scope.billing_account_id.as_deref().unwrap_or(&scope.id);
                PortalLink {
                    page: "enrollment_policies",
                    url: format!("{base}/#@{tenant}/resource{account}/policies"),
                }
            }
            ScopeKind::McaInvoiceSection if action == Action::DownloadUsage => PortalLink {
                page: "invoice_section_access_control",
                url: resource("/billingrbac"),
            },
            ScopeKind::McaBillingProfile | ScopeKind::McaInvoiceSection => {
                // Invoices and e-mail settings belong to the billing profile, so a section
                // points at its profile's pages.
                let profile = scope
                    .billing_profile_id()
                    .unwrap_or_else(|| scope.id.clone());
                let page = |suffix: &str| format!("{base}/#@{tenant}/resource{profile}{suffix}");
                if action == Action::ManageEmail {
                    PortalLink {
                        page: "billing_profile_properties",
                        url: page("/properties"),
                    }
                } else {
                    PortalLink {
                        page: "billing_profile_access_control",
                        url: page("/billingrbac"),
                    }
                }
            }
            _ => PortalLink {
                page: "billing_scope_access_control",
                url: resource("/billingrbac"),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::fixtures::scope;

    #[test]
    fn only_the_clouds_own_portal_pages_may_be_opened() {
        let page = |text: &str| Portal::is_portal_page(&url::Url::parse(text).unwrap());
        assert!(page(
            "https://portal.azure.com/#blade/Microsoft_Azure_Billing/SubscriptionsBlade"
        ));
        assert!(page("https://portal.azure.cn/#@t/resource/x"));
        assert!(page("https://portal.azure.us/"));
        for other in [
            "http://portal.azure.com/",
            "https://portal.azure.com.evil.example/",
            "https://evil.example/?portal.azure.com",
            "https://user@portal.azure.com/",
            "https://portal.azure.com:8443/",
            "file:///etc/passwd",
            "https://learn.microsoft.com/",
        ] {
            assert!(!page(other), "{other}");
        }
    }

    #[test]
    fn portals_follow_the_cloud() {
        assert_eq!(
            Portal::for_cloud(&Cloud::AzureChina).base(),
            "https://portal.azure.cn"
        );
        assert_eq!(
            Portal::for_cloud(&Cloud::AzureUsGov).base(),
            "https://portal.azure.us"
        );
        let link = Portal::new("https://portal.example/").link(
            &scope(ScopeKind::McaBillingProfile),
            Action::ListInvoices,
            false,
        );
        assert!(
            link.url
                .starts_with("https://portal.example/#@t/resource/providers/")
        );
    }
}
