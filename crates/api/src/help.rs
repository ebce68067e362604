//! Where the app sends a user for help, and which web pages it opens at all: the clouds' own
//! Azure portal pages (reason cards, settings that live in the portal, a support request) and
//! the Microsoft Learn pages the product's help comes from, in the user's language. Nothing
//! else is opened, whatever the window asks.

use serde::{Deserialize, Serialize};
use url::Url;

use invoice_desk_billing::Portal;

use crate::catalogue::Locale;
use crate::error::{AppError, ErrorCode};

/// Where a pay-as-you-go account holder checks the address invoices are e-mailed to (the
/// seed: "communicatievoorkeuren in uw profiel").
pub const COMMUNICATION_PREFERENCES_URL: &str = "https://account.windowsazure.com/profile";

/// The Azure portal's page for a new support request.
pub const SUPPORT_REQUEST_URL: &str =
    "https://portal.azure.com/#view/Microsoft_Azure_Support/NewSupportRequestV3Blade";

const LEARN_HOST: &str = "learn.microsoft.com";

/// One help page: a stable code the catalogues name it by (`help.<page>`), and its address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct HelpLink {
    pub page: String,
    pub url: String,
}

/// The Learn articles the product's help comes from, by page code and path.
const LEARN_PAGES: [(&str, &str); 3] = [
    (
        "download_invoice",
        "azure/cost-management-billing/manage/download-azure-invoice",
    ),
    (
        "download_usage",
        "azure/cost-management-billing/understand/download-azure-daily-usage",
    ),
    (
        "check_access",
        "azure/cost-management-billing/manage/understand-mca-roles#check-access-to-a-microsoft-customer-agreement",
    ),
];

/// Every help page, Learn's in `locale`'s language, then the support request.
#[must_use]
pub fn help_links(locale: Locale) -> Vec<HelpLink> {
    let language = match locale {
        Locale::Nl => "nl-nl",
        Locale::En => "en-us",
    };
    LEARN_PAGES
        .iter()
        .map(|(page, path)| HelpLink {
            page: (*page).to_owned(),
            url: format!("https://{LEARN_HOST}/{language}/{path}"),
        })
        .chain([
            HelpLink {
                page: "communication_preferences".to_owned(),
                url: COMMUNICATION_PREFERENCES_URL.to_owned(),
            },
            HelpLink {
                page: "support_request".to_owned(),
                url: SUPPORT_REQUEST_URL.to_owned(),
            },
        ])
        .collect()
}

/// `text` as a page the app may open in the system browser: a page of a cloud's Azure portal
/// or of Microsoft Learn over https, or one of the help pages.
///
/// # Errors
/// `link_not_openable` for anything else (another host, another scheme, user info, a port).
pub fn openable(text: &str) -> Result<Url, AppError> {
    let refused = || AppError::new(ErrorCode::LinkNotOpenable).with_details(text.to_owned());
    let url = Url::parse(text.trim()).map_err(|_| refused())?;
    let learn = url.scheme() == "https"
        && url.username().is_empty()
        && url.password().is_none()
        && url.port().is_none()
        && url.host_str() == Some(LEARN_HOST);
    let help = url.as_str() == COMMUNICATION_PREFERENCES_URL;
    if Portal::is_portal_page(&url) || learn || help {
        Ok(url)
    } else {
        Err(refused())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_pages_are_in_the_users_language_and_all_openable() {
        let dutch = help_links(Locale::Nl);
        assert_eq!(
            dutch.iter().map(|l| l.page.as_str()).collect::<Vec<_>>(),
            [
                "download_invoice",
                "download_usage",
                "check_access",
                "communication_preferences",
                "support_request"
            ]
        );
        assert!(
            dutch[0]
                .url
                .starts_with("https://learn.microsoft.com/nl-nl/")
        );
        assert!(
            help_links(Locale::En)[1]
                .url
                .starts_with("https://learn.microsoft.com/en-us/")
        );
        for link in dutch.iter().chain(&help_links(Locale::En)) {
            assert!(openable(&link.url).is_ok(), "{}", link.url);
        }
    }

    #[test]
    fn nothing_but_portal_and_learn_pages_is_opened() {
        assert!(
            openable("https://portal.azure.com/#blade/Microsoft_Azure_Billing/SubscriptionsBlade")
                .is_ok()
        );
        for other in [
            "https://learn.microsoft.com.evil.example/",
            "http://learn.microsoft.com/",
            "https://evil.example/",
            "javascript:alert(1)",
            "file:///C:/Windows/System32/calc.exe",
            "not a link",
        ] {
            assert_eq!(
                openable(other).unwrap_err().code,
                ErrorCode::LinkNotOpenable,
                "{other}"
            );
        }
    }
}
