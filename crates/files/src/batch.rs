//! A batch of documents into one archive folder: names from the template, what the index has
//! on disk skipped without any network call, the rest fetched with bounded concurrency, each
//! with its events, an expired link asked for again once, every outcome recorded in the
//! index, and a summary at the end.
//!
//! This is what the app's "Save", "Save selected", "Save all in range" and "Sync" and the CLI's
//! `download` and `sync` all call.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::StreamExt;
use invoice_desk_billing::model::DocumentDownloadRequest;
use invoice_desk_billing::{ArmClient, LroOptions};
use serde::Serialize;
use tokio_util::sync::CancellationToken;

use crate::bundle;
use crate::error::{FilesError, ItemError};
use crate::fsio;
use crate::index::{ArchiveIndex, DocumentKey, IndexEntry, IndexWarning, now_text};
use crate::links;
use crate::parts;
use crate::place::{self, Claims, Placed};
use crate::target::Target;
use crate::template::Template;
use crate::verify::ContentKind;
use crate::writer::{Downloaded, Fetcher, Transfer};

/// Documents fetched at once by default: enough to hide the latency of the download LRO and
/// the blob's first byte, few enough to stay far below ARM's read throttling.
pub const DEFAULT_CONCURRENCY: usize = 8;

/// The index is written at most this often while a batch runs (and always at the end); a
/// crash in between loses nothing that matters: the files are found again by their bytes.
const INDEX_SAVE_INTERVAL: Duration = Duration::from_secs(2);

/// Progress events of one item come at most this often.
const PROGRESS_INTERVAL: Duration = Duration::from_millis(100);

/// One document and the client (account and tenant) to ask for its link.
#[derive(Debug, Clone)]
pub struct Job {
    pub client: ArmClient,
    pub target: Target,
}

/// Where and how a batch saves.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    /// The archive folder (created when missing); the index lives in it.
    pub dest: PathBuf,
    pub template: Template,
    /// Documents in flight at once (at least 1); a bundle counts as one.
    pub concurrency: usize,
    /// Fetch several documents of one billing account as one `downloadDocuments` zip where
    /// Azure offers it ([`crate::bundle::route`] decides which); off: always one by one.
    pub bundles: bool,
    pub cancel: CancellationToken,
}

impl BatchOptions {
    #[must_use]
    pub fn new(dest: impl Into<PathBuf>, template: Template) -> Self {
        Self {
            dest: dest.into(),
            template,
            concurrency: DEFAULT_CONCURRENCY,
            bundles: true,
            cancel: CancellationToken::new(),
        }
    }
}

/// What an item is, as events and the summary show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemInfo {
    pub scope_id: String,
    pub scope_name: String,
    pub invoice: String,
    pub document_kind: String,
    pub document_name: Option<String>,
    /// The planned path relative to the archive folder (`/` separators); `None` when the
    /// template could not name it.
    pub path: Option<String>,
}

/// Per-item progress, in order for each item: `Queued`, then `Started` and `Progress` (not for
/// documents already in the index), then `Done` or `Failed`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum BatchEvent {
    Queued {
        item: usize,
        info: ItemInfo,
    },
    Started {
        item: usize,
    },
    Progress {
        item: usize,
        bytes: u64,
        total: Option<u64>,
    },
    Done {
        item: usize,
        placed: Placed,
        size: u64,
    },
    Failed {
        item: usize,
        error: ItemError,
    },
}

/// Where events go (a Tauri channel, a progress bar, a test's vector).
pub type EventSink<'a> = &'a (dyn Fn(BatchEvent) + Send + Sync);

/// A document that is on disk after the batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemResult {
    pub info: ItemInfo,
    pub placed: Placed,
    pub size: u64,
    /// Whether the index alone answered (no network).
    pub from_index: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FailedItem {
    pub info: ItemInfo,
    pub error: ItemError,
}

/// The end of a batch: "12 saved, 3 already there, 1 failed — details".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchSummary {
    pub saved: Vec<ItemResult>,
    pub already_there: Vec<ItemResult>,
    pub kept_both: Vec<ItemResult>,
    pub failed: Vec<FailedItem>,
    /// The index had to be replaced (it was corrupt).
    pub index_warning: Option<IndexWarning>,
    /// The index could not be written at the end (the files are on disk regardless).
    pub index_error: Option<String>,
}

impl BatchSummary {
    #[must_use]
    pub fn is_complete(&self) -> bool {
        self.failed.is_empty()
    }

    #[must_use]
    pub fn total(&self) -> usize {
        self.saved.len() + self.already_there.len() + self.kept_both.len() + self.failed.len()
    }
}

type Outcome = (usize, Result<ItemResult, FailedItem>);

/// A document to fetch and its planned name.
struct Pending {
    item: usize,
    job: Job,
    relative: PathBuf,
}

/// What one slot of the batch's concurrency works on.
enum Unit {
    One(usize, Box<(Job, Plan)>),
    /// Documents of one billing account as one `downloadDocuments` zip.
    Bundle(Vec<Pending>),
}

impl Unit {
    fn first_item(&self) -> usize {
        match self {
            Self::One(item, ..) => *item,
            Self::Bundle(members) => members.first().map_or(usize::MAX, |p| p.item),
        }
    }
}

enum Plan {
    /// In the index and on disk: nothing to do.
    Archived(IndexEntry),
    Fetch(PathBuf),
    Fail(FilesError),
}

fn info(target: &Target, path: Option<&Path>) -> ItemInfo {
    ItemInfo {
        scope_id: target.scope.id.clone(),
        scope_name: target.scope.display_name.clone(),
        invoice: target.invoice.clone(),
        document_kind: target.document_kind.clone(),
        document_name: target.document_name.clone(),
        path: path.map(slash_path),
    }
}

/// A relative path with `/` separators, as the index and the UI show it.
#[must_use]
pub fn slash_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

struct Shared<'a> {
    options: &'a BatchOptions,
    fetcher: &'a Fetcher,
    claims: Arc<Claims>,
    index: Mutex<ArchiveIndex>,
    save_lock: tokio::sync::Mutex<Instant>,
    events: EventSink<'a>,
}

/// Saves every job's document into `options.dest`. Fails as a whole only when the folder
/// cannot be created or its index cannot be read; everything else is per item in the summary.
pub async fn run_batch(
    jobs: Vec<Job>,
    fetcher: &Fetcher,
    options: &BatchOptions,
    events: EventSink<'_>,
) -> Result<BatchSummary, FilesError> {
    let dest = options.dest.clone();
    let (index, index_warning) = tokio::task::spawn_blocking(move || {
        std::fs::create_dir_all(&dest).map_err(|e| FilesError::io(&dest, &e))?;
        ArchiveIndex::load(&dest).map_err(|e| FilesError::io(&dest.join(crate::INDEX_FILE), &e))
    })
    .await
    .map_err(|e| FilesError::Io {
        path: options.dest.clone(),
        message: e.to_string(),
    })??;

    // A stable order, so that names that meet get the same suffixes on every run.
    let mut jobs = jobs;
    jobs.sort_by_cached_key(|j| j.target.key());
    jobs.dedup_by_key(|j| j.target.key());

    let claims = Arc::new(Claims::default());
    for entry in index.entries() {
        claims.claim(&entry.relative(), &entry.key().id());
    }
    let plans: Vec<Plan> = jobs
        .iter()
        .map(|job| plan(job, &index, &claims, options))
        .collect();
    for (item, (job, plan)) in jobs.iter().zip(&plans).enumerate() {
        let path = match plan {
            Plan::Archived(entry) => Some(entry.relative()),
            Plan::Fetch(path) => Some(path.clone()),
            Plan::Fail(_) => None,
        };
        events(BatchEvent::Queued {
            item,
            info: info(&job.target, path.as_deref()),
        });
    }

    let shared = Shared {
        options,
        fetcher,
        claims,
        index: Mutex::new(index),
        save_lock: tokio::sync::Mutex::new(Instant::now()),
        events,
    };
    let shared = &shared;

    // Documents to fetch go in bundles where the one rule allows it; the rest, and whatever a
    // bundle did not bring, one by one.
    let grouping = if options.bundles {
        crate::bundle::group(
            jobs.iter()
                .zip(&plans)
                .enumerate()
                .filter(|(_, (_, plan))| matches!(plan, Plan::Fetch(_)))
                .map(|(i, (job, _))| (i, &job.target)),
        )
    } else {
        crate::bundle::Grouping::default()
    };
    let mut slots: Vec<Option<(Job, Plan)>> = jobs.into_iter().zip(plans).map(Some).collect();
    let mut units: Vec<Unit> = Vec::new();
    for members in grouping.bundles {
        let members = members
            .into_iter()
            .filter_map(|i| match slots[i].take() {
                Some((job, Plan::Fetch(relative))) => Some(Pending {
                    item: i,
                    job,
                    relative,
                }),
                _ => None,
            })
            .collect();
        units.push(Unit::Bundle(members));
    }
    for (item, slot) in slots.into_iter().enumerate() {
        if let Some((job, plan)) = slot {
            units.push(Unit::One(item, Box::new((job, plan))));
        }
    }
    units.sort_by_key(Unit::first_item);

    let outcomes: Vec<(Vec<Outcome>, Vec<Pending>)> = futures::stream::iter(units)
        .map(|unit| async move {
            match unit {
                Unit::One(item, one) => {
                    let (job, plan) = *one;
                    (
                        vec![(item, shared.item(item, job, plan, true).await)],
                        vec![],
                    )
                }
                Unit::Bundle(members) => shared.bundle(members).await,
            }
        })
        .buffer_unordered(options.concurrency.max(1))
        .collect()
        .await;
    let mut results: Vec<Outcome> = Vec::new();
    let mut alone: Vec<Pending> = Vec::new();
    for (done, left) in outcomes {
        results.extend(done);
        alone.extend(left);
    }
    alone.sort_by_key(|p| p.item);
    let rest: Vec<Outcome> = futures::stream::iter(alone)
        .map(|p| async move {
            let result = shared
                .item(p.item, p.job, Plan::Fetch(p.relative), false)
                .await;
            (p.item, result)
        })
        .buffer_unordered(options.concurrency.max(1))
        .collect()
        .await;
    results.extend(rest);

    let mut summary = BatchSummary {
        index_warning,
        ..BatchSummary::default()
    };
    results.sort_by_key(|(item, _)| *item);
    for (_, result) in results {
        match result {
            Ok(done) => match &done.placed {
                Placed::Saved { .. } => summary.saved.push(done),
                Placed::AlreadyThere { .. } => summary.already_there.push(done),
                Placed::KeptBoth { .. } => summary.kept_both.push(done),
            },
            Err(failed) => summary.failed.push(failed),
        }
    }
    if let Err(e) = shared.save_index(true).await {
        summary.index_error = Some(e.to_string());
    }
    Ok(summary)
}

fn plan(job: &Job, index: &ArchiveIndex, claims: &Claims, options: &BatchOptions) -> Plan {
    let key = job.target.key();
    if let Some(entry) = index.on_disk(&key) {
        return Plan::Archived(entry.clone());
    }
    // Saved before but the file is gone or changed: the same name again.
    let wanted = if let Some(entry) = index.get(&key) {
        entry.relative()
    } else {
        let extra = (!job.target.primary && !options.template.names_documents())
            .then_some(job.target.document_kind.as_str());
        match options
            .template
            .render(&job.target.fields(), extra, &options.dest)
        {
            Ok(path) => path,
            Err(e) => return Plan::Fail(e.into()),
        }
    };
    match claims.claim_free(&wanted, &key.id()) {
        Some(path) => Plan::Fetch(path),
        None => Plan::Fail(FilesError::TooManyCollisions {
            path: options.dest.join(wanted),
        }),
    }
}

impl Shared<'_> {
    /// One document; `announce`: send `Started` (false when a bundle already did).
    async fn item(
        &self,
        item: usize,
        job: Job,
        plan: Plan,
        announce: bool,
    ) -> Result<ItemResult, FailedItem> {
        let failed = |target: &Target, path: Option<&Path>, error: &FilesError| {
            let report = error.report();
            (self.events)(BatchEvent::Failed {
                item,
                error: report.clone(),
            });
            FailedItem {
                info: info(target, path),
                error: report,
            }
        };
        let relative = match plan {
            Plan::Archived(entry) => {
                let placed = Placed::AlreadyThere {
                    path: entry.relative(),
                };
                (self.events)(BatchEvent::Done {
                    item,
                    placed: placed.clone(),
                    size: entry.size,
                });
                return Ok(ItemResult {
                    info: info(&job.target, Some(&entry.relative())),
                    placed,
                    size: entry.size,
                    from_index: true,
                });
            }
            Plan::Fail(error) => return Err(failed(&job.target, None, &error)),
            Plan::Fetch(relative) => relative,
        };
        if self.options.cancel.is_cancelled() {
            return Err(failed(&job.target, Some(&relative), &FilesError::Cancelled));
        }
        if announce {
            (self.events)(BatchEvent::Started { item });
        }
        match self.fetch(item, &job, &relative).await {
            Ok((placed, done)) => {
                self.record(&job.target, &placed, &done).await;
                (self.events)(BatchEvent::Done {
                    item,
                    placed: placed.clone(),
                    size: done.size,
                });
                Ok(ItemResult {
                    info: info(&job.target, Some(&relative)),
                    placed,
                    size: done.size,
                    from_index: false,
                })
            }
            Err(error) => {
                tracing::debug!(invoice = %job.target.invoice, code = error.code(), "document failed");
                Err(failed(&job.target, Some(&relative), &error))
            }
        }
    }

    async fn fetch(
        &self,
        item: usize,
        job: &Job,
        relative: &Path,
    ) -> Result<(Placed, Downloaded), FilesError> {
        let root = &self.options.dest;
        let part = parts::part_beside(&root.join(relative), "").await?;
        let mut transfer = Transfer::create(part, ContentKind::Pdf).await?;

        let lro = LroOptions::default().with_cancel(self.options.cancel.clone());
        let last = Mutex::new(None::<Instant>);
        let progress = |bytes: u64, total: Option<u64>| {
            let mut last = last
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if last.is_none_or(|t| t.elapsed() >= PROGRESS_INTERVAL) || Some(bytes) == total {
                *last = Some(Instant::now());
                (self.events)(BatchEvent::Progress { item, bytes, total });
            }
        };
        let cancel = &self.options.cancel;
        let url = links::link(&job.client, &job.target, &lro).await?;
        match transfer.run(self.fetcher, &url, &progress, cancel).await {
            Err(FilesError::LinkExpired) => {
                // Links live about an hour; a slow queue or a clock off by hours meets an
                // expired one. One fresh link; a second expiry is reported as such.
                tracing::debug!(invoice = %job.target.invoice, "link expired; asking for a fresh one");
                let fresh = links::link(&job.client, &job.target, &lro).await?;
                transfer
                    .run(self.fetcher, &fresh, &progress, cancel)
                    .await?;
            }
            other => other?,
        }
        let done = transfer.finish().await?;
        let placed = self.place(&job.target, relative, &done).await?;
        Ok((placed, done))
    }

    /// A finished `.part` file under its final name (never overwriting anything).
    async fn place(
        &self,
        target: &Target,
        relative: &Path,
        done: &Downloaded,
    ) -> Result<Placed, FilesError> {
        let claims = self.claims.clone();
        let root = self.options.dest.clone();
        let full = root.join(relative);
        let relative = relative.to_owned();
        let owner = target.key().id();
        let moved = done.clone();
        tokio::task::spawn_blocking(move || {
            let placed = place::place(&root, &relative, &moved, &claims, &owner);
            if placed.is_err() {
                let _ = std::fs::remove_file(&moved.part);
            }
            placed
        })
        .await
        .map_err(|e| FilesError::Io {
            path: full,
            message: e.to_string(),
        })?
    }

    /// Several documents of one billing account as one zip. Returns what the bundle saved (or
    /// failed to place) and the documents to fetch alone: all of them when the bundle could
    /// not be had (no such API for the agreement, 400/404, throttling, a bad zip, …).
    async fn bundle(&self, members: Vec<Pending>) -> (Vec<Outcome>, Vec<Pending>) {
        let Some(first) = members.first() else {
            return (Vec::new(), members);
        };
        let Some((route, _)) = bundle::route(&first.job.target) else {
            return (Vec::new(), members);
        };
        if self.options.cancel.is_cancelled() {
            return (Vec::new(), members);
        }
        for p in &members {
            (self.events)(BatchEvent::Started { item: p.item });
        }
        let client = first.job.client.clone();
        let unpacked = match self.fetch_bundle(&client, &route, &members).await {
            Ok(unpacked) => unpacked,
            Err(e) => {
                tracing::debug!(
                    documents = members.len(),
                    error = e.code(),
                    billing = e.billing().map(invoice_desk_billing::BillingError::code),
                    "bundle unavailable; documents are fetched one by one"
                );
                return (Vec::new(), members);
            }
        };
        for n in &unpacked.notes {
            tracing::warn!(
                entry = n.entry.as_deref().unwrap_or("(archive)"),
                code = n.code,
                "bundle entry not used"
            );
        }
        let mut done = Vec::new();
        let mut alone = Vec::new();
        for (p, part) in members.into_iter().zip(unpacked.parts) {
            let Some(part) = part else {
                alone.push(p);
                continue;
            };
            let result = match self.place(&p.job.target, &p.relative, &part).await {
                Ok(placed) => {
                    self.record(&p.job.target, &placed, &part).await;
                    (self.events)(BatchEvent::Progress {
                        item: p.item,
                        bytes: part.size,
                        total: Some(part.size),
                    });
                    (self.events)(BatchEvent::Done {
                        item: p.item,
                        placed: placed.clone(),
                        size: part.size,
                    });
                    Ok(ItemResult {
                        info: info(&p.job.target, Some(&p.relative)),
                        placed,
                        size: part.size,
                        from_index: false,
                    })
                }
                Err(error) => {
                    let report = error.report();
                    (self.events)(BatchEvent::Failed {
                        item: p.item,
                        error: report.clone(),
                    });
                    Err(FailedItem {
                        info: info(&p.job.target, Some(&p.relative)),
                        error: report,
                    })
                }
            };
            done.push((p.item, result));
        }
        (done, alone)
    }

    /// The bundle's zip into a temporary `.part` file in the archive folder (same resume,
    /// retry and expiry rules as a single document), unpacked into the members' `.part` files.
    async fn fetch_bundle(
        &self,
        client: &ArmClient,
        route: &bundle::Route,
        members: &[Pending],
    ) -> Result<bundle::Unpacked, FilesError> {
        let root = &self.options.dest;
        let mut plan = Vec::with_capacity(members.len());
        let mut request = Vec::with_capacity(members.len());
        for p in members {
            plan.push(bundle::Member {
                invoice: p.job.target.invoice.clone(),
                document_name: p.job.target.document_name.clone(),
                part: parts::part_beside(&root.join(&p.relative), "").await?,
            });
            request.push(DocumentDownloadRequest {
                invoice_name: p.job.target.invoice.clone(),
                document_name: p.job.target.document_name.clone(),
            });
        }
        let temp = parts::part_beside(&root.join(".bundle.zip"), "").await?;
        let mut transfer = Transfer::create(temp.clone(), ContentKind::Zip).await?;
        let lro = LroOptions::default().with_cancel(self.options.cancel.clone());
        let cancel = &self.options.cancel;
        let quiet = |_: u64, _: Option<u64>| {};
        let url = links::bundle_link(client, route, &request, &lro).await?;
        match transfer.run(self.fetcher, &url, &quiet, cancel).await {
            Err(FilesError::LinkExpired) => {
                let fresh = links::bundle_link(client, route, &request, &lro).await?;
                transfer.run(self.fetcher, &fresh, &quiet, cancel).await?;
            }
            other => other?,
        }
        let zip = bundle::TempFile(transfer.finish().await?.part);
        tokio::task::spawn_blocking(move || {
            let unpacked = bundle::unpack(&zip.0, &plan);
            drop(zip);
            unpacked
        })
        .await
        .map_err(|e| FilesError::Io {
            path: temp,
            message: e.to_string(),
        })
    }

    async fn record(&self, target: &Target, placed: &Placed, done: &Downloaded) {
        let entry = IndexEntry {
            scope_id: DocumentKey::new(&target.scope.id, "", "").scope_id,
            invoice: target.invoice.clone(),
            document_kind: target.document_kind.clone(),
            document_name: target.document_name.clone(),
            path: slash_path(placed.path()),
            size: done.size,
            blake3: fsio::hex(&done.content_hash),
            sha256: None,
            saved_at: now_text(),
        };
        self.index
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .record(entry);
        if let Err(e) = self.save_index(false).await {
            tracing::warn!(error = %e, "archive index not written yet");
        }
    }

    /// Writes a snapshot of the index when due (or `now`); snapshots are taken under the save
    /// lock so an older one never replaces a newer one.
    async fn save_index(&self, now: bool) -> std::io::Result<()> {
        let mut last = self.save_lock.lock().await;
        if !now && last.elapsed() < INDEX_SAVE_INTERVAL {
            return Ok(());
        }
        let mut snapshot = self
            .index
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        let saved = tokio::task::spawn_blocking(move || snapshot.save())
            .await
            .map_err(std::io::Error::other)?;
        *last = Instant::now();
        saved
    }
}
