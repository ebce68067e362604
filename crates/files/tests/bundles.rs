//! `downloadDocuments` bundles against the in-process emulator over real sockets: the same
//! names, bytes and index entries as single downloads; entries that are missing, extra,
//! hostile, not a PDF or a zip bomb never land, and their documents are fetched alone; a
//! refused bundle falls back to single downloads without a word to the user.

#![allow(clippy::case_sensitive_file_extension_comparisons)]

mod common;

use std::collections::BTreeMap;

use common::{
    DEFAULT_TEMPLATE, MOSP_ADMIN, assert_archive, blob_requests, download_posts, emulator, fault,
    jobs, mca_jobs, options, run, scopes, temp,
};
use invoice_desk_billing::ScopeKind;
use invoice_desk_emulator::{BundleDefect, Emulator, EmulatorConfig, FaultKind, FaultRule};
use invoice_desk_files::{ArchiveIndex, BatchEvent, BatchOptions, Job};

fn bundle_posts(emu: &Emulator) -> usize {
    emu.requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/downloadDocuments"))
        .count()
}

/// path → (size, content hash) of every index entry.
/// `n` MCA documents, and an emulator whose next bundle comes with `defect`.
async fn with_bad_bundle(n: usize, defect: BundleDefect) -> (Emulator, Vec<Job>) {
    let emu = emulator(EmulatorConfig::default()).await;
    let jobs = mca_jobs(&emu, n).await;
    emu.set_faults(vec![fault("/_blob/", 1, FaultKind::BadBundle { defect })]);
    (emu, jobs)
}

fn index_of(dir: &std::path::Path) -> BTreeMap<String, (u64, String)> {
    let (index, warning) = ArchiveIndex::load(dir).unwrap();
    assert!(warning.is_none());
    index
        .entries()
        .map(|e| (e.path.clone(), (e.size, e.blake3.clone())))
        .collect()
}

fn no_bundles(dir: &std::path::Path) -> BatchOptions {
    BatchOptions {
        bundles: false,
        ..options(dir, DEFAULT_TEMPLATE)
    }
}

#[tokio::test]
async fn a_bundle_saves_the_same_files_and_index_as_single_downloads() {
    let emu = emulator(EmulatorConfig::default()).await;
    let jobs = mca_jobs(&emu, 4).await;

    let single = temp();
    let (alone, _) = run(jobs.clone(), &no_bundles(single.path())).await;
    assert_eq!(alone.saved.len(), 4, "{:?}", alone.failed);
    assert_eq!(bundle_posts(&emu), 0);
    assert_eq!(download_posts(&emu).len(), 4);

    emu.clear_requests();
    let bundled = temp();
    let (summary, events) = run(jobs.clone(), &options(bundled.path(), DEFAULT_TEMPLATE)).await;
    assert_eq!(summary.saved.len(), 4, "{:?}", summary.failed);
    assert_eq!(bundle_posts(&emu), 1, "one downloadDocuments call");
    assert!(download_posts(&emu).is_empty(), "no single download");
    let blobs = blob_requests(&emu);
    assert_eq!(blobs.len(), 1, "one zip");
    assert!(blobs[0].path.ends_with(".zip") && !blobs[0].authorization);
    // The same names, bytes and index entries.
    assert_eq!(index_of(bundled.path()), index_of(single.path()));
    assert_eq!(
        common::files(bundled.path()),
        common::files(single.path()),
        "same files"
    );
    for item in 0..4 {
        let of_item: Vec<&BatchEvent> = events
            .iter()
            .filter(|e| match e {
                BatchEvent::Queued { item: i, .. }
                | BatchEvent::Started { item: i }
                | BatchEvent::Progress { item: i, .. }
                | BatchEvent::Done { item: i, .. }
                | BatchEvent::Failed { item: i, .. } => *i == item,
            })
            .collect();
        assert!(matches!(of_item[0], BatchEvent::Queued { .. }));
        assert!(matches!(of_item[1], BatchEvent::Started { .. }));
        assert!(matches!(of_item.last(), Some(BatchEvent::Done { .. })));
        assert_eq!(
            of_item
                .iter()
                .filter(|e| matches!(e, BatchEvent::Started { .. }))
                .count(),
            1
        );
    }
    assert_archive(bundled.path(), &summary, &[]);

    // A second run asks nothing.
    emu.clear_requests();
    let (again, _) = run(jobs, &options(bundled.path(), DEFAULT_TEMPLATE)).await;
    assert_eq!(again.already_there.len(), 4);
    assert!(emu.requests().iter().all(|r| r.method != "POST"));
}

#[tokio::test]
async fn a_document_missing_from_the_bundle_is_fetched_alone() {
    let (emu, jobs) = with_bad_bundle(3, BundleDefect::Missing).await;
    let dir = temp();
    let (summary, _) = run(jobs, &options(dir.path(), DEFAULT_TEMPLATE)).await;
    assert_eq!(summary.saved.len(), 3, "{:?}", summary.failed);
    assert_eq!(bundle_posts(&emu), 1);
    assert_eq!(download_posts(&emu).len(), 1, "only the missing one alone");
    assert_archive(dir.path(), &summary, &[]);
}

#[tokio::test]
async fn extra_entries_in_a_bundle_are_ignored() {
    let (emu, jobs) = with_bad_bundle(3, BundleDefect::Extra).await;
    let dir = temp();
    let (summary, _) = run(jobs, &options(dir.path(), DEFAULT_TEMPLATE)).await;
    assert_eq!(summary.saved.len(), 3, "{:?}", summary.failed);
    assert!(download_posts(&emu).is_empty());
    // Only the three documents and the index: no README, no folder, no other invoice.
    assert_eq!(common::files(dir.path()).len(), 4);
    assert_archive(dir.path(), &summary, &[]);
}

#[tokio::test]
async fn hostile_entry_names_never_decide_a_path() {
    let (emu, jobs) = with_bad_bundle(3, BundleDefect::Hostile).await;
    let root = temp();
    let dir = root.path().join("a").join("b");
    let (summary, _) = run(jobs, &options(&dir, DEFAULT_TEMPLATE)).await;
    assert_eq!(summary.saved.len(), 3, "{:?}", summary.failed);
    // The entry that climbed out (`../../`) was not used: its document came alone; the
    // absolute and drive-path copies of the others were ignored.
    assert_eq!(download_posts(&emu).len(), 1);
    assert_eq!(
        common::files(root.path()).len(),
        4,
        "nothing outside the archive folder: {:?}",
        common::files(root.path())
    );
    assert_archive(&dir, &summary, &[]);
}

#[tokio::test]
async fn a_bundle_entry_that_is_not_a_pdf_or_a_zip_bomb_is_fetched_alone() {
    for defect in [BundleDefect::NotPdf, BundleDefect::Bomb] {
        let (emu, jobs) = with_bad_bundle(2, defect).await;
        let dir = temp();
        let (summary, _) = run(jobs, &options(dir.path(), DEFAULT_TEMPLATE)).await;
        assert_eq!(summary.saved.len(), 2, "{defect:?}: {:?}", summary.failed);
        assert_eq!(download_posts(&emu).len(), 1, "{defect:?}");
        assert_archive(dir.path(), &summary, &[]);
    }
}

#[tokio::test]
async fn a_refused_bundle_falls_back_to_single_downloads_silently() {
    for status in [400, 404, 500] {
        let emu = emulator(EmulatorConfig::default()).await;
        let jobs = mca_jobs(&emu, 3).await;
        emu.set_faults(vec![FaultRule {
            route: Some("*/downloadDocuments".into()),
            method: Some("POST".into()),
            count: None,
            kind: FaultKind::Status { status },
        }]);
        let dir = temp();
        let (summary, events) = run(jobs, &options(dir.path(), DEFAULT_TEMPLATE)).await;
        assert!(summary.is_complete(), "{status}: {:?}", summary.failed);
        assert_eq!(summary.saved.len(), 3);
        assert!(bundle_posts(&emu) >= 1);
        assert_eq!(download_posts(&emu).len(), 3, "{status}");
        assert!(
            !events
                .iter()
                .any(|e| matches!(e, BatchEvent::Failed { .. })),
            "nothing for the user to see"
        );
        assert_archive(dir.path(), &summary, &[]);
    }
}

#[tokio::test]
async fn a_bundle_that_is_not_a_zip_falls_back_to_single_downloads() {
    let emu = emulator(EmulatorConfig::default()).await;
    let jobs = mca_jobs(&emu, 2).await;
    emu.set_faults(vec![fault("/_blob/invoices/bundle/", 1, FaultKind::NotPdf)]);
    let dir = temp();
    let (summary, _) = run(jobs, &options(dir.path(), DEFAULT_TEMPLATE)).await;
    assert_eq!(summary.saved.len(), 2, "{:?}", summary.failed);
    assert_eq!(download_posts(&emu).len(), 2);
    assert_archive(dir.path(), &summary, &[]);
}

#[tokio::test]
async fn a_bundle_lro_202_chain_with_transient_404_polls_gives_the_zip() {
    let emu = emulator(EmulatorConfig {
        download_pending_polls: 3,
        ..EmulatorConfig::default()
    })
    .await;
    let jobs = mca_jobs(&emu, 3).await;
    emu.set_faults(vec![FaultRule {
        route: None,
        method: None,
        count: Some(2),
        kind: FaultKind::LroPoll404,
    }]);
    let dir = temp();
    let (summary, _) = run(jobs, &options(dir.path(), DEFAULT_TEMPLATE)).await;
    assert_eq!(summary.saved.len(), 3, "{:?}", summary.failed);
    assert_eq!(bundle_posts(&emu), 1);
    assert!(download_posts(&emu).is_empty());
    let polls = emu.requests().iter().filter(|r| r.kind == "poll").count();
    assert!(polls >= 4, "three 202 polls, then the result: {polls}");
    assert_archive(dir.path(), &summary, &[]);
}

#[tokio::test]
async fn a_bundle_cut_mid_body_resumes_with_range() {
    let emu = emulator(EmulatorConfig::default()).await;
    let jobs = mca_jobs(&emu, 3).await;
    emu.set_faults(vec![fault(
        "/_blob/",
        1,
        FaultKind::Reset { after_bytes: 2000 },
    )]);
    let dir = temp();
    let (summary, _) = run(jobs, &options(dir.path(), DEFAULT_TEMPLATE)).await;
    assert_eq!(summary.saved.len(), 3, "{:?}", summary.failed);
    let blobs = blob_requests(&emu);
    assert_eq!(blobs.len(), 2, "{blobs:?}");
    assert!(
        blobs[1]
            .range
            .as_deref()
            .is_some_and(|r| r.starts_with("bytes="))
    );
    assert!(download_posts(&emu).is_empty());
    assert_archive(dir.path(), &summary, &[]);
}

#[tokio::test]
async fn mosp_documents_of_one_subscription_come_as_one_bundle() {
    let emu = emulator(EmulatorConfig::default()).await;
    let mut found = None;
    for scope in scopes(&emu, MOSP_ADMIN, ScopeKind::MospSubscription).await {
        let jobs = jobs(&emu, MOSP_ADMIN, &scope).await;
        if jobs.len() >= 2 {
            found = Some(jobs);
            break;
        }
    }
    let mut jobs = found.expect("a subscription with two invoices");
    jobs.truncate(3);
    let n = jobs.len();
    emu.clear_requests();
    let dir = temp();
    let (summary, _) = run(jobs, &options(dir.path(), DEFAULT_TEMPLATE)).await;
    assert_eq!(summary.saved.len(), n, "{:?}", summary.failed);
    let posts: Vec<_> = emu
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .collect();
    assert_eq!(posts.len(), 1, "{posts:?}");
    assert!(
        posts[0].path.contains("/billingSubscriptions/")
            && posts[0].path.ends_with("/downloadDocuments")
    );
    assert_archive(dir.path(), &summary, &[]);
}
