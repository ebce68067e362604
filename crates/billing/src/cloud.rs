//! Which Azure Resource Manager to talk to, and the token scope that goes with it.

use std::net::IpAddr;

use url::{Host, Url};

use crate::error::BillingError;

/// A sovereign cloud, or any ARM-compatible endpoint (the emulator, a proxy).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cloud {
    AzurePublic,
    AzureChina,
    AzureUsGov,
    /// `token_scope` empty means `{arm_url origin}/.default`.
    Custom {
        arm_url: String,
        token_scope: String,
    },
}

/// A validated ARM base URL plus the scope to request tokens for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArmEndpoint {
    base: Url,
    token_scope: String,
}

impl ArmEndpoint {
    /// Validates the cloud's URL: `https`, or plain `http` only for loopback hosts so that a
    /// bearer token never crosses a network in clear text.
    pub fn new(cloud: &Cloud) -> Result<Self, BillingError> {
        let (url, scope) = match cloud {
            Cloud::AzurePublic => ("https://management.azure.com", ""),
            Cloud::AzureChina => ("https://management.chinacloudapi.cn", ""),
            Cloud::AzureUsGov => ("https://management.usgovcloudapi.net", ""),
            Cloud::Custom {
                arm_url,
                token_scope,
            } => (arm_url.as_str(), token_scope.as_str()),
        };
        let invalid = |reason: &str| BillingError::InvalidEndpoint {
            reason: format!("{reason}: {url}"),
        };
        let mut base = Url::parse(url.trim()).map_err(|_| invalid("not a URL"))?;
        if base.host().is_none() {
            return Err(invalid("no host"));
        }
        if !base.username().is_empty() || base.password().is_some() {
            return Err(invalid("credentials in the URL"));
        }
        if base.query().is_some() || base.fragment().is_some() {
            return Err(invalid("query or fragment in the URL"));
        }
        match base.scheme() {
            "https" => {}
            "http" if is_loopback(&base) => {}
            "http" => return Err(invalid("plain http is only allowed for loopback hosts")),
            _ => return Err(invalid("scheme must be https")),
        }
        // A base path (a proxy prefix) is kept; a trailing slash is not, so paths join cleanly.
        let path = base.path().trim_end_matches('/').to_owned();
        base.set_path(&path);
        let token_scope = if scope.trim().is_empty() {
            format!("{}/.default", base.origin().ascii_serialization())
        } else {
            scope.trim().to_owned()
        };
        Ok(Self { base, token_scope })
    }

    /// The base URL without a trailing slash.
    #[must_use]
    pub fn base_url(&self) -> &Url {
        &self.base
    }

    #[must_use]
    pub fn token_scope(&self) -> &str {
        &self.token_scope
    }

    /// Whether `url` is on this ARM origin (scheme, host and port): only then is the bearer sent.
    #[must_use]
    pub fn is_arm_origin(&self, url: &Url) -> bool {
        url.origin() == self.base.origin()
    }

    /// `base + path`, where `path` starts with `/` and is already percent-encoded.
    pub(crate) fn join(&self, path: &str) -> Result<Url, BillingError> {
        let text = format!("{}{}", self.base.as_str().trim_end_matches('/'), path);
        Url::parse(&text).map_err(|_| BillingError::InvalidEndpoint {
            reason: format!("cannot build a URL for {path}"),
        })
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::{ArmEndpoint, Cloud};

    fn custom(url: &str) -> Cloud {
        Cloud::Custom {
            arm_url: url.into(),
            token_scope: String::new(),
        }
    }

    #[test]
    fn sovereign_clouds_derive_their_scope() {
        let public = ArmEndpoint::new(&Cloud::AzurePublic).unwrap();
        assert_eq!(
            public.token_scope(),
            "https://management.azure.com/.default"
        );
        let china = ArmEndpoint::new(&Cloud::AzureChina).unwrap();
        assert_eq!(
            china.token_scope(),
            "https://management.chinacloudapi.cn/.default"
        );
        let gov = ArmEndpoint::new(&Cloud::AzureUsGov).unwrap();
        assert_eq!(
            gov.base_url().host_str(),
            Some("management.usgovcloudapi.net")
        );
    }

    #[test]
    fn plain_http_only_for_loopback() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://127.5.6.7",
            "http://[::1]:9/",
            "http://LocalHost:1",
        ] {
            assert!(ArmEndpoint::new(&custom(ok)).is_ok(), "{ok}");
        }
        for bad in [
            "http://10.0.0.1",
            "http://example.com",
            "http://localhost.evil.com",
            "ftp://127.0.0.1",
            "https://u:p@example.com",
            "not a url",
        ] {
            let err = ArmEndpoint::new(&custom(bad)).unwrap_err();
            assert_eq!(err.code(), "invalid_endpoint", "{bad}");
        }
    }

    #[test]
    fn custom_scope_is_kept_and_paths_join() {
        let endpoint = ArmEndpoint::new(&Cloud::Custom {
            arm_url: "https://proxy.example/arm/".into(),
            token_scope: "api://x/.default".into(),
        })
        .unwrap();
        assert_eq!(endpoint.token_scope(), "api://x/.default");
        let url = endpoint
            .join("/providers/Microsoft.Billing/billingAccounts/a%3Ab")
            .unwrap();
        assert_eq!(
            url.as_str(),
            "https://proxy.example/arm/providers/Microsoft.Billing/billingAccounts/a%3Ab"
        );
        assert!(endpoint.is_arm_origin(&url));
        assert!(!endpoint.is_arm_origin(&"https://x.blob.core.windows.net/c".parse().unwrap()));
    }
}
