//! The averaged multi-class perceptron behind the syntax tagger and parser.
//!
//! Training keeps a dense weight row per feature that was ever updated (`Trainer`);
//! `Trainer::averaged` turns it into the shipped `Weights`: per feature only the classes
//! whose averaged weight is not (nearly) zero, as sparse `(class, weight)` entries.
//!
//! Invariants: a feature is a well-mixed `u64` (see `feature`); class ids are below the
//! class count given at construction; scoring a feature never seen adds nothing.

use crate::extract::ner::PassThrough;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::hash::BuildHasherDefault;

type Index = HashMap<u64, u32, BuildHasherDefault<PassThrough>>;

/// splitmix64's finaliser: every output bit depends on every input bit.
pub const fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A feature: its template number and the values it combines.
pub fn feature(template: u64, values: &[u64]) -> u64 {
    let mut h = mix(template.wrapping_add(0x9E37_79B9_7F4A_7C15));
    for &v in values {
        h = mix(h ^ v.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    }
    h
}

/// A string's hash, for feature values (FNV-1a, then mixed).
pub fn text_hash(s: &str) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for b in s.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3);
    }
    mix(h)
}

/// Index of the highest score among the classes `allowed` accepts (the first on ties);
/// `None` when it accepts none.
pub fn best(scores: &[f32], allowed: impl Fn(usize) -> bool) -> Option<usize> {
    let mut out: Option<usize> = None;
    for (c, &s) in scores.iter().enumerate() {
        if allowed(c) && out.is_none_or(|b| s > scores[b]) {
            out = Some(c);
        }
    }
    out
}

/// Weights being trained: a dense row per updated feature, with the running sums that
/// averaging needs (`sums[i]` accumulates each update times the step it was made at;
/// f32 keeps training memory down and costs the averages about 1e-4).
pub struct Trainer {
    classes: usize,
    index: Index,
    weights: Vec<f32>,
    sums: Vec<f32>,
    step: u64,
}

impl Trainer {
    /// At most `MAX_ROW_ENTRIES` classes: a feature's entries must fit the model's checks.
    pub fn new(classes: usize) -> Self {
        Self { classes, index: Index::default(), weights: Vec::new(), sums: Vec::new(), step: 1 }
    }

    pub fn scores(&self, features: &[u64], out: &mut [f32]) {
        out.fill(0.0);
        for f in features {
            if let Some(&row) = self.index.get(f) {
                let row = &self.weights[row as usize * self.classes..][..self.classes];
                for (o, w) in out.iter_mut().zip(row) {
                    *o += w;
                }
            }
        }
    }

    /// One perceptron update: towards `truth`, away from `guess` (nothing when equal).
    pub fn update(&mut self, features: &[u64], truth: usize, guess: usize) {
        if truth == guess {
            return;
        }
        let step = self.step as f32;
        for f in features {
            let rows = self.index.len() as u32;
            let row = *self.index.entry(*f).or_insert(rows) as usize;
            if row == rows as usize {
                self.weights.resize(self.weights.len() + self.classes, 0.0);
                self.sums.resize(self.sums.len() + self.classes, 0.0);
            }
            let at = row * self.classes;
            self.weights[at + truth] += 1.0;
            self.sums[at + truth] += step;
            self.weights[at + guess] -= 1.0;
            self.sums[at + guess] -= step;
        }
    }

    /// Marks the end of one training instance (averaging weighs each weight by how many
    /// instances it stood for).
    pub fn tick(&mut self) {
        self.step += 1;
    }

    /// The averaged weights, leaving out entries whose magnitude is below `min_weight`.
    pub fn averaged(&self, min_weight: f32) -> Weights {
        let step = self.step as f64;
        let mut rows: Vec<(u64, u32)> = self.index.iter().map(|(&f, &r)| (f, r)).collect();
        rows.sort_unstable();
        let mut out = Weights { classes: self.classes as u32, ..Weights::default() };
        for (f, r) in rows {
            let at = r as usize * self.classes;
            let start = out.entries.len();
            for c in 0..self.classes {
                let avg = (f64::from(self.weights[at + c]) - f64::from(self.sums[at + c]) / step) as f32;
                if avg.abs() >= min_weight {
                    out.entries.push((c as u16, avg));
                }
            }
            if out.entries.len() >= MAX_ENTRIES {
                out.entries.truncate(start);
                tracing::warn!(
                    kept = out.features.len(),
                    "weights past {MAX_ENTRIES} entries dropped: raise the minimum weight"
                );
                break;
            }
            if out.entries.len() > start {
                out.features.push(f);
                out.ends.push(out.entries.len() as u32);
            }
        }
        out.build_index();
        out
    }
}

/// Trained weights: for each feature, its non-zero `(class, weight)` entries.
#[derive(Default, Serialize, Deserialize)]
pub struct Weights {
    classes: u32,
    /// Sorted feature hashes.
    features: Vec<u64>,
    /// `ends[i]`: one past the last entry of `features[i]`.
    ends: Vec<u32>,
    entries: Vec<(u16, f32)>,
    #[serde(skip)]
    index: Slots,
    /// Rows with at least half of the classes, written out in full (`classes` weights
    /// each, zero where the row has no entry): adding a dense row reads half the memory
    /// of its entries and vectorises.
    #[serde(skip)]
    dense: Vec<f32>,
}

/// One feature's place in the lookup table: a fingerprint (the feature's high 31 bits,
/// with the top bit set; 0 marks an empty slot) and the row itself when it has at most
/// two entries (most rows: a perceptron update adds to one class and takes from
/// another), so that a lookup is one read of 16 bytes. `class[0]` is `LONG` for a longer
/// row (`weight[0]`'s bits: its first entry, `weight[1]`'s: one past its last) and
/// `DENSE` for a dense row (`weight[0]`'s bits: its row in `Weights::dense`); an unused
/// second entry has class `UNUSED`.
#[derive(Clone, Copy, Default)]
#[repr(C, align(16))]
struct Slot {
    fingerprint: u32,
    class: [u16; 2],
    weight: [f32; 2],
}

const LONG: u16 = u16::MAX;
const DENSE: u16 = u16::MAX - 1;
const UNUSED: u16 = u16::MAX - 2;

fn fingerprint(f: u64) -> u32 {
    (f >> 32) as u32 | 0x8000_0000
}

/// Feature → slot, open addressing with linear probing at most half full. Two features
/// that share a fingerprint and probe sequence would share weights: with 31-bit
/// fingerprints that is about one in two billion lookups.
#[derive(Default)]
struct Slots {
    slots: Vec<Slot>,
    mask: usize,
}

/// Rows and entry offsets must fit the model's checks.
const MAX_ROW_ENTRIES: usize = (1 << 9) - 1;
const MAX_ENTRIES: usize = 1 << 23;

/// Features are looked up this many at a time: all their slots are read before any is
/// used, so that the cache misses of the reads overlap instead of following each other.
const BATCH: usize = 32;

impl Slots {
    fn new(rows: Vec<(u64, Slot)>) -> Self {
        let size = (rows.len() * 2).next_power_of_two().max(16);
        let mut out = Slots { slots: vec![Slot::default(); size], mask: size - 1 };
        for (f, slot) in rows {
            let mut at = f as usize & out.mask;
            while out.slots[at].fingerprint != 0 {
                at = (at + 1) & out.mask;
            }
            out.slots[at] = slot;
        }
        out
    }

    /// The slot of feature `f`, whose home slot holds `first` (already read).
    fn find(&self, f: u64, first: Slot) -> Option<Slot> {
        let wanted = fingerprint(f);
        let mut at = f as usize & self.mask;
        let mut slot = first;
        loop {
            if slot.fingerprint == 0 {
                return None;
            }
            if slot.fingerprint == wanted {
                return Some(slot);
            }
            at = (at + 1) & self.mask;
            slot = self.slots[at];
        }
    }
}

impl Weights {
    pub fn classes(&self) -> usize {
        self.classes as usize
    }

    pub fn entry_count(&self) -> usize {
        self.entries.len()
    }

    /// Rebuilds the lookup table and the dense rows after decoding.
    pub fn build_index(&mut self) {
        let classes = self.classes as usize;
        let mut rows = Vec::with_capacity(self.features.len());
        self.dense.clear();
        let mut start = 0u32;
        for (&f, &end) in self.features.iter().zip(&self.ends) {
            let row = &self.entries[start as usize..end as usize];
            let mut slot = Slot { fingerprint: fingerprint(f), class: [UNUSED; 2], weight: [0.0; 2] };
            if !row.is_empty() && 2 * row.len() >= classes {
                let at = self.dense.len();
                self.dense.resize(at + classes, 0.0);
                for &(c, v) in row {
                    self.dense[at + c as usize] = v;
                }
                slot.class[0] = DENSE;
                slot.weight[0] = f32::from_bits((at / classes) as u32);
            } else if row.len() > 2 {
                slot.class[0] = LONG;
                slot.weight = [f32::from_bits(start), f32::from_bits(end)];
            } else {
                for (k, &(c, v)) in row.iter().enumerate() {
                    (slot.class[k], slot.weight[k]) = (c, v);
                }
            }
            rows.push((f, slot));
            start = end;
        }
        self.index = Slots::new(rows);
    }

    /// Whether the decoded parts agree with each other (checked before `build_index`).
    pub fn is_consistent(&self) -> bool {
        self.features.len() == self.ends.len()
            && self.classes < u32::from(UNUSED)
            && self.ends.windows(2).all(|w| w[0] <= w[1])
            && self.ends.last().is_none_or(|&e| e as usize == self.entries.len())
            && self.entries.iter().all(|&(c, _)| u32::from(c) < self.classes)
            && self.entries.len() < MAX_ENTRIES
            && std::iter::once(0)
                .chain(self.ends.iter().copied())
                .zip(&self.ends)
                .all(|(a, &b)| (b - a) as usize <= MAX_ROW_ENTRIES)
            && self.features.windows(2).all(|w| w[0] < w[1])
    }

    /// The sum of the features' rows. The same sums, in the same order, as adding each
    /// feature's entries one by one (a dense row adds zeros where it has no entry).
    pub fn scores(&self, features: &[u64], out: &mut [f32]) {
        out.fill(0.0);
        if self.index.slots.is_empty() {
            return;
        }
        let classes = self.classes as usize;
        for chunk in features.chunks(BATCH) {
            let mut first = [Slot::default(); BATCH];
            for (s, &f) in first.iter_mut().zip(chunk) {
                *s = self.index.slots[f as usize & self.index.mask];
            }
            let mut found = [Slot::default(); BATCH];
            let mut n = 0;
            let mut touched = 0.0f32;
            for (&f, &s) in chunk.iter().zip(&first) {
                let Some(slot) = self.index.find(f, s) else { continue };
                // Read the start of a row kept outside its slot now, so that its miss
                // overlaps the others.
                match slot.class[0] {
                    LONG => touched += self.entries[slot.weight[0].to_bits() as usize].1,
                    DENSE => touched += self.dense[slot.weight[0].to_bits() as usize * classes],
                    _ => {}
                }
                found[n] = slot;
                n += 1;
            }
            std::hint::black_box(touched);
            for slot in &found[..n] {
                match slot.class[0] {
                    LONG => {
                        let (start, end) = (slot.weight[0].to_bits() as usize, slot.weight[1].to_bits() as usize);
                        for &(c, v) in &self.entries[start..end] {
                            out[c as usize] += v;
                        }
                    }
                    DENSE => {
                        let row = &self.dense[slot.weight[0].to_bits() as usize * classes..][..classes];
                        for (o, w) in out.iter_mut().zip(row) {
                            *o += w;
                        }
                    }
                    c => {
                        out[c as usize] += slot.weight[0];
                        if slot.class[1] != UNUSED {
                            out[slot.class[1] as usize] += slot.weight[1];
                        }
                    }
                }
            }
        }
    }
}

/// A small deterministic generator (xorshift64*) for shuffling and exploration.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(mix(seed) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next_u64() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn training_separates_two_classes_and_averaging_keeps_them_apart() {
        let (a, b) = (feature(1, &[text_hash("a")]), feature(1, &[text_hash("b")]));
        let mut t = Trainer::new(3);
        let mut scores = [0f32; 3];
        for _ in 0..5 {
            for (f, truth) in [(a, 0), (b, 2)] {
                t.scores(&[f], &mut scores);
                let guess = best(&scores, |_| true).unwrap_or(0);
                t.update(&[f], truth, guess);
                t.tick();
            }
        }
        let w = t.averaged(1e-6);
        assert!(w.is_consistent());
        w.scores(&[a], &mut scores);
        assert_eq!(best(&scores, |_| true), Some(0));
        w.scores(&[b], &mut scores);
        assert_eq!(best(&scores, |_| true), Some(2));
        w.scores(&[feature(9, &[])], &mut scores);
        assert_eq!(scores, [0.0; 3]);
        assert_eq!(best(&scores, |c| c == 1), Some(1));
        assert_eq!(best(&scores, |_| false), None);
    }
}
