//! Reusing an existing Azure CLI sign-in (`az login`) through `azure_identity`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use azure_core::credentials::{AccessToken, TokenCredential};
use azure_identity::{AzureCliCredential, AzureCliCredentialOptions};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::error::AuthError;

/// The `client_id` of an account whose tokens come from the Azure CLI (`az account
/// get-access-token`) instead of a refresh token: the CLI's own client obtains them, and the
/// keychain entry holds no secret, only who the account is.
pub const AZURE_CLI_CLIENT: &str = "azure-cli";

/// Who a token was issued to, from its claims (read locally, never shown or logged).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TokenIdentity {
    pub name: Option<String>,
    pub username: Option<String>,
    pub tenant: Option<String>,
    /// The user's object id (`oid`), to find their own billing role assignments.
    pub object_id: Option<String>,
}

impl TokenIdentity {
    /// Reads the claims of a JWT access token; an opaque token gives an empty identity.
    #[must_use]
    pub fn from_access_token(token: &str) -> Self {
        let claims = token
            .split('.')
            .nth(1)
            .and_then(|payload| URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok())
            .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
            .unwrap_or_default();
        let text = |key: &str| {
            claims
                .get(key)
                .and_then(serde_json::Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        Self {
            name: text("name"),
            username: text("upn")
                .or_else(|| text("unique_name"))
                .or_else(|| text("preferred_username"))
                .or_else(|| text("email")),
            tenant: text("tid"),
            object_id: text("oid"),
        }
    }
}

/// A token from the Azure CLI for `scopes` in `tenant` (`None`: the CLI's default tenant).
pub async fn azure_cli_token(
    tenant: Option<&str>,
    scopes: &[&str],
) -> Result<AccessToken, AuthError> {
    let credential = azure_cli_credential(tenant)?;
    credential
        .get_token(scopes, None)
        .await
        .map_err(|e| AuthError::AzureCliFailed {
            message: invoice_desk_logging::redact(&e.to_string()).into_owned(),
        })
}

/// The `az` executable on `PATH`, if any (`az.cmd` on Windows).
#[must_use]
pub fn find_azure_cli() -> Option<PathBuf> {
    find_on_path(std::env::var_os("PATH")?.as_os_str())
}

fn find_on_path(path: &std::ffi::OsStr) -> Option<PathBuf> {
    let names: &[&str] = if cfg!(windows) {
        &["az.cmd", "az.exe", "az.bat"]
    } else {
        &["az"]
    };
    std::env::split_paths(path)
        .flat_map(|dir| names.iter().map(move |name| dir.join(name)))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        path.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

/// A credential that asks the Azure CLI for tokens (`az account get-access-token`).
/// `tenant` picks another tenant of the CLI's account. Fails with
/// [`AuthError::AzureCliMissing`] when `az` is not on `PATH`.
pub fn azure_cli_credential(tenant: Option<&str>) -> Result<Arc<dyn TokenCredential>, AuthError> {
    if find_azure_cli().is_none() {
        return Err(AuthError::AzureCliMissing);
    }
    let options = AzureCliCredentialOptions {
        tenant_id: tenant.map(str::to_owned),
        ..AzureCliCredentialOptions::default()
    };
    let credential =
        AzureCliCredential::new(Some(options)).map_err(|e| AuthError::AzureCliFailed {
            message: e.to_string(),
        })?;
    Ok(credential)
}

/// Checks the CLI is signed in by asking it for a token for `scope`; the token is dropped.
pub async fn check_azure_cli(
    credential: &dyn TokenCredential,
    scope: &str,
) -> Result<(), AuthError> {
    credential
        .get_token(&[scope], None)
        .await
        .map(|_| ())
        .map_err(|e| AuthError::AzureCliFailed {
            message: invoice_desk_logging::redact(&e.to_string()).into_owned(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_who_from_the_token_claims() {
        let payload = URL_SAFE_NO_PAD
            .encode(br#"{"name":"Alex","upn":"alex@contoso.example","tid":"t1","oid":"o"}"#);
        let id = TokenIdentity::from_access_token(&format!("h.{payload}.s"));
        assert_eq!(id.name.as_deref(), Some("Alex"));
        assert_eq!(id.username.as_deref(), Some("alex@contoso.example"));
        assert_eq!(id.tenant.as_deref(), Some("t1"));
        assert_eq!(id.object_id.as_deref(), Some("o"));
        assert!(
            TokenIdentity::from_access_token("opaque")
                .username
                .is_none()
        );
    }

    #[cfg(unix)]
    #[test]
    fn finds_an_executable_az_only() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let az = dir.path().join("az");
        std::fs::write(&az, "#!/bin/sh\n").unwrap();
        let path = std::env::join_paths([dir.path()]).unwrap();
        assert_eq!(find_on_path(&path), None, "not executable yet");
        std::fs::set_permissions(&az, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(find_on_path(&path), Some(az));
        let empty = tempfile::tempdir().unwrap();
        assert_eq!(
            find_on_path(&std::env::join_paths([empty.path()]).unwrap()),
            None
        );
    }

    /// The Azure CLI's Windows installer puts `az.cmd` on `PATH` (in `CLI2\wbin`).
    #[cfg(windows)]
    #[test]
    fn finds_the_az_cmd_of_the_windows_installer() {
        let dir = tempfile::tempdir().unwrap();
        let path = std::env::join_paths([dir.path()]).unwrap();
        std::fs::write(dir.path().join("az"), "").unwrap();
        assert_eq!(
            find_on_path(&path),
            None,
            "a file without an extension does not run on Windows"
        );
        let az = dir.path().join("az.cmd");
        std::fs::write(&az, "@echo off\r\n").unwrap();
        assert_eq!(find_on_path(&path), Some(az));
    }
}
