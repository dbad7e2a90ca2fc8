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
    let mut out: Vec<String> = Vec::new();
    let mut current = None;
    for s in sentences {
        if current != Some(s.document) {
            current = Some(s.document);
            out.push(String::new());
        }
        if let Some(article) = out.last_mut() {
            article.push_str(&s.words.join(" "));
            article.push('\n');
        }
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
