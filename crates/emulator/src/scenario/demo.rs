//! The `demo` scenario: one user per situation the app must explain.

use time::{Duration, OffsetDateTime};

use super::builder::{Builder, MospHistory};
use super::model::{
    Account, Agreement, Department, Enrollment, EnrollmentAccount, Role, Scope, World,
};

const PAYG: MospHistory = MospHistory {
    created_days_ago: 430,
    currency: "EUR",
    offer_id: "MS-AZR-0003P",
    quota_id: "PayAsYouGo_2014-09-01",
    spending_limit: "Off",
    billing_type: "Paid",
    free: false,
    special_documents: true,
};

/// A display name long enough to break naive file-name code (250 characters).
fn long_name() -> String {
    let mut s = String::from("Very long subscription name ");
    while s.len() < 250 {
        s.push_str("abcdefghij");
    }
    s.truncate(250);
    s
}

pub fn build(now: OffsetDateTime) -> World {
    let mut b = Builder::new(0x1D_E5C0, now);
    let contoso = b.tenant("Contoso", "contoso.onmicrosoft.com");
    let fabrikam = b.tenant("Fabrikam", "fabrikam.onmicrosoft.com");
    let cafe = b.tenant("Café Ünïcode — 請求書", "cafeunicode.onmicrosoft.com");
    // Morgan's third tenant: a token there needs a sign-in at that tenant (AADSTS50076).
    b.require_mfa(&cafe);

    // MOSP pay-as-you-go account admin, EUR, 14 months, special documents, a new subscription.
    let alex = b.user(
        "alex@contoso.example",
        "Alex Admin",
        "MOSP pay-as-you-go account administrator (EUR): 14+ months of invoices incl. a zero-amount invoice, a credit note and tax receipts; a second subscription created 12 days ago (no invoice yet); a subscription with a 250-character name",
        &[&contoso],
    );
    let alex_account = b.mosp_account("Alex Admin", "alex@contoso.example", &contoso);
    let alex_sub = b.mosp_subscription(&alex_account, &contoso, "Pay-As-You-Go", &PAYG);
    b.mosp_subscription(
        &alex_account,
        &contoso,
        "New project (created 12 days ago)",
        &MospHistory {
            created_days_ago: 12,
            ..PAYG
        },
    );
    b.mosp_subscription(
        &alex_account,
        &contoso,
        &long_name(),
        &MospHistory {
            created_days_ago: 100,
            special_documents: false,
            ..PAYG
        },
    );
    b.grant(
        &alex,
        Scope::Account(alex_account.clone()),
        Role::AccountAdmin,
    );

    // A second MOSP admin in USD.
    let sam = b.user(
        "sam@fabrikam.example",
        "Sam Smith",
        "MOSP pay-as-you-go account administrator (USD), 20 months of invoices, newest OverDue",
        &[&fabrikam],
    );
    let sam_account = b.mosp_account("Sam Smith", "sam@fabrikam.example", &fabrikam);
    let sam_sub = b.mosp_subscription(
        &sam_account,
        &fabrikam,
        "Fabrikam: production/../web",
        &MospHistory {
            created_days_ago: 610,
            currency: "USD",
            special_documents: false,
            ..PAYG
        },
    );
    b.grant(
        &sam,
        Scope::Account(sam_account.clone()),
        Role::AccountAdmin,
    );
    for inv in b
        .world
        .invoices
        .iter_mut()
        .filter(|i| i.subscription.as_deref() == Some(sam_sub.as_str()))
    {
        if inv.status == "Due" {
            inv.status = "OverDue";
        }
    }

    // Free trial: no invoice, spending limit on.
    let tina = b.user(
        "trial@contoso.example",
        "Tina Trial",
        "MOSP free trial (MS-AZR-0044P, spendingLimit On, subscriptionBillingType Free): credit not exceeded, so no invoices",
        &[&contoso],
    );
    let trial_account = b.mosp_account("Tina Trial", "trial@contoso.example", &contoso);
    b.mosp_subscription(
        &trial_account,
        &contoso,
        "Free Trial",
        &MospHistory {
            created_days_ago: 45,
            offer_id: "MS-AZR-0044P",
            quota_id: "FreeTrial_2014-09-01",
            spending_limit: "On",
            billing_type: "Free",
            free: true,
            ..PAYG
        },
    );
    b.grant(&tina, Scope::Account(trial_account), Role::AccountAdmin);

    // Reader on Alex's subscription who is not the account admin.
    let dev = b.user(
        "dev@contoso.example",
        "Dana Developer",
        "Reader on Alex's pay-as-you-go subscription but NOT account admin (isAccountAdmin false); Alex has not turned on \u{201c}Allow others to download invoice\u{201d} there: invoice routes and cost details answer 403",
        &[&contoso],
    );
    b.grant(
        &dev,
        Scope::Subscription(alex_sub),
        Role::SubscriptionReader,
    );

    // Multi-tenant user: a GBP MOSP account in Fabrikam.
    let morgan = b.user(
        "morgan@contoso.example",
        "Morgan Multi-Tenant",
        "Member of three tenants (Contoso home, Fabrikam, Café Ünïcode — 請求書, which requires MFA: a refresh token from the home sign-in gets interaction_required AADSTS50076 there); MOSP account admin (GBP) of a subscription in the Fabrikam tenant; request a token with &tenant=<id> to switch",
        &[&contoso, &fabrikam, &cafe],
    );
    let morgan_account = b.mosp_account("Morgan: GBP / UK", "morgan@contoso.example", &fabrikam);
    b.mosp_subscription(
        &morgan_account,
        &fabrikam,
        "Café Ünïcode — 請求書",
        &MospHistory {
            created_days_ago: 200,
            currency: "GBP",
            special_documents: false,
            ..PAYG
        },
    );
    b.grant(&morgan, Scope::Account(morgan_account), Role::AccountAdmin);

    // MCA: one account, three profiles, every invoice status.
    let mca = b.mca_account("Contoso Ltd (Microsoft Customer Agreement)", &contoso);
    let p_fin = b.profile(
        &mca,
        "Contoso Finance",
        "EUR",
        true,
        &[
            "finance@contoso.example",
            "ap@contoso.example",
            "controller@contoso.example",
        ],
    );
    let p_rnd = b.profile(&mca, "Contoso R&D", "USD", false, &[]);
    let p_odd = b.profile(
        &mca,
        "R&D / EU: ..\\ Café Ünïcode — 請求書",
        "JPY",
        true,
        &["請求書@contoso.example"],
    );
    if let Some(p) = b.world.profiles.iter_mut().find(|p| p.name == p_rnd) {
        p.status = "Warned";
    }
    b.mca_invoices(
        &mca,
        &p_fin,
        "EUR",
        14,
        &["Due", "OverDue", "PastDue", "Locked", "Void"],
    );
    b.mca_invoices(&mca, &p_rnd, "USD", 13, &["Due"]);
    b.mca_invoices(&mca, &p_odd, "JPY", 6, &["Paid"]);
    b.mca_subscription(&mca, &p_fin, &contoso, "Finance workloads", "EUR");
    b.mca_subscription(&mca, &p_rnd, &contoso, "R&D sandbox", "USD");

    let olivia = b.user("olivia.owner@contoso.example", "Olivia Owner", "MCA billing profile owner of all three Contoso profiles (email on with 3 recipients, email off, hostile display name)", &[&contoso]);
    for p in [&p_fin, &p_rnd, &p_odd] {
        b.grant(
            &olivia,
            Scope::Profile(mca.clone(), p.clone()),
            Role::BillingProfileOwner,
        );
    }
    let rita = b.user("rita.reader@contoso.example", "Rita Reader", "MCA billing profile reader on Contoso Finance: can list and download, PUT billing profile answers 403", &[&contoso]);
    b.grant(
        &rita,
        Scope::Profile(mca.clone(), p_fin.clone()),
        Role::BillingProfileReader,
    );
    let ivan = b.user(
        "ivan.invoices@contoso.example",
        "Ivan Invoice-Manager",
        "MCA invoice manager on Contoso Finance and Contoso R&D: lists and downloads invoices and usage, PUT billing profile answers 403",
        &[&contoso],
    );
    b.grant(
        &ivan,
        Scope::Profile(mca.clone(), p_fin.clone()),
        Role::InvoiceManager,
    );
    b.grant(
        &ivan,
        Scope::Profile(mca.clone(), p_rnd.clone()),
        Role::InvoiceManager,
    );
    b.user("nora.norole@contoso.example", "Nora No-Role", "Signed in to Contoso with no billing role anywhere: lists are empty and every billing scope answers 403 AuthorizationFailed", &[&contoso]);
    let clara = b.user(
        "clara.contributor@contoso.example",
        "Clara Contributor",
        "MCA billing profile contributor on Contoso R&D (can change invoice email settings)",
        &[&contoso],
    );
    b.grant(
        &clara,
        Scope::Profile(mca.clone(), p_rnd.clone()),
        Role::BillingProfileContributor,
    );
    let bella = b.user(
        "bella.owner@contoso.example",
        "Bella Billing-Account-Owner",
        "MCA billing account owner of Contoso Ltd (sees every profile)",
        &[&contoso],
    );
    b.grant(
        &bella,
        Scope::Account(mca.clone()),
        Role::BillingAccountOwner,
    );

    add_enterprise(&mut b, &contoso);
    // Added after every other user so the ids drawn before stay as they were.
    add_invoice_section_owner(&mut b, &contoso, &mca, &p_fin);
    add_legacy_offer(&mut b, &contoso);
    add_enrollment_without_department_charges(&mut b, &contoso);
    add_reader_allowed_to_download(&mut b, &contoso);
    b.world
}

/// A pay-as-you-go subscription whose account administrator turned on "Allow others to
/// download invoice", and a reader of it who is not the account administrator.
fn add_reader_allowed_to_download(b: &mut Builder, tenant: &str) {
    let riley = b.user(
        "riley.reader@contoso.example",
        "Riley Reader",
        "Reader on \u{201c}Web shop\u{201d}, a pay-as-you-go subscription whose account administrator (webshop.admin@contoso.example) turned on \u{201c}Allow others to download invoice\u{201d}: NOT account admin (isAccountAdmin false), yet lists and downloads its invoices and usage",
        &[tenant],
    );
    let account = b.mosp_account("Web shop", "webshop.admin@contoso.example", tenant);
    let sub = b.mosp_subscription(
        &account,
        tenant,
        "Web shop",
        &MospHistory {
            created_days_ago: 400,
            special_documents: false,
            ..PAYG
        },
    );
    if let Some(s) = b.world.subscriptions.iter_mut().find(|s| s.id == sub) {
        s.others_may_download_invoices = true;
    }
    b.grant(&riley, Scope::Subscription(sub), Role::SubscriptionReader);
}

/// A second enrollment whose enterprise administrator turned off "Department admins can view
/// charges": its department administrator sees the department but no usage.
fn add_enrollment_without_department_charges(b: &mut Builder, tenant: &str) {
    let ea = enrollment(
        b,
        tenant,
        "Northwind Enterprise Enrollment",
        &ViewCharges {
            department_admins: false,
            account_owners: true,
        },
    );
    let research = department(b, &ea, "Research");
    let dora = b.user(
        "dora.dept@contoso.example",
        "Dora Department-Admin",
        "EA department administrator of Research (Northwind enrollment); view-charges policy for department admins is OFF (usage answers 403)",
        &[tenant],
    );
    b.grant(
        &dora,
        Scope::Department(ea, research),
        Role::DepartmentAdmin,
    );
}

/// Contoso Finance gets a second invoice section, owned by someone with no role on the profile.
fn add_invoice_section_owner(b: &mut Builder, tenant: &str, mca: &str, profile: &str) {
    let marketing = b.invoice_section(mca, profile, "Finance \u{2014} Marketing");
    let sofia = b.user(
        "sofia.section@contoso.example",
        "Sofia Section-Owner",
        "MCA invoice section owner of \u{201c}Finance \u{2014} Marketing\u{201d} (Contoso Finance) only: sees the section (usage allowed) and the profile listed with hasReadAccess false; the profile's invoices answer 403",
        &[tenant],
    );
    b.grant(
        &sofia,
        Scope::InvoiceSection(mca.to_owned(), profile.to_owned(), marketing),
        Role::InvoiceSectionOwner,
    );
}

/// A pay-as-you-go subscription whose offer the billing-subscription APIs do not serve.
fn add_legacy_offer(b: &mut Builder, tenant: &str) {
    let lee = b.user(
        "lee.legacy@contoso.example",
        "Lee Legacy",
        "MOSP account administrator of an older Web-Direct subscription: billingAccounts/default/billingSubscriptions/{id} and its invoices answer 404, the legacy Microsoft.Billing/invoices API (2018-03-01-preview) lists the invoices",
        &[tenant],
    );
    let account = b.mosp_account("Lee Legacy", "lee.legacy@contoso.example", tenant);
    let sub = b.mosp_subscription(
        &account,
        tenant,
        "Web-Direct (legacy)",
        &MospHistory {
            created_days_ago: 300,
            special_documents: false,
            ..PAYG
        },
    );
    if let Some(s) = b.world.subscriptions.iter_mut().find(|s| s.id == sub) {
        s.legacy_invoices_only = true;
    }
    b.grant(&lee, Scope::Account(account), Role::AccountAdmin);
}

/// The view-charges policies an enrollment's enterprise administrator set.
struct ViewCharges {
    department_admins: bool,
    account_owners: bool,
}

/// An EA enrollment (billing account) that started 700 days ago; its number.
fn enrollment(b: &mut Builder, tenant: &str, display_name: &str, policies: &ViewCharges) -> String {
    let ea = format!("{}", 10_000_000 + b.rng.below(89_999_999));
    let start = b.today - Duration::days(700);
    b.world.accounts.push(Account {
        name: ea.clone(),
        agreement: Agreement::Ea,
        display_name: display_name.into(),
        account_type: "Enterprise",
        account_sub_type: "None",
        notification_email: None,
        tenant_id: tenant.to_owned(),
        created: b.now - Duration::days(700),
        enrollment: Some(Enrollment {
            invoice_recipient: "invoices@contoso.example".into(),
            currency: "EUR".into(),
            start,
            end: start + Duration::days(3 * 365),
            department_admin_view_charges: policies.department_admins,
            account_owner_view_charges: policies.account_owners,
        }),
    });
    ea
}

/// A department of enrollment `ea`; its id.
fn department(b: &mut Builder, ea: &str, display_name: &str) -> String {
    let id = format!("{}", 100_000 + b.rng.below(899_999));
    b.world.departments.push(Department {
        account: ea.to_owned(),
        name: id.clone(),
        display_name: display_name.into(),
    });
    id
}

fn add_enterprise(b: &mut Builder, tenant: &str) {
    let ea = enrollment(
        b,
        tenant,
        "Contoso Enterprise Enrollment",
        &ViewCharges {
            department_admins: true,
            account_owners: false,
        },
    );
    let deps: Vec<String> = ["Finance", "Engineering"]
        .into_iter()
        .map(|name| department(b, &ea, name))
        .collect();
    let mut accts = Vec::new();
    for (i, name) in [
        "finance-ops@contoso.example",
        "platform@contoso.example",
        "data@contoso.example",
    ]
    .iter()
    .enumerate()
    {
        let id = format!("{}", 1_000_000 + b.rng.below(8_999_999));
        b.world.enrollment_accounts.push(EnrollmentAccount {
            account: ea.clone(),
            department: deps[usize::from(i > 0)].clone(),
            name: id.clone(),
            display_name: (*name).into(),
        });
        accts.push(id);
    }
    let erin = b.user("erin.ea@contoso.example", "Erin Enterprise-Admin", "EA enterprise administrator of the Contoso enrollment (invoices are e-mailed to invoices@contoso.example; usage CSV per enrollment/department/account)", &[tenant]);
    b.grant(&erin, Scope::Account(ea.clone()), Role::EnterpriseAdmin);
    let dan = b.user("dan.dept@contoso.example", "Dan Department-Admin", "EA department administrator of Finance; view-charges policy for department admins is ON (usage allowed)", &[tenant]);
    b.grant(
        &dan,
        Scope::Department(ea.clone(), deps[0].clone()),
        Role::DepartmentAdmin,
    );
    let owen = b.user("owen.account@contoso.example", "Owen Account-Owner", "EA account owner of platform@contoso.example; view-charges policy for account owners is OFF (usage answers 403)", &[tenant]);
    b.grant(
        &owen,
        Scope::EnrollmentAccount(ea, accts[1].clone()),
        Role::EaAccountOwner,
    );
}
