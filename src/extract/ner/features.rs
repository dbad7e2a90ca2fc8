//! Feature extraction for the NER tagger: every feature is a 64-bit hash of a
//! template id and its strings, so the model is a map from hashes to label weights.

use super::lexicon::Lexicon;
use std::collections::HashMap;

const CAPITALISED_INSIDE: u8 = 1;
const LOWERCASE: u8 = 2;
const CAPITALISED_FIRST: u8 = 4;
/// Ends a run of two or more capitalised words somewhere in the document ("Jan Smeets").
const ENDS_NAME: u8 = 8;
/// Stands alone (capitalised, mid-sentence, no capitalised neighbour) somewhere in the document.
const STANDS_ALONE: u8 = 16;

/// How a word is written elsewhere in the same document (keyed by its lowercase form):
/// a capitalised sentence-initial word that appears in lowercase elsewhere is rarely a
/// name; one capitalised mid-sentence elsewhere usually is.
#[derive(Debug, Default)]
pub struct DocumentContext {
    flags: HashMap<String, u8>,
    /// For each capitalised word (lowercased), what surrounds it anywhere in the document
    /// ("het Amerikaanse Napster", "bij Tectrade"), as ready feature hashes.
    neighbours: HashMap<String, Surroundings>,
}

/// The words around a capitalised word's occurrences, one feature template per place:
/// right before, right after, two before, before and after its run of capitalised words.
const SURROUNDING_TEMPLATES: [u8; 5] = [46, 47, 48, 59, 60];
/// At most this many distinct words per place, so a word that occurs in every sentence
/// does not drown the rest.
const MAX_SURROUNDING: u8 = 8;

#[derive(Debug, Default)]
struct Surroundings {
    features: Vec<u64>,
    per_template: [u8; SURROUNDING_TEMPLATES.len()],
}

impl Surroundings {
    /// Note `lower` (a lowercase word, or `<b>` past the sentence's edge) at `place`.
    fn remember(&mut self, place: usize, lower: &str) {
        if self.per_template[place] >= MAX_SURROUNDING {
            return;
        }
        let feature = hash(SURROUNDING_TEMPLATES[place], &[lower]);
        if !self.features.contains(&feature) {
            self.features.push(feature);
            self.per_template[place] += 1;
        }
    }
}

impl DocumentContext {
    pub fn new<'a, S: AsRef<[&'a str]>>(sentences: &[S]) -> Self {
        let mut flags: HashMap<String, u8> = HashMap::new();
        let mut neighbours: HashMap<String, Surroundings> = HashMap::new();
        for s in sentences {
            let words = s.as_ref();
            let lowers: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
            let lower_at = |k: Option<usize>| k.and_then(|k| lowers.get(k)).map_or("<b>", String::as_str);
            // The run of capitalised words around each word, `words[run_start[i]..run_end[i]]`,
            // found in two passes (walking each word's run would be quadratic in a sentence
            // of capitalised words).
            let caps: Vec<bool> = words.iter().map(|w| w.chars().next().is_some_and(char::is_uppercase)).collect();
            let mut run_start: Vec<usize> = (0..words.len()).collect();
            for k in 1..words.len() {
                if caps[k - 1] {
                    run_start[k] = run_start[k - 1];
                }
            }
            let mut run_end: Vec<usize> = (1..=words.len()).collect();
            for k in (0..words.len().saturating_sub(1)).rev() {
                if caps[k + 1] {
                    run_end[k] = run_end[k + 1];
                }
            }
            for (i, w) in words.iter().enumerate() {
                let first = w.chars().next();
                let bit = match first {
                    Some(c) if c.is_uppercase() && i == 0 => CAPITALISED_FIRST,
                    Some(c) if c.is_uppercase() => CAPITALISED_INSIDE,
                    Some(c) if c.is_lowercase() => LOWERCASE,
                    _ => continue,
                };
                let lower = &lowers[i];
                let mut bits = bit;
                if bit == CAPITALISED_INSIDE || bit == CAPITALISED_FIRST {
                    let (start, end) = (run_start[i], run_end[i]);
                    let (before, after) = (start < i, end > i + 1);
                    if before && !after {
                        bits |= ENDS_NAME;
                    }
                    if bit == CAPITALISED_INSIDE && !before && !after {
                        bits |= STANDS_ALONE;
                    }
                    let seen = neighbours.entry(lower.clone()).or_default();
                    seen.remember(0, lower_at(i.checked_sub(1)));
                    seen.remember(1, lower_at(Some(i + 1)));
                    seen.remember(2, lower_at(i.checked_sub(2)));
                    seen.remember(3, lower_at(start.checked_sub(1)));
                    seen.remember(4, lower_at(Some(end)));
                }
                *flags.entry(lower.clone()).or_default() |= bits;
            }
        }
        Self { flags, neighbours }
    }

    fn flags(&self, lower: &str) -> u8 {
        self.flags.get(lower).copied().unwrap_or(0)
    }
}

const DOC_FLAG_NAMES: [&str; 8] = ["none", "in", "lo", "in+lo", "first", "in+first", "lo+first", "all"];

/// FNV-1a over a template byte and a list of strings (separated by 0xff).
pub fn hash(template: u8, parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ u64::from(template);
    h = h.wrapping_mul(0x0100_0000_01b3);
    for part in parts {
        for &b in part.as_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        h ^= 0xff;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Hash of a template with small integer arguments (labels).
pub fn hash_ids(template: u8, ids: &[u8]) -> u64 {
    let mut h: u64 = 0x9e37_79b9_7f4a_7c15 ^ (u64::from(template) << 40);
    for &id in ids {
        h = (h ^ u64::from(id)).wrapping_mul(0x0100_0000_01b3).rotate_left(17);
    }
    h.wrapping_mul(0xff51_afd7_ed55_8ccd)
}

/// Word shape with runs collapsed: "Aboutaleb" → "Xx", "1.000" → "d.d", "Latijns-Amerika" → "Xx-Xx".
pub fn shape(word: &str) -> String {
    let mut out = String::with_capacity(8);
    let mut last = '\0';
    for c in word.chars() {
        let s = if c.is_uppercase() {
            'X'
        } else if c.is_lowercase() {
            'x'
        } else if c.is_ascii_digit() {
            'd'
        } else {
            c
        };
        if s != last {
            out.push(s);
            last = s;
        }
    }
    out
}

fn is_title(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

/// Per-token static features (those that do not depend on the predicted labels),
/// stored flat: token `i`'s features are `feats[offsets[i]..offsets[i + 1]]`.
#[derive(Default, Clone)]
pub struct SentenceFeatures {
    pub feats: Vec<u64>,
    pub offsets: Vec<usize>,
    pub lower: Vec<String>,
}

impl SentenceFeatures {
    pub fn token(&self, i: usize) -> &[u64] {
        &self.feats[self.offsets[i]..self.offsets[i + 1]]
    }

    /// Keep only the features `keep` accepts.
    pub fn retain(&mut self, keep: impl Fn(u64) -> bool) {
        let mut feats = Vec::with_capacity(self.feats.len());
        let mut offsets = Vec::with_capacity(self.offsets.len());
        for i in 0..self.offsets.len() - 1 {
            offsets.push(feats.len());
            feats.extend(self.token(i).iter().copied().filter(|&f| keep(f)));
        }
        offsets.push(feats.len());
        self.feats = feats;
        self.offsets = offsets;
    }
}

pub fn sentence_features(words: &[&str], lexicon: &Lexicon, doc: &DocumentContext) -> SentenceFeatures {
    let n = words.len();
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let shapes: Vec<String> = words.iter().map(|w| shape(w)).collect();
    let gazetteer = lexicon.gazetteer_marks(words);
    let classes_of: Vec<&[u16]> = lower.iter().map(|w| lexicon.clusters(w)).collect();
    let word_at = |i: isize| -> &str {
        if i < 0 {
            "<s>"
        } else if i as usize >= n {
            "</s>"
        } else {
            &lower[i as usize]
        }
    };
    let shape_at = |i: isize| -> &str {
        if i < 0 || i as usize >= n {
            "<b>"
        } else {
            &shapes[i as usize]
        }
    };
    // Runs of capitalised words: position in the run (Single, Begin, Inside, End).
    let title: Vec<bool> = words.iter().map(|w| is_title(w)).collect();
    let run_position = |i: usize| -> &'static str {
        if !title[i] {
            return "-";
        }
        let before = i > 0 && title[i - 1];
        let after = i + 1 < n && title[i + 1];
        match (before, after) {
            (false, false) => "S",
            (false, true) => "B",
            (true, true) => "I",
            (true, false) => "E",
        }
    };
    let suffix3 = |i: isize| -> &str {
        if i < 0 || i as usize >= n {
            return "<b>";
        }
        let w = &lower[i as usize];
        let cut = w.char_indices().rev().nth(2).map_or(0, |(o, _)| o);
        &w[cut..]
    };
    let mut out =
        SentenceFeatures { feats: Vec::with_capacity(n * 40), offsets: Vec::with_capacity(n + 1), lower: Vec::new() };
    for i in 0..n {
        out.offsets.push(out.feats.len());
        let f = &mut out.feats;
        let w = words[i];
        let lw = &lower[i];
        let ii = i as isize;
        f.push(hash(0, &[]));
        f.push(hash(1, &[w]));
        f.push(hash(2, &[lw]));
        let chars: Vec<(usize, char)> = lw.char_indices().collect();
        for k in 1..=4.min(chars.len()) {
            let pre = chars.get(k).map_or(lw.len(), |&(o, _)| o);
            f.push(hash(3 + k as u8, &[&lw[..pre]]));
            let suf = chars[chars.len() - k].0;
            f.push(hash(8 + k as u8, &[&lw[suf..]]));
        }
        f.push(hash(13, &[&shapes[i]]));
        f.push(hash(14, &[word_at(ii - 1)]));
        f.push(hash(15, &[word_at(ii + 1)]));
        f.push(hash(16, &[word_at(ii - 2)]));
        f.push(hash(17, &[word_at(ii + 2)]));
        f.push(hash(18, &[shape_at(ii - 1), &shapes[i]]));
        f.push(hash(19, &[&shapes[i], shape_at(ii + 1)]));
        f.push(hash(20, &[word_at(ii - 1), lw]));
        f.push(hash(21, &[lw, word_at(ii + 1)]));
        f.push(hash(22, &[shape_at(ii - 1), &shapes[i], shape_at(ii + 1)]));
        let title = is_title(w);
        let first = i == 0 || (i == 1 && !words[0].chars().any(char::is_alphanumeric));
        f.push(hash(23, &[if first { "first" } else { "inner" }, if title { "T" } else { "t" }]));
        if title {
            // A capitalised word that is common in lowercase is often just a sentence start.
            let common = lexicon.is_common_lowercase(lw);
            f.push(hash(24, &[if common { "common" } else { "rare" }, if first { "first" } else { "inner" }]));
        }
        if w.len() > 1
            && w.chars().all(|c| c.is_uppercase() || !c.is_alphabetic())
            && w.chars().any(char::is_alphabetic)
        {
            f.push(hash(25, &["allcaps"]));
        }
        if w.contains('-') {
            f.push(hash(26, &["hyphen"]));
        }
        f.push(hash(27, &[word_at(ii - 1), word_at(ii + 1)]));
        f.push(hash(31, &[shape_at(ii - 1), lw]));
        f.push(hash(32, &[run_position(i)]));
        f.push(hash(33, &[run_position(i), if first { "first" } else { "inner" }]));
        f.push(hash(34, &[suffix3(ii - 1)]));
        f.push(hash(35, &[suffix3(ii + 1)]));
        f.push(hash(36, &[lw, shape_at(ii + 1)]));
        let part = |k: isize| -> &str {
            if k < 0 || k as usize >= n || !is_title(words[k as usize]) {
                return "-";
            }
            ["none", "first", "last", "first+last"][lexicon.name_part_bits(&lower[k as usize]) as usize & 3]
        };
        f.push(hash(43, &[part(ii)]));
        f.push(hash(44, &[part(ii - 1), part(ii)]));
        f.push(hash(45, &[part(ii), part(ii + 1)]));
        let dict = ["absent", "lower", "capital", "both"][lexicon.dictionary_bits(lw) as usize & 3];
        f.push(hash(39, &[dict, if title { "T" } else { "t" }]));
        f.push(hash(40, &[dict, if title { "T" } else { "t" }, if first { "first" } else { "inner" }]));
        if title {
            let bits = doc.flags(lw);
            let flags = DOC_FLAG_NAMES[(bits & 7) as usize];
            let name_shape = ["-", "ends-name", "alone", "ends-name+alone"][(bits >> 3) as usize & 3];
            f.push(hash(41, &[name_shape]));
            f.push(hash(42, &[name_shape, run_position(i)]));
            f.push(hash(37, &[flags]));
            f.push(hash(38, &[flags, if first { "first" } else { "inner" }]));
            for flag in lexicon.name_flags(lw) {
                let flag = std::str::from_utf8(flag).unwrap_or("?");
                f.push(hash(63, &[flag]));
                f.push(hash(64, &[flag, run_position(i)]));
            }
            if let Some(seen) = doc.neighbours.get(lw.as_str()) {
                f.extend_from_slice(&seen.features);
            }
        }
        // Word classes from unlabelled text, of this word and its neighbours, per clustering.
        let classes = |k: isize| -> &[u16] {
            if k < 0 || k as usize >= n {
                return &[];
            }
            classes_of[k as usize]
        };
        for (template, k) in [(70, ii), (71, ii - 1), (72, ii + 1)] {
            for (g, &c) in classes(k).iter().enumerate() {
                f.push(hash_ids(template, &[g as u8, (c >> 8) as u8, c as u8]));
            }
        }
        for (g, &c) in classes(ii).iter().enumerate() {
            f.push(hash_ids(73, &[g as u8, (c >> 8) as u8, c as u8, u8::from(title)]));
        }
        if title {
            // Letter trigrams of a capitalised word, edges marked ("<sw", "air", "ir>"):
            // names seen once share their parts with known ones ("Swissair", "Sabena").
            let padded: Vec<char> = std::iter::once('<').chain(lw.chars()).chain(std::iter::once('>')).collect();
            let mut trigram = String::with_capacity(12);
            for g in padded.windows(3) {
                trigram.clear();
                trigram.extend(g);
                f.push(hash(80, &[&trigram]));
            }
        }
        for mark in &gazetteer[i] {
            f.push(hash(28, &[mark]));
            f.push(hash(29, &[mark, &shapes[i]]));
        }
        for mark in i.checked_sub(1).map_or(&[][..], |k| &gazetteer[k][..]) {
            f.push(hash(57, &[mark]));
        }
        for mark in gazetteer.get(i + 1).map_or(&[][..], |g| &g[..]) {
            f.push(hash(58, &[mark]));
        }
    }
    out.offsets.push(out.feats.len());
    out.lower = lower;
    out
}

/// The word's own hash for `history_features` (computed once per word).
pub fn history_word(lower: &str) -> u64 {
    hash(42, &[lower])
}

/// Features that depend on the label before the word (first order, so that Viterbi
/// finds the best label sequence exactly): that label (the transition), and that label
/// with the word.
pub fn history_features(prev: u8, word: u64) -> [u64; 2] {
    [transition_feature(prev), word_after_feature(prev, word)]
}

pub fn transition_feature(prev: u8) -> u64 {
    hash_ids(40, &[prev])
}

pub fn word_after_feature(prev: u8, word: u64) -> u64 {
    word ^ hash_ids(43, &[prev])
}

/// Base features plus what an earlier stage's labels say: this word's label and its
/// neighbours', and how the same (capitalised) word was labelled elsewhere in the article.
pub fn stacked_features(base: &[SentenceFeatures], labels: &[Vec<u8>]) -> Vec<SentenceFeatures> {
    let stacking = Stacking::new(base, labels);
    (0..base.len()).map(|k| stacking.sentence(k)).collect()
}

/// What `stacked_features` needs of a whole document, so that a tagger can build one
/// sentence's stacked features at a time (all of them at once would double the memory
/// of tagging a long document).
pub struct Stacking<'a> {
    base: &'a [SentenceFeatures],
    labels: &'a [Vec<u8>],
    /// How often each word was given each type (`STACKED_TYPES`).
    votes: HashMap<&'a str, [u16; 5]>,
}

const STACKED_TYPES: [&str; 5] = ["O", "PER", "LOC", "ORG", "MISC"];

fn type_of(label: u8) -> usize {
    label.div_ceil(2) as usize
}

impl<'a> Stacking<'a> {
    pub fn new(base: &'a [SentenceFeatures], labels: &'a [Vec<u8>]) -> Self {
        let mut votes: HashMap<&str, [u16; 5]> = HashMap::new();
        for (sf, ls) in base.iter().zip(labels) {
            for (w, &l) in sf.lower.iter().zip(ls) {
                let v = &mut votes.entry(w.as_str()).or_default()[type_of(l)];
                *v = v.saturating_add(1);
            }
        }
        Self { base, labels, votes }
    }

    /// The stacked features of sentence `k`.
    pub fn sentence(&self, k: usize) -> SentenceFeatures {
        let (sf, ls) = (&self.base[k], &self.labels[k]);
        let label_name = |i: isize| -> &str {
            if i < 0 || i as usize >= ls.len() {
                "<b>"
            } else {
                super::LABELS[ls[i as usize] as usize]
            }
        };
        let mut out = SentenceFeatures {
            feats: Vec::with_capacity(sf.feats.len() + ls.len() * 6),
            offsets: Vec::new(),
            lower: sf.lower.clone(),
        };
        for i in 0..ls.len() {
            out.offsets.push(out.feats.len());
            out.feats.extend_from_slice(sf.token(i));
            let ii = i as isize;
            let this = label_name(ii);
            out.feats.push(hash(50, &[this]));
            out.feats.push(hash(51, &[label_name(ii - 1), this]));
            out.feats.push(hash(52, &[this, label_name(ii + 1)]));
            out.feats.push(hash(53, &[label_name(ii + 1)]));
            let mut v = self.votes.get(sf.lower[i].as_str()).copied().unwrap_or_default();
            v[type_of(ls[i])] = v[type_of(ls[i])].saturating_sub(1);
            let total: u32 = v.iter().map(|&n| u32::from(n)).sum();
            if total > 0 {
                let (best, _) =
                    v.iter().enumerate().max_by_key(|(k, n)| (**n, std::cmp::Reverse(*k))).unwrap_or((0, &0));
                out.feats.push(hash(54, &[STACKED_TYPES[best]]));
                out.feats.push(hash(55, &[STACKED_TYPES[best], this]));
                if u32::from(v[best]) == total {
                    out.feats.push(hash(56, &["unanimous", STACKED_TYPES[best]]));
                }
            }
        }
        out.offsets.push(out.feats.len());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_collapse_runs() {
        assert_eq!(shape("Aboutaleb"), "Xx");
        assert_eq!(shape("Latijns-Amerika"), "Xx-Xx");
        assert_eq!(shape("1.000"), "d.d");
        assert_eq!(shape("CDA"), "X");
    }
}
