//! Which columns of a cost details file the summary reads, found by name in its header.
//!
//! The names are those of Microsoft's "Understand cost details fields" and the cost and usage
//! details file schemas: Microsoft Customer Agreement files write them in camelCase
//! (`date`, `costInBillingCurrency`, `resourceGroupName`), Enterprise Agreement and
//! pay-as-you-go files in PascalCase (`Date`, `Cost` or, in newer EA files,
//! `CostInBillingCurrency`, `ResourceGroup`). Names are matched without regard to case and in
//! any position; where a schema has two names for one thing the first one listed wins.

/// The pieces of a row the summary reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Slot {
    Date = 0,
    Cost,
    Currency,
    Service,
    Family,
    ResourceGroup,
    Resource,
    ChargeType,
    Invoice,
}

pub(crate) const SLOTS: usize = 9;

/// Each slot's accepted names, preferred first.
const NAMES: [(Slot, &[&str]); SLOTS] = [
    // `Date` (EA, pay-as-you-go) and `date` (MCA); older exports had `UsageDate`.
    (Slot::Date, &["date", "usagedate"]),
    // The billed cost before credits and taxes: `costInBillingCurrency` (MCA, newer EA),
    // `Cost` (EA, pay-as-you-go: "see CostInBillingCurrency"), `PreTaxCost` (older exports).
    (Slot::Cost, &["costinbillingcurrency", "cost", "pretaxcost"]),
    // `billingCurrency` / `BillingCurrency`; `billingCurrencyCode` (MCA usage details);
    // `Currency` (EA, pay-as-you-go: "see BillingCurrency").
    (
        Slot::Currency,
        &["billingcurrency", "billingcurrencycode", "currency"],
    ),
    (Slot::Service, &["metercategory"]),
    (Slot::Family, &["servicefamily"]),
    // `resourceGroupName` (MCA), `ResourceGroup` (EA, pay-as-you-go).
    (Slot::ResourceGroup, &["resourcegroupname", "resourcegroup"]),
    // `ResourceId`; `InstanceName` / `InstanceId` in older MCA and EA files.
    (
        Slot::Resource,
        &["resourceid", "instancename", "instanceid"],
    ),
    (Slot::ChargeType, &["chargetype"]),
    (Slot::Invoice, &["invoiceid"]),
];

/// Where each slot's column is, and the last column a row must be read up to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Layout {
    /// For each column up to the last one read: its slot, or [`NONE`].
    pub(crate) slots: Vec<u8>,
    /// Columns in the header.
    pub(crate) width: usize,
    pub(crate) has: [bool; SLOTS],
    /// The date column's name as the header writes it.
    pub(crate) date_name: Box<[u8]>,
}

pub(crate) const NONE: u8 = u8::MAX;

impl Layout {
    /// The layout for a header's column names; `Err` names the missing column a summary
    /// cannot do without (`date` or `cost`).
    pub(crate) fn from_header(names: &[Vec<u8>]) -> Result<Layout, &'static str> {
        let mut found: [Option<(usize, usize)>; SLOTS] = [None; SLOTS];
        for (column, name) in names.iter().enumerate() {
            let name = trim_name(name);
            for (slot, accepted) in NAMES {
                if let Some(rank) = accepted
                    .iter()
                    .position(|a| a.as_bytes().eq_ignore_ascii_case(name))
                {
                    let current = &mut found[slot as usize];
                    if current.is_none_or(|(best, _)| rank < best) {
                        *current = Some((rank, column));
                    }
                }
            }
        }
        if found[Slot::Date as usize].is_none() {
            return Err("date");
        }
        if found[Slot::Cost as usize].is_none() {
            return Err("cost");
        }
        let last = found.iter().flatten().map(|(_, c)| *c).max().unwrap_or(0);
        let mut slots = vec![NONE; last + 1];
        let mut has = [false; SLOTS];
        for (slot, place) in found.iter().enumerate() {
            if let Some((_, column)) = place {
                slots[*column] = u8::try_from(slot).unwrap_or(NONE);
                has[slot] = true;
            }
        }
        let date_name = found[Slot::Date as usize]
            .map(|(_, column)| trim_name(&names[column]).into())
            .unwrap_or_default();
        Ok(Layout {
            slots,
            width: names.len(),
            has,
            date_name,
        })
    }
}

/// A header name without surrounding spaces.
fn trim_name(name: &[u8]) -> &[u8] {
    let start = name
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(name.len());
    let end = name
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |i| i + 1);
    &name[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(header: &str) -> Result<Layout, &'static str> {
        let names: Vec<Vec<u8>> = header.split(',').map(|n| n.as_bytes().to_vec()).collect();
        Layout::from_header(&names)
    }

    #[test]
    fn both_schemas_are_found_by_name_whatever_the_case_and_order() {
        let mca = layout(
            "invoiceId,date,serviceFamily,meterCategory,resourceGroupName,ResourceId,chargeType,billingCurrency,costInBillingCurrency,costInUsd",
        )
        .unwrap();
        assert_eq!(mca.slots[0], Slot::Invoice as u8);
        assert_eq!(mca.slots[8], Slot::Cost as u8);
        assert_eq!(mca.slots.len(), 9, "nothing after the cost is read");
        let ea = layout("Cost,ResourceGroup,MeterCategory,DATE,Currency,ResourceName").unwrap();
        assert_eq!(ea.slots[0], Slot::Cost as u8);
        assert_eq!(ea.slots[3], Slot::Date as u8);
        assert_eq!(ea.slots[4], Slot::Currency as u8);
        assert!(!ea.has[Slot::Invoice as usize]);
    }

    #[test]
    fn the_preferred_name_wins_where_a_file_has_two() {
        let l = layout("Date,Cost,CostInBillingCurrency,Currency,BillingCurrency").unwrap();
        assert_eq!(l.slots[2], Slot::Cost as u8);
        assert_eq!(l.slots[1], NONE);
        assert_eq!(l.slots[4], Slot::Currency as u8);
        assert_eq!(l.slots[3], NONE);
    }

    #[test]
    fn a_header_without_a_date_or_a_cost_is_not_a_usage_file() {
        assert_eq!(layout("a,b,c"), Err("date"));
        assert_eq!(layout("Date,MeterCategory"), Err("cost"));
        assert_eq!(layout("costInUsd,date"), Err("cost"));
    }
}
