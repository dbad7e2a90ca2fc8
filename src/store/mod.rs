//! Stage 4: the persistent store, behind one interface for every backend.
//!
//! `Store` is the seam: an enum of backends (`sled`: an embedded folder, the default;
//! `postgres`: a shared database) whose methods speak model types only. What a commit or
//! a curation writes is decided once, over the reads in `Records`, as a list of
//! `Change`s (`commit.rs`, `curate.rs`); a backend reads records and applies a list of
//! changes as one atomic unit. `check` is written once over the scans, and so is
//! `copy` (`copy.rs`: a whole store into an empty one, as `Change`s). `follow.rs` reads a
//! shared store's change log for replicas: what other processes committed and curated.
//!
//! Invariants: a document and everything derived from it land in one atomic unit, or
//! not at all; committing a document already stored changes nothing; a curation lands
//! with its event in the same unit. Every method returns `Result`: a read error is never
//! taken for "not found" (resolution would then create a duplicate entity). Nothing
//! outside this module names a backend's types.

mod change;
mod commit;
mod copy;
mod curate;
mod follow;
mod postgres;
mod sled;

pub use copy::{copy, CopyError, CopyReport};
pub use curate::{CurateError, CurationOutcome};
pub use follow::{ChangeCursor, ChangeSignal, ChangedIds, FollowedChange};

use change::Change;

use crate::model::{
    fold, CurationEvent, DocumentRecord, EntityRecord, Evidence, RelationRecord, ResolvedDocument, StoredMention,
    StoredQuote,
};
use crate::resolve::{KnownEntities, KnownEntity};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::Arc;

use self::postgres::PgStore;
use self::sled::SledStore;

/// Bumped whenever the on-disk layout or a record's encoding changes (6: ids in sled keys
/// in binary, fields a key holds no longer repeated in its value).
pub const SCHEMA_VERSION: u32 = 6;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the store at {path} is in use by another kennisgraaf process; stop it or use another --store")]
    Locked { path: String },
    #[error("cannot open the store at {path}: {reason}")]
    Open { path: String, reason: String },
    #[error("the store at {path} has schema version {found}, this build reads version {SCHEMA_VERSION}; {}", schema_advice(*found))]
    Schema { path: String, found: u32 },
    #[error("store I/O failed: {0}")]
    Io(String),
    #[error("the store cannot be written right now ({reason}); free disk space or fix the disk, then try again (no restart is needed)")]
    Unavailable { reason: String },
    #[error("store record {key} is corrupt ({reason}); run `kennisgraaf check` or restore a backup")]
    Corrupt { key: String, reason: String },
    /// A transaction lost to a concurrent writer (PostgreSQL); it is retried.
    #[error("another writer changed the same records at the same time ({0}); try again")]
    Conflict(String),
}

/// What to do with a sled store of another schema version than this build's.
fn schema_advice(found: u32) -> &'static str {
    if found > SCHEMA_VERSION {
        "it was written by a newer kennisgraaf: use that build"
    } else {
        "it was written by an older kennisgraaf, whose layout this build does not read: ingest the documents \
         again into a new store (`kennisgraaf --store NEW ingest …`; curations: `curation log` with the older build, then `curation replay`), \
         or keep using the older build on it"
    }
}

impl StoreError {
    /// A transaction lost to a concurrent writer: running it again may succeed.
    pub fn is_conflict(&self) -> bool {
        matches!(self, StoreError::Conflict(_))
    }
}

/// Where a mention, an evidence record or a quote is kept: its document and its number
/// there, which global ids (`api::node`) are made of.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Place {
    pub document: String,
    pub n: u32,
}

/// The records of one entity's mentions or one relation's evidence, each with its place,
/// in the order the backends keep them: by document, then in the order of the text.
pub type Numbered<T> = Arc<[(Place, T)]>;

/// Records in scan order, each with its place: its document and its number among the
/// records of that document.
fn numbered<T>(
    records: impl IntoIterator<Item = Result<T, StoreError>>,
    document: impl Fn(&T) -> &String,
) -> Result<Vec<(Place, T)>, StoreError> {
    let mut out: Vec<(Place, T)> = Vec::new();
    for record in records {
        let record = record?;
        let doc = document(&record).clone();
        let n = match out.last() {
            Some((last, _)) if last.document == doc => last.n + 1,
            _ => 0,
        };
        out.push((Place { document: doc, n }, record));
    }
    Ok(out)
}

/// Where a store is: a folder (sled) or a PostgreSQL URL, as `--store` gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreLocation {
    Folder(std::path::PathBuf),
    Postgres(String),
}

impl StoreLocation {
    /// `postgres://…` or `postgresql://…` is a database; anything else a folder.
    pub fn parse(text: &str) -> Self {
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            StoreLocation::Postgres(text.to_string())
        } else {
            StoreLocation::Folder(text.into())
        }
    }
}

impl std::fmt::Display for StoreLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreLocation::Folder(path) => write!(f, "{}", path.display()),
            StoreLocation::Postgres(url) => f.write_str(&postgres::shown(url)),
        }
    }
}

/// What a commit changed, for the in-memory graph to apply.
#[derive(Debug, Default, Clone)]
pub struct CommitOutcome {
    /// False when the document was already stored (nothing changed).
    pub stored: bool,
    pub entities: Vec<EntityRecord>,
    pub relations: Vec<RelationRecord>,
    /// Its number in the store's change log (a store that has one: PostgreSQL).
    pub logged: Option<u64>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StoreCounts {
    pub documents: u64,
    pub entities: u64,
    pub relations: u64,
    pub mentions: u64,
    pub evidence: u64,
}

/// The reads that commit and curation plans, resolution and `current_id` are written
/// over. A backend answers them from what it holds, inside the unit the plan is applied
/// in.
pub(crate) trait Records {
    fn entity(&self, id: &str) -> Result<Option<EntityRecord>, StoreError>;
    /// `entity`, kept from other writers until the unit ends (PostgreSQL: a row lock).
    fn entity_for_update(&self, id: &str) -> Result<Option<EntityRecord>, StoreError> {
        self.entity(id)
    }
    fn relation(&self, id: &str) -> Result<Option<RelationRecord>, StoreError>;
    /// `relation`, kept from other writers until the unit ends (PostgreSQL: a row lock).
    fn relation_for_update(&self, id: &str) -> Result<Option<RelationRecord>, StoreError> {
        self.relation(id)
    }
    fn document(&self, id: &str) -> Result<Option<DocumentRecord>, StoreError>;
    fn contains_document(&self, id: &str) -> Result<bool, StoreError>;
    /// Documents in which `entity` has mentions.
    fn documents_mentioning(&self, entity: &str) -> Result<BTreeSet<String>, StoreError>;
    /// `entity`'s mentions in `document`, with their numbers in the document.
    fn mentions_in(&self, entity: &str, document: &str) -> Result<Vec<(u32, StoredMention)>, StoreError>;
    /// `relation`'s evidence in `document`, with their numbers in the document.
    fn evidence_in(&self, relation: &str, document: &str) -> Result<Vec<(u32, Evidence)>, StoreError>;
    /// The entity linked to this Wikidata QID.
    fn wikidata_entity(&self, qid: &str) -> Result<Option<String>, StoreError>;
    /// Entities with a name that folds to `folded` (the name index).
    fn entities_named(&self, folded: &str) -> Result<Vec<String>, StoreError>;
    /// Entities with `folded` among the short forms of their names.
    fn entities_with_part(&self, folded: &str) -> Result<Vec<String>, StoreError>;
    fn merged_into(&self, id: &str) -> Result<Option<String>, StoreError>;
    fn split_off(&self, id: &str, folded: &str) -> Result<Option<String>, StoreError>;
    /// The curation event that deleted this document.
    fn deleted_by(&self, document: &str) -> Result<Option<u64>, StoreError>;
    fn document_for_external_id(&self, external_id: &str) -> Result<Option<String>, StoreError>;
    /// The number of the last curation event, 0 when there is none.
    fn last_curation(&self) -> Result<u64, StoreError>;
}

pub(crate) fn seen_range(first: &mut Option<String>, last: &mut Option<String>, date: Option<&str>) {
    if let Some(d) = date {
        if first.as_deref().is_none_or(|f| d < f) {
            *first = Some(d.to_string());
        }
        if last.as_deref().is_none_or(|l| d > l) {
            *last = Some(d.to_string());
        }
    }
}

/// Records read one by one from a backend.
pub type Scan<T> = Box<dyn Iterator<Item = Result<T, StoreError>>>;

/// The store: one of the backends.
pub enum Store {
    /// An embedded store in one folder (the default).
    Sled(SledStore),
    /// Tables in a PostgreSQL database, shared by any number of processes.
    Postgres(Box<PgStore>),
}

/// A scan read whole from a backend that answers in one query.
fn listed<T: 'static>(records: Result<Vec<T>, StoreError>) -> Scan<T> {
    match records {
        Ok(list) => Box::new(list.into_iter().map(Ok)),
        Err(e) => Box::new(std::iter::once(Err(e))),
    }
}

impl Store {
    /// Open (or create) the sled store in the folder `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        Ok(Store::Sled(SledStore::open(path)?))
    }

    /// Open the store at `location`. A sled folder is created when missing; tables
    /// missing from a database are created when `create`, else such a database is
    /// refused (a command that only reads must not make an empty store).
    pub fn open_at(location: &StoreLocation, create: bool) -> Result<Self, StoreError> {
        match location {
            StoreLocation::Folder(path) => Store::open(path),
            StoreLocation::Postgres(url) => Ok(Store::Postgres(Box::new(PgStore::open(url, create)?))),
        }
    }

    /// `read` over the backend's records, outside any transaction.
    fn read<T>(&self, read: impl FnOnce(&dyn Records) -> Result<T, StoreError>) -> Result<T, StoreError> {
        match self {
            Store::Sled(s) => read(s),
            Store::Postgres(p) => read(&p.reader()?),
        }
    }

    /// Connect again (PostgreSQL) or close and open again (sled: after a failed write
    /// sled refuses every later write, even once the disk has room). Calls made meanwhile
    /// get `StoreError::Unavailable`.
    pub fn reopen(&self) -> Result<(), StoreError> {
        match self {
            Store::Sled(s) => s.reopen(),
            Store::Postgres(p) => p.reopen(),
        }
    }

    /// Write one small record durably: whether the store takes writes (again).
    pub fn write_probe(&self) -> Result<(), StoreError> {
        match self {
            Store::Sled(s) => s.write_probe(),
            Store::Postgres(p) => p.write_probe(),
        }
    }

    /// Make every commit so far durable.
    pub fn flush(&self) -> Result<(), StoreError> {
        match self {
            Store::Sled(s) => s.flush(),
            // Committed is durable.
            Store::Postgres(_) => Ok(()),
        }
    }

    pub fn is_empty(&self) -> Result<bool, StoreError> {
        match self {
            Store::Sled(s) => s.is_empty(),
            Store::Postgres(p) => p.is_empty(),
        }
    }

    pub fn contains_document(&self, id: &str) -> Result<bool, StoreError> {
        self.read(|r| r.contains_document(id))
    }

    /// Store a document with everything extracted from it, in one atomic unit; a document
    /// already stored changes nothing (`CommitOutcome::stored` false).
    pub fn commit(&self, doc: &ResolvedDocument) -> Result<CommitOutcome, StoreError> {
        match self {
            Store::Sled(s) => match commit::plan(s, doc)? {
                None => Ok(CommitOutcome::default()),
                Some((changes, outcome)) => {
                    s.apply(changes)?;
                    Ok(outcome)
                }
            },
            Store::Postgres(p) => p.in_transaction(
                |tx| match commit::plan(tx, doc)? {
                    None => Ok(CommitOutcome::default()),
                    Some((changes, mut outcome)) => {
                        tx.apply(changes)?;
                        let ids = follow::LoggedIds::of_commit(&outcome);
                        outcome.logged = Some(tx.log_change(follow::LoggedKind::Commit, &doc.document.id, &ids)?);
                        Ok(outcome)
                    }
                },
                StoreError::is_conflict,
            ),
        }
    }

    /// Apply one curation and store it as the next event, atomically and durably.
    pub fn curate(
        &self,
        curation: crate::model::Curation,
        reason: &str,
        at: String,
    ) -> Result<CurationOutcome, CurateError> {
        match self {
            Store::Sled(s) => {
                let (changes, outcome) = curate::plan(s, curation, reason, at)?;
                s.apply(changes)?;
                s.flush()?;
                Ok(outcome)
            }
            Store::Postgres(p) => p.in_transaction(
                |tx| {
                    let (changes, mut outcome) = curate::plan(tx, curation.clone(), reason, at.clone())?;
                    tx.apply(changes)?;
                    let ids = follow::LoggedIds::of_curation(&outcome);
                    let subject = outcome.event.seq.to_string();
                    outcome.logged = Some(tx.log_change(follow::LoggedKind::Curation, &subject, &ids)?);
                    Ok(outcome)
                },
                |e| matches!(e, CurateError::Store(e) if e.is_conflict()),
            ),
        }
    }

    /// Where the change log ends now, for a graph about to be loaded to follow it from
    /// there (`changes_since`); None when the store has no change log (sled: one process
    /// holds it, and its changes are all local).
    pub fn change_cursor(&self) -> Result<Option<ChangeCursor>, StoreError> {
        match self {
            Store::Sled(_) => Ok(None),
            Store::Postgres(p) => Ok(Some(ChangeCursor::after(&p.recent_changes(follow::LOOK_BACK)?))),
        }
    }

    /// Wait until another process may have logged a change (PostgreSQL: `NOTIFY` on
    /// commit) or `timeout` passes; where nothing notifies (sled, CockroachDB) this waits
    /// `timeout`. A follower calls `changes_since` after it either way.
    pub fn wait_for_change(&self, timeout: std::time::Duration) -> ChangeSignal {
        match self {
            Store::Sled(_) => {
                std::thread::sleep(timeout);
                ChangeSignal::TimedOut
            }
            Store::Postgres(p) => p.wait_for_change(timeout),
        }
    }

    /// The changes logged after `cursor` that it has not seen (other processes', or this
    /// one's not marked seen), oldest first, with the records they name as they are now;
    /// moves the cursor past them.
    pub fn changes_since(&self, cursor: &mut ChangeCursor) -> Result<Vec<FollowedChange>, StoreError> {
        let Store::Postgres(p) = self else { return Ok(Vec::new()) };
        cursor.settle();
        let logged = p.changes_after(cursor.floor, &cursor.seen_numbers(), follow::READ_AT_MOST)?;
        let mut out = Vec::with_capacity(logged.len());
        for change in logged {
            let seq = change.seq;
            out.push(follow::followed(change, |id| self.read(|r| r.entity(id)), |id| self.read(|r| r.relation(id)))?);
            cursor.mark_seen(seq);
        }
        Ok(out)
    }

    /// The document stored under a source's own id (JSONL `id`), if any.
    pub fn document_for_external_id(&self, external_id: &str) -> Result<Option<String>, StoreError> {
        self.read(|r| r.document_for_external_id(external_id))
    }

    /// The curation event that deleted this document, if one did.
    pub fn deleted_by(&self, document: &str) -> Result<Option<u64>, StoreError> {
        self.read(|r| r.deleted_by(document))
    }

    /// The id an entity answers as now: itself, or where merges took it.
    pub fn current_id(&self, id: &str) -> Result<String, StoreError> {
        self.read(|r| curate::current_id(r, id))
    }

    /// A document record, shared: sled decodes each once and keeps it (`sled::cache`).
    pub fn document(&self, id: &str) -> Result<Option<Arc<DocumentRecord>>, StoreError> {
        match self {
            Store::Sled(s) => s.shared_document(id),
            Store::Postgres(_) => Ok(self.read(|r| r.document(id))?.map(Arc::new)),
        }
    }

    pub fn documents(&self) -> Scan<DocumentRecord> {
        match self {
            Store::Sled(s) => Box::new(s.documents()),
            Store::Postgres(p) => listed(p.documents()),
        }
    }

    pub fn entities(&self) -> Scan<EntityRecord> {
        match self {
            Store::Sled(s) => Box::new(s.entities()),
            Store::Postgres(p) => listed(p.entities()),
        }
    }

    pub fn relations(&self) -> Scan<RelationRecord> {
        match self {
            Store::Sled(s) => Box::new(s.relations()),
            Store::Postgres(p) => listed(p.relations()),
        }
    }

    /// Mentions of `entity`, by document.
    pub fn mentions_of(&self, entity: &str) -> Scan<StoredMention> {
        match self {
            Store::Sled(s) => Box::new(s.mentions_of(entity)),
            Store::Postgres(p) => listed(p.mentions_of(entity)),
        }
    }

    /// Evidence of `relation`, by document.
    pub fn evidence_of(&self, relation: &str) -> Scan<Evidence> {
        match self {
            Store::Sled(s) => Box::new(s.evidence_of(relation)),
            Store::Postgres(p) => listed(p.evidence_of(relation)),
        }
    }

    /// Every curation made, in order.
    pub fn curations(&self) -> Scan<CurationEvent> {
        match self {
            Store::Sled(s) => Box::new(s.curations()),
            Store::Postgres(p) => listed(p.curations()),
        }
    }

    /// `(old id, id it was merged into)` for every merge.
    pub fn merges(&self) -> Scan<(String, String)> {
        match self {
            Store::Sled(s) => Box::new(s.merges()),
            Store::Postgres(p) => listed(p.merges()),
        }
    }

    fn mentions(&self) -> Scan<StoredMention> {
        Box::new(self.numbered_mentions().map(|m| m.map(|(_, m)| m)))
    }

    /// The name index as `(folded name, entity)` pairs.
    fn names(&self) -> Scan<(String, String)> {
        match self {
            Store::Sled(s) => Box::new(s.names()),
            Store::Postgres(p) => listed(p.names()),
        }
    }

    /// Mentions with their numbers in their documents.
    fn numbered_mentions(&self) -> Scan<(u32, StoredMention)> {
        match self {
            Store::Sled(s) => Box::new(s.numbered_mentions()),
            Store::Postgres(p) => listed(p.numbered_mentions()),
        }
    }

    /// Evidence with its relation and its number in its document.
    fn numbered_evidence(&self) -> Scan<(String, u32, Evidence)> {
        match self {
            Store::Sled(s) => Box::new(s.numbered_evidence()),
            Store::Postgres(p) => listed(p.numbered_evidence()),
        }
    }

    /// The short-form index as `(folded short form, entity)` pairs.
    fn parts(&self) -> Scan<(String, String)> {
        match self {
            Store::Sled(s) => Box::new(s.parts()),
            Store::Postgres(p) => listed(p.parts()),
        }
    }

    /// `(QID, entity)` for every Wikidata link.
    fn wikidata_links(&self) -> Scan<(String, String)> {
        match self {
            Store::Sled(s) => Box::new(s.wikidata_links()),
            Store::Postgres(p) => listed(p.wikidata_links()),
        }
    }

    /// `(entity, folded alias, entity split off into)` for every split alias.
    fn splits(&self) -> Scan<(String, String, String)> {
        match self {
            Store::Sled(s) => Box::new(s.splits()),
            Store::Postgres(p) => listed(p.splits()),
        }
    }

    /// `(document, curation event that deleted it)` for every deleted document.
    fn deleted(&self) -> Scan<(String, u64)> {
        match self {
            Store::Sled(s) => Box::new(s.deleted()),
            Store::Postgres(p) => listed(p.deleted()),
        }
    }

    /// Write `changes` as one atomic unit, outside commit and curation (`copy`).
    fn load(&self, changes: Vec<Change>) -> Result<(), StoreError> {
        match self {
            Store::Sled(s) => s.apply(changes),
            Store::Postgres(p) => p.in_transaction(|tx| tx.apply(changes.clone()), StoreError::is_conflict),
        }
    }

    fn has_name(&self, folded: &str, entity: &str) -> Result<bool, StoreError> {
        match self {
            Store::Sled(s) => s.has_name(folded, entity),
            Store::Postgres(p) => p.has_name(folded, entity),
        }
    }

    /// Quotes whose speaker is `entity`, in document order, with their places (the
    /// place's `n` is the quote's index in `DocumentRecord::quotes`).
    pub fn quotes_of(&self, entity: &str) -> Result<Vec<(Place, StoredQuote)>, StoreError> {
        let documents = match self {
            Store::Sled(s) => s.documents_quoting(entity)?,
            Store::Postgres(p) => p.documents_quoting(entity)?,
        };
        let mut out = Vec::new();
        for id in documents {
            if let Some(d) = self.document(&id)? {
                out.extend(
                    d.quotes
                        .iter()
                        .enumerate()
                        .filter(|(_, q)| q.speaker.as_deref() == Some(entity))
                        .map(|(n, q)| (Place { document: id.clone(), n: n as u32 }, q.clone())),
                );
            }
        }
        Ok(out)
    }

    /// The mentions of `entity` with their places, in the order `mentions_of` gives them
    /// (by document, then in document order); a place's `n` counts the entity's mentions
    /// in that document. Sled reads them once and keeps them until a write touches them.
    pub fn mentions_placed(&self, entity: &str) -> Result<Numbered<StoredMention>, StoreError> {
        match self {
            Store::Sled(s) => s.mentions_placed(entity),
            Store::Postgres(_) => Ok(numbered(self.mentions_of(entity), |m| &m.document)?.into()),
        }
    }

    /// The mention of `entity` at `place`, if there is one.
    pub fn mention(&self, entity: &str, place: &Place) -> Result<Option<StoredMention>, StoreError> {
        Ok(self.mentions_placed(entity)?.iter().find(|(p, _)| p == place).map(|(_, m)| m.clone()))
    }

    /// The mentions in `document` of each of `entities`, with their places, in text order.
    pub fn mentions_in(&self, document: &str, entities: &[String]) -> Result<Vec<(Place, StoredMention)>, StoreError> {
        let mut out = Vec::new();
        for entity in entities {
            let here = self.read(|r| r.mentions_in(entity, document))?;
            out.extend(
                here.into_iter()
                    .enumerate()
                    .map(|(n, (_, m))| (Place { document: document.to_string(), n: n as u32 }, m)),
            );
        }
        out.sort_by_key(|(_, m)| (m.span.start, m.span.end));
        Ok(out)
    }

    /// The evidence records of `relation` with their places (see `mentions_placed`).
    pub fn evidence_placed(&self, relation: &str) -> Result<Numbered<Evidence>, StoreError> {
        match self {
            Store::Sled(s) => s.evidence_placed(relation),
            Store::Postgres(_) => Ok(numbered(self.evidence_of(relation), |e| &e.document)?.into()),
        }
    }

    /// The evidence record of `relation` at `place`, if there is one.
    pub fn evidence(&self, relation: &str, place: &Place) -> Result<Option<Evidence>, StoreError> {
        Ok(self.evidence_placed(relation)?.iter().find(|(p, _)| p == place).map(|(_, e)| e.clone()))
    }

    pub fn counts(&self) -> Result<StoreCounts, StoreError> {
        let [documents, entities, relations, mentions, evidence] = match self {
            Store::Sled(s) => s.count()?,
            Store::Postgres(p) => p.count()?,
        };
        Ok(StoreCounts { documents, entities, relations, mentions, evidence })
    }

    /// Verify that the records agree: every mention's entity and document exist, every
    /// relation's endpoints exist and its weight equals its evidence, the name index and
    /// the entities' aliases match, documents' counts match their mentions. Returns the
    /// problems found (empty when the store is sound). Reads every record.
    pub fn check(&self) -> Result<Vec<String>, StoreError> {
        self.check_records(true)
    }

    /// The part of `check` that reads only what serving loads anyway or looks up for every
    /// ingested name: entities, relations and their endpoints, the name index. Leaves out
    /// documents, mentions and evidence (nearly all of a big store).
    pub fn check_quick(&self) -> Result<Vec<String>, StoreError> {
        self.check_records(false)
    }

    fn check_records(&self, everything: bool) -> Result<Vec<String>, StoreError> {
        let mut problems = Vec::new();
        let mut entities: HashMap<String, EntityRecord> = HashMap::new();
        for e in self.entities() {
            let e = e?;
            entities.insert(e.id.clone(), e);
        }
        let mut documents: HashMap<String, DocumentRecord> = HashMap::new();
        if everything {
            for d in self.documents() {
                let d = d?;
                documents.insert(d.document.id.clone(), d);
            }
            self.check_mentions(&entities, &documents, &mut problems)?;
        }
        for r in self.relations() {
            let r = r?;
            for end in [&r.source, &r.target] {
                if !entities.contains_key(end) {
                    problems.push(format!("relation {} names missing entity {end}", r.id));
                }
            }
            if !everything {
                continue;
            }
            let mut evidence = 0u64;
            for ev in self.evidence_of(&r.id) {
                let ev = ev?;
                evidence += 1;
                if !documents.contains_key(&ev.document) {
                    problems.push(format!("evidence of relation {} names missing document {}", r.id, ev.document));
                }
            }
            if evidence == 0 || evidence != r.weight {
                problems.push(format!("relation {} has weight {} but {evidence} evidence records", r.id, r.weight));
            }
        }
        for pair in self.names() {
            let (folded, id) = match pair {
                Ok(pair) => pair,
                Err(StoreError::Corrupt { key, .. }) => {
                    problems.push(format!("malformed name index key {key}"));
                    continue;
                }
                Err(e) => return Err(e),
            };
            match entities.get(&id) {
                None => problems.push(format!("name index {folded:?} points at missing entity {id}")),
                Some(e) if !e.names().any(|a| fold(a) == folded) => {
                    problems.push(format!("name index {folded:?} points at entity {id}, which has no such name"))
                }
                Some(_) => {}
            }
        }
        for e in entities.values() {
            for alias in e.aliases.keys() {
                if !self.has_name(&fold(alias), &e.id)? {
                    problems.push(format!("alias {alias:?} of entity {} is missing from the name index", e.id));
                }
            }
        }
        Ok(problems)
    }

    /// Every mention's entity and document exist; documents' mention counts match.
    fn check_mentions(
        &self,
        entities: &HashMap<String, EntityRecord>,
        documents: &HashMap<String, DocumentRecord>,
        problems: &mut Vec<String>,
    ) -> Result<(), StoreError> {
        let mut mentions_per_doc: HashMap<String, u64> = HashMap::new();
        for m in self.mentions() {
            let m = m?;
            if !entities.contains_key(&m.entity) {
                problems
                    .push(format!("mention {:?} in document {} names missing entity {}", m.text, m.document, m.entity));
            }
            if !documents.contains_key(&m.document) {
                problems.push(format!("mention {:?} names missing document {}", m.text, m.document));
            }
            *mentions_per_doc.entry(m.document).or_default() += 1;
        }
        for (id, d) in documents {
            let found = mentions_per_doc.get(id).copied().unwrap_or(0);
            if found != d.mention_count {
                problems
                    .push(format!("document {id} should have {} mentions, the store holds {found}", d.mention_count));
            }
            for e in d.entity_ids.iter().filter(|e| !entities.contains_key(*e)) {
                problems.push(format!("document {id} names missing entity {e}"));
            }
        }
        Ok(())
    }

    /// The stored entities with these ids, as resolution sees them.
    fn known(&self, ids: Vec<String>) -> Result<Vec<KnownEntity>, StoreError> {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(e) = self.read(|r| r.entity(&id))? {
                out.push(KnownEntity {
                    id,
                    entity_type: e.entity_type,
                    wikidata: e.wikidata.map(|w| w.id),
                    curated_type: e.curated.entity_type,
                });
            }
        }
        Ok(out)
    }
}

impl KnownEntities for Store {
    type Error = StoreError;

    fn by_wikidata(&self, qid: &str) -> Result<Option<String>, StoreError> {
        self.read(|r| r.wikidata_entity(qid))
    }

    fn by_folded_alias(&self, folded: &str) -> Result<Vec<KnownEntity>, StoreError> {
        self.known(self.read(|r| r.entities_named(folded))?)
    }

    fn by_name_part(&self, folded: &str) -> Result<Vec<KnownEntity>, StoreError> {
        self.known(self.read(|r| r.entities_with_part(folded))?)
    }

    fn merged_into(&self, id: &str) -> Result<Option<String>, StoreError> {
        self.read(|r| r.merged_into(id))
    }

    fn split_off(&self, id: &str, name: &str) -> Result<Option<String>, StoreError> {
        self.read(|r| r.split_off(id, &fold(name)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Document, EntityContribution, EntityType, RelationKind, Span, StoredRelation};

    fn resolved(text: &str) -> ResolvedDocument {
        let document = Document {
            id: crate::ingest::content_id(text),
            external_id: None,
            title: None,
            date: Some("2019-03".into()),
            source: None,
            language: "nl".into(),
            text: text.into(),
            ingested_at: 0,
        };
        let entity = |id: &str, name: &str| EntityContribution {
            id: id.into(),
            name: name.into(),
            entity_type: EntityType::Location,
            aliases: [(name.to_string(), 1)].into(),
            roles: vec![],
            mention_count: 1,
            wikidata: None,
        };
        let evidence = Evidence {
            document: document.id.clone(),
            sentence: 0,
            span: Span::new(0, 5),
            confidence: 0.3,
            extractor: crate::model::Rule::VerbClause,
        };
        ResolvedDocument {
            sentences: vec![Span::new(0, text.len())],
            entities: vec![entity("ea", "Rotterdam"), entity("eb", "Groningen")],
            mentions: vec![],
            relations: vec![StoredRelation {
                id: "r1".into(),
                source: "ea".into(),
                target: "eb".into(),
                kind: RelationKind::CoOccurs,
                predicate: String::new(),
                evidence,
            }],
            quotes: vec![],
            document,
        }
    }

    #[test]
    fn commits_are_idempotent_and_survive_reopening() {
        let dir = tempfile::tempdir().expect("tempdir");
        {
            let store = Store::open(dir.path()).expect("open");
            assert!(store.commit(&resolved("Rotterdam en Groningen.")).expect("commit").stored);
            assert!(!store.commit(&resolved("Rotterdam en Groningen.")).expect("commit").stored);
            store.commit(&resolved("Groningen en Rotterdam.")).expect("commit");
            store.flush().expect("flush");
        }
        let store = Store::open(dir.path()).expect("reopen");
        let counts = store.counts().expect("counts");
        assert_eq!((counts.documents, counts.entities, counts.relations, counts.evidence), (2, 2, 1, 2));
        let rel: Vec<RelationRecord> = store.relations().collect::<Result<_, _>>().expect("relations");
        assert_eq!(rel[0].weight, 2);
        assert_eq!(
            store.by_folded_alias("rotterdam").expect("lookup"),
            vec![KnownEntity {
                id: "ea".into(),
                entity_type: EntityType::Location,
                wikidata: None,
                curated_type: false
            }]
        );
        assert_eq!(store.by_wikidata("Q34370").expect("lookup"), None);
    }
}
