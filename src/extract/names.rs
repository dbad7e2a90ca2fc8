//! Named mentions: the NER tagger's chunks, retyped and completed by rules for what
//! CoNLL does not annotate (laws, institutions named in lowercase).

use super::ner::{self, NerModel};
use super::tokenize::{Sentence, Token, TokenKind};
use super::words::{role_noun, ARTICLES, INSTITUTIONS, NATIONALITY_NOUNS, PORTFOLIOS};
use crate::model::{EntityType, Span};
use std::ops::Range;

/// A named mention before entities are formed.
#[derive(Debug, Clone, PartialEq)]
pub struct Name {
    pub sentence: usize,
    pub tokens: Range<usize>,
    pub span: Span,
    pub entity_type: EntityType,
    pub confidence: f32,
    pub source: &'static str,
}

/// A tagger chunk longer than this is a run of capitalised words (a list without
/// punctuation, a shouted line), not a name.
const MAX_NAME_TOKENS: usize = 16;

pub fn token_text<'t>(text: &'t str, t: &Token) -> &'t str {
    &text[t.span.start..t.span.end]
}

fn is_law_word(word: &str) -> bool {
    let lower = word.to_lowercase();
    word.chars().next().is_some_and(char::is_uppercase)
        && lower.chars().count() > 4
        && (lower.ends_with("wet") || lower.ends_with("wetten") || lower.starts_with("wetboek"))
}

/// A role or nationality noun that the tagger may read as the first word of a name.
fn is_glued_prefix(word: &str) -> bool {
    role_noun(word).is_some() || NATIONALITY_NOUNS.contains(&word.to_lowercase().as_str())
}

/// Find the named mentions in every sentence.
pub fn find(text: &str, tokens: &[Token], sentences: &[Sentence], tagger: &NerModel) -> Vec<Name> {
    let mut names = Vec::new();
    let all_words: Vec<Vec<&str>> =
        sentences.iter().map(|s| tokens[s.tokens.clone()].iter().map(|t| token_text(text, t)).collect()).collect();
    let all_labels = tagger.tag_document(&all_words);
    for (si, sentence) in sentences.iter().enumerate() {
        let toks = &tokens[sentence.tokens.clone()];
        let words = &all_words[si];
        let labels = &all_labels[si];
        let mut taken = vec![false; toks.len()];
        for (start, end, ty) in merge_adjacent(ner::chunks(labels)) {
            // Quotation marks and punctuation at the edges are not part of a name.
            let is_edge = |t: &Token| matches!(t.kind, TokenKind::Quote | TokenKind::Punct);
            let (mut s, mut e) = (start, end);
            while s < e && is_edge(&toks[s]) {
                s += 1;
            }
            while e > s && is_edge(&toks[e - 1]) {
                e -= 1;
            }
            // "minister van Cultuur Bert Anciaux": the portfolio is not part of the name.
            if ty == "PER" && s > 0 && matches!(words[s - 1], "van" | "voor" | "en") {
                while e - s > 2 && PORTFOLIOS.contains(&words[s]) {
                    s += 1;
                }
            }
            // "Zeilster Carolijn Brouwer", "CEO Jan Smit", "Duitser Beerbaum": a role or
            // nationality noun glued before a person's name is no part of it (the role is
            // attached to the person by coref).
            if ty == "PER" {
                while e - s > 1
                    && is_glued_prefix(words[s])
                    && words[s + 1].chars().next().is_some_and(char::is_uppercase)
                {
                    s += 1;
                }
            }
            if s == e || e - s > MAX_NAME_TOKENS {
                continue;
            }
            let mut entity_type = match ty {
                "PER" => EntityType::Person,
                "LOC" => EntityType::Location,
                "ORG" => EntityType::Organization,
                _ => EntityType::Misc,
            };
            if is_law_word(words[e - 1]) || words[s] == "Wet" || words[s] == "Wetboek" {
                entity_type = EntityType::Law;
            } else if e - s == 1 && INSTITUTIONS.contains(&words[s].to_lowercase().as_str()) {
                entity_type = EntityType::Organization;
            }
            taken[s..e].iter_mut().for_each(|t| *t = true);
            names.push(name(si, sentence, toks, s..e, entity_type, 0.85, "ner"));
        }
        for i in 0..toks.len() {
            if taken[i] || toks[i].kind != TokenKind::Word {
                continue;
            }
            let word = words[i];
            let prev = i.checked_sub(1).map(|p| words[p].to_lowercase());
            if let Some(stem) = word.strip_suffix('-').filter(|s| INSTITUTIONS.contains(&s.to_lowercase().as_str())) {
                // "politie- en justitiemedewerkers" names the police.
                let mut n = name(si, sentence, toks, i..i + 1, EntityType::Organization, 0.6, "rule:institution");
                n.span.end = n.span.start + stem.len();
                names.push(n);
            } else if is_law_word(word) {
                names.push(name(si, sentence, toks, i..i + 1, EntityType::Law, 0.9, "rule:law"));
            } else if word == "Wet"
                && words.get(i + 1).is_some_and(|w| matches!(*w, "op" | "van" | "inzake" | "tot" | "bescherming"))
            {
                // "Wet op de inlichtingen- en veiligheidsdiensten": up to the first punctuation, at most 8 words.
                let end = (i + 1..toks.len().min(i + 9))
                    .find(|&k| toks[k].kind != TokenKind::Word)
                    .unwrap_or(toks.len().min(i + 9));
                taken[i..end].iter_mut().for_each(|t| *t = true);
                names.push(name(si, sentence, toks, i..end, EntityType::Law, 0.8, "rule:law"));
            } else if INSTITUTIONS.contains(&word.to_lowercase().as_str())
                && (word.chars().next().is_some_and(char::is_uppercase)
                    || prev.as_deref().is_some_and(|p| ARTICLES.contains(&p)))
                && !(word.len() <= 3 && word.chars().any(char::is_lowercase))
            {
                names.push(name(si, sentence, toks, i..i + 1, EntityType::Organization, 0.8, "rule:institution"));
            }
        }
    }
    names.sort_by_key(|n| n.span.start);
    names
}

/// The tagger sometimes splits one name into two chunks ("Meld" PER + "Misdaad
/// Anoniem" ORG); touching chunks are one name, typed as the longer part.
fn merge_adjacent(chunks: Vec<(usize, usize, &'static str)>) -> Vec<(usize, usize, &'static str)> {
    let mut out: Vec<(usize, usize, &'static str)> = Vec::with_capacity(chunks.len());
    for c in chunks {
        match out.last_mut() {
            Some(last) if last.1 == c.0 => {
                let ty = if c.1 - c.0 >= last.1 - last.0 { c.2 } else { last.2 };
                *last = (last.0, c.1, ty);
            }
            _ => out.push(c),
        }
    }
    out
}

fn name(
    sentence_index: usize,
    sentence: &Sentence,
    toks: &[Token],
    local: Range<usize>,
    entity_type: EntityType,
    confidence: f32,
    source: &'static str,
) -> Name {
    let offset = sentence.tokens.start;
    Name {
        sentence: sentence_index,
        tokens: offset + local.start..offset + local.end,
        span: Span::new(toks[local.start].span.start, toks[local.end - 1].span.end),
        entity_type,
        confidence,
        source,
    }
}
