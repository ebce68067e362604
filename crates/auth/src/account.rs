//! A signed-in account as the app shows it: who, which cloud, which tenants.

use serde::{Deserialize, Serialize};

use crate::cloud::Cloud;
use crate::entra::TokenSet;
use crate::error::AuthError;

/// One account: keyed by `uid.utid` from `client_info` (object id and home tenant), which stays
/// the same across sign-ins, tenants and clients.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// `uid.utid`.
    pub id: String,
    /// The sign-in name (UPN or email).
    pub username: String,
    pub display_name: String,
    pub cloud: Cloud,
    pub home_tenant: String,
    /// The home tenant first; others as listed by ARM, each turned on by the user.
    pub tenants: Vec<TenantInfo>,
}

/// A tenant the account belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantInfo {
    pub id: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub default_domain: Option<String>,
    /// Whether the user turned this tenant on (the home tenant always is).
    pub enabled: bool,
}

impl TenantInfo {
    #[must_use]
    pub fn new(id: impl Into<String>, enabled: bool) -> Self {
        Self {
            id: id.into(),
            display_name: None,
            default_domain: None,
            enabled,
        }
    }
}

/// Whether tokens for a tenant can be had silently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum TenantState {
    Ready,
    /// The tenant answered `interaction_required` (MFA, Conditional Access, consent): show
    /// "Sign in again" on this tenant only. `code` is the [`AuthError::code`] that caused it.
    NeedsSignIn {
        code: String,
        #[serde(default)]
        claims: Option<String>,
    },
}

impl Account {
    /// The user's object id in the home directory (the `uid` of `uid.utid`), which finds the
    /// user's own role assignments.
    #[must_use]
    pub fn object_id(&self) -> Option<&str> {
        self.id.split('.').next().filter(|uid| !uid.is_empty())
    }

    /// Builds the account from the tokens of an interactive sign-in.
    pub fn from_tokens(tokens: &TokenSet, cloud: &Cloud) -> Result<Self, AuthError> {
        let info = tokens
            .client_info
            .as_ref()
            .ok_or_else(|| AuthError::invalid_response("the token response has no client_info"))?;
        let claims = tokens.id_token.clone().unwrap_or_default();
        let username = claims.username().unwrap_or_default().to_owned();
        let display_name = claims
            .name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| username.clone());
        Ok(Self {
            id: info.account_id(),
            username,
            display_name,
            cloud: cloud.clone(),
            home_tenant: info.utid.clone(),
            tenants: vec![TenantInfo::new(info.utid.clone(), true)],
        })
    }

    #[must_use]
    pub fn tenant(&self, id: &str) -> Option<&TenantInfo> {
        self.tenants.iter().find(|t| t.id.eq_ignore_ascii_case(id))
    }

    /// Merges a fresh tenant listing: known tenants keep their switch, new ones start off, the
    /// home tenant stays first and on; tenants no longer listed are dropped.
    pub fn merge_tenants(&mut self, listed: Vec<TenantInfo>) {
        let mut merged: Vec<TenantInfo> = Vec::with_capacity(listed.len() + 1);
        let home = self.home_tenant.clone();
        for mut tenant in listed {
            if merged.iter().any(|t| t.id.eq_ignore_ascii_case(&tenant.id)) {
                continue;
            }
            let is_home = tenant.id.eq_ignore_ascii_case(&home);
            tenant.enabled = is_home || self.tenant(&tenant.id).is_some_and(|t| t.enabled);
            if is_home {
                merged.insert(0, tenant);
            } else {
                merged.push(tenant);
            }
        }
        if !merged.iter().any(|t| t.id.eq_ignore_ascii_case(&home)) {
            let known = self
                .tenant(&home)
                .cloned()
                .unwrap_or_else(|| TenantInfo::new(home.clone(), true));
            merged.insert(
                0,
                TenantInfo {
                    enabled: true,
                    ..known
                },
            );
        }
        self.tenants = merged;
    }
}

#[cfg(test)]
mod tests {
    use super::{Account, TenantInfo};
    use crate::cloud::Cloud;

    fn account() -> Account {
        Account {
            id: "u.home".into(),
            username: "ada@contoso.example".into(),
            display_name: "Ada".into(),
            cloud: Cloud::AzurePublic,
            home_tenant: "home".into(),
            tenants: vec![
                TenantInfo::new("home", true),
                TenantInfo::new("guest", true),
            ],
        }
    }

    #[test]
    fn merging_keeps_switches_and_the_home_tenant_first() {
        let mut a = account();
        a.merge_tenants(vec![
            TenantInfo::new("new", true),
            TenantInfo::new("guest", false),
            TenantInfo {
                display_name: Some("Home".into()),
                ..TenantInfo::new("HOME", false)
            },
        ]);
        let ids: Vec<_> = a
            .tenants
            .iter()
            .map(|t| (t.id.as_str(), t.enabled))
            .collect();
        assert_eq!(ids, vec![("HOME", true), ("new", false), ("guest", true)]);
        a.merge_tenants(vec![]);
        assert_eq!(a.tenants.len(), 1);
        assert!(a.tenants[0].enabled);
    }
}
