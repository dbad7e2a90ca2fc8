//! Named mentions: the NER tagger's chunks, retyped and completed by rules for what
//! CoNLL does not annotate (laws, institutions named in lowercase).

use super::ner::{self, Lexicon, NerModel, FIRST_NAME};
use super::tokenize::{Sentence, Token, TokenKind};
use super::words::{
    demonym_country, english_title, has_role_prefix, is_demonym, is_national_institution, is_nationality_noun,
    is_party_or_body, kind_noun_type, looks_like_demonym, role_noun, ARTICLES, DUTCH_FUNCTION_WORDS, INSTITUTIONS,
    NAME_TITLES, PORTFOLIOS,
};
use crate::model::{EntityType, MentionSource, Span};
use std::collections::HashSet;
use std::ops::Range;

/// A named mention before entities are formed.
#[derive(Debug, Clone, PartialEq)]
pub struct Name {
    pub sentence: usize,
    pub tokens: Range<usize>,
    pub span: Span,
    pub entity_type: EntityType,
    pub confidence: f32,
    pub source: MentionSource,
}

/// A tagger chunk longer than this is a run of capitalised words (a list without
/// punctuation, a shouted line), not a name.
const MAX_NAME_TOKENS: usize = 16;

pub fn token_text<'t>(text: &'t str, t: &Token) -> &'t str {
    &text[t.span.start..t.span.end]
}

fn is_law_word(word: &str) -> bool {
    let lower = word.to_lowercase();
    word.chars().next().is_some_and(char::is_uppercase)
        && lower.chars().count() > 4
        && (lower.ends_with("wet") || lower.ends_with("wetten") || lower.starts_with("wetboek"))
}

/// The `source` of a name found inside a compound ("NMBS" of "NMBS-directie").
pub const COMPOUND_SOURCE: MentionSource = MentionSource::NerCompound;

/// Lowercase words that stand inside names ("Commissie voor Onrechtmatige Bedingen",
/// "Televisie zonder Grenzen", "Museum of Modern Art", "Jan van der Berg"); any other
/// lowercase word in a tagger chunk is a word of the sentence the tagger ran over
/// ("Degroof waardeert Telindus", "Camp David vertrok").
const NAME_INTERNAL_WORDS: &[&str] = &[
    "van", "de", "der", "den", "het", "'t", "voor", "en", "zonder", "op", "aan", "in", "tot", "uit", "bij", "over",
    "met", "of", "ter", "ten", "te", "du", "des", "la", "le", "les", "el", "di", "da", "del", "della", "dos", "y",
    "the", "and", "for", "on", "von", "zu", "am", "al", "bin", "ibn", "ben", "o", "e",
];

/// Capitalised function words the tagger takes into a name at its end ("Marc
/// Schoetens Het …"), or alone ("De", "Ze") at the start of a sentence.
const FUNCTION_WORDS: &[&str] = &[
    "de", "het", "een", "ze", "zij", "hij", "ik", "wij", "we", "u", "jij", "je", "mijn", "ons", "onze", "hun", "haar",
    "zijn", "die", "deze", "dit", "dat", "wie", "wat", "in", "op", "met", "voor", "na", "en", "maar", "of", "als",
    "toen", "nu", "ook", "er",
];

/// Endings of institutions that carry a demonym in their name ("Vlaamse
/// Gemeenschapscommissie", "Nederlandse Spoorwegen", "Europese Commissie").
const INSTITUTION_HEADS: &[&str] = &[
    "commissie",
    "raad",
    "bank",
    "omroep",
    "gemeenschap",
    "regering",
    "spoorwegen",
    "partij",
    "bond",
    "federatie",
    "unie",
    "dienst",
    "vereniging",
    "stichting",
    "maatschappij",
    "staat",
    "kamer",
    "parlement",
    "ministerie",
];

fn starts_lower(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_lowercase)
}

/// A role, title or nationality word the tagger may read as the first word of a name
/// ("CEO Jan Smit", "Mossad-chef Shabtai Shavit", "Duitser Beerbaum", "Nederlandse SBS").
fn is_glued_prefix(word: &str) -> bool {
    role_noun(word).is_some() || is_demonym(word) || NAME_TITLES.contains(&word.to_lowercase().as_str())
}

/// The name a tagger chunk `chunk` of `words` really holds, as zero or more word ranges:
/// - split at lowercase words that are no part of names (`NAME_INTERNAL_WORDS`), and
///   each part trimmed of lowercase words at its edges and of function words at its end;
/// - role nouns, titles, nationality nouns, demonyms and compounds of a name with a
///   lowercase noun ("IT-bedrijf Tectrade", "Tros-programma Vermist") before the name
///   taken off (coref attaches them to the entity as roles and places; the compound's
///   name is a name of its own: "IT", "Tros"); a demonym stays when every word
///   after it is a common word ("Nederlandse Spoorwegen", "Nederlandse Bank") or the one
///   word after it ends as an institution does ("Vlaamse Gemeenschapscommissie");
/// - what is left of one word only, a demonym, a role noun or a function word, is no name,
///   nor a word tagged MISC shaped like a demonym (`looks_like_demonym`);
///   a role compound keeps its name ("Mossad" of "Mossad-chef", see `compound_head`).
fn name_ranges(words: &[&str], chunk: Range<usize>, tag: &str, lexicon: &Lexicon) -> Vec<Range<usize>> {
    let (is_person, is_misc) = (tag == "PER", tag == "MISC");
    let mut parts = Vec::new();
    let mut start = chunk.start;
    for i in chunk.clone() {
        let lower = words[i].to_lowercase();
        if starts_lower(words[i]) && !NAME_INTERNAL_WORDS.contains(&lower.as_str()) {
            parts.push(start..i);
            start = i + 1;
        }
    }
    parts.push(start..chunk.end);
    let common = |w: &str| lexicon.is_common_lowercase(&w.to_lowercase());
    let mut out = Vec::new();
    for mut part in parts {
        loop {
            while part.start < part.end && starts_lower(words[part.start]) {
                part.start += 1;
            }
            // "Chief Executive Officer van Ahold": an English title is a role, no name.
            if let Some((len, _)) = english_title(&words[part.clone()]) {
                part.start += len;
                continue;
            }
            while part.end > part.start
                && (starts_lower(words[part.end - 1])
                    || FUNCTION_WORDS.contains(&words[part.end - 1].to_lowercase().as_str()))
            {
                part.end -= 1;
            }
            let rest = &words[(part.start + 1).min(part.end)..part.end];
            let named_with_demonym = rest.iter().all(|w| common(w))
                || (rest.len() == 1 && INSTITUTION_HEADS.iter().any(|h| rest[0].to_lowercase().ends_with(h)));
            // "Frans Timmermans", "Frans Bauer": a demonym that opens person names as a
            // first name (in the tagger's training names) opens this one too.
            let first_name = is_person
                && is_demonym(words[part.start])
                && !is_nationality_noun(&words[part.start].to_lowercase())
                && lexicon.name_part_bits(&words[part.start].to_lowercase()) & FIRST_NAME != 0;
            let glued = part.len() > 1
                && (is_glued_prefix(words[part.start]) || compound_head(words[part.start]).is_some())
                && !(is_demonym(words[part.start]) && named_with_demonym)
                && !first_name;
            // A place adjective not in the lists ("Brusselse AB"): not before a person's
            // name, whose first names can end so ("Louise"), nor before an institution's
            // ("Vlaamse Gemeenschapscommissie", as for a listed demonym).
            let place_adjective = part.len() > 1
                && !is_person
                && !named_with_demonym
                && words[part.start].len() >= 6
                && words[part.start].ends_with("se")
                && !common(words[part.start])
                && !words[part.start + 1..part.end].iter().all(|w| common(w));
            if !(glued || place_adjective) {
                break;
            }
            // "Mossad-chef Shabtai Shavit": the role's organisation is a name too.
            if compound_head(words[part.start]).is_some() {
                out.push(part.start..part.start + 1);
            }
            part.start += 1;
        }
        if part.is_empty() {
            continue;
        }
        let only = words[part.start];
        let no_name = part.len() == 1
            && (is_demonym(only)
                || (is_misc && looks_like_demonym(only))
                || (role_noun(only).is_some() && compound_head(only).is_none())
                || FUNCTION_WORDS.contains(&only.to_lowercase().as_str())
                || !only.chars().any(char::is_alphanumeric));
        if !no_name {
            out.push(part);
        }
    }
    out
}

/// A name in the genitive with an apostrophe ("India's", "Brogno’s"): the name.
fn genitive_stem(word: &str) -> Option<&str> {
    let stem = word.strip_suffix("'s").or_else(|| word.strip_suffix("’s"))?;
    (stem.chars().count() >= 2).then_some(stem)
}

/// Two or more capitals and digits: "NMBS", "KNVB", "ING", "3M".
fn is_acronym(word: &str) -> bool {
    word.chars().filter(|c| c.is_uppercase()).count() >= 2
        && word.chars().all(|c| c.is_uppercase() || c.is_ascii_digit())
}

/// The name at the start of a compound with a lowercase noun (or a role's acronym:
/// "Ahold" of "Ahold-CEO"): "NMBS" of "NMBS-directie",
/// "1" of "1-zege" (the name is then "Formule 1"); not "Noord-Brabant" or "ex-Radio".
fn compound_head(word: &str) -> Option<&str> {
    let (head, tail) = word.rsplit_once('-')?;
    // A role written as an acronym counts as a noun: "Ahold-CEO".
    let noun = tail.chars().count() >= 3 && tail.chars().all(char::is_lowercase)
        || is_acronym(tail) && role_noun(tail).is_some();
    let named = head.chars().any(|c| c.is_uppercase() || c.is_ascii_digit()) && !starts_lower(head);
    (noun && named).then_some(head)
}

/// Is `head` of the role compound `word` an organisation's name ("Philips" of
/// "Philips-topman")? A word of three letters or more before a role noun, that is no
/// demonym, no place the gazetteer knows ("Rotterdam-wethouder") and no role itself
/// ("Minister-president", "Staatssecretaris-generaal" are roles whole).
fn role_compound_organisation(head: &str, word: &str, lexicon: &Lexicon) -> bool {
    let place = lexicon.gazetteer_marks(&[head]).first().is_some_and(|m| m.iter().any(|x| x.starts_with("LOC")));
    head.chars().count() >= 3
        && !head.contains(' ')
        && role_noun(head).is_none()
        && role_noun(word).is_some()
        && !has_role_prefix(word)
        && !looks_like_demonym(head)
        && !is_nationality_noun(&head.to_lowercase())
        && !place
}

/// "de rooij" for every person name the tagger found in the document that ends in a
/// lowercase particle and a surname ("Theo de Rooij"), so that "De Rooij" at a sentence
/// start can be told from the article "De".
fn particle_surnames(words: &[Vec<&str>], labels: &[Vec<u8>]) -> HashSet<String> {
    let mut out = HashSet::new();
    for (words, labels) in words.iter().zip(labels) {
        for (start, end, ty) in ner::chunks(labels) {
            if ty == "PER" && end - start >= 3 && matches!(words[end - 2], "de" | "den" | "der") {
                out.insert(format!("{} {}", words[end - 2], words[end - 1]));
            }
        }
    }
    out
}

/// "het WK in Edmonton", "de top te Genua": an event's or organisation's name that the
/// tagger ran on into "in"/"te" and a place the Wikidata names know as one (and as nothing
/// else) is two names, the thing and the place.
fn place_after_name<'t>(
    words: &[&str],
    chunk: Range<usize>,
    ty: &'t str,
    lexicon: &Lexicon,
) -> Vec<(Range<usize>, &'t str)> {
    let split = (ty == "MISC" || ty == "ORG")
        .then(|| (chunk.start + 1..chunk.end.saturating_sub(1)).find(|&i| matches!(words[i], "in" | "te")))
        .flatten();
    let Some(at) = split else { return vec![(chunk, ty)] };
    // The place is the run of capitalised words after "in"; what the tagger took after it
    // ("Edmonton (8150") holds no other name.
    let capitalised = |w: &&&str| w.chars().next().is_some_and(char::is_uppercase);
    let run = words[at + 1..chunk.end].iter().take_while(capitalised).count();
    if run == 0 || words[at + 1 + run..chunk.end].iter().any(|w| capitalised(&w)) {
        return vec![(chunk, ty)];
    }
    let place = &words[at + 1..at + 1 + run];
    let marks = lexicon.gazetteer_marks(place);
    let only_place = |m: &Vec<&str>, mark: &str| m.contains(&mark) && !m.iter().any(|x| x.starts_with(['P', 'O', 'M']));
    let whole_place =
        marks.first().is_some_and(|m| only_place(m, "LOC-B")) && marks[1..].iter().all(|m| only_place(m, "LOC-I"));
    if whole_place {
        vec![(chunk.start..at, ty), (at + 1..at + 1 + run, "LOC")]
    } else {
        vec![(chunk, ty)]
    }
}

/// Find the named mentions in every sentence.
pub fn find(text: &str, tokens: &[Token], sentences: &[Sentence], tagger: &NerModel) -> Vec<Name> {
    let mut names = Vec::new();
    let all_words: Vec<Vec<&str>> =
        sentences.iter().map(|s| tokens[s.tokens.clone()].iter().map(|t| token_text(text, t)).collect()).collect();
    let all_labels = tagger.tag_document(&all_words);
    let particle_surnames = particle_surnames(&all_words, &all_labels);
    for (si, sentence) in sentences.iter().enumerate() {
        let toks = &tokens[sentence.tokens.clone()];
        let words = &all_words[si];
        let labels = &all_labels[si];
        let mut taken = vec![false; toks.len()];
        let first = names.len();
        for (start, end, mut ty) in join_initials_to_surname(words, merge_adjacent(ner::chunks(labels))) {
            // Quotation marks and punctuation at the edges are not part of a name.
            let is_edge = |t: &Token| matches!(t.kind, TokenKind::Quote | TokenKind::Punct);
            let (mut s, mut e) = (start, end);
            while s < e && is_edge(&toks[s]) {
                s += 1;
            }
            while e > s && is_edge(&toks[e - 1]) {
                e -= 1;
            }
            // "minister van Cultuur Bert Anciaux": the portfolio is not part of the name,
            // but a name of its own (the ministry the role is of).
            let mut portfolio = None;
            if ty == "PER" && s > 0 && matches!(words[s - 1], "van" | "voor" | "en") {
                let from = s;
                // "minister van Infrastructuur en Waterstaat Cora van Nieuwenhuizen".
                let portfolio_word =
                    |k: usize| PORTFOLIOS.contains(&words[k]) || words[k] == "en" && PORTFOLIOS.contains(&words[k + 1]);
                while e - s > 2 && portfolio_word(s) {
                    s += 1;
                }
                portfolio = (s > from).then_some(from..s);
            }
            if s == e || e - s > MAX_NAME_TOKENS {
                continue;
            }
            // "Volgens Van 't Hof", "Ter Horst": a surname's particles, capitalised as no
            // first name comes before them, belong to it; the tagger often leaves them out
            // (and then reads the one word left as an organisation or a place).
            let mut p = s;
            while p > 0 && !taken[p - 1] && matches!(words[p - 1], "'t" | "der" | "den" | "de") {
                p -= 1;
            }
            if p > 0 && !taken[p - 1] && matches!(words[p - 1], "Van" | "Ter" | "Ten") && (p < s || e - s == 1) {
                if e - s == 1 {
                    ty = "PER";
                }
                s = p - 1;
            } else if p == s && e - s == 1 && s > 0 && !taken[s - 1] && matches!(words[s - 1], "De" | "Den" | "Der") {
                // "De Rooij gaf …" after "Theo de Rooij", "volgens De Smet": a capitalised
                // particle before a surname the article writes with it, or inside a sentence
                // before a person's name, is the surname's (at a sentence start it may be
                // the article).
                let surname = format!("{} {}", words[s - 1].to_lowercase(), words[s]);
                if particle_surnames.contains(&surname) || (ty == "PER" && s > 1) {
                    ty = "PER";
                    s -= 1;
                }
            }
            let mut pieces: Vec<(std::ops::Range<usize>, &str)> = portfolio.into_iter().map(|p| (p, "ORG")).collect();
            taken[pieces.first().map_or(s, |p| p.0.start)..e].iter_mut().for_each(|t| *t = true);
            pieces.extend(place_after_name(words, s..e, ty, tagger.lexicon()));
            for (range, ty) in pieces.into_iter().flat_map(|(piece, ty)| {
                name_ranges(words, piece, ty, tagger.lexicon()).into_iter().map(move |r| (r, ty))
            }) {
                let (s, e) = (range.start, range.end);
                let mut entity_type = match ty {
                    "PER" => EntityType::Person,
                    "LOC" => EntityType::Location,
                    "ORG" => EntityType::Organization,
                    _ => EntityType::Misc,
                };
                if is_law_word(words[e - 1]) || words[s] == "Wet" || words[s] == "Wetboek" {
                    entity_type = EntityType::Law;
                } else if e - s == 1 && INSTITUTIONS.contains(&words[s].to_lowercase().as_str()) {
                    entity_type = EntityType::Organization;
                } else if entity_type == EntityType::Person
                    && e - s == 1
                    && (is_acronym(words[s]) || (words[s].contains('&') && is_acronym(&words[s].replace('&', ""))))
                {
                    // "AZ&PC", "KNZB": an acronym names an organisation, not a person.
                    entity_type = EntityType::Organization;
                } else if let Some(kind) = s.checked_sub(1).and_then(|p| kind_noun_type(words[p])) {
                    // "het Britse amusementsconcern Gullane", "de stad Salzburg".
                    entity_type = kind;
                } else if s.checked_sub(1).is_some_and(|p| is_nationality_noun(&words[p].to_lowercase())) {
                    // "de Duitser Beerbaum", "de Argentijn Canas": a person of that country.
                    entity_type = EntityType::Person;
                } else if e - s == 1 && compound_head(words[s]).is_some() && role_noun(words[s]).is_some() {
                    // "NS-baas Piet Bakker": the organisation of a compound role.
                    entity_type = EntityType::Organization;
                } else if is_party_or_body(&words[s..e].join(" ")) && entity_type != EntityType::Person {
                    // "CD&V", "Vlaams Belang", "Communistische Partij": a party or elected body.
                    entity_type = EntityType::Organization;
                }
                // "Oud-trainer", "Ex-minister" at a sentence start: a role, no name.
                if e - s == 1 && has_role_prefix(words[s]) && role_noun(words[s]).is_some() {
                    continue;
                }
                let mut n = name(si, sentence, toks, range, entity_type, 0.85, MentionSource::Ner);
                // "NMBS-directie", "Sabena-aandelen", "Formule 1-zege": a name compounded
                // with a lowercase noun names the thing (the noun is not part of it).
                if let Some(head) = compound_head(words[e - 1]) {
                    n.span.end = toks[e - 1].span.start + head.len();
                    n.source = COMPOUND_SOURCE;
                    n.confidence = 0.7;
                } else if let Some(stem) = genitive_stem(words[e - 1]) {
                    // "India's", "Brogno's": the genitive ending is no part of the name.
                    n.span.end = toks[e - 1].span.start + stem.len();
                }
                names.push(n);
            }
        }
        extend_to_defined_acronyms(si, sentence, toks, words, &mut names, first, &mut taken);
        for i in 0..toks.len() {
            if taken[i] || toks[i].kind != TokenKind::Word {
                continue;
            }
            let word = words[i];
            let prev = i.checked_sub(1).map(|p| words[p].to_lowercase());
            let offset = sentence.tokens.start;
            if let Some(start) = national_institution_start(words, i).filter(|&start| {
                !names.iter().any(|n: &Name| n.tokens.start < offset + i + 1 && offset + start < n.tokens.end)
            }) {
                // "de Colombiaanse voetbalbond", "de Peruaanse geheime dienst": one
                // country's institution, named by the adjective and the noun together.
                names.push(name(
                    si,
                    sentence,
                    toks,
                    start..i + 1,
                    EntityType::Organization,
                    0.75,
                    MentionSource::Institution,
                ));
            } else if let Some(stem) =
                word.strip_suffix('-').filter(|s| INSTITUTIONS.contains(&s.to_lowercase().as_str()))
            {
                // "politie- en justitiemedewerkers" names the police.
                let mut n =
                    name(si, sentence, toks, i..i + 1, EntityType::Organization, 0.6, MentionSource::Institution);
                n.span.end = n.span.start + stem.len();
                names.push(n);
            } else if let Some(head) =
                compound_head(word).filter(|h| is_acronym(h) || role_compound_organisation(h, word, tagger.lexicon()))
            {
                // "NMBS-directie", "KNVB-woordvoerder" outside a tagger chunk: the acronym
                // names an organisation; so does the name before a role noun
                // ("Philips-topman Jan Smit", "Unox-eigenaar").
                let mut n = name(si, sentence, toks, i..i + 1, EntityType::Organization, 0.6, COMPOUND_SOURCE);
                n.span.end = n.span.start + head.len();
                names.push(n);
            } else if is_law_word(word) {
                names.push(name(si, sentence, toks, i..i + 1, EntityType::Law, 0.9, MentionSource::Law));
            } else if word == "Wet"
                && words.get(i + 1).is_some_and(|w| matches!(*w, "op" | "van" | "inzake" | "tot" | "bescherming"))
            {
                // "Wet op de inlichtingen- en veiligheidsdiensten": up to the first punctuation, at most 8 words.
                let end = (i + 1..toks.len().min(i + 9))
                    .find(|&k| toks[k].kind != TokenKind::Word)
                    .unwrap_or(toks.len().min(i + 9));
                taken[i..end].iter_mut().for_each(|t| *t = true);
                names.push(name(si, sentence, toks, i..end, EntityType::Law, 0.8, MentionSource::Law));
            } else if INSTITUTIONS.contains(&word.to_lowercase().as_str())
                && (word.chars().next().is_some_and(char::is_uppercase)
                    || prev.as_deref().is_some_and(|p| ARTICLES.contains(&p)))
                && !(word.len() <= 3 && word.chars().any(char::is_lowercase))
            {
                names.push(name(
                    si,
                    sentence,
                    toks,
                    i..i + 1,
                    EntityType::Organization,
                    0.8,
                    MentionSource::Institution,
                ));
            }
        }
    }
    names.sort_by_key(|n| n.span.start);
    names
}

/// Where a national institution's name starts when `words[at]` is its noun: an
/// article, a place adjective and at most one more inflected adjective before the noun
/// ("de Colombiaanse regering", "de Peruaanse geheime dienst" → the adjective's index).
fn national_institution_start(words: &[&str], at: usize) -> Option<usize> {
    if !starts_lower(words[at]) || !is_national_institution(words[at]) {
        return None;
    }
    let adjective =
        |k: usize| starts_lower(words[k]) && words[k].ends_with('e') && !DUTCH_FUNCTION_WORDS.contains(&words[k]);
    let mut k = at.checked_sub(1)?;
    if demonym_country(words[k]).is_none() && adjective(k) {
        k = k.checked_sub(1)?;
    }
    let article = k.checked_sub(1).map(|a| words[a].to_lowercase());
    (demonym_country(words[k]).is_some() && matches!(article.as_deref(), Some("de" | "het"))).then_some(k)
}

/// "J. van 't Hof", "A. van der Berg": a chunk that ends with an initial, lowercase
/// surname particles, and a chunk right after them are one person's name (the tagger
/// leaves the particles out and tags the two halves apart). Only after an initial: "Piet
/// de Vries van de Rabobank" stays two names.
fn join_initials_to_surname(
    words: &[&str],
    chunks: Vec<(usize, usize, &'static str)>,
) -> Vec<(usize, usize, &'static str)> {
    let is_initial = |w: &str| {
        let letters: Vec<&str> = w.split_terminator('.').collect();
        w.ends_with('.')
            && !letters.is_empty()
            && letters.iter().all(|l| l.chars().count() == 1 && l.chars().all(char::is_uppercase))
    };
    let mut out: Vec<(usize, usize, &'static str)> = Vec::with_capacity(chunks.len());
    for c in chunks {
        if let Some(last) = out.last_mut() {
            let between = &words[last.1..c.0];
            let particles = !between.is_empty()
                && between.len() <= 3
                && between.iter().all(|w| matches!(*w, "van" | "de" | "der" | "den" | "'t" | "ter" | "ten" | "te"));
            if particles && is_initial(words[last.1 - 1]) && words[c.0].chars().next().is_some_and(char::is_uppercase) {
                *last = (last.0, c.1, "PER");
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// How many words the name an acronym abbreviates may have (with commas and hyphens).
const MAX_DEFINED_NAME: usize = 14;

/// Is `word` a short form that may be defined in brackets ("Ahrom", "CODA", "L&H")?
fn short_form(tok: &Token, word: &str) -> bool {
    tok.kind == TokenKind::Word
        && word.chars().next().is_some_and(char::is_uppercase)
        && word.chars().all(|c| c.is_alphanumeric() || c == '&')
}

/// "Administratie voor Huisvesting, Ruimtelijke Ordening en Monumenten (Ahrom)",
/// "Aminal (Administratie milieu-, natuur-, land- en waterbeheer)": a short form and,
/// right before or after it in brackets, the words it abbreviates (`abbreviates`) are
/// one name each, wherever the tagger cut the long one. The long name runs over words,
/// commas and hyphens only, from a capitalised word to the bracket, and must take in
/// part of a name the tagger found or have a tagged short form (and take no name that
/// reaches past it, nor a person's). It replaces the names inside it and keeps the type
/// of the longest, else the short form's; the short form takes that type, and becomes a
/// name if the tagger missed it.
fn extend_to_defined_acronyms(
    si: usize,
    sentence: &Sentence,
    toks: &[Token],
    words: &[&str],
    names: &mut Vec<Name>,
    first: usize,
    taken: &mut [bool],
) {
    let offset = sentence.tokens.start;
    let name_word = |k: usize| toks[k].kind == TokenKind::Word || matches!(words[k], "," | "-");
    let capitalised = |k: usize| words[k].chars().next().is_some_and(char::is_uppercase);
    for open in 1..toks.len().saturating_sub(2) {
        if words[open] != "(" {
            continue;
        }
        // (the short form's token, the long name's local range)
        let defined = if words[open + 2] == ")" && short_form(&toks[open + 1], words[open + 1]) {
            // "… Monumenten (Ahrom)": the nearest capitalised start that fits.
            let short = words[open + 1];
            (open.saturating_sub(MAX_DEFINED_NAME)..open)
                .rev()
                .take_while(|&s| name_word(s))
                .find(|&s| capitalised(s) && abbreviates(short, &words[s..open].join(" ")))
                .map(|s| (open + 1, s..open))
        } else if short_form(&toks[open - 1], words[open - 1]) && capitalised(open + 1) {
            // "Aminal (Administratie …)": the whole bracket.
            let close = (open + 1..toks.len().min(open + 2 + MAX_DEFINED_NAME)).find(|&k| !name_word(k));
            close
                .filter(|&c| {
                    c > open + 2 && words[c] == ")" && abbreviates(words[open - 1], &words[open + 1..c].join(" "))
                })
                .map(|c| (open - 1, open + 1..c))
        } else {
            None
        };
        let Some((short_at, long)) = defined else { continue };
        let (from, to) = (offset + long.start, offset + long.end);
        let overlapping: Vec<usize> =
            (first..names.len()).filter(|&k| names[k].tokens.start < to && from < names[k].tokens.end).collect();
        let short = (first..names.len()).find(|&k| names[k].tokens == (offset + short_at..offset + short_at + 1));
        // The long name's words decide its type; a tagged short form alone does if the
        // tagger found none of them ("Ovam (Openbare Vlaamse afvalstoffenmaatschappij)").
        let longest = overlapping.iter().copied().max_by_key(|&k| names[k].tokens.len());
        let Some(entity_type) = longest.or(short).map(|k| names[k].entity_type) else { continue };
        if entity_type == EntityType::Person
            || overlapping.iter().any(|&k| names[k].tokens.start < from || names[k].tokens.end > to)
            || overlapping.iter().any(|&k| names[k].tokens == (from..to))
        {
            continue;
        }
        match short {
            Some(k) => names[k].entity_type = entity_type,
            None if !names[first..].iter().any(|n| n.tokens.contains(&(offset + short_at))) => {
                names.push(name(si, sentence, toks, short_at..short_at + 1, entity_type, 0.8, MentionSource::Ner));
                taken[short_at] = true;
            }
            None => {}
        }
        for k in overlapping.into_iter().rev() {
            names.remove(k);
        }
        names.push(name(si, sentence, toks, long.clone(), entity_type, 0.85, MentionSource::Ner));
        taken[long].iter_mut().for_each(|t| *t = true);
    }
    names[first..].sort_by_key(|n| n.span.start);
}

/// Longest short form `abbreviates` compares, in letters (longer ones are words).
const MAX_ABBREVIATION: usize = 8;

/// Does `short` ("GE", "MID", "Marid", "WGO", "L&H", "KDM") abbreviate `long`
/// ("General Electric", "Militaire Inlichtingendienst", "Marine Inlichtingendienst",
/// "Wereldgezondheidsorganisatie", "Lernout & Hauspie", "Kristof Demasure")? Its
/// letters, in order, are the initials of `long`'s words, each followed by none or more
/// letters from inside that word (the parts of a compound: Inlichtingen-dienst, De-masure);
/// every capitalised word of more than three letters gives its initial, lowercase and
/// short words ("voor", "La") may be left out. The first letter is the name's.
pub fn abbreviates(short: &str, long: &str) -> bool {
    let letters: Vec<char> = short.chars().filter(|c| c.is_alphabetic()).flat_map(char::to_lowercase).collect();
    let words: Vec<(Vec<char>, bool)> = long
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|w| w.chars().any(char::is_alphabetic))
        .map(|w| {
            let needed = w.chars().next().is_some_and(char::is_uppercase) && w.chars().count() > 3;
            (w.chars().flat_map(char::to_lowercase).collect(), needed)
        })
        .collect();
    if letters.len() < 2 || letters.len() > MAX_ABBREVIATION || words.first().is_none_or(|(w, _)| w[0] != letters[0]) {
        return false;
    }
    // Depth-first over states (letters used, word, position of the last letter used in
    // it); each state is visited once, so the search is linear in letters × characters.
    let skippable = |from: usize, to: usize| words[from..to].iter().all(|(_, needed)| !needed);
    let mut seen: HashSet<(usize, usize, usize)> = HashSet::new();
    let mut stack = vec![(1, 0, 0)];
    while let Some(state @ (used, w, at)) = stack.pop() {
        if !seen.insert(state) {
            continue;
        }
        if used == letters.len() {
            if skippable(w + 1, words.len()) {
                return true;
            }
            continue;
        }
        let next = letters[used];
        let word = &words[w].0;
        stack.extend((at + 1..word.len()).filter(|&k| word[k] == next).map(|k| (used + 1, w, k)));
        for (v, (later, needed)) in words.iter().enumerate().skip(w + 1) {
            if later[0] == next {
                stack.push((used + 1, v, 0));
            }
            if *needed {
                break;
            }
        }
    }
    false
}

/// The tagger sometimes splits one name into two chunks ("Meld" PER + "Misdaad
/// Anoniem" ORG); touching chunks of two types are one name, typed as the longer part.
/// Touching chunks of one type are two names: the tagger began the second one on purpose
/// ("Clinton Barak", two people).
fn merge_adjacent(chunks: Vec<(usize, usize, &'static str)>) -> Vec<(usize, usize, &'static str)> {
    let mut out: Vec<(usize, usize, &'static str)> = Vec::with_capacity(chunks.len());
    for c in chunks {
        match out.last_mut() {
            Some(last) if last.1 == c.0 && last.2 != c.2 => {
                let ty = if c.1 - c.0 >= last.1 - last.0 { c.2 } else { last.2 };
                *last = (last.0, c.1, ty);
            }
            _ => out.push(c),
        }
    }
    out
}

fn name(
    sentence_index: usize,
    sentence: &Sentence,
    toks: &[Token],
    local: Range<usize>,
    entity_type: EntityType,
    confidence: f32,
    source: MentionSource,
) -> Name {
    let offset = sentence.tokens.start;
    Name {
        sentence: sentence_index,
        tokens: offset + local.start..offset + local.end,
        span: Span::new(toks[local.start].span.start, toks[local.end - 1].span.end),
        entity_type,
        confidence,
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compounds_with_a_lowercase_noun_give_their_name() {
        assert_eq!(compound_head("NMBS-directie"), Some("NMBS"));
        assert_eq!(compound_head("Ahold-CEO"), Some("Ahold"));
        assert_eq!(compound_head("Noord-NMBS"), None);
        assert_eq!(compound_head("1-zege"), Some("1"));
        assert_eq!(compound_head("Grenzen-richtlijn"), Some("Grenzen"));
        assert_eq!(compound_head("Noord-Brabant"), None);
        assert_eq!(compound_head("ex-Radio"), None);
        assert_eq!(compound_head("Sint-Niklaas"), None);
    }

    #[test]
    fn demonyms_and_nationality_nouns_in_all_forms() {
        for w in ["Nederlandse", "Belgisch", "Amerikaans-Britse", "Oost-Duitse", "Belgen", "Amerikanen", "Britten"] {
            assert!(is_demonym(w), "{w}");
        }
        for w in ["Nederland", "Eisenach", "Wal-Mart", "Louise", "Noord-Brabant"] {
            assert!(!is_demonym(w), "{w}");
        }
    }
}
