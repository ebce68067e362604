//! A small, valid PDF per invoice document, written by hand with exact xref offsets.

use std::fmt::Write as _;

use crate::routes::common::amount;
use crate::scenario::model::{Document, Invoice, World};

/// Escapes text for a PDF literal string in `WinAnsi`: Latin-1 passes as octal, the rest as '?'.
fn pdf_text(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '(' | ')' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            ' '..='~' => out.push(c),
            c if u32::from(c) >= 0xA0 && u32::from(c) <= 0xFF => {
                let _ = write!(out, "\\{:03o}", u32::from(c));
            }
            '\u{2014}' => out.push_str("\\227"),
            _ => out.push('?'),
        }
    }
    out
}

pub fn file_name(inv: &Invoice, doc: &Document) -> String {
    format!("{}-{}-{}.pdf", inv.name, doc.kind, doc.name)
}

fn money(currency: &str, cents: i64) -> String {
    let v = amount(currency, cents);
    format!("{} {:.2}", currency, v["value"].as_f64().unwrap_or(0.0))
}

/// Renders the document for `inv` as PDF bytes.
pub fn document(world: &World, inv: &Invoice, doc: &Document) -> Vec<u8> {
    let owner = inv
        .profile
        .as_ref()
        .and_then(|p| world.profile(&inv.account, p))
        .map(|p| format!("Billing profile: {}", p.display_name))
        .or_else(|| {
            inv.subscription
                .as_ref()
                .and_then(|s| world.subscription(s))
                .map(|s| format!("Subscription: {} ({})", s.display_name, s.id))
        })
        .unwrap_or_default();
    let account = world
        .account(&inv.account)
        .map(|a| a.display_name.clone())
        .unwrap_or_default();
    let lines = [
        format!("Microsoft Azure - {}", doc.kind),
        format!("Invoice {}  (document {})", inv.name, doc.name),
        format!("Billing period: {} to {}", inv.period_start, inv.period_end),
        format!(
            "Invoice date: {}   Due date: {}",
            inv.invoice_date, inv.due_date
        ),
        format!("Billing account: {account}"),
        owner,
        format!("Charges: {}", money(&inv.currency, inv.billed_cents)),
        format!("Tax: {}", money(&inv.currency, inv.tax_cents)),
        format!("Credits: {}", money(&inv.currency, inv.credit_cents)),
        format!("Total amount: {}", money(&inv.currency, inv.total_cents())),
        format!("Status: {}", inv.status),
    ];
    let mut content = String::from("BT\n/F1 12 Tf\n14 TL\n50 790 Td\n");
    for (i, line) in lines.iter().enumerate() {
        let text = line.chars().take(90).collect::<String>();
        if i == 0 {
            let _ = write!(
                content,
                "/F1 18 Tf\n({}) Tj\n/F1 11 Tf\nT*\nT*\n",
                pdf_text(&text)
            );
        } else {
            let _ = write!(content, "({}) Tj\nT*\n", pdf_text(&text));
        }
    }
    content.push_str("ET\n");
    let title = pdf_text(&format!("Invoice {} {}", inv.name, doc.kind));
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>".to_owned(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{content}endstream", content.len()),
        format!("<< /Title ({title}) /Producer (Invoice Desk emulator) >>"),
    ];
    let mut out: Vec<u8> = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, obj) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{obj}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R /Info 6 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}
