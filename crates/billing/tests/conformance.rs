//! Every official spec example for an operation the app calls must deserialize into the app's
//! models, with key facts intact. Each file in the folder is either covered or skipped with a
//! reason; a new or vanished file fails the test.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::str::FromStr;

use invoice_desk_billing::model::{
    AccessDecision, AgreementType, BillingAccount, BillingPeriod, BillingPermission,
    BillingProfile, BillingProperty, BillingRoleAssignment, BillingRoleDefinition,
    BillingSubscription, CheckAccessRequest, CheckAccessResponse, CostDetailsOperationResult,
    CostDetailsStatus, DocumentDownloadRequest, DocumentDownloadResult, DocumentKind,
    GenerateCostDetailsReportRequest, Invoice, InvoiceStatus, LegacyInvoice, Page, Policy,
    PolicyValue, PrincipalType, Subscription, SubscriptionBillingType,
};
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The model type every 2xx body of an example must deserialize into.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Account,
    AccountPage,
    Profile,
    ProfilePage,
    BillingSubscription,
    BillingSubscriptionPage,
    Property,
    Invoice,
    InvoicePage,
    LegacyInvoice,
    LegacyInvoicePage,
    Period,
    PeriodPage,
    PermissionPage,
    CheckAccess,
    RoleAssignmentPage,
    RoleDefinitionPage,
    Policy,
    Download,
    CostDetails,
    Subscription,
}

struct Example {
    file: String,
    json: Value,
}

impl Example {
    fn body<T: DeserializeOwned>(&self, status: &str) -> T {
        let body = self.json["responses"][status]["body"].clone();
        serde_json::from_value(body)
            .unwrap_or_else(|e| panic!("{}: {status} body does not deserialize: {e}", self.file))
    }

    fn parameter<T: DeserializeOwned>(&self, name: &str) -> T {
        let value = self.json["parameters"][name].clone();
        serde_json::from_value(value)
            .unwrap_or_else(|e| panic!("{}: parameter {name} does not deserialize: {e}", self.file))
    }

    fn header(&self, status: &str, name: &str) -> Option<String> {
        let headers = self.json["responses"][status]["headers"].as_object()?;
        headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .and_then(|(_, value)| value.as_str().map(str::to_owned))
    }
}

/// The exact decimal, wrapped like the model's optional `Amount::value`.
fn dec(text: &str) -> Option<Decimal> {
    Decimal::from_str(text).ok()
}

fn check_kind(kind: Kind, example: &Example, status: &str) {
    match kind {
        Kind::Account => drop(example.body::<BillingAccount>(status)),
        Kind::AccountPage => drop(example.body::<Page<BillingAccount>>(status)),
        Kind::Profile => drop(example.body::<BillingProfile>(status)),
        Kind::ProfilePage => drop(example.body::<Page<BillingProfile>>(status)),
        Kind::BillingSubscription => drop(example.body::<BillingSubscription>(status)),
        Kind::BillingSubscriptionPage => drop(example.body::<Page<BillingSubscription>>(status)),
        Kind::Property => drop(example.body::<BillingProperty>(status)),
        Kind::Invoice => drop(example.body::<Invoice>(status)),
        Kind::InvoicePage => drop(example.body::<Page<Invoice>>(status)),
        Kind::LegacyInvoice => drop(example.body::<LegacyInvoice>(status)),
        Kind::LegacyInvoicePage => drop(example.body::<Page<LegacyInvoice>>(status)),
        Kind::Period => drop(example.body::<BillingPeriod>(status)),
        Kind::PeriodPage => drop(example.body::<Page<BillingPeriod>>(status)),
        Kind::PermissionPage => drop(example.body::<Page<BillingPermission>>(status)),
        Kind::CheckAccess => drop(example.body::<Vec<CheckAccessResponse>>(status)),
        Kind::RoleAssignmentPage => drop(example.body::<Page<BillingRoleAssignment>>(status)),
        Kind::RoleDefinitionPage => drop(example.body::<Page<BillingRoleDefinition>>(status)),
        Kind::Policy => drop(example.body::<Policy>(status)),
        Kind::Download => drop(example.body::<DocumentDownloadResult>(status)),
        Kind::CostDetails => drop(example.body::<CostDetailsOperationResult>(status)),
        Kind::Subscription => drop(example.body::<Subscription>(status)),
    }
}

type Facts = fn(&Example);

/// Covered files: the end of the file name (unique), the model, and the facts to assert.
const COVERED: &[(&str, Kind, Facts)] = &[
    (
        "2018-03-01-preview__examples__BillingPeriodsGet.json",
        Kind::Period,
        |ex| {
            let period: BillingPeriod = ex.body("200");
            assert_eq!(period.properties.invoice_ids.unwrap().len(), 2);
            let start = period.properties.billing_period_start_date.unwrap();
            assert_eq!(start.date().unwrap().to_string(), "2017-01-01");
        },
    ),
    (
        "2018-03-01-preview__examples__BillingPeriodsList.json",
        Kind::PeriodPage,
        |ex| {
            let page: Page<BillingPeriod> = ex.body("200");
            assert_eq!(page.value.len(), 1);
            assert_eq!(page.value[0].name.as_deref(), Some("201702-1"));
            assert!(page.next_link.is_none());
        },
    ),
    (
        "Billing__preview__2018-03-01-preview__examples__InvoicesGet.json",
        Kind::LegacyInvoice,
        |ex| {
            let invoice: LegacyInvoice = ex.body("200");
            let url = invoice.properties.download_url.unwrap();
            assert_eq!(url.url.as_deref(), Some("https://microsoft.com"));
            assert_eq!(
                url.expiry_time
                    .unwrap()
                    .datetime()
                    .unwrap()
                    .unix_timestamp(),
                1_487_018_790
            );
        },
    ),
    (
        "2018-03-01-preview__examples__InvoicesList.json",
        Kind::LegacyInvoicePage,
        |ex| {
            let page: Page<LegacyInvoice> = ex.body("200");
            assert_eq!(page.value.len(), 1);
            assert!(page.value[0].properties.download_url.is_none());
            assert_eq!(
                page.value[0]
                    .properties
                    .billing_period_ids
                    .as_ref()
                    .unwrap()
                    .len(),
                2
            );
        },
    ),
    (
        "2018-11-01-preview__examples__BillingProperty.json",
        Kind::Property,
        |ex| {
            let property: BillingProperty = ex.body("200");
            assert_eq!(
                property.properties.billing_account_name_from_id(),
                Some("00000000-0000-0000-0000-000000000000")
            );
            assert_eq!(
                property.properties.billing_account_name.as_deref(),
                Some("My Account")
            );
        },
    ),
    (
        "2018-11-01-preview__examples__Policy.json",
        Kind::Policy,
        |ex| {
            let policy: Policy = ex.body("200");
            assert_eq!(
                policy.properties.subscription_owner_can_view_charges,
                Some(true)
            );
        },
    ),
    (
        "2024-08-01-preview__examples__billingProfilesUpdateInvoiceRecipientContacts.json",
        Kind::Profile,
        |ex| {
            let profile: BillingProfile = ex.body("200");
            let contacts = profile.properties.invoice_recipient_contacts.unwrap();
            assert_eq!(contacts[0].email.as_deref(), Some("abc@contoso.com"));
            assert!(
                ex.header("202", "Location")
                    .unwrap()
                    .contains("/operationResults/")
            );
        },
    ),
    (
        "Billing__stable__2020-05-01__examples__BillingProfile.json",
        Kind::Profile,
        |ex| {
            let profile: BillingProfile = ex.body("200");
            assert_eq!(profile.properties.invoice_email_opt_in, Some(true));
            assert_eq!(profile.properties.invoice_day, Some(5));
            assert_eq!(profile.properties.enabled_azure_plans.unwrap().len(), 2);
        },
    ),
    (
        "Billing__stable__2020-05-01__examples__BillingProperty.json",
        Kind::Property,
        |ex| {
            let property: BillingProperty = ex.body("200");
            assert_eq!(property.properties.is_account_admin, Some(true));
        },
    ),
    (
        "Billing__stable__2020-05-01__examples__ModernInvoiceDownload.json",
        Kind::Download,
        |ex| {
            let result: DocumentDownloadResult = ex.body("200");
            assert!(result.url.contains(".blob.core.windows.net/"));
            assert_eq!(ex.header("202", "Retry-After").as_deref(), Some("10"));
        },
    ),
    (
        "Billing__stable__2020-05-01__examples__MultipleBillingSubscriptionInvoiceDownload.json",
        Kind::Download,
        |ex| {
            let result: DocumentDownloadResult = ex.body("200");
            assert!(result.expiry_time.is_none());
        },
    ),
    (
        "Billing__stable__2020-05-01__examples__Policy.json",
        Kind::Policy,
        |ex| {
            let policy: Policy = ex.body("200");
            assert_eq!(policy.properties.view_charges, Some(PolicyValue::Allowed));
        },
    ),
    (
        "Billing__stable__2020-05-01__examples__UpdatePolicy.json",
        Kind::Policy,
        |ex| {
            let policy: Policy = ex.body("200");
            assert_eq!(
                policy.properties.marketplace_purchases,
                Some(PolicyValue::OnlyFreeAllowed)
            );
            let sent: Policy = ex.parameter("parameters");
            assert_eq!(
                sent.properties.reservation_purchases,
                Some(PolicyValue::NotAllowed)
            );
        },
    ),
    (
        "billingAccountForLegacyAccountDetails.json",
        Kind::AccountPage,
        |ex| {
            let page: Page<BillingAccount> = ex.body("200");
            let props = &page.value[0].properties;
            assert_eq!(
                props.agreement_type,
                Some(AgreementType::MicrosoftOnlineServicesProgram)
            );
            assert_eq!(
                props.notification_email_address.as_deref(),
                Some("individual@domain.com")
            );
        },
    ),
    ("billingAccountsList.json", Kind::AccountPage, |ex| {
        let page: Page<BillingAccount> = ex.body("200");
        assert_eq!(page.value.len(), 4);
        let mca = page
            .value
            .iter()
            .filter(|a| {
                a.properties.agreement_type == Some(AgreementType::MicrosoftCustomerAgreement)
            })
            .count();
        assert_eq!(mca, 3);
        assert!(page.value[0].name.as_deref().unwrap().contains(':'));
        let created = page.value[0]
            .system_data
            .as_ref()
            .unwrap()
            .created_at
            .as_ref()
            .unwrap();
        assert_eq!(created.date().unwrap().to_string(), "2023-01-04");
    }),
    ("billingAccountsUpdate.json", Kind::Account, |ex| {
        let account: BillingAccount = ex.body("200");
        assert_eq!(
            account.properties.sold_to.unwrap().city.as_deref(),
            Some("Redmond")
        );
        let sent: BillingAccount = ex.parameter("parameters");
        assert_eq!(
            sent.properties.display_name.as_deref(),
            Some("Test Account")
        );
    }),
    (
        "billingPermissionsListByBillingAccount.json",
        Kind::PermissionPage,
        |ex| {
            let page: Page<BillingPermission> = ex.body("200");
            assert_eq!(page.value[0].actions.len(), 20);
            assert!(page.value[0].not_actions.is_empty());
        },
    ),
    (
        "billingPermissionsListByBillingProfile.json",
        Kind::PermissionPage,
        |ex| {
            let page: Page<BillingPermission> = ex.body("200");
            assert_eq!(page.value[0].actions.len(), 20);
        },
    ),
    ("billingPropertyGetMOSP.json", Kind::Property, |ex| {
        let property: BillingProperty = ex.body("200");
        let props = property.properties;
        assert_eq!(
            props.billing_account_agreement_type,
            Some(AgreementType::MicrosoftOnlineServicesProgram)
        );
        assert_eq!(
            props.subscription_billing_type,
            Some(SubscriptionBillingType::Free)
        );
        assert_eq!(
            props
                .subscription_service_usage_address
                .unwrap()
                .first_name
                .as_deref(),
            Some("Jenny")
        );
    }),
    (
        "billingPropertyPatchSubscriptionServiceUsageAddress.json",
        Kind::Property,
        |ex| {
            let property: BillingProperty = ex.body("200");
            assert_eq!(
                property.properties.billing_account_status.as_deref(),
                Some("Active")
            );
            let sent: BillingProperty = ex.parameter("parameters");
            assert!(sent.properties.subscription_service_usage_address.is_some());
        },
    ),
    (
        "billingRoleAssignmentListByBillingProfile.json",
        Kind::RoleAssignmentPage,
        |ex| {
            let page: Page<BillingRoleAssignment> = ex.body("200");
            assert_eq!(page.value.len(), 2);
            let first = &page.value[0].properties;
            assert_eq!(first.principal_type, Some(PrincipalType::User));
            assert_eq!(
                first.role_definition_name(),
                Some("40000000-aaaa-bbbb-cccc-100000000000")
            );
        },
    ),
    (
        "billingRoleDefinitionListByBillingProfile.json",
        Kind::RoleDefinitionPage,
        |ex| {
            let page: Page<BillingRoleDefinition> = ex.body("200");
            let names: Vec<_> = page
                .value
                .iter()
                .filter_map(|d| d.properties.role_name.as_deref())
                .collect();
            assert_eq!(
                names,
                [
                    "Billing profile owner",
                    "Billing profile contributor",
                    "Billing profile reader",
                    "Invoice manager"
                ]
            );
            assert_eq!(page.value[0].properties.permissions[0].actions.len(), 12);
        },
    ),
    (
        "checkAccessByBillingProfile.json",
        Kind::CheckAccess,
        |ex| {
            let decisions: Vec<CheckAccessResponse> = ex.body("200");
            assert_eq!(decisions[0].access_decision, Some(AccessDecision::Allowed));
            assert_eq!(
                decisions[1].access_decision,
                Some(AccessDecision::NotAllowed)
            );
            let sent: CheckAccessRequest = ex.parameter("parameters");
            assert_eq!(sent.actions.len(), 2);
        },
    ),
    ("policiesGetByBillingAccount.json", Kind::Policy, |ex| {
        let policy: Policy = ex.body("200");
        let ea = policy.properties.enterprise_agreement_policies.unwrap();
        assert_eq!(
            ea.authentication_type.as_deref(),
            Some("OrganizationalAccountOnly")
        );
        assert_eq!(
            policy.properties.savings_plan_purchases,
            Some(PolicyValue::NotAllowed)
        );
    }),
    ("policiesGetByBillingProfile.json", Kind::Policy, |ex| {
        let policy: Policy = ex.body("200");
        assert_eq!(
            policy.properties.invoice_section_label_management,
            Some(PolicyValue::Allowed)
        );
    }),
    ("policiesPutByBillingProfile.json", Kind::Policy, |ex| {
        let created: Policy = ex.body("201");
        assert_eq!(
            created.properties.marketplace_purchases,
            Some(PolicyValue::AllAllowed)
        );
    }),
    ("InvoicesGetLatest.json", Kind::LegacyInvoice, |ex| {
        let invoice: LegacyInvoice = ex.body("200");
        assert_eq!(invoice.name.as_deref(), Some("2017-02-05-123456789"));
        assert!(invoice.properties.download_url.unwrap().url.is_some());
    }),
    (
        "2019-10-01-preview__examples__BillingProfileInvoiceDownload.json",
        Kind::Download,
        |ex| {
            let _: DocumentDownloadResult = ex.body("200");
        },
    ),
    (
        "2019-10-01-preview__examples__BillingProperty.json",
        Kind::Property,
        |ex| {
            let property: BillingProperty = ex.body("200");
            assert!(property.properties.billing_account_id.is_some());
        },
    ),
    (
        "2019-10-01-preview__examples__BillingSubscriptionInvoiceDownload.json",
        Kind::Download,
        |ex| {
            let _: DocumentDownloadResult = ex.body("200");
        },
    ),
    (
        "Billing__stable__2020-05-01__examples__BillingAccountPermissionsList.json",
        Kind::PermissionPage,
        |ex| {
            let page: Page<BillingPermission> = ex.body("200");
            assert!(!page.value[0].actions.is_empty());
        },
    ),
    (
        "Billing__stable__2020-05-01__examples__BillingSubscriptionInvoiceDownload.json",
        Kind::Download,
        |ex| {
            let _: DocumentDownloadResult = ex.body("200");
        },
    ),
    (
        "Billing__stable__2020-05-01__examples__MultipleModernInvoiceDownload.json",
        Kind::Download,
        |ex| {
            let _: DocumentDownloadResult = ex.body("200");
        },
    ),
    (
        "stable__2024-04-01__examples__billingAccountsGet.json",
        Kind::Account,
        |ex| {
            let account: BillingAccount = ex.body("200");
            assert_eq!(
                account.properties.display_name.as_deref(),
                Some("Premier Business Account")
            );
        },
    ),
    ("billingProfilesCreateOrUpdate.json", Kind::Profile, |ex| {
        let profile: BillingProfile = ex.body("200");
        assert_eq!(profile.properties.invoice_email_opt_in, Some(true));
        let sent: BillingProfile = ex.parameter("parameters");
        assert_eq!(sent.properties.po_number.as_deref(), Some("ABC12345"));
        assert!(
            ex.header("202", "location")
                .unwrap()
                .contains("putBillingProfile_")
        );
    }),
    (
        "stable__2024-04-01__examples__billingProfilesGet.json",
        Kind::Profile,
        |ex| {
            let profile: BillingProfile = ex.body("200");
            assert_eq!(profile.properties.status.unwrap().as_str(), "Warned");
        },
    ),
    (
        "billingProfilesListByBillingAccount.json",
        Kind::ProfilePage,
        |ex| {
            let page: Page<BillingProfile> = ex.body("200");
            assert_eq!(page.value.len(), 2);
            let indirect = page.value[1]
                .properties
                .indirect_relationship_info
                .as_ref()
                .unwrap();
            assert_eq!(indirect.display_name.as_deref(), Some("Partner1"));
        },
    ),
    (
        "billingSubscriptionsGet.json",
        Kind::BillingSubscription,
        |ex| {
            let sub: BillingSubscription = ex.body("200");
            assert_eq!(
                sub.properties.display_name.as_deref(),
                Some("My subscription")
            );
            assert_eq!(
                sub.properties
                    .purchase_date
                    .unwrap()
                    .date()
                    .unwrap()
                    .to_string(),
                "2023-01-04"
            );
        },
    ),
    (
        "billingSubscriptionsListByBillingAccount.json",
        Kind::BillingSubscriptionPage,
        |ex| {
            let page: Page<BillingSubscription> = ex.body("200");
            assert_eq!(page.value.len(), 3);
            let first = &page.value[0].properties;
            assert_eq!(
                first.last_month_charges.as_ref().unwrap().value,
                dec("5000.00")
            );
            assert_eq!(
                first
                    .last_month_charges
                    .as_ref()
                    .unwrap()
                    .value
                    .unwrap()
                    .to_string(),
                "5000.00"
            );
            assert_eq!(
                first.month_to_date_charges.as_ref().unwrap().value,
                dec("600")
            );
        },
    ),
    (
        "invoicesDownloadByBillingAccount.json",
        Kind::Download,
        |ex| {
            let result: DocumentDownloadResult = ex.body("200");
            assert!(result.url.ends_with("sp=r"));
        },
    ),
    (
        "invoicesDownloadByBillingSubscription.json",
        Kind::Download,
        |ex| {
            assert!(
                ex.header("202", "Location")
                    .unwrap()
                    .contains("/billingAccounts/default/billingSubscriptions/")
            );
        },
    ),
    (
        "invoicesDownloadDocumentsByBillingSubscription.json",
        Kind::Download,
        |ex| {
            let result: DocumentDownloadResult = ex.body("200");
            assert_eq!(
                result
                    .expiry_time
                    .unwrap()
                    .datetime()
                    .unwrap()
                    .unix_timestamp(),
                1_676_568_748
            );
            let sent: Vec<DocumentDownloadRequest> = ex.parameter("requestedDocuments");
            assert_eq!(sent[1].invoice_name, "E987654321");
        },
    ),
    (
        "invoicesDownloadSummaryByBillingAccount.json",
        Kind::Download,
        |ex| {
            let result: DocumentDownloadResult = ex.body("200");
            assert!(result.url.contains("_summary.pdf"));
        },
    ),
    (
        "stable__2024-04-01__examples__invoicesGet.json",
        Kind::Invoice,
        |ex| {
            let invoice: Invoice = ex.body("200");
            let props = invoice.properties;
            assert_eq!(props.amount_due.as_ref().unwrap().value, dec("16.53"));
            let free = props.free_azure_credit_applied.as_ref().unwrap();
            assert_eq!(free.value.unwrap().to_string(), "0.00");
            assert_eq!(
                props.invoice_document().unwrap().url.as_deref(),
                Some("https://microsoft.com/invoice.pdf")
            );
            assert_eq!(
                props.payments.as_ref().unwrap()[0]
                    .amount
                    .as_ref()
                    .unwrap()
                    .value,
                dec("2.00")
            );
        },
    ),
    ("invoicesGetByBillingAccount.json", Kind::Invoice, |ex| {
        let invoice: Invoice = ex.body("200");
        assert_eq!(
            invoice.properties.document_type,
            Some(DocumentKind::Invoice)
        );
        assert_eq!(
            invoice.properties.total_amount.unwrap().currency.as_deref(),
            Some("USD")
        );
    }),
    (
        "invoicesListByBillingProfile.json",
        Kind::InvoicePage,
        |ex| {
            let page: Page<Invoice> = ex.body("200");
            assert_eq!(page.value.len(), 2);
            let first = &page.value[0].properties;
            assert_eq!(first.status, Some(InvoiceStatus::Due));
            assert_eq!(first.billed_amount.as_ref().unwrap().value, dec("33.99"));
            assert_eq!(
                first.invoice_document().unwrap().name.as_deref(),
                Some("12345678")
            );
            let rebill = first.rebill_details.as_ref().unwrap();
            assert!(
                rebill
                    .rebill_details
                    .as_ref()
                    .unwrap()
                    .invoice_document_id
                    .is_some()
            );
        },
    ),
    (
        "invoicesListByBillingSubscription.json",
        Kind::InvoicePage,
        |ex| {
            let page: Page<Invoice> = ex.body("200");
            assert_eq!(page.value.len(), 2);
            let due = page.value[0]
                .properties
                .amount_due
                .as_ref()
                .unwrap()
                .value
                .unwrap();
            assert_eq!(due.to_string(), "2000.00");
            assert_eq!(page.value[1].properties.status, Some(InvoiceStatus::Paid));
        },
    ),
    ("policiesGetBySubscription.json", Kind::Policy, |ex| {
        let policy: Policy = ex.body("200");
        let first = &policy.properties.policies.unwrap()[0];
        assert_eq!(first.name.as_deref(), Some("ViewCharges"));
    }),
    (
        "CostDetailsOperationResultsBySubscriptionScope.json",
        Kind::CostDetails,
        |ex| {
            let result: CostDetailsOperationResult = ex.body("200");
            assert_eq!(result.status, Some(CostDetailsStatus::Completed));
            let manifest = result.manifest.unwrap();
            assert_eq!(manifest.blob_count, Some(1));
            assert_eq!(manifest.blobs[0].byte_count, Some(32_741));
            assert!(
                manifest.blobs[0]
                    .blob_link
                    .as_deref()
                    .unwrap()
                    .contains("sig=")
            );
            assert_eq!(ex.header("202", "Retry-After").as_deref(), Some("60"));
        },
    ),
    (
        "GenerateCostDetailsReportByBillingAccountEnterpriseAgreementCustomerAndBillingPeriod.json",
        Kind::CostDetails,
        |ex| {
            let sent: GenerateCostDetailsReportRequest = ex.parameter("parameters");
            assert_eq!(sent.billing_period.as_deref(), Some("202205"));
            let result: CostDetailsOperationResult = ex.body("200");
            let echoed = result
                .manifest
                .unwrap()
                .request_context
                .unwrap()
                .request_body
                .unwrap();
            assert_eq!(echoed, sent);
        },
    ),
    (
        "GenerateCostDetailsReportByBillingProfileAndInvoiceId.json",
        Kind::CostDetails,
        |ex| {
            let sent: GenerateCostDetailsReportRequest = ex.parameter("parameters");
            assert_eq!(sent.invoice_id.as_deref(), Some("M1234567"));
            assert_eq!(sent.period_selector_count(), 1);
        },
    ),
    (
        "GenerateCostDetailsReportByEnrollmentAccountsAndTimePeriod.json",
        Kind::CostDetails,
        |ex| {
            let sent: GenerateCostDetailsReportRequest = ex.parameter("parameters");
            assert_eq!(sent.time_period.unwrap().end, "2020-03-15");
        },
    ),
    (
        "GenerateCostDetailsReportBySubscriptionAndTimePeriod.json",
        Kind::CostDetails,
        |ex| {
            let result: CostDetailsOperationResult = ex.body("200");
            assert_eq!(
                result.valid_till.unwrap().date().unwrap().to_string(),
                "2022-05-10"
            );
        },
    ),
    ("GetSubscription.json", Kind::Subscription, |ex| {
        let sub: Subscription = ex.body("200");
        let policies = sub.subscription_policies.unwrap();
        assert_eq!(policies.quota_id.as_deref(), Some("Internal_2014-09-01"));
        assert_eq!(sub.managed_by_tenants.unwrap().len(), 1);
    }),
];

/// Files deliberately not covered, with the reason.
const SKIPPED: &[(&str, &str)] = &[
    (
        "UsageDetailsList.json",
        "Consumption usage-details JSON: the app uses the cost details CSV report instead",
    ),
    (
        "UsageDetailsListByMCABillingProfile.json",
        "Consumption usage-details JSON: the app does not call it",
    ),
    (
        "UsageDetailsListForBillingPeriod.json",
        "Consumption usage-details JSON: the app does not call it",
    ),
    (
        "GenerateDetailedCostReportByBillingAccountLegacyAndBillingPeriod.json",
        "generateDetailedCostReport is superseded by generateCostDetailsReport, which the app calls",
    ),
    (
        "GenerateDetailedCostReportOperationStatusBySubscriptionScope.json",
        "generateDetailedCostReport status: operation not called by the app",
    ),
];

fn examples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/spec-examples")
}

fn load(path: &std::path::Path) -> Example {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let json: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Example {
        file: path.file_name().unwrap().to_string_lossy().into_owned(),
        json,
    }
}

#[test]
fn every_spec_example_is_covered_or_skipped_with_a_reason() {
    let dir = examples_dir();
    assert!(
        dir.is_dir(),
        "spec examples folder missing: {}",
        dir.display()
    );
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 50,
        "expected the full example set, found {}",
        files.len()
    );

    let mut used = BTreeSet::new();
    let mut covered_bodies = 0;
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let covered: Vec<_> = COVERED
            .iter()
            .filter(|(tail, _, _)| name.ends_with(tail))
            .collect();
        let skipped: Vec<_> = SKIPPED
            .iter()
            .filter(|(tail, _)| name.ends_with(tail))
            .collect();
        match (covered.as_slice(), skipped.as_slice()) {
            ([(tail, kind, facts)], []) => {
                assert!(used.insert(*tail), "{tail} matches more than one file");
                let example = load(path);
                let responses = example.json["responses"].as_object().unwrap();
                for (status, response) in responses {
                    let has_body = response.get("body").is_some_and(|b| !b.is_null());
                    if status.starts_with('2') && has_body {
                        check_kind(*kind, &example, status);
                        covered_bodies += 1;
                    }
                }
                facts(&example);
            }
            ([], [(tail, _)]) => assert!(used.insert(*tail), "{tail} matches more than one file"),
            _ => panic!("{name}: must match exactly one COVERED or SKIPPED entry"),
        }
    }
    let stale: Vec<_> = COVERED
        .iter()
        .map(|(tail, _, _)| *tail)
        .chain(SKIPPED.iter().map(|(tail, _)| *tail))
        .filter(|tail| !used.contains(tail))
        .collect();
    assert!(stale.is_empty(), "table entries without a file: {stale:?}");
    assert_eq!(used.len(), COVERED.len() + SKIPPED.len());
    assert!(covered_bodies >= 55, "only {covered_bodies} bodies checked");
}
