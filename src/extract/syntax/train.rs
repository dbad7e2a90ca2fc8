//! Training the syntax model (deterministic for a given seed and data): the tagger, the
//! lemmatiser from the same sentences, then the parser on tags the tagger predicts
//! (jackknifed: each part of the training data tagged by a tagger trained without it),
//! so that it learns from the kind of tags it will see.

use super::conllu::GoldSentence;
use super::eval::{self, Scores};
use super::lemma::Lemmatizer;
use super::parser::{Parser, TrainSentence};
use super::tagger::{Tag, Tagger, WordClasses};
use super::SyntaxModel;
use crate::extract::ner::clusters::WordClusters;
use crate::extract::ner::WordEntry;

#[derive(Debug, Clone)]
pub struct TrainConfig {
    pub tagger_epochs: usize,
    pub parser_epochs: usize,
    pub seed: u64,
    /// Parts for jackknifed training tags; below 2 the parser trains on gold tags.
    pub jackknife: usize,
    /// Averaged weights smaller than this are not kept (a smaller, faster model).
    pub min_weight: f32,
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self { tagger_epochs: 8, parser_epochs: 9, seed: 2018, jackknife: 5, min_weight: 1.0 }
    }
}

#[derive(Debug, Clone)]
pub enum EpochReport {
    Tagger { epoch: usize, mistakes: usize },
    Jackknife { part: usize, of: usize },
    Parser { epoch: usize, mistakes: usize, dev: Option<Scores> },
}

fn tags_of(tagger: &Tagger, s: &GoldSentence) -> Vec<Tag> {
    let words: Vec<&str> = s.words.iter().map(|w| w.form.as_str()).collect();
    tagger.tag(&words)
}

pub fn train(
    train: &[GoldSentence],
    dev: &[GoldSentence],
    words: &[WordEntry],
    clusters: &WordClusters,
    config: &TrainConfig,
    mut report: impl FnMut(EpochReport),
) -> SyntaxModel {
    let tagger = Tagger::train(
        train,
        WordClasses::new(words),
        clusters.clone(),
        config.tagger_epochs,
        config.seed,
        config.min_weight,
        |epoch, mistakes| report(EpochReport::Tagger { epoch, mistakes }),
    );
    let lemmas = Lemmatizer::train(train, |f| tagger.bundle_index(f));
    let train_tags: Vec<Vec<Tag>> = if config.jackknife >= 2 {
        let k = config.jackknife;
        let mut tags = vec![Vec::new(); train.len()];
        for part in 0..k {
            let rest: Vec<GoldSentence> =
                train.iter().enumerate().filter(|(i, _)| i % k != part).map(|(_, s)| s.clone()).collect();
            let helper = Tagger::train(
                &rest,
                WordClasses::new(words),
                clusters.clone(),
                config.tagger_epochs,
                config.seed + part as u64 + 1,
                config.min_weight,
                |_, _| {},
            );
            for (i, s) in train.iter().enumerate().filter(|(i, _)| i % k == part) {
                tags[i] = tags_of(&helper, s);
            }
            report(EpochReport::Jackknife { part: part + 1, of: k });
        }
        tags
    } else {
        train.iter().map(|s| tagger.gold_tags(s)).collect()
    };
    let sentences: Vec<TrainSentence> = train
        .iter()
        .zip(train_tags)
        .map(|(s, tags)| TrainSentence {
            words: s.words.iter().map(|w| w.form.as_str()).collect(),
            tags,
            heads: s.taught_heads(),
            rels: s.words.iter().map(|w| w.deprel).collect(),
        })
        .collect();
    let dev_tags: Vec<Vec<Tag>> = dev.iter().map(|s| tags_of(&tagger, s)).collect();
    let parser = Parser::train(
        &sentences,
        config.parser_epochs,
        config.seed,
        config.min_weight,
        !dev.is_empty(),
        |epoch, mistakes, snapshot| {
            let dev = snapshot.map(|p| eval::score_trees(dev, &dev_tags, p));
            report(EpochReport::Parser { epoch, mistakes, dev });
        },
    );
    SyntaxModel { tagger, lemmas, parser, about: String::new() }
}
