//! Sign-in with a device code (RFC 8628), for machines where no browser can come back to a
//! loopback port. The code and URL are handed to the caller first; polling honours `interval`,
//! adds 5 s on `slow_down`, and stops at the code's expiry.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use oauth2::{
    DeviceAuthorizationResponse, DeviceAuthorizationUrl, ExtraDeviceAuthorizationFields, Scope,
    TokenUrl,
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use tokio_util::sync::CancellationToken;

use crate::browser_flow::request_scopes;
use crate::config::AuthConfig;
use crate::entra::{
    EntraError, HttpError, TokenSet, entra_client, execute, expiry_after, map_request_error,
};

/// A device code lives 15 minutes at Entra; a longer `expires_in` is taken as this.
const MAX_CODE_LIFETIME: Duration = Duration::from_secs(60 * 60);

/// RFC 8628's interval when the server gives none; also what a zero or sub-second interval
/// becomes, so polling never turns into a busy loop.
const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);

/// The wait before the next poll: what the flow asks for, but never shorter than the longest
/// wait so far (RFC 8628 only ever lengthens the interval; a backoff after a network error
/// must not undercut the server's `slow_down`); a sub-second one is taken as RFC 8628's default.
fn poll_wait(asked: Duration, longest_ms: &AtomicU64) -> Duration {
    let asked = if asked < Duration::from_secs(1) {
        DEFAULT_INTERVAL
    } else {
        asked
    };
    let longest = Duration::from_millis(longest_ms.load(Ordering::Relaxed));
    let wait = asked.max(longest);
    longest_ms.store(
        u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
        Ordering::Relaxed,
    );
    wait
}
use crate::error::AuthError;

/// What to show the user while polling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceCode {
    pub user_code: String,
    pub verification_uri: String,
    /// The authority's own instruction text (in the user's language), when sent.
    pub message: Option<String>,
    pub expires_on: OffsetDateTime,
    pub interval: Duration,
}

/// What to ask for in one device-code sign-in.
#[derive(Debug, Clone, Default)]
pub struct DeviceOptions {
    /// `None` is the configured tenant.
    pub tenant: Option<String>,
    /// Empty means the cloud's ARM scope; `openid profile offline_access` are added.
    pub scopes: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct EntraDeviceFields {
    #[serde(default)]
    message: Option<String>,
}

impl ExtraDeviceAuthorizationFields for EntraDeviceFields {}

/// Runs a device-code sign-in: `on_code` gets the code to show, then the token endpoint is
/// polled until the user finishes, declines, the code expires, or `cancel` fires.
pub async fn sign_in_with_device_code<F>(
    http: &reqwest::Client,
    config: &AuthConfig,
    options: &DeviceOptions,
    on_code: F,
    cancel: &CancellationToken,
) -> Result<TokenSet, AuthError>
where
    F: FnOnce(&DeviceCode),
{
    let http_client = |request| execute(http.clone(), request);
    run(&http_client, config, options, on_code, cancel, |interval| {
        // Each wait names the interval, so a log shows the polling (and any slow_down).
        tracing::debug!(
            interval_s = interval.as_secs(),
            "polling for the device code"
        );
        tokio::time::sleep(interval)
    })
    .await
}

/// The flow over any HTTP function and sleep function (tests use instant sleeps).
pub(crate) async fn run<H, HF, F, S, SF>(
    http_client: &H,
    config: &AuthConfig,
    options: &DeviceOptions,
    on_code: F,
    cancel: &CancellationToken,
    sleep: S,
) -> Result<TokenSet, AuthError>
where
    H: Fn(oauth2::HttpRequest) -> HF,
    HF: Future<Output = Result<oauth2::HttpResponse, HttpError>>,
    F: FnOnce(&DeviceCode),
    S: Fn(Duration) -> SF,
    SF: Future<Output = ()>,
{
    config.validate()?;
    let tenant = options.tenant.as_deref().unwrap_or(&config.tenant);
    let client = entra_client(&config.client_id)
        .set_device_authorization_url(DeviceAuthorizationUrl::from_url(
            config.cloud.authority_endpoint(tenant, "devicecode")?,
        ))
        .set_token_uri(TokenUrl::from_url(
            config.cloud.authority_endpoint(tenant, "token")?,
        ));
    let start = client
        .exchange_device_code()
        .add_scopes(
            request_scopes(config, &options.scopes)?
                .into_iter()
                .map(Scope::new),
        )
        .request_async::<_, EntraDeviceFields>(http_client);
    let details: DeviceAuthorizationResponse<EntraDeviceFields> = tokio::select! {
        () = cancel.cancelled() => return Err(AuthError::Cancelled),
        details = start => details.map_err(|e| map_request_error(e, |e| e.into_auth_error(tenant)))?,
    };
    let expires_in = details.expires_in().min(MAX_CODE_LIFETIME);
    on_code(&DeviceCode {
        user_code: details.user_code().secret().clone(),
        verification_uri: details.verification_uri().to_string(),
        message: details.extra_fields().message.clone(),
        expires_on: expiry_after(expires_in, MAX_CODE_LIFETIME),
        interval: details.interval(),
    });
    let longest_ms = AtomicU64::new(0);
    let poll = client
        .exchange_device_access_token(&details)
        .add_extra_param("client_info", "1")
        .set_max_backoff_interval(Duration::from_secs(30))
        .request_async(
            http_client,
            |asked| sleep(poll_wait(asked, &longest_ms)),
            Some(expires_in),
        );
    let response = tokio::select! {
        () = cancel.cancelled() => return Err(AuthError::Cancelled),
        response = poll => response,
    };
    let response = response.map_err(|e| {
        map_request_error(e, |e| {
            // Same JSON shape; read it as Entra's error to keep one mapping.
            serde_json::to_value(&e)
                .ok()
                .and_then(|v| serde_json::from_value::<EntraError>(v).ok())
                .map_or_else(
                    || AuthError::invalid_response("unreadable device-code error"),
                    |e| e.into_auth_error(tenant),
                )
        })
    })?;
    TokenSet::from_response(&response)
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use tokio_util::sync::CancellationToken;

    use super::{DeviceCode, DeviceOptions, run};
    use crate::cloud::Cloud;
    use crate::config::AuthConfig;
    use crate::entra::HttpError;

    type Script = Arc<Mutex<VecDeque<(u16, serde_json::Value)>>>;

    fn config() -> AuthConfig {
        AuthConfig {
            cloud: Cloud::Custom {
                authority_host: "http://127.0.0.1:9".into(),
                arm_endpoint: "http://127.0.0.1:9".into(),
                token_scope: String::new(),
            },
            ..AuthConfig::default()
        }
    }

    fn start(interval: u64, expires_in: u64) -> (u16, serde_json::Value) {
        (
            200,
            serde_json::json!({
                "device_code": "dc", "user_code": "ABCD-EFGH",
                "verification_uri": "https://microsoft.com/devicelogin",
                "expires_in": expires_in, "interval": interval, "message": "Go to the page"
            }),
        )
    }

    fn error(code: &str) -> (u16, serde_json::Value) {
        (
            400,
            serde_json::json!({"error": code, "error_description": "x"}),
        )
    }

    fn tokens() -> (u16, serde_json::Value) {
        (
            200,
            serde_json::json!({"access_token": "at", "token_type": "Bearer", "expires_in": 3600, "refresh_token": "rt"}),
        )
    }

    async fn drive(
        script: Vec<(u16, serde_json::Value)>,
    ) -> (
        Result<crate::TokenSet, crate::AuthError>,
        Vec<Duration>,
        Option<DeviceCode>,
        usize,
    ) {
        let script: Script = Arc::new(Mutex::new(script.into()));
        let calls = Arc::new(Mutex::new(0usize));
        let http = {
            let script = script.clone();
            let calls = calls.clone();
            move |_request: oauth2::HttpRequest| {
                let next = script.lock().unwrap().pop_front();
                *calls.lock().unwrap() += 1;
                async move {
                    let (status, body) = next.ok_or_else(|| HttpError("script ran out".into()))?;
                    if status == 0 {
                        return Err(HttpError("connection reset".into()));
                    }
                    let mut response = http::Response::new(body.to_string().into_bytes());
                    *response.status_mut() = http::StatusCode::from_u16(status).unwrap();
                    response.headers_mut().insert(
                        http::header::CONTENT_TYPE,
                        http::HeaderValue::from_static("application/json"),
                    );
                    Ok(response)
                }
            }
        };
        let slept = Arc::new(Mutex::new(Vec::new()));
        let sleep = {
            let slept = slept.clone();
            move |d: Duration| {
                slept.lock().unwrap().push(d);
                async {}
            }
        };
        let shown = Arc::new(Mutex::new(None));
        let on_code = {
            let shown = shown.clone();
            move |code: &DeviceCode| *shown.lock().unwrap() = Some(code.clone())
        };
        let result = run(
            &http,
            &config(),
            &DeviceOptions::default(),
            on_code,
            &CancellationToken::new(),
            sleep,
        )
        .await;
        let slept = slept.lock().unwrap().clone();
        let shown = shown.lock().unwrap().clone();
        let calls = *calls.lock().unwrap();
        (result, slept, shown, calls)
    }

    #[tokio::test]
    async fn honours_interval_and_slow_down() {
        let (result, slept, shown, _) = drive(vec![
            start(3, 900),
            error("authorization_pending"),
            error("slow_down"),
            error("authorization_pending"),
            tokens(),
        ])
        .await;
        assert_eq!(result.unwrap().access_token.expose(), "at");
        assert_eq!(
            slept,
            vec![
                Duration::from_secs(3),
                Duration::from_secs(8),
                Duration::from_secs(8)
            ]
        );
        let shown = shown.unwrap();
        assert_eq!(shown.user_code, "ABCD-EFGH");
        assert_eq!(shown.message.as_deref(), Some("Go to the page"));
        assert_eq!(shown.interval, Duration::from_secs(3));
    }

    #[tokio::test]
    async fn a_network_error_never_shortens_the_servers_interval() {
        let (result, slept, ..) = drive(vec![
            start(40, 900),
            error("authorization_pending"),
            // The flow's own backoff after this would be min(2 × 40, 30) = 30 s.
            (0, serde_json::Value::Null),
            error("authorization_pending"),
            tokens(),
        ])
        .await;
        assert_eq!(result.unwrap().access_token.expose(), "at");
        assert_eq!(slept, vec![Duration::from_secs(40); 3]);
    }

    #[tokio::test]
    async fn an_interval_of_zero_is_raised_to_five_seconds() {
        let (result, slept, shown, _) = drive(vec![
            start(0, 900),
            error("authorization_pending"),
            tokens(),
        ])
        .await;
        assert!(result.is_ok());
        assert_eq!(slept, vec![Duration::from_secs(5)]);
        assert!(shown.is_some());
    }

    #[tokio::test]
    async fn an_absurd_expiry_is_taken_as_an_hour() {
        let (result, _, shown, _) = drive(vec![
            start(1, u64::MAX / 1000),
            error("authorization_pending"),
            tokens(),
        ])
        .await;
        assert!(result.is_ok());
        let shown = shown.unwrap();
        let ahead = shown.expires_on - time::OffsetDateTime::now_utc();
        assert!(
            ahead <= time::Duration::HOUR && ahead > time::Duration::minutes(59),
            "{ahead}"
        );
    }

    #[tokio::test]
    async fn declined_and_expired() {
        let (result, ..) = drive(vec![start(1, 900), error("authorization_declined")]).await;
        assert_eq!(result.unwrap_err().code(), "declined");
        let (result, ..) = drive(vec![start(1, 900), error("expired_token")]).await;
        assert_eq!(result.unwrap_err().code(), "device_code_expired");
        let (result, ..) = drive(vec![start(1, 900), error("bad_verification_code")]).await;
        assert_eq!(result.unwrap_err().code(), "authority_error");
    }

    #[tokio::test]
    async fn stops_at_expiry() {
        // expires_in 0: the first poll is already past the deadline
        let (result, _, _, calls) = drive(vec![start(1, 0), error("authorization_pending")]).await;
        tokio::time::sleep(Duration::from_millis(5)).await;
        assert_eq!(result.unwrap_err().code(), "device_code_expired");
        assert!(calls <= 2);
    }

    #[tokio::test]
    async fn start_errors_are_mapped() {
        let (result, _, shown, _) = drive(vec![(
            400,
            serde_json::json!({"error": "invalid_client", "error_description": "AADSTS700016"}),
        )])
        .await;
        assert_eq!(result.unwrap_err().code(), "authority_error");
        assert!(shown.is_none());
    }
}
