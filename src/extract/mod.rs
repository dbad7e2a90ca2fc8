//! Stage 2: text → `Extraction` (sentences, entities, mentions, relations, quotes).
//!
//! Extract does no I/O: the tagger arrives as a loaded `NerModel`, text as `&str`.
//! Messy text is never an error; what could not be understood goes to
//! `Extraction::diagnostics`. Local entity indices in the output point into
//! `Extraction::entities`; every span is a char-boundary range of the input text.
//!
//! Order: tokenize → names (NER + rules) → quotes → coref (entities, roles,
//! references, quote speakers) → relations → Wikidata links (`crate::link`, when the
//! extractor has a linker).

pub mod coref;
pub mod names;
pub mod ner;
pub mod quotes;
pub mod relations;
pub mod tokenize;
mod words;

use crate::link::Linker;
use crate::model::{Extraction, Mention, Quote};
use ner::NerModel;

/// Sentences longer than this many tokens are reported: usually a file without
/// punctuation or line breaks, whose names will be poorly recognised.
const LONG_SENTENCE_TOKENS: usize = 400;

pub struct Extractor {
    tagger: NerModel,
    linker: Option<Linker>,
}

impl Extractor {
    pub fn new(tagger: NerModel) -> Self {
        Self { tagger, linker: None }
    }

    pub fn linker(&self) -> Option<&Linker> {
        self.linker.as_ref()
    }

    /// Also link entities to Wikidata.
    pub fn with_linker(self, linker: Linker) -> Self {
        Self { linker: Some(linker), ..self }
    }

    pub fn extract(&self, text: &str) -> Extraction {
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
        let ents = coref::resolve(text, &tokens, &sentences, &names, &regions);
        let sentence_spans: Vec<_> = sentences.iter().map(|s| s.span).collect();
        let relations = relations::find(text, &tokens, &sentence_spans, &ents);
        let mentions = ents
            .refs
            .iter()
            .map(|r| Mention {
                entity: r.entity,
                sentence: r.sentence,
                span: r.span,
                text: text[r.span.start..r.span.end].to_string(),
                confidence: r.confidence,
                source: r.source.to_string(),
            })
            .collect();
        let quotes = ents
            .quotes
            .iter()
            .map(|q| {
                let mut about: Vec<usize> = ents
                    .named_within(q.region.span)
                    .filter(|r| Some(r.entity) != q.speaker)
                    .map(|r| r.entity)
                    .collect();
                about.sort_unstable();
                about.dedup();
                Quote {
                    speaker: q.speaker,
                    text: text[q.region.span.start..q.region.span.end].to_string(),
                    span: q.region.span,
                    about,
                    extractor: q.extractor.to_string(),
                }
            })
            .collect();
        let mut extraction =
            Extraction { sentences: sentence_spans, entities: ents.entities, mentions, relations, quotes, diagnostics };
        if let Some(linker) = &self.linker {
            linker.link(text, &mut extraction);
        }
        extraction
    }
}
