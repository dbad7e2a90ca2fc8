//! Quotation regions. Dutch news mixes marks freely (`''…''`, `"…''`, `,,…''`, `„…”`,
//! `'…'`), so any double mark closes any double opening; a quote left open at the end of
//! a paragraph ends there (the Dutch convention for quotes running over paragraphs).

use super::tokenize::{Sentence, Token, TokenKind};
use crate::model::Span;
use std::ops::Range;

#[derive(Debug, Clone, PartialEq)]
pub struct QuoteRegion {
    /// Tokens inside the marks.
    pub tokens: Range<usize>,
    /// The text inside the marks.
    pub span: Span,
    pub paragraph: usize,
    /// Index of the closing mark (or one past the last token when left open).
    pub close: usize,
}

fn is_single(mark: &str) -> bool {
    matches!(mark, "'" | "‘" | "’" | "`")
}

pub fn find(text: &str, tokens: &[Token], sentences: &[Sentence]) -> Vec<QuoteRegion> {
    let mut paragraph_of = vec![0; tokens.len()];
    for s in sentences {
        paragraph_of[s.tokens.clone()].iter_mut().for_each(|p| *p = s.paragraph);
    }
    let mut out = Vec::new();
    let mut open: Option<(usize, bool)> = None;
    let push = |start: usize, end: usize, close: usize, out: &mut Vec<QuoteRegion>| {
        if start < end {
            out.push(QuoteRegion {
                tokens: start..end,
                span: Span::new(tokens[start].span.start, tokens[end - 1].span.end),
                paragraph: paragraph_of[start],
                close,
            });
        }
    };
    for (i, t) in tokens.iter().enumerate() {
        if let Some((o, _)) = open {
            if paragraph_of[i] != paragraph_of[o] {
                push(o + 1, i, i, &mut out);
                open = None;
            }
        }
        if t.kind != TokenKind::Quote {
            continue;
        }
        let mark = &text[t.span.start..t.span.end];
        let single = is_single(mark);
        let glued_right = tokens.get(i + 1).is_some_and(|n| !n.space_before && !n.line_before);
        match open {
            Some((o, open_single)) if open_single == single && (!t.space_before || !glued_right) => {
                push(o + 1, i, i, &mut out);
                open = None;
            }
            // Low and left marks only ever open, even when a space follows (",, Ik wist").
            None if matches!(mark, ",," | "„" | "“") => open = Some((i, single)),
            None if glued_right && (t.space_before || i == 0) => open = Some((i, single)),
            None if glued_right && !single => open = Some((i, single)),
            _ => {}
        }
    }
    if let Some((o, _)) = open {
        push(o + 1, tokens.len(), tokens.len(), &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::tokenize::tokenize;
    use super::*;

    fn quoted(text: &str) -> Vec<&str> {
        let (toks, sents) = tokenize(text);
        find(text, &toks, &sents).iter().map(|q| &text[q.span.start..q.span.end]).collect()
    }

    #[test]
    fn mixed_marks_pair_up() {
        assert_eq!(quoted("Hij zei: \"Dat is goed.'' En ''nog iets'', zegt hij."), ["Dat is goed.", "nog iets"]);
        assert_eq!(quoted(",, Ik wist het. '' Daarna niets."), ["Ik wist het."]);
        assert_eq!(
            quoted("'Privacy is hier niet voor uitgevonden'\n\nAuto's van zo'n man."),
            ["Privacy is hier niet voor uitgevonden"]
        );
    }

    #[test]
    fn an_open_quote_ends_with_its_paragraph() {
        assert_eq!(quoted("''Eerste alinea loopt door.\n\nTweede."), ["Eerste alinea loopt door."]);
    }
}
