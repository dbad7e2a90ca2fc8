//! Reading CoNLL-U treebanks (Universal Dependencies): one word per line, ten columns.
//!
//! Multiword-token lines (`3-4`) and empty nodes (`8.1`) are skipped: kennisgraaf parses
//! the syntactic words of the basic tree. Heads are 0 for the root, else the 1-based
//! index of the head word in the sentence.

use super::{Deprel, Upos};
use std::path::Path;

#[derive(Debug, Clone, PartialEq)]
pub struct GoldWord {
    pub form: String,
    pub lemma: String,
    pub upos: Upos,
    /// The FEATS column as written (`_` when empty).
    pub feats: String,
    pub head: usize,
    pub deprel: Deprel,
    /// `SpaceAfter=No` in the MISC column.
    pub no_space_after: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct GoldSentence {
    pub sent_id: String,
    pub text: String,
    pub words: Vec<GoldWord>,
    /// The treebank marks compound parts in lemmas (`industrie_land`); see
    /// `lemma::marks_compounds`.
    pub compounds_marked: bool,
    pub attachment: Attachment,
}

/// How the sentence's treebank attaches punctuation and coordinating conjunctions. The UD
/// 2.0 LassySmall release hangs all punctuation under the root word and `cc` under the
/// first conjunct; later releases and Alpino follow UD 2: punctuation under the head of
/// the phrase it marks, `cc` under the conjunct it comes before.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Attachment {
    pub punct_under_root: bool,
    pub cc_under_first_conjunct: bool,
}

impl Attachment {
    /// Read from the treebank's own arcs (at least 50 of each kind, 95 % of punctuation
    /// under the root word; most `cc` before their head).
    pub fn of(sentences: &[GoldSentence]) -> Attachment {
        let (mut punct, mut under_root, mut cc, mut cc_after_head) = (0, 0, 0, 0);
        for s in sentences {
            let root = s.words.iter().position(|w| w.head == 0).map_or(0, |r| r + 1);
            for (i, w) in s.words.iter().enumerate() {
                match w.deprel {
                    Deprel::Punct => {
                        punct += 1;
                        under_root += usize::from(w.head == root);
                    }
                    Deprel::Cc => {
                        cc += 1;
                        cc_after_head += usize::from(w.head <= i);
                    }
                    _ => {}
                }
            }
        }
        Attachment {
            punct_under_root: punct >= 50 && under_root * 100 >= punct * 95,
            cc_under_first_conjunct: cc >= 50 && cc_after_head * 2 > cc,
        }
    }
}

impl GoldSentence {
    /// The gold heads (0 = root, else 1-based) in UD 2's conventions: a `cc` under the first
    /// conjunct moves to the nearest conjunct after it; `None` for a head the treebank does
    /// not teach (punctuation without dependents, when all of it hangs under the root).
    pub fn taught_heads(&self) -> Vec<Option<usize>> {
        let words = &self.words;
        let has_dependents = |d: usize| words.iter().any(|w| w.head == d);
        (1..=words.len())
            .map(|d| {
                let w = &words[d - 1];
                if self.attachment.punct_under_root && w.deprel == Deprel::Punct && !has_dependents(d) {
                    return None;
                }
                if self.attachment.cc_under_first_conjunct && w.deprel == Deprel::Cc && w.head < d {
                    let next_conjunct = (d + 1..=words.len())
                        .find(|&k| words[k - 1].head == w.head && words[k - 1].deprel == Deprel::Conj);
                    return Some(next_conjunct.unwrap_or(w.head));
                }
                Some(w.head)
            })
            .collect()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConlluError {
    #[error("cannot read {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path}:{line}: {why}")]
    Format { path: String, line: usize, why: String },
}

pub fn read_file(path: &Path) -> Result<Vec<GoldSentence>, ConlluError> {
    let text =
        std::fs::read_to_string(path).map_err(|source| ConlluError::Io { path: path.display().to_string(), source })?;
    parse(&text).map_err(|(line, why)| ConlluError::Format { path: path.display().to_string(), line, why })
}

/// Parses CoNLL-U text; an error names the 1-based line and what is wrong with it.
pub fn parse(text: &str) -> Result<Vec<GoldSentence>, (usize, String)> {
    let mut out = Vec::new();
    let mut current = GoldSentence::default();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            if !current.words.is_empty() {
                check_heads(&current).map_err(|why| (n + 1, why))?;
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            let comment = comment.trim();
            if let Some(id) = comment.strip_prefix("sent_id =") {
                current.sent_id = id.trim().to_string();
            } else if let Some(t) = comment.strip_prefix("text =") {
                current.text = t.trim().to_string();
            }
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != 10 {
            return Err((n + 1, format!("expected 10 tab-separated columns, found {}", cols.len())));
        }
        if cols[0].contains('-') || cols[0].contains('.') {
            continue;
        }
        let id: usize = cols[0].parse().map_err(|_| (n + 1, format!("bad word id {:?}", cols[0])))?;
        if id != current.words.len() + 1 {
            return Err((n + 1, format!("word id {id} out of order")));
        }
        let upos = Upos::parse(cols[3]).ok_or_else(|| (n + 1, format!("unknown UPOS tag {:?}", cols[3])))?;
        let head: usize = cols[6].parse().map_err(|_| (n + 1, format!("bad head {:?}", cols[6])))?;
        current.words.push(GoldWord {
            form: cols[1].to_string(),
            lemma: cols[2].to_string(),
            upos,
            feats: cols[5].to_string(),
            head,
            deprel: Deprel::parse(cols[7]),
            no_space_after: cols[9].split('|').any(|m| m == "SpaceAfter=No"),
        });
    }
    if !current.words.is_empty() {
        check_heads(&current).map_err(|why| (text.lines().count(), why))?;
        out.push(current);
    }
    let marked = super::lemma::marks_compounds(&out);
    let attachment = Attachment::of(&out);
    for s in &mut out {
        s.compounds_marked = marked;
        s.attachment = attachment;
    }
    Ok(out)
}

/// One sentence's analysis as CoNLL-U, with the gold sentence's id, text and forms.
pub fn write_sentence(gold: &GoldSentence, analysed: &[super::Word]) -> String {
    let mut out = format!("# sent_id = {}\n# text = {}\n", gold.sent_id, gold.text);
    for (i, (g, w)) in gold.words.iter().zip(analysed).enumerate() {
        let feats = if w.feats.as_str().is_empty() { "_" } else { w.feats.as_str() };
        let head = w.head.map_or(0, |h| h + 1);
        out.push_str(&format!(
            "{}\t{}\t{}\t{}\t_\t{feats}\t{head}\t{}\t_\t_\n",
            i + 1,
            g.form,
            w.lemma,
            w.upos.as_str(),
            w.deprel.as_str()
        ));
    }
    out.push('\n');
    out
}

fn check_heads(s: &GoldSentence) -> Result<(), String> {
    match s.words.iter().position(|w| w.head > s.words.len()) {
        Some(i) => Err(format!(
            "sentence {:?}: word {} has head {} past the sentence's end",
            s.sent_id,
            i + 1,
            s.words[i].head
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_read_and_multiword_and_empty_nodes_skipped() {
        let text = "# sent_id = a\n# text = Hij lacht.\n1\tHij\thij\tPRON\tVNW\tPerson=3\t2\tnsubj\t_\t_\n\
                    1.1\tx\tx\tNOUN\t_\t_\t_\t_\t_\t_\n2\tlacht\tlachen\tVERB\tWW\t_\t0\troot\t_\tSpaceAfter=No\n\
                    3\t.\t.\tPUNCT\tLET\t_\t2\tpunct\t_\t_\n\n";
        let s = parse(text).unwrap_or_default();
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].text, "Hij lacht.");
        assert_eq!(s[0].words.len(), 3);
        assert_eq!((s[0].words[1].head, s[0].words[1].deprel), (0, Deprel::Root));
        assert!(s[0].words[1].no_space_after);
        assert!(parse("1\tx\n").is_err());
        assert!(parse("1\ta\ta\tNOUN\t_\t_\t5\tnsubj\t_\t_\n\n").is_err());
    }
}
