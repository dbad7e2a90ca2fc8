//! Part of speech and morphological features: two greedy averaged perceptrons, left to
//! right. The first gives the UPOS tag from the word, its neighbours and the two tags
//! before it; the second gives the feature bundle from the word and the UPOS tags around
//! it, choosing among the bundles the training data shows with that UPOS tag.
//!
//! Invariant: every `Tag::feats` indexes `Tagger::bundles`.

use super::conllu::GoldSentence;
use super::perceptron::{best, feature, text_hash, Rng, Trainer, Weights};
use super::{Features, ModelError, Upos};
use crate::extract::ner::clusters::WordClusters;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tag {
    pub upos: Upos,
    /// Index into the model's feature bundles.
    pub feats: u16,
    /// The word list has the word in lowercase.
    pub listed: bool,
    /// The word's class in each clustering of unlabelled text (`CLUSTERINGS` of them,
    /// coarse to fine); 0: the text did not have the word often enough.
    pub clusters: [u16; CLUSTERINGS],
}

/// How many word clusterings the tagger and parser read (the first ones the model has).
pub const CLUSTERINGS: usize = 3;

/// A word's classes in the clusterings (0 where it has none).
fn clusters_of(clusters: &WordClusters, lower: &str) -> [u16; CLUSTERINGS] {
    let found = clusters.classes(lower);
    std::array::from_fn(|k| found.get(k).copied().unwrap_or(0))
}

/// A cluster class as a feature value, distinct per clustering.
pub fn cluster_atom(k: usize, class: u16) -> u64 {
    0xC100_0000 + ((k as u64 + 1) << 20) + u64::from(class)
}

/// What a word list (hunspell's `nl.dic`) says of each word: the first letters of its
/// affix flags (in OpenTaal's list these group by word class: `A…` adjectives, `C…`
/// nouns, `P…` verbs, `PN` names) and whether it is listed in lowercase or capitalised.
#[derive(Default, Serialize, Deserialize)]
pub struct WordClasses {
    /// Sorted (hash of the lowercased word, class bits).
    entries: Vec<(u64, u64)>,
}

const LISTED_LOWERCASE: u64 = 1 << 62;
const LISTED_CAPITALISED: u64 = 1 << 63;

impl WordClasses {
    pub fn new(words: &[crate::extract::ner::WordEntry]) -> Self {
        let mut bits: HashMap<u64, u64> = HashMap::new();
        for w in words {
            let mut b = if w.word.chars().next().is_some_and(char::is_uppercase) {
                LISTED_CAPITALISED
            } else {
                LISTED_LOWERCASE
            };
            for f in &w.flags {
                let letter = f[0];
                if letter.is_ascii_alphabetic() {
                    let k = if letter.is_ascii_uppercase() { letter - b'A' } else { 26 + letter - b'a' };
                    b |= 1 << k;
                }
            }
            *bits.entry(text_hash(&w.word.to_lowercase())).or_default() |= b;
        }
        let mut entries: Vec<(u64, u64)> = bits.into_iter().collect();
        entries.sort_unstable();
        Self { entries }
    }

    /// The class bits of a lowercased word's hash (0: not listed).
    fn of(&self, lower: u64) -> u64 {
        self.entries.binary_search_by_key(&lower, |e| e.0).map_or(0, |i| self.entries[i].1)
    }
}

/// Hashes of one word's spellings, computed once per sentence.
#[derive(Debug, Clone, Copy)]
pub struct WordHashes {
    pub form: u64,
    pub lower: u64,
    pub suffix: [u64; 5],
    pub prefix: [u64; 3],
    pub shape: u64,
    /// The word list's classes for the word (`WordClasses`).
    pub listed: u64,
    /// The word's cluster classes (`cluster_atom`).
    pub cluster: [u64; CLUSTERINGS],
    pub clusters: [u16; CLUSTERINGS],
}

const PAD: u64 = 0x5BD1_E995;

impl WordHashes {
    pub fn new(word: &str, classes: &WordClasses, clusters: &WordClusters) -> Self {
        let lower = word.to_lowercase();
        let chars: Vec<(usize, char)> = lower.char_indices().collect();
        let suffix = std::array::from_fn(|k| {
            let n = k + 1;
            if chars.len() >= n {
                text_hash(&lower[chars[chars.len() - n].0..]) ^ (n as u64)
            } else {
                PAD + n as u64
            }
        });
        let prefix = std::array::from_fn(|k| {
            let n = k + 1;
            let end = chars.get(n).map_or(lower.len(), |c| c.0);
            if chars.len() >= n {
                text_hash(&lower[..end]) ^ ((n as u64) << 8)
            } else {
                PAD + 16 + n as u64
            }
        });
        let lower_hash = text_hash(&lower);
        let found = clusters_of(clusters, &lower);
        Self {
            form: text_hash(word),
            lower: lower_hash,
            suffix,
            prefix,
            shape: shape(word),
            listed: classes.of(lower_hash),
            cluster: std::array::from_fn(|k| cluster_atom(k, found[k])),
            clusters: found,
        }
    }

    /// Stands for a position before the sentence's start or after its end.
    pub const fn outside(side: u64) -> Self {
        let pad = PAD ^ side;
        Self {
            form: pad,
            lower: pad,
            suffix: [pad; 5],
            prefix: [pad; 3],
            shape: pad,
            listed: pad,
            cluster: [pad; CLUSTERINGS],
            clusters: [0; CLUSTERINGS],
        }
    }
}

/// A coarse spelling class: capitalisation, digits, hyphens, length.
fn shape(word: &str) -> u64 {
    let mut chars = word.chars();
    let first = chars.next();
    let upper = word.chars().filter(|c| c.is_uppercase()).count();
    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
    let digits = word.chars().filter(|c| c.is_ascii_digit()).count();
    let class = match first {
        None => 0,
        Some(c) if c.is_uppercase() && upper == letters && letters > 1 => 1,
        Some(c) if c.is_uppercase() => 2,
        Some(c) if c.is_lowercase() && upper > 0 => 3,
        Some(c) if c.is_lowercase() => 4,
        Some(_) if digits > 0 && letters == 0 => 5,
        Some(_) if digits > 0 => 6,
        Some(_) if letters == 0 => 7,
        Some(_) => 8,
    };
    let hyphen = u64::from(word.contains('-'));
    let short = u64::from(word.chars().count() <= 3);
    0x51_0000 + class * 4 + hyphen * 2 + short
}

#[derive(Serialize, Deserialize)]
pub struct Tagger {
    classes: WordClasses,
    clusters: WordClusters,
    upos: Weights,
    feats: Weights,
    /// Feature bundles, as UD writes them; index 0 is the empty bundle.
    bundles: Vec<String>,
    /// For each UPOS tag, the bundles seen with it in training.
    bundles_of: Vec<Vec<u16>>,
    #[serde(skip)]
    shared: Vec<Arc<str>>,
}

const UPOS_CLASSES: usize = Upos::ALL.len();
const START_TAG: u64 = UPOS_CLASSES as u64;
const END_TAG: u64 = UPOS_CLASSES as u64 + 1;

/// Bit of the word list's `P…` flags (verbs).
const VERB_FLAGS: u64 = 1 << (b'P' - b'A');

/// For each word, whether a verb form that needs an auxiliary follows later in the
/// sentence: a past participle ("ge…d/t/n") or an infinitive the word list knows as a verb
/// (Dutch puts them clause-finally, far from the auxiliary).
fn verbs_later(words: &[&str], h: &[WordHashes]) -> Vec<u64> {
    let mut out = vec![0; words.len()];
    let mut later = 0u64;
    for i in (0..words.len()).rev() {
        out[i] = later;
        let lower = words[i].to_lowercase();
        let participle = lower.starts_with("ge") && lower.len() >= 5 && lower.ends_with(['d', 't', 'n']);
        let infinitive = lower.ends_with("en") && h[i].listed & VERB_FLAGS != 0;
        later |= u64::from(participle) | u64::from(infinitive) << 1;
    }
    out
}

/// The item `k` places from `i`, or `before`/`after` past the sentence's ends.
fn around<T: Copy>(items: &[T], i: usize, k: isize, before: T, after: T) -> T {
    match i.checked_add_signed(k) {
        None => before,
        Some(j) => items.get(j).copied().unwrap_or(after),
    }
}

fn upos_features(h: &[WordHashes], later: &[u64], i: usize, prev: u64, prev2: u64, out: &mut Vec<u64>) {
    let at = |k: isize| around(h, i, k, WordHashes::outside(1), WordHashes::outside(2));
    let (w, p1, n1, p2, n2) = (at(0), at(-1), at(1), at(-2), at(2));
    out.clear();
    out.extend_from_slice(&[
        feature(0, &[]),
        feature(1, &[w.lower]),
        feature(2, &[w.form]),
        feature(3, &[w.suffix[0]]),
        feature(4, &[w.suffix[1]]),
        feature(5, &[w.suffix[2]]),
        feature(6, &[w.suffix[3]]),
        feature(7, &[w.prefix[0]]),
        feature(8, &[w.prefix[1]]),
        feature(9, &[w.prefix[2]]),
        feature(10, &[w.shape]),
        feature(11, &[p1.lower]),
        feature(12, &[n1.lower]),
        feature(13, &[p2.lower]),
        feature(14, &[n2.lower]),
        feature(15, &[p1.suffix[2]]),
        feature(16, &[n1.suffix[2]]),
        feature(17, &[prev]),
        feature(18, &[prev, prev2]),
        feature(19, &[prev, w.lower]),
        feature(20, &[w.lower, n1.lower]),
        feature(21, &[p1.lower, w.lower]),
        feature(22, &[u64::from(i == 0), w.shape]),
        feature(23, &[prev, w.suffix[2]]),
        feature(24, &[n1.shape, w.shape]),
        feature(25, &[w.listed]),
        feature(26, &[w.listed, w.suffix[1]]),
        feature(27, &[w.listed, w.shape]),
        feature(28, &[p1.listed]),
        feature(29, &[n1.listed]),
        feature(30, &[prev, w.listed]),
        feature(31, &[w.listed, n1.listed]),
        feature(32, &[later[i]]),
        feature(33, &[w.lower, later[i]]),
        feature(34, &[w.lower, n1.listed]),
        feature(35, &[w.lower, n1.shape]),
        feature(36, &[w.cluster[0]]),
        feature(37, &[w.cluster[1]]),
        feature(38, &[w.cluster[2]]),
        feature(39, &[p1.cluster[1]]),
        feature(40, &[n1.cluster[1]]),
        feature(41, &[prev, w.cluster[1]]),
        feature(42, &[w.cluster[1], n1.cluster[0]]),
        feature(43, &[n2.cluster[0]]),
        feature(44, &[w.suffix[2], w.cluster[0]]),
        feature(45, &[w.suffix[4]]),
    ]);
}

fn feats_features(h: &[WordHashes], tags: &[u64], i: usize, prev_bundle: u64, out: &mut Vec<u64>) {
    let tag = |k: isize| around(tags, i, k, START_TAG, END_TAG);
    let word = |k: isize| around(h, i, k, WordHashes::outside(1), WordHashes::outside(2));
    let (w, t) = (word(0), tag(0));
    out.clear();
    out.extend_from_slice(&[
        feature(100, &[t]),
        feature(101, &[t, w.lower]),
        feature(102, &[t, w.suffix[0]]),
        feature(103, &[t, w.suffix[1]]),
        feature(104, &[t, w.suffix[2]]),
        feature(105, &[t, w.suffix[3]]),
        feature(106, &[t, tag(-1)]),
        feature(107, &[t, tag(1)]),
        feature(108, &[t, word(-1).lower]),
        feature(109, &[t, word(1).lower]),
        feature(110, &[t, w.shape]),
        feature(111, &[t, prev_bundle]),
        feature(112, &[t, tag(-1), tag(1)]),
        feature(113, &[t, word(-2).lower]),
        feature(114, &[t, w.listed]),
    ]);
}

impl Tagger {
    pub fn tag(&self, words: &[&str]) -> Vec<Tag> {
        let hashes: Vec<WordHashes> = words.iter().map(|w| WordHashes::new(w, &self.classes, &self.clusters)).collect();
        let later = verbs_later(words, &hashes);
        let mut scores = vec![0f32; UPOS_CLASSES];
        let mut feats = Vec::with_capacity(32);
        let mut upos = Vec::with_capacity(words.len());
        let (mut prev, mut prev2) = (START_TAG, START_TAG);
        for i in 0..words.len() {
            upos_features(&hashes, &later, i, prev, prev2, &mut feats);
            self.upos.scores(&feats, &mut scores);
            let t = best(&scores, |_| true).unwrap_or(Upos::X.index()) as u64;
            upos.push(t);
            (prev2, prev) = (prev, t);
        }
        let mut bundle_scores = vec![0f32; self.bundles.len()];
        let mut out = Vec::with_capacity(words.len());
        let mut prev_bundle = u64::MAX;
        for i in 0..words.len() {
            feats_features(&hashes, &upos, i, prev_bundle, &mut feats);
            self.feats.scores(&feats, &mut bundle_scores);
            let allowed = &self.bundles_of[upos[i] as usize];
            let b = best(&bundle_scores, |b| allowed.binary_search(&(b as u16)).is_ok()).unwrap_or(0) as u16;
            prev_bundle = u64::from(b);
            let listed = hashes[i].listed & LISTED_LOWERCASE != 0;
            out.push(Tag { upos: Upos::ALL[upos[i] as usize], feats: b, listed, clusters: hashes[i].clusters });
        }
        out
    }

    /// Whether the word list has this lowercase word (as written in lowercase).
    pub fn lists(&self, lower: &str) -> bool {
        self.classes.of(text_hash(lower)) & LISTED_LOWERCASE != 0
    }

    pub fn features(&self, bundle: u16) -> Features {
        Features(self.shared[bundle as usize].clone())
    }

    /// A treebank sentence's own tags (UPOS and bundle), as the parser reads tags.
    pub fn gold_tags(&self, s: &GoldSentence) -> Vec<Tag> {
        s.words
            .iter()
            .map(|w| Tag {
                upos: w.upos,
                feats: self.bundle_index(&w.feats).unwrap_or(0),
                listed: false,
                clusters: clusters_of(&self.clusters, &w.form.to_lowercase()),
            })
            .collect()
    }

    pub fn bundle_index(&self, feats: &str) -> Option<u16> {
        let feats = if feats == "_" { "" } else { feats };
        self.bundles.iter().position(|b| b == feats).map(|i| i as u16)
    }

    pub fn rebuild(&mut self) -> Result<(), ModelError> {
        if !self.upos.is_consistent() || !self.feats.is_consistent() {
            return Err(ModelError::Corrupt("tagger weights do not agree with their index".into()));
        }
        if self.upos.classes() != UPOS_CLASSES
            || self.feats.classes() != self.bundles.len()
            || self.bundles_of.len() != UPOS_CLASSES
            || self.bundles_of.iter().flatten().any(|&b| b as usize >= self.bundles.len())
        {
            return Err(ModelError::Corrupt("tagger classes do not match its tables".into()));
        }
        self.upos.build_index();
        self.feats.build_index();
        self.shared = self.bundles.iter().map(|b| Arc::from(b.as_str())).collect();
        Ok(())
    }

    pub fn weight_count(&self) -> usize {
        self.upos.entry_count() + self.feats.entry_count()
    }

    /// Trains both perceptrons for `epochs` passes over `train`; `report` hears each pass.
    pub fn train(
        train: &[GoldSentence],
        classes: WordClasses,
        clusters: WordClusters,
        epochs: usize,
        seed: u64,
        min_weight: f32,
        mut report: impl FnMut(usize, usize),
    ) -> Tagger {
        let mut bundle_ids: HashMap<String, u16> = HashMap::from([(String::new(), 0)]);
        let mut bundles = vec![String::new()];
        let mut bundles_of: Vec<Vec<u16>> = vec![Vec::new(); UPOS_CLASSES];
        // Per sentence: word hashes, gold UPOS, gold bundle, verbs later (`verbs_later`).
        type Prepared = (Vec<WordHashes>, Vec<u64>, Vec<u16>, Vec<u64>);
        let prepared: Vec<Prepared> = train
            .iter()
            .map(|s| {
                let hashes: Vec<WordHashes> =
                    s.words.iter().map(|w| WordHashes::new(&w.form, &classes, &clusters)).collect();
                let forms: Vec<&str> = s.words.iter().map(|w| w.form.as_str()).collect();
                let later = verbs_later(&forms, &hashes);
                let upos = s.words.iter().map(|w| w.upos.index() as u64).collect();
                let feats = s
                    .words
                    .iter()
                    .map(|w| {
                        let f = if w.feats == "_" { String::new() } else { w.feats.clone() };
                        let id = *bundle_ids.entry(f.clone()).or_insert_with(|| {
                            bundles.push(f);
                            (bundles.len() - 1) as u16
                        });
                        if !bundles_of[w.upos.index()].contains(&id) {
                            bundles_of[w.upos.index()].push(id);
                        }
                        id
                    })
                    .collect();
                (hashes, upos, feats, later)
            })
            .collect();
        for b in &mut bundles_of {
            b.sort_unstable();
        }
        let mut upos_t = Trainer::new(UPOS_CLASSES);
        let mut feats_t = Trainer::new(bundles.len());
        let mut order: Vec<usize> = (0..prepared.len()).collect();
        let mut rng = Rng::new(seed);
        let mut feats = Vec::with_capacity(32);
        let mut scores = vec![0f32; UPOS_CLASSES];
        let mut bundle_scores = vec![0f32; bundles.len()];
        for epoch in 1..=epochs {
            rng.shuffle(&mut order);
            let mut mistakes = 0;
            for &s in &order {
                let (hashes, gold_upos, gold_feats, later) = &prepared[s];
                let (mut prev, mut prev2) = (START_TAG, START_TAG);
                for (i, &gold) in gold_upos.iter().enumerate() {
                    upos_features(hashes, later, i, prev, prev2, &mut feats);
                    upos_t.scores(&feats, &mut scores);
                    let guess = best(&scores, |_| true).unwrap_or(0);
                    mistakes += usize::from(guess as u64 != gold);
                    upos_t.update(&feats, gold as usize, guess);
                    upos_t.tick();
                    (prev2, prev) = (prev, guess as u64);
                }
                let mut prev_bundle = u64::MAX;
                for (i, &gold_bundle) in gold_feats.iter().enumerate() {
                    feats_features(hashes, gold_upos, i, prev_bundle, &mut feats);
                    feats_t.scores(&feats, &mut bundle_scores);
                    let allowed = &bundles_of[gold_upos[i] as usize];
                    let guess = best(&bundle_scores, |b| allowed.binary_search(&(b as u16)).is_ok()).unwrap_or(0);
                    feats_t.update(&feats, gold_bundle as usize, guess);
                    feats_t.tick();
                    prev_bundle = u64::from(gold_bundle);
                }
            }
            report(epoch, mistakes);
        }
        let mut tagger = Tagger {
            classes,
            clusters,
            upos: upos_t.averaged(min_weight),
            feats: feats_t.averaged(min_weight),
            bundles,
            bundles_of,
            shared: Vec::new(),
        };
        tagger.shared = tagger.bundles.iter().map(|b| Arc::from(b.as_str())).collect();
        tagger
    }
}
