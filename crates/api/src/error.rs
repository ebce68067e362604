//! The one error shape both front ends render: `{ code, message, hint?, details? }`.
//!
//! Each domain crate sets a typed kind where its error is made ([`BillingCode`], [`FilesCode`],
//! the auth and settings errors' variants); this module turns those into the product's
//! [`ErrorCode`] by matching on the types, never on text. The words for a code are in the
//! catalogue (`errors.<code>.message` and `.hint`): the window shows them in the user's language,
//! the command line too, and `message` holds the English for logs and support reports.

use invoice_desk_auth::AuthError;
use invoice_desk_billing::{BillingCode, BillingError};
use invoice_desk_files::{FilesCode, ItemError};
use invoice_desk_settings::SettingsError;
use serde::{Deserialize, Serialize};

use crate::catalogue::{Catalogue, Locale};
use crate::demo::DemoError;
use crate::directory::DirectoryError;
use crate::save::SaveError;

/// Stable identifiers the catalogues are keyed by. Never rename one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    SettingsCorrupt,
    SettingsUnwritable,
    FolderUnavailable,
    LogsUnavailable,
    SignInUnavailable,
    JobNotFound,
    Internal,
    SignInCancelled,
    SignInTimedOut,
    SignInFailed,
    SignInExpired,
    SignInAgainRequired,
    ConsentRequired,
    DeviceCodeExpired,
    SignInDeclined,
    KeychainUnavailable,
    KeychainFailed,
    AzureCliMissing,
    AzureCliFailed,
    Network,
    InvalidEndpoint,
    InvalidConfig,
    AccountNotFound,
    DemoUnavailable,
    Forbidden,
    NotFound,
    Throttled,
    /// Azure or its storage kept answering 5xx after the retries.
    ServerError,
    AzureError,
    /// Azure's answer could not be read: cut off, not JSON, or not in the documented shape.
    InvalidResponse,
    DiskFull,
    WriteDenied,
    PathTooLong,
    WrongContent,
    /// The body ended before the length the server declared, even after resuming.
    IncompleteDownload,
    DownloadLinkFailed,
    /// A fresh link expired too: usually the computer's clock is wrong.
    LinkExpired,
    /// Azure lists the document but offers no download for it.
    NoDownloadLink,
    /// More differently-contented files than the app numbers already use the name.
    TooManyCollisions,
    DownloadFailed,
    DownloadCancelled,
    TemplateInvalid,
    DownloadNotAllowed,
    /// One invoice is kept from the caller where the others may be downloaded (a pay-as-you-go
    /// invoice from before December 2016 is the account administrator's alone).
    InvoiceRefused,
    /// The caller's role does not allow usage files at this scope.
    UsageNotAllowed,
    /// An EA view-charges policy is off for department administrators or account owners.
    ViewChargesOff,
    /// Cost Management reports no further back than 13 months.
    UsageTooOld,
    /// The usage asked for does not fit the scope, or a date is not a date.
    InvalidUsageRequest,
    /// A usage file on disk cannot be summarised (not a usage file, damaged, unreadable).
    UsageFileUnreadable,
    /// Invoice e-mail settings belong to a customer agreement billing profile; this scope has
    /// none the app can change (pay-as-you-go and EA settings are the portal's).
    EmailNotOffered,
    /// The caller's role does not allow changing the profile's invoice e-mail settings.
    EmailNotChangeable,
    /// An address is not one Azure accepts.
    EmailAddressInvalid,
    /// An address is among the recipients already.
    EmailRecipientDuplicate,
    /// An address to remove is not among the recipients.
    EmailRecipientUnknown,
    /// Someone else changed the settings meanwhile: theirs are kept and shown.
    EmailChangedElsewhere,
    /// The window asked to open a page that is not the Azure portal's or Microsoft Learn's.
    LinkNotOpenable,
    /// A folder typed in the window was not confirmed in the system's dialog: the settings keep
    /// the folder they had.
    FolderNotConfirmed,
    /// The release feed could not say whether a newer version exists, or its installer could
    /// not be fetched.
    UpdateUnavailable,
    /// The downloaded update does not carry the publisher's signature: nothing was installed.
    UpdateSignatureInvalid,
    /// The update was downloaded and verified but its installer failed.
    UpdateInstallFailed,
    /// An update waits until the running saves are done, so none is cut off.
    UpdateWaitsForSaves,
    /// The release page could not be reached (offline, a proxy, a firewall).
    UpdateUnreachable,
}

impl ErrorCode {
    /// Every code, for the catalogue checks.
    pub const ALL: [Self; 62] = [
        Self::SettingsCorrupt,
        Self::SettingsUnwritable,
        Self::FolderUnavailable,
        Self::LogsUnavailable,
        Self::SignInUnavailable,
        Self::JobNotFound,
        Self::Internal,
        Self::SignInCancelled,
        Self::SignInTimedOut,
        Self::SignInFailed,
        Self::SignInExpired,
        Self::SignInAgainRequired,
        Self::ConsentRequired,
        Self::DeviceCodeExpired,
        Self::SignInDeclined,
        Self::KeychainUnavailable,
        Self::KeychainFailed,
        Self::AzureCliMissing,
        Self::AzureCliFailed,
        Self::Network,
        Self::InvalidEndpoint,
        Self::InvalidConfig,
        Self::AccountNotFound,
        Self::DemoUnavailable,
        Self::Forbidden,
        Self::NotFound,
        Self::Throttled,
        Self::ServerError,
        Self::AzureError,
        Self::InvalidResponse,
        Self::DiskFull,
        Self::WriteDenied,
        Self::PathTooLong,
        Self::WrongContent,
        Self::IncompleteDownload,
        Self::DownloadLinkFailed,
        Self::LinkExpired,
        Self::NoDownloadLink,
        Self::TooManyCollisions,
        Self::DownloadFailed,
        Self::DownloadCancelled,
        Self::TemplateInvalid,
        Self::DownloadNotAllowed,
        Self::InvoiceRefused,
        Self::UsageNotAllowed,
        Self::ViewChargesOff,
        Self::UsageTooOld,
        Self::InvalidUsageRequest,
        Self::UsageFileUnreadable,
        Self::EmailNotOffered,
        Self::EmailNotChangeable,
        Self::EmailAddressInvalid,
        Self::EmailRecipientDuplicate,
        Self::EmailRecipientUnknown,
        Self::EmailChangedElsewhere,
        Self::LinkNotOpenable,
        Self::FolderNotConfirmed,
        Self::UpdateUnavailable,
        Self::UpdateSignatureInvalid,
        Self::UpdateInstallFailed,
        Self::UpdateWaitsForSaves,
        Self::UpdateUnreachable,
    ];

    /// The catalogue's key for the code (`disk_full`).
    #[must_use]
    pub fn key(self) -> String {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::String(key)) => key,
            _ => unreachable!("a unit variant serialises to a string"),
        }
    }

    /// What the user reads, in `locale`.
    #[must_use]
    pub fn message(self, locale: Locale) -> String {
        Catalogue::of(locale).text(&format!("errors.{}.message", self.key()))
    }

    /// What the user can do about it, in `locale`.
    #[must_use]
    pub fn hint(self, locale: Locale) -> String {
        Catalogue::of(locale).text(&format!("errors.{}.hint", self.key()))
    }
}

/// A failure as a front end shows it. `message` is the catalogue's English (for logs and the
/// support report); `hint` is a specific addition such as Azure's request id; `details` is what
/// the failing part said, for the details disclosure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
    pub hint: Option<String>,
    pub details: Option<String>,
}

impl AppError {
    #[must_use]
    pub fn new(code: ErrorCode) -> Self {
        Self {
            code,
            message: code.message(Locale::En),
            hint: None,
            details: None,
        }
    }

    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Adds to the details: the first call says what failed, later ones add the specifics
    /// (the path, the id, the failing part's own words), one per line.
    #[must_use]
    pub fn with_details(mut self, details: impl Into<String>) -> Self {
        let details = details.into();
        self.details = Some(match self.details.take() {
            Some(before) => format!("{before}\n{details}"),
            None => details,
        });
        self
    }

    fn with_request_id(self, id: Option<&str>) -> Self {
        match id {
            Some(id) => self.with_hint(format!("Azure request id {id}")),
            None => self,
        }
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for AppError {}

impl From<BillingCode> for ErrorCode {
    fn from(code: BillingCode) -> Self {
        match code {
            BillingCode::Unauthenticated | BillingCode::Credential => Self::SignInExpired,
            BillingCode::Forbidden => Self::Forbidden,
            BillingCode::NotFound => Self::NotFound,
            BillingCode::Throttled => Self::Throttled,
            BillingCode::Server => Self::ServerError,
            BillingCode::Network | BillingCode::Timeout => Self::Network,
            BillingCode::Cancelled => Self::SignInCancelled,
            BillingCode::InvalidEndpoint => Self::InvalidEndpoint,
            BillingCode::MalformedResponse => Self::InvalidResponse,
            BillingCode::BadRequest => Self::AzureError,
        }
    }
}

impl From<&ItemError> for ErrorCode {
    /// A document that failed: by what the files crate saw, and for a failed link by Azure's
    /// answer behind it.
    fn from(error: &ItemError) -> Self {
        match error.code {
            FilesCode::TemplateEmpty
            | FilesCode::TemplateUnknownPlaceholder
            | FilesCode::TemplateUnbalanced
            | FilesCode::TemplateNoFileName => Self::TemplateInvalid,
            FilesCode::FolderTooLong | FilesCode::PathTooLong => Self::PathTooLong,
            FilesCode::LinkFailed => match error.billing_code {
                Some(BillingCode::MalformedResponse | BillingCode::BadRequest) | None => {
                    Self::DownloadLinkFailed
                }
                Some(billing) => billing.into(),
            },
            FilesCode::NoDownloadLink => Self::NoDownloadLink,
            FilesCode::LinkExpired => Self::LinkExpired,
            FilesCode::LinkRejected | FilesCode::BlobNotFound => Self::DownloadLinkFailed,
            FilesCode::Throttled => Self::Throttled,
            FilesCode::Server => Self::ServerError,
            FilesCode::Network => Self::Network,
            FilesCode::NotAPdf
            | FilesCode::NotAZip
            | FilesCode::WrongContent
            | FilesCode::PartsDiffer
            | FilesCode::CorruptArchive
            | FilesCode::TooLarge => Self::WrongContent,
            FilesCode::LengthMismatch => Self::IncompleteDownload,
            FilesCode::DiskFull => Self::DiskFull,
            FilesCode::PermissionDenied => Self::WriteDenied,
            FilesCode::Io => Self::DownloadFailed,
            FilesCode::TooManyCollisions => Self::TooManyCollisions,
            FilesCode::Cancelled => Self::DownloadCancelled,
        }
    }
}

impl From<&ItemError> for AppError {
    fn from(error: &ItemError) -> Self {
        AppError::new(error.into())
            .with_details(format!("{}: {}", error.code, error.message))
            .with_request_id(error.request_id.as_deref())
    }
}

impl From<BillingError> for AppError {
    fn from(err: BillingError) -> Self {
        AppError::new(err.kind().into())
            .with_details(err.to_string())
            .with_request_id(err.request_id())
    }
}

impl From<&AuthError> for ErrorCode {
    /// Sign-in failures by what the user can do about them.
    fn from(err: &AuthError) -> Self {
        match err {
            AuthError::Cancelled => Self::SignInCancelled,
            AuthError::TimedOut => Self::SignInTimedOut,
            AuthError::InvalidGrant { .. } => Self::SignInExpired,
            AuthError::InteractionRequired { .. } => Self::SignInAgainRequired,
            AuthError::ConsentRequired { .. } => Self::ConsentRequired,
            AuthError::DeviceCodeExpired => Self::DeviceCodeExpired,
            AuthError::Declined => Self::SignInDeclined,
            AuthError::KeychainUnavailable { .. } => Self::KeychainUnavailable,
            AuthError::Keychain { .. } => Self::KeychainFailed,
            AuthError::AzureCliMissing => Self::AzureCliMissing,
            AuthError::AzureCliFailed { .. } => Self::AzureCliFailed,
            AuthError::Network { .. } => Self::Network,
            AuthError::InvalidEndpoint { .. } => Self::InvalidEndpoint,
            AuthError::InvalidConfig { .. } => Self::InvalidConfig,
            AuthError::AccountNotFound { .. } => Self::AccountNotFound,
            _ => Self::SignInFailed,
        }
    }
}

impl From<AuthError> for AppError {
    /// `details` carries the authority's own words (never a token: `AuthError` holds none).
    fn from(err: AuthError) -> Self {
        AppError::new((&err).into()).with_details(err.to_string())
    }
}

impl From<SettingsError> for AppError {
    fn from(err: SettingsError) -> Self {
        let code = match err {
            SettingsError::Corrupt { .. } | SettingsError::Unreadable { .. } => {
                ErrorCode::SettingsCorrupt
            }
            SettingsError::Unwritable { .. } => ErrorCode::SettingsUnwritable,
        };
        AppError::new(code).with_details(err.to_string())
    }
}

impl From<DirectoryError> for AppError {
    fn from(err: DirectoryError) -> Self {
        match err {
            DirectoryError::Cloud(err) => err.into(),
            DirectoryError::Client(err) => err.into(),
        }
    }
}

impl From<DemoError> for AppError {
    fn from(err: DemoError) -> Self {
        match err {
            DemoError::Unavailable(details) => {
                AppError::new(ErrorCode::DemoUnavailable).with_details(details)
            }
            DemoError::UnknownUser { upn, .. } => {
                AppError::new(ErrorCode::DemoUnavailable).with_details(upn)
            }
            DemoError::SignIn(err) => err.into(),
        }
    }
}

impl From<SaveError> for AppError {
    fn from(err: SaveError) -> Self {
        match err {
            SaveError::NotAllowed { .. } => {
                AppError::new(ErrorCode::DownloadNotAllowed).with_details(err.to_string())
            }
            SaveError::InvoiceRefused { .. } => {
                AppError::new(ErrorCode::InvoiceRefused).with_details(err.to_string())
            }
            SaveError::Listing(err) => err.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use invoice_desk_files::FilesError;

    use super::*;

    #[test]
    fn every_code_has_a_message_and_a_hint_in_every_language() {
        for code in ErrorCode::ALL {
            for locale in [Locale::En, Locale::Nl] {
                let words = Catalogue::of(locale);
                for part in ["message", "hint"] {
                    let key = format!("errors.{}.{part}", code.key());
                    assert!(words.has(&key), "{key} missing in {}", locale.code());
                }
            }
            assert_ne!(
                code.message(Locale::En),
                code.message(Locale::Nl),
                "{code:?}"
            );
        }
    }

    #[test]
    fn serialises_to_the_shape_the_window_renders() {
        let err = AppError::new(ErrorCode::DiskFull).with_hint("later");
        let json = serde_json::to_value(&err).unwrap();
        assert_eq!(json["code"], "disk_full");
        assert_eq!(json["message"], ErrorCode::DiskFull.message(Locale::En));
        assert_eq!(json["hint"], "later");
        assert!(json["details"].is_null());
    }

    #[test]
    fn documents_that_failed_get_their_own_code_not_a_generic_one() {
        let path = PathBuf::from("/archive/x.pdf");
        let cases = [
            (FilesError::Server { status: 503 }, ErrorCode::ServerError),
            (
                FilesError::TooManyCollisions { path: path.clone() },
                ErrorCode::TooManyCollisions,
            ),
            (
                FilesError::DiskFull { path: path.clone() },
                ErrorCode::DiskFull,
            ),
            (FilesError::LinkExpired, ErrorCode::LinkExpired),
            (
                FilesError::LengthMismatch {
                    expected: 10,
                    got: 3,
                },
                ErrorCode::IncompleteDownload,
            ),
            (
                FilesError::Link(BillingError::Forbidden {
                    action: None,
                    scope: None,
                    arm: None,
                    request_id: Some("req-1".into()),
                }),
                ErrorCode::Forbidden,
            ),
            (FilesError::Cancelled, ErrorCode::DownloadCancelled),
        ];
        for (error, code) in cases {
            let app = AppError::from(&error.report());
            assert_eq!(app.code, code, "{error}");
        }
        let forbidden = FilesError::Link(BillingError::Forbidden {
            action: None,
            scope: None,
            arm: None,
            request_id: Some("req-1".into()),
        });
        let app = AppError::from(&forbidden.report());
        assert_eq!(app.hint.as_deref(), Some("Azure request id req-1"));
        assert!(app.details.unwrap().starts_with("link_failed: "));
    }

    #[test]
    fn settings_errors_keep_their_path_in_details() {
        let err: AppError = SettingsError::Unwritable {
            path: "/x/settings.json".into(),
            source: std::io::Error::other("disk full"),
        }
        .into();
        assert_eq!(err.code, ErrorCode::SettingsUnwritable);
        assert!(err.details.unwrap().contains("/x/settings.json"));
    }

    #[test]
    fn details_accumulate_in_order() {
        let err = AppError::new(ErrorCode::NotFound)
            .with_details("That file is not among the saved invoices.")
            .with_details("/tmp/x.pdf");
        assert_eq!(
            err.details.as_deref(),
            Some("That file is not among the saved invoices.\n/tmp/x.pdf")
        );
    }
}
