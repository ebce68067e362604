//! Reusing an existing Azure CLI sign-in (`az login`) through `azure_identity`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use azure_core::credentials::TokenCredential;
use azure_identity::{AzureCliCredential, AzureCliCredentialOptions};

use crate::error::AuthError;

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
    use super::find_on_path;

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
}
