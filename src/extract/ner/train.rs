//! Training the averaged perceptron (deterministic for a given seed and data).

use super::conll::{LabeledSentence, Score};
use super::features::{history_features, sentence_features, DocumentContext, SentenceFeatures};
use super::lexicon::{Lexicon, DICT_CAPITALISED, DICT_LOWERCASE, GAZ_TYPES, GAZ_WIKIDATA};
use super::{best_label, chunks, FeatureIndex, NerModel, Weights, BOS, N_LABELS};
use std::collections::{HashMap, HashSet};
use std::time::Instant;

#[derive(Debug, Clone)]
pub struct TrainConfig {
    pub epochs: usize,
    pub seed: u64,
    /// Features seen fewer times than this in the training data are not used.
    pub min_feature_count: u32,
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self { epochs: 12, seed: 2002, min_feature_count: 2 }
    }
}

#[derive(Debug, Clone)]
pub struct EpochReport {
    pub epoch: usize,
    pub train_mistakes: usize,
    pub dev: Option<Score>,
    pub seconds: f64,
}

/// The lexicon: words seen in lowercase in the training data, and a gazetteer of the
/// training data's entity names plus any extra known names (e.g. Wikidata labels).
/// `words` is a word list (e.g. hunspell's `nl.dic` entries), written as the language writes them.
pub fn build_lexicon(
    train: &[LabeledSentence],
    known_names: impl IntoIterator<Item = String>,
    words: impl IntoIterator<Item = String>,
) -> Lexicon {
    let mut lowercase_counts: HashMap<String, u32> = HashMap::new();
    let mut gazetteer: HashMap<String, u8> = HashMap::new();
    for s in train {
        for w in &s.words {
            if w.chars().next().is_some_and(char::is_lowercase) {
                *lowercase_counts.entry(w.clone()).or_default() += 1;
            }
        }
        for (start, end, ty) in chunks(&s.labels) {
            let bit = GAZ_TYPES.iter().position(|t| *t == ty).unwrap_or(3);
            *gazetteer.entry(s.words[start..end].join(" ")).or_default() |= 1 << bit;
        }
    }
    for name in known_names {
        if name.chars().next().is_some_and(char::is_uppercase) && name.split(' ').count() <= 6 {
            *gazetteer.entry(name).or_default() |= GAZ_WIKIDATA;
        }
    }
    let common: HashSet<String> = lowercase_counts.into_iter().filter(|(_, n)| *n >= 2).map(|(w, _)| w).collect();
    let mut dictionary: HashMap<String, u8> = HashMap::new();
    for w in words {
        let bit = if w.chars().next().is_some_and(char::is_uppercase) { DICT_CAPITALISED } else { DICT_LOWERCASE };
        *dictionary.entry(w.to_lowercase()).or_default() |= bit;
    }
    Lexicon::new(common, gazetteer, dictionary)
}

struct Perceptron {
    index: FeatureIndex,
    weights: Vec<[f64; N_LABELS]>,
    totals: Vec<[f64; N_LABELS]>,
    steps: f64,
}

impl Perceptron {
    fn update(&mut self, feats: impl Iterator<Item = u64>, gold: u8, predicted: u8) {
        for f in feats {
            let next = self.weights.len() as u32;
            let row = *self.index.entry(f).or_insert(next) as usize;
            if row == self.weights.len() {
                self.weights.push([0.0; N_LABELS]);
                self.totals.push([0.0; N_LABELS]);
            }
            self.weights[row][gold as usize] += 1.0;
            self.totals[row][gold as usize] += self.steps;
            self.weights[row][predicted as usize] -= 1.0;
            self.totals[row][predicted as usize] -= self.steps;
        }
    }

    /// Averaged weights, dropping features whose weights all rounded to zero.
    fn averaged(&self, lexicon: &Lexicon, about: String) -> NerModel {
        let mut index = FeatureIndex::default();
        let mut weights: Vec<Weights> = Vec::new();
        for (&f, &row) in &self.index {
            let (w, t) = (&self.weights[row as usize], &self.totals[row as usize]);
            let avg: Weights = std::array::from_fn(|l| (w[l] - t[l] / self.steps.max(1.0)) as f32);
            if avg.iter().any(|x| x.abs() > 1e-3) {
                index.insert(f, weights.len() as u32);
                weights.push(avg);
            }
        }
        NerModel::new(lexicon.clone(), index, weights, about)
    }
}

/// A small deterministic generator for shuffling (xorshift64*).
struct Shuffler(u64);
impl Shuffler {
    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            let r = self.0.wrapping_mul(0x2545_f491_4f6c_dd1d);
            items.swap(i, (r % (i as u64 + 1)) as usize);
        }
    }
}

/// Sentences grouped by article, in order, with their words borrowed.
pub fn by_document(data: &[LabeledSentence]) -> Vec<Vec<(&LabeledSentence, Vec<&str>)>> {
    let mut docs: Vec<Vec<(&LabeledSentence, Vec<&str>)>> = Vec::new();
    for s in data {
        let words = s.words.iter().map(String::as_str).collect();
        match docs.last_mut() {
            Some(d) if d[0].0.document == s.document => d.push((s, words)),
            _ => docs.push(vec![(s, words)]),
        }
    }
    docs
}

/// Score a model on labelled sentences, tagging each article as a whole.
pub fn evaluate(model: &NerModel, data: &[LabeledSentence]) -> Score {
    let mut score = Score::default();
    for doc in by_document(data) {
        let sentences: Vec<&[&str]> = doc.iter().map(|(_, w)| w.as_slice()).collect();
        for ((s, _), predicted) in doc.iter().zip(model.tag_document(&sentences)) {
            score.add(&s.labels, &predicted);
        }
    }
    score
}

/// Train for `config.epochs` epochs; when `dev` is not empty, keep the epoch with the
/// best dev F1. `on_sentence` is called after each training sentence (for progress).
pub fn train(
    config: &TrainConfig,
    lexicon: &Lexicon,
    data: &[LabeledSentence],
    dev: &[LabeledSentence],
    mut on_epoch: impl FnMut(&EpochReport),
    mut on_sentence: impl FnMut(),
) -> NerModel {
    // Gazetteer features on training sentences come from a lexicon built without their
    // own article's half of the data (two folds by article), so the tagger learns how far
    // to trust a gazetteer hit on unseen text instead of copying the answer.
    let folds: [Lexicon; 2] = std::array::from_fn(|fold| {
        let others: Vec<LabeledSentence> = data.iter().filter(|s| s.document % 2 != fold).cloned().collect();
        lexicon.with_gazetteer_from(&build_lexicon(&others, Vec::new(), Vec::new()))
    });
    let mut features: Vec<(SentenceFeatures, &LabeledSentence)> = Vec::with_capacity(data.len());
    for doc in by_document(data) {
        let sentences: Vec<&[&str]> = doc.iter().map(|(_, w)| w.as_slice()).collect();
        let context = DocumentContext::new(&sentences);
        for (s, words) in &doc {
            features.push((sentence_features(words, &folds[s.document % 2], &context), s));
        }
    }
    // Features seen once in the training data mostly memorise it; dropping them generalises better.
    let mut seen: HashMap<u64, u32> = HashMap::new();
    for (sf, _) in &features {
        for &f in &sf.feats {
            *seen.entry(f).or_default() += 1;
        }
    }
    for (sf, _) in &mut features {
        sf.retain(|f| seen.get(&f).is_some_and(|&n| n >= config.min_feature_count));
    }
    let mut p = Perceptron { index: FeatureIndex::default(), weights: Vec::new(), totals: Vec::new(), steps: 1.0 };
    let mut order: Vec<usize> = (0..features.len()).collect();
    let mut shuffler = Shuffler(config.seed | 1);
    let mut best: Option<(f64, NerModel)> = None;
    for epoch in 1..=config.epochs {
        let started = Instant::now();
        shuffler.shuffle(&mut order);
        let mut mistakes = 0;
        for &k in &order {
            let (sf, sentence) = &features[k];
            let (mut prev, mut prev2) = (BOS, BOS);
            let mut hist = [0u64; 4];
            for (i, &gold) in sentence.labels.iter().enumerate() {
                history_features(prev, prev2, &sf.lower[i], &mut hist);
                let mut scores = [0f32; N_LABELS];
                for f in sf.token(i).iter().chain(hist.iter()) {
                    if let Some(&row) = p.index.get(f) {
                        for (s, w) in scores.iter_mut().zip(&p.weights[row as usize]) {
                            *s += *w as f32;
                        }
                    }
                }
                let predicted = best_label(&scores, prev);
                if predicted != gold {
                    mistakes += 1;
                    p.update(sf.token(i).iter().chain(hist.iter()).copied(), gold, predicted);
                }
                p.steps += 1.0;
                prev2 = prev;
                prev = predicted;
            }
            on_sentence();
        }
        let about = format!(
            "averaged perceptron, epoch {epoch} of {}, seed {}, {} training sentences",
            config.epochs,
            config.seed,
            data.len()
        );
        let model = p.averaged(lexicon, about);
        let dev_score = (!dev.is_empty()).then(|| evaluate(&model, dev));
        let report = EpochReport {
            epoch,
            train_mistakes: mistakes,
            dev: dev_score.clone(),
            seconds: started.elapsed().as_secs_f64(),
        };
        on_epoch(&report);
        let f1 = dev_score.map_or(epoch as f64, |s| s.overall.f1());
        if best.as_ref().is_none_or(|(b, _)| f1 > *b) {
            best = Some((f1, model));
        }
    }
    match best {
        Some((_, model)) => model,
        None => p.averaged(lexicon, "untrained (0 epochs)".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::super::conll::parse;
    use super::*;

    #[test]
    fn learns_a_tiny_corpus_and_round_trips_through_bytes() {
        let text = "Aboutaleb B-PER\nwoont O\nin O\nRotterdam B-LOC\n.\tO\n\nDe O\npolitie O\nin O\nGroningen B-LOC\n. O\n\nAhmed B-PER\nAboutaleb I-PER\nsprak O\n. O\n";
        let data = parse(text).expect("valid");
        let lexicon = build_lexicon(&data, Vec::new(), Vec::new());
        let model = train(&TrainConfig { epochs: 5, seed: 1, min_feature_count: 1 }, &lexicon, &data, &[], |_| {}, || {});
        assert_eq!(evaluate(&model, &data).overall.f1(), 1.0);
        let again = NerModel::from_bytes(&model.to_bytes().expect("encode")).expect("decode");
        assert_eq!(
            again.tag(&["Aboutaleb", "woont", "in", "Rotterdam", "."]),
            model.tag(&["Aboutaleb", "woont", "in", "Rotterdam", "."])
        );
    }
}
