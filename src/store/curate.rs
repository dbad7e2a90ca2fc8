//! Curation: human decisions applied to the stored graph, one event at a time, written
//! once for every backend over `Records`: `plan` reads what a curation touches and says
//! what to write as `Change`s, which the backend applies atomically with the event.
//!
//! Each `Curation` is stored as a numbered `CurationEvent` in the same unit as every
//! change it makes, so a curation lands whole or not at all, and it leaves rules behind
//! for later ingests: merged ids (the old id leads to the entity it was merged into),
//! split-off aliases (the alias leads to its own entity), `CuratedFields` on the entity
//! (name and type stay as set), and deleted documents (the same text is not ingested
//! again).
//!
//! Invariants: after a curation, `Store::check` holds as before: every mention's entity
//! and document exist, relation weights equal their evidence, the name index matches
//! the entities' names. Relations left without evidence and entities left without
//! mentions are removed. The backend serialises a curation with commits (sled: the
//! pipeline's writer lock; PostgreSQL: one SERIALIZABLE transaction for the plan's
//! reads and writes, retried when it loses), so the read-modify-write of records here
//! is safe.

use super::change::Change;
use super::{seen_range, Records, StoreError};
use crate::model::{
    fold, Curation, CurationEvent, DocumentRecord, EntityRecord, EntityType, RelationRecord, StoredMention,
};
use crate::resolve::{relation_id, split_entity_id};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, thiserror::Error)]
pub enum CurateError {
    /// An id names nothing in the store.
    #[error("{0}")]
    NotFound(String),
    /// The curation is not possible as asked (the message says why and what to do).
    #[error("{0}")]
    BadInput(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What one curation changed, for the in-memory graph to apply.
#[derive(Debug, Clone)]
pub struct CurationOutcome {
    pub event: CurationEvent,
    /// The entity the curation was about, as it is now (none for a deleted document).
    pub entity: Option<EntityRecord>,
    /// Entities created or changed.
    pub entities: Vec<EntityRecord>,
    pub removed_entities: Vec<String>,
    /// Relations created or changed.
    pub relations: Vec<RelationRecord>,
    pub removed_relations: Vec<String>,
    /// `(old id, id it now answers as)` for a merge.
    pub merged: Option<(String, String)>,
    /// Its number in the store's change log (a store that has one: PostgreSQL).
    pub logged: Option<u64>,
}

/// Longest name a curator may give (bytes).
const MAX_NAME_LEN: usize = 300;
/// Longest chain of merges followed when resolving an id.
const MAX_MERGE_HOPS: usize = 32;

/// The changes that apply one curation and store it as the next event.
pub(super) fn plan(
    records: &dyn Records,
    curation: Curation,
    reason: &str,
    at: String,
) -> Result<(Vec<Change>, CurationOutcome), CurateError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(CurateError::BadInput("give a reason: curations are kept with why they were made".into()));
    }
    let seq = records.last_curation()? + 1;
    let event = CurationEvent { seq, at, reason: reason.to_string(), curation };
    let mut edit = Edit::new(records);
    let (subject, merged) = match &event.curation {
        Curation::Merge { from, into } => {
            let into = edit.merge(from, into)?;
            (Some(into.clone()), Some((from.clone(), into)))
        }
        Curation::Rename { entity, name } => (Some(edit.rename(entity, name)?), None),
        Curation::Retype { entity, entity_type } => (Some(edit.retype(entity, *entity_type)?), None),
        Curation::SplitAlias { entity, alias } => (Some(edit.split_alias(entity, alias)?), None),
        Curation::DeleteDocument { document } => {
            edit.delete_document(document, seq)?;
            (None, None)
        }
    };
    edit.changes.push(Change::PutCuration(event.clone()));
    let entity = subject.map(|id| edit.entity(&id)).transpose()?.flatten();
    Ok(edit.finish(event, entity, merged)?)
}

/// The id an entity answers as now: itself, or where merges took it.
pub(super) fn current_id(records: &dyn Records, id: &str) -> Result<String, StoreError> {
    let mut id = id.to_string();
    for _ in 0..MAX_MERGE_HOPS {
        match records.merged_into(&id)? {
            Some(next) => id = next,
            None => break,
        }
    }
    Ok(id)
}

fn is_name(m: &StoredMention) -> bool {
    m.source.is_named()
}

/// The changes that write every record of a cache (`None`: remove it); returns the
/// records written and the ids removed.
fn write_records<T: Clone>(
    changes: &mut Vec<Change>,
    cache: BTreeMap<String, Option<T>>,
    put: impl Fn(T) -> Change,
    remove: impl Fn(String) -> Change,
) -> (Vec<T>, Vec<String>) {
    let (mut written, mut removed) = (Vec::new(), Vec::new());
    for (id, record) in cache {
        match record {
            Some(r) => {
                changes.push(put(r.clone()));
                written.push(r);
            }
            None => {
                changes.push(remove(id.clone()));
                removed.push(id);
            }
        }
    }
    (written, removed)
}

/// Records read and changed by one curation, turned into changes by `finish`.
/// `Some(None)` in a cache means removed.
struct Edit<'r> {
    records: &'r dyn Records,
    entities: BTreeMap<String, Option<EntityRecord>>,
    relations: BTreeMap<String, Option<RelationRecord>>,
    documents: BTreeMap<String, Option<DocumentRecord>>,
    /// Entities whose last mention this curation moved away.
    emptied: BTreeSet<String>,
    changes: Vec<Change>,
}

impl<'r> Edit<'r> {
    fn new(records: &'r dyn Records) -> Self {
        Self {
            records,
            entities: BTreeMap::new(),
            relations: BTreeMap::new(),
            documents: BTreeMap::new(),
            emptied: BTreeSet::new(),
            changes: Vec::new(),
        }
    }

    fn entity(&self, id: &str) -> Result<Option<EntityRecord>, StoreError> {
        match self.entities.get(id) {
            Some(e) => Ok(e.clone()),
            None => self.records.entity(id),
        }
    }

    /// An entity that must exist, looked up by an id that may have been merged away.
    fn existing_entity(&self, id: &str) -> Result<EntityRecord, CurateError> {
        let current = current_id(self.records, id)?;
        self.entity(&current)?.ok_or_else(|| CurateError::NotFound(format!("no entity with id {id:?}")))
    }

    fn relation(&self, id: &str) -> Result<Option<RelationRecord>, StoreError> {
        match self.relations.get(id) {
            Some(r) => Ok(r.clone()),
            None => self.records.relation(id),
        }
    }

    fn document(&self, id: &str) -> Result<Option<DocumentRecord>, StoreError> {
        match self.documents.get(id) {
            Some(d) => Ok(d.clone()),
            None => self.records.document(id),
        }
    }

    fn put_entity(&mut self, e: EntityRecord) {
        self.entities.insert(e.id.clone(), Some(e));
    }

    /// Documents in which `entity` has mentions, in id order.
    fn documents_of(&self, entity: &str) -> Result<Vec<String>, StoreError> {
        Ok(self.records.documents_mentioning(entity)?.into_iter().collect())
    }

    fn add_alias(&mut self, e: &mut EntityRecord, alias: &str) {
        if !e.aliases.contains_key(alias) {
            self.changes.push(Change::PutName { folded: fold(alias), entity: e.id.clone() });
        }
        *e.aliases.entry(alias.to_string()).or_default() += 1;
    }

    fn remove_alias(&mut self, e: &mut EntityRecord, alias: &str) {
        let Some(n) = e.aliases.get_mut(alias) else { return };
        *n = n.saturating_sub(1);
        if *n == 0 {
            e.aliases.remove(alias);
            let folded = fold(alias);
            if !e.names().any(|a| fold(a) == folded) {
                self.changes.push(Change::RemoveName { folded, entity: e.id.clone() });
            }
        }
    }

    /// Remove an entity record with its name-index keys and its Wikidata key.
    fn remove_entity(&mut self, e: &EntityRecord) -> Result<(), StoreError> {
        for name in e.names() {
            self.changes.push(Change::RemoveName { folded: fold(name), entity: e.id.clone() });
        }
        if let Some(w) = &e.wikidata {
            if self.records.wikidata_entity(&w.id)?.as_deref() == Some(e.id.as_str()) {
                self.changes.push(Change::RemoveWikidata(w.id.clone()));
            }
        }
        self.entities.insert(e.id.clone(), None);
        Ok(())
    }

    /// Move `from`'s part in one document to `to`, or drop it (`to` none). With `alias`
    /// (folded), only mentions written that way move, unless that is the only way the
    /// document names `from`: then its whole part moves, coreference mentions, quotes and
    /// relations included.
    fn reassign(&mut self, doc_id: &str, from: &str, to: Option<&str>, alias: Option<&str>) -> Result<(), StoreError> {
        let (Some(mut doc), Some(mut src)) = (self.document(doc_id)?, self.entity(from)?) else {
            return Ok(());
        };
        let mut dst = match to {
            Some(t) => self.entity(t)?,
            None => None,
        };
        let mentions: Vec<(u32, StoredMention)> = self.records.mentions_in(from, doc_id)?;
        let written_as_alias = |m: &StoredMention| alias.is_none_or(|a| is_name(m) && fold(&m.text) == a);
        let whole = mentions.iter().filter(|(_, m)| is_name(m)).all(|(_, m)| written_as_alias(m));
        let mut moved = 0;
        for (n, mut m) in mentions {
            if !whole && !written_as_alias(&m) {
                continue;
            }
            moved += 1;
            self.changes.push(Change::RemoveMention { entity: from.to_string(), document: doc_id.to_string(), n });
            src.mention_count = src.mention_count.saturating_sub(1);
            if is_name(&m) {
                self.remove_alias(&mut src, &m.text);
            }
            if let Some(d) = dst.as_mut() {
                m.entity = d.id.clone();
                d.mention_count += 1;
                if is_name(&m) {
                    self.add_alias(d, &m.text);
                }
                self.changes.push(Change::PutMention { n, mention: m });
            }
        }
        if let Some(d) = dst.as_mut().filter(|_| moved > 0 || whole) {
            if !doc.entity_ids.contains(&d.id) {
                doc.entity_ids.push(d.id.clone());
                d.document_count += 1;
                seen_range(&mut d.first_seen, &mut d.last_seen, doc.document.date.as_deref());
            }
        }
        if whole {
            doc.entity_ids.retain(|e| e != from);
            src.document_count = src.document_count.saturating_sub(1);
            self.move_relations(&mut doc, Some(from), to)?;
            self.move_quotes(&mut doc, from, to);
        }
        if src.mention_count == 0 {
            self.emptied.insert(src.id.clone());
        }
        self.put_entity(src);
        if let Some(d) = dst {
            self.put_entity(d);
        }
        self.documents.insert(doc_id.to_string(), Some(doc));
        Ok(())
    }

    /// Move the document's evidence of relations touching `from` (all relations when
    /// none) to the same relation with `to` in `from`'s place, or drop it (`to` none).
    /// A relation that would join an entity to itself is dropped.
    fn move_relations(
        &mut self,
        doc: &mut DocumentRecord,
        from: Option<&str>,
        to: Option<&str>,
    ) -> Result<(), StoreError> {
        let doc_id = doc.document.id.clone();
        for rid in doc.relation_ids.clone() {
            let Some(mut rel) = self.relation(&rid)? else { continue };
            if from.is_some_and(|f| rel.source != f && rel.target != f) {
                continue;
            }
            let evidence = self.records.evidence_in(&rid, &doc_id)?;
            for (n, _) in &evidence {
                self.changes.push(Change::RemoveEvidence { relation: rid.clone(), document: doc_id.clone(), n: *n });
            }
            rel.weight = rel.weight.saturating_sub(evidence.len() as u64);
            doc.relation_ids.retain(|r| *r != rid);
            let moved = (from, to, rel.clone());
            self.relations.insert(rid.clone(), (rel.weight > 0).then_some(rel));
            let (Some(from), Some(to), rel) = moved else { continue };
            let swap = |end: &String| if end == from { to.to_string() } else { end.clone() };
            let (mut s, mut t) = (swap(&rel.source), swap(&rel.target));
            if s == t {
                continue;
            }
            if rel.kind.is_symmetric() && t < s {
                std::mem::swap(&mut s, &mut t);
            }
            let nid = relation_id(&s, rel.kind.as_str(), &rel.predicate, &t);
            let mut target = self.relation(&nid)?.unwrap_or_else(|| RelationRecord {
                id: nid.clone(),
                source: s,
                target: t,
                kind: rel.kind,
                predicate: rel.predicate.clone(),
                weight: 0,
                confidence: 0.0,
                first_seen: None,
                last_seen: None,
            });
            for (n, ev) in evidence {
                target.weight += 1;
                target.confidence = target.confidence.max(ev.confidence);
                self.changes.push(Change::PutEvidence { relation: nid.clone(), n, evidence: ev });
            }
            seen_range(&mut target.first_seen, &mut target.last_seen, doc.document.date.as_deref());
            if !doc.relation_ids.contains(&nid) {
                doc.relation_ids.push(nid.clone());
            }
            self.relations.insert(nid, Some(target));
        }
        Ok(())
    }

    /// Quotes of the document said by or about `from` name `to` instead (or no one).
    fn move_quotes(&mut self, doc: &mut DocumentRecord, from: &str, to: Option<&str>) {
        let mut spoke = false;
        for q in &mut doc.quotes {
            if q.speaker.as_deref() == Some(from) {
                q.speaker = to.map(str::to_string);
                spoke = true;
            }
            if q.about.iter().any(|a| a == from) {
                q.about.retain(|a| a != from);
                if let Some(t) = to {
                    if !q.about.iter().any(|a| a == t) && q.speaker.as_deref() != Some(t) {
                        q.about.push(t.to_string());
                    }
                }
            }
        }
        if spoke {
            let document = doc.document.id.clone();
            self.changes.push(Change::RemoveQuoteRef { speaker: from.to_string(), document: document.clone() });
            if let Some(t) = to {
                self.changes.push(Change::PutQuoteRef { speaker: t.to_string(), document });
            }
        }
    }

    /// Merge `from` into `into`; returns `into`'s current id.
    fn merge(&mut self, from: &str, into: &str) -> Result<String, CurateError> {
        let (src, dst) = (self.existing_entity(from)?, self.existing_entity(into)?);
        if src.id == dst.id {
            return Err(CurateError::BadInput(format!("{from:?} and {into:?} are already one entity ({})", dst.id)));
        }
        for doc in self.documents_of(&src.id)? {
            self.reassign(&doc, &src.id, Some(&dst.id), None)?;
        }
        let (Some(src), Some(mut dst)) = (self.entity(&src.id)?, self.entity(&dst.id)?) else {
            return Err(CurateError::Store(StoreError::Io("merged entity vanished during the merge".into())));
        };
        for (role, n) in &src.roles {
            *dst.roles.entry(role.clone()).or_default() += n;
        }
        seen_range(&mut dst.first_seen, &mut dst.last_seen, src.first_seen.as_deref());
        seen_range(&mut dst.first_seen, &mut dst.last_seen, src.last_seen.as_deref());
        self.remove_entity(&src)?;
        self.emptied.remove(&src.id);
        // The curator's decision wins over the linker: `from`'s Wikidata item leads to `into`.
        if let Some(w) = &src.wikidata {
            self.changes.push(Change::PutWikidata { qid: w.id.clone(), entity: dst.id.clone() });
            if dst.wikidata.is_none() {
                dst.wikidata = Some(w.clone());
            }
        }
        self.changes.push(Change::PutMerged { from: src.id.clone(), into: dst.id.clone() });
        let id = dst.id.clone();
        self.put_entity(dst);
        Ok(id)
    }

    fn rename(&mut self, id: &str, name: &str) -> Result<String, CurateError> {
        let name = name.trim();
        if name.is_empty() || name.len() > MAX_NAME_LEN || name.chars().any(char::is_control) {
            return Err(CurateError::BadInput(format!(
                "a name must be 1 to {MAX_NAME_LEN} bytes of text without control characters"
            )));
        }
        let mut e = self.existing_entity(id)?;
        if e.curated.name && e.name == name {
            return Err(CurateError::BadInput(format!("entity {} is already named {name:?}", e.id)));
        }
        let old = fold(&e.name);
        e.name = name.to_string();
        e.curated.name = true;
        if !e.names().any(|a| fold(a) == old) {
            self.changes.push(Change::RemoveName { folded: old, entity: e.id.clone() });
        }
        self.changes.push(Change::PutName { folded: fold(name), entity: e.id.clone() });
        let id = e.id.clone();
        self.put_entity(e);
        Ok(id)
    }

    fn retype(&mut self, id: &str, entity_type: EntityType) -> Result<String, CurateError> {
        let mut e = self.existing_entity(id)?;
        if e.curated.entity_type && e.entity_type == entity_type {
            return Err(CurateError::BadInput(format!("entity {} is already of type {}", e.id, entity_type.as_str())));
        }
        e.entity_type = entity_type;
        e.curated.entity_type = true;
        let id = e.id.clone();
        self.put_entity(e);
        Ok(id)
    }

    /// Split `alias` off `id` into its own entity; returns the new entity's id.
    fn split_alias(&mut self, id: &str, alias: &str) -> Result<String, CurateError> {
        let e = self.existing_entity(id)?;
        let folded = fold(alias);
        let spellings: Vec<(&String, &u64)> = e.aliases.iter().filter(|(a, _)| fold(a) == folded).collect();
        let Some((spelling, _)) = spellings.iter().max_by_key(|(a, n)| (**n, std::cmp::Reverse(a.len()))) else {
            let known: Vec<&str> = e.aliases.keys().map(String::as_str).collect();
            return Err(CurateError::BadInput(format!(
                "entity {} has no alias {alias:?}; its aliases are {known:?}",
                e.id
            )));
        };
        if fold(&e.name) == folded {
            return Err(CurateError::BadInput(format!(
                "{alias:?} is the name of entity {}; rename it first, then split the old name off",
                e.id
            )));
        }
        let new_id = split_entity_id(&e.id, &folded);
        if self.entity(&new_id)?.is_none() {
            self.put_entity(EntityRecord::new(new_id.clone(), spelling.to_string(), e.entity_type));
        }
        for doc in self.documents_of(&e.id)? {
            self.reassign(&doc, &e.id, Some(&new_id), Some(&folded))?;
        }
        self.changes.push(Change::PutSplit { entity: e.id.clone(), folded, into: new_id.clone() });
        Ok(new_id)
    }

    fn delete_document(&mut self, id: &str, seq: u64) -> Result<(), CurateError> {
        let Some(mut doc) = self.document(id)? else {
            return Err(CurateError::NotFound(match self.records.deleted_by(id)? {
                Some(n) => format!("document {id:?} was already deleted (curation {n})"),
                None => format!("no document with id {id:?}"),
            }));
        };
        for entity in doc.entity_ids.clone() {
            self.reassign(id, &entity, None, None)?;
        }
        // Relations whose endpoints the document did not list (none expected) go too.
        if let Some(d) = self.document(id)? {
            doc = d;
        }
        self.move_relations(&mut doc, None, None)?;
        if let Some(xid) = &doc.document.external_id {
            if self.records.document_for_external_id(xid)?.as_deref() == Some(id) {
                self.changes.push(Change::RemoveExternalId(xid.clone()));
            }
        }
        self.changes.push(Change::PutDeleted { document: id.to_string(), seq });
        self.documents.insert(id.to_string(), None);
        Ok(())
    }

    /// Remove emptied entities and write every changed record: the curation's changes,
    /// with what they change for the graph.
    fn finish(
        mut self,
        event: CurationEvent,
        entity: Option<EntityRecord>,
        merged: Option<(String, String)>,
    ) -> Result<(Vec<Change>, CurationOutcome), StoreError> {
        for id in std::mem::take(&mut self.emptied) {
            if let Some(e) = self.entity(&id)?.filter(|e| e.mention_count == 0) {
                self.remove_entity(&e)?;
            }
        }
        let mut changes = std::mem::take(&mut self.changes);
        let (entities, removed_entities) =
            write_records(&mut changes, std::mem::take(&mut self.entities), Change::PutEntity, Change::RemoveEntity);
        let (relations, removed_relations) = write_records(
            &mut changes,
            std::mem::take(&mut self.relations),
            Change::PutRelation,
            Change::RemoveRelation,
        );
        write_records(&mut changes, std::mem::take(&mut self.documents), Change::PutDocument, Change::RemoveDocument);
        let outcome = CurationOutcome {
            event,
            entity,
            entities,
            removed_entities,
            relations,
            removed_relations,
            merged,
            logged: None,
        };
        Ok((changes, outcome))
    }
}
