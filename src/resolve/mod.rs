//! Stage 3: give the entities of one extraction global ids, merging with entities the
//! store already knows (same type and a shared folded alias), and turn local indices
//! into ids.
//!
//! Invariant: ids are deterministic: a new entity's id is the hash of its type and
//! folded name, so re-ingesting the same corpus into an empty store gives the same ids.
//! Resolve reads known entities through `KnownEntities` and writes nothing.

use crate::model::{
    fold, Document, EntityContribution, EntityType, Evidence, Extraction, ResolvedDocument, StoredMention, StoredQuote,
    StoredRelation,
};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// What resolution needs to know about the entities already stored.
pub trait KnownEntities {
    /// Ids and types of entities that have `folded` among their folded aliases.
    fn by_folded_alias(&self, folded: &str) -> Vec<(String, EntityType)>;
}

fn digest(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0u8]);
    }
    h.finalize()[..12].iter().map(|b| format!("{b:02x}")).collect()
}

pub fn entity_id(entity_type: EntityType, name: &str) -> String {
    format!("e{}", digest(&[entity_type.as_str(), &fold(name)]))
}

pub fn relation_id(source: &str, kind: &str, predicate: &str, target: &str) -> String {
    format!("r{}", digest(&[source, kind, predicate, target]))
}

pub fn resolve(document: Document, extraction: Extraction, known: &impl KnownEntities) -> ResolvedDocument {
    let ids: Vec<String> = extraction
        .entities
        .iter()
        .map(|e| {
            // One store lookup per distinct alias; a hit on the canonical name wins, then
            // the smallest id among the aliases' hits (deterministic).
            let exact = fold(&e.name);
            let mut folded: Vec<String> = std::iter::once(&e.name).chain(&e.aliases).map(|a| fold(a)).collect();
            folded.sort();
            folded.dedup();
            let mut exact_hit = None;
            let mut candidates: Vec<String> = Vec::new();
            for alias in &folded {
                for (id, t) in known.by_folded_alias(alias) {
                    if t != e.entity_type {
                        continue;
                    }
                    if *alias == exact && exact_hit.is_none() {
                        exact_hit = Some(id.clone());
                    }
                    candidates.push(id);
                }
            }
            exact_hit.or_else(|| candidates.into_iter().min()).unwrap_or_else(|| entity_id(e.entity_type, &e.name))
        })
        .collect();
    let mut contributions: BTreeMap<String, EntityContribution> = BTreeMap::new();
    for (local, e) in extraction.entities.iter().enumerate() {
        let c = contributions.entry(ids[local].clone()).or_insert_with(|| EntityContribution {
            id: ids[local].clone(),
            name: e.name.clone(),
            entity_type: e.entity_type,
            aliases: BTreeMap::new(),
            roles: Vec::new(),
            mention_count: 0,
        });
        for r in &e.roles {
            if !c.roles.contains(r) {
                c.roles.push(r.clone());
            }
        }
    }
    let doc_id = document.id.clone();
    let mentions: Vec<StoredMention> = extraction
        .mentions
        .iter()
        .map(|m| {
            if let Some(c) = contributions.get_mut(&ids[m.entity]) {
                c.mention_count += 1;
                // Pronouns and role nouns are mentions, not names.
                if !m.source.starts_with("coref:") {
                    *c.aliases.entry(m.text.clone()).or_default() += 1;
                }
            }
            StoredMention {
                entity: ids[m.entity].clone(),
                document: doc_id.clone(),
                sentence: m.sentence,
                span: m.span,
                text: m.text.clone(),
                confidence: m.confidence,
                source: m.source.clone(),
            }
        })
        .collect();
    let relations = extraction
        .relations
        .iter()
        .filter(|r| ids[r.source] != ids[r.target])
        .map(|r| {
            let (mut s, mut t) = (ids[r.source].clone(), ids[r.target].clone());
            if r.kind.is_symmetric() && t < s {
                std::mem::swap(&mut s, &mut t);
            }
            StoredRelation {
                id: relation_id(&s, r.kind.as_str(), &r.predicate, &t),
                source: s,
                target: t,
                kind: r.kind,
                predicate: r.predicate.clone(),
                evidence: Evidence {
                    document: doc_id.clone(),
                    sentence: r.sentence,
                    span: r.span,
                    confidence: r.confidence,
                    extractor: r.extractor.clone(),
                },
            }
        })
        .collect();
    let quotes = extraction
        .quotes
        .iter()
        .map(|q| StoredQuote {
            speaker: q.speaker.map(|s| ids[s].clone()),
            document: doc_id.clone(),
            text: q.text.clone(),
            span: q.span,
            about: q.about.iter().map(|a| ids[*a].clone()).collect(),
            extractor: q.extractor.clone(),
        })
        .collect();
    ResolvedDocument {
        document,
        sentences: extraction.sentences,
        entities: contributions.into_values().collect(),
        mentions,
        relations,
        quotes,
    }
}
