//! Tokens and sentences with byte offsets, for Dutch news text.
//!
//! Invariants: tokens are in text order, do not overlap, never contain whitespace, and
//! their spans lie on char boundaries; every token belongs to exactly one sentence; a
//! line break always ends a sentence (headlines and paragraphs stand on their own lines).

use crate::model::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Word,
    Number,
    /// A quotation mark: `"`, `''`, `,,`, `“`, `”`, `„`, `‘`, `’`, or a lone `'`.
    Quote,
    Punct,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub span: Span,
    pub kind: TokenKind,
    /// Whitespace (or the text start) comes right before it.
    pub space_before: bool,
    /// A line break comes right before it.
    pub line_before: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    pub span: Span,
    /// Range into the token list.
    pub tokens: std::ops::Range<usize>,
    /// Paragraph number (blank lines separate paragraphs).
    pub paragraph: usize,
}

/// Abbreviations that keep their final period (lowercase, without that period).
const ABBREVIATIONS: &[&str] = &[
    "o.a", "dr", "drs", "ca", "mr", "mevr", "dhr", "prof", "ir", "ing", "bijv", "bv", "enz", "etc", "jl", "jr", "sr",
    "nr", "blz", "p", "pag", "d.w.z", "i.p.v", "m.b.t", "t.o.v", "a.s", "z.g", "zgn", "resp", "incl", "excl", "min",
    "max", "st", "gem", "mln", "mld", "mrd", "vs", "evt", "n.a.v", "m.i.v", "t.a.v", "i.v.m", "o.m", "e.a", "e.d",
    "a.d.h.v", "jan", "feb", "aug", "sept", "okt", "nov", "dec", "mgr", "kol", "gen", "lt", "kapt", "burg", "wnd",
];

/// Tokenise `text` and split it into sentences.
pub fn tokenize(text: &str) -> (Vec<Token>, Vec<Sentence>) {
    let tokens = tokens(text);
    let sentences = sentences(text, &tokens);
    (tokens, sentences)
}

fn tokens(text: &str) -> Vec<Token> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let at = |i: usize| chars.get(i).map(|&(_, c)| c);
    let offset = |i: usize| chars.get(i).map_or(text.len(), |&(o, _)| o);
    let mut out = Vec::with_capacity(text.len() / 5);
    let (mut space_before, mut line_before) = (true, false);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].1;
        if c.is_whitespace() {
            space_before = true;
            line_before |= c == '\n';
            i += 1;
            continue;
        }
        let start = i;
        let kind;
        if c.is_alphanumeric() || (matches!(c, '\'' | '’') && elided_start(at(i + 1), at(i + 2))) {
            i += 1;
            let mut all_digits = c.is_ascii_digit();
            while let Some(c) = at(i) {
                let next = at(i + 1);
                let next_alnum = next.is_some_and(char::is_alphanumeric);
                let joins = c.is_alphanumeric()
                    || (c == '-' && (next_alnum || next.is_none_or(char::is_whitespace)))
                    || (matches!(c, '\'' | '’')
                        && next.is_some_and(char::is_alphabetic)
                        && at(i - 1).is_some_and(char::is_alphabetic))
                    || (matches!(c, '.' | ',') && all_digits && next.is_some_and(|n| n.is_ascii_digit()))
                    // "CD&V", "AZ&PC", "AT&T": an ampersand between capitals.
                    || (c == '&' && next.is_some_and(char::is_uppercase) && at(i - 1).is_some_and(char::is_uppercase))
                    || (c == '.'
                        && next.is_some_and(char::is_alphabetic)
                        && !all_digits
                        && segment_len(&chars, i) <= 3);
                if !joins {
                    break;
                }
                all_digits &= c.is_ascii_digit() || matches!(c, '.' | ',');
                i += 1;
            }
            // A period that belongs to an abbreviation or an initial stays with the word.
            if at(i) == Some('.') {
                let word: String = chars[start..i].iter().map(|&(_, c)| c).collect();
                let lower = word.to_lowercase();
                let initial = word.chars().count() == 1 && word.chars().all(char::is_uppercase);
                // An abbreviation has at most one capital ("Dr.", "ing."), and the month's
                // "jan." none: "bij ING." and "zei Jan." end their sentence.
                let capitals = word.chars().filter(|c| c.is_uppercase()).count();
                let abbreviation =
                    ABBREVIATIONS.contains(&lower.as_str()) && capitals <= 1 && !(lower == "jan" && capitals == 1);
                if initial || abbreviation || (lower.contains('.') && !all_digits) {
                    i += 1;
                }
            }
            kind = if all_digits { TokenKind::Number } else { TokenKind::Word };
        } else if (c == '\'' && at(i + 1) == Some('\'')) || (c == ',' && at(i + 1) == Some(',')) {
            i += 2;
            kind = TokenKind::Quote;
        } else if matches!(c, '"' | '“' | '”' | '„' | '‘' | '’' | '\'' | '`' | '«' | '»') {
            i += 1;
            kind = TokenKind::Quote;
        } else {
            i += 1;
            // Keep runs of the same punctuation together ("...", "--", "?!").
            while at(i).is_some_and(|n| n == c && matches!(c, '.' | '-' | '!' | '?')) {
                i += 1;
            }
            kind = TokenKind::Punct;
        }
        out.push(Token { span: Span::new(offset(start), offset(i)), kind, space_before, line_before });
        space_before = false;
        line_before = false;
    }
    out
}

/// `'s`, `'t`, `'n` and `'81` open a word rather than a quotation.
fn elided_start(next: Option<char>, after: Option<char>) -> bool {
    match next {
        Some('s' | 't' | 'n') => !after.is_some_and(char::is_alphanumeric),
        Some(d) if d.is_ascii_digit() => after.is_some_and(|a| a.is_ascii_digit()),
        _ => false,
    }
}

/// Length of the letter run that ends right before position `i`.
fn segment_len(chars: &[(usize, char)], i: usize) -> usize {
    chars[..i].iter().rev().take_while(|(_, c)| c.is_alphabetic()).count()
}

fn ends_sentence(text: &str, t: &Token) -> bool {
    t.kind == TokenKind::Punct
        && matches!(&text[t.span.start..t.span.end], "." | "!" | "?" | "..." | "…" | "?!" | "!!" | "??")
}

fn opens_sentence(text: &str, t: &Token) -> bool {
    let first = text[t.span.start..].chars().next();
    t.kind == TokenKind::Quote
        || first.is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
        || matches!(first, Some('(' | '-' | '–'))
}

fn sentences(text: &str, tokens: &[Token]) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut paragraph = 0;
    let mut start = 0;
    let mut i = 0;
    while i < tokens.len() {
        let mut end = i + 1;
        let mut boundary = false;
        if ends_sentence(text, &tokens[i]) {
            // Closing quotes and brackets glued to the period belong to this sentence.
            while end < tokens.len()
                && !tokens[end].space_before
                && matches!(tokens[end].kind, TokenKind::Quote | TokenKind::Punct)
                && !ends_sentence(text, &tokens[end])
            {
                end += 1;
            }
            boundary = end >= tokens.len() || tokens[end].line_before || opens_sentence(text, &tokens[end]);
        }
        if end >= tokens.len() || tokens[end].line_before {
            boundary = true;
        }
        if boundary {
            out.push(Sentence {
                span: Span::new(tokens[start].span.start, tokens[end - 1].span.end),
                tokens: start..end,
                paragraph,
            });
            if end < tokens.len() && text[tokens[end - 1].span.end..tokens[end].span.start].contains("\n\n") {
                paragraph += 1;
            }
            start = end;
        }
        i = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        tokens(text).iter().map(|t| &text[t.span.start..t.span.end]).collect()
    }

    #[test]
    fn dutch_abbreviations_hyphens_and_quotes() {
        assert_eq!(
            words("Dr. Jansen o.a. in Latijns-Amerika, ca. 15 mln. ''We moeten'', zegt hij."),
            [
                "Dr.",
                "Jansen",
                "o.a.",
                "in",
                "Latijns-Amerika",
                ",",
                "ca.",
                "15",
                "mln.",
                "''",
                "We",
                "moeten",
                "''",
                ",",
                "zegt",
                "hij",
                "."
            ]
        );
        assert_eq!(words("zo'n 1.000,50 euro voor auto's"), ["zo'n", "1.000,50", "euro", "voor", "auto's"]);
        assert_eq!(words("politie- en justitiemedewerkers"), ["politie-", "en", "justitiemedewerkers"]);
        assert_eq!(
            words("„Ja”, ‘nee’ en ,,misschien''"),
            ["„", "Ja", "”", ",", "‘", "nee", "’", "en", ",,", "misschien", "''"]
        );
        assert_eq!(words("In '81 ging 's-Hertogenbosch"), ["In", "'81", "ging", "'s-Hertogenbosch"]);
        // A company's acronym or a first name before a full stop is no abbreviation.
        assert_eq!(
            words("ing. Smit bij ING. Dat zei Jan. Op 3 jan. kwam"),
            ["ing.", "Smit", "bij", "ING", ".", "Dat", "zei", "Jan", ".", "Op", "3", "jan.", "kwam"]
        );
    }

    #[test]
    fn sentences_split_on_periods_but_not_abbreviations() {
        let text = "Hij zag o.a. Dr. Jansen. Die wist het niet! ''Dat komt langzaam op gang.'' Daarna niets.\nKop zonder punt\n\nNieuwe alinea.";
        let (_, sents) = tokenize(text);
        let got: Vec<&str> = sents.iter().map(|s| &text[s.span.start..s.span.end]).collect();
        assert_eq!(
            got,
            [
                "Hij zag o.a. Dr. Jansen.",
                "Die wist het niet!",
                "''Dat komt langzaam op gang.''",
                "Daarna niets.",
                "Kop zonder punt",
                "Nieuwe alinea."
            ]
        );
        assert_eq!(sents.iter().map(|s| s.paragraph).collect::<Vec<_>>(), [0, 0, 0, 0, 0, 1]);
    }

    #[test]
    fn spans_are_char_boundaries_on_odd_input() {
        let text = "é\u{301}🙂 ''\u{202e}abc\u{0}‘’ ,, -- ... x.y.z. 's";
        let (toks, sents) = tokenize(text);
        for t in &toks {
            assert!(
                text.is_char_boundary(t.span.start) && text.is_char_boundary(t.span.end) && t.span.start < t.span.end
            );
        }
        assert_eq!(sents.last().map(|s| s.tokens.end), Some(toks.len()));
    }
}
