use std::borrow::Cow;
use std::fmt;
use std::sync::LazyLock;

use regex::Regex;

const MASK: &str = "[redacted]";

/// Patterns for everything token-like the app could ever handle: bearer headers, JWTs, OAuth
/// parameters in URLs and form bodies, the same fields in JSON, and SAS signatures of blob links.
static PATTERNS: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    [
        (r"(?i)\b(bearer)\s+[A-Za-z0-9\-._~+/]+=*", "$1 [redacted]"),
        (r"\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*", MASK),
        (
            r#"(?i)\b(access_token|refresh_token|id_token|client_secret|code_verifier|device_code|code|password|assertion|sig|client_assertion)=[^&\s"'<>]+"#,
            "$1=[redacted]",
        ),
        (
            r#"(?i)"(access_token|refresh_token|id_token|client_secret|device_code|password|secret)"\s*:\s*"[^"]*""#,
            r#""$1":"[redacted]""#,
        ),
    ]
    .into_iter()
    .map(|(pattern, replacement)| (Regex::new(pattern).expect("static pattern"), replacement))
    .collect()
});

/// Masks every secret-looking part of `text`. Cheap when nothing matches (no allocation).
pub fn redact(text: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(text);
    for (pattern, replacement) in PATTERNS.iter() {
        if pattern.is_match(&out) {
            out = Cow::Owned(pattern.replace_all(&out, *replacement).into_owned());
        }
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
