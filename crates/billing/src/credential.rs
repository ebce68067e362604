//! A fixed-token credential for tests, the demo mode and benchmarks.

use azure_core::credentials::{AccessToken, Secret, TokenCredential, TokenRequestOptions};
use time::OffsetDateTime;

/// Hands out the same token for every scope until it expires.
///
/// Debug output never shows the token.
#[derive(Clone)]
pub struct StaticTokenCredential {
    token: Secret,
    expires_on: OffsetDateTime,
}

impl StaticTokenCredential {
    pub fn new(token: impl Into<String>, expires_on: OffsetDateTime) -> Self {
        Self {
            token: Secret::new(token.into()),
            expires_on,
        }
    }

    /// A token valid for a day, for tests and the emulator.
    pub fn for_a_day(token: impl Into<String>) -> Self {
        Self::new(token, OffsetDateTime::now_utc() + time::Duration::days(1))
    }
}

impl std::fmt::Debug for StaticTokenCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaticTokenCredential")
            .field("token", &"<redacted>")
            .field("expires_on", &self.expires_on)
            .finish()
    }
}

#[async_trait::async_trait]
impl TokenCredential for StaticTokenCredential {
    async fn get_token(
        &self,
        _scopes: &[&str],
        _options: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        if self.expires_on <= OffsetDateTime::now_utc() {
            return Err(azure_core::Error::with_message(
                azure_core::error::ErrorKind::Credential,
                "the static token has expired",
            ));
        }
        Ok(AccessToken::new(self.token.clone(), self.expires_on))
    }
}

#[cfg(test)]
mod tests {
    use super::StaticTokenCredential;
    use azure_core::credentials::TokenCredential;

    #[test]
    fn debug_output_hides_the_token() {
        let credential = StaticTokenCredential::for_a_day("very-secret-value");
        let text = format!("{credential:?}");
        assert!(!text.contains("very-secret-value"));
        assert!(text.contains("redacted"));
    }

    #[tokio::test]
    async fn returns_the_token_until_expiry() {
        let credential = StaticTokenCredential::for_a_day("abc");
        let token = credential.get_token(&["s/.default"], None).await.unwrap();
        assert_eq!(token.token.secret(), "abc");
        let expired = StaticTokenCredential::new("abc", time::OffsetDateTime::UNIX_EPOCH);
        assert!(expired.get_token(&["s/.default"], None).await.is_err());
    }
}
