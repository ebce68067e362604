//! Sovereign clouds: where to sign in, which ARM to call, and the scope that goes with it.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};
use url::{Host, Url};

use crate::error::AuthError;

/// An Azure cloud, or any Entra-compatible authority plus ARM endpoint (the emulator, a proxy).
///
/// In configuration files a cloud is a name (`"public"`, `"china"`, `"usgov"`) or a table
/// `{ authority_host = "...", arm_endpoint = "...", token_scope = "..." }`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "CloudRepr", into = "CloudRepr")]
pub enum Cloud {
    #[default]
    AzurePublic,
    AzureChina,
    AzureUsGov,
    /// `token_scope` empty means `{arm_endpoint origin}/.default`.
    Custom {
        authority_host: String,
        arm_endpoint: String,
        token_scope: String,
    },
}

impl Cloud {
    /// The short name used in configuration, CLI flags and keychain entry names.
    /// A custom cloud is `custom-{authority host[:port]}` so two custom clouds never share entries.
    #[must_use]
    pub fn key(&self) -> String {
        match self {
            Self::AzurePublic => "public".into(),
            Self::AzureChina => "china".into(),
            Self::AzureUsGov => "usgov".into(),
            Self::Custom { authority_host, .. } => {
                let host = Url::parse(authority_host.trim())
                    .ok()
                    .and_then(|u| {
                        u.host_str().map(|h| match u.port() {
                            Some(p) => format!("{h}:{p}"),
                            None => h.to_owned(),
                        })
                    })
                    .unwrap_or_else(|| authority_host.trim().to_owned());
                format!("custom-{host}")
            }
        }
    }

    /// Parses a cloud name as used on the command line (`public`, `china`, `usgov`, and the
    /// Azure CLI spellings `AzureCloud`, `AzureChinaCloud`, `AzureUSGovernment`).
    pub fn from_name(name: &str) -> Result<Self, AuthError> {
        match name.trim().to_ascii_lowercase().as_str() {
            "public" | "azurecloud" | "azure" | "azurepublic" => Ok(Self::AzurePublic),
            "china" | "azurechinacloud" | "azurechina" => Ok(Self::AzureChina),
            "usgov" | "azureusgovernment" | "azureusgov" | "usgovernment" => Ok(Self::AzureUsGov),
            other => Err(AuthError::InvalidConfig {
                reason: format!("unknown cloud `{other}` (public, china, usgov or a custom table)"),
            }),
        }
    }

    /// The authority host (`https://login.microsoftonline.com` …), validated, without a
    /// trailing slash.
    pub fn authority_host(&self) -> Result<Url, AuthError> {
        match self {
            Self::AzurePublic => validated_base("https://login.microsoftonline.com"),
            Self::AzureChina => validated_base("https://login.chinacloudapi.cn"),
            Self::AzureUsGov => validated_base("https://login.microsoftonline.us"),
            Self::Custom { authority_host, .. } => validated_base(authority_host),
        }
    }

    /// The ARM endpoint, validated, without a trailing slash.
    pub fn arm_endpoint(&self) -> Result<Url, AuthError> {
        match self {
            Self::AzurePublic => validated_base("https://management.azure.com"),
            Self::AzureChina => validated_base("https://management.chinacloudapi.cn"),
            Self::AzureUsGov => validated_base("https://management.usgovcloudapi.net"),
            Self::Custom { arm_endpoint, .. } => validated_base(arm_endpoint),
        }
    }

    /// The scope for ARM tokens: the Azure CLI's (`https://management.core.windows.net//.default`,
    /// double slash intended) for the sovereign clouds; for a custom cloud its `token_scope` or
    /// `{arm origin}/.default`.
    pub fn arm_scope(&self) -> Result<String, AuthError> {
        Ok(match self {
            Self::AzurePublic => "https://management.core.windows.net//.default".into(),
            Self::AzureChina => "https://management.core.chinacloudapi.cn//.default".into(),
            Self::AzureUsGov => "https://management.core.usgovcloudapi.net//.default".into(),
            Self::Custom { token_scope, .. } if !token_scope.trim().is_empty() => {
                token_scope.trim().to_owned()
            }
            Self::Custom { .. } => {
                format!(
                    "{}/.default",
                    self.arm_endpoint()?.origin().ascii_serialization()
                )
            }
        })
    }

    /// `{authority}/{tenant}/oauth2/v2.0/{endpoint}` (`authorize`, `token`, `devicecode`).
    pub fn authority_endpoint(&self, tenant: &str, endpoint: &str) -> Result<Url, AuthError> {
        let tenant = crate::config::validate_tenant(tenant)?;
        let base = self.authority_host()?;
        let text = format!(
            "{}/{tenant}/oauth2/v2.0/{endpoint}",
            base.as_str().trim_end_matches('/')
        );
        Url::parse(&text).map_err(|_| AuthError::InvalidEndpoint {
            reason: format!("cannot build the {endpoint} URL"),
        })
    }

    /// The same cloud as the billing client understands it.
    pub fn to_billing(&self) -> Result<invoice_desk_billing::Cloud, AuthError> {
        Ok(match self {
            Self::AzurePublic => invoice_desk_billing::Cloud::AzurePublic,
            Self::AzureChina => invoice_desk_billing::Cloud::AzureChina,
            Self::AzureUsGov => invoice_desk_billing::Cloud::AzureUsGov,
            Self::Custom { .. } => invoice_desk_billing::Cloud::Custom {
                arm_url: self.arm_endpoint()?.to_string(),
                token_scope: self.arm_scope()?,
            },
        })
    }
}

/// `https`, or plain `http` only for loopback hosts, so no token ever crosses a network in
/// clear text. No credentials, query or fragment; the trailing slash is dropped.
fn validated_base(text: &str) -> Result<Url, AuthError> {
    let invalid = |reason: &str| AuthError::InvalidEndpoint {
        reason: format!("{reason}: {text}"),
    };
    let mut url = Url::parse(text.trim()).map_err(|_| invalid("not a URL"))?;
    if url.host().is_none() {
        return Err(invalid("no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("credentials in the URL"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("query or fragment in the URL"));
    }
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => return Err(invalid("plain http is only allowed for loopback hosts")),
        _ => return Err(invalid("scheme must be https")),
    }
    let path = url.path().trim_end_matches('/').to_owned();
    url.set_path(&path);
    Ok(url)
}

pub(crate) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum CloudRepr {
    Name(String),
    Custom {
        authority_host: String,
        arm_endpoint: String,
        #[serde(default)]
        token_scope: String,
    },
}

impl TryFrom<CloudRepr> for Cloud {
    type Error = AuthError;

    fn try_from(repr: CloudRepr) -> Result<Self, AuthError> {
        match repr {
            CloudRepr::Name(name) => Self::from_name(&name),
            CloudRepr::Custom {
                authority_host,
                arm_endpoint,
                token_scope,
            } => {
                let cloud = Self::Custom {
                    authority_host,
                    arm_endpoint,
                    token_scope,
                };
                cloud.authority_host()?;
                cloud.arm_endpoint()?;
                Ok(cloud)
            }
        }
    }
}

impl From<Cloud> for CloudRepr {
    fn from(cloud: Cloud) -> Self {
        match cloud {
            Cloud::Custom {
                authority_host,
                arm_endpoint,
                token_scope,
            } => Self::Custom {
                authority_host,
                arm_endpoint,
                token_scope,
            },
            named => Self::Name(named.key()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Cloud;

    fn custom(authority: &str, arm: &str) -> Cloud {
        Cloud::Custom {
            authority_host: authority.into(),
            arm_endpoint: arm.into(),
            token_scope: String::new(),
        }
    }

    #[test]
    fn sovereign_endpoints_follow_the_table() {
        let rows = [
            (
                Cloud::AzurePublic,
                "login.microsoftonline.com",
                "management.azure.com",
                "https://management.core.windows.net//.default",
            ),
            (
                Cloud::AzureChina,
                "login.chinacloudapi.cn",
                "management.chinacloudapi.cn",
                "https://management.core.chinacloudapi.cn//.default",
            ),
            (
                Cloud::AzureUsGov,
                "login.microsoftonline.us",
                "management.usgovcloudapi.net",
                "https://management.core.usgovcloudapi.net//.default",
            ),
        ];
        for (cloud, authority, arm, scope) in rows {
            assert_eq!(cloud.authority_host().unwrap().host_str(), Some(authority));
            assert_eq!(cloud.arm_endpoint().unwrap().host_str(), Some(arm));
            assert_eq!(cloud.arm_scope().unwrap(), scope);
            assert_eq!(cloud.authority_host().unwrap().scheme(), "https");
        }
        assert_eq!(
            Cloud::AzurePublic
                .authority_endpoint("organizations", "token")
                .unwrap()
                .as_str(),
            "https://login.microsoftonline.com/organizations/oauth2/v2.0/token"
        );
    }

    #[test]
    fn custom_cloud_http_only_on_loopback() {
        let ok = custom("http://127.0.0.1:8080/", "http://localhost:9");
        assert_eq!(
            ok.authority_endpoint("t1", "devicecode").unwrap().as_str(),
            "http://127.0.0.1:8080/t1/oauth2/v2.0/devicecode"
        );
        assert_eq!(ok.arm_scope().unwrap(), "http://localhost:9/.default");
        assert_eq!(ok.key(), "custom-127.0.0.1:8080");
        for bad in [
            "http://10.0.0.1",
            "http://login.example.com",
            "http://localhost.evil.com",
            "ftp://127.0.0.1",
            "https://u:p@example.com",
            "https://example.com/?x=1",
            "nope",
        ] {
            let err = custom(bad, "https://arm.example")
                .authority_host()
                .unwrap_err();
            assert_eq!(err.code(), "invalid_endpoint", "{bad}");
        }
        let scoped = Cloud::Custom {
            authority_host: "https://login.example".into(),
            arm_endpoint: "https://arm.example/prefix/".into(),
            token_scope: "api://arm/.default".into(),
        };
        assert_eq!(scoped.arm_scope().unwrap(), "api://arm/.default");
        assert_eq!(
            scoped.arm_endpoint().unwrap().as_str(),
            "https://arm.example/prefix"
        );
    }

    #[test]
    fn names_and_serde_forms() {
        assert_eq!(
            Cloud::from_name("AzureChinaCloud").unwrap(),
            Cloud::AzureChina
        );
        assert_eq!(Cloud::from_name("usgov").unwrap(), Cloud::AzureUsGov);
        assert_eq!(
            Cloud::from_name("mars").unwrap_err().code(),
            "invalid_config"
        );
        let parsed: Cloud = serde_json::from_str("\"public\"").unwrap();
        assert_eq!(parsed, Cloud::AzurePublic);
        let parsed: Cloud = serde_json::from_str(
            r#"{"authority_host":"http://127.0.0.1:1","arm_endpoint":"http://127.0.0.1:1"}"#,
        )
        .unwrap();
        assert_eq!(parsed.key(), "custom-127.0.0.1:1");
        let back = serde_json::to_string(&parsed).unwrap();
        assert_eq!(serde_json::from_str::<Cloud>(&back).unwrap(), parsed);
        assert!(
            serde_json::from_str::<Cloud>(
                r#"{"authority_host":"http://example.com","arm_endpoint":"https://a"}"#
            )
            .is_err()
        );
        let billing = custom("http://127.0.0.1:1", "http://127.0.0.1:2")
            .to_billing()
            .unwrap();
        assert!(matches!(
            billing,
            invoice_desk_billing::Cloud::Custom { .. }
        ));
    }
}
