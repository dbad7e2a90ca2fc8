//! Lemmas: the training data's lemma for a known (form, UPOS) pair, else a suffix edit
//! rule ("-den" → "-d", "-landen" → "-_land") learnt from the training words with the same
//! tag and features and the longest shared ending; particle verbs are joined after
//! parsing (`join_particles`).
//!
//! Treebanks that write compounds whole (UD 2.0 LassySmall) teach only which lemma a
//! known form has; its compound parts are then marked from what the other treebanks teach.
//!
//! Invariant: `lemma` never returns an empty string for a non-empty word.

use super::conllu::GoldSentence;
use super::tagger::Tag;
use super::{Deprel, Upos, Word};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Longest word ending (in chars) the suffix rules look at.
const MAX_SUFFIX: usize = 7;
/// Suffix rules keep this many edit scripts per ending, most frequent first.
const SCRIPTS_PER_KEY: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
enum Casing {
    /// The lemma is lowercase.
    Lower,
    /// The lemma keeps the form's capitals.
    Keep,
    /// Only the lemma's first letter is a capital ("GENUA" → "Genua").
    Title,
}

/// Remove `front` from the lowercased form's start and replace its ending `strip` with
/// `append`, then case it ("gelanceerd" → "lanceren": front "ge", strip "d", append "ren").
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
struct Script {
    front: String,
    strip: String,
    append: String,
    casing: Casing,
}

/// At most this many chars are removed from a form's start ("ge", "geë").
const MAX_FRONT: usize = 3;

impl Script {
    fn between(form: &str, lemma: &str) -> Option<Script> {
        let (lf, ll) = (form.to_lowercase(), lemma.to_lowercase());
        let shared = |a: &str| a.chars().zip(ll.chars()).take_while(|(x, y)| x == y).count();
        // The front cut that leaves the longest shared start (none on ties).
        let (front_chars, kept) = (0..=MAX_FRONT.min(lf.chars().count()))
            .map(|k| (k, shared(&lf[lf.char_indices().nth(k).map_or(lf.len(), |c| c.0)..])))
            .fold((0, 0), |best, (k, n)| if n > best.1 + k.saturating_sub(best.0) * 2 { (k, n) } else { best });
        let front_end = lf.char_indices().nth(front_chars).map_or(lf.len(), |c| c.0);
        let rest = &lf[front_end..];
        let cut_f = rest.char_indices().nth(kept).map_or(rest.len(), |c| c.0);
        let cut_l = ll.char_indices().nth(kept).map_or(ll.len(), |c| c.0);
        let base = Script {
            front: lf[..front_end].to_string(),
            strip: rest[cut_f..].to_string(),
            append: ll[cut_l..].to_string(),
            casing: Casing::Lower,
        };
        [Casing::Lower, Casing::Keep, Casing::Title]
            .into_iter()
            .map(|casing| Script { casing, ..base.clone() })
            .find(|s| s.apply(form).as_deref() == Some(lemma))
    }

    fn apply(&self, form: &str) -> Option<String> {
        let lf = form.to_lowercase();
        let rest = lf.strip_prefix(self.front.as_str())?;
        let stem = rest.strip_suffix(self.strip.as_str())?;
        if stem.is_empty() && (self.append.starts_with('_') || self.append.is_empty()) {
            return None;
        }
        let out = match self.casing {
            Casing::Lower => format!("{stem}{}", self.append),
            Casing::Title => {
                let mut chars = stem.chars();
                let first = chars.next().map(|c| c.to_uppercase().collect::<String>()).unwrap_or_default();
                format!("{first}{}{}", chars.as_str(), self.append)
            }
            Casing::Keep => {
                if form.chars().count() != lf.chars().count() {
                    return None;
                }
                let skip = self.front.chars().count();
                let kept = stem.chars().count();
                format!("{}{}", form.chars().skip(skip).take(kept).collect::<String>(), self.append)
            }
        };
        (!out.is_empty()).then_some(out)
    }
}

/// Separable verb particles: a verb lemma that starts with one is written `particle_verb`.
const PARTICLES: &[&str] = &[
    "aan",
    "achter",
    "af",
    "bij",
    "binnen",
    "buiten",
    "door",
    "in",
    "langs",
    "mee",
    "na",
    "neer",
    "om",
    "onder",
    "op",
    "over",
    "rond",
    "samen",
    "tegen",
    "terug",
    "tevoorschijn",
    "thuis",
    "toe",
    "uit",
    "vast",
    "voor",
    "voorbij",
    "voort",
    "vrij",
    "weg",
    "weer",
    "terecht",
    "open",
    "dicht",
    "los",
    "kapot",
    "bekend",
    "schoon",
];

/// Longer "words" (URLs, garbage) are not split into compound parts.
const MAX_COMPOUND_BYTES: usize = 48;

/// Known words for splitting compounds as UD Dutch lemmas write them (`jeugd_gezondheid_zorg`).
#[derive(Default, Serialize, Deserialize)]
struct CompoundParts {
    /// How a part is written inside a compound → its lemma ("taken" → "taak").
    modifiers: BTreeMap<String, String>,
    /// Lemmas that end a noun compound.
    noun_heads: BTreeSet<String>,
    /// Verb lemmas (the part after a particle).
    verbs: BTreeSet<String>,
    /// Lemmas the training data writes whole: never split.
    whole: BTreeSet<String>,
}

impl CompoundParts {
    fn learn(&mut self, form: &str, lemma: &str, upos: Upos) {
        let pieces: Vec<&str> = lemma.split('_').collect();
        let lower = |s: &str| s.to_lowercase();
        if pieces.len() == 1 {
            self.whole.insert(lower(lemma));
        }
        for p in &pieces[..pieces.len() - 1] {
            if p.chars().count() >= 3 {
                self.modifiers.insert(lower(p), lower(p));
            }
        }
        let last = lower(pieces[pieces.len() - 1]);
        if last.chars().count() >= 3 {
            match upos {
                Upos::Noun => {
                    self.noun_heads.insert(last.clone());
                    self.modifiers.insert(last.clone(), last);
                    if pieces.len() == 1 && form.chars().count() >= 3 {
                        self.modifiers.entry(lower(form)).or_insert_with(|| lower(lemma));
                    }
                }
                Upos::Verb => {
                    self.verbs.insert(last);
                }
                _ => {}
            }
        }
    }

    /// Segments `text` into modifier lemmas (a linking `s`, `-` or `en` may follow each), in as
    /// few parts as possible (lexicalised modifiers such as "voetbal" stay whole).
    fn modifiers_of(&self, text: &str) -> Option<Vec<String>> {
        let ends: Vec<usize> = text.char_indices().map(|c| c.0).skip(1).chain([text.len()]).collect();
        // best[i]: the longest segmentation of text[..i].
        let mut best: Vec<Option<Vec<String>>> = vec![None; text.len() + 1];
        best[0] = Some(Vec::new());
        let starts: Vec<usize> = std::iter::once(0).chain(ends.iter().copied()).collect();
        for &i in &starts {
            let Some(prefix) = best[i].clone() else { continue };
            for &j in ends.iter().filter(|&&j| j > i) {
                let Some(lemma) = self.modifiers.get(&text[i..j]) else { continue };
                let mut seg = prefix.clone();
                seg.push(lemma.clone());
                for end in [j, j + 1, j + 2] {
                    let linked = match end - j {
                        0 => true,
                        1 => text[j..].starts_with('s') || text[j..].starts_with('-'),
                        _ => text[j..].starts_with("en"),
                    };
                    if end <= text.len() && linked && best[end].as_ref().is_none_or(|b| b.len() > seg.len()) {
                        best[end] = Some(seg.clone());
                    }
                }
            }
        }
        best[text.len()].clone().filter(|s| !s.is_empty())
    }

    /// `lemma` with its compound parts marked, when the parts are all known.
    fn split(&self, lemma: &str, upos: Upos) -> Option<String> {
        // Segmenting is quadratic in the word's length; real compounds are shorter.
        if lemma.contains('_') || self.whole.contains(lemma) || lemma.len() > MAX_COMPOUND_BYTES {
            return None;
        }
        match upos {
            Upos::Verb => PARTICLES.iter().find_map(|p| {
                let rest = lemma.strip_prefix(p)?;
                self.verbs.contains(rest).then(|| format!("{p}_{rest}"))
            }),
            Upos::Noun => {
                let mut found: Option<Vec<String>> = None;
                for (h, _) in lemma.char_indices().skip(3) {
                    let head = &lemma[h..];
                    if head.chars().count() < 3 || !self.noun_heads.contains(head) {
                        continue;
                    }
                    if let Some(mut parts) = self.modifiers_of(&lemma[..h]) {
                        parts.push(head.to_string());
                        if found.as_ref().is_none_or(|f| parts.len() < f.len()) {
                            found = Some(parts);
                        }
                    }
                }
                found.map(|p| p.join("_"))
            }
            _ => None,
        }
    }
}

#[derive(Serialize, Deserialize)]
pub struct Lemmatizer {
    /// Form as written → (UPOS, lemma) pairs, the most frequent lemma per tag, the most
    /// frequent tag first; from treebanks that mark compounds in lemmas.
    exact: BTreeMap<String, Vec<(Upos, String)>>,
    /// The same by lowercased form.
    lower: BTreeMap<String, Vec<(Upos, String)>>,
    /// The same from treebanks that write compounds whole (their lemmas are split here).
    exact_whole: BTreeMap<String, Vec<(Upos, String)>>,
    scripts: Vec<Script>,
    /// (UPOS, feature bundle or `u16::MAX` for any, ending) → (script, word types), most
    /// frequent first.
    by_ending: BTreeMap<(Upos, u16, String), Vec<(u32, u32)>>,
    parts: CompoundParts,
}

type Counts = HashMap<String, HashMap<(Upos, String), u32>>;

fn most_frequent(counts: Counts) -> BTreeMap<String, Vec<(Upos, String)>> {
    let mut out = BTreeMap::new();
    for (form, lemmas) in counts {
        let mut by_tag: BTreeMap<Upos, (u32, String)> = BTreeMap::new();
        let mut tag_total: BTreeMap<Upos, u32> = BTreeMap::new();
        let mut lemmas: Vec<((Upos, String), u32)> = lemmas.into_iter().collect();
        lemmas.sort();
        for ((upos, lemma), n) in lemmas {
            *tag_total.entry(upos).or_default() += n;
            let e = by_tag.entry(upos).or_insert((0, String::new()));
            if n > e.0 {
                *e = (n, lemma);
            }
        }
        let mut v: Vec<(u32, Upos, String)> =
            by_tag.into_iter().map(|(u, (_, l))| (tag_total.get(&u).copied().unwrap_or(0), u, l)).collect();
        v.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        out.insert(form, v.into_iter().map(|(_, u, l)| (u, l)).collect());
    }
    out
}

/// Whether a treebank marks compound parts in its lemmas (`industrie_land`); the UD 2.0
/// LassySmall release writes them whole.
pub fn marks_compounds(sentences: &[GoldSentence]) -> bool {
    let words = sentences.iter().map(|s| s.words.len()).sum::<usize>();
    let marked = sentences.iter().flat_map(|s| &s.words).filter(|w| w.lemma.contains('_')).count();
    marked * 500 >= words.max(1)
}

impl Lemmatizer {
    /// `bundle` gives a word's feature-bundle index as the tagger numbers them.
    pub fn train(train: &[GoldSentence], bundle: impl Fn(&str) -> Option<u16>) -> Lemmatizer {
        let mut exact: Counts = HashMap::new();
        let mut lower: Counts = HashMap::new();
        let mut exact_whole: Counts = HashMap::new();
        let mut parts = CompoundParts::default();
        let mut types: BTreeSet<(String, Upos, u16, String)> = BTreeSet::new();
        for s in train {
            for w in &s.words {
                if w.lemma.is_empty() || w.lemma == "_" {
                    continue;
                }
                let key = (w.upos, w.lemma.clone());
                let b = bundle(&w.feats).unwrap_or(u16::MAX);
                // Edit rules learn the lemma without compound marks: `split` adds them.
                types.insert((w.form.clone(), w.upos, b, w.lemma.replace('_', "")));
                if !s.compounds_marked {
                    *exact_whole.entry(w.form.clone()).or_default().entry(key).or_default() += 1;
                    continue;
                }
                *exact.entry(w.form.clone()).or_default().entry(key.clone()).or_default() += 1;
                *lower.entry(w.form.to_lowercase()).or_default().entry(key).or_default() += 1;
                parts.learn(&w.form, &w.lemma, w.upos);
            }
        }
        let mut script_ids: HashMap<Script, u32> = HashMap::new();
        let mut scripts = Vec::new();
        let mut counts: HashMap<(Upos, u16, String), HashMap<u32, u32>> = HashMap::new();
        for (form, upos, b, lemma) in types {
            let Some(script) = Script::between(&form, &lemma) else { continue };
            let id = *script_ids.entry(script.clone()).or_insert_with(|| {
                scripts.push(script);
                (scripts.len() - 1) as u32
            });
            let lf = form.to_lowercase();
            let chars: Vec<usize> = lf.char_indices().map(|c| c.0).collect();
            for k in 0..=MAX_SUFFIX.min(chars.len()) {
                let ending = lf[chars.get(chars.len() - k).copied().unwrap_or(lf.len())..].to_string();
                for key_bundle in [b, u16::MAX] {
                    *counts.entry((upos, key_bundle, ending.clone())).or_default().entry(id).or_default() += 1;
                }
            }
        }
        let by_ending = counts
            .into_iter()
            .map(|(key, c)| {
                let mut c: Vec<(u32, u32)> = c.into_iter().collect();
                c.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                (key, c.into_iter().take(SCRIPTS_PER_KEY).collect())
            })
            .collect();
        Lemmatizer {
            exact: most_frequent(exact),
            lower: most_frequent(lower),
            exact_whole: most_frequent(exact_whole),
            scripts,
            by_ending,
            parts,
        }
    }

    /// `listed` tells whether the word list has a lowercase word: of the edit rules'
    /// guesses, the first one it lists is taken ("verwerpt" → "verwerpen", not "verwerppen").
    pub fn lemma(&self, word: &str, tag: Tag, listed: &dyn Fn(&str) -> bool) -> String {
        let (upos, bundle) = (tag.upos, tag.feats);
        let known = |table: &BTreeMap<String, Vec<(Upos, String)>>, key: &str| {
            table.get(key).and_then(|v| v.iter().find(|(u, _)| *u == upos)).map(|(_, l)| l.clone())
        };
        if let Some(l) = known(&self.exact, word) {
            return l;
        }
        let lf = word.to_lowercase();
        if let Some(l) = known(&self.lower, &lf) {
            return l;
        }
        if let Some(l) = known(&self.exact_whole, word) {
            let split = if tag.listed { None } else { self.parts.split(&l, upos) };
            return split.unwrap_or(l);
        }
        if upos == Upos::Noun {
            if let Some((first, rest)) = word.split_once('-').filter(|(a, b)| !a.is_empty() && !b.is_empty()) {
                return format!("{first}_{}", self.lemma(rest, Tag { listed: false, ..tag }, listed));
            }
        }
        let guessed = self.by_rule(word, &lf, upos, bundle, listed);
        // A word the word list has whole is not split ("persconferentie").
        if let Some(split) = self.parts.split(&guessed, upos).filter(|_| !tag.listed) {
            return split;
        }
        // A form the training data knows under another tag keeps that lemma.
        let other_tag = |table: &BTreeMap<String, Vec<(Upos, String)>>, key: &str| {
            table.get(key).and_then(|v| v.first()).map(|(_, l)| l.clone())
        };
        if !matches!(upos, Upos::Propn | Upos::Noun | Upos::Verb | Upos::Adj) {
            if let Some(l) = other_tag(&self.exact, word).or_else(|| other_tag(&self.lower, &lf)) {
                return l;
            }
        }
        guessed
    }

    /// The first guess of the edit rules (longest ending first, the word's feature bundle
    /// before any) that the word list has, else the first guess.
    fn by_rule(&self, word: &str, lf: &str, upos: Upos, bundle: u16, listed: &dyn Fn(&str) -> bool) -> String {
        let chars: Vec<usize> = lf.char_indices().map(|c| c.0).collect();
        let mut first: Option<String> = None;
        for key_bundle in [bundle, u16::MAX] {
            for k in (0..=MAX_SUFFIX.min(chars.len())).rev() {
                let ending = &lf[chars.get(chars.len() - k).copied().unwrap_or(lf.len())..];
                let Some(ids) = self.by_ending.get(&(upos, key_bundle, ending.to_string())) else { continue };
                // A long ending seen once is no evidence; a shorter one decides instead.
                let enough = |n: u32| n >= 2 || k <= 2;
                for l in
                    ids.iter().filter(|e| enough(e.1)).filter_map(|&(id, _)| self.scripts.get(id as usize)?.apply(word))
                {
                    if upos == Upos::Propn || listed(&l) {
                        return l;
                    }
                    first.get_or_insert(l);
                }
            }
        }
        if let Some(l) = first {
            return l;
        }
        if upos == Upos::Propn {
            word.to_string()
        } else {
            lf.to_string()
        }
    }
}

/// A verb whose particle stands apart ("stelde … voor") gets the particle verb's lemma,
/// written as UD Dutch does: `voor_stellen`.
pub fn join_particles(words: &[&str], analysed: &mut [Word]) {
    for i in 0..analysed.len() {
        if analysed[i].deprel != Deprel::CompoundPrt {
            continue;
        }
        let Some(h) = analysed[i].head else { continue };
        if !matches!(analysed[h].upos, Upos::Verb | Upos::Aux) || h == i {
            continue;
        }
        let particle = words[i].to_lowercase();
        if !PARTICLES.contains(&particle.as_str()) {
            continue;
        }
        let prefix = format!("{particle}_");
        if !analysed[h].lemma.starts_with(&prefix) && !particle.is_empty() {
            analysed[h].lemma = format!("{prefix}{}", analysed[h].lemma);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_scripts_generalise_endings_and_casing() {
        let s = Script::between("industrielanden", "industrie_land");
        assert_eq!(s.as_ref().and_then(|s| s.apply("wereldlanden")).as_deref(), Some("wereld_land"));
        let s = Script::between("GENUA", "Genua");
        assert_eq!(s.as_ref().and_then(|s| s.apply("PARIJS")).as_deref(), Some("Parijs"));
        let s = Script::between("gelanceerd", "lanceren");
        assert_eq!(s.as_ref().and_then(|s| s.apply("geopereerd")).as_deref(), Some("opereren"));
        let s = Script::between("liepen", "lopen");
        assert_eq!(s.as_ref().map(|s| s.casing), Some(Casing::Lower));
        assert_eq!(s.as_ref().and_then(|s| s.apply("kat")), None);
    }
}
