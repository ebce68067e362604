//! The emulated world: plain data that the routes render into ARM shapes.

use time::{Date, OffsetDateTime};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agreement {
    Mosp,
    Mca,
    Ea,
}

impl Agreement {
    pub fn arm_name(self) -> &'static str {
        match self {
            Agreement::Mosp => "MicrosoftOnlineServicesProgram",
            Agreement::Mca => "MicrosoftCustomerAgreement",
            Agreement::Ea => "EnterpriseAgreement",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Tenant {
    pub id: String,
    pub display_name: String,
    pub default_domain: String,
    /// Tokens for this tenant need an interactive (MFA) sign-in at it: a refresh token from a
    /// sign-in elsewhere gets `interaction_required` (AADSTS50076).
    pub requires_mfa: bool,
}

#[derive(Debug, Clone)]
pub struct User {
    pub upn: String,
    pub display_name: String,
    pub description: String,
    pub object_id: String,
    pub home_tenant: String,
    /// Every tenant the user can obtain a token for (home first).
    pub tenants: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Enrollment {
    pub invoice_recipient: String,
    pub currency: String,
    pub start: Date,
    pub end: Date,
    pub department_admin_view_charges: bool,
    pub account_owner_view_charges: bool,
}

// Field names follow the ARM properties they render into.
#[allow(clippy::struct_field_names)]
#[derive(Debug, Clone)]
pub struct Account {
    pub name: String,
    pub agreement: Agreement,
    pub display_name: String,
    pub account_type: &'static str,
    pub account_sub_type: &'static str,
    pub notification_email: Option<String>,
    pub tenant_id: String,
    pub created: OffsetDateTime,
    pub enrollment: Option<Enrollment>,
}

#[derive(Debug, Clone)]
pub struct Profile {
    pub account: String,
    pub name: String,
    pub display_name: String,
    pub currency: String,
    pub invoice_day: u8,
    pub invoice_email_opt_in: bool,
    pub invoice_recipients: Vec<String>,
    pub status: &'static str,
    pub spending_limit: &'static str,
    pub system_id: String,
}

#[derive(Debug, Clone)]
pub struct Subscription {
    pub id: String,
    pub display_name: String,
    pub tenant_id: String,
    pub account: String,
    pub profile: Option<String>,
    pub offer_id: &'static str,
    pub quota_id: &'static str,
    pub spending_limit: &'static str,
    pub billing_type: &'static str,
    pub created: OffsetDateTime,
    pub currency: String,
    /// Some older Web-Direct offers are not served by the billing-subscription APIs: then
    /// `billingAccounts/default/billingSubscriptions/{id}[/invoices]` answer 404 and only the
    /// legacy subscription-scope invoice API lists the invoices.
    pub legacy_invoices_only: bool,
    /// The account administrator's "Allow others to download invoice" for this subscription:
    /// on, its owners, contributors and readers may list and download its invoices (and its
    /// usage and charges, which go with them); off, Azure refuses them with a 403.
    pub others_may_download_invoices: bool,
}

/// An MCA invoice section: a group of charges on its billing profile's invoice.
#[derive(Debug, Clone)]
pub struct InvoiceSection {
    pub account: String,
    pub profile: String,
    pub name: String,
    pub display_name: String,
    /// `Active`, `Warned`, `Deleted`, … (the spec's `InvoiceSectionState`).
    pub state: &'static str,
    pub system_id: String,
}

#[derive(Debug, Clone)]
pub struct Document {
    /// Unique across the world; also the blob name.
    pub name: String,
    pub kind: &'static str,
}

#[allow(clippy::struct_field_names)]
#[derive(Debug, Clone)]
pub struct Invoice {
    pub name: String,
    pub account: String,
    pub profile: Option<String>,
    pub subscription: Option<String>,
    pub period_start: Date,
    pub period_end: Date,
    pub invoice_date: Date,
    pub due_date: Date,
    pub status: &'static str,
    pub currency: String,
    /// Amounts in hundredths, so totals stay exact.
    pub billed_cents: i64,
    pub tax_cents: i64,
    pub credit_cents: i64,
    pub document_type: &'static str,
    pub documents: Vec<Document>,
}

impl Invoice {
    pub fn total_cents(&self) -> i64 {
        self.billed_cents + self.tax_cents - self.credit_cents
    }

    /// Legacy (2018-03-01-preview) invoice name, e.g. `2017-02-05-123456789`.
    pub fn legacy_name(&self) -> String {
        let digits: String = self.name.chars().filter(char::is_ascii_digit).collect();
        format!("{}-{digits:0>9}", self.invoice_date)
    }
}

#[derive(Debug, Clone)]
pub struct Department {
    pub account: String,
    pub name: String,
    pub display_name: String,
}

#[derive(Debug, Clone)]
pub struct EnrollmentAccount {
    pub account: String,
    pub department: String,
    pub name: String,
    pub display_name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// MOSP account administrator (owns every subscription of the account).
    AccountAdmin,
    /// Azure RBAC Owner, Contributor or Reader on a MOSP subscription, without being account
    /// admin: for billing the three are alike (they reach the invoices only when the account
    /// administrator allows others to download them).
    SubscriptionReader,
    BillingAccountOwner,
    BillingProfileOwner,
    BillingProfileContributor,
    BillingProfileReader,
    InvoiceManager,
    EnterpriseAdmin,
    DepartmentAdmin,
    EaAccountOwner,
    InvoiceSectionOwner,
    InvoiceSectionContributor,
    InvoiceSectionReader,
}

impl Role {
    pub fn display(self) -> &'static str {
        match self {
            Role::AccountAdmin => "Account administrator",
            Role::SubscriptionReader => "Reader",
            Role::BillingAccountOwner => "Billing account owner",
            Role::BillingProfileOwner => "Billing profile owner",
            Role::BillingProfileContributor => "Billing profile contributor",
            Role::BillingProfileReader => "Billing profile reader",
            Role::InvoiceManager => "Invoice manager",
            Role::EnterpriseAdmin => "Enterprise administrator",
            Role::DepartmentAdmin => "Department administrator",
            Role::EaAccountOwner => "Account owner",
            Role::InvoiceSectionOwner => "Invoice section owner",
            Role::InvoiceSectionContributor => "Invoice section contributor",
            Role::InvoiceSectionReader => "Invoice section reader",
        }
    }

    /// The role definition GUID used in billingRoleDefinitions / assignments.
    pub fn definition_id(self) -> &'static str {
        match self {
            Role::BillingProfileOwner => "40000000-aaaa-bbbb-cccc-100000000000",
            Role::BillingProfileContributor => "40000000-aaaa-bbbb-cccc-100000000001",
            Role::BillingProfileReader => "40000000-aaaa-bbbb-cccc-100000000002",
            Role::InvoiceManager => "40000000-aaaa-bbbb-cccc-100000000003",
            Role::BillingAccountOwner => "50000000-aaaa-bbbb-cccc-100000000000",
            Role::EnterpriseAdmin => "9f1983cb-2574-400c-87e9-34cf8e2280db",
            Role::DepartmentAdmin => "fb2cf67f-be5b-42e7-8025-4683c668f840",
            Role::EaAccountOwner => "c15c22c0-9faf-424c-9b7e-bd91c06a240b",
            Role::AccountAdmin => "00000000-aaaa-bbbb-cccc-000000000001",
            Role::SubscriptionReader => "acdd72a7-3385-48ef-bd42-f606fba81ae7",
            Role::InvoiceSectionOwner => "30000000-aaaa-bbbb-cccc-100000000000",
            Role::InvoiceSectionContributor => "30000000-aaaa-bbbb-cccc-100000000001",
            Role::InvoiceSectionReader => "30000000-aaaa-bbbb-cccc-100000000002",
        }
    }
}

/// A billing scope a role can be granted on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Account(String),
    Profile(String, String),
    /// Account, profile, invoice section.
    InvoiceSection(String, String, String),
    Department(String, String),
    EnrollmentAccount(String, String),
    Subscription(String),
}

impl Scope {
    /// The ARM resource id, as ARM prints it in error messages.
    pub fn arm_id(&self) -> String {
        match self {
            Scope::Account(a) => format!("/providers/Microsoft.Billing/billingAccounts/{a}"),
            Scope::Profile(a, p) => {
                format!("/providers/Microsoft.Billing/billingAccounts/{a}/billingProfiles/{p}")
            }
            Scope::InvoiceSection(a, p, s) => format!(
                "/providers/Microsoft.Billing/billingAccounts/{a}/billingProfiles/{p}/invoiceSections/{s}"
            ),
            Scope::Department(a, d) => {
                format!("/providers/Microsoft.Billing/billingAccounts/{a}/departments/{d}")
            }
            Scope::EnrollmentAccount(a, e) => {
                format!("/providers/Microsoft.Billing/billingAccounts/{a}/enrollmentAccounts/{e}")
            }
            Scope::Subscription(s) => format!("/subscriptions/{s}"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Grant {
    pub principal: String,
    pub scope: Scope,
    pub role: Role,
    pub assignment_id: String,
}

#[derive(Debug, Clone, Default)]
pub struct World {
    pub tenants: Vec<Tenant>,
    pub users: Vec<User>,
    pub accounts: Vec<Account>,
    pub profiles: Vec<Profile>,
    pub invoice_sections: Vec<InvoiceSection>,
    pub subscriptions: Vec<Subscription>,
    pub invoices: Vec<Invoice>,
    pub departments: Vec<Department>,
    pub enrollment_accounts: Vec<EnrollmentAccount>,
    pub grants: Vec<Grant>,
}

impl World {
    pub fn account(&self, name: &str) -> Option<&Account> {
        self.accounts
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(name))
    }

    pub fn account_mut(&mut self, name: &str) -> Option<&mut Account> {
        self.accounts
            .iter_mut()
            .find(|a| a.name.eq_ignore_ascii_case(name))
    }

    pub fn profile(&self, account: &str, name: &str) -> Option<&Profile> {
        self.profiles
            .iter()
            .find(|p| p.account.eq_ignore_ascii_case(account) && p.name.eq_ignore_ascii_case(name))
    }

    pub fn profile_mut(&mut self, account: &str, name: &str) -> Option<&mut Profile> {
        self.profiles
            .iter_mut()
            .find(|p| p.account.eq_ignore_ascii_case(account) && p.name.eq_ignore_ascii_case(name))
    }

    pub fn invoice_section(
        &self,
        account: &str,
        profile: &str,
        name: &str,
    ) -> Option<&InvoiceSection> {
        self.invoice_sections.iter().find(|s| {
            s.account.eq_ignore_ascii_case(account)
                && s.profile.eq_ignore_ascii_case(profile)
                && s.name.eq_ignore_ascii_case(name)
        })
    }

    pub fn subscription(&self, id: &str) -> Option<&Subscription> {
        self.subscriptions
            .iter()
            .find(|s| s.id.eq_ignore_ascii_case(id))
    }

    pub fn invoice(&self, account: &str, name: &str) -> Option<&Invoice> {
        self.invoices
            .iter()
            .find(|i| i.account.eq_ignore_ascii_case(account) && i.name.eq_ignore_ascii_case(name))
    }

    pub fn user_by_upn(&self, upn: &str) -> Option<&User> {
        self.users.iter().find(|u| u.upn.eq_ignore_ascii_case(upn))
    }

    pub fn user_by_oid(&self, oid: &str) -> Option<&User> {
        self.users.iter().find(|u| u.object_id == oid)
    }

    pub fn tenant(&self, id: &str) -> Option<&Tenant> {
        self.tenants.iter().find(|t| t.id == id)
    }

    pub fn department(&self, account: &str, name: &str) -> Option<&Department> {
        self.departments
            .iter()
            .find(|d| d.account.eq_ignore_ascii_case(account) && d.name.eq_ignore_ascii_case(name))
    }

    pub fn enrollment_account(&self, account: &str, name: &str) -> Option<&EnrollmentAccount> {
        self.enrollment_accounts
            .iter()
            .find(|e| e.account.eq_ignore_ascii_case(account) && e.name.eq_ignore_ascii_case(name))
    }

    /// Finds a document by its unique name, with the invoice that carries it.
    pub fn document(&self, name: &str) -> Option<(&Invoice, &Document)> {
        self.invoices
            .iter()
            .find_map(|i| i.documents.iter().find(|d| d.name == name).map(|d| (i, d)))
    }

    /// The scope and its ancestors, nearest first: a grant on any of them applies.
    pub fn ancestors(&self, scope: &Scope) -> Vec<Scope> {
        let mut out = vec![scope.clone()];
        match scope {
            Scope::Account(_) => {}
            Scope::Profile(a, _) | Scope::Department(a, _) => out.push(Scope::Account(a.clone())),
            Scope::InvoiceSection(a, p, _) => {
                out.push(Scope::Profile(a.clone(), p.clone()));
                out.push(Scope::Account(a.clone()));
            }
            Scope::EnrollmentAccount(a, e) => {
                if let Some(ea) = self.enrollment_account(a, e) {
                    out.push(Scope::Department(a.clone(), ea.department.clone()));
                }
                out.push(Scope::Account(a.clone()));
            }
            Scope::Subscription(s) => {
                if let Some(sub) = self.subscription(s) {
                    if let Some(p) = &sub.profile {
                        out.push(Scope::Profile(sub.account.clone(), p.clone()));
                    }
                    out.push(Scope::Account(sub.account.clone()));
                }
            }
        }
        out
    }

    /// The billing account a scope lives in, if any.
    pub fn account_of(&self, scope: &Scope) -> Option<String> {
        match scope {
            Scope::Account(a)
            | Scope::Profile(a, _)
            | Scope::InvoiceSection(a, _, _)
            | Scope::Department(a, _)
            | Scope::EnrollmentAccount(a, _) => Some(a.clone()),
            Scope::Subscription(s) => self.subscription(s).map(|s| s.account.clone()),
        }
    }
}
