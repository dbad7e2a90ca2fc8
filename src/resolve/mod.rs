//! Stage 3: give the entities of one extraction global ids, merging with entities the
//! store already knows (the same Wikidata item, a shared folded alias of any type, or a
//! short form with a single candidate either way round), and turn local indices into ids.
//! Each local entity costs a fixed number of store lookups per name.
//!
//! Invariant: ids are deterministic: a new entity's id is the hash of its type and
//! folded name, so re-ingesting the same corpus into an empty store gives the same ids.
//! Curation rules win over the extractor and the linker: an id a curator merged away
//! leads to the entity it was merged into, a split-off alias to its own entity, and an
//! entity whose type a curator set matches names of any type.
//! Resolve reads known entities through `KnownEntities` and writes nothing.

pub mod score;

use crate::model::{
    fold, short_forms, Document, EntityContribution, EntityType, Evidence, Extraction, LocalEntity, ResolvedDocument,
    StoredMention, StoredQuote, StoredRelation,
};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// An entity the store already holds, as resolution sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownEntity {
    pub id: String,
    pub entity_type: EntityType,
    /// Its Wikidata QID, if linked.
    pub wikidata: Option<String>,
    /// A curator set its type, so the extractor's type for its names does not matter.
    pub curated_type: bool,
}

/// What resolution needs to know about the entities already stored. A lookup that cannot
/// read says so (`Err`), never "not found": resolution would then make a duplicate.
pub trait KnownEntities {
    type Error;
    /// The entity linked to this Wikidata QID, if any.
    fn by_wikidata(&self, qid: &str) -> Result<Option<String>, Self::Error>;
    /// Entities that have `folded` among their folded aliases.
    fn by_folded_alias(&self, folded: &str) -> Result<Vec<KnownEntity>, Self::Error>;
    /// Entities with `folded` among the short forms of their names (`model::short_forms`:
    /// "sauwens" of "Johan Sauwens").
    fn by_name_part(&self, folded: &str) -> Result<Vec<KnownEntity>, Self::Error>;
    /// The entity a curator merged `id` into, if any.
    fn merged_into(&self, id: &str) -> Result<Option<String>, Self::Error>;
    /// The entity a curator split the alias `name` (compared folded) off `id` into, if any.
    fn split_off(&self, id: &str, name: &str) -> Result<Option<String>, Self::Error>;
}

/// Longest chain of merges and splits followed (a curator cannot make a cycle, but a
/// damaged store should not hang ingestion).
const MAX_CURATION_HOPS: usize = 32;

/// Where curation sends an entity that the extractor named `name` and resolution gave `id`.
fn follow_curation<K: KnownEntities>(mut id: String, name: &str, known: &K) -> Result<String, K::Error> {
    for _ in 0..MAX_CURATION_HOPS {
        let next = match known.split_off(&id, name)? {
            Some(next) => Some(next),
            None => known.merged_into(&id)?,
        };
        match next {
            Some(next) => id = next,
            None => break,
        }
    }
    Ok(id)
}

fn digest(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0u8]);
    }
    h.finalize()[..12].iter().map(|b| format!("{b:02x}")).collect()
}

/// Id of an entity not linked to Wikidata: its type and folded name.
pub fn entity_id(entity_type: EntityType, name: &str) -> String {
    format!("e{}", digest(&[entity_type.as_str(), &fold(name)]))
}

/// Id of the entity a curator split the alias `folded` off `from` into.
pub fn split_entity_id(from: &str, folded: &str) -> String {
    format!("e{}", digest(&["split", from, folded]))
}

/// Id of an entity linked to Wikidata: its QID alone, so every mention of the item,
/// whatever its name or type in that article, lands on one entity.
pub fn wikidata_entity_id(qid: &str) -> String {
    format!("e{}", digest(&["wikidata", qid]))
}

/// The global id for one local entity:
/// - linked to QID q: the entity already holding q; else a stored entity of the same
///   type and a shared alias that is not linked to another item (it gains q); else a
///   new id from q;
/// - not linked: a stored entity of the same type and a shared alias (its canonical
///   name first, then the smallest id); else a new id from type and name;
/// - then curation rules (`follow_curation`).
fn global_id<K: KnownEntities>(e: &LocalEntity, known: &K) -> Result<String, K::Error> {
    follow_curation(extracted_id(e, known)?, &e.name, known)
}

/// `global_id` before curation rules ("same type" includes any type when curated).
fn extracted_id<K: KnownEntities>(e: &LocalEntity, known: &K) -> Result<String, K::Error> {
    let qid = e.wikidata.as_ref().map(|w| w.id.as_str());
    if let Some(q) = qid {
        if let Some(id) = known.by_wikidata(q)? {
            return Ok(id);
        }
    }
    // One store lookup per distinct alias; a hit on the canonical name wins, then
    // the smallest id among the aliases' hits (deterministic).
    let exact = fold(&e.name);
    let mut folded: Vec<String> = std::iter::once(&e.name).chain(&e.aliases).map(|a| fold(a)).collect();
    folded.sort();
    folded.dedup();
    // Candidates ranked: the canonical name's before other aliases', the same type
    // before another (NER types flip between articles: a company is once PER, once
    // ORG), then the smallest id.
    let mut best: Option<((bool, bool), String)> = None;
    for alias in &folded {
        for k in known.by_folded_alias(alias)? {
            if qid.is_some() && k.wikidata.is_some() {
                continue;
            }
            let rank = (*alias != exact, k.entity_type != e.entity_type && !k.curated_type);
            if best.as_ref().is_none_or(|(r, id)| (rank, &k.id) < (*r, id)) {
                best = Some((rank, k.id));
            }
        }
    }
    if let Some((_, id)) = best {
        return Ok(id);
    }
    let short = match short_form_of(e, &folded, known)? {
        Some(id) => Some(id),
        None => named_short_before(e, &folded, known)?,
    };
    Ok(short.unwrap_or_else(|| match qid {
        Some(q) => wikidata_entity_id(q),
        None => entity_id(e.entity_type, &e.name),
    }))
}

/// A stored entity that earlier articles named only short and `e` names in full:
/// "Johan Sauwens" after articles that wrote only "Sauwens". The short forms of `e`'s
/// names (`model::short_forms`) are looked up as folded aliases; it is that entity when
/// they all find the same one, of a kind that fits (a person for a person; an
/// organisation or a MISC thing for an organisation: never a place, "Brugge" is not
/// "Club Brugge"), and no stored entity has a longer name with that short form (then
/// the short name may be that other one's: "Piet Sauwens").
/// `folded`: the entity's names, folded and deduplicated.
fn named_short_before<K: KnownEntities>(
    e: &LocalEntity,
    folded: &[String],
    known: &K,
) -> Result<Option<String>, K::Error> {
    let fits = |t: EntityType| match e.entity_type {
        EntityType::Person => matches!(t, EntityType::Person | EntityType::Misc),
        _ => matches!(t, EntityType::Organization | EntityType::Misc),
    };
    let mut found: Option<String> = None;
    for name in folded {
        for short in short_forms(e.entity_type, name) {
            let hits: Vec<KnownEntity> = known
                .by_folded_alias(&short)?
                .into_iter()
                .filter(|k| (k.wikidata.is_none() || e.wikidata.is_none()) && fits(k.entity_type))
                .collect();
            match hits.as_slice() {
                [] => {}
                [only] if found.as_ref().is_none_or(|f| *f == only.id) && known.by_name_part(&short)?.is_empty() => {
                    found = Some(only.id.clone());
                }
                _ => return Ok(None),
            }
        }
    }
    Ok(found)
}

/// A stored entity that `e` names short: every name of `e` is a short form of a name
/// of the same stored entity ("Sauwens" after an article named "Johan Sauwens"), and
/// of no other's (two people sharing a surname stay apart). A person's short name is not
/// read as an organisation's, nor an organisation's as a person's.
/// `folded`: the entity's names, folded and deduplicated.
fn short_form_of<K: KnownEntities>(e: &LocalEntity, folded: &[String], known: &K) -> Result<Option<String>, K::Error> {
    if !matches!(e.entity_type, EntityType::Person | EntityType::Organization | EntityType::Misc) {
        return Ok(None);
    }
    let mut found: Option<String> = None;
    for name in folded {
        let fits: Vec<KnownEntity> = known
            .by_name_part(name)?
            .into_iter()
            .filter(|k| k.wikidata.is_none() || e.wikidata.is_none())
            .filter(|k| match k.entity_type {
                EntityType::Person => e.entity_type != EntityType::Organization,
                _ => e.entity_type != EntityType::Person,
            })
            .collect();
        match fits.as_slice() {
            [only] if found.as_ref().is_none_or(|f| *f == only.id) => found = Some(only.id.clone()),
            _ => return Ok(None),
        }
    }
    Ok(found)
}

pub fn relation_id(source: &str, kind: &str, predicate: &str, target: &str) -> String {
    format!("r{}", digest(&[source, kind, predicate, target]))
}

/// Give the extraction's entities global ids; fails when a lookup cannot read the store.
pub fn resolve<K: KnownEntities>(
    document: Document,
    extraction: Extraction,
    known: &K,
) -> Result<ResolvedDocument, K::Error> {
    // Entities of one article linked to the same item are one entity.
    let mut by_qid: BTreeMap<&str, String> = BTreeMap::new();
    let mut ids: Vec<String> = Vec::with_capacity(extraction.entities.len());
    for e in &extraction.entities {
        let id = match e.wikidata.as_ref() {
            Some(w) => match by_qid.get(w.id.as_str()) {
                Some(id) => id.clone(),
                None => {
                    let id = global_id(e, known)?;
                    by_qid.insert(w.id.as_str(), id.clone());
                    id
                }
            },
            None => global_id(e, known)?,
        };
        ids.push(id);
    }
    let mut contributions: BTreeMap<String, EntityContribution> = BTreeMap::new();
    for (local, e) in extraction.entities.iter().enumerate() {
        let c = contributions.entry(ids[local].clone()).or_insert_with(|| EntityContribution {
            id: ids[local].clone(),
            name: e.name.clone(),
            entity_type: e.entity_type,
            aliases: BTreeMap::new(),
            roles: Vec::new(),
            mention_count: 0,
            wikidata: None,
        });
        if c.wikidata.is_none() {
            c.wikidata = e.wikidata.clone();
        }
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
                if m.source.is_named() {
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
                source: m.source,
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
                    extractor: r.extractor,
                },
            }
        })
        .collect();
    let quotes = extraction
        .quotes
        .iter()
        .map(|q| StoredQuote {
            speaker: q.speaker.map(|s| ids[s].clone()),
            kind: q.kind,
            document: doc_id.clone(),
            text: q.text.clone(),
            span: q.span,
            about: q.about.iter().map(|a| ids[*a].clone()).collect(),
            extractor: q.extractor,
        })
        .collect();
    Ok(ResolvedDocument {
        document,
        sentences: extraction.sentences,
        entities: contributions.into_values().collect(),
        mentions,
        relations,
        quotes,
    })
}
