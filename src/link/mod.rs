//! Stage 2b: link each extracted entity to a Wikidata item, offline, or abstain.
//!
//! For one entity the candidates are the items that carry any of its names. Candidates
//! whose kind contradicts the entity's type are dropped (a PERSON links only to an item
//! named like a person; nothing links to a given-name item). The rest are scored:
//! - prior: items with more Dutch names and lower QIDs are the better-known readings
//!   (Rotterdam the city Q34370 over the municipality Q2680952);
//! - context: "gemeente", "provincie" or "stad" right before mentions favours the
//!   item of that level, by the share of mentions that say so; a municipality or
//!   province reading without such words is penalised (news means the city);
//! - document: an item's qualifier named elsewhere in the article ("Ajax (Ontario)"
//!   when the article names Ontario);
//! - the entity's own name (not just an alias) naming the item, and written with the
//!   same capitals as in the table.
//!
//! The confidence is the winner's share of the candidates' softmax, lowered for names
//! of three letters or fewer; below `MIN_CONFIDENCE` the linker abstains.
//!
//! Invariant: linking only sets `LocalEntity::wikidata`; it never adds, removes or
//! renames entities, so it cannot change what the extractor found.

pub mod index;

pub use index::{IndexError, Item, WikidataIndex};

use crate::model::{fold, EntityType, Extraction, LocalEntity, WikidataLink};
use std::collections::HashSet;

/// Below this confidence the linker leaves an entity unlinked.
pub const MIN_CONFIDENCE: f32 = 0.5;

pub struct Linker {
    index: WikidataIndex,
}

/// What the article says around one entity's mentions.
#[derive(Default)]
struct Context {
    /// Mentions with "gemeente", "provincie" or "stad" right before them, per
    /// `index::MUNICIPALITY`, `PROVINCE`, `CITY` bit (0, 1, 2).
    level_mentions: [usize; 3],
    mentions: usize,
    /// Mentions followed by a lowercase word: a one-word MISC name always followed by
    /// one is an adjective ("een Nederlands bedrijf"), not the language or country.
    before_lowercase_word: usize,
}

impl Linker {
    pub fn new(index: WikidataIndex) -> Self {
        Self { index }
    }

    pub fn index(&self) -> &WikidataIndex {
        &self.index
    }

    /// Set `wikidata` on every entity of `extraction` that can be linked.
    pub fn link(&self, text: &str, extraction: &mut Extraction) {
        let mut contexts: Vec<Context> = extraction.entities.iter().map(|_| Context::default()).collect();
        for m in &extraction.mentions {
            if !m.source.is_named() {
                continue;
            }
            let c = &mut contexts[m.entity];
            c.mentions += 1;
            let level = level_word_before(text, m.span.start) | level_word_in(&m.text);
            for (bit, n) in c.level_mentions.iter_mut().enumerate() {
                if level & (1 << bit) != 0 {
                    *n += 1;
                }
            }
            let next = text[m.span.end..].trim_start().chars().next();
            if !m.text.contains(' ') && next.is_some_and(char::is_lowercase) {
                c.before_lowercase_word += 1;
            }
        }
        let document_names: HashSet<String> = extraction.entities.iter().map(|e| fold(&e.name)).collect();
        for (entity, context) in extraction.entities.iter_mut().zip(&contexts) {
            entity.wikidata = self.best(entity, context, &document_names);
        }
    }

    fn best(&self, entity: &LocalEntity, context: &Context, document_names: &HashSet<String>) -> Option<WikidataLink> {
        if entity.entity_type == EntityType::Role
            || !entity.name.chars().any(char::is_uppercase)
            || is_nationality_adjective(entity)
            || index::is_name_particle(&entity.name)
            || context.before_lowercase_word == context.mentions && entity.entity_type == EntityType::Misc
        {
            return None;
        }
        let own = fold(&entity.name);
        // A person named in full ("Troy Douglas") is looked up by the full name only:
        // "Douglas" alone names other people and things.
        let full_name_only = entity.entity_type == EntityType::Person && own.contains(' ');
        let mut names: Vec<String> = std::iter::once(&entity.name)
            .chain(&entity.aliases)
            .filter(|n| n.chars().any(char::is_uppercase))
            .map(|n| fold(n))
            .filter(|n| !full_name_only || n.contains(' '))
            .collect();
        names.sort();
        names.dedup();
        // (item, folded name that matched, that name as the table writes it, score)
        let mut scored: Vec<(&Item, &str, &str, f64)> = Vec::new();
        for name in &names {
            for (item, written) in self.index.lookup(name) {
                if !named_as_written(entity, written) || !compatible(entity.entity_type, item.kind, name.contains(' '))
                {
                    continue;
                }
                if let Some(s) = scored.iter_mut().find(|s| s.0.qid == item.qid) {
                    if *name == own {
                        (s.1, s.2) = (name, written);
                    }
                    continue;
                }
                scored.push((item, name, written, 0.0));
            }
        }
        if scored.is_empty() {
            return None;
        }
        let surfaces: Vec<&String> = std::iter::once(&entity.name).chain(&entity.aliases).collect();
        for s in &mut scored {
            let as_written = surfaces.iter().any(|n| *n == s.2);
            s.3 = score(s.0, s.1 == own, as_written, context, document_names);
        }
        let top = scored.iter().map(|s| s.3).fold(f64::NEG_INFINITY, f64::max);
        let total: f64 = scored.iter().map(|s| (s.3 - top).exp()).sum();
        let (item, matched, written, _) = scored
            .iter()
            .filter(|s| s.3 == top)
            .min_by_key(|s| s.0.qid)
            .copied()
            .expect("at least one candidate scores the maximum");
        let mut confidence = (1.0 / total) as f32;
        if matched.chars().count() <= 3 {
            confidence *= 0.7;
        }
        if confidence < MIN_CONFIDENCE {
            return None;
        }
        Some(WikidataLink {
            id: item.id(),
            label: written.to_string(),
            confidence: (confidence * 1000.0).round() / 1000.0,
        })
    }
}

/// Does the entity name the item as the table writes it? Names in the table that are
/// lowercase are concepts ("landbouw"); acronyms ("DE") need the same capitals in the
/// text ("De" is not Germany); a person is never linked through an acronym.
fn named_as_written(entity: &LocalEntity, written: &str) -> bool {
    if !written.chars().any(char::is_uppercase) {
        return false;
    }
    let acronym = !written.contains(' ') && !written.chars().any(char::is_lowercase);
    !acronym
        || (entity.entity_type != EntityType::Person
            && std::iter::once(&entity.name).chain(&entity.aliases).any(|n| n == written))
}

/// "Britse", "Nederlandse", "Amerikaanse": an adjective, not a mention of the country.
fn is_nationality_adjective(entity: &LocalEntity) -> bool {
    entity.entity_type == EntityType::Misc
        && !entity.name.contains(' ')
        && (entity.name.ends_with("se") || entity.name.ends_with("sche"))
}

/// May an entity of this type be the item of this kind? A person links to an item
/// named like a person, or to an item of unknown kind through a full (multi-word) name.
fn compatible(entity_type: EntityType, kind: u8, full_name: bool) -> bool {
    if kind & (index::NAME_ITEM | index::CONCEPT) != 0 {
        return false;
    }
    match entity_type {
        EntityType::Person => kind & index::PERSON != 0 || (kind == 0 && full_name),
        EntityType::Location | EntityType::Organization => kind & (index::PERSON | index::WORK) == 0,
        EntityType::Misc | EntityType::Law | EntityType::Event => kind & index::PERSON == 0,
        EntityType::Role => false,
    }
}

fn score(item: &Item, own_name: bool, as_written: bool, context: &Context, names: &HashSet<String>) -> f64 {
    let mut s = (1.0 + f64::from(item.name_count)).ln() - 0.15 * f64::from(item.qid.max(1)).ln();
    if own_name {
        s += 0.5;
    }
    // "Olympische Spelen" written exactly so, not "olympische spelen".
    if as_written {
        s += 0.7;
    }
    // The share of mentions that say this item's level: "provincie Antwerpen" once
    // among four plain "Antwerpen" still means the city.
    let said = (0..3).filter(|bit| item.level & (1 << bit) != 0).map(|bit| context.level_mentions[bit]).sum::<usize>();
    let share = if context.mentions == 0 { 0.0 } else { (said as f64 / context.mentions as f64).min(1.0) };
    s += 3.0 * share;
    if item.level & (index::MUNICIPALITY | index::PROVINCE) != 0 {
        s -= 1.5;
    }
    if item.qualifiers.iter().any(|q| names.contains(q)) {
        s += 2.0;
    }
    s
}

fn level_of(word: &str) -> u8 {
    match word {
        "gemeente" | "gemeenten" => index::MUNICIPALITY,
        "provincie" => index::PROVINCE,
        "stad" => index::CITY,
        _ => 0,
    }
}

/// The level word ("gemeente", "provincie", "stad") just before byte `start`, if any.
fn level_word_before(text: &str, start: usize) -> u8 {
    let before = text[..start].trim_end();
    let word: String =
        before.chars().rev().take_while(|c| c.is_alphabetic()).collect::<Vec<_>>().into_iter().rev().collect();
    level_of(&word.to_lowercase())
}

/// A mention that itself starts with a level word ("Gemeente Rotterdam").
fn level_word_in(mention: &str) -> u8 {
    mention.split_whitespace().next().map(|w| level_of(&w.to_lowercase())).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Mention, Span};

    fn linker() -> Linker {
        let table = "Q34370\tMokum Reisj\tR'dam\tRoffa\tRotjeknar\tRotjeknor\tRotterdam\n\
                     Q2680952\tRotterdam\tRotterdam (gemeente)\tgemeente Rotterdam\n\
                     Q166127\tRotterdam\tRotterdam (schip, 1959)\n\
                     Q401107\tAboutaleb\tAbutaleb\tAhmed Aboutaleb\n\
                     Q247949\tBush\n\
                     Q1159023\tGuy\tGuy (voornaam)\n";
        let first: HashSet<String> = ["ahmed"].iter().map(|s| s.to_string()).collect();
        Linker::new(WikidataIndex::build(table, &first, String::new()).expect("builds"))
    }

    fn extraction(text: &str, entities: &[(&str, EntityType)]) -> Extraction {
        let mut x = Extraction::default();
        for (i, (name, t)) in entities.iter().enumerate() {
            x.entities.push(LocalEntity {
                name: name.to_string(),
                entity_type: *t,
                aliases: vec![name.to_string()],
                roles: Vec::new(),
                wikidata: None,
            });
            for (start, _) in text.match_indices(name) {
                x.mentions.push(Mention {
                    entity: i,
                    sentence: 0,
                    span: Span::new(start, start + name.len()),
                    text: name.to_string(),
                    confidence: 1.0,
                    source: crate::model::MentionSource::Ner,
                });
            }
        }
        x
    }

    fn linked(text: &str, entities: &[(&str, EntityType)]) -> Vec<Option<String>> {
        let mut x = extraction(text, entities);
        linker().link(text, &mut x);
        x.entities.into_iter().map(|e| e.wikidata.map(|w| w.id)).collect()
    }

    #[test]
    fn the_city_unless_the_text_says_municipality() {
        assert_eq!(linked("In Rotterdam regent het.", &[("Rotterdam", EntityType::Location)]), [Some("Q34370".into())]);
        assert_eq!(
            linked("De gemeente Rotterdam betaalt.", &[("Rotterdam", EntityType::Location)]),
            [Some("Q2680952".into())]
        );
    }

    #[test]
    fn persons_link_only_to_items_named_like_persons() {
        assert_eq!(linked("Aboutaleb sprak.", &[("Aboutaleb", EntityType::Person)]), [Some("Q401107".into())]);
        assert_eq!(linked("Bush sprak.", &[("Bush", EntityType::Person)]), [None]);
        assert_eq!(linked("Guy sprak.", &[("Guy", EntityType::Person)]), [None]);
        assert_eq!(linked("Aboutaleb ligt daar.", &[("Aboutaleb", EntityType::Location)]), [None]);
    }

    #[test]
    fn unknown_names_and_roles_stay_unlinked() {
        assert_eq!(linked("Meld Misdaad Anoniem belt.", &[("Meld Misdaad Anoniem", EntityType::Organization)]), [None]);
        assert_eq!(
            linked("de burgemeester van Rotterdam", &[("burgemeester van Rotterdam", EntityType::Role)]),
            [None]
        );
    }
}
