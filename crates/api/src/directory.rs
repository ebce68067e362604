//! A directory (Microsoft Entra tenant) of a signed-in account, ready to call Azure Resource
//! Manager: the one place that turns a sign-in into a billing client, says who the caller is
//! there, which portal links fit and where "today" comes from.

use std::sync::Arc;

use azure_core::credentials::TokenCredential;
use invoice_desk_auth::{AccountSession, AuthError};
use invoice_desk_billing::{
    ArmClient, BillingError, Caller, Clock, Cloud, Discovery, Portal, discover_scopes,
};

#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    /// The account's cloud cannot be called (a custom cloud without an ARM endpoint).
    #[error(transparent)]
    Cloud(#[from] AuthError),
    /// The HTTP client could not be built.
    #[error(transparent)]
    Client(#[from] BillingError),
}

/// One account in one directory.
#[derive(Debug, Clone)]
pub struct Directory {
    /// The account's id (`uid.utid`); empty for a sign-in Invoice Desk does not keep (the Azure CLI's).
    pub account_id: String,
    /// The account's username (UPN), to name it in messages.
    pub username: String,
    pub tenant_id: String,
    pub client: ArmClient,
    pub caller: Caller,
    pub portal: Portal,
    /// "Today" for this directory's listings: the demo's day in demo mode, else the system's.
    pub clock: Clock,
}

impl Directory {
    /// `session`'s account in `tenant_id`, with tokens for that directory.
    pub fn of_session(
        session: &AccountSession,
        tenant_id: &str,
        clock: Clock,
    ) -> Result<Self, DirectoryError> {
        let account = session.account();
        let cloud = account.cloud.to_billing()?;
        let credential: Arc<dyn TokenCredential> = Arc::new(session.session(Some(tenant_id)));
        let caller = Caller {
            tenant_id: Some(tenant_id.to_owned()),
            object_id: account.object_id().map(str::to_owned),
        };
        Self::with_credential(&cloud, credential, caller, clock).map(|directory| Self {
            account_id: account.id.clone(),
            username: account.username,
            ..directory
        })
    }

    /// A directory whose tokens come from `credential` (for example the Azure CLI's sign-in);
    /// the caller's tenant names the directory.
    pub fn with_credential(
        cloud: &Cloud,
        credential: Arc<dyn TokenCredential>,
        caller: Caller,
        clock: Clock,
    ) -> Result<Self, DirectoryError> {
        let client = ArmClient::builder(cloud.clone(), credential).build()?;
        Ok(Self {
            account_id: String::new(),
            username: String::new(),
            tenant_id: caller.tenant_id.clone().unwrap_or_default(),
            client,
            caller,
            portal: Portal::for_cloud(cloud),
            clock,
        })
    }

    /// Every billing scope the caller can reach in this directory, with roles and what each
    /// role allows.
    pub async fn discover(&self) -> Discovery {
        discover_scopes(&self.client, &self.caller, &self.portal).await
    }
}
