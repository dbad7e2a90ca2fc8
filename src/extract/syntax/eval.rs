//! Scoring against a gold treebank, by the CoNLL 2018 shared task's definitions: UPOS,
//! the whole feature bundle, lemma, UAS and LAS (heads and the universal part of the
//! relation), punctuation included. With gold tokens every figure is an accuracy; on raw
//! text, words are aligned to the gold words by character span and each figure is an
//! F1 of correct words over gold and system words.

use super::conllu::GoldSentence;
use super::parser::Parser;
use super::tagger::Tag;
use super::{SyntaxModel, Word};
use crate::extract::tokenize;
use std::collections::HashMap;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scores {
    pub gold_words: usize,
    pub system_words: usize,
    /// System words with the span of a gold word.
    pub aligned: usize,
    pub upos: usize,
    pub feats: usize,
    pub lemma: usize,
    pub uas: usize,
    pub las: usize,
}

impl Scores {
    /// `correct` as F1 over gold and system words (an accuracy when both are the same).
    pub fn f1(&self, correct: usize) -> f64 {
        if self.gold_words + self.system_words == 0 {
            return 0.0;
        }
        200.0 * correct as f64 / (self.gold_words + self.system_words) as f64
    }
}

fn feats_equal(gold: &str, system: &str) -> bool {
    (if gold == "_" { "" } else { gold }) == system
}

/// UAS and LAS of `parser` with the given tags (the dev score during training).
pub fn score_trees(gold: &[GoldSentence], tags: &[Vec<Tag>], parser: &Parser) -> Scores {
    let mut s = Scores::default();
    for (sentence, tags) in gold.iter().zip(tags) {
        let words: Vec<&str> = sentence.words.iter().map(|w| w.form.as_str()).collect();
        let tree = parser.parse(&words, tags);
        for (i, g) in sentence.words.iter().enumerate() {
            let head_ok = tree.heads[i].map_or(0, |h| h + 1) == g.head;
            s.uas += usize::from(head_ok);
            s.las += usize::from(head_ok && tree.labels[i].base() == g.deprel.base());
            s.upos += usize::from(tags[i].upos == g.upos);
        }
        s.gold_words += words.len();
        s.system_words += words.len();
        s.aligned += words.len();
    }
    s
}

/// Everything, on the gold words.
pub fn score_gold_tokens(model: &SyntaxModel, gold: &[GoldSentence]) -> Scores {
    let mut s = Scores::default();
    for sentence in gold {
        let words: Vec<&str> = sentence.words.iter().map(|w| w.form.as_str()).collect();
        let analysed = model.analyse(&words);
        for (g, a) in sentence.words.iter().zip(&analysed) {
            add_word(&mut s, g, a, a.head.map_or(0, |h| h + 1) == g.head);
        }
        s.gold_words += words.len();
        s.system_words += words.len();
        s.aligned += words.len();
    }
    s
}

fn add_word(s: &mut Scores, g: &super::conllu::GoldWord, a: &Word, head_ok: bool) {
    s.upos += usize::from(a.upos == g.upos);
    s.feats += usize::from(feats_equal(&g.feats, a.feats.as_str()));
    s.lemma += usize::from(a.lemma == g.lemma);
    s.uas += usize::from(head_ok);
    s.las += usize::from(head_ok && a.deprel.base() == g.deprel.base());
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawScores {
    pub words: Scores,
    pub gold_sentences: usize,
    pub system_sentences: usize,
    pub matched_sentences: usize,
    /// Gold words whose form could not be found in the rebuilt text (not aligned).
    pub unplaced: usize,
}

/// One document's text rebuilt from the gold sentences (paragraphs from the `sent_id`,
/// `…p.N.s.M`), with every gold word's byte span in it.
struct RawDocument<'a> {
    text: String,
    sentences: Vec<&'a GoldSentence>,
    spans: Vec<Vec<Option<(usize, usize)>>>,
}

fn paragraph_of(sent_id: &str) -> Option<&str> {
    let at = sent_id.rfind(".p.")?;
    let rest = &sent_id[at + 3..];
    Some(&rest[..rest.find('.').unwrap_or(rest.len())])
}

fn documents(gold: &[GoldSentence]) -> Vec<RawDocument<'_>> {
    let mut docs: Vec<RawDocument> = Vec::new();
    let mut last: Option<(&str, Option<&str>)> = None;
    for s in gold {
        let doc = s.sent_id.split(['\\', '/']).next().unwrap_or("");
        let par = paragraph_of(&s.sent_id);
        let new_doc = last.is_none_or(|(d, _)| d != doc || doc.is_empty());
        if new_doc {
            docs.push(RawDocument { text: String::new(), sentences: Vec::new(), spans: Vec::new() });
        }
        let Some(d) = docs.last_mut() else { continue };
        if !d.text.is_empty() {
            d.text.push_str(if last.is_some_and(|(_, p)| p == par) { " " } else { "\n\n" });
        }
        last = Some((doc, par));
        let base = d.text.len();
        let text = if s.text.is_empty() {
            s.words.iter().map(|w| w.form.as_str()).collect::<Vec<_>>().join(" ")
        } else {
            s.text.clone()
        };
        d.text.push_str(&text);
        let mut at = 0;
        let mut spans = Vec::with_capacity(s.words.len());
        for w in &s.words {
            while text[at..].starts_with(char::is_whitespace) {
                at += text[at..].chars().next().map_or(1, char::len_utf8);
            }
            if text[at..].starts_with(&w.form) {
                spans.push(Some((base + at, base + at + w.form.len())));
                at += w.form.len();
            } else if let Some(off) = text[at..].find(&w.form).filter(|&o| o < 8) {
                spans.push(Some((base + at + off, base + at + off + w.form.len())));
                at += off + w.form.len();
            } else {
                spans.push(None);
            }
        }
        d.sentences.push(s);
        d.spans.push(spans);
    }
    docs
}

type ByteRange = (usize, usize);

/// Everything, on text rebuilt from the gold sentences and read by kennisgraaf's own
/// tokenizer and sentence splitter.
pub fn score_raw_text(model: &SyntaxModel, gold: &[GoldSentence]) -> RawScores {
    let mut r = RawScores::default();
    for doc in documents(gold) {
        let (tokens, sentences) = tokenize::tokenize(&doc.text);
        // System words by span: the analysis and the head's span.
        let mut system: HashMap<ByteRange, (Word, Option<ByteRange>)> = HashMap::new();
        let mut system_sentences = Vec::new();
        for s in &sentences {
            let spans: Vec<(usize, usize)> =
                tokens[s.tokens.clone()].iter().map(|t| (t.span.start, t.span.end)).collect();
            let words: Vec<&str> = spans.iter().map(|&(a, b)| &doc.text[a..b]).collect();
            if let (Some(first), Some(last)) = (spans.first(), spans.last()) {
                system_sentences.push((first.0, last.1));
            }
            for (i, w) in model.analyse(&words).into_iter().enumerate() {
                let head = w.head.map(|h| spans[h]);
                system.insert(spans[i], (w, head));
            }
        }
        r.words.system_words += system.len();
        for (s, spans) in doc.sentences.iter().zip(&doc.spans) {
            r.gold_sentences += 1;
            r.words.gold_words += s.words.len();
            let placed: Vec<_> = spans.iter().flatten().collect();
            if let (Some(first), Some(last)) = (placed.first(), placed.last()) {
                r.matched_sentences += usize::from(system_sentences.contains(&(first.0, last.1)));
            }
            for (g, span) in s.words.iter().zip(spans) {
                let Some(span) = span else {
                    r.unplaced += 1;
                    continue;
                };
                let Some((w, head)) = system.get(span) else { continue };
                r.words.aligned += 1;
                let gold_head = if g.head == 0 { None } else { spans[g.head - 1] };
                let head_ok = *head == gold_head && (g.head == 0 || gold_head.is_some());
                add_word(&mut r.words, g, w, head_ok);
            }
        }
        r.system_sentences += system_sentences.len();
    }
    r
}
