//! Which app registration, tenant and cloud to sign in with.
//!
//! Layers, later wins: built-in defaults, the machine-wide organisation file, the per-user
//! file, then the app's settings and command-line flags ([`AuthOverrides`]).
//!
//! The organisation file is TOML named `auth.toml`:
//!
//! | OS | machine-wide | per-user |
//! |---|---|---|
//! | Linux | `/etc/invoice-desk/auth.toml` | `$XDG_CONFIG_HOME/invoice-desk/auth.toml` (`~/.config/…`) |
//! | macOS | `/Library/Application Support/Invoice Desk/auth.toml` | `~/Library/Application Support/Invoice Desk/auth.toml` |
//! | Windows | `%ProgramData%\Invoice Desk\auth.toml` | `%APPDATA%\Invoice Desk\auth.toml` |
//!
//! ```toml
//! client_id = "00000000-0000-0000-0000-000000000000"  # your multi-tenant public client
//! tenant = "organizations"                             # or a tenant id / domain
//! cloud = "public"                                     # public | china | usgov
//! redirect_host = "127.0.0.1"                          # or "localhost"
//! # a custom cloud instead:
//! # cloud = { authority_host = "https://login.example", arm_endpoint = "https://arm.example", token_scope = "https://arm.example/.default" }
//! ```

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::cloud::Cloud;
use crate::error::AuthError;

/// The public client Azure's own command-line tools use: works in every tenant without anyone
/// registering an app. Its redirect URI is `http://localhost:{port}`.
pub const AZURE_CLI_CLIENT_ID: &str = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
/// Sign in with work or school accounts from any tenant.
pub const DEFAULT_TENANT: &str = "organizations";
/// The file name looked up in the configuration folders.
pub const CONFIG_FILE_NAME: &str = "auth.toml";

/// The host in the loopback redirect URI. The listener always binds `127.0.0.1`; only the name
/// the authority sends the browser to differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum RedirectHost {
    /// `http://localhost:{port}`: what the Azure CLI's client id is registered with.
    #[default]
    #[serde(rename = "localhost")]
    Localhost,
    /// `http://127.0.0.1:{port}`: what Entra recommends for an organisation's own registration.
    #[serde(rename = "127.0.0.1")]
    Loopback127,
}

impl RedirectHost {
    #[must_use]
    pub fn redirect_uri(self, port: u16) -> String {
        match self {
            Self::Localhost => format!("http://localhost:{port}"),
            Self::Loopback127 => format!("http://127.0.0.1:{port}"),
        }
    }
}

/// The effective sign-in configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthConfig {
    pub client_id: String,
    pub tenant: String,
    pub cloud: Cloud,
    pub redirect_host: RedirectHost,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            client_id: AZURE_CLI_CLIENT_ID.into(),
            tenant: DEFAULT_TENANT.into(),
            cloud: Cloud::AzurePublic,
            redirect_host: RedirectHost::Localhost,
        }
    }
}

/// Optional values from a file, the settings or the command line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthOverrides {
    #[serde(default)]
    pub client_id: Option<String>,
    #[serde(default)]
    pub tenant: Option<String>,
    #[serde(default)]
    pub cloud: Option<Cloud>,
    #[serde(default)]
    pub redirect_host: Option<RedirectHost>,
}

impl AuthOverrides {
    /// Reads one `auth.toml`. A missing file is `Ok(None)`.
    pub fn from_file(path: &Path) -> Result<Option<Self>, AuthError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(AuthError::InvalidConfig {
                    reason: format!("cannot read {}: {e}", path.display()),
                });
            }
        };
        toml::from_str(&text)
            .map(Some)
            .map_err(|e| AuthError::InvalidConfig {
                reason: format!("{}: {}", path.display(), e.message()),
            })
    }
}

impl AuthConfig {
    /// The organisation files looked up by [`AuthConfig::load`], machine-wide first.
    #[must_use]
    pub fn config_paths() -> Vec<PathBuf> {
        let mut paths = Vec::new();
        if let Some(machine) = machine_config_dir() {
            paths.push(machine.join(CONFIG_FILE_NAME));
        }
        if let Some(user) = dirs::config_dir() {
            paths.push(user.join(app_folder()).join(CONFIG_FILE_NAME));
        }
        paths
    }

    /// Defaults, then each existing file of `paths` in order, then `overrides`; validated.
    pub fn load(paths: &[PathBuf], overrides: &AuthOverrides) -> Result<Self, AuthError> {
        let mut config = Self::default();
        for path in paths {
            if let Some(file) = AuthOverrides::from_file(path)? {
                config.apply(&file);
            }
        }
        config.apply(overrides);
        config.validate()?;
        Ok(config)
    }

    /// Applies the values that are set. Choosing an own client id without a redirect host picks
    /// `127.0.0.1`, the host an organisation's registration uses.
    pub fn apply(&mut self, overrides: &AuthOverrides) {
        if let Some(client_id) = &overrides.client_id {
            client_id.trim().clone_into(&mut self.client_id);
            if overrides.redirect_host.is_none() {
                self.redirect_host = if self.client_id.eq_ignore_ascii_case(AZURE_CLI_CLIENT_ID) {
                    RedirectHost::Localhost
                } else {
                    RedirectHost::Loopback127
                };
            }
        }
        if let Some(tenant) = &overrides.tenant {
            tenant.trim().clone_into(&mut self.tenant);
        }
        if let Some(cloud) = &overrides.cloud {
            self.cloud = cloud.clone();
        }
        if let Some(host) = overrides.redirect_host {
            self.redirect_host = host;
        }
    }

    pub fn validate(&self) -> Result<(), AuthError> {
        let id = self.client_id.as_str();
        if id.is_empty()
            || id.len() > 64
            || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(AuthError::InvalidConfig {
                reason: "client_id must be an application (client) id".into(),
            });
        }
        validate_tenant(&self.tenant)?;
        self.cloud.authority_host()?;
        self.cloud.arm_endpoint()?;
        Ok(())
    }
}

/// A tenant id, a verified domain, or `organizations` / `common` / `consumers`: something that
/// is safe to put in an authority URL path.
pub(crate) fn validate_tenant(tenant: &str) -> Result<&str, AuthError> {
    let ok = !tenant.is_empty()
        && tenant.len() <= 253
        && !tenant.starts_with('.')
        && tenant
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_');
    if ok {
        Ok(tenant)
    } else {
        Err(AuthError::InvalidConfig {
            reason: format!("`{tenant}` is not a tenant id or domain"),
        })
    }
}

fn app_folder() -> &'static str {
    if cfg!(target_os = "linux") {
        "invoice-desk"
    } else {
        "Invoice Desk"
    }
}

fn machine_config_dir() -> Option<PathBuf> {
    if cfg!(target_os = "windows") {
        std::env::var_os("ProgramData").map(|p| PathBuf::from(p).join("Invoice Desk"))
    } else if cfg!(target_os = "macos") {
        Some(PathBuf::from("/Library/Application Support/Invoice Desk"))
    } else {
        Some(PathBuf::from("/etc/invoice-desk"))
    }
}

#[cfg(test)]
mod tests {
    use super::{AZURE_CLI_CLIENT_ID, AuthConfig, AuthOverrides, RedirectHost};
    use crate::cloud::Cloud;

    #[test]
    fn defaults_are_the_cli_client_on_localhost() {
        let config = AuthConfig::default();
        assert_eq!(config.client_id, AZURE_CLI_CLIENT_ID);
        assert_eq!(config.tenant, "organizations");
        assert_eq!(config.cloud, Cloud::AzurePublic);
        assert_eq!(
            config.redirect_host.redirect_uri(4711),
            "http://localhost:4711"
        );
        assert!(config.validate().is_ok());
        assert!(!AuthConfig::config_paths().is_empty());
    }

    #[test]
    fn files_then_overrides() {
        let dir = tempfile::tempdir().unwrap();
        let machine = dir.path().join("machine.toml");
        let user = dir.path().join("user.toml");
        std::fs::write(
            &machine,
            "client_id = \"11111111-2222-3333-4444-555555555555\"\ncloud = \"usgov\"\n",
        )
        .unwrap();
        std::fs::write(&user, "tenant = \"contoso.onmicrosoft.com\"\n").unwrap();
        let missing = dir.path().join("missing.toml");
        let config =
            AuthConfig::load(&[machine.clone(), missing, user], &AuthOverrides::default()).unwrap();
        assert_eq!(config.client_id, "11111111-2222-3333-4444-555555555555");
        assert_eq!(config.redirect_host, RedirectHost::Loopback127);
        assert_eq!(config.cloud, Cloud::AzureUsGov);
        assert_eq!(config.tenant, "contoso.onmicrosoft.com");

        let overrides = AuthOverrides {
            tenant: Some("organizations".into()),
            redirect_host: Some(RedirectHost::Localhost),
            ..AuthOverrides::default()
        };
        let config = AuthConfig::load(&[machine], &overrides).unwrap();
        assert_eq!(config.tenant, "organizations");
        assert_eq!(config.redirect_host, RedirectHost::Localhost);
    }

    #[test]
    fn custom_cloud_table_and_bad_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("auth.toml");
        std::fs::write(
            &path,
            "redirect_host = \"127.0.0.1\"\n[cloud]\nauthority_host = \"http://127.0.0.1:9\"\narm_endpoint = \"http://127.0.0.1:9\"\n",
        )
        .unwrap();
        let config =
            AuthConfig::load(std::slice::from_ref(&path), &AuthOverrides::default()).unwrap();
        assert_eq!(config.cloud.key(), "custom-127.0.0.1:9");
        assert_eq!(config.redirect_host, RedirectHost::Loopback127);

        std::fs::write(&path, "tenant = \"a/b\"\n").unwrap();
        let err =
            AuthConfig::load(std::slice::from_ref(&path), &AuthOverrides::default()).unwrap_err();
        assert_eq!(err.code(), "invalid_config");
        std::fs::write(&path, "tenantt = \"x\"\n").unwrap();
        let err =
            AuthConfig::load(std::slice::from_ref(&path), &AuthOverrides::default()).unwrap_err();
        assert_eq!(err.code(), "invalid_config");
        std::fs::write(
            &path,
            "[cloud]\nauthority_host = \"http://login.example\"\narm_endpoint = \"https://a\"\n",
        )
        .unwrap();
        assert!(AuthConfig::load(&[path], &AuthOverrides::default()).is_err());
    }
}
