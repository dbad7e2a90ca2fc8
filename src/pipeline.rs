//! The pipeline assembled: ingest → extract → resolve → store → graph, shared by the
//! CLI and the API.
//!
//! Invariants: extraction runs without any lock; resolution and commit run under one
//! writer lock (so aggregates are read-modified-written by one writer at a time); the
//! graph is updated under its write lock right after each commit, entities before
//! relations, so readers never see a relation whose entity is missing.

use crate::extract::Extractor;
use crate::graph::Graph;
use crate::ingest::{self, IngestError, RawDocument};
use crate::resolve;
use crate::store::{Store, StoreError};
use std::sync::{Mutex, RwLock, RwLockReadGuard};

#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct IngestReport {
    /// Ids of documents newly stored.
    pub stored: Vec<String>,
    /// Ids of documents that were already in the store (nothing changed).
    pub unchanged: Vec<String>,
    /// Inputs refused, with the reason.
    pub problems: Vec<String>,
    pub entities_touched: usize,
    pub relations_touched: usize,
}

pub struct Kennisgraaf {
    extractor: Extractor,
    store: Store,
    graph: RwLock<Graph>,
    writer: Mutex<()>,
}

impl Kennisgraaf {
    pub fn new(extractor: Extractor, store: Store) -> Result<Self, StoreError> {
        let graph = Graph::load(&store)?;
        Ok(Self { extractor, store, graph: RwLock::new(graph), writer: Mutex::new(()) })
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

    /// Ingest documents one by one; each is stored whole or not at all. Store failures
    /// stop the run (documents before it stay stored); bad input is reported and skipped.
    /// The store is flushed after every `flush_every` stored documents and at the end;
    /// `on_acknowledged` then gets the ids made durable by that flush.
    pub fn ingest_with(
        &self,
        raws: Vec<RawDocument>,
        flush_every: usize,
        mut on_document: impl FnMut(),
        mut on_acknowledged: impl FnMut(&[String]),
    ) -> Result<IngestReport, StoreError> {
        let mut report = IngestReport::default();
        let mut acknowledged = 0;
        let mut flush = |report: &IngestReport, acknowledged: &mut usize| -> Result<(), StoreError> {
            self.store.flush()?;
            on_acknowledged(&report.stored[*acknowledged..]);
            *acknowledged = report.stored.len();
            Ok(())
        };
        for raw in raws {
            let result = self.ingest_one(raw, &mut report);
            on_document();
            if let Err(e) = result {
                flush(&report, &mut acknowledged)?;
                return Err(e);
            }
            if report.stored.len() - acknowledged >= flush_every.max(1) {
                flush(&report, &mut acknowledged)?;
            }
        }
        flush(&report, &mut acknowledged)?;
        Ok(report)
    }

    /// `ingest_with`, flushing once at the end.
    pub fn ingest(&self, raws: Vec<RawDocument>, on_document: impl FnMut()) -> Result<IngestReport, StoreError> {
        self.ingest_with(raws, usize::MAX, on_document, |_| {})
    }

    fn ingest_one(&self, raw: RawDocument, report: &mut IngestReport) -> Result<(), StoreError> {
        let document = match ingest::prepare(raw) {
            Ok(d) => d,
            Err(e) => {
                report.problems.push(e.to_string());
                return Ok(());
            }
        };
        if self.store.contains_document(&document.id)? {
            report.unchanged.push(document.id);
            return Ok(());
        }
        if let Some(xid) = &document.external_id {
            if let Some(other) = self.store.document_for_external_id(xid)? {
                report.problems.push(format!(
                    "{}: id {xid:?} is already stored for a different text (document {other}); give the new text another id",
                    document.source.as_deref().unwrap_or("input")
                ));
                return Ok(());
            }
        }
        let extraction = self.extractor.extract(&document.text);
        let _writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let resolved = resolve::resolve(document, extraction, &self.store);
        let id = resolved.document.id.clone();
        let outcome = self.store.commit(&resolved)?;
        if outcome.stored {
            report.entities_touched += outcome.entities.len();
            report.relations_touched += outcome.relations.len();
            self.graph.write().unwrap_or_else(|p| p.into_inner()).apply(outcome);
            report.stored.push(id);
        } else {
            report.unchanged.push(id);
        }
        Ok(())
    }
}

/// Problems found while reading input, as messages.
pub fn describe(problems: &[IngestError]) -> Vec<String> {
    problems.iter().map(ToString::to_string).collect()
}
