//! Cost details CSV: the real column sets, rows generated on demand by index.
//!
//! Every data row has the same byte width (the last field is space-padded), so a blob's
//! length is known up front and any byte range maps straight to rows: nothing is buffered.
//!
//! Costs add up: a report's rows (over all its blobs) sum to a total fixed when the report is
//! requested ([`CostPlan`]): an invoice's pre-tax amount for MCA billed usage, else the rows'
//! own amounts rounded to the cent. Every row but the last is its share of that total; the last
//! row takes what is left, so the sum is exact and every byte range reads the same every time.

use std::ops::Range;

use bytes::Bytes;
use futures::Stream;
use time::{Date, Duration};

use crate::scenario::rng::mix;

/// Which cost details schema a scope produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// Microsoft Customer Agreement ("modern") columns.
    Mca,
    /// Enterprise Agreement and MOSP pay-as-you-go ("legacy") columns.
    Legacy,
}

#[derive(Debug, Clone, Copy)]
enum F {
    InvoiceId,
    PreviousInvoiceId,
    BillingAccountId,
    BillingAccountName,
    BillingProfileId,
    BillingProfileName,
    InvoiceSectionId,
    InvoiceSectionName,
    Empty,
    CostCenter,
    PeriodEnd,
    PeriodStart,
    Date,
    ServiceFamily,
    ProductOrderId,
    ProductOrderName,
    ConsumedService,
    MeterId,
    MeterName,
    MeterCategory,
    MeterSubCategory,
    MeterRegion,
    ProductId,
    ProductName,
    SubscriptionId,
    SubscriptionName,
    PublisherType,
    PublisherName,
    ResourceGroup,
    ResourceId,
    ResourceName,
    Location,
    EffectivePrice,
    Quantity,
    UnitOfMeasure,
    ChargeType,
    Currency,
    Cost,
    CostUsd,
    ExchangeRate,
    ExchangeRateDate,
    False,
    AdditionalInfo,
    Tags,
    PaygPrice,
    Frequency,
    PricingModel,
    UnitPrice,
    Provider,
    PartNumber,
    AccountOwnerId,
    AccountName,
    OfferId,
    AccountId,
}

/// Microsoft Customer Agreement columns, in the order the Cost Details API writes them.
const MCA: &[(&str, F)] = &[
    ("invoiceId", F::InvoiceId),
    ("previousInvoiceId", F::PreviousInvoiceId),
    ("billingAccountId", F::BillingAccountId),
    ("billingAccountName", F::BillingAccountName),
    ("billingProfileId", F::BillingProfileId),
    ("billingProfileName", F::BillingProfileName),
    ("invoiceSectionId", F::InvoiceSectionId),
    ("invoiceSectionName", F::InvoiceSectionName),
    ("resellerName", F::Empty),
    ("resellerMpnId", F::Empty),
    ("costCenter", F::CostCenter),
    ("billingPeriodEndDate", F::PeriodEnd),
    ("billingPeriodStartDate", F::PeriodStart),
    ("servicePeriodEndDate", F::PeriodEnd),
    ("servicePeriodStartDate", F::PeriodStart),
    ("date", F::Date),
    ("serviceFamily", F::ServiceFamily),
    ("productOrderId", F::ProductOrderId),
    ("productOrderName", F::ProductOrderName),
    ("consumedService", F::ConsumedService),
    ("meterId", F::MeterId),
    ("meterName", F::MeterName),
    ("meterCategory", F::MeterCategory),
    ("meterSubCategory", F::MeterSubCategory),
    ("meterRegion", F::MeterRegion),
    ("ProductId", F::ProductId),
    ("ProductName", F::ProductName),
    ("SubscriptionId", F::SubscriptionId),
    ("subscriptionName", F::SubscriptionName),
    ("publisherType", F::PublisherType),
    ("publisherId", F::Empty),
    ("publisherName", F::PublisherName),
    ("resourceGroupName", F::ResourceGroup),
    ("ResourceId", F::ResourceId),
    ("resourceLocation", F::Location),
    ("location", F::Location),
    ("effectivePrice", F::EffectivePrice),
    ("quantity", F::Quantity),
    ("unitOfMeasure", F::UnitOfMeasure),
    ("chargeType", F::ChargeType),
    ("billingCurrency", F::Currency),
    ("pricingCurrency", F::Currency),
    ("costInBillingCurrency", F::Cost),
    ("costInPricingCurrency", F::Cost),
    ("costInUsd", F::CostUsd),
    ("paygCostInBillingCurrency", F::Cost),
    ("paygCostInUsd", F::CostUsd),
    ("exchangeRatePricingToBilling", F::ExchangeRate),
    ("exchangeRateDate", F::ExchangeRateDate),
    ("isAzureCreditEligible", F::False),
    ("serviceInfo1", F::Empty),
    ("serviceInfo2", F::Empty),
    ("additionalInfo", F::AdditionalInfo),
    ("tags", F::Tags),
    ("PayGPrice", F::PaygPrice),
    ("frequency", F::Frequency),
    ("term", F::Empty),
    ("reservationId", F::Empty),
    ("reservationName", F::Empty),
    ("pricingModel", F::PricingModel),
    ("unitPrice", F::UnitPrice),
    ("costAllocationRuleName", F::Empty),
    ("benefitId", F::Empty),
    ("benefitName", F::Empty),
    ("provider", F::Provider),
];

/// Enterprise Agreement columns ("cost and usage details" schema version 2024-08-01, the one
/// Microsoft documents for EA cost details files; pay-as-you-go subscriptions read through
/// Cost Management's legacy usage get the same set here).
const LEGACY: &[(&str, F)] = &[
    ("InvoiceSectionName", F::InvoiceSectionName),
    ("AccountName", F::AccountName),
    ("AccountOwnerId", F::AccountOwnerId),
    ("SubscriptionId", F::SubscriptionId),
    ("SubscriptionName", F::SubscriptionName),
    ("ResourceGroup", F::ResourceGroup),
    ("ResourceLocation", F::Location),
    ("Date", F::Date),
    ("ProductName", F::ProductName),
    ("MeterCategory", F::MeterCategory),
    ("MeterSubCategory", F::MeterSubCategory),
    ("MeterId", F::MeterId),
    ("MeterName", F::MeterName),
    ("MeterRegion", F::MeterRegion),
    ("UnitOfMeasure", F::UnitOfMeasure),
    ("Quantity", F::Quantity),
    ("EffectivePrice", F::EffectivePrice),
    ("CostInBillingCurrency", F::Cost),
    ("CostCenter", F::CostCenter),
    ("ConsumedService", F::ConsumedService),
    ("ResourceId", F::ResourceId),
    ("Tags", F::Tags),
    ("OfferId", F::OfferId),
    ("AdditionalInfo", F::AdditionalInfo),
    ("ServiceInfo1", F::Empty),
    ("ServiceInfo2", F::Empty),
    ("ResourceName", F::ResourceName),
    ("ReservationId", F::Empty),
    ("ReservationName", F::Empty),
    ("UnitPrice", F::UnitPrice),
    ("ProductOrderId", F::ProductOrderId),
    ("ProductOrderName", F::ProductOrderName),
    ("Term", F::Empty),
    ("PublisherType", F::PublisherType),
    ("PublisherName", F::PublisherName),
    ("ChargeType", F::ChargeType),
    ("Frequency", F::Frequency),
    ("PricingModel", F::PricingModel),
    ("AvailabilityZone", F::Empty),
    ("BillingAccountId", F::BillingAccountId),
    ("BillingAccountName", F::BillingAccountName),
    ("BillingCurrencyCode", F::Currency),
    ("BillingPeriodStartDate", F::PeriodStart),
    ("BillingPeriodEndDate", F::PeriodEnd),
    ("BillingProfileId", F::BillingProfileId),
    ("BillingProfileName", F::BillingProfileName),
    ("InvoiceSectionId", F::InvoiceSectionId),
    ("IsAzureCreditEligible", F::False),
    ("PartNumber", F::PartNumber),
    ("PayGPrice", F::PaygPrice),
    ("PlanName", F::Empty),
    ("ServiceFamily", F::ServiceFamily),
    ("CostAllocationRuleName", F::Empty),
    ("benefitId", F::Empty),
    ("benefitName", F::Empty),
    ("AccountId", F::AccountId),
    ("ResourceLocationNormalized", F::Location),
];

const METERS: &[(&str, &str, &str, &str, &str, &str)] = &[
    // (category, subcategory, meter name, unit, consumed service, resource type)
    (
        "Virtual Machines",
        "Dv3/DSv3 Series",
        "D2 v3/D2s v3",
        "1 Hour",
        "Microsoft.Compute",
        "virtualMachines",
    ),
    (
        "Storage",
        "General Block Blob v2",
        "Hot LRS Data Stored",
        "1 GB/Month",
        "Microsoft.Storage",
        "storageAccounts",
    ),
    (
        "Bandwidth",
        "Rtn Preference: MGN",
        "Standard Data Transfer Out",
        "1 GB",
        "Microsoft.Network",
        "publicIPAddresses",
    ),
    (
        "SQL Database",
        "Single Standard",
        "S0 DTUs",
        "1/Day",
        "Microsoft.Sql",
        "servers",
    ),
    (
        "Azure App Service",
        "Basic Plan",
        "B1",
        "1 Hour",
        "Microsoft.Web",
        "serverfarms",
    ),
];
const REGIONS: &[&str] = &["westeurope", "northeurope", "eastus", "uksouth"];

/// Fixed width of every data row, newline included.
pub const ROW_WIDTH: usize = 1400;

/// Everything a report's rows are derived from.
#[derive(Debug, Clone)]
pub struct ReportSpec {
    pub flavor: Flavor,
    pub seed: u64,
    pub start: Date,
    pub days: u32,
    pub currency: String,
    pub billing_account_id: String,
    pub billing_account_name: String,
    pub billing_profile_id: String,
    pub billing_profile_name: String,
    pub subscription_id: String,
    pub subscription_name: String,
    pub invoice_id: String,
    /// Rows in this blob, and the global index of its first row.
    pub rows: u64,
    pub first_row: u64,
    /// Rows in the whole report (every blob), and what they add up to.
    pub total_rows: u64,
    pub costs: CostPlan,
}

/// What a report's cost column adds up to, in millionths of the billing currency.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CostPlan {
    /// The sum over every row of every blob.
    pub total_micro: u64,
    /// The sum of every row's own amount ([`weight`]); row `i` gets `weight(i) * total / this`.
    pub weight_total: u128,
    /// The last row's cost: what the others leave of the total.
    pub last_micro: u64,
}

/// A row's own amount (quantity × price) in millionths, before it is scaled to the plan.
fn weight(seed: u64, index: u64) -> u64 {
    let h = mix(seed ^ index.wrapping_mul(0x9E37_79B9));
    let qty_milli = (h >> 16) % 240_000 + 1;
    let price_micro = (h >> 32) % 450_000 + 1_000;
    qty_milli * price_micro / 1000
}

fn share(plan: &CostPlan, w: u64) -> u64 {
    if plan.weight_total == 0 {
        return 0;
    }
    u64::try_from(u128::from(w) * u128::from(plan.total_micro) / plan.weight_total)
        .unwrap_or(u64::MAX)
}

/// The plan for a report of `total_rows` rows seeded with `seed`: the rows add up to
/// `total_cents` when given (an invoice's amount; negative counts as zero), else to their own
/// amounts rounded to the cent. Walks every row's amount twice without rendering anything.
pub fn plan_costs(seed: u64, total_rows: u64, total_cents: Option<i64>) -> CostPlan {
    let weight_total: u128 = (0..total_rows).map(|i| u128::from(weight(seed, i))).sum();
    let total_micro = match total_cents {
        Some(c) => u64::try_from(c.max(0)).unwrap_or(0).saturating_mul(10_000),
        None => u64::try_from((weight_total + 5_000) / 10_000)
            .unwrap_or(u64::MAX / 10_000)
            .saturating_mul(10_000),
    };
    let mut plan = CostPlan {
        total_micro,
        weight_total,
        last_micro: 0,
    };
    if total_rows == 0 {
        return plan;
    }
    let others: u64 = (0..total_rows - 1)
        .map(|i| share(&plan, weight(seed, i)))
        .sum();
    plan.last_micro = total_micro.saturating_sub(others);
    plan
}

/// The cost of global row `index`, in millionths of the billing currency.
pub fn row_cost_micro(spec: &ReportSpec, index: u64) -> u64 {
    if index + 1 == spec.total_rows {
        spec.costs.last_micro
    } else {
        share(&spec.costs, weight(spec.seed, index))
    }
}

fn columns(flavor: Flavor) -> &'static [(&'static str, F)] {
    match flavor {
        Flavor::Mca => MCA,
        Flavor::Legacy => LEGACY,
    }
}

pub fn column_names(flavor: Flavor) -> Vec<&'static str> {
    columns(flavor).iter().map(|(n, _)| *n).collect()
}

pub fn header(flavor: Flavor) -> String {
    let mut h = column_names(flavor).join(",");
    h.push('\n');
    h
}

/// Byte length of a blob: header plus fixed-width rows.
pub fn blob_len(spec: &ReportSpec) -> u64 {
    header(spec.flavor).len() as u64 + spec.rows * ROW_WIDTH as u64
}

fn service_family(meter_category: &str) -> &'static str {
    match meter_category {
        "Storage" => "Storage",
        "Bandwidth" => "Networking",
        "SQL Database" => "Databases",
        "Azure App Service" => "Web",
        _ => "Compute",
    }
}

fn quote(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

fn us_date(d: Date) -> String {
    format!("{:02}/{:02}/{}", u8::from(d.month()), d.day(), d.year())
}

/// Renders global row `index` to exactly [`ROW_WIDTH`] bytes.
// One arm per field kind keeps the mapping readable, even where two produce the same text.
#[allow(clippy::match_same_arms)]
pub fn row(spec: &ReportSpec, index: u64) -> String {
    let h = mix(spec.seed ^ index.wrapping_mul(0x9E37_79B9));
    let meter = METERS[usize::try_from(h % METERS.len() as u64).unwrap_or(0)];
    let region = REGIONS[usize::try_from((h >> 8) % REGIONS.len() as u64).unwrap_or(0)];
    let day = spec.start
        + Duration::days(i64::try_from(index % u64::from(spec.days.max(1))).unwrap_or(0));
    let end = spec.start + Duration::days(i64::from(spec.days.max(1)) - 1);
    let qty_milli = (h >> 16) % 240_000 + 1;
    let cost_micro = row_cost_micro(spec, index);
    // The price shown is what the (scaled) cost works out to per unit.
    let price_micro = cost_micro.saturating_mul(1000) / qty_milli;
    let rg = format!("rg-{}", (h >> 20) % 7);
    // A resource of a type is named by the type in the singular, as the portal's defaults are.
    let singular = meter.5.strip_suffix("sses").map_or_else(
        || meter.5.trim_end_matches('s').to_owned(),
        |stem| format!("{stem}ss"),
    );
    let res_name = format!("{singular}-{:03}", (h >> 24) % 40);
    let res_id = format!(
        "/subscriptions/{}/resourceGroups/{rg}/providers/{}/{}/{res_name}",
        spec.subscription_id, meter.4, meter.5
    );
    let money = |micro: u64| format!("{}.{:06}", micro / 1_000_000, micro % 1_000_000);
    let mut fields: Vec<String> = columns(spec.flavor)
        .iter()
        .map(|(_, f)| match f {
            F::InvoiceId => spec.invoice_id.clone(),
            F::BillingAccountId => spec.billing_account_id.clone(),
            F::BillingAccountName | F::AccountName => quote(&spec.billing_account_name),
            F::BillingProfileId => spec.billing_profile_id.clone(),
            F::BillingProfileName => quote(&spec.billing_profile_name),
            F::InvoiceSectionId => format!("{}/invoiceSections/default", spec.billing_profile_id),
            F::InvoiceSectionName => "Default".into(),
            F::PreviousInvoiceId | F::Empty => String::new(),
            F::CostCenter => "FIN-01".into(),
            F::PeriodEnd => us_date(end),
            F::PeriodStart => us_date(spec.start),
            F::Date | F::ExchangeRateDate => us_date(day),
            F::ServiceFamily => service_family(meter.0).into(),
            F::ProductOrderId => spec.subscription_id.clone(),
            F::ProductOrderName => "Azure plan".into(),
            F::ConsumedService => meter.4.into(),
            F::MeterId => format!(
                "{:08x}-0000-4000-8000-{:012x}",
                h >> 32,
                h & 0xffff_ffff_ffff
            ),
            F::MeterName => meter.2.into(),
            F::MeterCategory => meter.0.into(),
            F::MeterSubCategory => meter.1.into(),
            F::MeterRegion => region.into(),
            F::ProductId => format!("DZH318Z0{:04}", h % 10_000),
            F::ProductName => quote(&format!("{} {} - {}", meter.0, meter.1, meter.2)),
            F::SubscriptionId => spec.subscription_id.clone(),
            F::SubscriptionName => quote(&spec.subscription_name),
            F::PublisherType => "Azure".into(),
            F::PublisherName => "Microsoft".into(),
            F::ResourceGroup => rg.clone(),
            F::ResourceId => res_id.clone(),
            F::ResourceName => res_name.clone(),
            F::Location => region.into(),
            F::EffectivePrice | F::UnitPrice | F::PaygPrice => money(price_micro),
            F::Quantity => format!("{}.{:03}", qty_milli / 1000, qty_milli % 1000),
            F::UnitOfMeasure => meter.3.into(),
            F::ChargeType => "Usage".into(),
            F::Currency => spec.currency.clone(),
            F::Cost => money(cost_micro),
            F::CostUsd => money(cost_micro * 108 / 100),
            F::ExchangeRate => "1".into(),
            F::False => "False".into(),
            F::AdditionalInfo => quote(&format!(
                "{{\"UsageType\":\"ComputeHR\",\"ServiceType\":\"{}\"}}",
                meter.2
            )),
            F::Tags => quote("{\"env\":\"prod\",\"owner\":\"finance\"}"),
            F::Frequency => "UsageBased".into(),
            F::PricingModel => "OnDemand".into(),
            F::Provider => "Azure".into(),
            F::PartNumber => format!("AAA-{:05}", h % 100_000),
            F::AccountOwnerId => "owner@contoso.example".into(),
            F::OfferId => "MS-AZR-0003P".into(),
            F::AccountId => format!("{}", mix(spec.seed ^ 0xACC0) % 9_000_000 + 1_000_000),
        })
        .collect();
    let mut line = fields.join(",");
    fields.clear();
    // Pad inside the last field so every row has the same width; cut if ever too long.
    let target = ROW_WIDTH - 1;
    if line.len() > target {
        let mut cut = target;
        while !line.is_char_boundary(cut) {
            cut -= 1;
        }
        line.truncate(cut);
    }
    while line.len() < target {
        line.push(' ');
    }
    line.push('\n');
    line
}

/// A whole blob, gzip-compressed, as a report requested with compression serves it. Builds it
/// in memory: compressed reports are meant to be small.
pub fn gzip(spec: &ReportSpec) -> Vec<u8> {
    use std::io::Write as _;
    let mut out = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing into a Vec cannot fail.
    let _ = out.write_all(header(spec.flavor).as_bytes());
    for i in 0..spec.rows {
        let _ = out.write_all(row(spec, spec.first_row + i).as_bytes());
    }
    out.finish().unwrap_or_default()
}

/// Streams `range` of a blob in chunks of about 64 KiB; memory stays flat however large it is.
pub fn stream(
    spec: ReportSpec,
    range: Range<u64>,
) -> impl Stream<Item = Result<Bytes, std::io::Error>> + Send {
    let header = Bytes::from(header(spec.flavor));
    futures::stream::unfold(range.start, move |pos| {
        let spec = spec.clone();
        let header = header.clone();
        let end = range.end;
        async move {
            if pos >= end {
                return None;
            }
            let hlen = header.len() as u64;
            let mut chunk = Vec::with_capacity(64 * 1024 + ROW_WIDTH);
            let mut p = pos;
            if p < hlen {
                let upto = hlen.min(end);
                chunk.extend_from_slice(
                    &header[usize::try_from(p).unwrap_or(0)..usize::try_from(upto).unwrap_or(0)],
                );
                p = upto;
            }
            let width = ROW_WIDTH as u64;
            while p < end && chunk.len() < 64 * 1024 {
                let local = (p - hlen) / width;
                let offset = usize::try_from((p - hlen) % width).unwrap_or(0);
                let text = row(&spec, spec.first_row + local);
                let take = usize::try_from((width - offset as u64).min(end - p)).unwrap_or(0);
                chunk.extend_from_slice(&text.as_bytes()[offset..offset + take]);
                p += take as u64;
            }
            Some((Ok(Bytes::from(chunk)), p))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(flavor: Flavor) -> ReportSpec {
        let total_rows = 10;
        ReportSpec {
            flavor,
            seed: 7,
            start: Date::from_calendar_date(2026, time::Month::March, 1).unwrap(),
            days: 31,
            currency: "EUR".into(),
            billing_account_id: "a:b_2019-05-31".into(),
            billing_account_name: "Contoso, Ltd".into(),
            billing_profile_id: "/providers/x".into(),
            billing_profile_name: "P".into(),
            subscription_id: "s".into(),
            subscription_name: "Café Ünïcode — 請求書".into(),
            invoice_id: "G1".into(),
            rows: total_rows,
            first_row: 0,
            total_rows,
            costs: plan_costs(7, total_rows, Some(123_456)),
        }
    }

    /// Splits a CSV line into fields (quotes honoured).
    fn fields(line: &str) -> Vec<String> {
        let mut out = vec![String::new()];
        let mut quoted = false;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '"' if quoted && chars.peek() == Some(&'"') => {
                    chars.next();
                    out.last_mut().unwrap().push('"');
                }
                '"' => quoted = !quoted,
                ',' if !quoted => out.push(String::new()),
                c => out.last_mut().unwrap().push(c),
            }
        }
        out
    }

    #[test]
    fn rows_have_fixed_width_and_every_column_whole() {
        for flavor in [Flavor::Mca, Flavor::Legacy] {
            let s = spec(flavor);
            let names = column_names(flavor);
            for i in 0..50 {
                let r = row(&s, i);
                assert_eq!(r.len(), ROW_WIDTH);
                // Never cut: the padding is the last field's trailing spaces.
                assert!(r.ends_with(" \n"), "{flavor:?} row {i} was cut");
                let f = fields(r.trim_end());
                assert_eq!(f.len(), names.len(), "{flavor:?} row {i}");
            }
        }
        assert!(header(Flavor::Mca).starts_with("invoiceId,"));
        assert!(header(Flavor::Legacy).starts_with("InvoiceSectionName,"));
    }

    #[test]
    fn costs_add_up_to_the_plan_exactly() {
        let s = spec(Flavor::Mca);
        let at = |i: u64| {
            let f = fields(row(&s, i).trim_end());
            let (units, micro) = f[42].split_once('.').unwrap();
            units.parse::<u64>().unwrap() * 1_000_000 + micro.parse::<u64>().unwrap()
        };
        assert_eq!(column_names(Flavor::Mca)[42], "costInBillingCurrency");
        let sum: u64 = (0..s.total_rows).map(at).sum();
        assert_eq!(sum, 123_456 * 10_000);
        // Without a target the rows add up to a whole number of cents, the same every time.
        let free = plan_costs(99, 1000, None);
        assert_eq!(free.total_micro % 10_000, 0);
        assert_eq!(free, plan_costs(99, 1000, None));
        assert!(
            free.total_micro
                .abs_diff(u64::try_from(free.weight_total).unwrap())
                < 10_000
        );
    }

    #[test]
    fn gzip_inflates_to_the_blob() {
        use futures::StreamExt;
        use std::io::Read as _;
        let s = spec(Flavor::Legacy);
        let mut plain = Vec::new();
        flate2::read::GzDecoder::new(&gzip(&s)[..])
            .read_to_end(&mut plain)
            .unwrap();
        let streamed: Vec<u8> = futures::executor::block_on(
            stream(s.clone(), 0..blob_len(&s))
                .map(|c| c.unwrap().to_vec())
                .concat(),
        );
        assert_eq!(plain, streamed);
    }

    #[tokio::test]
    async fn ranges_concatenate_to_the_whole() {
        use futures::StreamExt;
        let s = spec(Flavor::Mca);
        let len = blob_len(&s);
        let whole: Vec<u8> = stream(s.clone(), 0..len)
            .map(|c| c.unwrap().to_vec())
            .concat()
            .await;
        assert_eq!(whole.len() as u64, len);
        let part: Vec<u8> = stream(s, 100..2000)
            .map(|c| c.unwrap().to_vec())
            .concat()
            .await;
        assert_eq!(&whole[100..2000], &part[..]);
    }
}
