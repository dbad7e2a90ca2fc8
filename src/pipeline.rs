//! The pipeline assembled: ingest → extract → resolve → store → graph, shared by the
//! CLI and the API.
//!
//! Invariants: normalisation and extraction run in parallel batches without any lock;
//! resolution and commit run under one writer lock, in input order (so aggregates are
//! read-modified-written by one writer at a time); the
//! graph is updated under its write lock right after each commit, entities before
//! relations, so readers never see a relation whose entity is missing.
//!
//! On a store shared by several processes (PostgreSQL), `follow_changes` applies what the
//! others committed and curated, read from the store's change log, through the same
//! graph updates and events as this process's own changes, under the writer lock; this
//! process's own changes are marked seen there as they are made, so none is applied twice.
//!
//! After a store write fails with an I/O error (a full disk) the store is unhealthy:
//! writes are refused with `StoreError::Unavailable` until a recovery attempt (by the
//! next write, or by `store_health`, at most once per `RECOVERY_INTERVAL`) reopens the
//! store, writes a probe, and reloads the graph from what the store holds, under the
//! writer lock.

use crate::extract::Extractor;
use crate::graph::Graph;
use crate::ingest::{self, RawDocument};
use crate::model::{Curation, Document, Extraction};
use crate::resolve;
use crate::store::{
    ChangeCursor, ChangedIds, CommitOutcome, CurateError, CurationOutcome, FollowedChange, Store, StoreError,
};
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard};
use std::time::{Duration, Instant};

#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct IngestReport {
    /// Ids of documents newly stored.
    pub stored: Vec<String>,
    /// Ids of documents that were already in the store (nothing changed).
    pub unchanged: Vec<String>,
    /// Ids of documents a curator deleted: not ingested again.
    pub deleted: Vec<String>,
    /// Inputs refused, with the reason.
    pub problems: Vec<String>,
    pub entities_touched: usize,
    pub relations_touched: usize,
}

/// What happens to documents and to the graph, for live subscribers.
#[derive(Debug, Clone, PartialEq)]
pub enum PipelineEvent {
    /// Normalised and not yet stored; extraction starts.
    Accepted {
        document: String,
        source: Option<String>,
    },
    Extracted {
        document: String,
        entities: usize,
        relations: usize,
    },
    /// Stored and applied to the graph (ingestion only adds and updates).
    Committed {
        document: String,
        changes: GraphDelta,
    },
    /// A curation applied to the store and the graph; `event` is its number.
    Curated {
        event: u64,
        changes: GraphDelta,
    },
}

/// Ids of what one commit or curation added, updated and removed in the graph.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct GraphDelta {
    pub entities_added: Vec<String>,
    pub entities_updated: Vec<String>,
    pub entities_removed: Vec<String>,
    pub relations_added: Vec<String>,
    pub relations_updated: Vec<String>,
    pub relations_removed: Vec<String>,
}

impl GraphDelta {
    /// Split the changed ids into added and updated by what `graph` holds before applying them.
    fn before_applying<'a>(
        graph: &Graph,
        entities: impl Iterator<Item = &'a String>,
        relations: impl Iterator<Item = &'a String>,
    ) -> Self {
        let (entities_added, entities_updated) = entities.cloned().partition(|id| graph.entity(id).is_none());
        let (relations_added, relations_updated) = relations.cloned().partition(|id| graph.relation(id).is_none());
        GraphDelta { entities_added, entities_updated, relations_added, relations_updated, ..Default::default() }
    }
}

/// Events a slow subscriber may fall behind by before it misses some (it is told how
/// many it missed; ingestion never waits for it).
pub const EVENT_BUFFER: usize = 4096;

/// Whether the store takes writes.
#[derive(Debug, Clone, PartialEq)]
pub enum StoreHealth {
    Healthy,
    /// A write failed with `reason` at `since` (seconds since the Unix epoch) and no
    /// recovery attempt has succeeded since.
    Unhealthy {
        reason: String,
        since: u64,
    },
}

impl std::fmt::Display for StoreHealth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreHealth::Healthy => f.write_str("ok"),
            StoreHealth::Unhealthy { reason, since } => write!(
                f,
                "unhealthy: the store cannot be written since {} ({reason}); free disk space or fix the disk: \
                 writes resume by themselves, no restart is needed",
                crate::model::iso8601_utc(*since)
            ),
        }
    }
}

/// How often `serve` reads the store's change log for other processes' changes.
pub const FOLLOW_INTERVAL: Duration = Duration::from_millis(200);

/// Least time between two attempts to recover an unhealthy store (each reopens it).
pub const RECOVERY_INTERVAL: Duration = Duration::from_secs(1);

struct Health {
    state: StoreHealth,
    last_attempt: Option<Instant>,
}

pub struct Kennisgraaf {
    extractor: Extractor,
    store: Store,
    graph: RwLock<Graph>,
    writer: Mutex<()>,
    /// Where the graph is in the store's change log (None: the store has none). Changed
    /// under the writer lock, so a change of this process is marked seen before the
    /// follower can read it.
    cursor: Mutex<Option<ChangeCursor>>,
    health: Mutex<Health>,
    events: tokio::sync::broadcast::Sender<PipelineEvent>,
}

impl Kennisgraaf {
    pub fn new(extractor: Extractor, store: Store) -> Result<Self, StoreError> {
        // Read before loading: what is logged later is then followed, not missed.
        let cursor = Mutex::new(store.change_cursor()?);
        let graph = Graph::load(&store)?;
        let (events, _) = tokio::sync::broadcast::channel(EVENT_BUFFER);
        let health = Mutex::new(Health { state: StoreHealth::Healthy, last_attempt: None });
        Ok(Self { extractor, store, graph: RwLock::new(graph), writer: Mutex::new(()), cursor, health, events })
    }

    /// Whether the store takes writes; when it has not, first try to recover it (unless a
    /// write is under way or the last attempt was less than `RECOVERY_INTERVAL` ago).
    pub fn store_health(&self) -> StoreHealth {
        if let Ok(writer) = self.writer.try_lock() {
            // An unhealthy store stays so until it recovers; the health answers why.
            let _ = self.writable(&writer);
        }
        self.health.lock().unwrap_or_else(|p| p.into_inner()).state.clone()
    }

    /// `Ok` when the store takes writes, recovering it first if it did not. Needs the
    /// writer lock: recovery reopens the store and reloads the graph.
    fn writable(&self, _writer: &MutexGuard<'_, ()>) -> Result<(), StoreError> {
        let mut health = self.health.lock().unwrap_or_else(|p| p.into_inner());
        let StoreHealth::Unhealthy { reason, .. } = &health.state else {
            return Ok(());
        };
        let unavailable = StoreError::Unavailable { reason: reason.clone() };
        if health.last_attempt.is_some_and(|at| at.elapsed() < RECOVERY_INTERVAL) {
            return Err(unavailable);
        }
        health.last_attempt = Some(Instant::now());
        drop(health);
        let recovered = self.store.reopen().and_then(|()| self.store.write_probe()).and_then(|()| {
            // Commits applied to the graph but never flushed are gone from the store.
            let cursor = self.store.change_cursor()?;
            let graph = Graph::load(&self.store)?;
            *self.graph.write().unwrap_or_else(|p| p.into_inner()) = graph;
            *self.cursor.lock().unwrap_or_else(|p| p.into_inner()) = cursor;
            Ok(())
        });
        let mut health = self.health.lock().unwrap_or_else(|p| p.into_inner());
        match recovered {
            Ok(()) => {
                tracing::info!("the store takes writes again");
                health.state = StoreHealth::Healthy;
                Ok(())
            }
            Err(e) => {
                tracing::warn!(error = %e, "the store still cannot be written");
                Err(unavailable)
            }
        }
    }

    /// Note a failed store call: an I/O error makes the store unhealthy, and the caller
    /// gets `StoreError::Unavailable` saying so.
    fn failed(&self, e: StoreError) -> StoreError {
        let StoreError::Io(reason) = e else {
            return e;
        };
        tracing::error!(%reason, "a store write failed: the store is unhealthy until it takes writes again");
        let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let mut health = self.health.lock().unwrap_or_else(|p| p.into_inner());
        if health.state == StoreHealth::Healthy {
            health.state = StoreHealth::Unhealthy { reason: reason.clone(), since };
            health.last_attempt = Some(Instant::now());
        }
        StoreError::Unavailable { reason }
    }

    /// Live events from now on; see `PipelineEvent` and `EVENT_BUFFER`.
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<PipelineEvent> {
        self.events.subscribe()
    }

    fn emit(&self, event: PipelineEvent) {
        // No subscriber is not an error.
        let _ = self.events.send(event);
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn extractor(&self) -> &Extractor {
        &self.extractor
    }

    /// A read view of the graph. Hold it briefly: commits wait for it.
    pub fn graph(&self) -> RwLockReadGuard<'_, Graph> {
        self.graph.read().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Ingest documents; each is stored whole or not at all, in input order. Documents
    /// are normalised and extracted in parallel batches, without any lock; then each is
    /// resolved and committed in turn under the writer lock. Store failures stop the run
    /// (documents before it stay stored); bad input is reported and skipped. The store is
    /// flushed after every `flush_every` stored documents and at the end; `on_acknowledged`
    /// then gets the ids made durable by that flush. While the store is unhealthy (see
    /// `store_health`) nothing is ingested: `StoreError::Unavailable`.
    pub fn ingest_with(
        &self,
        raws: Vec<RawDocument>,
        flush_every: usize,
        on_document: impl FnMut(),
        on_acknowledged: impl FnMut(&[String]),
    ) -> Result<IngestReport, StoreError> {
        self.writable(&self.writer.lock().unwrap_or_else(|p| p.into_inner()))?;
        self.ingest_batches(raws, flush_every, on_document, on_acknowledged).map_err(|e| self.failed(e))
    }

    fn ingest_batches(
        &self,
        raws: Vec<RawDocument>,
        flush_every: usize,
        mut on_document: impl FnMut(),
        mut on_acknowledged: impl FnMut(&[String]),
    ) -> Result<IngestReport, StoreError> {
        let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
        let mut report = IngestReport::default();
        let mut acknowledged = 0;
        let mut flush = |report: &IngestReport, acknowledged: &mut usize| -> Result<(), StoreError> {
            self.store.flush()?;
            on_acknowledged(&report.stored[*acknowledged..]);
            *acknowledged = report.stored.len();
            Ok(())
        };
        let mut raws = raws.into_iter().peekable();
        while raws.peek().is_some() {
            let batch: Vec<RawDocument> = raws.by_ref().take(workers * 8).collect();
            for prepared in self.prepare_batch(batch, workers) {
                let result = prepared.and_then(|p| self.commit_one(p, &mut report));
                on_document();
                if let Err(e) = result {
                    flush(&report, &mut acknowledged)?;
                    return Err(e);
                }
                if report.stored.len() - acknowledged >= flush_every.max(1) {
                    flush(&report, &mut acknowledged)?;
                }
            }
        }
        flush(&report, &mut acknowledged)?;
        Ok(report)
    }

    /// Apply a human decision to the store and the graph (see `model::Curation`), store
    /// it as the next curation event with `reason` and the time, and tell subscribers.
    /// Serialised with commits by the writer lock; durable when it returns.
    pub fn curate(&self, curation: Curation, reason: &str) -> Result<CurationOutcome, CurateError> {
        let writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        self.writable(&writer)?;
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let outcome = self.store.curate(curation, reason, crate::model::iso8601_utc(now)).map_err(|e| match e {
            CurateError::Store(e) => CurateError::Store(self.failed(e)),
            other => other,
        })?;
        self.mark_seen(outcome.logged);
        self.apply_curation(&outcome, &outcome.changed());
        tracing::info!(event = outcome.event.seq, curation = ?outcome.event.curation, reason = %outcome.event.reason, "curated");
        Ok(outcome)
    }

    /// A change of this process, applied already: the follower leaves it out.
    fn mark_seen(&self, logged: Option<u64>) {
        if let (Some(seq), Some(cursor)) = (logged, self.cursor.lock().unwrap_or_else(|p| p.into_inner()).as_mut()) {
            cursor.mark_seen(seq);
        }
    }

    /// Apply a stored curation to the graph and tell subscribers what it `changed` (a
    /// local one, or one followed from the change log).
    fn apply_curation(&self, outcome: &CurationOutcome, changed: &ChangedIds) {
        let mut graph = self.graph.write().unwrap_or_else(|p| p.into_inner());
        let mut changes = GraphDelta::before_applying(&graph, changed.entities.iter(), changed.relations.iter());
        changes.entities_removed = outcome.removed_entities.clone();
        changes.relations_removed = outcome.removed_relations.clone();
        graph.apply_curation(outcome);
        drop(graph);
        self.emit(PipelineEvent::Curated { event: outcome.event.seq, changes });
    }

    /// Apply a stored commit to the graph and tell subscribers what it `changed` (a local
    /// one, or one followed from the change log).
    fn apply_commit(&self, document: String, outcome: CommitOutcome, changed: &ChangedIds) {
        let mut graph = self.graph.write().unwrap_or_else(|p| p.into_inner());
        let changes = GraphDelta::before_applying(&graph, changed.entities.iter(), changed.relations.iter());
        graph.apply(outcome);
        drop(graph);
        self.emit(PipelineEvent::Committed { document, changes });
    }

    /// Apply to the graph what other processes committed and curated in the store since
    /// the last call, as this process's own changes are applied (subscribers see the same
    /// events), and return how many changes that was. A store without a change log
    /// (sled) has nothing to follow. While the store is unhealthy this first tries to
    /// recover it (which reloads the graph).
    pub fn follow_changes(&self) -> Result<usize, StoreError> {
        let writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        self.writable(&writer)?;
        let mut cursor = self.cursor.lock().unwrap_or_else(|p| p.into_inner());
        let Some(cursor) = cursor.as_mut() else { return Ok(0) };
        let changes = self.store.changes_since(cursor).map_err(|e| self.failed(e))?;
        let n = changes.len();
        for change in changes {
            match change {
                FollowedChange::Commit { document, outcome, changed } => {
                    tracing::debug!(%document, "followed a commit");
                    self.apply_commit(document, outcome, &changed);
                }
                FollowedChange::Curation { outcome, changed } => {
                    tracing::debug!(event = outcome.event.seq, "followed a curation");
                    self.apply_curation(&outcome, &changed);
                }
            }
        }
        Ok(n)
    }

    /// Follow the store's change log (`follow_changes`) every `interval` on a thread of
    /// its own (sooner when the store notifies of a commit: PostgreSQL's `LISTEN`), until this
    /// pipeline is dropped; None when the store has no change log.
    pub fn follow_every(self: &Arc<Self>, interval: Duration) -> std::io::Result<Option<std::thread::JoinHandle<()>>> {
        if self.cursor.lock().unwrap_or_else(|p| p.into_inner()).is_none() {
            return Ok(None);
        }
        let pipeline = Arc::downgrade(self);
        let follower = std::thread::Builder::new().name("kennisgraaf-follow".into()).spawn(move || {
            let mut failing = false;
            loop {
                let Some(kg) = pipeline.upgrade() else { return };
                // Woken by a commit where the store notifies; the interval is the fallback.
                kg.store.wait_for_change(interval);
                match kg.follow_changes() {
                    Ok(_) if failing => {
                        tracing::info!("following the store's change log again");
                        failing = false;
                    }
                    Ok(_) => {}
                    // Said once, not five times a second; recovery is retried meanwhile.
                    Err(e) if !failing => {
                        tracing::warn!(error = %e, "cannot follow the store's change log; retrying");
                        failing = true;
                    }
                    Err(_) => {}
                }
            }
        })?;
        Ok(Some(follower))
    }

    /// `ingest_with`, flushing once at the end.
    pub fn ingest(&self, raws: Vec<RawDocument>, on_document: impl FnMut()) -> Result<IngestReport, StoreError> {
        self.ingest_with(raws, usize::MAX, on_document, |_| {})
    }

    /// Normalise and extract a batch on `workers` threads; results in input order.
    fn prepare_batch(&self, batch: Vec<RawDocument>, workers: usize) -> Vec<Result<Prepared, StoreError>> {
        if workers <= 1 || batch.len() <= 1 {
            return batch.into_iter().map(|raw| self.prepare_one(raw)).collect();
        }
        let per_worker = batch.len().div_ceil(workers);
        let mut chunks: Vec<Vec<RawDocument>> = Vec::new();
        let mut rest = batch.into_iter();
        loop {
            let chunk: Vec<RawDocument> = rest.by_ref().take(per_worker).collect();
            if chunk.is_empty() {
                break;
            }
            chunks.push(chunk);
        }
        std::thread::scope(|scope| {
            let handles: Vec<_> = chunks
                .into_iter()
                .map(|chunk| {
                    scope.spawn(move || chunk.into_iter().map(|raw| self.prepare_one(raw)).collect::<Vec<_>>())
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| {
                    h.join().unwrap_or_else(|_| vec![Err(StoreError::Io("an extraction thread panicked".into()))])
                })
                .collect()
        })
    }

    fn prepare_one(&self, raw: RawDocument) -> Result<Prepared, StoreError> {
        let document = match ingest::prepare(raw) {
            Ok(d) => d,
            Err(e) => return Ok(Prepared::Problem(e.to_string())),
        };
        if self.store.contains_document(&document.id)? {
            return Ok(Prepared::Unchanged(document.id));
        }
        if let Some(event) = self.store.deleted_by(&document.id)? {
            tracing::info!(document = %document.id, event, "not ingested: a curator deleted this document");
            return Ok(Prepared::Deleted(document.id));
        }
        self.emit(PipelineEvent::Accepted { document: document.id.clone(), source: document.source.clone() });
        // A bug in a rule must cost one document, not the run nor the store's health.
        let extracted =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.extractor.extract(&document.text)));
        let Ok(extraction) = extracted else {
            let origin = document.source.as_deref().unwrap_or(&document.id);
            tracing::error!(document = %document.id, origin, "extraction panicked");
            return Ok(Prepared::Problem(format!(
                "{origin}: not ingested: extraction failed with an internal error (please report it with this document)"
            )));
        };
        self.emit(PipelineEvent::Extracted {
            document: document.id.clone(),
            entities: extraction.entities.len(),
            relations: extraction.relations.len(),
        });
        Ok(Prepared::Ready(Box::new((document, extraction))))
    }

    fn commit_one(&self, prepared: Prepared, report: &mut IngestReport) -> Result<(), StoreError> {
        let (document, extraction) = match prepared {
            Prepared::Problem(p) => {
                report.problems.push(p);
                return Ok(());
            }
            Prepared::Unchanged(id) => {
                report.unchanged.push(id);
                return Ok(());
            }
            Prepared::Deleted(id) => {
                report.deleted.push(id);
                return Ok(());
            }
            Prepared::Ready(ready) => *ready,
        };
        let _writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(xid) = &document.external_id {
            match self.store.document_for_external_id(xid)? {
                Some(other) if other != document.id => {
                    report.problems.push(format!(
                        "{}: id {xid:?} is already stored for a different text (document {other}); give the new text another id",
                        document.source.as_deref().unwrap_or("input")
                    ));
                    return Ok(());
                }
                _ => {}
            }
        }
        let resolved = resolve::resolve(document, extraction, &self.store)?;
        let id = resolved.document.id.clone();
        let outcome = self.store.commit(&resolved)?;
        if outcome.stored {
            report.entities_touched += outcome.entities.len();
            report.relations_touched += outcome.relations.len();
            self.mark_seen(outcome.logged);
            let changed = outcome.changed();
            self.apply_commit(id.clone(), outcome, &changed);
            report.stored.push(id);
        } else {
            report.unchanged.push(id);
        }
        Ok(())
    }
}

/// A document made ready for commit outside any lock.
enum Prepared {
    Problem(String),
    Unchanged(String),
    Deleted(String),
    Ready(Box<(Document, Extraction)>),
}
