//! Records that readers (the API's entity pages, evidence lists and article views) ask for
//! again and again, decoded once and kept in memory: documents, each entity's mentions
//! and each relation's evidence, numbered by place.
//!
//! Invariant: the cache never answers with something the tree no longer holds. sled is
//! opened by one process only (its lock) and every write goes through
//! `SledStore::apply`, which, after its batch has landed, drops the entries the batch
//! touched and starts a new generation. A value read from the tree is kept only when no
//! batch landed since the read began (the generation is unchanged), so a reader racing a
//! commit never keeps what the commit replaced.
//!
//! Memory is bounded: each kind holds at most `BYTES_PER_KIND`, counted from the encoded
//! size of what it decoded; when an entry would not fit, every other entry goes (the
//! hot half survives on average, and no request pays for reading the whole cache).

use super::super::Numbered;
use crate::model::{DocumentRecord, Evidence, StoredMention};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

/// What each kind of entry may hold, in bytes (decoded records are about twice their
/// encoding; the estimate counts that).
const BYTES_PER_KIND: usize = 64 * 1024 * 1024;
/// What one entry costs beyond its records' bytes (key, map slot, `Arc`).
const ENTRY_BYTES: usize = 128;

#[derive(Default)]
pub struct ReadCache(Mutex<Kinds>);

#[derive(Default)]
pub struct Kinds {
    /// Bumped by every batch that lands.
    generation: u64,
    documents: Bounded<Arc<DocumentRecord>>,
    mentions: Bounded<Numbered<StoredMention>>,
    evidence: Bounded<Numbered<Evidence>>,
}

/// Which kind of entry a read or a keep is about: one of the fields of `Kinds`.
pub type Kind<V> = fn(&mut Kinds) -> &mut Bounded<V>;
pub const DOCUMENTS: Kind<Arc<DocumentRecord>> = |k| &mut k.documents;
pub const MENTIONS_OF: Kind<Numbered<StoredMention>> = |k| &mut k.mentions;
pub const EVIDENCE_OF: Kind<Numbered<Evidence>> = |k| &mut k.evidence;

/// The cache as it was when a read began: where to keep what the read finds.
#[derive(Clone, Copy)]
pub struct Ticket(u64);

/// The entries a landed batch makes stale.
#[derive(Default)]
pub struct Stale {
    pub documents: Vec<String>,
    pub mentions_of: Vec<String>,
    pub evidence_of: Vec<String>,
}

impl ReadCache {
    fn kinds(&self) -> MutexGuard<'_, Kinds> {
        // A panic while holding the lock leaves plain maps behind: still consistent.
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The entry of `kind` under `key`, or the ticket to keep what a read finds.
    pub fn get<V: Clone>(&self, kind: Kind<V>, key: &str) -> Result<V, Ticket> {
        let mut kinds = self.kinds();
        let generation = kinds.generation;
        kind(&mut kinds).get(key).ok_or(Ticket(generation))
    }

    /// Keep `value` (read from `encoded` bytes) unless a batch landed since `ticket`.
    pub fn keep<V: Clone>(&self, kind: Kind<V>, ticket: Ticket, key: &str, value: V, encoded: usize) {
        let mut kinds = self.kinds();
        if kinds.generation == ticket.0 {
            kind(&mut kinds).insert(key, value, encoded);
        }
    }

    pub fn landed(&self, stale: &Stale) {
        let mut kinds = self.kinds();
        kinds.generation += 1;
        stale.documents.iter().for_each(|id| kinds.documents.remove(id));
        stale.mentions_of.iter().for_each(|id| kinds.mentions.remove(id));
        stale.evidence_of.iter().for_each(|id| kinds.evidence.remove(id));
    }

    /// The tree was closed and opened again: nothing kept is known to be true.
    pub fn clear(&self) {
        let mut kinds = self.kinds();
        let generation = kinds.generation + 1;
        *kinds = Kinds { generation, ..Kinds::default() };
    }
}

/// A map within `BYTES_PER_KIND`.
pub struct Bounded<V> {
    entries: HashMap<String, (V, usize)>,
    bytes: usize,
}

impl<V> Default for Bounded<V> {
    fn default() -> Self {
        Self { entries: HashMap::new(), bytes: 0 }
    }
}

impl<V: Clone> Bounded<V> {
    fn get(&self, key: &str) -> Option<V> {
        self.entries.get(key).map(|(v, _)| v.clone())
    }

    fn insert(&mut self, key: &str, value: V, encoded: usize) {
        let cost = 2 * encoded + key.len() + ENTRY_BYTES;
        if cost > BYTES_PER_KIND {
            return;
        }
        self.remove(key);
        if self.bytes + cost > BYTES_PER_KIND {
            let mut keep = false;
            self.entries.retain(|_, _| {
                keep = !keep;
                keep
            });
            self.bytes = self.entries.values().map(|(_, cost)| cost).sum();
        }
        self.bytes += cost;
        self.entries.insert(key.to_string(), (value, cost));
    }

    fn remove(&mut self, key: &str) {
        if let Some((_, cost)) = self.entries.remove(key) {
            self.bytes -= cost;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_that_began_before_a_batch_landed_is_not_kept() {
        let cache = ReadCache::default();
        let list: Numbered<Evidence> = Arc::from(Vec::new());
        let Err(before) = cache.get(EVIDENCE_OF, "r1") else { panic!("empty cache answered") };
        cache.landed(&Stale { evidence_of: vec!["r1".into()], ..Stale::default() });
        cache.keep(EVIDENCE_OF, before, "r1", list.clone(), 10);
        assert!(cache.get(EVIDENCE_OF, "r1").is_err(), "a stale read was kept");
        let Err(after) = cache.get(EVIDENCE_OF, "r1") else { panic!("empty cache answered") };
        cache.keep(EVIDENCE_OF, after, "r1", list, 10);
        assert!(cache.get(EVIDENCE_OF, "r1").is_ok());
        cache.landed(&Stale { evidence_of: vec!["r1".into()], ..Stale::default() });
        assert!(cache.get(EVIDENCE_OF, "r1").is_err(), "a batch left its relation's evidence in the cache");
    }

    #[test]
    fn a_full_kind_drops_half_and_stays_within_its_bytes() {
        let mut bounded = Bounded::default();
        let each = BYTES_PER_KIND / 2 / 10;
        for i in 0..100 {
            bounded.insert(&format!("k{i}"), i, each);
            assert!(bounded.bytes <= BYTES_PER_KIND);
            assert_eq!(bounded.bytes, bounded.entries.values().map(|(_, c)| c).sum::<usize>());
        }
        assert!(bounded.get("k99").is_some(), "the newest entry is kept");
        assert!(bounded.entries.len() < 100);
    }
}
