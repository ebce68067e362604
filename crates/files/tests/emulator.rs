//! Batches against the in-process emulator over real sockets, with every fault it can inject.
//! Each test ends by checking the files on disk against the index: nothing lost, nothing
//! partial, nothing silently overwritten.

#![allow(clippy::case_sensitive_file_extension_comparisons)]

mod common;

use std::collections::BTreeSet;
use std::time::Instant;

use common::{
    DEFAULT_TEMPLATE, MCA_OWNER, MOSP_ADMIN, assert_archive, blob_requests, download_posts,
    emulator, failure_codes, fault, jobs, mca_jobs, options, run, scopes, temp,
};
use invoice_desk_billing::ScopeKind;
use invoice_desk_emulator::{EmulatorConfig, FaultKind};
use invoice_desk_files::{BatchEvent, INDEX_FILE, Placed, slash_path};

#[tokio::test]
async fn mca_invoices_land_under_the_template_names_and_a_rerun_fetches_nothing() {
    let emu = emulator(EmulatorConfig::default()).await;
    let dir = temp();
    let jobs = mca_jobs(&emu, 4).await;
    let opts = options(dir.path(), DEFAULT_TEMPLATE);
    let (summary, events) = run(jobs.clone(), &opts).await;
    assert_eq!(summary.saved.len(), 4, "{:?}", summary.failed);
    for done in &summary.saved {
        let path = slash_path(done.placed.path());
        let target = jobs
            .iter()
            .find(|j| j.target.invoice == done.info.invoice)
            .unwrap();
        let date = target.target.invoice_date.unwrap();
        let expected = format!(
            "{}-{:02} {}.pdf",
            date.year(),
            u8::from(date.month()),
            target.target.invoice
        );
        assert!(path.ends_with(&expected), "{path} vs {expected}");
        assert_eq!(path.split('/').count(), 2, "{path}");
    }
    // Events: queued for all, then started/progress/done per item.
    assert_eq!(
        events
            .iter()
            .filter(|e| matches!(e, BatchEvent::Queued { .. }))
            .count(),
        4
    );
    assert_eq!(
        events
            .iter()
            .filter(|e| matches!(e, BatchEvent::Done { .. }))
            .count(),
        4
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e, BatchEvent::Progress { .. }))
    );
    // SAS links are fetched without the bearer token.
    assert!(blob_requests(&emu).iter().all(|r| !r.authorization));
    assert_archive(dir.path(), &summary, &[]);

    emu.clear_requests();
    let (again, events) = run(jobs, &opts).await;
    assert_eq!(again.already_there.len(), 4);
    assert!(again.already_there.iter().all(|d| d.from_index));
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, BatchEvent::Started { .. })),
        "nothing to start"
    );
    assert!(blob_requests(&emu).is_empty() && download_posts(&emu).is_empty());
    assert_archive(dir.path(), &again, &[]);
}

#[tokio::test]
async fn mosp_falls_back_to_the_legacy_download_url() {
    let emu = emulator(EmulatorConfig::default()).await;
    let mut all = Vec::new();
    for scope in scopes(&emu, MOSP_ADMIN, ScopeKind::MospSubscription).await {
        all.extend(jobs(&emu, MOSP_ADMIN, &scope).await);
    }
    let mut jobs = all;
    assert!(jobs.len() >= 2, "alex has invoices");
    jobs.truncate(2);
    // The billing-subscription routes (single and `downloadDocuments`) do not serve it.
    emu.set_faults(vec![invoice_desk_emulator::FaultRule {
        route: Some("*/billingSubscriptions/*/download*".into()),
        method: Some("POST".into()),
        count: None,
        kind: FaultKind::Status { status: 404 },
    }]);
    let dir = temp();
    let (summary, _) = run(jobs, &options(dir.path(), DEFAULT_TEMPLATE)).await;
    assert_eq!(summary.saved.len(), 2, "{:?}", summary.failed);
    let legacy = emu
        .requests()
        .into_iter()
        .filter(|r| r.path.contains("/providers/Microsoft.Billing/invoices/"))
        .count();
    assert_eq!(legacy, 2, "one legacy invoice call per document");
    assert_archive(dir.path(), &summary, &[]);
}

#[tokio::test]
async fn throttling_and_unavailable_blobs_are_retried_after_their_retry_after() {
    let emu = emulator(EmulatorConfig::default()).await;
    let jobs = mca_jobs(&emu, 1).await;
    emu.set_faults(vec![
        fault(
            "/_blob/",
            1,
            FaultKind::Throttle {
                retry_after_secs: 1,
            },
        ),
        fault("/_blob/", 2, FaultKind::Status { status: 503 }),
    ]);
    let dir = temp();
    let started = Instant::now();
    let (summary, _) = run(jobs, &options(dir.path(), DEFAULT_TEMPLATE)).await;
    assert_eq!(summary.saved.len(), 1, "{:?}", summary.failed);
    // 429 (Retry-After 1) + two 503 (Retry-After 1) then the document.
    assert_eq!(blob_requests(&emu).len(), 3, "{:?}", blob_requests(&emu));
    assert!(
        started.elapsed().as_secs_f64() >= 2.0,
        "Retry-After honoured"
    );
    assert_archive(dir.path(), &summary, &[]);
}

#[tokio::test]
async fn throttling_that_never_ends_is_a_typed_failure() {
    let emu = emulator(EmulatorConfig::default()).await;
    let jobs = mca_jobs(&emu, 1).await;
    emu.set_faults(vec![fault(
        "/_blob/",
        100,
        FaultKind::Throttle {
            retry_after_secs: 0,
        },
    )]);
    let dir = temp();
    let (summary, _) = run(jobs, &options(dir.path(), DEFAULT_TEMPLATE)).await;
    assert_eq!(failure_codes(&summary), ["throttled"]);
    assert!(summary.failed[0].error.transient);
    assert_archive(dir.path(), &summary, &[]);
}

#[tokio::test]
async fn a_connection_reset_mid_body_resumes_with_range_and_if_match() {
    let emu = emulator(EmulatorConfig::default()).await;
    let jobs = mca_jobs(&emu, 1).await;
    let job = jobs[0].clone();
    emu.set_faults(vec![fault(
        "/_blob/",
        1,
        FaultKind::Reset { after_bytes: 600 },
    )]);
    let dir = temp();
    let (summary, _) = run(jobs, &options(dir.path(), DEFAULT_TEMPLATE)).await;
    assert_eq!(summary.saved.len(), 1, "{:?}", summary.failed);
    let blobs = blob_requests(&emu);
    assert_eq!(blobs.len(), 2, "{blobs:?}");
    assert_eq!(blobs[0].range, None);
    let range = blobs[1]
        .range
        .as_deref()
        .expect("the second read is ranged");
    let from: u64 = range
        .strip_prefix("bytes=")
        .and_then(|r| r.strip_suffix('-'))
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(from > 0 && from <= 600, "{range}");
    assert!(blobs[1].if_match.is_some(), "resumed against the same ETag");
    // The resumed file is byte for byte what a clean download gives.
    let saved = std::fs::read(dir.path().join(summary.saved[0].placed.path())).unwrap();
    let target = &job.target;
    let link = common::client(&emu, MCA_OWNER)
        .download_invoice(
            target.scope.account_name().unwrap(),
            &target.invoice,
            target.document_name.as_deref(),
            &invoice_desk_billing::LroOptions::default(),
        )
        .await
        .unwrap();
    let clean = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(&link.url)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(saved, clean);
    assert!(saved.ends_with(b"%%EOF\n"));
    assert_archive(dir.path(), &summary, &[]);
}

#[tokio::test]
async fn an_expired_link_is_asked_for_again_once() {
    let emu = emulator(EmulatorConfig::default()).await;
    let jobs = mca_jobs(&emu, 1).await;
    emu.set_faults(vec![fault("/_blob/", 1, FaultKind::ExpiredSas)]);
    let dir = temp();
    let (summary, _) = run(jobs, &options(dir.path(), DEFAULT_TEMPLATE)).await;
    assert_eq!(summary.saved.len(), 1, "{:?}", summary.failed);
    assert_eq!(download_posts(&emu).len(), 2, "one fresh link");
    assert_archive(dir.path(), &summary, &[]);
}

#[tokio::test]
async fn a_link_that_expires_twice_is_a_clear_error_and_leaves_nothing() {
    let emu = emulator(EmulatorConfig::default()).await;
    let jobs = mca_jobs(&emu, 1).await;
    emu.set_faults(vec![fault("/_blob/", 5, FaultKind::ExpiredSas)]);
    let dir = temp();
    let (summary, _) = run(jobs, &options(dir.path(), DEFAULT_TEMPLATE)).await;
    assert_eq!(failure_codes(&summary), ["link_expired"]);
    assert_eq!(
        download_posts(&emu).len(),
        2,
        "asked once more, not forever"
    );
    assert_eq!(blob_requests(&emu).len(), 2);
    assert_archive(dir.path(), &summary, &[]);
    let files = common::files(dir.path());
    assert!(
        files.iter().all(|f| f == INDEX_FILE),
        "nothing but the index: {files:?}"
    );
}

#[tokio::test]
async fn long_lro_chains_and_transient_404_polls_still_give_the_document() {
    let emu = emulator(EmulatorConfig {
        download_pending_polls: 3,
        ..EmulatorConfig::default()
    })
    .await;
    let jobs = mca_jobs(&emu, 2).await;
    emu.set_faults(vec![invoice_desk_emulator::FaultRule {
        route: None,
        method: None,
        count: Some(2),
        kind: FaultKind::LroPoll404,
    }]);
    let dir = temp();
    let opts = invoice_desk_files::BatchOptions {
        bundles: false,
        ..options(dir.path(), DEFAULT_TEMPLATE)
    };
    let (summary, _) = run(jobs, &opts).await;
    assert_eq!(summary.saved.len(), 2, "{:?}", summary.failed);
    let polls = emu.requests().iter().filter(|r| r.kind == "poll").count();
    assert!(polls >= 2 * 4, "every poll of both chains: {polls}");
    assert_archive(dir.path(), &summary, &[]);
}

#[tokio::test]
async fn an_html_page_instead_of_a_pdf_is_refused() {
    let emu = emulator(EmulatorConfig::default()).await;
    let jobs = mca_jobs(&emu, 2).await;
    emu.set_faults(vec![fault("/_blob/", 1, FaultKind::NotPdf)]);
    let dir = temp();
    let (summary, _) = run(
        jobs,
        &invoice_desk_files::BatchOptions {
            concurrency: 1,
            bundles: false,
            ..options(dir.path(), DEFAULT_TEMPLATE)
        },
    )
    .await;
    assert_eq!(failure_codes(&summary), ["not_a_pdf"]);
    assert_eq!(summary.saved.len(), 1);
    assert_archive(dir.path(), &summary, &[]);
}

#[tokio::test]
async fn same_bytes_are_already_there_and_changed_bytes_are_kept_beside() {
    let emu = emulator(EmulatorConfig::default()).await;
    let jobs = mca_jobs(&emu, 2).await;
    let dir = temp();
    let opts = options(dir.path(), DEFAULT_TEMPLATE);
    let (first, _) = run(jobs.clone(), &opts).await;
    assert_eq!(first.saved.len(), 2);
    let a = first.saved[0].placed.path().to_owned();
    let b = first.saved[1].placed.path().to_owned();

    // Without the index, the files are recognised by their bytes.
    std::fs::remove_file(dir.path().join(INDEX_FILE)).unwrap();
    // And a file the user changed is never overwritten.
    let changed = b"%PDF-1.4 edited by hand\n%%EOF\n".to_vec();
    std::fs::write(dir.path().join(&b), &changed).unwrap();
    let (second, _) = run(jobs.clone(), &opts).await;
    assert_eq!(second.already_there.len(), 1, "{second:?}");
    assert!(!second.already_there[0].from_index);
    assert_eq!(second.already_there[0].placed.path(), a);
    assert_eq!(second.kept_both.len(), 1);
    let Placed::KeptBoth { path, existing } = &second.kept_both[0].placed else {
        panic!("kept both");
    };
    assert_eq!(existing, &b);
    assert!(slash_path(path).ends_with(" (2).pdf"), "{}", path.display());
    let b_name = slash_path(&b);
    assert_archive(dir.path(), &second, &[(&b_name, &changed)]);

    // The same run again lands on the same names: nothing new.
    std::fs::remove_file(dir.path().join(INDEX_FILE)).unwrap();
    let (third, _) = run(jobs, &opts).await;
    assert_eq!(third.already_there.len(), 2, "{third:?}");
    assert_eq!(
        common::files(dir.path()).len(),
        4,
        "a, b (user's), b (2), index"
    );
    assert_archive(dir.path(), &third, &[(&b_name, &changed)]);
}

#[tokio::test]
async fn invoices_that_meet_on_one_name_get_stable_suffixes() {
    let emu = emulator(EmulatorConfig::default()).await;
    let jobs = mca_jobs(&emu, 3).await;
    let dir = temp();
    let opts = options(dir.path(), "{billingAccount}.pdf");
    let (first, _) = run(jobs.clone(), &opts).await;
    let names: BTreeSet<String> = first
        .saved
        .iter()
        .map(|d| slash_path(d.placed.path()))
        .collect();
    assert_eq!(names.len(), 3);
    assert!(names.iter().any(|n| n.ends_with(" (2).pdf")));
    assert!(names.iter().any(|n| n.ends_with(" (3).pdf")));
    // Same order, same names, however the downloads raced.
    let dir2 = temp();
    let (again, _) = run(jobs, &options(dir2.path(), "{billingAccount}.pdf")).await;
    let pairs = |s: &invoice_desk_files::BatchSummary| {
        s.saved
            .iter()
            .map(|d| (d.info.invoice.clone(), slash_path(d.placed.path())))
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(pairs(&first), pairs(&again));
    assert_archive(dir.path(), &first, &[]);
}

#[tokio::test]
async fn hostile_account_and_scope_names_stay_inside_the_folder() {
    let emu = emulator(EmulatorConfig::default()).await;
    let jobs = mca_jobs(&emu, 1).await;
    let hostile = [
        "CON",
        "..",
        "a:b",
        &"x".repeat(300),
        "\u{5d7}\u{5e9}\u{5d1}\u{5d5}\u{5e0}\u{5d9}\u{5ea} \u{202e}fdp.exe",
        "Cafe\u{301} / ..\\ 請求書",
        "nul.txt",
        "   . ",
    ];
    let dir = temp();
    let mut all = Vec::new();
    for (i, name) in hostile.iter().enumerate() {
        let mut job = jobs[0].clone();
        job.target.scope.billing_account_display_name = Some((*name).to_owned());
        job.target.scope.display_name = (*name).to_owned();
        // Distinct documents, so each gets its own file.
        job.target.scope.id = format!("{}-{i}", job.target.scope.id);
        job.target.invoice = (*name).to_owned();
        all.push(job);
    }
    // The invoice name is hostile too, so links must still use the real one: give each job
    // the real invoice but a hostile display via the template's scope field.
    for job in &mut all {
        job.target.invoice.clone_from(&jobs[0].target.invoice);
    }
    let opts = options(
        dir.path(),
        "{billingAccount}/{scope}/{invoiceName} {scope}.pdf",
    );
    let (summary, _) = run(all, &opts).await;
    assert_eq!(summary.failed.len(), 0, "{:?}", summary.failed);
    assert_eq!(
        summary.saved.len() + summary.already_there.len(),
        hostile.len()
    );
    let root = dir.path().canonicalize().unwrap();
    for done in summary.saved.iter().chain(&summary.already_there) {
        let full = root.join(done.placed.path()).canonicalize().unwrap();
        assert!(full.starts_with(&root), "{}", full.display());
        for part in done.placed.path().components() {
            let text = part.as_os_str().to_string_lossy();
            assert!(text.len() <= 255, "{text}");
            assert!(!text.contains(['\u{202e}', ':']), "{text}");
            let upper = text.to_ascii_uppercase();
            assert!(
                !upper.starts_with("CON") && !upper.starts_with("NUL"),
                "{text}"
            );
        }
    }
    let total = root.to_string_lossy().encode_utf16().count();
    for done in &summary.saved {
        let len = total + 1 + slash_path(done.placed.path()).encode_utf16().count();
        assert!(len <= 259, "{len}");
    }
    assert_archive(dir.path(), &summary, &[]);
}

#[tokio::test]
async fn a_corrupt_index_is_kept_aside_and_rebuilt_from_the_files() {
    let emu = emulator(EmulatorConfig::default()).await;
    let jobs = mca_jobs(&emu, 3).await;
    let dir = temp();
    let opts = options(dir.path(), DEFAULT_TEMPLATE);
    let (first, _) = run(jobs.clone(), &opts).await;
    assert_eq!(first.saved.len(), 3);
    std::fs::write(
        dir.path().join(INDEX_FILE),
        b"{\"version\": 1, \"documents\": [ {",
    )
    .unwrap();
    let (second, _) = run(jobs, &opts).await;
    assert_eq!(
        second
            .index_warning
            .as_ref()
            .map(invoice_desk_files::IndexWarning::code),
        Some("corrupt_index_replaced")
    );
    assert_eq!(second.already_there.len(), 3, "recognised by their bytes");
    assert_archive(dir.path(), &second, &[]);
}

#[tokio::test]
async fn a_cancelled_batch_leaves_no_partial_file() {
    let emu = emulator(EmulatorConfig::default()).await;
    let jobs = mca_jobs(&emu, 2).await;
    emu.set_faults(vec![fault(
        "/_blob/",
        10,
        FaultKind::SlowBody { bytes_per_sec: 200 },
    )]);
    let dir = temp();
    let opts = options(dir.path(), DEFAULT_TEMPLATE);
    let cancel = opts.cancel.clone();
    let stopper = tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(700)).await;
        cancel.cancel();
    });
    let (summary, _) = run(jobs, &opts).await;
    stopper.await.unwrap();
    assert_eq!(failure_codes(&summary), ["cancelled", "cancelled"]);
    assert_archive(dir.path(), &summary, &[]);
}
