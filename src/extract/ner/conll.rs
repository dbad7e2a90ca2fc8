//! CoNLL-format NER data (`word [POS] TAG` per line, blank line between sentences,
//! `-DOCSTART-` between articles) and the shared task's exact-span scoring.

use super::{chunks, label_index};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq)]
pub struct LabeledSentence {
    pub words: Vec<String>,
    pub labels: Vec<u8>,
    /// Index of the article it belongs to (`-DOCSTART-` count).
    pub document: usize,
}

#[derive(Debug, thiserror::Error, PartialEq)]
#[error("line {line}: {reason}")]
pub struct ConllError {
    pub line: usize,
    pub reason: String,
}

/// Parse CoNLL text. The first column is the word, the last the tag; IOB1 `I-X` chunk
/// starts are kept as written (scoring treats them as chunk starts). Files without
/// sentence breaks are split after sentence-final punctuation.
pub fn parse(text: &str) -> Result<Vec<LabeledSentence>, ConllError> {
    let mut out = Vec::new();
    let mut current = LabeledSentence { words: Vec::new(), labels: Vec::new(), document: 0 };
    let mut document = 0;
    let flush = |current: &mut LabeledSentence, out: &mut Vec<LabeledSentence>, document: usize| {
        if !current.words.is_empty() {
            out.push(std::mem::replace(current, LabeledSentence { words: Vec::new(), labels: Vec::new(), document }));
        }
        current.document = document;
    };
    for (n, line) in text.lines().enumerate() {
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.is_empty() {
            flush(&mut current, &mut out, document);
            continue;
        }
        if cols[0] == "-DOCSTART-" {
            flush(&mut current, &mut out, document);
            document += 1;
            current.document = document;
            continue;
        }
        if cols.len() < 2 {
            return Err(ConllError { line: n + 1, reason: format!("expected `word [POS] TAG`, got {line:?}") });
        }
        let tag = cols[cols.len() - 1];
        let label = label_index(tag).ok_or_else(|| ConllError {
            line: n + 1,
            reason: format!("unknown tag {tag:?} (expected O, B-/I- PER, LOC, ORG, MISC)"),
        })?;
        current.words.push(cols[0].to_string());
        current.labels.push(label);
        if current.words.len() >= 60 && matches!(cols[0], "." | "!" | "?") {
            flush(&mut current, &mut out, document);
        }
    }
    flush(&mut current, &mut out, document);
    Ok(out)
}

/// The articles of parsed CoNLL data as plain text: one sentence a line, tokens
/// joined by spaces (the data is tokenised; this is as close to the original text as
/// it gets, and the pipeline's tokenizer splits it back the same way).
pub fn articles(sentences: &[LabeledSentence]) -> Vec<String> {
    by_article(sentences, |words| words.join(" "), "\n")
}

/// Each article's sentences, each made text by `sentence` and followed by `separator`.
fn by_article(sentences: &[LabeledSentence], sentence: impl Fn(&[String]) -> String, separator: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = None;
    for s in sentences {
        if current != Some(s.document) {
            current = Some(s.document);
            out.push(String::new());
        }
        if let Some(article) = out.last_mut() {
            article.push_str(&sentence(&s.words));
            article.push_str(separator);
        }
    }
    out
}

/// The articles as a writer would have typed them: each sentence detokenized
/// (`detokenize`), sentences separated by blank lines. The CoNLL-2002 Dutch data keeps no
/// paragraphs and its sentences are not always in their original order, so each
/// sentence is its own paragraph (a quotation left open ends with its sentence).
pub fn detokenized_articles(sentences: &[LabeledSentence]) -> Vec<String> {
    by_article(sentences, detokenize, "\n\n")
}

/// Join one sentence's tokens as written: no space before `, . : ; ? ! ) ] %` or a
/// closing quote, none after `( [` or an opening quote. A straight `"` closes when an
/// odd number of them precede it in the sentence, or when it ends the sentence or comes
/// before punctuation; otherwise it opens. A lone `'` (no second one in the sentence) is
/// an apostrophe ("De Prins' werk").
pub fn detokenize(words: &[String]) -> String {
    let is_punct = |w: &str| matches!(w, "," | "." | ":" | ";" | "?" | "!" | ")" | "]" | "%" | "...");
    let singles = words.iter().filter(|w| *w == "'").count();
    let mut out = String::new();
    let mut glue_next = false;
    let mut seen = [0usize; 2];
    for (i, w) in words.iter().enumerate() {
        let quote = match w.as_str() {
            "\"" => Some(0),
            "'" if singles >= 2 => Some(1),
            _ => None,
        };
        let attach_left = match quote {
            Some(q) => {
                let closes = seen[q] % 2 == 1 || i + 1 == words.len() || words.get(i + 1).is_some_and(|n| is_punct(n));
                seen[q] += 1;
                if closes {
                    true
                } else {
                    if !out.is_empty() && !glue_next {
                        out.push(' ');
                    }
                    out.push_str(w);
                    glue_next = true;
                    continue;
                }
            }
            None => is_punct(w) || w == "'",
        };
        if !out.is_empty() && !attach_left && !glue_next {
            out.push(' ');
        }
        out.push_str(w);
        glue_next = matches!(w.as_str(), "(" | "[");
    }
    out
}

#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Counts {
    pub gold: usize,
    pub predicted: usize,
    pub correct: usize,
}

impl Counts {
    pub fn precision(&self) -> f64 {
        if self.predicted == 0 {
            0.0
        } else {
            self.correct as f64 / self.predicted as f64
        }
    }
    pub fn recall(&self) -> f64 {
        if self.gold == 0 {
            0.0
        } else {
            self.correct as f64 / self.gold as f64
        }
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

/// Exact-span, exact-type scores per type and overall (conlleval).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Score {
    pub per_type: BTreeMap<&'static str, Counts>,
    pub overall: Counts,
}

impl Score {
    pub fn add(&mut self, gold: &[u8], predicted: &[u8]) {
        let g = chunks(gold);
        let p = chunks(predicted);
        for c in &g {
            self.per_type.entry(c.2).or_default().gold += 1;
            self.overall.gold += 1;
        }
        for c in &p {
            self.per_type.entry(c.2).or_default().predicted += 1;
            self.overall.predicted += 1;
            if g.contains(c) {
                self.per_type.entry(c.2).or_default().correct += 1;
                self.overall.correct += 1;
            }
        }
    }

    /// A conlleval-style table.
    pub fn table(&self) -> String {
        let mut s =
            format!("{:<8} {:>9} {:>9} {:>9} {:>7} {:>7}\n", "type", "precision", "recall", "F1", "gold", "found");
        let row = |name: &str, c: &Counts| {
            format!(
                "{:<8} {:>9.2} {:>9.2} {:>9.2} {:>7} {:>7}\n",
                name,
                100.0 * c.precision(),
                100.0 * c.recall(),
                100.0 * c.f1(),
                c.gold,
                c.predicted
            )
        };
        for (t, c) in &self.per_type {
            s.push_str(&row(t, c));
        }
        s.push_str(&row("overall", &self.overall));
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detokenizes_punctuation_quotes_and_apostrophes() {
        let words = |s: &str| s.split(' ').map(str::to_string).collect::<Vec<_>>();
        assert_eq!(
            detokenize(&words("\" Sankoh is even slecht als Milosevic \" , zei hij .")),
            "\"Sankoh is even slecht als Milosevic\", zei hij."
        );
        assert_eq!(
            detokenize(&words("Bert Anciaux : \" Momenteel buig ik mij ( even ) .")),
            "Bert Anciaux: \"Momenteel buig ik mij (even)."
        );
        assert_eq!(detokenize(&words("de kroon op De Prins ' werk .")), "de kroon op De Prins' werk.");
        assert_eq!(detokenize(&words("Durant : ' NMBS moet vergoeden '")), "Durant: 'NMBS moet vergoeden'");
        assert_eq!(detokenize(&words("Maar uitstel is geen afstel . \"")), "Maar uitstel is geen afstel.\"");
    }

    #[test]
    fn parses_conll2002_and_scores_exact_spans() {
        let text = "-DOCSTART- -DOCSTART- O\nDe Art O\nburgemeester N O\nAhmed N B-PER\nAboutaleb N I-PER\n\nRotterdam N B-LOC\n";
        let sents = parse(text).expect("valid CoNLL");
        assert_eq!(sents.len(), 2);
        assert_eq!(sents[0].words, ["De", "burgemeester", "Ahmed", "Aboutaleb"]);
        assert_eq!(sents[1].document, 1);
        let mut score = Score::default();
        // Predicting only "Aboutaleb" as PER is a wrong span: no credit.
        let l = |t: &str| label_index(t).expect("label");
        score.add(&sents[0].labels, &[0, 0, 0, l("B-PER")]);
        score.add(&sents[1].labels, &sents[1].labels);
        assert_eq!(score.overall, Counts { gold: 2, predicted: 2, correct: 1 });
        assert!((score.overall.f1() - 0.5).abs() < 1e-9);
    }

    #[test]
    fn bad_lines_name_their_line_number() {
        assert_eq!(parse("De O\nAboutaleb B-PERSON\n").expect_err("bad tag").line, 2);
    }
}
