//! Stage 2: text → `Extraction` (sentences, entities, mentions, relations, quotes).
//!
//! Extract does no I/O: the tagger arrives as a loaded `NerModel`, text as `&str`.
//! Messy text is never an error; what could not be understood goes to
//! `Extraction::diagnostics`. Local entity indices in the output point into
//! `Extraction::entities`; every span is a char-boundary range of the input text.
//!
//! Order: tokenize → syntax (tags, lemmas, dependency tree per sentence, when the
//! extractor has a syntax model) → names (NER + rules) → quotes → coref (entities,
//! roles, references, quote speakers) → relations → per-document bounds (`limits`) →
//! Wikidata links (`crate::link`, when the extractor has a linker).
//!
//! Invariant: memory and time are linear in the text's length for any text; steps that
//! compare things pairwise (co-occurrence, name runs) bound how many they compare.

pub mod coref;
pub mod limits;
pub mod names;
pub mod ner;
pub mod quotes;
pub mod relations;
pub mod speech;
pub mod syntax;
pub mod tokenize;
pub mod words;

use crate::link::{index, Linker};
use crate::model::{Extraction, Mention, Quote, QuoteKind, Span};
use ner::NerModel;
use syntax::SyntaxModel;

/// Sentences longer than this many tokens are reported: usually a file without
/// punctuation or line breaks, whose names will be poorly recognised (the tagger reads
/// them in pieces).
const LONG_SENTENCE_TOKENS: usize = ner::MAX_SENTENCE_TOKENS;

pub struct Extractor {
    tagger: NerModel,
    linker: Option<Linker>,
    syntax: Option<SyntaxModel>,
}

/// One sentence's words with their syntax (`Word::head` indexes `words`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ParsedSentence {
    pub span: Span,
    pub words: Vec<ParsedWord>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ParsedWord {
    pub text: String,
    pub span: Span,
    #[serde(flatten)]
    pub syntax: syntax::Word,
}

impl Extractor {
    pub fn new(tagger: NerModel) -> Self {
        Self { tagger, linker: None, syntax: None }
    }

    /// Also tag, lemmatise and parse every sentence.
    pub fn with_syntax(self, model: SyntaxModel) -> Self {
        Self { syntax: Some(model), ..self }
    }

    /// Is `name`, as written, a place: one the NER training data tags as a place, or a
    /// place of the Wikidata names (when there is a linker)?
    fn is_place(&self, name: &str) -> bool {
        let tagged = self.tagger.lexicon().gazetteer_marks(&[name]).first().is_some_and(|m| m.contains(&"LOC-B"));
        tagged
            || self.linker.as_ref().is_some_and(|l| {
                l.index()
                    .lookup(&crate::model::fold(name))
                    .any(|(item, written)| item.kind & index::PLACE != 0 && written == name)
            })
    }

    pub fn linker(&self) -> Option<&Linker> {
        self.linker.as_ref()
    }

    /// Also link entities to Wikidata.
    pub fn with_linker(self, linker: Linker) -> Self {
        Self { linker: Some(linker), ..self }
    }

    /// The extraction. With a syntax model, the sentences that name two or more
    /// entities are parsed for the relations the parse states (parsing costs ten times the
    /// rest of extraction, docs/syntax.md; a sentence with fewer entities holds no relation
    /// between two of them).
    pub fn extract(&self, text: &str) -> Extraction {
        self.extract_parsed(text, false).0
    }

    /// The extraction and, when the extractor has a syntax model, every sentence's parse.
    pub fn extract_with_syntax(&self, text: &str) -> (Extraction, Vec<ParsedSentence>) {
        self.extract_parsed(text, true)
    }

    fn extract_parsed(&self, text: &str, every_sentence: bool) -> (Extraction, Vec<ParsedSentence>) {
        let (tokens, sentences) = tokenize::tokenize(text);
        let diagnostics = sentences
            .iter()
            .filter(|s| s.tokens.len() > LONG_SENTENCE_TOKENS)
            .map(|s| {
                format!(
                    "sentence at byte {} has {} tokens; is the text missing punctuation or line breaks?",
                    s.span.start,
                    s.tokens.len()
                )
            })
            .collect();
        let names = names::find(text, &tokens, &sentences, &self.tagger);
        let regions = quotes::find(text, &tokens, &sentences);
        let ents = coref::resolve(text, &tokens, &sentences, &names, &regions, &|name| self.is_place(name));
        let sentence_spans: Vec<_> = sentences.iter().map(|s| s.span).collect();
        let parses = match &self.syntax {
            Some(model) => self.parse(model, text, &tokens, &sentences, &ents, every_sentence),
            None => Vec::new(),
        };
        let sentence_parses: Vec<relations::SentenceParse> = parses
            .iter()
            .map(|(sentence, parsed)| relations::SentenceParse {
                sentence: *sentence,
                first_token: sentences[*sentence].tokens.start,
                words: parsed,
            })
            .collect();
        let relations = relations::find(text, &tokens, &sentence_spans, &ents, &sentence_parses);
        let parses = if every_sentence {
            parses
                .into_iter()
                .map(|(sentence, analysed)| {
                    let s = &sentences[sentence];
                    let words = tokens[s.tokens.clone()]
                        .iter()
                        .zip(analysed)
                        .map(|(t, w)| ParsedWord {
                            text: text[t.span.start..t.span.end].to_string(),
                            span: t.span,
                            syntax: w,
                        })
                        .collect();
                    ParsedSentence { span: s.span, words }
                })
                .collect()
        } else {
            Vec::new()
        };
        let mentions = ents
            .refs
            .iter()
            .map(|r| Mention {
                entity: r.entity,
                sentence: r.sentence,
                span: r.span,
                text: text[r.span.start..r.span.end].to_string(),
                confidence: r.confidence,
                source: r.source,
            })
            .collect();
        let quotes = ents
            .quotes
            .iter()
            .map(|q| {
                // Reported speech names no one it is "about" (the speaker's words are not given).
                let mut about: Vec<usize> = match q.kind {
                    QuoteKind::Direct => {
                        ents.named_within(q.span).filter(|r| Some(r.entity) != q.speaker).map(|r| r.entity).collect()
                    }
                    QuoteKind::Reported => Vec::new(),
                };
                about.sort_unstable();
                about.dedup();
                Quote {
                    speaker: q.speaker,
                    kind: q.kind,
                    text: q.text.clone(),
                    span: q.span,
                    about,
                    extractor: q.extractor,
                }
            })
            .collect();
        let mut extraction =
            Extraction { sentences: sentence_spans, entities: ents.entities, mentions, relations, quotes, diagnostics };
        limits::bound(&mut extraction);
        if let Some(linker) = &self.linker {
            linker.link(text, &mut extraction);
        }
        (extraction, parses)
    }

    /// The analysed words of every sentence (`every_sentence`) or of those naming two or
    /// more distinct entities (`Ref::may_be_party`), with the sentence's index.
    fn parse(
        &self,
        model: &SyntaxModel,
        text: &str,
        tokens: &[tokenize::Token],
        sentences: &[tokenize::Sentence],
        ents: &coref::Entities,
        every_sentence: bool,
    ) -> Vec<(usize, Vec<syntax::Word>)> {
        let mut named: Vec<Vec<usize>> = vec![Vec::new(); sentences.len()];
        for r in ents.refs.iter().filter(|r| r.may_be_party()) {
            if let Some(list) = named.get_mut(r.sentence) {
                if !list.contains(&r.entity) {
                    list.push(r.entity);
                }
            }
        }
        (0..sentences.len())
            .filter(|&i| every_sentence || named[i].len() >= 2)
            .map(|i| {
                let words: Vec<&str> =
                    tokens[sentences[i].tokens.clone()].iter().map(|t| &text[t.span.start..t.span.end]).collect();
                (i, model.analyse(&words))
            })
            .collect()
    }
}
