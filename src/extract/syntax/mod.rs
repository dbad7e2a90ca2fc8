//! Dutch syntax: part of speech (UPOS), morphological features, lemmas and a labelled
//! dependency tree for every sentence, by models trained with `kennisgraaf train syntax`
//! on Universal Dependencies treebanks and shipped in `data/models/`.
//!
//! In order: `tagger` (UPOS, then the feature bundle, each a greedy averaged perceptron),
//! `lemma` (the training data's lemmas by form and tag, else suffix edit rules), `parser`
//! (arc-hybrid transitions with a dynamic oracle, non-projective trees through
//! pseudo-projective lifting); the lemma of a verb with a separated particle is then
//! joined as UD Dutch writes it ("stelde … voor" → `voor_stellen`).
//!
//! Invariants: `SyntaxModel::analyse` returns one `Word` per input word, whose heads form
//! one tree with exactly one root (no cycles), in time and memory linear in the sentence
//! length (sentences longer than `MAX_PARSED_WORDS` are parsed in pieces); the model file
//! starts with `MAGIC` and `FORMAT_VERSION` and anything else is refused with
//! `ModelError`, never misread.

pub mod conllu;
pub mod eval;
mod lemma;
mod parser;
pub mod perceptron;
mod tagger;
mod train;

pub use train::{train, EpochReport, TrainConfig};

use crate::model_file;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

pub const MAGIC: &[u8; 8] = b"KGSYN\0\0\0";
pub const FORMAT_VERSION: u32 = 2;

/// Sentences are parsed in pieces of at most this many words: the transition system is
/// linear, but feature lookups per word make longer "sentences" (lists, tables, text
/// without punctuation) slow without making their parse any better.
pub const MAX_PARSED_WORDS: usize = 200;

macro_rules! closed_set {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $text:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),* }
            }

            pub fn index(self) -> usize {
                self as usize
            }

            fn exactly(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|x| x.as_str() == s)
            }
        }

        /// Written as UD writes it (`PROPN`, `nsubj:pass`).
        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
                Self::exactly(&s).ok_or_else(|| serde::de::Error::custom(format!("unknown {}: {s:?}", stringify!($name))))
            }
        }
    };
}

closed_set! {
    /// Universal part-of-speech tags.
    Upos {
        Adj = "ADJ", Adp = "ADP", Adv = "ADV", Aux = "AUX", Cconj = "CCONJ", Det = "DET", Intj = "INTJ",
        Noun = "NOUN", Num = "NUM", Part = "PART", Pron = "PRON", Propn = "PROPN", Punct = "PUNCT",
        Sconj = "SCONJ", Sym = "SYM", Verb = "VERB", X = "X",
    }
}

impl Upos {
    pub fn parse(s: &str) -> Option<Self> {
        Self::exactly(s)
    }
}

closed_set! {
    /// Dependency relations: UD's universal relations plus the Dutch subtypes every
    /// training treebank marks. Other subtypes (`obl:agent`, `obl:arg`, `nmod:poss`,
    /// `expl:pv`: missing from the older LassySmall release) are read as their base
    /// relation; the CoNLL 2018 LAS compares base relations only.
    Deprel {
        Acl = "acl", AclRelcl = "acl:relcl", Advcl = "advcl", Advmod = "advmod", Amod = "amod",
        Appos = "appos", Aux = "aux", AuxPass = "aux:pass", Case = "case", Cc = "cc",
        CcPreconj = "cc:preconj", Ccomp = "ccomp", Clf = "clf", Compound = "compound",
        CompoundPrt = "compound:prt", Conj = "conj", Cop = "cop", Csubj = "csubj",
        CsubjPass = "csubj:pass", Dep = "dep", Det = "det", Discourse = "discourse",
        Dislocated = "dislocated", Expl = "expl", Fixed = "fixed", Flat = "flat", Goeswith = "goeswith",
        Iobj = "iobj", List = "list", Mark = "mark", Nmod = "nmod", Nsubj = "nsubj",
        NsubjPass = "nsubj:pass", Nummod = "nummod", Obj = "obj", Obl = "obl", Orphan = "orphan",
        Parataxis = "parataxis", Punct = "punct", Reparandum = "reparandum", Root = "root",
        Vocative = "vocative", Xcomp = "xcomp",
    }
}

impl Deprel {
    /// A label as treebanks write it; unknown subtypes fall back to their base relation,
    /// unknown relations to `dep`.
    pub fn parse(s: &str) -> Self {
        Self::exactly(s).or_else(|| Self::exactly(s.split(':').next().unwrap_or(s))).unwrap_or(Deprel::Dep)
    }

    /// The universal relation without its subtype (`aux:pass` → `aux`).
    pub fn base(self) -> &'static str {
        let s = self.as_str();
        s.split(':').next().unwrap_or(s)
    }
}

/// A word's morphological features as UD writes them (`Number=Sing|Tense=Past|VerbForm=Fin`,
/// empty for none), shared with the model's table of bundles.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Features(Arc<str>);

impl Features {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The value of one feature, e.g. `get("VerbForm") == Some("Fin")`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.split('|').find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
    }
}

impl Serialize for Features {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// One analysed word.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Word {
    pub upos: Upos,
    pub feats: Features,
    /// UD Dutch lemma: `_` joins the parts of compounds and particle verbs (`mee_doen`).
    pub lemma: String,
    /// Index of the head word in the sentence; `None` for the root.
    pub head: Option<usize>,
    pub deprel: Deprel,
}

impl Word {
    /// The lemma as a dictionary writes it (`mee_doen` → `meedoen`).
    pub fn plain_lemma(&self) -> String {
        self.lemma.replace('_', "")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("not a kennisgraaf syntax model (bad magic bytes); retrain with `kennisgraaf train syntax`")]
    BadMagic,
    #[error("syntax model format version {found}, this build reads version {FORMAT_VERSION}; retrain with `kennisgraaf train syntax`")]
    Version { found: u32 },
    #[error("syntax model is corrupt ({0}); retrain with `kennisgraaf train syntax` or restore data/models from git")]
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

/// The trained tagger, lemmatiser and parser.
#[derive(Serialize, Deserialize)]
pub struct SyntaxModel {
    tagger: tagger::Tagger,
    lemmas: lemma::Lemmatizer,
    parser: parser::Parser,
    /// Free-form provenance: training data, epochs, dev scores.
    pub about: String,
}

impl SyntaxModel {
    /// Tags, lemmatises and parses one sentence of words.
    pub fn analyse(&self, words: &[&str]) -> Vec<Word> {
        let mut out = Vec::with_capacity(words.len());
        let mut start = 0;
        while start < words.len() {
            let end = (start + MAX_PARSED_WORDS).min(words.len());
            let piece = &words[start..end];
            let tags = self.tagger.tag(piece);
            let tree = self.parser.parse(piece, &tags);
            for (i, word) in piece.iter().enumerate() {
                out.push(Word {
                    upos: tags[i].upos,
                    feats: self.tagger.features(tags[i].feats),
                    lemma: self.lemmas.lemma(word, tags[i], &|l| self.tagger.lists(l)),
                    head: tree.heads[i].map(|h| h + start),
                    deprel: tree.labels[i],
                });
            }
            if start > 0 {
                // Pieces after the first hang under the first piece's root.
                let first_root = out.iter().position(|w| w.head.is_none() && w.deprel == Deprel::Root);
                if let Some(r) = first_root {
                    for w in &mut out[start..] {
                        if w.head.is_none() {
                            w.head = Some(r);
                            w.deprel = Deprel::Parataxis;
                        }
                    }
                }
            }
            start = end;
        }
        lemma::join_particles(words, &mut out);
        out
    }

    pub fn to_bytes(&self) -> Result<Vec<u8>, ModelError> {
        Ok(model_file::encode(MAGIC, FORMAT_VERSION, self)?)
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ModelError> {
        let mut model: SyntaxModel = model_file::decode(MAGIC, FORMAT_VERSION, bytes)?;
        model.tagger.rebuild()?;
        model.parser.rebuild()?;
        Ok(model)
    }

    /// The parser's UAS and LAS when it is given the gold tags (what tagging errors cost).
    pub fn score_with_gold_tags(&self, gold: &[conllu::GoldSentence]) -> eval::Scores {
        let tags: Vec<Vec<tagger::Tag>> = gold.iter().map(|s| self.tagger.gold_tags(s)).collect();
        eval::score_trees(gold, &tags, &self.parser)
    }

    /// Number of stored (feature, class) weights, for reports.
    pub fn weight_count(&self) -> usize {
        self.tagger.weight_count() + self.parser.weight_count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_read_as_treebanks_write_them() {
        assert_eq!(Deprel::parse("aux:pass"), Deprel::AuxPass);
        assert_eq!(Deprel::parse("obl:agent"), Deprel::Obl);
        assert_eq!(Deprel::parse("flat:name"), Deprel::Flat);
        assert_eq!(Deprel::parse("whatever"), Deprel::Dep);
        assert_eq!(Deprel::AclRelcl.base(), "acl");
        assert_eq!(Upos::parse("PROPN"), Some(Upos::Propn));
        assert_eq!(Upos::parse("N"), None);
        let f = Features(Arc::from("Number=Sing|Tense=Past|VerbForm=Fin"));
        assert_eq!((f.get("Tense"), f.get("VerbForm"), f.get("Degree")), (Some("Past"), Some("Fin"), None));
    }

    #[test]
    fn garbage_model_files_are_refused() {
        assert!(matches!(SyntaxModel::from_bytes(b"nonsense"), Err(ModelError::BadMagic)));
        let mut framed = MAGIC.to_vec();
        framed.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        framed.extend_from_slice(&[0xff; 40]);
        assert!(matches!(SyntaxModel::from_bytes(&framed), Err(ModelError::Corrupt(_))));
        let mut old = MAGIC.to_vec();
        old.extend_from_slice(&0u32.to_le_bytes());
        assert!(matches!(SyntaxModel::from_bytes(&old), Err(ModelError::Version { found: 0 })));
    }
}
