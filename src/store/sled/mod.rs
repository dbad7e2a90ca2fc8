//! The embedded backend: one sled tree in a folder, keys as `keys.rs` lays them out,
//! values postcard-encoded. The only module that imports sled.
//!
//! Invariants: a unit of changes (a commit, a curation) is one atomic sled batch; callers
//! serialise commits (the pipeline's writer lock), so a plan read from the tree is still
//! true when its batch lands. A commit is durable once `flush` returns. After a write
//! fails (a full disk) sled refuses every later write; `reopen` closes it and opens it
//! again, and in between every call returns `StoreError::Unavailable` instead of waiting.
//! Documents and the mention and evidence lists readers ask for again and again are
//! answered from `cache`, which `apply` keeps true (see there).

mod cache;
mod keys;

use super::change::Change;
use super::{numbered, Numbered, Records, StoreError, SCHEMA_VERSION};
use crate::model::{CurationEvent, DocumentRecord, EntityRecord, Evidence, RelationRecord, StoredMention};
use cache::{ReadCache, Stale};
use keys::{Key, Prefix};
use serde::{de::DeserializeOwned, Serialize};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

impl From<sled::Error> for StoreError {
    fn from(e: sled::Error) -> Self {
        StoreError::Io(e.to_string())
    }
}

pub struct SledStore {
    path: PathBuf,
    /// None while `reopen` replaces it (or when reopening failed).
    db: RwLock<Option<sled::Db>>,
    /// Whether any curation was ever made: lets ingestion skip curation-rule lookups
    /// in the common case of an uncurated store.
    curated: AtomicBool,
    /// Documents, mentions and evidence as readers ask for them again and again.
    /// (Boxed: the maps would make `Store::Sled` much larger than `Store::Postgres`.)
    cache: Box<ReadCache>,
}

fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, StoreError> {
    postcard::to_stdvec(value).map_err(|e| StoreError::Io(format!("encoding failed: {e}")))
}

fn decode<T: Stored>(key: &[u8], bytes: &[u8]) -> Result<T, StoreError> {
    let mut record: T = postcard::from_bytes(bytes)
        .map_err(|e| StoreError::Corrupt { key: String::from_utf8_lossy(key).into_owned(), reason: e.to_string() })?;
    record.restore(key).ok_or_else(|| corrupt(key, "malformed key"))?;
    Ok(record)
}

/// A record kept as a value. The fields its key holds (ids, see `keys.rs`) are stored
/// empty (`without_key_fields`) and filled in again from the key when it is read.
trait Stored: DeserializeOwned {
    fn restore(&mut self, _key: &[u8]) -> Option<()> {
        Some(())
    }
}

impl Stored for DocumentRecord {}
impl Stored for CurationEvent {}

impl Stored for EntityRecord {
    fn restore(&mut self, key: &[u8]) -> Option<()> {
        self.id = keys::parse_record_id(key)?;
        Some(())
    }
}

impl Stored for RelationRecord {
    fn restore(&mut self, key: &[u8]) -> Option<()> {
        self.id = keys::parse_record_id(key)?;
        Some(())
    }
}

impl Stored for StoredMention {
    fn restore(&mut self, key: &[u8]) -> Option<()> {
        (self.entity, self.document, _) = keys::parse_mention(key)?;
        Some(())
    }
}

impl Stored for Evidence {
    fn restore(&mut self, key: &[u8]) -> Option<()> {
        (_, self.document, _) = keys::parse_evidence(key)?;
        Some(())
    }
}

fn corrupt(key: &[u8], reason: &str) -> StoreError {
    StoreError::Corrupt { key: String::from_utf8_lossy(key).into_owned(), reason: reason.into() }
}

fn text(value: &[u8]) -> String {
    String::from_utf8_lossy(value).into_owned()
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
    match db.get(Key::Schema.bytes())? {
        Some(v) => {
            let found = v.as_ref().try_into().map(u32::from_le_bytes).unwrap_or(0);
            if found != SCHEMA_VERSION {
                return Err(StoreError::Schema { path: display, found });
            }
        }
        None if db.is_empty() => {
            db.insert(Key::Schema.bytes(), &SCHEMA_VERSION.to_le_bytes())?;
            db.flush()?;
        }
        None => return Err(StoreError::Schema { path: display, found: 0 }),
    }
    Ok(db)
}

fn any_curation(db: &sled::Db) -> Result<bool, StoreError> {
    Ok(db.scan_prefix(Prefix::Curations.bytes()).next().transpose()?.is_some())
}

impl SledStore {
    /// Open (or create) the store at `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let db = open_db(path)?;
        let curated = any_curation(&db)?;
        Ok(Self { path: path.to_path_buf(), db: RwLock::new(Some(db)), curated: curated.into(), cache: Box::default() })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Close sled and open it again: after a failed write sled refuses every later write,
    /// even once the disk has room. Calls made meanwhile get `StoreError::Unavailable`;
    /// if opening fails the store stays unavailable until a later `reopen` succeeds.
    pub fn reopen(&self) -> Result<(), StoreError> {
        let old = self.db.write().unwrap_or_else(|p| p.into_inner()).take();
        // Its background threads and any reader's iterator let go of the lock soon after.
        drop(old);
        self.cache.clear();
        let db = open_db(&self.path)?;
        self.curated.store(any_curation(&db)?, Ordering::Relaxed);
        *self.db.write().unwrap_or_else(|p| p.into_inner()) = Some(db);
        Ok(())
    }

    /// Write and flush one small record: whether the disk takes writes (again).
    pub fn write_probe(&self) -> Result<(), StoreError> {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let db = self.db()?;
        db.insert(Key::Probe.bytes(), &now.to_le_bytes())?;
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
        prefix: Prefix<'_>,
    ) -> impl DoubleEndedIterator<Item = Result<(sled::IVec, sled::IVec), StoreError>> + use<> {
        let (records, unavailable) = match self.db() {
            Ok(db) => (Some(db.scan_prefix(prefix.bytes())), None),
            Err(e) => (None, Some(Err(e))),
        };
        unavailable.into_iter().chain(records.into_iter().flatten().map(|kv| kv.map_err(StoreError::from)))
    }

    fn scan<T: Stored>(&self, prefix: Prefix<'_>) -> impl DoubleEndedIterator<Item = Result<T, StoreError>> + use<T> {
        self.scan_pairs(prefix).map(|kv| {
            let (k, v) = kv?;
            decode(&k, &v)
        })
    }

    /// Make every commit so far durable.
    pub fn flush(&self) -> Result<(), StoreError> {
        self.db()?.flush()?;
        Ok(())
    }

    fn get<T: Stored>(&self, key: Key<'_>) -> Result<Option<T>, StoreError> {
        let key = key.bytes();
        self.db()?.get(&key)?.map(|v| decode(&key, &v)).transpose()
    }

    fn get_text(&self, key: Key<'_>) -> Result<Option<String>, StoreError> {
        Ok(self.db()?.get(key.bytes())?.map(|v| text(&v)))
    }

    pub fn is_empty(&self) -> Result<bool, StoreError> {
        Ok(self.scan_pairs(Prefix::Documents).next().transpose()?.is_none())
    }

    /// Write a unit of changes as one atomic batch.
    pub fn apply(&self, changes: Vec<Change>) -> Result<(), StoreError> {
        let mut batch = sled::Batch::default();
        let mut stale = Stale::default();
        for change in changes {
            match &change {
                Change::PutDocument(d) => stale.documents.push(d.document.id.clone()),
                Change::RemoveDocument(id) => stale.documents.push(id.clone()),
                Change::PutMention { mention, .. } => stale.mentions_of.push(mention.entity.clone()),
                Change::RemoveMention { entity, .. } => stale.mentions_of.push(entity.clone()),
                Change::PutEvidence { relation, .. } | Change::RemoveEvidence { relation, .. } => {
                    stale.evidence_of.push(relation.clone())
                }
                _ => {}
            }
            match change {
                Change::PutDocument(d) => batch.insert(Key::Document(&d.document.id).bytes(), encode(&d)?),
                Change::RemoveDocument(id) => batch.remove(Key::Document(&id).bytes()),
                Change::PutExternalId { external_id, document } => {
                    batch.insert(Key::ExternalId(&external_id).bytes(), document.as_bytes())
                }
                Change::RemoveExternalId(xid) => batch.remove(Key::ExternalId(&xid).bytes()),
                Change::PutEntity(mut e) => {
                    let key = Key::Entity(&e.id).bytes();
                    e.id.clear();
                    batch.insert(key, encode(&e)?)
                }
                Change::RemoveEntity(id) => batch.remove(Key::Entity(&id).bytes()),
                Change::PutName { folded, entity } => {
                    batch.insert(Key::Name { folded: &folded, entity: &entity }.bytes(), &[])
                }
                Change::RemoveName { folded, entity } => {
                    batch.remove(Key::Name { folded: &folded, entity: &entity }.bytes())
                }
                Change::PutPart { folded, entity } => {
                    batch.insert(Key::Part { folded: &folded, entity: &entity }.bytes(), &[])
                }
                Change::PutWikidata { qid, entity } => batch.insert(Key::Wikidata(&qid).bytes(), entity.as_bytes()),
                Change::RemoveWikidata(qid) => batch.remove(Key::Wikidata(&qid).bytes()),
                Change::PutRelation(mut r) => {
                    let key = Key::Relation(&r.id).bytes();
                    r.id.clear();
                    batch.insert(key, encode(&r)?)
                }
                Change::RemoveRelation(id) => batch.remove(Key::Relation(&id).bytes()),
                Change::PutEvidence { relation, n, mut evidence } => {
                    let key = Key::Evidence { relation: &relation, document: &evidence.document, n }.bytes();
                    evidence.document.clear();
                    batch.insert(key, encode(&evidence)?)
                }
                Change::RemoveEvidence { relation, document, n } => {
                    batch.remove(Key::Evidence { relation: &relation, document: &document, n }.bytes())
                }
                Change::PutMention { n, mut mention } => {
                    let key = Key::Mention { entity: &mention.entity, document: &mention.document, n }.bytes();
                    mention.entity.clear();
                    mention.document.clear();
                    batch.insert(key, encode(&mention)?)
                }
                Change::RemoveMention { entity, document, n } => {
                    batch.remove(Key::Mention { entity: &entity, document: &document, n }.bytes())
                }
                Change::PutQuoteRef { speaker, document } => {
                    batch.insert(Key::QuoteRef { speaker: &speaker, document: &document }.bytes(), &[])
                }
                Change::RemoveQuoteRef { speaker, document } => {
                    batch.remove(Key::QuoteRef { speaker: &speaker, document: &document }.bytes())
                }
                Change::PutCuration(event) => {
                    self.curated.store(true, Ordering::Relaxed);
                    batch.insert(Key::Curation(event.seq).bytes(), encode(&event)?)
                }
                Change::PutMerged { from, into } => batch.insert(Key::Merged(&from).bytes(), into.as_bytes()),
                Change::PutSplit { entity, folded, into } => {
                    batch.insert(Key::Split { entity: &entity, folded: &folded }.bytes(), into.as_bytes())
                }
                Change::PutDeleted { document, seq } => {
                    batch.insert(Key::Deleted(&document).bytes(), &seq.to_le_bytes())
                }
            }
        }
        let applied = self.db().and_then(|db| Ok(db.apply_batch(batch)?));
        // Also when it failed: what landed is not known then.
        self.cache.landed(&stale);
        applied
    }

    /// A document, decoded once and then kept (`cache`).
    pub fn shared_document(&self, id: &str) -> Result<Option<Arc<DocumentRecord>>, StoreError> {
        let ticket = match self.cache.get(cache::DOCUMENTS, id) {
            Ok(record) => return Ok(Some(record)),
            Err(ticket) => ticket,
        };
        let key = Key::Document(id).bytes();
        let Some(value) = self.db()?.get(&key)? else { return Ok(None) };
        let record = Arc::new(decode::<DocumentRecord>(&key, &value)?);
        self.cache.keep(cache::DOCUMENTS, ticket, id, record.clone(), value.len());
        Ok(Some(record))
    }

    /// The mentions of `entity`, numbered by place, decoded once and then kept (`cache`).
    pub fn mentions_placed(&self, entity: &str) -> Result<Numbered<StoredMention>, StoreError> {
        let ticket = match self.cache.get(cache::MENTIONS_OF, entity) {
            Ok(list) => return Ok(list),
            Err(ticket) => ticket,
        };
        let (list, encoded) = self.placed(Prefix::MentionsOf(entity), |m: &StoredMention| &m.document)?;
        self.cache.keep(cache::MENTIONS_OF, ticket, entity, list.clone(), encoded);
        Ok(list)
    }

    /// The evidence of `relation`, numbered by place, decoded once and then kept (`cache`).
    pub fn evidence_placed(&self, relation: &str) -> Result<Numbered<Evidence>, StoreError> {
        let ticket = match self.cache.get(cache::EVIDENCE_OF, relation) {
            Ok(list) => return Ok(list),
            Err(ticket) => ticket,
        };
        let (list, encoded) = self.placed(Prefix::EvidenceOf(relation), |e: &Evidence| &e.document)?;
        self.cache.keep(cache::EVIDENCE_OF, ticket, relation, list.clone(), encoded);
        Ok(list)
    }

    /// The records under `prefix` numbered by place, and the bytes they were encoded in.
    fn placed<T: Stored>(
        &self,
        prefix: Prefix<'_>,
        document: impl Fn(&T) -> &String,
    ) -> Result<(Numbered<T>, usize), StoreError> {
        let mut encoded = 0;
        let records = self.scan_pairs(prefix).map(|kv| {
            let (k, v) = kv?;
            encoded += v.len();
            decode(&k, &v)
        });
        let list = numbered(records, document)?;
        Ok((list.into(), encoded))
    }

    pub fn documents(&self) -> impl Iterator<Item = Result<DocumentRecord, StoreError>> + use<> {
        self.scan(Prefix::Documents)
    }

    pub fn entities(&self) -> impl Iterator<Item = Result<EntityRecord, StoreError>> + use<> {
        self.scan(Prefix::Entities)
    }

    pub fn relations(&self) -> impl Iterator<Item = Result<RelationRecord, StoreError>> + use<> {
        self.scan(Prefix::Relations)
    }

    pub fn mentions_of(&self, entity: &str) -> impl Iterator<Item = Result<StoredMention, StoreError>> + use<> {
        self.scan(Prefix::MentionsOf(entity))
    }

    pub fn evidence_of(&self, relation: &str) -> impl Iterator<Item = Result<Evidence, StoreError>> + use<> {
        self.scan(Prefix::EvidenceOf(relation))
    }

    /// Documents that quote `speaker`.
    pub fn documents_quoting(&self, speaker: &str) -> Result<Vec<String>, StoreError> {
        let mut out = Vec::new();
        for kv in self.scan_pairs(Prefix::QuoteRefsOf(speaker)) {
            let (k, _) = kv?;
            out.push(keys::parse_quote_ref(&k).ok_or_else(|| corrupt(&k, "malformed quote key"))?);
        }
        Ok(out)
    }

    /// The name index: `(folded name, entity)` pairs.
    pub fn names(&self) -> impl Iterator<Item = Result<(String, String), StoreError>> + use<> {
        self.scan_pairs(Prefix::Names).map(|kv| {
            let (k, _) = kv?;
            keys::parse_name(&k).ok_or_else(|| corrupt(&k, "malformed name index key"))
        })
    }

    pub fn has_name(&self, folded: &str, entity: &str) -> Result<bool, StoreError> {
        Ok(self.db()?.contains_key(Key::Name { folded, entity }.bytes())?)
    }

    pub fn curations(&self) -> impl DoubleEndedIterator<Item = Result<CurationEvent, StoreError>> + use<> {
        self.scan(Prefix::Curations)
    }

    pub fn merges(&self) -> impl Iterator<Item = Result<(String, String), StoreError>> + use<> {
        self.scan_pairs(Prefix::Merges).map(|kv| {
            let (k, v) = kv?;
            let from = keys::parse_merged(&k).ok_or_else(|| corrupt(&k, "malformed merge key"))?;
            Ok((from, text(&v)))
        })
    }

    /// Mentions with their numbers in their documents.
    pub fn numbered_mentions(&self) -> impl Iterator<Item = Result<(u32, StoredMention), StoreError>> + use<> {
        self.scan_pairs(Prefix::Mentions).map(|kv| {
            let (k, v) = kv?;
            let n = keys::parse_ordinal(&k).ok_or_else(|| corrupt(&k, "malformed mention key"))?;
            Ok((n, decode(&k, &v)?))
        })
    }

    /// Evidence with its relation and its number in its document.
    pub fn numbered_evidence(&self) -> impl Iterator<Item = Result<(String, u32, Evidence), StoreError>> + use<> {
        self.scan_pairs(Prefix::Evidence).map(|kv| {
            let (k, v) = kv?;
            let (relation, _, n) = keys::parse_evidence(&k).ok_or_else(|| corrupt(&k, "malformed evidence key"))?;
            Ok((relation, n, decode(&k, &v)?))
        })
    }

    /// The short-form index: `(folded short form, entity)` pairs.
    pub fn parts(&self) -> impl Iterator<Item = Result<(String, String), StoreError>> + use<> {
        self.scan_pairs(Prefix::Parts).map(|kv| {
            let (k, _) = kv?;
            keys::parse_part(&k).ok_or_else(|| corrupt(&k, "malformed short-form key"))
        })
    }

    /// `(QID, entity)` for every Wikidata link.
    pub fn wikidata_links(&self) -> impl Iterator<Item = Result<(String, String), StoreError>> + use<> {
        self.scan_pairs(Prefix::WikidataLinks).map(|kv| {
            let (k, v) = kv?;
            let qid = keys::parse_wikidata(&k).ok_or_else(|| corrupt(&k, "malformed Wikidata key"))?;
            Ok((qid.to_string(), text(&v)))
        })
    }

    /// `(entity, folded alias, entity it was split off into)` for every split.
    pub fn splits(&self) -> impl Iterator<Item = Result<(String, String, String), StoreError>> + use<> {
        self.scan_pairs(Prefix::Splits).map(|kv| {
            let (k, v) = kv?;
            let (entity, folded) = keys::parse_split(&k).ok_or_else(|| corrupt(&k, "malformed split key"))?;
            Ok((entity, folded, text(&v)))
        })
    }

    /// `(document, curation event that deleted it)` for every deleted document.
    pub fn deleted(&self) -> impl Iterator<Item = Result<(String, u64), StoreError>> + use<> {
        self.scan_pairs(Prefix::Deleted).map(|kv| {
            let (k, v) = kv?;
            let document = keys::parse_deleted(&k).ok_or_else(|| corrupt(&k, "malformed deletion key"))?;
            let seq = v.as_ref().try_into().map_err(|_| corrupt(&k, "not a curation number"))?;
            Ok((document, u64::from_le_bytes(seq)))
        })
    }

    /// Records under each prefix: documents, entities, relations, mentions, evidence.
    pub fn count(&self) -> Result<[u64; 5], StoreError> {
        let count = |p: Prefix<'_>| self.scan_pairs(p).try_fold(0u64, |n, kv| kv.map(|_| n + 1));
        Ok([
            count(Prefix::Documents)?,
            count(Prefix::Entities)?,
            count(Prefix::Relations)?,
            count(Prefix::Mentions)?,
            count(Prefix::Evidence)?,
        ])
    }

    /// Entity ids listed under an index prefix.
    fn indexed(&self, prefix: Prefix<'_>) -> Result<Vec<String>, StoreError> {
        let mut out = Vec::new();
        for kv in self.scan_pairs(prefix) {
            let (k, _) = kv?;
            out.push(keys::parse_indexed_entity(&k).ok_or_else(|| corrupt(&k, "malformed index key"))?);
        }
        Ok(out)
    }

    /// Records under a prefix with their place in the document (mentions, evidence).
    fn numbered<T: Stored>(&self, prefix: Prefix<'_>) -> Result<Vec<(u32, T)>, StoreError> {
        let mut out = Vec::new();
        for kv in self.scan_pairs(prefix) {
            let (k, v) = kv?;
            let n = keys::parse_ordinal(&k).ok_or_else(|| corrupt(&k, "malformed key"))?;
            out.push((n, decode(&k, &v)?));
        }
        Ok(out)
    }

    fn curated(&self) -> bool {
        self.curated.load(Ordering::Relaxed)
    }
}

impl Records for SledStore {
    fn entity(&self, id: &str) -> Result<Option<EntityRecord>, StoreError> {
        self.get(Key::Entity(id))
    }

    fn relation(&self, id: &str) -> Result<Option<RelationRecord>, StoreError> {
        self.get(Key::Relation(id))
    }

    fn document(&self, id: &str) -> Result<Option<DocumentRecord>, StoreError> {
        self.get(Key::Document(id))
    }

    fn contains_document(&self, id: &str) -> Result<bool, StoreError> {
        Ok(self.db()?.contains_key(Key::Document(id).bytes())?)
    }

    fn documents_mentioning(&self, entity: &str) -> Result<BTreeSet<String>, StoreError> {
        self.mentions_of(entity).map(|m| m.map(|m| m.document)).collect()
    }

    fn mentions_in(&self, entity: &str, document: &str) -> Result<Vec<(u32, StoredMention)>, StoreError> {
        self.numbered(Prefix::MentionsIn { entity, document })
    }

    fn evidence_in(&self, relation: &str, document: &str) -> Result<Vec<(u32, Evidence)>, StoreError> {
        self.numbered(Prefix::EvidenceIn { relation, document })
    }

    fn wikidata_entity(&self, qid: &str) -> Result<Option<String>, StoreError> {
        self.get_text(Key::Wikidata(qid))
    }

    fn entities_named(&self, folded: &str) -> Result<Vec<String>, StoreError> {
        self.indexed(Prefix::Name(folded))
    }

    fn entities_with_part(&self, folded: &str) -> Result<Vec<String>, StoreError> {
        self.indexed(Prefix::Part(folded))
    }

    fn merged_into(&self, id: &str) -> Result<Option<String>, StoreError> {
        if !self.curated() {
            return Ok(None);
        }
        self.get_text(Key::Merged(id))
    }

    fn split_off(&self, id: &str, folded: &str) -> Result<Option<String>, StoreError> {
        if !self.curated() {
            return Ok(None);
        }
        self.get_text(Key::Split { entity: id, folded })
    }

    fn deleted_by(&self, document: &str) -> Result<Option<u64>, StoreError> {
        if !self.curated() {
            return Ok(None);
        }
        let key = Key::Deleted(document).bytes();
        match self.db()?.get(&key)? {
            None => Ok(None),
            Some(v) => {
                let seq = v.as_ref().try_into().map_err(|_| corrupt(&key, "not a curation number"))?;
                Ok(Some(u64::from_le_bytes(seq)))
            }
        }
    }

    fn document_for_external_id(&self, external_id: &str) -> Result<Option<String>, StoreError> {
        self.get_text(Key::ExternalId(external_id))
    }

    fn last_curation(&self) -> Result<u64, StoreError> {
        Ok(self.curations().next_back().transpose()?.map_or(0, |e| e.seq))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_of_another_schema_version_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        {
            let db = sled::open(dir.path()).expect("sled");
            db.insert(Key::Schema.bytes(), &99u32.to_le_bytes()).expect("insert");
            db.flush().expect("flush");
        }
        let err = SledStore::open(dir.path()).err().expect("refused");
        assert!(matches!(err, StoreError::Schema { found: 99, .. }), "{err}");
        assert!(err.to_string().contains("newer kennisgraaf"), "{err}");
    }

    #[test]
    fn a_store_of_the_layout_before_binary_ids_is_refused_with_what_to_do() {
        let dir = tempfile::tempdir().expect("tempdir");
        {
            let db = sled::open(dir.path()).expect("sled");
            db.insert(Key::Schema.bytes(), &5u32.to_le_bytes()).expect("insert");
            db.insert(b"doc:00112233445566778899aabbccddeeff", &[0u8][..]).expect("insert");
            db.flush().expect("flush");
        }
        let err = SledStore::open(dir.path()).err().expect("refused");
        let message = err.to_string();
        assert!(matches!(err, StoreError::Schema { found: 5, .. }), "{message}");
        assert!(message.contains("older kennisgraaf") && message.contains("ingest the documents again"), "{message}");
    }
}
