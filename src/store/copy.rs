//! `copy`: everything one store holds, written into another, empty store of either
//! backend. It reads through the store's scans and writes `Change`s in bulk units, so it
//! knows no backend's layout: what a backend can hold is what `Change` can say.
//!
//! Not copied: PostgreSQL's `changes` log (replicas of the target start from what they
//! load) and a backend's own bookkeeping (schema version, write probe).

use super::change::Change;
use super::{Scan, Store, StoreCounts, StoreError};
use std::collections::BTreeSet;

/// Most changes written into the target as one atomic unit.
const UNIT: usize = 1000;

#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    #[error(
        "the target already holds a store ({documents} documents, {entities} entities, {curations} curations); \
         copy into a new folder or an empty database"
    )]
    TargetNotEmpty { documents: u64, entities: u64, curations: u64 },
    #[error(
        "the copy holds {copied:?} but the source {original:?}; did the source change during the copy? \
         copy again into an empty target"
    )]
    Incomplete { original: StoreCounts, copied: StoreCounts },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What was copied, and what `check` says of the target.
#[derive(Debug, Clone)]
pub struct CopyReport {
    /// The target's counts after the copy (equal to the source's).
    pub counts: StoreCounts,
    pub curations: u64,
    /// Records written, index entries included.
    pub written: u64,
    /// `Store::check` of the target: empty when it is sound.
    pub problems: Vec<String>,
}

/// One scan of the source, as the changes that write it into the target.
struct Phase {
    scan: fn(&Store) -> Scan<Change>,
    /// Whether its records are among `StoreCounts` (the progress `copy` reports).
    counted: bool,
}

fn each<T: 'static>(scan: Scan<T>, change: fn(T) -> Change) -> Scan<Change> {
    Box::new(scan.map(move |r| r.map(change)))
}

/// A document, the source id leading to it, and the speakers it quotes (an index).
fn document_changes(store: &Store) -> Scan<Change> {
    Box::new(store.documents().flat_map(|d| {
        let d = match d {
            Ok(d) => d,
            Err(e) => return vec![Err(e)],
        };
        let mut out = Vec::new();
        if let Some(xid) = &d.document.external_id {
            out.push(Change::PutExternalId { external_id: xid.clone(), document: d.document.id.clone() });
        }
        let speakers: BTreeSet<&String> = d.quotes.iter().filter_map(|q| q.speaker.as_ref()).collect();
        for speaker in speakers {
            out.push(Change::PutQuoteRef { speaker: speaker.clone(), document: d.document.id.clone() });
        }
        out.push(Change::PutDocument(d));
        out.into_iter().map(Ok).collect()
    }))
}

fn curation_count(store: &Store) -> Result<u64, StoreError> {
    store.curations().try_fold(0, |n, c| c.map(|_| n + 1))
}

const PHASES: &[Phase] = &[
    Phase { scan: document_changes, counted: true },
    Phase { scan: |s| each(s.entities(), Change::PutEntity), counted: true },
    Phase { scan: |s| each(s.names(), |(folded, entity)| Change::PutName { folded, entity }), counted: false },
    Phase { scan: |s| each(s.parts(), |(folded, entity)| Change::PutPart { folded, entity }), counted: false },
    Phase { scan: |s| each(s.wikidata_links(), |(qid, entity)| Change::PutWikidata { qid, entity }), counted: false },
    Phase { scan: |s| each(s.relations(), Change::PutRelation), counted: true },
    Phase {
        scan: |s| each(s.numbered_evidence(), |(relation, n, evidence)| Change::PutEvidence { relation, n, evidence }),
        counted: true,
    },
    Phase { scan: |s| each(s.numbered_mentions(), |(n, mention)| Change::PutMention { n, mention }), counted: true },
    Phase { scan: |s| each(s.curations(), Change::PutCuration), counted: false },
    Phase { scan: |s| each(s.merges(), |(from, into)| Change::PutMerged { from, into }), counted: false },
    Phase {
        scan: |s| each(s.splits(), |(entity, folded, into)| Change::PutSplit { entity, folded, into }),
        counted: false,
    },
    Phase { scan: |s| each(s.deleted(), |(document, seq)| Change::PutDeleted { document, seq }), counted: false },
];

/// Copy everything `from` holds into `to`, which must be empty, in units of at most
/// `UNIT` changes; `on_progress` gets the number of documents, entities, relations,
/// evidence records and mentions written by each unit (they add up to the source's
/// `counts`). Then checks the target (`CopyReport::problems`).
pub fn copy(from: &Store, to: &Store, mut on_progress: impl FnMut(u64)) -> Result<CopyReport, CopyError> {
    let target = to.counts()?;
    let target_curations = curation_count(to)?;
    if target != StoreCounts::default() || target_curations > 0 {
        return Err(CopyError::TargetNotEmpty {
            documents: target.documents,
            entities: target.entities,
            curations: target_curations,
        });
    }
    let source = from.counts()?;
    let mut written = 0u64;
    for phase in PHASES {
        let mut unit = Vec::with_capacity(UNIT);
        let mut counted = 0u64;
        let mut write = |unit: &mut Vec<Change>, counted: &mut u64| -> Result<(), StoreError> {
            written += unit.len() as u64;
            to.load(std::mem::take(unit))?;
            on_progress(std::mem::take(counted));
            Ok(())
        };
        for change in (phase.scan)(from) {
            let change = change?;
            // The index entries a document brings come with it, not as records of their own.
            if phase.counted && !matches!(change, Change::PutExternalId { .. } | Change::PutQuoteRef { .. }) {
                counted += 1;
            }
            unit.push(change);
            if unit.len() >= UNIT {
                write(&mut unit, &mut counted)?;
            }
        }
        if !unit.is_empty() {
            write(&mut unit, &mut counted)?;
        }
    }
    to.flush()?;
    let copied = to.counts()?;
    if copied != source {
        return Err(CopyError::Incomplete { original: source, copied });
    }
    let curations = curation_count(to)?;
    Ok(CopyReport { counts: copied, curations, written, problems: to.check()? })
}
