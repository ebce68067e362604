//! Helpers that scenarios use to populate a [`World`] consistently.

use time::{Date, Duration, Month, OffsetDateTime};

use super::model::{
    Account, Agreement, Document, Grant, Invoice, InvoiceSection, Profile, Role, Scope,
    Subscription, Tenant, User, World,
};
use super::rng::Rng;

pub fn add_months(date: Date, months: i32) -> Date {
    let total = date.year() * 12 + i32::from(u8::from(date.month())) - 1 + months;
    let year = total.div_euclid(12);
    let month = Month::try_from(u8::try_from(total.rem_euclid(12) + 1).unwrap_or(1))
        .unwrap_or(Month::January);
    let day = date.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).unwrap_or(date)
}

/// A MOSP subscription's billing periods run from its creation day of month (capped at the
/// 28th so every month has that day).
pub fn period_anchor(created: Date) -> Date {
    created
        .replace_day(created.day().min(28))
        .unwrap_or(created)
}

pub fn first_of_month(date: Date) -> Date {
    date.replace_day(1).unwrap_or(date)
}

#[derive(Debug)]
pub struct Builder {
    pub rng: Rng,
    pub now: OffsetDateTime,
    pub today: Date,
    pub world: World,
    counter: u64,
}

/// Knobs for one MOSP subscription's invoice history.
#[derive(Debug, Clone)]
pub struct MospHistory {
    pub created_days_ago: i64,
    pub currency: &'static str,
    pub offer_id: &'static str,
    pub quota_id: &'static str,
    pub spending_limit: &'static str,
    pub billing_type: &'static str,
    /// No invoices at all (free trial, credit not exceeded).
    pub free: bool,
    /// Add a zero-amount invoice, a credit note and tax receipts.
    pub special_documents: bool,
}

impl Builder {
    pub fn new(seed: u64, now: OffsetDateTime) -> Self {
        Builder {
            rng: Rng::new(seed),
            now,
            today: now.date(),
            world: World::default(),
            counter: 0,
        }
    }

    /// Unique, random-looking numbers: a bijection of a counter modulo 10^9.
    fn unique_number(&mut self, salt: u64) -> u64 {
        self.counter += 1;
        (self.counter * 7_777_777 + salt * 1_000_003 + 123_456_789) % 1_000_000_000
    }

    pub fn tenant(&mut self, display_name: &str, domain: &str) -> String {
        let id = self.rng.guid();
        self.world.tenants.push(Tenant {
            id: id.clone(),
            display_name: display_name.to_owned(),
            default_domain: domain.to_owned(),
            requires_mfa: false,
        });
        id
    }

    /// Flags a tenant as needing MFA (an interactive sign-in at that tenant).
    pub fn require_mfa(&mut self, tenant: &str) {
        if let Some(t) = self.world.tenants.iter_mut().find(|t| t.id == tenant) {
            t.requires_mfa = true;
        }
    }

    pub fn user(
        &mut self,
        upn: &str,
        display_name: &str,
        description: &str,
        tenants: &[&str],
    ) -> String {
        let oid = self.rng.guid();
        self.world.users.push(User {
            upn: upn.to_owned(),
            display_name: display_name.to_owned(),
            description: description.to_owned(),
            object_id: oid.clone(),
            home_tenant: tenants.first().map(|t| (*t).to_owned()).unwrap_or_default(),
            tenants: tenants.iter().map(|t| (*t).to_owned()).collect(),
        });
        oid
    }

    pub fn grant(&mut self, principal: &str, scope: Scope, role: Role) {
        let assignment_id = self.rng.guid();
        self.world.grants.push(Grant {
            principal: principal.to_owned(),
            scope,
            role,
            assignment_id,
        });
    }

    pub fn mosp_account(&mut self, display_name: &str, email: &str, tenant: &str) -> String {
        let name = self.rng.guid();
        self.world.accounts.push(Account {
            name: name.clone(),
            agreement: Agreement::Mosp,
            display_name: display_name.to_owned(),
            account_type: "Individual",
            account_sub_type: "Individual",
            notification_email: Some(email.to_owned()),
            tenant_id: tenant.to_owned(),
            created: self.now - Duration::days(900),
            enrollment: None,
        });
        name
    }

    pub fn mca_account(&mut self, display_name: &str, tenant: &str) -> String {
        let name = format!("{}:{}_2019-05-31", self.rng.guid(), self.rng.guid());
        self.world.accounts.push(Account {
            name: name.clone(),
            agreement: Agreement::Mca,
            display_name: display_name.to_owned(),
            account_type: "Business",
            account_sub_type: "Enterprise",
            notification_email: None,
            tenant_id: tenant.to_owned(),
            created: self.now - Duration::days(1200),
            enrollment: None,
        });
        name
    }

    #[allow(clippy::too_many_arguments)]
    pub fn profile(
        &mut self,
        account: &str,
        display_name: &str,
        currency: &str,
        email_opt_in: bool,
        recipients: &[&str],
    ) -> String {
        let name = format!(
            "{}-{}-{}-{}",
            self.rng.code(4),
            self.rng.code(4),
            self.rng.code(3),
            self.rng.code(3)
        );
        let invoice_day = 5;
        let system_id = format!(
            "{}-{}-{}-{}",
            self.rng.code(4),
            self.rng.code(4),
            self.rng.code(3),
            self.rng.code(3)
        );
        self.world.profiles.push(Profile {
            account: account.to_owned(),
            name: name.clone(),
            display_name: display_name.to_owned(),
            currency: currency.to_owned(),
            invoice_day,
            invoice_email_opt_in: email_opt_in,
            invoice_recipients: recipients.iter().map(|r| (*r).to_owned()).collect(),
            status: "Active",
            spending_limit: "Off",
            system_id,
        });
        // Azure gives every billing profile one invoice section, named after the profile.
        self.invoice_section(account, &name, display_name);
        name
    }

    /// Adds an invoice section to a profile. Names are derived from the profile's (not drawn
    /// from the random source) so adding sections leaves every other generated id unchanged.
    pub fn invoice_section(&mut self, account: &str, profile: &str, display_name: &str) -> String {
        let index = self
            .world
            .invoice_sections
            .iter()
            .filter(|s| s.account == account && s.profile == profile)
            .count()
            + 1;
        let stem = profile.rsplit_once('-').map_or(profile, |(head, _)| head);
        let name = format!("{stem}-S{index:02}");
        self.world.invoice_sections.push(InvoiceSection {
            account: account.to_owned(),
            profile: profile.to_owned(),
            name: name.clone(),
            display_name: display_name.to_owned(),
            state: "Active",
            system_id: format!("{stem}-Y{index:02}"),
        });
        name
    }

    fn amounts(&mut self, currency: &str) -> (i64, i64) {
        let billed = self.rng.range_i64(1_500, 480_000);
        let rate = match currency {
            "EUR" => 21,
            "GBP" => 20,
            "JPY" => 10,
            _ => 0,
        };
        (billed, billed * rate / 100)
    }

    fn documents(&mut self, kinds: &[&'static str]) -> Vec<Document> {
        kinds
            .iter()
            .map(|kind| Document {
                name: format!("{:010}", self.unique_number(7)),
                kind,
            })
            .collect()
    }

    /// A MOSP subscription plus one invoice per ended monthly period since it was created.
    pub fn mosp_subscription(
        &mut self,
        account: &str,
        tenant: &str,
        display_name: &str,
        h: &MospHistory,
    ) -> String {
        let id = self.rng.guid();
        let created = self.now - Duration::days(h.created_days_ago);
        self.world.subscriptions.push(Subscription {
            id: id.clone(),
            display_name: display_name.to_owned(),
            tenant_id: tenant.to_owned(),
            account: account.to_owned(),
            profile: None,
            offer_id: h.offer_id,
            quota_id: h.quota_id,
            spending_limit: h.spending_limit,
            billing_type: h.billing_type,
            created,
            currency: h.currency.to_owned(),
            legacy_invoices_only: false,
            others_may_download_invoices: false,
        });
        if h.free {
            return id;
        }
        let mut start = period_anchor(created.date());
        let mut index = 0usize;
        loop {
            let next = add_months(start, 1);
            let end = next - Duration::days(1);
            let invoice_date = end + Duration::days(2);
            if invoice_date >= self.today {
                break;
            }
            let (mut billed, mut tax) = self.amounts(h.currency);
            let mut document_type = "Invoice";
            let mut kinds: Vec<&'static str> = vec!["Invoice"];
            let mut credit = 0;
            if h.special_documents {
                match index % 6 {
                    1 => {
                        billed = 0;
                        tax = 0;
                    }
                    3 => kinds.push("TaxReceipt"),
                    4 => {
                        document_type = "CreditNote";
                        kinds = vec!["CreditNote"];
                        credit = billed + tax;
                    }
                    _ => {}
                }
            }
            let name = format!(
                "E{}{:08}",
                char::from(b'B' + u8::try_from(index % 20).unwrap_or(0)),
                self.unique_number(3) % 100_000_000
            );
            let documents = self.documents(&kinds);
            self.world.invoices.push(Invoice {
                name,
                account: account.to_owned(),
                profile: None,
                subscription: Some(id.clone()),
                period_start: start,
                period_end: end,
                invoice_date,
                due_date: invoice_date + Duration::days(30),
                status: "Paid",
                currency: h.currency.to_owned(),
                billed_cents: billed,
                tax_cents: tax,
                credit_cents: credit,
                document_type,
                documents,
            });
            start = next;
            index += 1;
        }
        self.mark_recent_due(
            |inv| inv.subscription.as_deref() == Some(id.as_str()),
            &["Due"],
        );
        id
    }

    /// MCA subscription under a billing profile (no invoices of its own).
    pub fn mca_subscription(
        &mut self,
        account: &str,
        profile: &str,
        tenant: &str,
        display_name: &str,
        currency: &str,
    ) -> String {
        let id = self.rng.guid();
        self.world.subscriptions.push(Subscription {
            id: id.clone(),
            display_name: display_name.to_owned(),
            tenant_id: tenant.to_owned(),
            account: account.to_owned(),
            profile: Some(profile.to_owned()),
            offer_id: "MS-AZR-0017G",
            quota_id: "PayAsYouGo_2014-09-01",
            spending_limit: "Off",
            billing_type: "Paid",
            created: self.now - Duration::days(700),
            currency: currency.to_owned(),
            legacy_invoices_only: false,
            others_may_download_invoices: false,
        });
        id
    }

    /// `months` monthly MCA invoices for the most recent issued months; the newest get `statuses`.
    pub fn mca_invoices(
        &mut self,
        account: &str,
        profile: &str,
        currency: &str,
        months: i32,
        statuses: &[&'static str],
    ) {
        let this_month = first_of_month(self.today);
        let mut made = 0;
        for back in 1..=months + 1 {
            if made == months {
                break;
            }
            let start = add_months(this_month, -back);
            let end = add_months(start, 1) - Duration::days(1);
            let invoice_date = end + Duration::days(5);
            if invoice_date >= self.today {
                continue;
            }
            let (billed, tax) = self.amounts(currency);
            let name = format!("G{:09}", self.unique_number(5));
            let documents = self.documents(&["Invoice", "TaxReceipt"]);
            self.world.invoices.push(Invoice {
                name,
                account: account.to_owned(),
                profile: Some(profile.to_owned()),
                subscription: None,
                period_start: start,
                period_end: end,
                invoice_date,
                due_date: invoice_date + Duration::days(30),
                status: "Paid",
                currency: currency.to_owned(),
                billed_cents: billed,
                tax_cents: tax,
                credit_cents: 0,
                document_type: "Invoice",
                documents,
            });
            made += 1;
        }
        let profile = profile.to_owned();
        self.mark_recent_due(
            |inv| inv.profile.as_deref() == Some(profile.as_str()),
            statuses,
        );
    }

    /// Gives the newest matching invoices the given statuses (newest first).
    fn mark_recent_due(&mut self, pred: impl Fn(&Invoice) -> bool, statuses: &[&'static str]) {
        let mut matching: Vec<&mut Invoice> =
            self.world.invoices.iter_mut().filter(|i| pred(i)).collect();
        matching.sort_by_key(|i| std::cmp::Reverse(i.invoice_date));
        for (inv, status) in matching.into_iter().zip(statuses) {
            inv.status = status;
        }
    }
}
