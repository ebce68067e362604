//! Sign-in for Invoice Desk: Microsoft Entra ID in the system browser (authorization code +
//! PKCE, loopback redirect) or with a device code, or an existing Azure CLI sign-in; accounts,
//! tenants and clouds; refresh tokens only in the OS keychain.
//!
//! No UI here: the app supplies the browser opener, the translated completion page and shows
//! the device code. [`Session`] implements `azure_core`'s `TokenCredential`, so the billing
//! client never knows how the user signed in.

pub mod account;
pub mod accounts;
pub mod azure_cli;
pub mod browser_flow;
pub mod cloud;
pub mod config;
pub mod device_flow;
pub mod entra;
pub mod error;
pub mod local;
pub mod loopback;
pub mod remember;
pub mod session;
pub mod store;

pub use account::{Account, TenantInfo, TenantState};
pub use accounts::{Accounts, open_store};
pub use azure_cli::{
    AZURE_CLI_CLIENT, TokenIdentity, azure_cli_credential, azure_cli_token, check_azure_cli,
    find_azure_cli,
};
pub use browser_flow::{BrowserOptions, DEFAULT_BROWSER_TIMEOUT, sign_in_with_browser};
pub use cloud::Cloud;
pub use config::{AZURE_CLI_CLIENT_ID, AuthConfig, AuthOverrides, DEFAULT_TENANT, RedirectHost};
pub use device_flow::{DeviceCode, DeviceOptions, sign_in_with_device_code};
pub use entra::{ClientInfo, EntraError, IdTokenClaims, TokenSet, http_client};
pub use error::AuthError;
pub use local::{local_accounts, redirect_follower};
pub use loopback::{CompletionPage, LoopbackListener};
pub use remember::RememberStore;
pub use session::{AccountSession, REFRESH_EARLY, Session};
pub use store::{
    AccountVault, CHUNK_LIMIT, KEYCHAIN_SERVICE, KeyringStore, MemoryStore, StoredAccount,
    TokenStore,
};
