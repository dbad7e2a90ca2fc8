//! Training the averaged perceptron (deterministic for a given seed and data).

use super::clusters::WordClusters;
use super::conll::{LabeledSentence, Score};
use super::features::{
    history_features, history_word, sentence_features, stacked_features, DocumentContext, SentenceFeatures,
};
use super::lexicon::{
    Lexicon, WordEntry, DICT_CAPITALISED, DICT_LOWERCASE, FIRST_NAME, GAZ_TYPES, GAZ_WIKIDATA, LAST_NAME,
};
use super::{chunks, viterbi, FeatureIndex, NerModel, Stage, WeightTable, Weights, BOS, N_LABELS};
use std::collections::{HashMap, HashSet};
use std::time::Instant;

#[derive(Debug, Clone)]
pub struct TrainConfig {
    pub epochs: usize,
    pub seed: u64,
    /// Features seen fewer times than this in the training data are not used.
    pub min_feature_count: u32,
    /// Train a second, stacked stage (see `train`).
    pub stacked: bool,
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self { epochs: 12, seed: 2002, min_feature_count: 3, stacked: true }
    }
}

#[derive(Debug, Clone)]
pub struct EpochReport {
    /// 1 and 2 for the shipped stages, 0 for the helper models of cross-fitting.
    pub stage: usize,
    pub epoch: usize,
    pub train_mistakes: usize,
    pub dev: Option<Score>,
    pub seconds: f64,
}

/// The lexicon: words seen in lowercase in the training data, and a gazetteer of the
/// training data's entity names plus any extra known names (e.g. Wikidata labels).
/// `words` is a word list (e.g. hunspell's `nl.dic` entries), written as the language
/// writes them, with their affix flags.
pub fn build_lexicon(
    train: &[LabeledSentence],
    known_names: impl IntoIterator<Item = String>,
    words: impl IntoIterator<Item = WordEntry>,
    clusters: WordClusters,
) -> Lexicon {
    let mut lowercase_counts: HashMap<String, u32> = HashMap::new();
    let mut gazetteer: HashMap<String, u8> = HashMap::new();
    let (mut first_names, mut last_names): (HashMap<String, u32>, HashMap<String, u32>) = Default::default();
    for s in train {
        for w in &s.words {
            if w.chars().next().is_some_and(char::is_lowercase) {
                *lowercase_counts.entry(w.clone()).or_default() += 1;
            }
        }
        for (start, end, ty) in chunks(&s.labels) {
            if ty == "PER" && end - start >= 2 {
                *first_names.entry(s.words[start].to_lowercase()).or_default() += 1;
                *last_names.entry(s.words[end - 1].to_lowercase()).or_default() += 1;
            }
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
    let mut name_flags: HashMap<String, Vec<[u8; 2]>> = HashMap::new();
    for WordEntry { word, flags } in words {
        let capitalised = word.chars().next().is_some_and(char::is_uppercase);
        let lower = word.to_lowercase();
        if capitalised && !flags.is_empty() {
            let known = name_flags.entry(lower.clone()).or_default();
            for flag in flags {
                if !known.contains(&flag) {
                    known.push(flag);
                }
            }
        }
        *dictionary.entry(lower).or_default() |= if capitalised { DICT_CAPITALISED } else { DICT_LOWERCASE };
    }
    let mut name_parts: HashMap<String, u8> = HashMap::new();
    for (names, bit) in [(first_names, FIRST_NAME), (last_names, LAST_NAME)] {
        for (w, _) in names.into_iter().filter(|(_, n)| *n >= 2) {
            *name_parts.entry(w).or_default() |= bit;
        }
    }
    Lexicon::new(common, gazetteer, dictionary, name_parts, name_flags, clusters)
}

struct Perceptron {
    index: FeatureIndex,
    weights: Vec<[f64; N_LABELS]>,
    totals: Vec<[f64; N_LABELS]>,
    steps: f64,
}

impl Perceptron {
    fn row(&mut self, f: u64) -> usize {
        let next = self.weights.len() as u32;
        let row = *self.index.entry(f).or_insert(next) as usize;
        if row == self.weights.len() {
            self.weights.push([0.0; N_LABELS]);
            self.totals.push([0.0; N_LABELS]);
        }
        row
    }

    /// Add `delta` to the weight of `label` for every feature in `feats`.
    fn add(&mut self, feats: impl Iterator<Item = u64>, label: u8, delta: f64) {
        for f in feats {
            let row = self.row(f);
            self.weights[row][label as usize] += delta;
            self.totals[row][label as usize] += delta * self.steps;
        }
    }

    fn update(&mut self, feats: impl Iterator<Item = u64>, gold: u8, predicted: u8) {
        for f in feats {
            let row = self.row(f);
            self.weights[row][gold as usize] += 1.0;
            self.totals[row][gold as usize] += self.steps;
            self.weights[row][predicted as usize] -= 1.0;
            self.totals[row][predicted as usize] -= self.steps;
        }
    }

    /// Averaged weights, dropping features whose weights all rounded to zero.
    fn averaged(&self) -> Stage {
        let mut weights = WeightTable::default();
        for (&f, &row) in &self.index {
            let (w, t) = (&self.weights[row as usize], &self.totals[row as usize]);
            let avg: Weights = std::array::from_fn(|l| (w[l] - t[l] / self.steps.max(1.0)) as f32);
            if avg.iter().any(|x| x.abs() > 1e-3) {
                weights.insert(f, avg);
            }
        }
        Stage::new(weights)
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

/// Base features of every sentence, each article's sentences seeing the same
/// document context; `lexicon_for` picks the lexicon by article number.
fn prepare<'l>(data: &[LabeledSentence], lexicon_for: impl Fn(usize) -> &'l Lexicon) -> Vec<SentenceFeatures> {
    let mut out = Vec::with_capacity(data.len());
    for doc in by_document(data) {
        let sentences: Vec<&[&str]> = doc.iter().map(|(_, w)| w.as_slice()).collect();
        let context = DocumentContext::new(&sentences);
        for (s, words) in &doc {
            out.push(sentence_features(words, lexicon_for(s.document), &context));
        }
    }
    out
}

/// Decode every sentence, grouped by article as `data` is.
fn decode_all(stage: &Stage, features: &[SentenceFeatures]) -> Vec<Vec<u8>> {
    features.iter().map(|sf| stage.decode(sf)).collect()
}

fn score(gold: &[LabeledSentence], predicted: &[Vec<u8>]) -> Score {
    let mut score = Score::default();
    for (s, p) in gold.iter().zip(predicted) {
        score.add(&s.labels, p);
    }
    score
}

/// Stacked features for `features`, from the labels `stage` gives each article.
fn stack(data: &[LabeledSentence], features: &[SentenceFeatures], labels: &[Vec<u8>]) -> Vec<SentenceFeatures> {
    let mut out = Vec::with_capacity(features.len());
    let mut start = 0;
    for doc in by_document(data) {
        let end = start + doc.len();
        out.extend(stacked_features(&features[start..end], &labels[start..end]));
        start = end;
    }
    out
}

struct Fit<'a, E: FnMut(&EpochReport), S: FnMut()> {
    config: &'a TrainConfig,
    on_epoch: E,
    on_sentence: S,
}

impl<E: FnMut(&EpochReport), S: FnMut()> Fit<'_, E, S> {
    /// Train one stage; keep the epoch with the best dev F1 (the last one without dev).
    fn stage(
        &mut self,
        stage_no: usize,
        data: &[LabeledSentence],
        features: &[SentenceFeatures],
        dev: Option<(&[LabeledSentence], &[SentenceFeatures])>,
    ) -> Stage {
        let mut p = Perceptron { index: FeatureIndex::default(), weights: Vec::new(), totals: Vec::new(), steps: 1.0 };
        let mut order: Vec<usize> = (0..features.len()).collect();
        let mut shuffler = Shuffler(self.config.seed | 1);
        let mut best: Option<(f64, Stage)> = None;
        for epoch in 1..=self.config.epochs {
            let started = Instant::now();
            shuffler.shuffle(&mut order);
            let mut mistakes = 0;
            for &k in &order {
                let (sf, gold) = (&features[k], &data[k].labels);
                let predicted = viterbi(sf, |f, scores| {
                    if let Some(&row) = p.index.get(&f) {
                        for (s, w) in scores.iter_mut().zip(&p.weights[row as usize]) {
                            *s += *w as f32;
                        }
                    }
                });
                // Structured perceptron: towards the gold sequence's features, away from
                // the predicted sequence's, wherever the two differ.
                for i in 0..gold.len() {
                    let (g, q) = (gold[i], predicted[i]);
                    let (g_prev, q_prev) = if i == 0 { (BOS, BOS) } else { (gold[i - 1], predicted[i - 1]) };
                    if g != q {
                        mistakes += 1;
                        p.update(sf.token(i).iter().copied(), g, q);
                    }
                    if (g, g_prev) != (q, q_prev) {
                        let word = history_word(&sf.lower[i]);
                        p.add(history_features(g_prev, word).into_iter(), g, 1.0);
                        p.add(history_features(q_prev, word).into_iter(), q, -1.0);
                    }
                }
                p.steps += 1.0;
                (self.on_sentence)();
            }
            let stage = p.averaged();
            let dev_score = dev.map(|(gold, feats)| score(gold, &decode_all(&stage, feats)));
            (self.on_epoch)(&EpochReport {
                stage: stage_no,
                epoch,
                train_mistakes: mistakes,
                dev: dev_score.clone(),
                seconds: started.elapsed().as_secs_f64(),
            });
            let f1 = dev_score.map_or(epoch as f64, |s| s.overall.f1());
            if best.as_ref().is_none_or(|(b, _)| f1 > *b) {
                best = Some((f1, stage));
            }
        }
        best.map(|(_, s)| s).unwrap_or_else(|| p.averaged())
    }
}

/// How many sentence passes `train` makes (for a progress bar).
pub fn train_work(config: &TrainConfig, sentences: usize) -> usize {
    if config.stacked {
        config.epochs * sentences * 3
    } else {
        config.epochs * sentences
    }
}

/// Train the tagger: stage one for `config.epochs` epochs; with `config.stacked`, a
/// second stage on stage-one labels that were predicted for each half of the training
/// articles by a model trained on the other half (so they are as wrong as on new text).
pub fn train(
    config: &TrainConfig,
    lexicon: &Lexicon,
    data: &[LabeledSentence],
    dev: &[LabeledSentence],
    on_epoch: impl FnMut(&EpochReport),
    on_sentence: impl FnMut(),
) -> NerModel {
    // Gazetteer features on training sentences come from a lexicon built without their
    // own article's half of the data (two folds by article), so the tagger learns how far
    // to trust a gazetteer hit on unseen text instead of copying the answer.
    let folds: [Lexicon; 2] = std::array::from_fn(|fold| {
        let others: Vec<LabeledSentence> = data.iter().filter(|s| s.document % 2 != fold).cloned().collect();
        lexicon.with_gazetteer_from(&build_lexicon(&others, Vec::new(), Vec::new(), WordClusters::default()))
    });
    let mut features = prepare(data, |doc| &folds[doc % 2]);
    // Features seen only a few times in the training data mostly memorise it.
    let mut seen: HashMap<u64, u32> = HashMap::new();
    for sf in &features {
        for &f in &sf.feats {
            *seen.entry(f).or_default() += 1;
        }
    }
    for sf in &mut features {
        sf.retain(|f| seen.get(&f).is_some_and(|&n| n >= config.min_feature_count));
    }
    let dev_features = prepare(dev, |_| lexicon);
    let dev_pair = (!dev.is_empty()).then_some((dev, dev_features.as_slice()));
    let mut fit = Fit { config, on_epoch, on_sentence };
    let first = fit.stage(1, data, &features, dev_pair);
    let about = format!(
        "structured averaged perceptron (Viterbi), word clusters {:?} of {} words, {} stage(s), {} epochs, seed {}, min feature count {}, {} training sentences",
        lexicon.word_clusters().sizes,
        lexicon.word_clusters().len(),
        if config.stacked { 2 } else { 1 },
        config.epochs,
        config.seed,
        config.min_feature_count,
        data.len()
    );
    if !config.stacked {
        return NerModel::new(lexicon.clone(), vec![first], about);
    }
    // Cross-fitted stage-one labels for the training data.
    let mut train_labels: Vec<Vec<u8>> = vec![Vec::new(); data.len()];
    for half in 0..2 {
        let pick = |keep_parity: usize| -> (Vec<LabeledSentence>, Vec<SentenceFeatures>, Vec<usize>) {
            let idx: Vec<usize> = (0..data.len()).filter(|&i| data[i].document % 2 == keep_parity).collect();
            (idx.iter().map(|&i| data[i].clone()).collect(), idx.iter().map(|&i| features[i].clone()).collect(), idx)
        };
        let (fit_data, fit_feats, _) = pick(half);
        let (_, apply_feats, apply_idx) = pick(1 - half);
        let model = fit.stage(0, &fit_data, &fit_feats, None);
        for (i, labels) in apply_idx.into_iter().zip(decode_all(&model, &apply_feats)) {
            train_labels[i] = labels;
        }
    }
    let stacked_train = stack(data, &features, &train_labels);
    let stacked_dev = stack(dev, &dev_features, &decode_all(&first, &dev_features));
    let second = fit.stage(2, data, &stacked_train, (!dev.is_empty()).then_some((dev, stacked_dev.as_slice())));
    NerModel::new(lexicon.clone(), vec![first, second], about)
}

#[cfg(test)]
mod tests {
    use super::super::conll::parse;
    use super::*;

    #[test]
    fn learns_a_tiny_corpus_and_round_trips_through_bytes() {
        let text = "Aboutaleb B-PER\nwoont O\nin O\nRotterdam B-LOC\n.\tO\n\nDe O\npolitie O\nin O\nGroningen B-LOC\n. O\n\nAhmed B-PER\nAboutaleb I-PER\nsprak O\n. O\n";
        let data = parse(text).expect("valid");
        let lexicon = build_lexicon(&data, Vec::new(), Vec::new(), WordClusters::default());
        let model = train(
            &TrainConfig { epochs: 5, seed: 1, min_feature_count: 1, stacked: true },
            &lexicon,
            &data,
            &[],
            |_| {},
            || {},
        );
        assert_eq!(evaluate(&model, &data).overall.f1(), 1.0);
        let again = NerModel::from_bytes(&model.to_bytes().expect("encode")).expect("decode");
        assert_eq!(
            again.tag(&["Aboutaleb", "woont", "in", "Rotterdam", "."]),
            model.tag(&["Aboutaleb", "woont", "in", "Rotterdam", "."])
        );
    }
}
