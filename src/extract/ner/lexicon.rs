//! Word lists the tagger consults: which words are common in lowercase, and a
//! gazetteer of known names (from the training data's entities and Wikidata labels).

use super::clusters::WordClusters;
use serde::{Deserialize, Serialize, Serializer};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Bits of a gazetteer entry: the CoNLL types the name was seen with, and Wikidata.
pub const GAZ_TYPES: [&str; 4] = ["PER", "LOC", "ORG", "MISC"];
pub const GAZ_WIKIDATA: u8 = 1 << 4;
const MAX_PHRASE_TOKENS: usize = 6;

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Lexicon {
    #[serde(serialize_with = "sorted_set")]
    common_lowercase: HashSet<String>,
    /// Space-joined token sequence → bit set (see `GAZ_TYPES`, `GAZ_WIKIDATA`).
    #[serde(serialize_with = "sorted_map")]
    gazetteer: HashMap<String, u8>,
    /// Word-list entries by lowercase form → `DICT_LOWERCASE` | `DICT_CAPITALISED`.
    #[serde(serialize_with = "sorted_map")]
    dictionary: HashMap<String, u8>,
    /// Tokens of multi-word person names by lowercase form → `FIRST_NAME` | `LAST_NAME`.
    #[serde(serialize_with = "sorted_map")]
    name_parts: HashMap<String, u8>,
    /// Capitalised word-list entries by lowercase form → their two-letter affix flags
    /// (hunspell `.dic` entries `Israël/Sv`). OpenTaal's flags encode what a name is:
    /// places take inhabitant forms and street compounds, acronyms take hyphenated
    /// compounds, so each flag is a feature and the tagger learns what it says.
    #[serde(serialize_with = "sorted_map")]
    name_flags: HashMap<String, Vec<[u8; 2]>>,
    /// Word classes learnt from unlabelled text (`clusters`); empty without such text.
    clusters: WordClusters,
}

/// One word-list entry as written (`Rotterdam`, `fiets`) with its affix flags, if any.
#[derive(Debug, Clone, Default)]
pub struct WordEntry {
    pub word: String,
    pub flags: Vec<[u8; 2]>,
}

impl WordEntry {
    /// Parse a hunspell `.dic` line (`word/FLAGS [morphology]`); long (two-letter) flags,
    /// as OpenTaal's dictionary declares with `FLAG long`. Lines without a word give `None`.
    pub fn from_dic_line(line: &str) -> Option<WordEntry> {
        let line = line.split(['\t', ' ']).next().unwrap_or("").trim();
        let (word, flags) = line.split_once('/').unwrap_or((line, ""));
        if word.is_empty() || word.parse::<u64>().is_ok() {
            return None;
        }
        let flags = flags.as_bytes().chunks_exact(2).map(|c| [c[0], c[1]]).collect();
        Some(WordEntry { word: word.to_string(), flags })
    }
}

/// Hash maps are written in key order, so the same training run writes the same bytes.
fn sorted_map<V: Serialize, S: Serializer>(map: &HashMap<String, V>, s: S) -> Result<S::Ok, S::Error> {
    map.iter().collect::<BTreeMap<_, _>>().serialize(s)
}

fn sorted_set<S: Serializer>(set: &HashSet<String>, s: S) -> Result<S::Ok, S::Error> {
    set.iter().collect::<BTreeSet<_>>().serialize(s)
}

pub const FIRST_NAME: u8 = 1;
pub const LAST_NAME: u8 = 2;

pub const DICT_LOWERCASE: u8 = 1;
pub const DICT_CAPITALISED: u8 = 2;

/// Marks a token can carry; fixed strings so they hash the same in training and tagging.
const MARKS: [[&str; 2]; 5] =
    [["PER-B", "PER-I"], ["LOC-B", "LOC-I"], ["ORG-B", "ORG-I"], ["MISC-B", "MISC-I"], ["WD-B", "WD-I"]];

impl Lexicon {
    pub fn new(
        common_lowercase: HashSet<String>,
        gazetteer: HashMap<String, u8>,
        dictionary: HashMap<String, u8>,
        name_parts: HashMap<String, u8>,
        name_flags: HashMap<String, Vec<[u8; 2]>>,
        clusters: WordClusters,
    ) -> Self {
        Self { common_lowercase, gazetteer, dictionary, name_parts, name_flags, clusters }
    }

    /// The classes of a lowercase word, one per clustering (empty if it has none).
    pub fn clusters(&self, lower: &str) -> &[u16] {
        self.clusters.classes(lower)
    }

    pub fn word_clusters(&self) -> &WordClusters {
        &self.clusters
    }

    /// The word list's affix flags for a capitalised entry of this (lowercase) word.
    pub fn name_flags(&self, lower: &str) -> &[[u8; 2]] {
        self.name_flags.get(lower).map_or(&[], Vec::as_slice)
    }

    /// Whether the word opens or closes multi-word person names in the training data.
    pub fn name_part_bits(&self, lower: &str) -> u8 {
        self.name_parts.get(lower).copied().unwrap_or(0)
    }

    /// How a word list writes this word: 0 (absent), lowercase, capitalised, or both.
    pub fn dictionary_bits(&self, lower: &str) -> u8 {
        self.dictionary.get(lower).copied().unwrap_or(0)
    }

    /// This lexicon's lowercase words and Wikidata names, with the training-data names
    /// taken from `other` instead of `self`.
    pub fn with_gazetteer_from(&self, other: &Lexicon) -> Lexicon {
        let mut gazetteer: HashMap<String, u8> = self
            .gazetteer
            .iter()
            .filter(|(_, b)| **b & GAZ_WIKIDATA != 0)
            .map(|(k, _)| (k.clone(), GAZ_WIKIDATA))
            .collect();
        for (name, bits) in &other.gazetteer {
            *gazetteer.entry(name.clone()).or_default() |= bits & !GAZ_WIKIDATA;
        }
        Lexicon {
            common_lowercase: self.common_lowercase.clone(),
            gazetteer,
            dictionary: self.dictionary.clone(),
            name_parts: other.name_parts.clone(),
            name_flags: self.name_flags.clone(),
            clusters: self.clusters.clone(),
        }
    }

    pub fn is_common_lowercase(&self, lower: &str) -> bool {
        self.common_lowercase.contains(lower)
    }

    pub fn gazetteer_len(&self) -> usize {
        self.gazetteer.len()
    }

    /// For each token, the gazetteer marks of the longest known names covering it.
    pub fn gazetteer_marks(&self, words: &[&str]) -> Vec<Vec<&'static str>> {
        let mut marks = vec![Vec::new(); words.len()];
        let mut phrase = String::new();
        let mut i = 0;
        while i < words.len() {
            if !words[i].chars().next().is_some_and(char::is_uppercase) {
                i += 1;
                continue;
            }
            let mut matched = 0;
            let max = MAX_PHRASE_TOKENS.min(words.len() - i);
            for len in (1..=max).rev() {
                phrase.clear();
                for (k, w) in words[i..i + len].iter().enumerate() {
                    if k > 0 {
                        phrase.push(' ');
                    }
                    phrase.push_str(w);
                }
                if let Some(&bits) = self.gazetteer.get(phrase.as_str()) {
                    for (bit, pair) in MARKS.iter().enumerate() {
                        if bits & (1 << bit) != 0 {
                            marks[i].push(pair[0]);
                            for m in &mut marks[i + 1..i + len] {
                                m.push(pair[1]);
                            }
                        }
                    }
                    matched = len;
                    break;
                }
            }
            i += matched.max(1);
        }
        marks
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunspell_lines_give_words_and_two_letter_flags() {
        let entry = WordEntry::from_dic_line("Jeruzalem/PNSvPI").expect("entry");
        assert_eq!(entry.word, "Jeruzalem");
        assert_eq!(entry.flags, vec![*b"PN", *b"Sv", *b"PI"]);
        let plain = WordEntry::from_dic_line("fiets").expect("entry");
        assert_eq!((plain.word.as_str(), plain.flags.len()), ("fiets", 0));
        assert!(WordEntry::from_dic_line("180690").is_none(), "the count line is not a word");
        assert!(WordEntry::from_dic_line("   ").is_none());
    }
}
