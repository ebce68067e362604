//! Summaries of small files in both schemas, the CSV rules, exactness, the parallel reading
//! and hostile input.

use std::fmt::Write as _;
use std::io::Write as _;

use time::macros::date;

use super::*;

/// The Microsoft Customer Agreement columns, in the emulator's order.
const MCA: &[&str] = &[
    "invoiceId",
    "previousInvoiceId",
    "billingAccountId",
    "billingAccountName",
    "billingProfileId",
    "billingProfileName",
    "invoiceSectionId",
    "invoiceSectionName",
    "resellerName",
    "resellerMpnId",
    "costCenter",
    "billingPeriodEndDate",
    "billingPeriodStartDate",
    "servicePeriodEndDate",
    "servicePeriodStartDate",
    "date",
    "serviceFamily",
    "productOrderId",
    "productOrderName",
    "consumedService",
    "meterId",
    "meterName",
    "meterCategory",
    "meterSubCategory",
    "meterRegion",
    "ProductId",
    "ProductName",
    "SubscriptionId",
    "subscriptionName",
    "publisherType",
    "publisherId",
    "publisherName",
    "resourceGroupName",
    "ResourceId",
    "resourceLocation",
    "location",
    "effectivePrice",
    "quantity",
    "unitOfMeasure",
    "chargeType",
    "billingCurrency",
    "pricingCurrency",
    "costInBillingCurrency",
    "costInPricingCurrency",
    "costInUsd",
    "paygCostInBillingCurrency",
    "paygCostInUsd",
    "exchangeRatePricingToBilling",
    "exchangeRateDate",
    "isAzureCreditEligible",
    "serviceInfo1",
    "serviceInfo2",
    "additionalInfo",
    "tags",
    "PayGPrice",
    "frequency",
    "term",
    "reservationId",
    "reservationName",
    "pricingModel",
    "unitPrice",
    "costAllocationRuleName",
    "benefitId",
    "benefitName",
    "provider",
];

/// The Enterprise Agreement and pay-as-you-go columns, in the emulator's order.
const LEGACY: &[&str] = &[
    "BillingAccountId",
    "BillingAccountName",
    "BillingPeriodStartDate",
    "BillingPeriodEndDate",
    "BillingProfileId",
    "BillingProfileName",
    "AccountOwnerId",
    "AccountName",
    "SubscriptionId",
    "SubscriptionName",
    "Date",
    "Product",
    "PartNumber",
    "MeterId",
    "ProductId",
    "MeterName",
    "MeterCategory",
    "MeterSubCategory",
    "MeterRegion",
    "Quantity",
    "EffectivePrice",
    "Cost",
    "UnitPrice",
    "BillingCurrency",
    "ResourceLocation",
    "AvailabilityZone",
    "ConsumedService",
    "ResourceId",
    "ResourceName",
    "ServiceInfo1",
    "ServiceInfo2",
    "AdditionalInfo",
    "Tags",
    "InvoiceSectionId",
    "InvoiceSection",
    "CostCenter",
    "UnitOfMeasure",
    "ResourceGroup",
    "ReservationId",
    "ReservationName",
    "ProductOrderId",
    "ProductOrderName",
    "OfferId",
    "IsAzureCreditEligible",
    "Term",
    "PublisherName",
    "PlanName",
    "ChargeType",
    "Frequency",
    "PublisherType",
    "PayGPrice",
    "PricingModel",
    "CostAllocationRuleName",
    "benefitId",
    "benefitName",
    "ResourceQuantity",
    "CostInUsd",
    "ExchangeRate",
];

/// One usage row; the fields not named here get filler like a real file's.
#[derive(Clone)]
struct Row {
    date: &'static str,
    service: &'static str,
    family: &'static str,
    group: &'static str,
    resource: String,
    charge: &'static str,
    currency: &'static str,
    cost: &'static str,
    invoice: &'static str,
}

fn quote(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

fn csv(columns: &[&str], rows: &[Row], newline: &str) -> String {
    let mut out = columns.join(",");
    out.push_str(newline);
    for row in rows {
        let fields: Vec<String> = columns
            .iter()
            .map(|c| {
                let value = match *c {
                    "date" | "Date" => row.date.to_owned(),
                    "meterCategory" | "MeterCategory" => row.service.to_owned(),
                    "serviceFamily" => row.family.to_owned(),
                    "resourceGroupName" | "ResourceGroup" => row.group.to_owned(),
                    "ResourceId" => row.resource.clone(),
                    "ResourceName" => row.resource.rsplit('/').next().unwrap_or("").to_owned(),
                    "chargeType" | "ChargeType" => row.charge.to_owned(),
                    "billingCurrency" | "BillingCurrency" | "pricingCurrency" => {
                        row.currency.to_owned()
                    }
                    "costInBillingCurrency" | "Cost" => row.cost.to_owned(),
                    "costInUsd" | "CostInUsd" | "paygCostInUsd" => "999.99".to_owned(),
                    "invoiceId" => row.invoice.to_owned(),
                    "billingAccountName" | "BillingAccountName" | "AccountName" => {
                        "Contoso, Ltd".to_owned()
                    }
                    "subscriptionName" | "SubscriptionName" => "Café \"Prod\", Ünïcode".to_owned(),
                    "additionalInfo" | "AdditionalInfo" => {
                        "{\"UsageType\":\"ComputeHR\",\n\"ServiceType\":\"D2\"}".to_owned()
                    }
                    "tags" | "Tags" => "{\"env\":\"prod\",\"owner\":\"finance\"}".to_owned(),
                    "billingPeriodStartDate" | "BillingPeriodStartDate" => "03/01/2026".to_owned(),
                    other => format!("{other}-value"),
                };
                quote(&value)
            })
            .collect();
        out.push_str(&fields.join(","));
        out.push_str(newline);
    }
    out
}

fn resource(group: &str, name: &str) -> String {
    format!(
        "/subscriptions/0000/resourceGroups/{group}/providers/Microsoft.Compute/virtualMachines/{name}"
    )
}

fn rows() -> Vec<Row> {
    let row = |date, service, group, name: &str, cost| Row {
        date,
        service,
        family: "Compute",
        group,
        resource: resource(group, name),
        charge: "Usage",
        currency: "EUR",
        cost,
        invoice: "G000111",
    };
    vec![
        row(
            "03/01/2026",
            "Virtual Machines",
            "rg-web",
            "vm-1",
            "12.345678",
        ),
        row("03/01/2026", "Storage", "rg-data", "store", "0.5"),
        row(
            "03/02/2026",
            "Virtual Machines",
            "rg-web",
            "vm-1",
            "1.2E-05",
        ),
        row("03/02/2026", "Virtual Machines", "RG-WEB", "vm-2", "7"),
        Row {
            resource: String::new(),
            ..row("03/03/2026", "Bandwidth", "", "", "-0.25")
        },
        Row {
            charge: "Purchase",
            service: "",
            family: "Networking",
            ..row("03/03/2026", "", "rg-data", "gw", "3.000001")
        },
    ]
}

fn money(text: &str) -> Money {
    text.parse().unwrap()
}

fn check_small(s: &UsageSummary) {
    assert_eq!(s.rows, 6);
    assert_eq!(s.currency.as_deref(), Some("EUR"));
    assert_eq!(s.currencies, ["EUR"]);
    assert_eq!(s.total, money("22.595691"));
    assert_eq!(s.first_day, Some(date!(2026 - 03 - 01)));
    assert_eq!(s.last_day, Some(date!(2026 - 03 - 03)));
    let services: Vec<(&str, String)> = s
        .by_service
        .iter()
        .map(|x| (x.name.as_str(), x.cost.to_string()))
        .collect();
    assert_eq!(
        services,
        [
            ("Virtual Machines", "19.34569".to_owned()),
            ("Networking", "3.000001".to_owned()),
            ("Storage", "0.50".to_owned()),
            ("Bandwidth", "-0.25".to_owned()),
        ]
    );
    let groups: Vec<(&str, String, u64)> = s
        .by_resource_group
        .iter()
        .map(|x| (x.name.as_str(), x.cost.to_string(), x.rows))
        .collect();
    assert_eq!(
        groups,
        [
            ("rg-web", "19.34569".to_owned(), 3),
            ("rg-data", "3.500001".to_owned(), 2),
            ("", "-0.25".to_owned(), 1),
        ]
    );
    let days: Vec<(Date, String)> = s
        .by_day
        .iter()
        .map(|d| (d.day, d.cost.to_string()))
        .collect();
    assert_eq!(
        days,
        [
            (date!(2026 - 03 - 01), "12.845678".to_owned()),
            (date!(2026 - 03 - 02), "7.000012".to_owned()),
            (date!(2026 - 03 - 03), "2.750001".to_owned()),
        ]
    );
    let top: Vec<(&str, &str, &str, String)> = s
        .top_resources
        .iter()
        .map(|r| {
            (
                r.name.as_str(),
                r.resource_group.as_str(),
                r.service.as_str(),
                r.cost.to_string(),
            )
        })
        .collect();
    assert_eq!(
        top,
        [
            ("vm-1", "rg-web", "Virtual Machines", "12.34569".to_owned()),
            ("vm-2", "rg-web", "Virtual Machines", "7.00".to_owned()),
            ("gw", "rg-data", "Networking", "3.000001".to_owned()),
            ("store", "rg-data", "Storage", "0.50".to_owned()),
        ]
    );
    assert_eq!(s.top_resources[0].id, resource("rg-web", "vm-1"));
    let charges: Vec<(&str, u64)> = s
        .by_charge_type
        .iter()
        .map(|x| (x.name.as_str(), x.rows))
        .collect();
    assert_eq!(charges, [("Usage", 5), ("Purchase", 1)]);
}

fn summary(text: &str) -> UsageSummary {
    summarise(text.as_bytes()).unwrap()
}

#[test]
fn an_mca_file_is_summarised() {
    let s = summary(&csv(MCA, &rows(), "\n"));
    check_small(&s);
    assert_eq!(s.invoice_ids, ["G000111"]);
}

#[test]
fn a_legacy_file_is_summarised_the_same_way() {
    let mut rows = rows();
    // Legacy files have no service family: the purchase's category is its own.
    rows[5].service = "Networking";
    let s = summary(&csv(LEGACY, &rows, "\n"));
    check_small(&s);
    assert!(s.invoice_ids.is_empty());
}

#[test]
fn a_byte_order_mark_crlf_and_a_missing_last_line_break_change_nothing() {
    let text = csv(MCA, &rows(), "\r\n");
    check_small(&summary(&format!("\u{feff}{text}")));
    check_small(&summary(text.trim_end()));
    check_small(&summary(&format!("{text}\r\n\n")));
}

#[test]
fn quoted_fields_may_hold_commas_quotes_and_line_breaks() {
    let mut rows = rows();
    rows[0].service = "Virtual Machines";
    let text = csv(MCA, &rows, "\n")
        .replace("rg-data,", "\"rg-data\",")
        .replace(",Storage,", ",\"Stor\"\"age, \nhot\",");
    let s = summary(&text);
    assert_eq!(s.total, money("22.595691"));
    assert!(
        s.by_service
            .iter()
            .any(|x| x.name == "Stor\"age, \nhot" && x.cost == money("0.5"))
    );
    assert_eq!(s.by_resource_group[1].name, "rg-data");
    // A header read by name, quoted and in another order.
    let s = summary(
        "\"Cost\",\"ResourceGroup\",\"Date\"\n1.5,\"a,b\",2026-03-01\n\"2\",x,\"2026-03-02\"\n",
    );
    assert_eq!(s.total, money("3.5"));
    assert_eq!(s.by_resource_group[0].name, "x");
    assert_eq!(s.by_resource_group[1].name, "a,b");
    assert_eq!(
        s.by_service[0].name, "",
        "no service column: one unnamed service"
    );
}

#[test]
fn mixed_currencies_are_all_listed_and_none_is_the_currency() {
    let mut rows = rows();
    rows[1].currency = "USD";
    let s = summary(&csv(MCA, &rows, "\n"));
    assert_eq!(s.currency, None);
    assert_eq!(s.currencies, ["EUR", "USD"]);
    assert_eq!(s.total, money("22.595691"));
}

#[test]
fn totals_are_exact_to_the_last_digit() {
    let mut text = String::from("Date,Cost\n");
    for i in 0..100_000u32 {
        // 0.1 has no exact binary form; a float sum of these drifts.
        let _ = writeln!(text, "2026-03-{:02},0.1", i % 28 + 1);
    }
    text.push_str("2026-03-01,0.000000000000000001\n2026-03-01,1.23456789012345E-10\n");
    text.push_str("2026-03-01,-1E+2\n2026-03-01,9.99999999999999999E+10\n");
    let s = summary(&text);
    assert_eq!(s.total.to_string(), "100000009899.99999990012345679");
    assert_eq!(s.rows, 100_004);
    let float: f64 = (0..100_000).map(|_| 0.1).sum();
    assert_ne!(
        float.to_bits(),
        10_000f64.to_bits(),
        "a float sum would have drifted"
    );
    assert_eq!(s.by_day[1].cost, money("357.2"));
}

#[test]
fn a_repeated_header_and_empty_lines_are_skipped() {
    let one = csv(MCA, &rows(), "\n");
    let twice = format!("{one}\n\n{one}");
    let s = summary(&twice);
    assert_eq!(s.rows, 12);
    assert_eq!(s.total, money("45.191382"));
}

#[test]
fn a_file_without_a_date_or_a_cost_column_is_not_a_usage_file() {
    for text in [
        "",
        "\u{feff}",
        "name,value\n1,2\n",
        "Date,MeterCategory\n2026-03-01,x\n",
        "%PDF-1.7\n",
    ] {
        let e = summarise(text.as_bytes()).unwrap_err();
        assert_eq!(e.code(), "not_a_usage_file", "{text:?}: {e}");
    }
    let e = summarise("a\"b".as_bytes()).unwrap_err();
    assert_eq!(e.code(), "not_a_usage_file");
    let s = summary("Date,Cost\r\n");
    assert_eq!(s.rows, 0);
    assert_eq!(s.total, Money::ZERO);
    assert_eq!(s.first_day, None);
}

#[test]
fn a_bad_row_is_named_by_its_line() {
    let cases = [
        (
            "Date,Cost\n2026-03-01,1\n2026-03-01,abc\n",
            3,
            "not a number",
        ),
        (
            "Date,Cost\n2026-03-01,1\n\"2026\n-03-01\",1\n",
            3,
            "neither",
        ),
        (
            "Date,Note,Cost\n2026-03-01,\"two\nlines\",1\n2026-13-01,x,1\n",
            4,
            "neither",
        ),
        (
            "Date,Cost\n2026-03-01,1\n2026-03-01,\"1\n",
            3,
            "never closed",
        ),
        (
            "Date,Cost,Note\n2026-03-01,1,\"open\n2026-03-02,1,x\n",
            2,
            "never closed",
        ),
        ("Date,Cost\n2026-03-01\n", 2, "fewer than the 2 columns"),
        ("Date,Cost\n2026-03-01,1e30\n", 2, "too large"),
    ];
    for (text, line, words) in cases {
        let e = summarise(text.as_bytes()).unwrap_err();
        assert_eq!(e.code(), "malformed", "{text:?}");
        assert_eq!(e.line(), Some(line), "{text:?}: {e}");
        assert!(e.to_string().contains(words), "{text:?}: {e}");
    }
}

#[test]
fn serialised_summaries_use_camel_case_strings_for_money_and_iso_days() {
    let s = summary(&csv(MCA, &rows(), "\n"));
    let json = serde_json::to_value(&s).unwrap();
    assert_eq!(json["total"], "22.595691");
    assert_eq!(json["firstDay"], "2026-03-01");
    assert_eq!(json["byDay"][0]["day"], "2026-03-01");
    assert_eq!(json["topResources"][0]["resourceGroup"], "rg-web");
    assert_eq!(json["byResourceGroup"][0]["cost"], "19.34569");
    let back: UsageSummary = serde_json::from_value(json).unwrap();
    assert_eq!(back, s);
}

/// A file of `n` rows whose fields past the cost hold quoted line breaks, so that a split
/// guess often lands inside a quoted field.
fn big_file(n: usize) -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    let services = ["Virtual Machines", "Storage", "Bandwidth", "SQL Database"];
    let mut text = MCA.join(",");
    text.push('\n');
    let cost_at = MCA
        .iter()
        .position(|c| *c == "costInBillingCurrency")
        .unwrap();
    for i in 0..n {
        let fields: Vec<String> = MCA
            .iter()
            .enumerate()
            .map(|(c, name)| match *name {
                "date" => format!("03/{:02}/2026", i % 31 + 1),
                "meterCategory" => services[i % services.len()].to_owned(),
                "resourceGroupName" => format!("rg-{}", i % 7),
                "ResourceId" => quote(&resource(&format!("rg-{}", i % 7), &format!("r{}", i % 23))),
                "chargeType" => "Usage".to_owned(),
                "billingCurrency" => if i == n / 2 { "USD" } else { "EUR" }.to_owned(),
                "invoiceId" => format!("G{}", i % 3),
                "additionalInfo" => quote(&"line\n".repeat(i % 5 + 1)),
                "tags" => quote(&"\n".repeat(2000)),
                _ if c == cost_at => format!("{}.{:06}", i % 1000, i * 7 % 1_000_000),
                _ => "x".to_owned(),
            })
            .collect();
        text.push_str(&fields.join(","));
        text.push_str(if i % 2 == 0 { "\r\n" } else { "\n" });
    }
    file.write_all(text.as_bytes()).unwrap();
    file
}

#[test]
fn the_parts_read_in_parallel_make_the_summary_of_one_pass() {
    let file = big_file(3000);
    let one = summarise(File::open(file.path()).unwrap()).unwrap();
    assert_eq!(one.rows, 3000);
    assert_eq!(one.currencies, ["EUR", "USD"]);
    assert_eq!(one.invoice_ids, ["G0", "G1", "G2"]);
    assert_eq!(one.by_day.len(), 31);
    for threads in [1, 2, 3, 7, 16] {
        let parallel = summarise_parts(file.path(), threads, 1).unwrap();
        assert_eq!(parallel, one, "{threads} threads");
    }
    assert_eq!(summarise_file(file.path()).unwrap(), one);
}

#[test]
fn a_bad_row_found_by_a_later_part_is_named_by_its_line_in_the_file() {
    let file = big_file(2000);
    let mut text = std::fs::read_to_string(file.path()).unwrap();
    // Row 1500's date made bad; its line counts every quoted line break before it.
    let rows: Vec<usize> = text.match_indices("/2026").map(|(i, _)| i - 5).collect();
    assert_eq!(rows.len(), 2000);
    let target = rows[1499];
    text.replace_range(target..target + 2, "13");
    let lines_before = text[..target].matches('\n').count() as u64;
    let bad = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(bad.path(), &text).unwrap();
    for threads in [1, 2, 4] {
        let e = summarise_parts(bad.path(), threads, 1).unwrap_err();
        assert_eq!(e.line(), Some(lines_before + 1), "{threads} threads: {e}");
    }
    let e = summarise(text.as_bytes()).unwrap_err();
    assert_eq!(e.line(), Some(lines_before + 1));
}

/// A small generator for hostile input, without a dependency.
struct Noise(u64);

impl Noise {
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap_or(0)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

#[test]
fn garbage_truncated_and_hostile_input_never_panics() {
    let good = csv(MCA, &rows(), "\r\n");
    let bytes = good.as_bytes();
    // Every prefix of a good file.
    for cut in 0..bytes.len() {
        let _ = summarise(&bytes[..cut]);
    }
    // Random bytes, random bytes after a good header, and mutations of a good file.
    let mut noise = Noise(7);
    let alphabet = b",\"\n\r0123456789.eE-+/ abc\xEF\xBB\xBF\xFF\x00";
    for round in 0..3000 {
        let len = noise.below(400);
        let random: Vec<u8> = (0..len)
            .map(|_| alphabet[noise.below(alphabet.len())])
            .collect();
        let _ = summarise(&random[..]);
        let mut with_header = b"Date,Cost,ResourceId,MeterCategory\n".to_vec();
        with_header.extend_from_slice(&random);
        let _ = summarise(&with_header[..]);
        let mut mutated = bytes.to_vec();
        for _ in 0..=(round % 8) {
            let at = noise.below(mutated.len());
            mutated[at] = alphabet[noise.below(alphabet.len())];
        }
        let _ = summarise(&mutated[..]);
    }
    // Huge numbers, a record without end, endless quotes.
    let _ = summarise(format!("Date,Cost\n2026-03-01,{}\n", "9".repeat(100_000)).as_bytes());
    let _ = summarise(&b"Date,Cost\n2026-03-01,1e99999999999999999999\n"[..]);
    let many = format!("Date,Cost\n{}", "2026-03-01,1e20\n".repeat(10));
    assert_eq!(summarise(many.as_bytes()).unwrap_err().code(), "malformed");
    let endless = vec![b'"'; 3 * 1024 * 1024];
    let mut text = b"Date,Cost\n2026-03-01,\"".to_vec();
    text.extend_from_slice(&endless);
    let _ = summarise(&text[..]);
    let long = vec![b'x'; MAX_RECORD + 10];
    let mut text = b"Date,Cost\n".to_vec();
    text.extend_from_slice(&long);
    let e = summarise(&text[..]).unwrap_err();
    assert_eq!(e.code(), "malformed", "{e}");
}

#[test]
fn hostile_files_read_in_parts_never_panic_and_agree_with_one_pass() {
    let mut noise = Noise(11);
    let alphabet = b",\"\n\r0123456789.e-/ ";
    for _ in 0..40 {
        let mut text = b"Date,Cost,ResourceId\n".to_vec();
        for _ in 0..2000 {
            text.push(alphabet[noise.below(alphabet.len())]);
        }
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), &text).unwrap();
        let one = summarise(&text[..]);
        for threads in [2, 5] {
            let parts = summarise_parts(file.path(), threads, 1);
            match (&one, &parts) {
                (Ok(a), Ok(b)) => assert_eq!(a, b),
                // The same kind of error (where costs pass the range, parts notice it when
                // their sums are added, at another line).
                (Err(a), Err(b)) => assert_eq!(a.code(), b.code()),
                _ => panic!("one pass {one:?}, in parts {parts:?}"),
            }
        }
    }
}

#[test]
fn an_unreadable_file_is_an_io_error() {
    struct Failing;
    impl Read for Failing {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            Err(io::Error::other("disk on fire"))
        }
    }
    let e = summarise_file(Path::new("/nonexistent/usage.csv")).unwrap_err();
    assert_eq!(e.code(), "io");
    assert_eq!(summarise(Failing).unwrap_err().code(), "io");
    let after_header = (&b"Date,Cost\n2026-03-01,1\n"[..]).chain(Failing);
    assert_eq!(summarise(after_header).unwrap_err().code(), "io");
}
