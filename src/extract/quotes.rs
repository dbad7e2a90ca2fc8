//! Quotation regions. Dutch news mixes marks freely (`''…''`, `"…''`, `,,…''`, `„…”`,
//! `'…'`), so any double mark closes any double opening; a quote left open at the end of
//! a paragraph ends there (the Dutch convention for quotes running over paragraphs). A
//! double mark that can only close — glued to the word before it, followed by a space or
//! punctuation (`…aangesleept", aldus Claes`) — with nothing open closes a quote that runs
//! from its paragraph's start (or the last quote closed in it): the paragraphs before
//! carried the opening.

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
    // Where a quote closed without an opening mark starts: the paragraph's first token, or
    // the one after the last mark that closed in it.
    let mut unopened_start = 0;
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
        if i > 0 && paragraph_of[i] != paragraph_of[i - 1] {
            unopened_start = i;
        }
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
        // Low and left marks only ever open, even when a space follows (",, Ik wist").
        let opens_only = matches!(mark, ",," | "„" | "“");
        let closes_only = !single
            && !opens_only
            && !t.space_before
            && i > unopened_start
            && tokens.get(i + 1).is_none_or(|n| n.space_before || n.line_before || n.kind == TokenKind::Punct);
        match open {
            Some((o, open_single)) if open_single == single && (!t.space_before || !glued_right) => {
                push(o + 1, i, i, &mut out);
                open = None;
                unopened_start = i + 1;
            }
            None if closes_only => {
                push(unopened_start, i, i, &mut out);
                unopened_start = i + 1;
            }
            None if opens_only => open = Some((i, single)),
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
    fn a_closing_mark_with_nothing_open_closes_from_its_paragraph_start() {
        assert_eq!(
            quoted("Intro.\n\nBij ons ging het snel\", aldus Claes. Daarna \"iets anders\"."),
            ["Bij ons ging het snel", "iets anders"]
        );
        assert_eq!(quoted("Hij zei \"ja\" en \"nee\"."), ["ja", "nee"]);
    }

    #[test]
    fn an_open_quote_ends_with_its_paragraph() {
        assert_eq!(quoted("''Eerste alinea loopt door.\n\nTweede."), ["Eerste alinea loopt door."]);
    }
}
