//! Arbitrary and hostile text through the tokeniser and the whole extractor: no panic,
//! and every span a valid char-boundary range of the text.

use crate::common::*;
use kennisgraaf::extract::tokenize;
use kennisgraaf::model::{Extraction, Span};
use proptest::prelude::*;

fn assert_span(text: &str, span: Span, what: &str) {
    assert!(
        span.start <= span.end && span.end <= text.len(),
        "{what} span {span:?} outside text of {} bytes",
        text.len()
    );
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "{what} span {span:?} splits a character"
    );
}

fn check(text: &str, x: &Extraction) {
    for s in &x.sentences {
        assert_span(text, *s, "sentence");
    }
    for m in &x.mentions {
        assert_span(text, m.span, "mention");
        assert_eq!(&text[m.span.start..m.span.end], m.text);
        assert!(m.entity < x.entities.len() && m.sentence < x.sentences.len());
    }
    for r in &x.relations {
        assert_span(text, r.span, "relation");
        assert!(r.source < x.entities.len() && r.target < x.entities.len());
    }
    for q in &x.quotes {
        assert_span(text, q.span, "quote");
    }
}

/// Characters that stress a tokeniser: Dutch letters and punctuation, every quote mark,
/// combining marks, right-to-left text and overrides, emoji, controls, odd whitespace.
fn hostile_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::char::range('a', 'z'),
        2 => prop::char::range('A', 'Z'),
        1 => prop::char::range('0', '9'),
        3 => prop::sample::select(vec![' ', ' ', '\n', '\t', '\r', '\u{a0}', '\u{2028}']),
        3 => prop::sample::select(vec!['.', ',', '!', '?', ':', ';', '-', '\'', '"', '‘', '’', '“', '”', '„', '«', '»', '(', ')', '…', '/']),
        1 => prop::sample::select(vec!['\u{301}', '\u{308}', '\u{200d}', '\u{202e}', '\u{202d}', '\u{200f}', 'ש', 'ل', '🙂', '👩', '\u{0}', '\u{7}', '\u{1b}', 'ï', 'é', 'ß', 'İ', 'ǅ']),
        1 => any::<char>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn tokens_and_sentences_are_valid_for_any_text(chars in prop::collection::vec(hostile_char(), 0..300)) {
        let text: String = chars.into_iter().collect();
        let (tokens, sentences) = tokenize::tokenize(&text);
        for t in &tokens {
            assert_span(&text, t.span, "token");
            prop_assert!(t.span.start < t.span.end);
        }
        let covered: usize = sentences.iter().map(|s| s.tokens.len()).sum();
        prop_assert_eq!(covered, tokens.len());
    }

    #[test]
    fn extraction_never_panics_and_keeps_spans_valid(chars in prop::collection::vec(hostile_char(), 0..400)) {
        let text: String = chars.into_iter().collect();
        check(&text, &shared_extractor().extract(&text));
    }

    #[test]
    fn news_like_text_with_noise_keeps_spans_valid(noise in prop::collection::vec(hostile_char(), 0..40), cut in 0usize..2000) {
        let reference = reference_text();
        let mut at = cut.min(reference.len());
        while !reference.is_char_boundary(at) { at -= 1; }
        let text = format!("{}{}{}", &reference[..at], noise.into_iter().collect::<String>(), &reference[at..]);
        check(&text, &shared_extractor().extract(&text));
    }
}

#[test]
fn a_one_megabyte_sentence_is_extracted_without_trouble() {
    // No punctuation or line break: one sentence of a megabyte, with names and quotes.
    let unit = "burgemeester Aboutaleb van Rotterdam zegt ''ik wil meer politie in Groningen'' en de Opiumwet ";
    let text = unit.repeat(1_000_000 / unit.len() + 1);
    let x = shared_extractor().extract(&text);
    check(&text, &x);
    assert_eq!(x.sentences.len(), 1);
    // Names in a long sentence are still found, up to the document's bound on mentions.
    assert_eq!(x.mentions.len(), kennisgraaf::extract::limits::MAX_MENTIONS);
    assert!(x.diagnostics.iter().any(|d| d.contains("tokens; is the text missing punctuation")), "{:?}", x.diagnostics);
    assert!(x.diagnostics.iter().any(|d| d.contains("mentions; only the first")), "{:?}", x.diagnostics);
}
