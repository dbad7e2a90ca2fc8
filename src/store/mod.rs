//! Stage 4: the persistent store. Only this module imports sled.
//!
//! Layout (one sled tree, keys prefixed by record kind, values postcard-encoded):
//! `meta:schema` → version; `doc:{id}` → `DocumentRecord`; `ent:{id}` → `EntityRecord`;
//! `name:{folded alias}\0{id}` → (); `rel:{id}` → `RelationRecord`;
//! `ev:{relation}\0{document}\0{n}` → `Evidence`; `men:{entity}\0{document}\0{n}` →
//! `StoredMention`; `qref:{speaker}\0{document}` → (); `xid:{external id}` → document id;
//! `wd:{QID}` → id of the entity linked to that Wikidata item.
//! Curation (see `curate.rs`): `cur:{seq}` → `CurationEvent`; `merged:{id}` → the id it
//! was merged into; `split:{id}\0{folded alias}` → the id the alias was split off into;
//! `deleted:{document}` → seq of the event that deleted it.
//!
//! Invariants: a document and everything derived from it land in one atomic sled batch,
//! or not at all; committing a document already stored changes nothing; callers
//! serialise commits (`Store::commit` takes `&mut self`-like exclusivity through the
//! pipeline's writer lock) so read-modify-write of aggregates is safe. A commit is
//! durable once `flush` returns. After a write fails (a full disk) sled refuses every
//! later write; `reopen` closes it and opens it again, and in between every call returns
//! `StoreError::Unavailable` instead of waiting.
//! `meta:probe` → time of the last `write_probe` (whether the disk takes writes again).

mod curate;

pub use curate::{CurateError, CurationOutcome};

use crate::model::{
    fold, short_forms, Document, EntityRecord, EntityType, Evidence, RelationRecord, ResolvedDocument, Span,
    StoredMention, StoredQuote,
};
use crate::resolve::{KnownEntities, KnownEntity};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::RwLock;

/// Bumped whenever the on-disk layout or a record's encoding changes.
pub const SCHEMA_VERSION: u32 = 5;
const SCHEMA_KEY: &[u8] = b"meta:schema";
const PROBE_KEY: &[u8] = b"meta:probe";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the store at {path} is in use by another kennisgraaf process; stop it or use another --store")]
    Locked { path: String },
    #[error("cannot open the store at {path}: {reason}")]
    Open { path: String, reason: String },
    #[error("the store at {path} has schema version {found}, this build reads version {SCHEMA_VERSION}; re-ingest into a new store")]
    Schema { path: String, found: u32 },
    #[error("store I/O failed: {0}")]
    Io(String),
    #[error("the store cannot be written right now ({reason}); free disk space or fix the disk, then try again (no restart is needed)")]
    Unavailable { reason: String },
    #[error("store record {key} is corrupt ({reason}); run `kennisgraaf check` or restore a backup")]
    Corrupt { key: String, reason: String },
}

impl From<sled::Error> for StoreError {
    fn from(e: sled::Error) -> Self {
        StoreError::Io(e.to_string())
    }
}

/// Where a mention, an evidence record or a quote is kept: its document and its number
/// there (mentions and evidence in extraction order, quotes in `DocumentRecord::quotes`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Place {
    pub document: String,
    pub n: u32,
}

/// The `n` of a place from the last part of its key (eight digits).
fn place_number(key: &[u8], digits: &[u8]) -> Result<u32, StoreError> {
    std::str::from_utf8(digits).ok().and_then(|d| d.parse().ok()).ok_or_else(|| corrupt_place(key))
}

fn corrupt_place(key: &[u8]) -> StoreError {
    StoreError::Corrupt { key: String::from_utf8_lossy(key).into_owned(), reason: "no document and number".into() }
}

/// A stored document with what was extracted from it (mentions and evidence are kept
/// under their entity and relation, found again through these id lists).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentRecord {
    pub document: Document,
    pub sentences: Vec<Span>,
    pub entity_ids: Vec<String>,
    pub relation_ids: Vec<String>,
    pub mention_count: u64,
    pub quotes: Vec<StoredQuote>,
}

/// What a commit changed, for the in-memory graph to apply.
#[derive(Debug, Default, Clone)]
pub struct CommitOutcome {
    /// False when the document was already stored (nothing changed).
    pub stored: bool,
    pub entities: Vec<EntityRecord>,
    pub relations: Vec<RelationRecord>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StoreCounts {
    pub documents: u64,
    pub entities: u64,
    pub relations: u64,
    pub mentions: u64,
    pub evidence: u64,
}

pub struct Store {
    path: PathBuf,
    /// None while `reopen` replaces it (or when reopening failed).
    db: RwLock<Option<sled::Db>>,
    /// Whether any curation was ever made: lets ingestion skip curation-rule lookups
    /// in the common case of an uncurated store.
    curated: std::sync::atomic::AtomicBool,
}

fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, StoreError> {
    postcard::to_stdvec(value).map_err(|e| StoreError::Io(format!("encoding failed: {e}")))
}

fn decode<T: DeserializeOwned>(key: &[u8], bytes: &[u8]) -> Result<T, StoreError> {
    postcard::from_bytes(bytes)
        .map_err(|e| StoreError::Corrupt { key: String::from_utf8_lossy(key).into_owned(), reason: e.to_string() })
}

fn key(parts: &[&str]) -> Vec<u8> {
    let mut k = Vec::with_capacity(64);
    for (i, p) in parts.iter().enumerate() {
        if i > 1 {
            k.push(0);
        }
        k.extend_from_slice(p.as_bytes());
    }
    k
}

fn seen_range(first: &mut Option<String>, last: &mut Option<String>, date: Option<&str>) {
    if let Some(d) = date {
        if first.as_deref().is_none_or(|f| d < f) {
            *first = Some(d.to_string());
        }
        if last.as_deref().is_none_or(|l| d > l) {
            *last = Some(d.to_string());
        }
    }
}

/// Open sled at `path` and check its schema version (writing it into a new store).
fn open_db(path: &Path) -> Result<sled::Db, StoreError> {
    let display = path.display().to_string();
    let config = sled::Config::new().path(path).flush_every_ms(Some(500));
    let is_locked = |e: &sled::Error| matches!(e, sled::Error::Io(io) if io.kind() == std::io::ErrorKind::WouldBlock || io.to_string().contains("lock"));
    // sled's background threads let go of a store's lock a moment after its last
    // handle is dropped (a store just closed in this process, or a process exiting):
    // wait up to a second for that before calling the store in use.
    let mut opened = config.open();
    for _ in 0..20 {
        match &opened {
            Err(e) if is_locked(e) => {
                std::thread::sleep(std::time::Duration::from_millis(50));
                opened = config.open();
            }
            _ => break,
        }
    }
    let db = opened.map_err(|e| match e {
        e if is_locked(&e) => StoreError::Locked { path: display.clone() },
        other => StoreError::Open { path: display.clone(), reason: other.to_string() },
    })?;
    match db.get(SCHEMA_KEY)? {
        Some(v) => {
            let found = v.as_ref().try_into().map(u32::from_le_bytes).unwrap_or(0);
            if found != SCHEMA_VERSION {
                return Err(StoreError::Schema { path: display, found });
            }
        }
        None if db.is_empty() => {
            db.insert(SCHEMA_KEY, &SCHEMA_VERSION.to_le_bytes())?;
            db.flush()?;
        }
        None => return Err(StoreError::Schema { path: display, found: 0 }),
    }
    Ok(db)
}

impl Store {
    /// Open (or create) the store at `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let db = open_db(path)?;
        let curated = db.scan_prefix(b"cur:").next().transpose()?.is_some();
        Ok(Self { path: path.to_path_buf(), db: RwLock::new(Some(db)), curated: curated.into() })
    }

    /// Close sled and open it again: after a failed write sled refuses every later write,
    /// even once the disk has room. Calls made meanwhile get `StoreError::Unavailable`;
    /// if opening fails the store stays unavailable until a later `reopen` succeeds.
    pub fn reopen(&self) -> Result<(), StoreError> {
        let old = self.db.write().unwrap_or_else(|p| p.into_inner()).take();
        // Its background threads and any reader's iterator let go of the lock soon after.
        drop(old);
        let db = open_db(&self.path)?;
        let curated = db.scan_prefix(b"cur:").next().transpose()?.is_some();
        self.curated.store(curated, std::sync::atomic::Ordering::Relaxed);
        *self.db.write().unwrap_or_else(|p| p.into_inner()) = Some(db);
        Ok(())
    }

    /// Write and flush one small record: whether the disk takes writes (again).
    pub fn write_probe(&self) -> Result<(), StoreError> {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let db = self.db()?;
        db.insert(PROBE_KEY, &now.to_le_bytes())?;
        db.flush()?;
        Ok(())
    }

    fn db(&self) -> Result<sled::Db, StoreError> {
        let db = self.db.read().unwrap_or_else(|p| p.into_inner()).clone();
        db.ok_or_else(|| StoreError::Unavailable { reason: "it is being reopened after a failed write".into() })
    }

    /// The records under a prefix, or the one error saying why the store cannot be read.
    fn scan_pairs(
        &self,
        prefix: &[u8],
    ) -> impl DoubleEndedIterator<Item = Result<(sled::IVec, sled::IVec), StoreError>> + use<> {
        let (records, unavailable) = match self.db() {
            Ok(db) => (Some(db.scan_prefix(prefix)), None),
            Err(e) => (None, Some(Err(e))),
        };
        unavailable.into_iter().chain(records.into_iter().flatten().map(|kv| kv.map_err(StoreError::from)))
    }

    /// Make every commit so far durable.
    pub fn flush(&self) -> Result<(), StoreError> {
        self.db()?.flush()?;
        Ok(())
    }

    fn get<T: DeserializeOwned>(&self, key: &[u8]) -> Result<Option<T>, StoreError> {
        self.db()?.get(key)?.map(|v| decode(key, &v)).transpose()
    }

    fn scan<T: DeserializeOwned>(&self, prefix: &[u8]) -> impl Iterator<Item = Result<T, StoreError>> + '_ {
        self.scan_pairs(prefix).map(|kv| {
            let (k, v) = kv?;
            decode(&k, &v)
        })
    }

    pub fn contains_document(&self, id: &str) -> Result<bool, StoreError> {
        Ok(self.db()?.contains_key(key(&["doc:", id]))?)
    }

    pub fn is_empty(&self) -> Result<bool, StoreError> {
        Ok(self.scan_pairs(b"doc:").next().transpose()?.is_none())
    }

    /// Store a document with everything extracted from it, in one atomic batch.
    pub fn commit(&self, doc: &ResolvedDocument) -> Result<CommitOutcome, StoreError> {
        let doc_id = doc.document.id.as_str();
        if self.contains_document(doc_id)? {
            return Ok(CommitOutcome::default());
        }
        let date = doc.document.date.as_deref();
        let mut batch = sled::Batch::default();
        let mut outcome = CommitOutcome { stored: true, ..Default::default() };

        for c in &doc.entities {
            let k = key(&["ent:", &c.id]);
            let mut e: EntityRecord =
                self.get(&k)?.unwrap_or_else(|| EntityRecord::new(c.id.clone(), c.name.clone(), c.entity_type));
            if let (None, Some(link)) = (&e.wikidata, &c.wikidata) {
                batch.insert(key(&["wd:", &link.id]), c.id.as_bytes());
                e.wikidata = Some(link.clone());
            }
            // Short forms of the names this entity did not have yet (the others are indexed).
            let new_names = c.aliases.keys().filter(|a| !e.aliases.contains_key(*a));
            let new_names: Vec<&String> = if e.aliases.is_empty() {
                new_names.chain(std::iter::once(&c.name)).collect()
            } else {
                new_names.collect()
            };
            for part in name_parts(c.entity_type, new_names.into_iter()) {
                batch.insert(key(&["part:", &part, &c.id]), &[]);
            }
            for (alias, n) in &c.aliases {
                if !e.aliases.contains_key(alias) {
                    batch.insert(key(&["name:", &fold(alias), &c.id]), &[]);
                }
                *e.aliases.entry(alias.clone()).or_default() += n;
            }
            if e.aliases.is_empty() {
                batch.insert(key(&["name:", &fold(&c.name), &c.id]), &[]);
            }
            e.vote_type(c.entity_type, c.mention_count.max(1));
            for r in &c.roles {
                *e.roles.entry(r.clone()).or_default() += 1;
            }
            // A person is best named by the longest form seen ("Ahmed Aboutaleb").
            if e.entity_type == EntityType::Person && c.name.len() > e.name.len() && !e.curated.name {
                e.name = c.name.clone();
            }
            e.mention_count += c.mention_count;
            e.document_count += 1;
            seen_range(&mut e.first_seen, &mut e.last_seen, date);
            batch.insert(k, encode(&e)?);
            outcome.entities.push(e);
        }

        let mut relations: BTreeMap<&str, RelationRecord> = BTreeMap::new();
        for (n, r) in doc.relations.iter().enumerate() {
            let rec = match relations.get_mut(r.id.as_str()) {
                Some(rec) => rec,
                None => {
                    let stored = self.get(&key(&["rel:", &r.id]))?.unwrap_or_else(|| RelationRecord {
                        id: r.id.clone(),
                        source: r.source.clone(),
                        target: r.target.clone(),
                        kind: r.kind,
                        predicate: r.predicate.clone(),
                        weight: 0,
                        confidence: 0.0,
                        first_seen: None,
                        last_seen: None,
                    });
                    relations.entry(r.id.as_str()).or_insert(stored)
                }
            };
            rec.weight += 1;
            rec.confidence = rec.confidence.max(r.evidence.confidence);
            seen_range(&mut rec.first_seen, &mut rec.last_seen, date);
            batch.insert(key(&["ev:", &r.id, doc_id, &format!("{n:08}")]), encode(&r.evidence)?);
        }
        for (id, rec) in &relations {
            batch.insert(key(&["rel:", id]), encode(rec)?);
        }
        outcome.relations = relations.into_values().collect();

        for (n, m) in doc.mentions.iter().enumerate() {
            batch.insert(key(&["men:", &m.entity, doc_id, &format!("{n:08}")]), encode(m)?);
        }
        for q in &doc.quotes {
            if let Some(s) = &q.speaker {
                batch.insert(key(&["qref:", s, doc_id]), &[]);
            }
        }
        let record = DocumentRecord {
            document: doc.document.clone(),
            sentences: doc.sentences.clone(),
            entity_ids: doc.entities.iter().map(|e| e.id.clone()).collect(),
            relation_ids: outcome.relations.iter().map(|r| r.id.clone()).collect(),
            mention_count: doc.mentions.len() as u64,
            quotes: doc.quotes.clone(),
        };
        if let Some(xid) = &doc.document.external_id {
            batch.insert(key(&["xid:", xid]), doc_id.as_bytes());
        }
        batch.insert(key(&["doc:", doc_id]), encode(&record)?);
        self.db()?.apply_batch(batch)?;
        Ok(outcome)
    }

    /// The document stored under a source's own id (JSONL `id`), if any.
    pub fn document_for_external_id(&self, external_id: &str) -> Result<Option<String>, StoreError> {
        Ok(self.db()?.get(key(&["xid:", external_id]))?.map(|v| String::from_utf8_lossy(&v).into_owned()))
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
        let mut entities: std::collections::HashMap<String, EntityRecord> = std::collections::HashMap::new();
        for e in self.entities() {
            let e = e?;
            entities.insert(e.id.clone(), e);
        }
        let mut documents: std::collections::HashMap<String, DocumentRecord> = std::collections::HashMap::new();
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
        for kv in self.scan_pairs(b"name:") {
            let (k, _) = kv?;
            let Some(sep) = k.iter().position(|&b| b == 0) else {
                problems.push(format!("malformed name index key {}", String::from_utf8_lossy(&k)));
                continue;
            };
            let (folded, id) = (String::from_utf8_lossy(&k[5..sep]), String::from_utf8_lossy(&k[sep + 1..]));
            match entities.get(id.as_ref()) {
                None => problems.push(format!("name index {folded:?} points at missing entity {id}")),
                Some(e) if !e.names().any(|a| fold(a) == folded) => {
                    problems.push(format!("name index {folded:?} points at entity {id}, which has no such name"))
                }
                Some(_) => {}
            }
        }
        let db = self.db()?;
        for e in entities.values() {
            for alias in e.aliases.keys() {
                if !db.contains_key(key(&["name:", &fold(alias), &e.id]))? {
                    problems.push(format!("alias {alias:?} of entity {} is missing from the name index", e.id));
                }
            }
        }
        Ok(problems)
    }

    /// Every mention's entity and document exist; documents' mention counts match.
    fn check_mentions(
        &self,
        entities: &std::collections::HashMap<String, EntityRecord>,
        documents: &std::collections::HashMap<String, DocumentRecord>,
        problems: &mut Vec<String>,
    ) -> Result<(), StoreError> {
        let mut mentions_per_doc: std::collections::HashMap<String, u64> = std::collections::HashMap::new();
        for m in self.scan::<StoredMention>(b"men:") {
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

    pub fn document(&self, id: &str) -> Result<Option<DocumentRecord>, StoreError> {
        self.get(&key(&["doc:", id]))
    }

    pub fn documents(&self) -> impl Iterator<Item = Result<DocumentRecord, StoreError>> + '_ {
        self.scan(b"doc:")
    }

    pub fn entities(&self) -> impl Iterator<Item = Result<EntityRecord, StoreError>> + '_ {
        self.scan(b"ent:")
    }

    pub fn relations(&self) -> impl Iterator<Item = Result<RelationRecord, StoreError>> + '_ {
        self.scan(b"rel:")
    }

    pub fn mentions_of(&self, entity: &str) -> impl Iterator<Item = Result<StoredMention, StoreError>> + '_ {
        let mut prefix = key(&["men:", entity]);
        prefix.push(0);
        self.scan(&prefix)
    }

    pub fn evidence_of(&self, relation: &str) -> impl Iterator<Item = Result<Evidence, StoreError>> + '_ {
        let mut prefix = key(&["ev:", relation]);
        prefix.push(0);
        self.scan(&prefix)
    }

    /// Where each mention of `entity` is kept, in key order (by document id, then in
    /// document order): read the keys only, so a page costs only its own records.
    pub fn mention_places(&self, entity: &str) -> Result<Vec<Place>, StoreError> {
        self.places(&["men:", entity])
    }

    /// The mention of `entity` at `place`, if there is one.
    pub fn mention(&self, entity: &str, place: &Place) -> Result<Option<StoredMention>, StoreError> {
        self.get(&key(&["men:", entity, &place.document, &format!("{:08}", place.n)]))
    }

    /// The mentions in one document of each of `entities`, with their places, in document order.
    pub fn mentions_in(&self, document: &str, entities: &[String]) -> Result<Vec<(Place, StoredMention)>, StoreError> {
        let mut out = Vec::new();
        for entity in entities {
            let mut prefix = key(&["men:", entity, document]);
            prefix.push(0);
            for kv in self.scan_pairs(&prefix) {
                let (k, v) = kv?;
                let n = place_number(&k, &k[prefix.len()..])?;
                out.push((Place { document: document.to_string(), n }, decode(&k, &v)?));
            }
        }
        out.sort_by_key(|(place, _)| place.n);
        Ok(out)
    }

    /// Where each evidence record of `relation` is kept, in key order (see `mention_places`).
    pub fn evidence_places(&self, relation: &str) -> Result<Vec<Place>, StoreError> {
        self.places(&["ev:", relation])
    }

    /// The evidence record of `relation` at `place`, if there is one.
    pub fn evidence(&self, relation: &str, place: &Place) -> Result<Option<Evidence>, StoreError> {
        self.get(&key(&["ev:", relation, &place.document, &format!("{:08}", place.n)]))
    }

    /// The places under `{parts}\0`: keys ending in `{document}\0{n:08}`.
    fn places(&self, parts: &[&str]) -> Result<Vec<Place>, StoreError> {
        let mut prefix = key(parts);
        prefix.push(0);
        let mut out = Vec::new();
        for kv in self.scan_pairs(&prefix) {
            let (k, _) = kv?;
            let tail = &k[prefix.len()..];
            let split = tail.iter().rposition(|&b| b == 0).ok_or_else(|| corrupt_place(&k))?;
            let document = String::from_utf8_lossy(&tail[..split]).into_owned();
            out.push(Place { document, n: place_number(&k, &tail[split + 1..])? });
        }
        Ok(out)
    }

    /// Quotes whose speaker is `entity`, in document order, with their places (the place's
    /// `n` is the quote's index in `DocumentRecord::quotes`).
    pub fn quotes_of(&self, entity: &str) -> Result<Vec<(Place, StoredQuote)>, StoreError> {
        let mut prefix = key(&["qref:", entity]);
        prefix.push(0);
        let mut out = Vec::new();
        for kv in self.scan_pairs(&prefix) {
            let (k, _) = kv?;
            let doc_id = String::from_utf8_lossy(&k[prefix.len()..]).into_owned();
            if let Some(d) = self.document(&doc_id)? {
                out.extend(
                    d.quotes
                        .into_iter()
                        .enumerate()
                        .filter(|(_, q)| q.speaker.as_deref() == Some(entity))
                        .map(|(n, q)| (Place { document: doc_id.clone(), n: n as u32 }, q)),
                );
            }
        }
        Ok(out)
    }

    pub fn counts(&self) -> Result<StoreCounts, StoreError> {
        let count = |p: &[u8]| self.scan_pairs(p).try_fold(0u64, |n, kv| kv.map(|_| n + 1));
        Ok(StoreCounts {
            documents: count(b"doc:")?,
            entities: count(b"ent:")?,
            relations: count(b"rel:")?,
            mentions: count(b"men:")?,
            evidence: count(b"ev:")?,
        })
    }
}

impl Store {
    /// The stored entities whose ids are listed under a key prefix (`name:` or `part:`
    /// and a folded name).
    fn entities_under(&self, parts: &[&str]) -> Vec<KnownEntity> {
        let mut prefix = key(parts);
        prefix.push(0);
        let mut out = Vec::new();
        for (k, _) in self.scan_pairs(&prefix).flatten() {
            let id = String::from_utf8_lossy(&k[prefix.len()..]).into_owned();
            if let Ok(Some(e)) = self.get::<EntityRecord>(&key(&["ent:", &id])) {
                out.push(KnownEntity {
                    id,
                    entity_type: e.entity_type,
                    wikidata: e.wikidata.map(|w| w.id),
                    curated_type: e.curated.entity_type,
                });
            }
        }
        out
    }
}

/// The folded short forms of an entity's names (`model::short_forms`), the keys under
/// which resolution finds it from an article that names it short.
fn name_parts<'a>(entity_type: EntityType, names: impl Iterator<Item = &'a String>) -> BTreeSet<String> {
    names.flat_map(|n| short_forms(entity_type, &fold(n))).collect()
}

impl KnownEntities for Store {
    fn by_wikidata(&self, qid: &str) -> Option<String> {
        self.db().ok()?.get(key(&["wd:", qid])).ok().flatten().map(|v| String::from_utf8_lossy(&v).into_owned())
    }

    fn by_folded_alias(&self, folded: &str) -> Vec<KnownEntity> {
        self.entities_under(&["name:", folded])
    }

    fn by_name_part(&self, folded: &str) -> Vec<KnownEntity> {
        self.entities_under(&["part:", folded])
    }

    fn merged_into(&self, id: &str) -> Option<String> {
        if !self.curated.load(std::sync::atomic::Ordering::Relaxed) {
            return None;
        }
        self.db().ok()?.get(key(&["merged:", id])).ok().flatten().map(|v| String::from_utf8_lossy(&v).into_owned())
    }

    fn split_off(&self, id: &str, name: &str) -> Option<String> {
        if !self.curated.load(std::sync::atomic::Ordering::Relaxed) {
            return None;
        }
        self.db()
            .ok()?
            .get(key(&["split:", id, &fold(name)]))
            .ok()
            .flatten()
            .map(|v| String::from_utf8_lossy(&v).into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EntityContribution, RelationKind, StoredRelation};

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
            store.by_folded_alias("rotterdam"),
            vec![KnownEntity {
                id: "ea".into(),
                entity_type: EntityType::Location,
                wikidata: None,
                curated_type: false
            }]
        );
        assert_eq!(store.by_wikidata("Q34370"), None);
    }

    #[test]
    fn a_store_of_another_schema_version_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        {
            let db = sled::open(dir.path()).expect("sled");
            db.insert(SCHEMA_KEY, &99u32.to_le_bytes()).expect("insert");
            db.flush().expect("flush");
        }
        let err = Store::open(dir.path()).err().expect("refused");
        assert!(matches!(err, StoreError::Schema { found: 99, .. }), "{err}");
    }
}
