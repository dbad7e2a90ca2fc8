//! Named-entity tagger: a structured averaged perceptron over BIO labels (PER, LOC, ORG,
//! MISC) with Viterbi decoding, trained by `train ner` on CoNLL-format data and shipped
//! in `data/models/`.
//!
//! Invariants: `tag` returns one label per word and never an `I-X` that does not
//! continue an `X` chunk; the model file starts with `MAGIC` and `FORMAT_VERSION`, and
//! anything else is refused with `ModelError`, never misread.

pub mod clusters;
pub mod conll;
mod features;
mod lexicon;
mod train;

pub use lexicon::{Lexicon, WordEntry, FIRST_NAME, GAZ_TYPES, GAZ_WIKIDATA};
pub use train::{build_lexicon, by_document, evaluate, train, train_work, EpochReport, TrainConfig};

use crate::model_file;
use features::{
    history_word, sentence_features, transition_feature, word_after_feature, DocumentContext, SentenceFeatures,
    Stacking,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

pub const MAGIC: &[u8; 8] = b"KGNER\0\0\0";
pub const FORMAT_VERSION: u32 = 5;

/// BIO labels in a fixed order; index 0 is `O`.
pub const LABELS: [&str; 9] = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC"];
pub const N_LABELS: usize = LABELS.len();
const BOS: u8 = N_LABELS as u8;

pub type Weights = [f32; N_LABELS];

/// Longest sentence the tagger reads in one piece (tokens). News sentences are far
/// shorter; a longer one is usually a text without punctuation or line breaks.
pub const MAX_SENTENCE_TOKENS: usize = 400;

/// The chunk type of a label index (`None` for `O`).
pub fn label_type(label: u8) -> Option<&'static str> {
    (label > 0).then(|| &LABELS[label as usize][2..])
}

pub fn label_index(tag: &str) -> Option<u8> {
    LABELS.iter().position(|l| *l == tag).map(|i| i as u8)
}

/// An `I-X` label is only valid right after `B-X` or `I-X`.
fn allowed(prev: u8, label: u8) -> bool {
    label == 0 || label % 2 == 1 || (prev != BOS && prev != 0 && prev.div_ceil(2) == label.div_ceil(2))
}

/// Feature hashes are already well mixed; hashing them again is wasted time.
#[derive(Default, Clone, Copy)]
pub struct PassThrough(u64);
impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}
pub type FeatureIndex = HashMap<u64, u32, BuildHasherDefault<PassThrough>>;

#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("not a kennisgraaf NER model (bad magic bytes); retrain with `kennisgraaf train ner`")]
    BadMagic,
    #[error("NER model format version {found}, this build reads version {FORMAT_VERSION}; retrain with `kennisgraaf train ner`")]
    Version { found: u32 },
    #[error("NER model is corrupt ({0}); retrain with `kennisgraaf train ner` or restore data/models from git")]
    Corrupt(String),
}

impl From<model_file::FrameError> for ModelError {
    fn from(e: model_file::FrameError) -> Self {
        match e {
            model_file::FrameError::BadMagic => ModelError::BadMagic,
            model_file::FrameError::Version { found } => ModelError::Version { found },
            model_file::FrameError::Corrupt(why) => ModelError::Corrupt(why),
        }
    }
}

/// Feature hash → its label weights, stored in the table itself so that a lookup
/// touches one place in memory (tagging is bound by these lookups).
pub type WeightTable = HashMap<u64, Weights, BuildHasherDefault<PassThrough>>;

/// One pass of the tagger: a weight row per feature hash.
#[derive(Default)]
pub struct Stage {
    weights: WeightTable,
}

impl Stage {
    pub fn new(weights: WeightTable) -> Self {
        Self { weights }
    }

    fn lookup(&self, f: u64) -> Option<&Weights> {
        self.weights.get(&f)
    }

    /// The best label sequence of one sentence (Viterbi).
    pub(crate) fn decode(&self, sf: &SentenceFeatures) -> Vec<u8> {
        viterbi(sf, |f, scores| {
            if let Some(w) = self.lookup(f) {
                for (s, x) in scores.iter_mut().zip(w) {
                    *s += x;
                }
            }
        })
    }
}

/// The highest-scoring label sequence of a sentence in which every `I-X` continues an
/// `X` chunk. `add(feature, scores)` adds a feature's weights to the nine label scores;
/// a word's score is its own features' plus the `history_features` of the label before
/// it. Ties keep the lower label index, so decoding is deterministic.
pub(crate) fn viterbi(sf: &SentenceFeatures, add: impl Fn(u64, &mut Weights)) -> Vec<u8> {
    let n = sf.offsets.len() - 1;
    // The transition scores are the same for every word: looked up once.
    let transition: [Weights; N_LABELS + 1] = std::array::from_fn(|prev| {
        let mut scores = [0f32; N_LABELS];
        add(transition_feature(prev as u8), &mut scores);
        scores
    });
    let mut back: Vec<[u8; N_LABELS]> = vec![[0; N_LABELS]; n];
    let mut best = [f32::NEG_INFINITY; N_LABELS];
    for (i, back_here) in back.iter_mut().enumerate() {
        let mut own = [0f32; N_LABELS];
        for &f in sf.token(i) {
            add(f, &mut own);
        }
        let word = history_word(&sf.lower[i]);
        let mut next = [f32::NEG_INFINITY; N_LABELS];
        let previous: &[u8] = if i == 0 { &[BOS] } else { &ALL_LABELS };
        for &prev in previous {
            let so_far = if i == 0 { 0.0 } else { best[prev as usize] };
            if so_far == f32::NEG_INFINITY {
                continue;
            }
            let mut scores = own;
            add(word_after_feature(prev, word), &mut scores);
            for label in 0..N_LABELS as u8 {
                let total = so_far + scores[label as usize] + transition[prev as usize][label as usize];
                if allowed(prev, label) && total > next[label as usize] {
                    next[label as usize] = total;
                    back_here[label as usize] = prev;
                }
            }
        }
        best = next;
    }
    let mut labels = vec![0u8; n];
    if n == 0 {
        return labels;
    }
    let mut label = (0..N_LABELS as u8).fold(0u8, |b, l| if best[l as usize] > best[b as usize] { l } else { b });
    for i in (0..n).rev() {
        labels[i] = label;
        label = back[i][label as usize];
    }
    labels
}

const ALL_LABELS: [u8; N_LABELS] = [0, 1, 2, 3, 4, 5, 6, 7, 8];

#[derive(Serialize, Deserialize)]
struct StageFile {
    features: Vec<u64>,
    weights: Vec<Weights>,
}

#[derive(Serialize, Deserialize)]
struct ModelFile {
    lexicon: Lexicon,
    stages: Vec<StageFile>,
    /// Free-form provenance: training data, epochs, dev F1.
    about: String,
}

/// The tagger: the first stage labels from the text; each later stage also sees the
/// labels the stage before gave the whole article (to the right of a word, and to the
/// same word elsewhere), which keeps an article's labels consistent.
pub struct NerModel {
    lexicon: Lexicon,
    stages: Vec<Stage>,
    pub about: String,
}

impl NerModel {
    pub fn new(lexicon: Lexicon, stages: Vec<Stage>, about: String) -> Self {
        Self { lexicon, stages, about }
    }

    /// The word lists the tagger was trained with (which words are common lowercase words).
    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    pub fn feature_count(&self) -> usize {
        self.stages.iter().map(|s| s.weights.len()).sum()
    }

    /// Label every word of one sentence, on its own.
    pub fn tag(&self, words: &[&str]) -> Vec<u8> {
        self.tag_document(&[words]).pop().unwrap_or_default()
    }

    /// Label every sentence of one document; how words are written and labelled
    /// elsewhere in the document informs each decision. A sentence longer than
    /// `MAX_SENTENCE_TOKENS` is tagged in pieces of that length, as if each were a
    /// sentence, so that no sentence's features dominate the memory of tagging.
    pub fn tag_document<'a, S: AsRef<[&'a str]>>(&self, sentences: &[S]) -> Vec<Vec<u8>> {
        let pieces: Vec<&[&str]> =
            sentences.iter().flat_map(|s| s.as_ref().chunks(MAX_SENTENCE_TOKENS.max(1))).collect();
        let labels = self.tag_pieces(&pieces);
        let mut labels = labels.into_iter();
        sentences
            .iter()
            .map(|s| {
                let n = s.as_ref().len().div_ceil(MAX_SENTENCE_TOKENS.max(1));
                labels.by_ref().take(n).flatten().collect()
            })
            .collect()
    }

    fn tag_pieces(&self, sentences: &[&[&str]]) -> Vec<Vec<u8>> {
        let doc = DocumentContext::new(sentences);
        let base: Vec<SentenceFeatures> = sentences.iter().map(|s| sentence_features(s, &self.lexicon, &doc)).collect();
        let mut labels: Vec<Vec<u8>> = Vec::new();
        for (k, stage) in self.stages.iter().enumerate() {
            labels = if k == 0 {
                base.iter().map(|sf| stage.decode(sf)).collect()
            } else {
                let stacking = Stacking::new(&base, &labels);
                (0..base.len()).map(|k| stage.decode(&stacking.sentence(k))).collect()
            };
        }
        labels
    }

    pub fn to_bytes(&self) -> Result<Vec<u8>, ModelError> {
        let stages = self
            .stages
            .iter()
            .map(|stage| {
                let mut rows: Vec<(u64, Weights)> = stage.weights.iter().map(|(&f, &w)| (f, w)).collect();
                rows.sort_unstable_by_key(|r| r.0);
                StageFile { features: rows.iter().map(|r| r.0).collect(), weights: rows.iter().map(|r| r.1).collect() }
            })
            .collect();
        let file = ModelFile { lexicon: self.lexicon.clone(), stages, about: self.about.clone() };
        Ok(model_file::encode(MAGIC, FORMAT_VERSION, &file)?)
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ModelError> {
        let file: ModelFile = model_file::decode(MAGIC, FORMAT_VERSION, bytes)?;
        if file.stages.is_empty() {
            return Err(ModelError::Corrupt("the model has no stages".into()));
        }
        let mut stages = Vec::with_capacity(file.stages.len());
        for st in file.stages {
            if st.features.len() != st.weights.len() {
                return Err(ModelError::Corrupt("feature and weight counts differ".into()));
            }
            let mut weights = WeightTable::with_capacity_and_hasher(st.features.len(), Default::default());
            weights.extend(st.features.into_iter().zip(st.weights));
            stages.push(Stage { weights });
        }
        Ok(Self { lexicon: file.lexicon, stages, about: file.about })
    }
}

/// Chunks `(start, end, type)` of a BIO label sequence (an `I-X` after something else
/// opens a chunk, as conlleval does).
pub fn chunks(labels: &[u8]) -> Vec<(usize, usize, &'static str)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, &'static str)> = None;
    for (i, &l) in labels.iter().enumerate() {
        let ty = label_type(l);
        let continues = l != 0 && l % 2 == 0 && open.is_some_and(|(_, t)| Some(t) == ty);
        if !continues {
            if let Some((s, t)) = open.take() {
                out.push((s, i, t));
            }
            if let Some(t) = ty {
                open = Some((i, t));
            }
        }
    }
    if let Some((s, t)) = open {
        out.push((s, labels.len(), t));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_follow_conlleval() {
        let l = |t: &str| label_index(t).expect("label");
        let labels = [l("B-PER"), l("I-PER"), l("O"), l("I-LOC"), l("B-ORG"), l("B-ORG"), l("I-ORG")];
        assert_eq!(chunks(&labels), vec![(0, 2, "PER"), (3, 4, "LOC"), (4, 5, "ORG"), (5, 7, "ORG")]);
    }

    #[test]
    fn invalid_continuations_are_not_allowed() {
        let l = |t: &str| label_index(t).expect("label");
        assert!(allowed(l("B-PER"), l("I-PER")));
        assert!(!allowed(l("B-LOC"), l("I-PER")));
        assert!(!allowed(BOS, l("I-PER")));
        assert!(!allowed(0, l("I-ORG")));
    }

    #[test]
    fn garbage_model_files_are_refused() {
        assert!(matches!(NerModel::from_bytes(b"hello"), Err(ModelError::BadMagic)));
        let mut v = MAGIC.to_vec();
        v.extend_from_slice(&99u32.to_le_bytes());
        assert!(matches!(NerModel::from_bytes(&v), Err(ModelError::Version { found: 99 })));
        let mut v = MAGIC.to_vec();
        v.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        v.extend_from_slice(&[0xff; 7]);
        assert!(matches!(NerModel::from_bytes(&v), Err(ModelError::Corrupt(_))));
    }
}
