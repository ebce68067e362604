use std::borrow::Cow;
use std::fmt;
use std::sync::LazyLock;

use regex::Regex;

const MASK: &str = "[redacted]";

/// The names secrets go by, in `snake_case` and `camelCase` alike (`refresh_token`,
/// `refreshToken`).
const SECRET_NAMES: &str = "access_?token|refresh_?token|id_?token|client_?secret|code_?verifier|device_?code|client_?assertion|assertion|password|secret|token";

/// Patterns for everything token-like the app could ever handle: bearer headers, JWTs, OAuth
/// parameters in URLs and form bodies, the same fields in JSON (also JSON quoted inside a
/// string, `\"refresh_token\":\"…\"`), and SAS signatures of blob links.
static PATTERNS: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    [
        (
            r"(?i)\b(bearer)\s+[A-Za-z0-9\-._~+/]+=*".to_owned(),
            "$1 [redacted]",
        ),
        (
            r"\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*".to_owned(),
            MASK,
        ),
        (
            format!(r#"(?i)\b({SECRET_NAMES}|code|sig)=[^&\s"'<>\\]+"#),
            "$1=[redacted]",
        ),
        (
            format!(r#"(?i)(\\*)"({SECRET_NAMES})\\*"\s*:\s*\\*"[^"\\]*"#),
            r#"${1}"${2}${1}":${1}"[redacted]"#,
        ),
    ]
    .into_iter()
    .map(|(pattern, replacement)| (Regex::new(&pattern).expect("static pattern"), replacement))
    .collect()
});

/// A JSON `"code"`: Azure's error codes (`ResourceNotFound`) stay readable in the log, an
/// OAuth authorization code (`0.AXoA…`: long, with digits, dots or dashes) does not.
static JSON_CODE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(\\*)"code\\*"\s*:\s*\\*"([^"\\]*)"#).expect("static pattern"));

fn looks_like_an_authorization_code(value: &str) -> bool {
    value.len() >= 20
        && value
            .chars()
            .any(|c| c.is_ascii_digit() || ".-_~".contains(c))
}

/// Masks every secret-looking part of `text`. Cheap when nothing matches (no allocation).
pub fn redact(text: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(text);
    for (pattern, replacement) in PATTERNS.iter() {
        if pattern.is_match(&out) {
            out = Cow::Owned(pattern.replace_all(&out, *replacement).into_owned());
        }
    }
    if JSON_CODE
        .captures_iter(&out)
        .any(|c| looks_like_an_authorization_code(&c[2]))
    {
        let replaced = JSON_CODE.replace_all(&out, |c: &regex::Captures<'_>| {
            if looks_like_an_authorization_code(&c[2]) {
                format!(r#"{0}"code{0}":{0}"[redacted]"#, &c[1])
            } else {
                c[0].to_owned()
            }
        });
        out = Cow::Owned(replaced.into_owned());
    }
    out
}

/// A value that must never be printed: `Debug` and `Display` show `[redacted]`.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Sensitive<T>(pub T);

impl<T> Sensitive<T> {
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

impl<T> fmt::Display for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a JWT-shaped string at run time so no token-looking literal sits in the repo.
    fn jwt_like() -> String {
        let header = format!("{}{}", "eyJ", "hbGciOiJIUzI1NiJ9");
        format!("{header}.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl")
    }

    #[test]
    fn masks_bearer_headers() {
        let line = "sending Authorization: Bearer abc.DEF-123_x~y+z/= to ARM";
        assert_eq!(
            redact(line),
            "sending Authorization: Bearer [redacted] to ARM"
        );
    }

    #[test]
    fn masks_bare_jwts() {
        let line = format!("token {} expired", jwt_like());
        assert_eq!(redact(&line), "token [redacted] expired");
    }

    #[test]
    fn masks_oauth_parameters_in_urls_and_forms() {
        let line = "GET /cb?code=0.AXYZ&state=s1 then grant_type=refresh_token&refresh_token=1.abc&client_id=x";
        let out = redact(line);
        assert_eq!(
            out,
            "GET /cb?code=[redacted]&state=s1 then grant_type=refresh_token&refresh_token=[redacted]&client_id=x"
        );
    }

    #[test]
    fn masks_sas_signatures_but_keeps_the_rest_of_the_link() {
        let line = "download https://x.blob.core.windows.net/c/inv.pdf?sv=2020&se=2026-01-01T00%3A00Z&sig=AbC%2Bd%3D";
        let out = redact(line);
        assert!(
            out.ends_with("se=2026-01-01T00%3A00Z&sig=[redacted]"),
            "{out}"
        );
        assert!(out.contains("inv.pdf?sv=2020"));
    }

    #[test]
    fn masks_token_fields_in_json_bodies() {
        let body = r#"{"token_type":"Bearer","access_token":"abc","refresh_token": "def","expires_in":3599}"#;
        assert_eq!(
            redact(body),
            r#"{"token_type":"Bearer","access_token":"[redacted]","refresh_token":"[redacted]","expires_in":3599}"#
        );
    }

    #[test]
    fn masks_json_quoted_inside_a_string() {
        let line = r#"body: "{\"token_type\":\"Bearer\",\"refresh_token\":\"1.abc-def\",\"expires_in\":3599}""#;
        assert_eq!(
            redact(line),
            r#"body: "{\"token_type\":\"Bearer\",\"refresh_token\":\"[redacted]\",\"expires_in\":3599}""#
        );
        let twice = r#"{\\\"accessToken\\\":\\\"abc\\\"}"#;
        assert_eq!(redact(twice), r#"{\\\"accessToken\\\":\\\"[redacted]\\\"}"#);
    }

    #[test]
    fn masks_camel_case_names_in_json_and_urls() {
        let body = r#"{"accessToken":"abc","refreshToken" : "def","idToken":"ghi","clientSecret":"x","deviceCode":"y","expiresOn":"2026"}"#;
        assert_eq!(
            redact(body),
            r#"{"accessToken":"[redacted]","refreshToken":"[redacted]","idToken":"[redacted]","clientSecret":"[redacted]","deviceCode":"[redacted]","expiresOn":"2026"}"#
        );
        assert_eq!(
            redact("POST refreshToken=1.abc&clientId=x"),
            "POST refreshToken=[redacted]&clientId=x"
        );
    }

    #[test]
    fn masks_token_parameters_and_bare_token_fields() {
        assert_eq!(
            redact("GET /callback?token=s3cr3t&next=/"),
            "GET /callback?token=[redacted]&next=/"
        );
        assert_eq!(redact(r#"{"token":"s3cr3t"}"#), r#"{"token":"[redacted]"}"#);
        // The name alone, or a count, is not a secret.
        assert!(matches!(
            redact("token_type=Bearer, expires_in=3599, tokens: 2"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn masks_an_authorization_code_in_json_but_keeps_azures_error_codes() {
        let code = format!("0.AXoA{}-{}", "a".repeat(30), "b".repeat(30));
        let line = format!(r#"redirect {{"code":"{code}","state":"s1"}}"#);
        assert_eq!(
            redact(&line),
            r#"redirect {"code":"[redacted]","state":"s1"}"#
        );
        let escaped = format!(r#"{{\"code\":\"{code}\"}}"#);
        assert_eq!(redact(&escaped), r#"{\"code\":\"[redacted]\"}"#);
        let arm = r#"{"error":{"code":"InvalidAuthenticationTokenTenant","message":"The access token is from the wrong issuer"}}"#;
        assert_eq!(redact(arm), arm);
    }

    #[test]
    fn leaves_ordinary_lines_untouched_without_allocating() {
        let line = "listed 12 invoices for billing profile AB12-CD34 in 0.4 s";
        assert!(matches!(redact(line), Cow::Borrowed(_)));
    }

    #[test]
    fn sensitive_values_never_print() {
        let secret = Sensitive("hunter2".to_owned());
        assert_eq!(format!("{secret} {secret:?}"), "[redacted] [redacted]");
        assert_eq!(secret.expose(), "hunter2");
    }
}
