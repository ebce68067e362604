//! Billing profiles, their invoice sections and their invoice e-mail settings.

use super::ListOptions;
use super::operations::{INVOICE_SECTIONS_LIST, PROFILES_GET, PROFILES_LIST, PROFILES_PUT};
use crate::arm::{ArmClient, ItemStream, LroOptions};
use crate::error::BillingError;
use crate::model::{BillingProfile, InvoiceSection};

impl ArmClient {
    pub fn list_billing_profiles(
        &self,
        account: &str,
        options: &ListOptions,
    ) -> ItemStream<BillingProfile> {
        self.list(&PROFILES_LIST, &[account], &options.query(false))
    }

    /// MCA: the invoice sections of a profile that the caller has access to (deleted ones
    /// left out, the API's default).
    pub fn list_invoice_sections(
        &self,
        account: &str,
        profile: &str,
        options: &ListOptions,
    ) -> ItemStream<InvoiceSection> {
        self.list(
            &INVOICE_SECTIONS_LIST,
            &[account, profile],
            &options.query(false),
        )
    }

    pub async fn get_billing_profile(
        &self,
        account: &str,
        profile: &str,
    ) -> Result<BillingProfile, BillingError> {
        self.get_json(&PROFILES_GET, &[account, profile], &[], "billing profile")
            .await
    }

    /// `PUT` a whole profile (a long-running operation) and return it as stored.
    pub async fn put_billing_profile(
        &self,
        account: &str,
        profile_name: &str,
        profile: &BillingProfile,
        options: &LroOptions,
    ) -> Result<BillingProfile, BillingError> {
        let body = super::encode(profile)?;
        let response = self
            .long_running(
                &PROFILES_PUT,
                &[account, profile_name],
                &[],
                Some(body),
                options,
            )
            .await?;
        if response.body.is_empty() {
            return self.get_billing_profile(account, profile_name).await;
        }
        response.json("billing profile")
    }

    /// Turns invoice e-mail on or off and sets the extra recipients: there is no PATCH for
    /// profiles, so the profile is read, changed and written back.
    pub async fn set_invoice_email(
        &self,
        account: &str,
        profile_name: &str,
        opt_in: bool,
        recipients: Vec<String>,
        options: &LroOptions,
    ) -> Result<BillingProfile, BillingError> {
        let mut profile = self.get_billing_profile(account, profile_name).await?;
        profile.properties.invoice_email_opt_in = Some(opt_in);
        profile.properties.invoice_recipients = Some(recipients);
        // Read-only envelope fields are not part of the request.
        profile.system_data = None;
        self.put_billing_profile(account, profile_name, &profile, options)
            .await
    }
}
