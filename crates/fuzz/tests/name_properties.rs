//! Properties of the names the app gives documents, over generated Azure names: valid on
//! Windows, macOS and Linux, within the path budget in UTF-16 units and every component
//! within its byte budget, the same for the same input, and never the same file for two
//! different invoices.

use std::path::{Path, PathBuf};

use invoice_desk_files::place::Claims;
use invoice_desk_files::sanitise::{
    MAX_COMPONENT_BYTES, MAX_PATH_UNITS, SUFFIX_RESERVE, component, fold, is_contained,
};
use invoice_desk_files::{NameFields, Template, TemplateError};
use invoice_desk_fuzz::disk::assert_valid_component;
use proptest::prelude::*;

/// Pieces Azure names are made of here: letters of several scripts, what Windows forbids,
/// controls, bidirectional overrides, combining marks, device names, dots and spaces.
const PIECES: &[&str] = &[
    "a",
    "Z",
    "0",
    "9",
    ".",
    "..",
    " ",
    ":",
    "/",
    "\\",
    "*",
    "?",
    "\"",
    "<",
    ">",
    "|",
    "\u{0}",
    "\u{1f}",
    "\u{7f}",
    "\u{85}",
    "é",
    "e\u{301}",
    "\u{301}",
    "\u{202E}",
    "\u{2066}",
    "ש",
    "ع",
    "請",
    "😀",
    "CON",
    "nul",
    "COM1",
    "LPT9",
    "com²",
    ".pdf",
    "~",
    "%",
    "\u{FEFF}",
    "-",
    "_",
    "Contoso",
    "G000000001",
];

fn azure_name() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..60).prop_map(|p| p.concat())
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![azure_name(), any::<String>()]
}

fn templates() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "{billingAccount}/{yyyy}-{mm} {invoiceName}.pdf",
        "{billingAccount}/{billingProfile}/{scope}/{yyyy}/{mm}/{dd} {invoiceName} {documentKind} {documentName}",
        "{invoiceName}",
        "{subscription}/{documentName}.pdf",
        "{scope}/{documentKind}",
    ])
}

fn fields() -> impl Strategy<Value = NameFields> {
    (
        (any_text(), any_text(), any_text(), any_text()),
        (any_text(), any_text(), any_text()),
        proptest::option::of((1990i32..2100, 1u8..=12, 1u8..=28)),
    )
        .prop_map(
            |((account, profile, scope, subscription), (invoice, kind, document), date)| {
                NameFields {
                    billing_account: account,
                    billing_profile: profile,
                    scope,
                    subscription,
                    date: date.and_then(|(y, m, d)| {
                        time::Date::from_calendar_date(y, time::Month::try_from(m).ok()?, d).ok()
                    }),
                    invoice_name: invoice,
                    document_kind: kind,
                    document_name: document,
                }
            },
        )
}

fn folder(depth: usize) -> PathBuf {
    let mut path = PathBuf::from("/home/someone");
    for _ in 0..depth {
        path.push("Invoices and receipts");
    }
    path
}

fn utf16_units(path: &Path) -> usize {
    path.to_string_lossy().encode_utf16().count()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_name_becomes_one_component_valid_everywhere(raw in any_text(), is_file in any::<bool>()) {
        let safe = component(&raw, is_file);
        assert_valid_component(&safe, false);
        prop_assert!(safe.len() <= MAX_COMPONENT_BYTES);
        prop_assert!(is_contained(Path::new(&safe)));
        prop_assert_eq!(component(&safe, is_file), safe.clone(), "a second pass changes {:?}", raw);
        prop_assert_eq!(component(&raw, is_file), safe, "the same input names differently");
    }

    #[test]
    fn every_rendered_path_is_valid_within_budget_and_stable(
        template in templates(),
        fields in fields(),
        depth in 0usize..12,
    ) {
        let template = Template::parse(template).expect("a valid template");
        let folder = folder(depth);
        match template.render(&fields, None, &folder) {
            Ok(relative) => {
                prop_assert!(is_contained(&relative));
                let budget = MAX_PATH_UNITS - (utf16_units(&folder) + 1) - SUFFIX_RESERVE;
                prop_assert!(utf16_units(&relative) <= budget, "{} units over {budget}", utf16_units(&relative));
                let names: Vec<String> = relative.iter().map(|c| c.to_string_lossy().into_owned()).collect();
                for (i, name) in names.iter().enumerate() {
                    assert_valid_component(name, i + 1 == names.len());
                }
                prop_assert_eq!(template.render(&fields, None, &folder).ok(), Some(relative));
            }
            Err(error) => prop_assert_eq!(error, TemplateError::FolderTooLong),
        }
    }

    #[test]
    fn two_different_invoices_never_get_the_same_file(
        template in templates(),
        base in fields(),
        invoices in prop::collection::hash_set(azure_name(), 2..12),
    ) {
        let template = Template::parse(template).expect("a valid template");
        let folder = folder(1);
        let claims = Claims::default();
        let mut seen = std::collections::HashSet::new();
        let mut first_run = Vec::new();
        for invoice in &invoices {
            let fields = NameFields { invoice_name: invoice.clone(), document_name: invoice.clone(), ..base.clone() };
            let relative = template.render(&fields, None, &folder).expect("a short folder fits");
            let free = claims.claim_free(&relative, invoice).expect("a free name");
            let name = free.file_name().expect("a file name").to_string_lossy().into_owned();
            assert_valid_component(&name, true);
            // Windows and macOS compare names without case and normalisation.
            prop_assert!(seen.insert(fold(&free.to_string_lossy())), "{:?} twice", free);
            first_run.push(free);
        }
        // A second run over the same invoices lands on the same names.
        let again = Claims::default();
        for (invoice, expected) in invoices.iter().zip(&first_run) {
            let fields = NameFields { invoice_name: invoice.clone(), document_name: invoice.clone(), ..base.clone() };
            let relative = template.render(&fields, None, &folder).expect("a short folder fits");
            prop_assert_eq!(&again.claim_free(&relative, invoice).expect("a free name"), expected);
        }
    }
}
