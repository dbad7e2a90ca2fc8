//! The Wikidata name index: every Dutch label and alias of ~69k Wikidata items, folded,
//! mapped to the items it names, with what the names say about each item's kind.
//!
//! Built once by `kennisgraaf train link` from `labels-aliases-nl.tsv` (`QID<TAB>name…`)
//! and shipped as a compact binary file (magic, format version, postcard body).
//!
//! The table holds names only: no types, no descriptions. An item's kind is read from
//! its names: a qualifier in parentheses ("Rotterdam (gemeente)", "Bush (band)"), a
//! prefix ("provincie Groningen"), or a name that starts with a known first name
//! ("Ahmed Aboutaleb"). Items whose names say nothing have kind 0 (unknown).
//!
//! Invariant: keys are folded with `model::fold`, sorted and unique; out-of-range hits
//! in a damaged file are skipped, never indexed.

use crate::model::fold;
use crate::model_file;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

const MAGIC: &[u8; 8] = b"KGWIKID\0";
const FORMAT_VERSION: u32 = 1;

/// Kind bits of an item.
pub const PERSON: u8 = 1;
pub const PLACE: u8 = 2;
pub const ORGANIZATION: u8 = 4;
/// A book, film, album, ship, software, language...: never a person, place or organisation.
pub const WORK: u8 = 8;
/// The item is a given or family name as such ("Guy (voornaam)"), never a bearer of it.
pub const NAME_ITEM: u8 = 16;
/// The item is a concept with a common-noun name ("barak", "wereldkampioenschap"):
/// a capitalised mention of it is a name of something else.
pub const CONCEPT: u8 = 32;

/// Administrative-level bits, from qualifiers and prefixes.
pub const MUNICIPALITY: u8 = 1;
pub const PROVINCE: u8 = 2;
pub const CITY: u8 = 4;

const PERSON_QUALIFIERS: &[&str] = &[
    "politicus",
    "politica",
    "politician",
    "schrijver",
    "schrijfster",
    "writer",
    "zanger",
    "zangeres",
    "singer",
    "musician",
    "muzikant",
    "musicus",
    "rapper",
    "architect",
    "actor",
    "acteur",
    "actrice",
    "composer",
    "componist",
    "journalist",
    "bishop",
    "bisschop",
    "heilige",
    "apostel",
    "gitarist",
    "drummer",
    "pianist",
    "footballer",
    "voetballer",
    "cricketer",
    "kunstenaar",
    "schilder",
    "painter",
    "wielrenner",
    "atleet",
    "sir",
    "koning",
    "koningin",
    "prins",
    "prinses",
    "linebacker",
    "quarterback",
    "filosoof",
    "dichter",
    "presentator",
    "presentatrice",
    "regisseur",
    "wetenschapper",
    "historicus",
    "econoom",
    "ondernemer",
    "schaker",
    "tennisser",
];
const PLACE_QUALIFIERS: &[&str] = &[
    "gemeente",
    "stad",
    "plaats",
    "provincie",
    "rivier",
    "borough",
    "dorp",
    "eiland",
    "regio",
    "streek",
    "land",
    "staat",
    "xian",
    "county",
    "district",
    "departement",
    "kanton",
    "wijk",
    "buurt",
    "berg",
    "meer",
    "gebergte",
    "deelgemeente",
    "stadsdeel",
    "township",
    "city",
];
const ORGANIZATION_QUALIFIERS: &[&str] = &[
    "voetbalclub",
    "band",
    "partij",
    "bedrijf",
    "club",
    "omroep",
    "krant",
    "dagblad",
    "ploeg",
    "team",
    "organisatie",
    "vereniging",
    "uitgeverij",
    "orkest",
    "merk",
    "onderneming",
    "football club",
];
const WORK_QUALIFIERS: &[&str] = &[
    "film",
    "boek",
    "album",
    "televisieserie",
    "software",
    "taal",
    "lied",
    "single",
    "spel",
    "computerspel",
    "roman",
    "opera",
    "schip",
    "tijdschrift",
    "metrostation",
    "station",
    "gebouw",
    "programma",
    "strip",
    "musical",
];
const NAME_QUALIFIERS: &[&str] = &["voornaam", "achternaam", "familienaam", "naam"];

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("not a kennisgraaf Wikidata index (wrong magic bytes); rebuild it with `kennisgraaf train link`")]
    BadMagic,
    #[error("the Wikidata index has format version {found}, this build reads version {FORMAT_VERSION}; rebuild it with `kennisgraaf train link`")]
    Version { found: u32 },
    #[error("the Wikidata index is corrupt ({0}); rebuild it with `kennisgraaf train link`")]
    Corrupt(String),
    #[error("line {line}: {reason}")]
    Table { line: usize, reason: String },
}

impl From<model_file::FrameError> for IndexError {
    fn from(e: model_file::FrameError) -> Self {
        match e {
            model_file::FrameError::BadMagic => IndexError::BadMagic,
            model_file::FrameError::Version { found } => IndexError::Version { found },
            model_file::FrameError::Corrupt(why) => IndexError::Corrupt(why),
        }
    }
}

/// One Wikidata item with what its names reveal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// The number of the QID (34370 for Q34370).
    pub qid: u32,
    /// Its Dutch names as the table writes them (country codes left out).
    pub names: Vec<String>,
    /// How many names and codes the table gives it: better-known items have more.
    pub name_count: u16,
    /// `PERSON | PLACE | ORGANIZATION | WORK | NAME_ITEM` bits (0: unknown).
    pub kind: u8,
    /// `MUNICIPALITY | PROVINCE | CITY` bits.
    pub level: u8,
    /// Folded proper-noun qualifiers ("ontario" from "Ajax (Ontario)"): when the article
    /// names one of them, this reading is likelier.
    pub qualifiers: Vec<String>,
}

impl Item {
    pub fn id(&self) -> String {
        format!("Q{}", self.qid)
    }
}

/// A folded name and where it occurs: (item index, index into the item's `names`).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Key {
    folded: String,
    hits: Vec<(u32, u16)>,
}

/// The file is the index itself: loading decodes it and builds nothing.
#[derive(Serialize, Deserialize)]
struct IndexFile {
    about: String,
    items: Vec<Item>,
    /// Sorted by `folded`, unique.
    keys: Vec<Key>,
}

pub struct WikidataIndex {
    file: IndexFile,
}

impl WikidataIndex {
    /// Build from the TSV table. `first_names` (folded) tells person names from others.
    pub fn build(table: &str, first_names: &HashSet<String>, about: String) -> Result<Self, IndexError> {
        let mut first_names = first_names.clone();
        for line in table.lines().filter(|l| l.contains("(voornaam)")) {
            first_names.extend(line.split('\t').skip(1).filter(|n| !n.contains('(')).map(fold));
        }
        let mut items = Vec::new();
        for (n, line) in table.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let mut cols = line.split('\t');
            let qid = cols.next().unwrap_or_default();
            let number =
                qid.strip_prefix('Q').and_then(|d| d.parse::<u32>().ok()).ok_or_else(|| IndexError::Table {
                    line: n + 1,
                    reason: format!("expected a QID like Q34370 in the first column, found {qid:?}"),
                })?;
            let names: Vec<String> = cols.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect();
            if names.is_empty() {
                return Err(IndexError::Table { line: n + 1, reason: format!("{qid} has no names") });
            }
            items.push(describe(number, names, &first_names));
        }
        let mut keys: BTreeMap<String, Vec<(u32, u16)>> = BTreeMap::new();
        for (i, item) in items.iter().enumerate() {
            for (n, name) in item.names.iter().enumerate() {
                let hits = keys.entry(fold(name)).or_default();
                if hits.last().is_none_or(|h| h.0 != i as u32) {
                    hits.push((i as u32, n as u16));
                }
            }
        }
        let keys = keys.into_iter().map(|(folded, hits)| Key { folded, hits }).collect();
        Ok(Self { file: IndexFile { about, items, keys } })
    }

    pub fn len(&self) -> usize {
        self.file.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.file.items.is_empty()
    }

    pub fn about(&self) -> &str {
        &self.file.about
    }

    /// Items that have `folded` among their folded names, each with that name as the
    /// table writes it.
    pub fn lookup(&self, folded: &str) -> impl Iterator<Item = (&Item, &str)> {
        let keys = &self.file.keys;
        let hits = keys.binary_search_by(|k| k.folded.as_str().cmp(folded)).map_or(&[][..], |i| &keys[i].hits[..]);
        hits.iter().filter_map(|&(i, n)| {
            let item = self.file.items.get(i as usize)?;
            Some((item, item.names.get(n as usize)?.as_str()))
        })
    }

    pub fn to_bytes(&self) -> Result<Vec<u8>, IndexError> {
        Ok(model_file::encode(MAGIC, FORMAT_VERSION, &self.file)?)
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self, IndexError> {
        let file: IndexFile = model_file::decode(MAGIC, FORMAT_VERSION, bytes)?;
        if file.keys.windows(2).any(|w| w[0].folded >= w[1].folded) {
            return Err(IndexError::Corrupt("names are not sorted".into()));
        }
        Ok(Self { file })
    }
}

/// Read an item's kind, level and qualifiers from its names.
fn describe(qid: u32, mut names: Vec<String>, first_names: &HashSet<String>) -> Item {
    let all = names.clone();
    let name_count = u16::try_from(all.len()).unwrap_or(u16::MAX);
    names.retain(|n| n.chars().count() > 1 && !is_iso_code(n, &all));
    let (mut kind, mut level) = (0u8, 0u8);
    let mut qualifiers = Vec::new();
    for name in &names {
        if let Some((_, rest)) = name.split_once('(') {
            let inner = rest.trim_end_matches(')').trim();
            for part in inner.split(',').map(str::trim) {
                let lower = fold(part);
                let (k, l) = qualifier_kind(&lower);
                kind |= k;
                level |= l;
                let capitalised = part.chars().next().is_some_and(char::is_uppercase);
                if k == 0 && capitalised && !is_roman_numeral(part) {
                    // "Ajax (Ontario)", "Limburg (België)": a place that tells the reading apart.
                    kind |= PLACE;
                    qualifiers.push(lower);
                }
            }
            continue;
        }
        let lower = fold(name);
        if let Some((prefix, _)) = lower.split_once(' ') {
            let (k, l) = match prefix {
                "gemeente" => (PLACE, MUNICIPALITY),
                "provincie" | "land" | "deelstaat" => (PLACE, PROVINCE),
                "stad" => (PLACE, CITY),
                "koninkrijk" | "republiek" | "hertogdom" | "graafschap" | "vorstendom" | "staat" => (PLACE, 0),
                _ => (0, 0),
            };
            kind |= k;
            level |= l;
        }
        if looks_like_person_name(name, first_names) {
            kind |= PERSON;
        }
    }
    // Mostly common-noun names: a concept ("DNA" is "desoxyribonucleïnezuur").
    let common = names.iter().filter(|n| is_common_noun(n)).count();
    if common > 0 && 2 * common >= names.len() {
        kind |= CONCEPT;
    }
    // A place or organisation whose one name starts with a first name ("Jan Pieterszoon
    // Coenstraat" aside) is still what its qualifier says.
    if kind & (PLACE | ORGANIZATION | WORK | NAME_ITEM) != 0 {
        kind &= !PERSON;
    }
    Item { qid, names, name_count, kind, level, qualifiers }
}

fn qualifier_kind(lower: &str) -> (u8, u8) {
    let level = match lower {
        "gemeente" => MUNICIPALITY,
        "provincie" => PROVINCE,
        "stad" => CITY,
        _ => 0,
    };
    let has = |list: &[&str]| list.iter().any(|q| lower == *q || lower.ends_with(&format!(" {q}")));
    let kind = if has(NAME_QUALIFIERS) {
        NAME_ITEM
    } else if has(PERSON_QUALIFIERS) || lower.ends_with("politician") || lower.ends_with("player") {
        PERSON
    } else if has(PLACE_QUALIFIERS) {
        PLACE
    } else if has(ORGANIZATION_QUALIFIERS) {
        ORGANIZATION
    } else if has(WORK_QUALIFIERS) || lower.chars().all(|c| c.is_ascii_digit()) {
        WORK
    } else {
        0
    };
    (kind, level)
}

/// Country codes ("IT" and "ITA", "DM" and "DMA"): an item with a two- and a
/// three-letter capital code starting alike. News writes these for other things
/// ("IT", "DM" for De Morgen), so they are no names for linking.
fn is_iso_code(name: &str, names: &[String]) -> bool {
    let code = |n: &str, len: usize| n.len() == len && n.chars().all(|c| c.is_ascii_uppercase());
    let pairs = |two: &str, three: &str| code(two, 2) && code(three, 3) && two.as_bytes()[0] == three.as_bytes()[0];
    names.iter().any(|other| pairs(name, other) || pairs(other, name))
}

/// "wereldkampioenschap", "desoxyribonucleïnezuur": a lowercase word of four letters or
/// more. Lowercase codes ("nl"), "gemeente X", "de Volkskrant" and "'s-Gravenhage" are not.
fn is_common_noun(name: &str) -> bool {
    let first = name.split_whitespace().next().unwrap_or_default();
    first.chars().count() >= 4
        && first.chars().all(|c| c.is_alphabetic() && c.is_lowercase())
        && !matches!(first, "gemeente" | "provincie" | "stad")
}

fn is_roman_numeral(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| matches!(c, 'I' | 'V' | 'X' | 'L'))
}

/// Words between a first and a last name ("van der", "bin"); never first names themselves.
pub fn is_name_particle(word: &str) -> bool {
    matches!(
        fold(word).as_str(),
        "van"
            | "de"
            | "der"
            | "den"
            | "het"
            | "ter"
            | "ten"
            | "te"
            | "von"
            | "du"
            | "la"
            | "le"
            | "el"
            | "al"
            | "bin"
            | "ibn"
            | "da"
            | "dos"
            | "di"
            | "del"
            | "des"
            | "op"
            | "in"
            | "t"
            | "'t"
    )
}

/// "Ahmed Aboutaleb", "Jan Peter Balkenende": two or more capitalised words (name
/// particles allowed in between), the first a known first name.
fn looks_like_person_name(name: &str, first_names: &HashSet<String>) -> bool {
    let words: Vec<&str> = name.split_whitespace().collect();
    if words.len() < 2 || is_name_particle(words[0]) || !first_names.contains(&fold(words[0])) {
        return false;
    }
    let last = words[words.len() - 1];
    last.chars().next().is_some_and(char::is_uppercase)
        && words.iter().all(|w| w.chars().next().is_some_and(char::is_uppercase) || is_name_particle(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> WikidataIndex {
        let table = "Q34370\tMokum Reisj\tRoffa\tRotterdam\n\
                     Q2680952\tRotterdam\tRotterdam (gemeente)\tgemeente Rotterdam\n\
                     Q166127\tRotterdam\tRotterdam (schip, 1959)\n\
                     Q401107\tAboutaleb\tAbutaleb\tAhmed Aboutaleb\n\
                     Q1159023\tGuy\tGuy (voornaam)\n\
                     Q386567\tAjax\tAjax (Ontario)\n\
                     Q131263\tbarak\tkazerne\n\
                     Q38\tIT\tITA\tItalië\n";
        let first: HashSet<String> = ["ahmed", "guy"].iter().map(|s| s.to_string()).collect();
        WikidataIndex::build(table, &first, "test".into()).expect("builds")
    }

    #[test]
    fn names_reveal_kinds_levels_and_qualifiers() {
        let idx = index();
        let kinds: Vec<(u32, u8, u8)> = idx.lookup("rotterdam").map(|(i, _)| (i.qid, i.kind, i.level)).collect();
        assert_eq!(kinds, vec![(34370, 0, 0), (2680952, PLACE, MUNICIPALITY), (166127, WORK, 0)]);
        assert_eq!(idx.lookup("abutaleb").next().map(|(i, _)| i.kind), Some(PERSON));
        assert_eq!(idx.lookup("guy").next().map(|(i, _)| i.kind), Some(NAME_ITEM));
        assert_eq!(idx.lookup("kazerne").next().map(|(i, _)| i.kind), Some(CONCEPT));
        assert!(idx.lookup("it").next().is_none() && idx.lookup("italie").next().is_some());
        let (ajax, _) = idx.lookup("ajax").next().expect("ajax");
        assert_eq!((ajax.kind, ajax.qualifiers.clone()), (PLACE, vec!["ontario".to_string()]));
    }

    #[test]
    fn round_trips_and_refuses_foreign_or_damaged_files() {
        let idx = index();
        let bytes = idx.to_bytes().expect("encodes");
        let back = WikidataIndex::from_bytes(&bytes).expect("decodes");
        assert_eq!(back.len(), idx.len());
        assert_eq!(
            back.lookup("roffa").next().map(|(i, written)| (i.id(), written)),
            Some(("Q34370".to_string(), "Roffa"))
        );
        assert!(matches!(WikidataIndex::from_bytes(b"not an index"), Err(IndexError::BadMagic)));
        let mut old = bytes.clone();
        old[8] = 99;
        assert!(matches!(WikidataIndex::from_bytes(&old), Err(IndexError::Version { found: 99 })));
        assert!(matches!(WikidataIndex::from_bytes(&bytes[..bytes.len() / 2]), Err(IndexError::Corrupt(_))));
    }

    #[test]
    fn malformed_table_lines_are_reported_with_their_number() {
        let err = WikidataIndex::build("Q1\tA\nfoo\tB\n", &HashSet::new(), String::new()).err().expect("fails");
        assert!(err.to_string().starts_with("line 2:"), "{err}");
    }
}
