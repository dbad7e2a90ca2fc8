//! Committing a resolved document: the changes that add it and everything derived from
//! it (document, mentions, entities, relations, evidence, name indexes), decided once
//! for every backend over `Records`.
//!
//! Invariant: the plan is computed from the records as the backend reads them inside the
//! unit it applies the plan in (sled: under the pipeline's writer lock; PostgreSQL: in
//! the transaction, entity and relation rows locked), so aggregates are never updated
//! from a stale read.

use super::change::Change;
use super::{seen_range, CommitOutcome, Records, StoreError};
use crate::model::{fold, short_forms, DocumentRecord, EntityRecord, EntityType, RelationRecord, ResolvedDocument};
use std::collections::{BTreeMap, BTreeSet};

/// The changes that store `doc`, and what they change for the graph; None when the
/// document is stored already (committing it again changes nothing).
pub(super) fn plan(
    records: &dyn Records,
    doc: &ResolvedDocument,
) -> Result<Option<(Vec<Change>, CommitOutcome)>, StoreError> {
    let doc_id = doc.document.id.as_str();
    if records.contains_document(doc_id)? {
        return Ok(None);
    }
    let date = doc.document.date.as_deref();
    let mut changes = Vec::new();
    let mut outcome = CommitOutcome { stored: true, ..Default::default() };

    for c in &doc.entities {
        let mut e: EntityRecord = records
            .entity_for_update(&c.id)?
            .unwrap_or_else(|| EntityRecord::new(c.id.clone(), c.name.clone(), c.entity_type));
        if let (None, Some(link)) = (&e.wikidata, &c.wikidata) {
            changes.push(Change::PutWikidata { qid: link.id.clone(), entity: c.id.clone() });
            e.wikidata = Some(link.clone());
        }
        // Short forms of the names this entity did not have yet (the others are indexed).
        let new_names = c.aliases.keys().filter(|a| !e.aliases.contains_key(*a));
        let new_names: Vec<&String> = if e.aliases.is_empty() {
            new_names.chain(std::iter::once(&c.name)).collect()
        } else {
            new_names.collect()
        };
        for folded in name_parts(c.entity_type, new_names.into_iter()) {
            changes.push(Change::PutPart { folded, entity: c.id.clone() });
        }
        for (alias, n) in &c.aliases {
            if !e.aliases.contains_key(alias) {
                changes.push(Change::PutName { folded: fold(alias), entity: c.id.clone() });
            }
            *e.aliases.entry(alias.clone()).or_default() += n;
        }
        if e.aliases.is_empty() {
            changes.push(Change::PutName { folded: fold(&c.name), entity: c.id.clone() });
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
        changes.push(Change::PutEntity(e.clone()));
        outcome.entities.push(e);
    }

    let mut relations: BTreeMap<&str, RelationRecord> = BTreeMap::new();
    for (n, r) in doc.relations.iter().enumerate() {
        let rec = match relations.get_mut(r.id.as_str()) {
            Some(rec) => rec,
            None => {
                let stored = records.relation_for_update(&r.id)?.unwrap_or_else(|| RelationRecord {
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
        changes.push(Change::PutEvidence { relation: r.id.clone(), n: ordinal(n)?, evidence: r.evidence.clone() });
    }
    for rec in relations.values() {
        changes.push(Change::PutRelation(rec.clone()));
    }
    outcome.relations = relations.into_values().collect();

    for (n, m) in doc.mentions.iter().enumerate() {
        changes.push(Change::PutMention { n: ordinal(n)?, mention: m.clone() });
    }
    let speakers: BTreeSet<&String> = doc.quotes.iter().filter_map(|q| q.speaker.as_ref()).collect();
    for speaker in speakers {
        changes.push(Change::PutQuoteRef { speaker: speaker.clone(), document: doc_id.to_string() });
    }
    if let Some(xid) = &doc.document.external_id {
        changes.push(Change::PutExternalId { external_id: xid.clone(), document: doc_id.to_string() });
    }
    changes.push(Change::PutDocument(DocumentRecord {
        document: doc.document.clone(),
        sentences: doc.sentences.clone(),
        entity_ids: doc.entities.iter().map(|e| e.id.clone()).collect(),
        relation_ids: outcome.relations.iter().map(|r| r.id.clone()).collect(),
        mention_count: doc.mentions.len() as u64,
        quotes: doc.quotes.clone(),
    }));
    Ok(Some((changes, outcome)))
}

/// A mention's or evidence's place in its document (bounded by `extract::limits`).
fn ordinal(n: usize) -> Result<u32, StoreError> {
    u32::try_from(n).map_err(|_| StoreError::Io(format!("a document with more than {} records", u32::MAX)))
}

/// The folded short forms of an entity's names (`model::short_forms`), the keys under
/// which resolution finds it from an article that names it short.
fn name_parts<'a>(entity_type: EntityType, names: impl Iterator<Item = &'a String>) -> BTreeSet<String> {
    names.flat_map(|n| short_forms(entity_type, &fold(n))).collect()
}
