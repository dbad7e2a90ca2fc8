//! Per-document bounds on what an extraction keeps, so that resolving and storing one
//! document costs memory bounded whatever its text. The store writes a document in one
//! atomic batch, and a batch costs a few kilobytes of memory per key until it is applied
//! (one key per mention and per relation statement): a 2 MB text repeating one paragraph
//! states the same few relations tens of thousands of times.
//!
//! Invariant: after `bound`, every index (mention entity, relation endpoints, quote
//! speaker and about) points into `Extraction::entities`, every entity keeps at least one
//! mention, and each cut is reported in `Extraction::diagnostics`. News articles are far
//! below every bound (the reference article: 33 mentions, 15 entities, 29 relations).

use crate::model::{Extraction, RelationKind};
use std::collections::HashMap;

/// Mentions kept per document, the first in text order.
pub const MAX_MENTIONS: usize = 10_000;
/// Entities kept per document, in order of first mention.
pub const MAX_ENTITIES: usize = 2_000;
/// Statements kept of one relation (same endpoints, kind and predicate) per document:
/// more are repetition, not more support.
pub const MAX_STATEMENTS_PER_RELATION: usize = 8;
/// Relation statements kept per document.
pub const MAX_RELATIONS: usize = 10_000;

/// Cut `extraction` down to the bounds above, saying what was cut.
pub fn bound(extraction: &mut Extraction) {
    let x = extraction;
    if x.mentions.len() > MAX_MENTIONS {
        let from = x.mentions[MAX_MENTIONS].span.start;
        x.diagnostics.push(format!(
            "the document has {} mentions; only the first {MAX_MENTIONS} are kept (up to byte {from})",
            x.mentions.len()
        ));
        x.mentions.truncate(MAX_MENTIONS);
    }
    keep_mentioned_entities(x);
    let before = x.relations.len();
    let mut statements: HashMap<(usize, usize, RelationKind, &str), usize> = HashMap::new();
    let keep: Vec<bool> = x
        .relations
        .iter()
        .map(|r| {
            let n = statements.entry((r.source, r.target, r.kind, r.predicate.as_str())).or_default();
            *n += 1;
            *n <= MAX_STATEMENTS_PER_RELATION
        })
        .collect();
    let mut keep = keep.into_iter();
    x.relations.retain(|_| keep.next().unwrap_or(false));
    if x.relations.len() < before {
        x.diagnostics.push(format!(
            "{} statements of relations already stated {MAX_STATEMENTS_PER_RELATION} times in the document are not kept",
            before - x.relations.len()
        ));
    }
    if x.relations.len() > MAX_RELATIONS {
        x.diagnostics
            .push(format!("the document states {} relations; only {MAX_RELATIONS} are kept", x.relations.len()));
        x.relations.truncate(MAX_RELATIONS);
    }
}

/// Keep the first `MAX_ENTITIES` entities that still have a mention, and only what
/// refers to them; renumber the rest.
fn keep_mentioned_entities(x: &mut Extraction) {
    let mut first_mention = vec![usize::MAX; x.entities.len()];
    for (i, m) in x.mentions.iter().enumerate() {
        first_mention[m.entity] = first_mention[m.entity].min(i);
    }
    let mut order: Vec<usize> = (0..x.entities.len()).filter(|&e| first_mention[e] != usize::MAX).collect();
    if order.len() == x.entities.len() && order.len() <= MAX_ENTITIES {
        return;
    }
    if order.len() > MAX_ENTITIES {
        x.diagnostics
            .push(format!("the document names {} entities; only the first {MAX_ENTITIES} named are kept", order.len()));
        order.sort_by_key(|&e| first_mention[e]);
        order.truncate(MAX_ENTITIES);
        order.sort_unstable();
    }
    let mut new_index = vec![None; x.entities.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = Some(new);
    }
    let mut old = 0;
    x.entities.retain(|_| {
        old += 1;
        new_index[old - 1].is_some()
    });
    x.mentions.retain_mut(|m| new_index[m.entity].map(|e| m.entity = e).is_some());
    x.relations.retain_mut(|r| match (new_index[r.source], new_index[r.target]) {
        (Some(s), Some(t)) => {
            (r.source, r.target) = (s, t);
            true
        }
        _ => false,
    });
    for q in &mut x.quotes {
        q.speaker = q.speaker.and_then(|s| new_index[s]);
        q.about = q.about.iter().filter_map(|&a| new_index[a]).collect();
    }
}
