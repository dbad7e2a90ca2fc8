//! In-document entities: named mentions grouped into entities (aliases, surname-only
//! mentions), roles attached ("burgemeester Aboutaleb"), and references resolved:
//! "hij", "de burgemeester", and "ik" inside a quote whose speaker is known.
//!
//! Invariant: every `Ref` points at an entity in `Entities::entities`; resolved
//! references carry a lower confidence than names and say how they were resolved.

use super::names::{abbreviates, token_text, Name, COMPOUND_SOURCE};
use super::quotes::QuoteRegion;
use super::speech;
use super::tokenize::{Sentence, Token, TokenKind};
use super::words::{
    demonym_country, english_title, is_apposition_noun, is_demonym, is_nationality_noun, people_of, plural_role_noun,
    role_noun, ARTICLES, COPULAS, DUTCH_FUNCTION_WORDS, ENGLISH_TITLES, IRREGULAR_PLACE_ADJECTIVES,
    LINKING_PREPOSITIONS, MEMBERSHIP_NOUN, NAME_TITLES, PREPOSITIONS, ROLE_NOUNS, SINGULAR_FINITE_VERBS,
    THIRD_PERSON_FEMININE_OR_PLURAL, THIRD_PERSON_SINGULAR,
};
use crate::model::{fold, short_forms, EntityType, LocalEntity, MentionSource, QuoteKind, RelationKind, Rule, Span};
use std::collections::{HashMap, HashSet};
use std::ops::Range;

/// A mention of a document-local entity.
#[derive(Debug, Clone, PartialEq)]
pub struct Ref {
    pub entity: usize,
    pub sentence: usize,
    pub tokens: Range<usize>,
    pub span: Span,
    pub confidence: f32,
    pub source: MentionSource,
}

impl Ref {
    /// A mention of one token, `k`.
    pub(super) fn token(ctx: &Ctx, entity: usize, k: usize, confidence: f32, source: MentionSource) -> Self {
        Ref { entity, sentence: ctx.sentence_of[k], tokens: k..k + 1, span: ctx.tokens[k].span, confidence, source }
    }

    /// Does it write the entity's name (as opposed to a pronoun, role noun or adjective)?
    pub fn named(&self) -> bool {
        self.source.is_named()
    }

    /// Can it be a party to a parsed verb: a name, or a country's people ("De
    /// Argentijnen troefden Frankrijk af")?
    pub fn may_be_party(&self) -> bool {
        self.named() || self.source == MentionSource::DemonymPeople
    }
}

/// "This person holds this role", as stated (or inferred) in one sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct RoleFact {
    pub person: usize,
    pub role: String,
    /// Place or organisation named with the role ("van Rotterdam"), if any.
    pub place: Option<usize>,
    pub sentence: usize,
    pub span: Span,
    pub confidence: f32,
    pub extractor: Rule,
}

/// A quote with its speaker (see `speech`).
#[derive(Debug, Clone, PartialEq)]
pub struct AttributedQuote {
    /// Tokens of the quoted (or reported) words; a quote joined across its speech tag
    /// covers the tag too.
    pub tokens: Range<usize>,
    pub span: Span,
    /// The words said, without quote marks (and without the tag of a joined quote).
    pub text: String,
    pub kind: QuoteKind,
    pub speaker: Option<usize>,
    pub extractor: Rule,
}

#[derive(Debug, Default)]
pub struct Entities {
    pub entities: Vec<LocalEntity>,
    pub refs: Vec<Ref>,
    pub roles: Vec<RoleFact>,
    /// (role entity, place it belongs to, sentence, span)
    pub role_places: Vec<(usize, usize, usize, Span)>,
    /// Something named with a place adjective before it: "het Britse concern Gullane",
    /// "de Paraguayaanse hoofdstad Asunción", "de Colombiaanse voetbalbond" → (the thing,
    /// the country, sentence, span of both). The country is an entity even when the text
    /// does not name it: its mention is the adjective.
    pub demonym_places: Vec<(usize, usize, usize, Span)>,
    /// Ownership and parts stated by a noun ("Unilever, het moederbedrijf van Unox").
    pub holdings: Vec<Holding>,
    /// What a law lets an office do: "de Opiumwet verruimd. Burgemeesters kunnen nu
    /// panden sluiten" → (law, office, "panden sluiten", sentence of the law, span of both).
    pub provisions: Vec<(usize, usize, String, usize, Span)>,
    pub quotes: Vec<AttributedQuote>,
    /// First token of each named ref → index into `refs`.
    named_by_token: HashMap<usize, usize>,
    /// One past the last token of each named ref → index into `refs`.
    named_by_end: HashMap<usize, usize>,
    /// Folded name of each ROLE entity → index into `entities`.
    role_by_name: HashMap<String, usize>,
}

impl Entities {
    /// Named refs inside `span` (refs are sorted by position once `resolve` returns).
    pub fn named_within(&self, span: Span) -> impl Iterator<Item = &Ref> {
        let from = self.refs.partition_point(|r| r.span.start < span.start);
        self.refs[from..]
            .iter()
            .take_while(move |r| r.span.start < span.end)
            .filter(move |r| r.named() && span.contains(r.span))
    }

    fn push_named(&mut self, r: Ref) {
        self.named_by_token.insert(r.tokens.start, self.refs.len());
        self.named_by_end.insert(r.tokens.end, self.refs.len());
        self.refs.push(r);
    }

    /// The named mention that starts at `token`, if any.
    pub fn named_at(&self, token: usize) -> Option<&Ref> {
        self.named_by_token.get(&token).map(|&i| &self.refs[i])
    }

    /// The named ref that ends just before token `end`.
    pub fn named_ending(&self, end: usize) -> Option<&Ref> {
        self.named_by_end.get(&end).map(|&i| &self.refs[i])
    }

    /// The ROLE entity named `name`, made by `new` if there is none yet.
    fn role_entity(&mut self, name: &str, new: impl FnOnce() -> LocalEntity) -> usize {
        let next = self.entities.len();
        let entity = *self.role_by_name.entry(fold(name)).or_insert(next);
        if entity == next {
            self.entities.push(new());
        }
        entity
    }
}

pub(super) struct Ctx<'a> {
    pub text: &'a str,
    pub tokens: &'a [Token],
    /// Sentence of each token.
    pub sentence_of: Vec<usize>,
    /// Quote region of each token inside quote marks.
    pub quote_of: Vec<Option<usize>>,
    /// The place each place adjective of the text names (`adjective_places`).
    pub adjective_place: HashMap<usize, String>,
}

impl Ctx<'_> {
    /// The place the word at `i` names as an adjective: "Colombiaanse" → Colombia,
    /// "Amersfoortse" → Amersfoort.
    pub fn place_of_adjective(&self, i: usize) -> Option<&str> {
        self.adjective_place.get(&i).map(String::as_str)
    }

    pub fn word(&self, i: usize) -> &str {
        self.tokens.get(i).map_or("", |t| token_text(self.text, t))
    }
    pub fn lower(&self, i: usize) -> String {
        self.word(i).to_lowercase()
    }
    pub fn is_quote_mark(&self, i: usize) -> bool {
        self.tokens.get(i).is_some_and(|t| t.kind == TokenKind::Quote)
    }

    /// Does a preposition govern the name starting at `start`, so that it is no subject?
    /// "tegen El País", "tegen de krant El País", "met zijn hengst Corland", "zonder
    /// Tops": the preposition, then at most an article or possessive, a place adjective
    /// and one apposition noun (a role or a kind of thing).
    pub fn governed(&self, start: usize) -> bool {
        let mut k = start;
        let mut back = |ok: &dyn Fn(&str) -> bool| -> bool {
            if k > 0 && self.sentence_of[k - 1] == self.sentence_of[start] && ok(&self.lower(k - 1)) {
                k -= 1;
                true
            } else {
                false
            }
        };
        let noun = back(&|w| role_noun(w).is_some() || is_apposition_noun(w));
        let adjective = back(&|w| is_demonym(w));
        let article = back(&|w| ARTICLES.contains(&w) || matches!(w, "een" | "mijn" | "jouw" | "ons"));
        if (noun || adjective) && !article {
            return false;
        }
        k.checked_sub(1).is_some_and(|p| {
            self.sentence_of[p] == self.sentence_of[start] && PREPOSITIONS.contains(&self.lower(p).as_str())
        })
    }
}

pub fn resolve(
    text: &str,
    tokens: &[Token],
    sentences: &[Sentence],
    names: &[Name],
    regions: &[QuoteRegion],
    is_place: &dyn Fn(&str) -> bool,
) -> Entities {
    let mut sentence_of = vec![0; tokens.len()];
    for (si, s) in sentences.iter().enumerate() {
        sentence_of[s.tokens.clone()].iter_mut().for_each(|x| *x = si);
    }
    let mut quote_of = vec![None; tokens.len()];
    for (qi, q) in regions.iter().enumerate() {
        quote_of[q.tokens.clone()].iter_mut().for_each(|x| *x = Some(qi));
    }
    // A place the article itself names is known too ("het Amersfoortse bad … in Amersfoort").
    let named_places: HashSet<&str> = names
        .iter()
        .filter(|n| n.entity_type == EntityType::Location)
        .map(|n| &text[n.span.start..n.span.end])
        .collect();
    let adjective_place = adjective_places(text, tokens, &|name| named_places.contains(name) || is_place(name));
    let ctx = Ctx { text, tokens, sentence_of, quote_of, adjective_place };
    let mut out = Entities::default();
    group_names(&ctx, names, &mut out);
    attach_roles(&ctx, &mut out);
    attach_plural_roles(&ctx, &mut out);
    law_provisions(&ctx, &mut out);
    demonym_places(&ctx, &mut out);
    demonym_peoples(&ctx, &mut out);
    holdings(&ctx, &mut out);
    resolve_references(&ctx, &mut out);
    predicate_roles(&ctx, &mut out);
    type_role_targets(&mut out);
    speech::attribute_quotes(&ctx, sentences, regions, &mut out);
    speech::reported_speech(&ctx, sentences, &mut out);
    out.refs.sort_by_key(|r| (r.span.start, r.span.end));
    out.named_by_token =
        out.refs.iter().enumerate().filter(|(_, r)| r.named()).map(|(i, r)| (r.tokens.start, i)).collect();
    out
}

/// City and region adjectives the word lists lack: capitalised words ending in "se" whose
/// stem, or the stem with "en" ("Antwerpse" → Antwerpen, "Groningse" → Groningen), is a
/// known place (`is_place`: "Amersfoortse" → Amersfoort, "Brusselse" → Brussel);
/// a few irregular ones are listed (`words::IRREGULAR_PLACE_ADJECTIVES`). Nationality
/// adjectives come from `words::demonym_country`. Token index → the place's name.
fn adjective_places(text: &str, tokens: &[Token], is_place: &dyn Fn(&str) -> bool) -> HashMap<usize, String> {
    let mut out = HashMap::new();
    for (i, t) in tokens.iter().enumerate() {
        let word = token_text(text, t);
        // Every listed adjective and every "-se" ends in "e": the other words (most of
        // them) cost no lowercasing.
        if !word.ends_with(['e', 'E']) {
            continue;
        }
        if let Some(country) = demonym_country(word) {
            out.insert(i, country.to_string());
            continue;
        }
        if !word.chars().next().is_some_and(char::is_uppercase) || word.chars().count() < 6 {
            continue;
        }
        let lower = word.to_lowercase();
        if let Some((_, place)) = IRREGULAR_PLACE_ADJECTIVES.iter().find(|(a, _)| *a == lower) {
            out.insert(i, place.to_string());
            continue;
        }
        let Some(stem) = word.strip_suffix("se").filter(|s| s.chars().last().is_some_and(char::is_alphabetic)) else {
            continue;
        };
        if let Some(place) = [stem.to_string(), format!("{stem}en")].into_iter().find(|c| is_place(c)) {
            out.insert(i, place);
        }
    }
    out
}

/// Names of one document written short (`model::short_forms`: "Sauwens" of "Johan
/// Sauwens", "Goldman" of "Goldman Sachs"; and a person's first name, "Sarah" of "Sarah
/// Payne") → the full name, folded. A short form joins
/// the longer name only when exactly one name of the document has it, whatever type the
/// tagger gave the short form (it flips), but a person's short form is never read as an
/// organisation's, nor a place's as anything but a place's.
fn short_forms_used(
    votes: &HashMap<String, HashMap<EntityType, usize>>,
    type_of: &impl Fn(&str) -> EntityType,
) -> HashMap<String, String> {
    let mut claims: HashMap<String, Vec<&String>> = HashMap::new();
    for long in votes.keys().filter(|k| k.contains(' ')) {
        for short in short_forms(type_of(long), long) {
            if votes.contains_key(&short) {
                claims.entry(short).or_default().push(long);
            }
        }
        // Inside one article a person is also called by the first name ("Sarah" after
        // "Sarah Payne"), when the tagger reads that word as a person too.
        if type_of(long) == EntityType::Person {
            let first = long.split(' ').next().unwrap_or_default();
            if first.chars().count() > 2 && votes.contains_key(first) && type_of(first) == EntityType::Person {
                claims.entry(first.to_string()).or_default().push(long);
            }
        }
    }
    claims
        .into_iter()
        .filter_map(|(short, mut longs)| {
            longs.sort();
            longs.dedup();
            let [long] = longs.as_slice() else { return None };
            let short_type = type_of(&short);
            let fits = match type_of(long) {
                EntityType::Person => short_type != EntityType::Law,
                // "Nashville" before "Nashville Sound", "Utrecht" beside "FC Utrecht": a
                // word the tagger read as a place names the place.
                _ => !matches!(short_type, EntityType::Person | EntityType::Law | EntityType::Location),
            };
            fits.then(|| (short, (*long).clone()))
        })
        .collect()
}

/// Acronyms the text defines, "General Electric (GE)", "Militaire Inlichtingendienst
/// (MID)", "Aminal (Administratie milieu-, natuur-, …)": the acronym's folded form → the
/// full name's. The acronym abbreviates (`abbreviates`) the name next to it in brackets.
fn acronyms_defined(ctx: &Ctx, names: &[Name]) -> HashMap<String, String> {
    let mut defined = HashMap::new();
    for pair in names.windows(2) {
        let (before, inside) = (&pair[0], &pair[1]);
        let bracketed = ctx.tokens.get(before.tokens.end).is_some_and(|_| ctx.word(before.tokens.end) == "(")
            && inside.tokens.start == before.tokens.end + 1
            && ctx.tokens.get(inside.tokens.end).is_some_and(|_| ctx.word(inside.tokens.end) == ")");
        let (before, inside) =
            (&ctx.text[before.span.start..before.span.end], &ctx.text[inside.span.start..inside.span.end]);
        // "General Electric (GE)", or the other way round: "Aminal (Administratie milieu-, …)".
        let (acronym, name) = if inside.len() < before.len() { (inside, before) } else { (before, inside) };
        if bracketed && !acronym.contains(' ') && acronym.len() < name.len() && abbreviates(acronym, name) {
            defined.insert(fold(acronym), fold(name));
        }
    }
    // An acronym of three or more letters the text does not define but whose name it
    // writes out elsewhere ("Militaire Inlichtingendienst" … "MID"): only when exactly
    // one name of the text fits. Names are indexed by their initials once (linear).
    let surfaces: HashSet<&str> = names.iter().map(|n| &ctx.text[n.span.start..n.span.end]).collect();
    let mut by_initials: HashMap<String, HashSet<String>> = HashMap::new();
    for full in &surfaces {
        for initials in name_initials(full) {
            by_initials.entry(initials).or_default().insert(fold(full));
        }
    }
    // Failing that, a name whose compounds give letters too ("Vlaamse
    // Gemeenschapscommissie" … "VGC": `abbreviates`), in texts of few names (the search
    // is names × acronyms).
    let long_names: Vec<&str> = surfaces.iter().copied().filter(|n| n.contains(' ')).collect();
    let compared = long_names.len() <= MAX_NAMES_FOR_COMPOUND_ACRONYMS;
    for acronym in &surfaces {
        let Some(letters) = acronym_letters(acronym).filter(|l| l.chars().count() >= 3) else { continue };
        let key = fold(acronym);
        if defined.contains_key(&key) {
            continue;
        }
        match by_initials.get(&letters).map(|f| f.iter().collect::<Vec<_>>()).as_deref() {
            Some([full]) => {
                defined.insert(key, (*full).clone());
            }
            None if compared => {
                if let [full] = long_names.iter().filter(|n| abbreviates(acronym, n)).collect::<Vec<_>>()[..] {
                    defined.insert(key, fold(full));
                }
            }
            _ => {}
        }
    }
    defined
}

/// Above this many names of two or more words in a text, an acronym is matched to their
/// initials only.
const MAX_NAMES_FOR_COMPOUND_ACRONYMS: usize = 400;

/// An article carries at most a few bylines (one per part); a text with more lines of
/// initials is a list, and none of them is read as a byline.
const MAX_BYLINES: usize = 4;

/// Bylines: a line holding only a short name, bracketed or not ("( DS )", "RoM"), that
/// abbreviates exactly one person's full name in the article ("Dirk Steenhaut",
/// "Robert Melders") is that person, the author: folded byline → folded full name.
fn bylines(ctx: &Ctx, names: &[Name], is_person: &impl Fn(&str) -> bool) -> HashMap<String, String> {
    let alone_in_sentence = |n: &Name| {
        let sentence = ctx.sentence_of[n.tokens.start];
        let inside = |k: usize| ctx.sentence_of.get(k) == Some(&sentence);
        let mut start = n.tokens.start;
        if start > 0 && inside(start - 1) && ctx.word(start - 1) == "(" {
            start -= 1;
        }
        let mut end = n.tokens.end;
        if inside(end) && ctx.word(end) == ")" {
            end += 1;
        }
        (start == 0 || !inside(start - 1)) && !inside(end)
    };
    let lines: Vec<&str> = names
        .iter()
        .filter(|n| n.tokens.len() == 1 && alone_in_sentence(n))
        .map(|n| &ctx.text[n.span.start..n.span.end])
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase) && w.chars().count() <= 5)
        .collect();
    if lines.len() > MAX_BYLINES {
        return HashMap::new();
    }
    let mut people: Vec<&str> = names
        .iter()
        .map(|n| &ctx.text[n.span.start..n.span.end])
        .filter(|full| full.contains(' ') && is_person(&fold(full)))
        .collect();
    people.sort_unstable();
    people.dedup_by_key(|full| fold(full));
    let mut found = HashMap::new();
    for line in lines {
        let fits: Vec<String> = people.iter().filter(|full| abbreviates(line, full)).map(|full| fold(full)).collect();
        if let [full] = fits.as_slice() {
            found.insert(fold(line), full.clone());
        }
    }
    found
}

/// The letters of an acronym ("GE", "L&H" → "LH"): two or more, all capitals, one word.
fn acronym_letters(acronym: &str) -> Option<String> {
    let letters: String = acronym.chars().filter(|c| c.is_alphabetic()).collect();
    (letters.chars().count() >= 2 && letters.chars().all(char::is_uppercase) && !acronym.contains(' '))
        .then_some(letters)
}

/// The initials a name of two or more words can be abbreviated by: of its capitalised
/// words only, and of all its words ("Koninklijke Nederlandse Voetbalbond" → KNV;
/// "Commissie voor Onrechtmatige Bedingen" → COB, CVOB).
fn name_initials(name: &str) -> Vec<String> {
    let words: Vec<&str> = name.split(|c: char| c.is_whitespace() || c == '-').filter(|w| !w.is_empty()).collect();
    if words.len() < 2 {
        return Vec::new();
    }
    let initials = |all: bool| -> String {
        words
            .iter()
            .filter(|w| all || w.chars().next().is_some_and(char::is_uppercase))
            .filter_map(|w| w.chars().next())
            .flat_map(char::to_uppercase)
            .collect()
    };
    let mut out = vec![initials(false), initials(true)];
    out.dedup();
    out
}

/// Group named mentions: one entity per folded name (the type most often tagged wins);
/// acronyms, genitives and short forms join the name they stand for.
fn group_names(ctx: &Ctx, names: &[Name], out: &mut Entities) {
    // A name inside a compound ("NMBS-directie") was typed as the compound: it votes
    // only for names never written alone.
    let mut votes: HashMap<String, HashMap<EntityType, usize>> = HashMap::new();
    for n in names.iter().filter(|n| n.source != COMPOUND_SOURCE) {
        *votes.entry(fold(&ctx.text[n.span.start..n.span.end])).or_default().entry(n.entity_type).or_default() += 1;
    }
    let written_alone: HashSet<String> = votes.keys().cloned().collect();
    for n in names.iter().filter(|n| n.source == COMPOUND_SOURCE) {
        let key = fold(&ctx.text[n.span.start..n.span.end]);
        if !written_alone.contains(&key) {
            *votes.entry(key).or_default().entry(n.entity_type).or_default() += 1;
        }
    }
    let type_of = |key: &str| -> EntityType {
        let v = &votes[key];
        if v.contains_key(&EntityType::Law) {
            return EntityType::Law;
        }
        v.iter().max_by_key(|(t, c)| (**c, std::cmp::Reverse(**t))).map_or(EntityType::Misc, |(t, _)| *t)
    };
    let short_forms = short_forms_used(&votes, &type_of);
    let defined = acronyms_defined(ctx, names);
    let defined_names: HashSet<&String> = defined.values().collect();
    let bylines = bylines(ctx, names, &|key: &str| votes.contains_key(key) && type_of(key) == EntityType::Person);
    let mut by_key: HashMap<String, usize> = HashMap::new();
    // (entity, surface) already among the entity's aliases: a name written many ways
    // must not make each mention compare with all of them.
    let mut aliases: HashSet<(usize, &str)> = HashSet::new();
    for n in names {
        let surface = &ctx.text[n.span.start..n.span.end];
        let mut key = fold(surface);
        if let Some(full) = defined.get(&key).or_else(|| bylines.get(&key)) {
            key = full.clone();
        }
        // "Baraks" (genitive) where the text also writes "Barak".
        if let Some(stem) = key.strip_suffix('s').filter(|stem| stem.len() >= 3 && votes.contains_key(*stem)) {
            key = stem.to_string();
        }
        if let Some(long) = short_forms.get(&key) {
            key = long.clone();
        }
        let mut entity_type = type_of(&key);
        // "General Electric (GE)": what the text gives an acronym is no person.
        if entity_type == EntityType::Person && defined_names.contains(&key) {
            entity_type = EntityType::Organization;
        }
        let next = out.entities.len();
        let entity = *by_key.entry(key).or_insert(next);
        if entity == next {
            out.entities.push(LocalEntity {
                name: surface.to_string(),
                entity_type,
                aliases: Vec::new(),
                roles: Vec::new(),
                wikidata: None,
            });
        }
        let e = &mut out.entities[entity];
        if aliases.insert((entity, surface)) {
            e.aliases.push(surface.to_string());
        }
        if surface.len() > e.name.len() {
            e.name = surface.to_string();
        }
        out.push_named(Ref {
            entity,
            sentence: n.sentence,
            tokens: n.tokens.clone(),
            span: n.span,
            confidence: n.confidence,
            source: n.source,
        });
    }
}

/// Most words ("61-jarige Amerikaanse", "industriële concern") between an article and a
/// role noun, or between a preposition and the organisation after a role.
const ROLE_MODIFIERS: usize = 3;

/// A lowercase word that can stand inside a noun phrase before its head: an adjective or
/// a noun, not a preposition, article, verb-like function word or punctuation.
fn is_modifier(ctx: &Ctx, k: usize) -> bool {
    if k >= ctx.tokens.len() {
        return false;
    }
    let word = ctx.word(k);
    let lower = ctx.lower(k);
    word.chars().next().is_some_and(|c| c.is_lowercase() || c.is_ascii_digit())
        && word.chars().any(char::is_alphabetic)
        && !LINKING_PREPOSITIONS.contains(&lower.as_str())
        && !ARTICLES.contains(&lower.as_str())
        && !matches!(lower.as_str(), "en" | "of" | "is" | "was" | "zijn" | "die" | "dat" | "een")
}

/// The role whose noun ends at token `i`, and its first token: one word ("burgemeester",
/// "VVD-voorzitter") or an English title ("Chief Executive Officer" → ceo).
fn role_at(ctx: &Ctx, i: usize) -> Option<(String, usize)> {
    let title = ENGLISH_TITLES.iter().find_map(|(title, role)| {
        let start = (i + 1).checked_sub(title.len())?;
        let words: Vec<&str> = (start..=i).map(|k| ctx.word(k)).collect();
        let same_sentence = ctx.sentence_of[start] == ctx.sentence_of[i];
        (same_sentence && english_title(&words).is_some_and(|(_, r)| r == *role)).then(|| (role.to_string(), start))
    });
    title.or_else(|| role_noun(ctx.word(i)).map(|r| (r, i)))
}

/// What a role can be held at: a place or an organisation, or a named thing the tagger
/// called MISC ("KNZB", "Rijksluchtvaartdienst"), which holding a role there makes an
/// organisation (`type_role_targets`).
fn is_role_target(t: EntityType) -> bool {
    matches!(t, EntityType::Location | EntityType::Organization | EntityType::Misc)
}

/// A MISC entity someone holds a role at is an organisation ("KNZB-voorzitter",
/// "directeur-generaal Rijksluchtvaartdienst").
fn type_role_targets(out: &mut Entities) {
    for f in &out.roles {
        if let Some(p) = f.place.filter(|&p| out.entities[p].entity_type == EntityType::Misc) {
            out.entities[p].entity_type = EntityType::Organization;
        }
    }
}

/// The place or organisation a role noun is "of", from the preposition at `k` on: "van
/// Rotterdam", "van de NMBS", "aan het KMI", "bij de politie", "van het Amerikaanse
/// industriële concern General Electric" (at most `ROLE_MODIFIERS` words before the name).
fn place_after(ctx: &Ctx, out: &Entities, k: usize) -> Option<Ref> {
    if !matches!(ctx.lower(k).as_str(), "van" | "aan" | "bij" | "namens") {
        return None;
    }
    let mut at = k + 1;
    if at < ctx.tokens.len() && matches!(ctx.lower(at).as_str(), "de" | "het") {
        at += 1;
    }
    for _ in 0..=ROLE_MODIFIERS {
        if let Some(r) = out.named_at(at) {
            let e = &out.entities[r.entity];
            return (is_role_target(e.entity_type) && !is_demonym(&e.name)).then(|| r.clone());
        }
        // "bij het Nederlandse bedrijf Philips"
        if !is_modifier(ctx, at) && !is_demonym(ctx.word(at)) {
            return None;
        }
        at += 1;
    }
    None
}

/// Roles stated next to a name: "burgemeester (van X) Aboutaleb", "Aboutaleb, burgemeester van X,";
/// and offices named without a holder: "de burgemeester van Groningen" becomes a ROLE entity.
fn attach_roles(ctx: &Ctx, out: &mut Entities) {
    // Places and organisations by each folded name (this step adds only ROLE entities).
    let mut places: HashMap<String, usize> = HashMap::new();
    for (i, e) in out.entities.iter().enumerate() {
        if is_role_target(e.entity_type) && !is_demonym(&e.name) {
            for name in std::iter::once(&e.name).chain(&e.aliases) {
                places.entry(fold(name)).or_insert(i);
            }
        }
    }
    for i in 0..ctx.tokens.len() {
        let Some((role, role_start)) = role_at(ctx, i) else {
            continue;
        };
        let sentence = ctx.sentence_of[i];
        let same_sentence = |k: usize| ctx.sentence_of.get(k) == Some(&sentence);
        // "burgemeester van Rotterdam Ahmed Aboutaleb" / "burgemeester Aboutaleb (van Rotterdam)"
        // / "de bisschop van Brugge, mgr. Robert Vangheluwe"
        let mut place = place_after(ctx, out, i + 1);
        let mut person_at = place.as_ref().map_or(i + 1, |p| p.tokens.end);
        if place.is_some() && ctx.tokens.get(person_at).is_some_and(|_| ctx.word(person_at) == ",") {
            person_at += 1;
        }
        if ctx.tokens.get(person_at).is_some_and(|_| NAME_TITLES.contains(&ctx.lower(person_at).as_str())) {
            person_at += 1;
        }
        let person = out
            .named_at(person_at)
            .filter(|r| out.entities[r.entity].entity_type == EntityType::Person && same_sentence(person_at))
            .cloned();
        let person = person.or_else(|| {
            // "Aboutaleb, burgemeester van Rotterdam,", "Sankoh, de leider van het RUF",
            // "Davenport, de 61-jarige Amerikaanse coach van de Italianen"
            let mut k = role_start.checked_sub(1)?;
            for _ in 0..ROLE_MODIFIERS {
                if !is_modifier(ctx, k) {
                    break;
                }
                k = k.checked_sub(1)?;
            }
            if matches!(ctx.lower(k).as_str(), "de" | "het") {
                k = k.checked_sub(1)?;
            }
            let comma = Some(k).filter(|&c| ctx.word(c) == ",")?;
            let r = &out.refs[*out.named_by_end.get(&past_age(ctx, comma))?];
            (out.entities[r.entity].entity_type == EntityType::Person).then(|| r.clone())
        });
        // "CSF-voorzitter Leoz": the organisation in the compound, when the text names it;
        // "de Amerikaanse president George Bush": the country (made if the text does not
        // name it, mentioned by the adjective).
        let word = ctx.word(i);
        let prefix = word
            .split_once('-')
            .filter(|(p, _)| p.chars().next().is_some_and(char::is_uppercase))
            .and_then(|(p, head)| Some((places.get(&fold(p)).copied()?, head.to_lowercase())));
        let adjective = i.checked_sub(1).filter(|&a| ctx.place_of_adjective(a).is_some());
        if let Some(p) = person {
            if place.is_none() {
                place = place_after(ctx, out, p.tokens.end).filter(|_| p.tokens.start > i);
            }
            let end = place.as_ref().map_or(p.tokens.end, |pl| pl.tokens.end).max(p.tokens.end).max(i + 1);
            let start = p.tokens.start.min(role_start);
            let place = place.map(|pl| pl.entity).or(prefix.as_ref().map(|p| p.0)).or_else(|| {
                let a = adjective?;
                let country = ctx.place_of_adjective(a)?;
                let entity = *places.entry(fold(country)).or_insert_with(|| place_entity(out, country));
                out.refs.push(Ref::token(ctx, entity, a, 0.6, MentionSource::DemonymPlace));
                Some(entity)
            });
            // "KNZB-voorzitter" with KNZB named: the role is "voorzitter", of KNZB.
            let role = match &prefix {
                Some((organisation, head)) if place == Some(*organisation) => head.clone(),
                _ => role,
            };
            add_role(out, p.entity, &role);
            out.roles.push(RoleFact {
                person: p.entity,
                role,
                place,
                sentence,
                span: Span::new(ctx.tokens[start].span.start, ctx.tokens[end - 1].span.end),
                confidence: 0.85,
                extractor: Rule::RoleApposition,
            });
        } else if let Some(pl) = place {
            let has_article = i.checked_sub(1).is_some_and(|a| ARTICLES.contains(&ctx.lower(a).as_str()));
            if !has_article {
                continue;
            }
            let name = format!("{role} van {}", out.entities[pl.entity].name);
            let span = Span::new(ctx.tokens[i].span.start, pl.span.end);
            // As written ("directeur van de Spoorwegen"), beside the name without article.
            let written = ctx.text[span.start..span.end].to_string();
            let entity = out.role_entity(&name, || LocalEntity {
                name: name.clone(),
                entity_type: EntityType::Role,
                aliases: vec![name.clone()],
                roles: vec![role],
                wikidata: None,
            });
            if !out.entities[entity].aliases.contains(&written) {
                out.entities[entity].aliases.push(written);
            }
            out.push_named(Ref {
                entity,
                sentence,
                tokens: i..pl.tokens.end,
                span,
                confidence: 0.8,
                source: MentionSource::RoleOfPlace,
            });
            out.role_places.push((entity, pl.entity, sentence, span));
        }
    }
}

/// Where the name ends that token `k` follows, past an age in brackets: `k` itself, or
/// the "(" of "Jan de Vries (45), directeur van ING" and "Marie Smit (52) is voorzitter".
fn past_age(ctx: &Ctx, k: usize) -> usize {
    let age = |t: usize| {
        let w = ctx.word(t);
        (1..=3).contains(&w.len()) && w.bytes().all(|b| b.is_ascii_digit())
    };
    match k.checked_sub(3) {
        Some(open) if ctx.word(open) == "(" && age(open + 1) && ctx.word(k - 1) == ")" => open,
        _ => k,
    }
}

/// Words that end the stretch between a copula and its role noun: a new clause starts.
const CLAUSE_BREAKS: &[&str] = &["dat", "die", "omdat", "en", "of", "maar", "als", "wanneer", "toen", "terwijl"];

/// How many words may stand between a copula and its role's noun phrase ("is sinds
/// januari 1999 directeur-generaal"), and between "als" and its subject.
const COPULA_GAP: usize = 4;
const ALS_SUBJECT_WINDOW: usize = 10;

/// The noun a predicate role is stated with: a role noun, or "lid" (membership: "lid van de
/// Country Music Hall of Fame", MEMBER_OF in `relations`, not a role of the entity).
fn predicate_noun(ctx: &Ctx, i: usize) -> Option<String> {
    role_at(ctx, i)
        .map(|(role, _)| role)
        .or_else(|| (ctx.lower(i) == MEMBERSHIP_NOUN).then(|| MEMBERSHIP_NOUN.to_string()))
}

/// Roles stated as what a person is: by a copula ("Weck is sinds januari 1999
/// directeur-generaal bij het ministerie …", "Daarvoor was hij directeur-generaal", "X
/// wordt de nieuwe trainer"), by "als" ("werkte als regisseur", "aanzien als
/// gemeentebestuurder"), or by "van beroep" ("Schreuders, van beroep verwarmingsmonteur,").
/// Runs after pronouns are resolved, so "hij" can be the subject. A role noun right before
/// a name is that name's (`attach_roles`); one governed by a preposition ("is boos op de
/// voorzitter") is nobody's. The target: an organisation named right after the noun
/// ("directeur-generaal Bestuursdienst") and the one joined by van/bij/aan/namens.
fn predicate_roles(ctx: &Ctx, out: &mut Entities) {
    let is_person = |out: &Entities, r: &Ref| out.entities[r.entity].entity_type == EntityType::Person;
    let mut ending: HashMap<usize, Ref> = HashMap::new();
    let mut starting: HashMap<usize, Ref> = HashMap::new();
    for r in out.refs.iter().filter(|r| is_person(out, r) && ctx.quote_of[r.tokens.start].is_none()) {
        ending.insert(r.tokens.end, r.clone());
        starting.insert(r.tokens.start, r.clone());
    }
    let stated: HashSet<(usize, String)> = out.roles.iter().map(|f| (f.sentence, f.role.clone())).collect();
    let mut facts = Vec::new();
    for i in 0..ctx.tokens.len() {
        let Some(role) = predicate_noun(ctx, i) else { continue };
        let sentence = ctx.sentence_of[i];
        let in_sentence = |k: usize| ctx.sentence_of.get(k) == Some(&sentence);
        if ctx.quote_of[i].is_some()
            || stated.contains(&(sentence, role.clone()))
            || out.named_at(i + 1).is_some_and(|r| is_person(out, r))
        {
            continue;
        }
        // The start of the role's noun phrase: adjectives, then an article.
        let mut start = i;
        for _ in 0..ROLE_MODIFIERS {
            let adjective = |k: usize| {
                let w = ctx.lower(k);
                is_modifier(ctx, k)
                    && !matches!(w.as_str(), "als" | "beroep")
                    && !COPULAS.contains(&w.as_str())
                    && !PREPOSITIONS.contains(&w.as_str())
            };
            if start == 0 || !in_sentence(start - 1) || !adjective(start - 1) {
                break;
            }
            start -= 1;
        }
        if start > 0 && matches!(ctx.lower(start - 1).as_str(), "de" | "het" | "een") {
            start -= 1;
        }
        let before = |k: usize| k.checked_sub(1).filter(|&b| in_sentence(b));
        let subject = if before(start).is_some_and(|b| ctx.lower(b) == "als") {
            // The nearest person before "als", in its clause.
            let mut found = None;
            let mut k = start - 1;
            for _ in 0..ALS_SUBJECT_WINDOW {
                if let Some(r) = ending.get(&k) {
                    found = Some(r.clone());
                    break;
                }
                match before(k) {
                    Some(b) if !matches!(ctx.word(b), "," | ";" | ":") => k = b,
                    _ => break,
                }
            }
            found
        } else if before(start).is_some_and(|b| ctx.lower(b) == "beroep")
            && before(start - 1).is_some_and(|b| ctx.lower(b) == "van")
            && before(start - 2).is_some_and(|b| ctx.word(b) == ",")
        {
            ending.get(&(start - 3)).cloned()
        } else if before(start).is_some_and(|b| PREPOSITIONS.contains(&ctx.lower(b).as_str())) {
            None
        } else {
            // Back over a few words of the same clause to a copula.
            let mut k = start;
            let mut found = None;
            for _ in 0..=COPULA_GAP {
                let Some(b) = before(k) else { break };
                let w = ctx.lower(b);
                if COPULAS.contains(&w.as_str()) {
                    // "Weck is …" or, inverted, "Daarvoor was hij …".
                    found = ending
                        .get(&past_age(ctx, b))
                        .or_else(|| starting.get(&(b + 1)).filter(|r| r.tokens.end <= start))
                        .cloned();
                    break;
                }
                let word = ctx.word(b);
                if CLAUSE_BREAKS.contains(&w.as_str())
                    || !word.chars().next().is_some_and(|c| c.is_lowercase() || c.is_ascii_digit())
                {
                    break;
                }
                k = b;
            }
            found
        };
        let Some(subject) = subject else { continue };
        let mut targets = Vec::new();
        let mut end = i + 1;
        if let Some(r) = out.named_at(i + 1).filter(|r| {
            let e = &out.entities[r.entity];
            matches!(e.entity_type, EntityType::Organization | EntityType::Misc) && !is_demonym(&e.name)
        }) {
            targets.push(r.entity);
            end = r.tokens.end;
        }
        if let Some(r) = place_after(ctx, out, end) {
            targets.push(r.entity);
            end = r.tokens.end;
        }
        if role == MEMBERSHIP_NOUN && targets.is_empty() {
            continue;
        }
        let (first, last) = (subject.tokens.start.min(start), end.max(subject.tokens.end));
        let span = Span::new(ctx.tokens[first].span.start, ctx.tokens[last - 1].span.end);
        if targets.is_empty() {
            facts.push((subject.entity, role, None, sentence, span));
        } else {
            for t in targets.into_iter().filter(|&t| t != subject.entity) {
                facts.push((subject.entity, role.clone(), Some(t), sentence, span));
            }
        }
    }
    push_role_facts(out, facts, 0.75, Rule::RolePredicate);
}

/// Modal verbs that state a power or duty: "burgemeesters kunnen/mogen/moeten …".
const MODALS: &[&str] = &["kunnen", "kan", "mogen", "mag", "moeten", "moet"];
/// Adverbs left out of a provision's predicate ("kunnen nu ook panden sluiten").
const PROVISION_ADVERBS: &[&str] = &["nu", "ook", "al", "voortaan", "dan", "straks", "wel", "sneller", "eerder"];
/// Words that end the clause stating the provision.
const CLAUSE_ENDS: &[&str] = &[",", ".", ";", ":", "als", "maar", "wanneer", "indien", "omdat", "terwijl", "en", "of"];

/// How far after a law the office may stand, in tokens (a bound, so that a long
/// unpunctuated text with many laws stays linear).
const PROVISION_WINDOW: usize = 40;

/// The office a (plural) role noun names: "burgemeesters" → "burgemeester".
fn office_at(ctx: &Ctx, i: usize) -> Option<&'static str> {
    let lower = ctx.lower(i);
    ROLE_NOUNS.iter().copied().find(|r| lower == *r || lower == format!("{r}s") || lower == format!("{r}en"))
}

/// A law named in a sentence, and in that sentence or the next an office with a modal
/// verb: the law lets (or makes) that office do what follows. The office becomes a ROLE
/// entity of its own ("burgemeester"), linked by the relation GRANTS.
fn law_provisions(ctx: &Ctx, out: &mut Entities) {
    let laws: Vec<Ref> = out
        .refs
        .iter()
        .filter(|r| r.named() && out.entities[r.entity].entity_type == EntityType::Law)
        .cloned()
        .collect();
    for law in laws {
        let mut i = law.tokens.end;
        let window_end = (law.tokens.end + PROVISION_WINDOW).min(ctx.tokens.len());
        while i + 1 < window_end && ctx.sentence_of[i] <= law.sentence + 1 {
            let Some(office) = office_at(ctx, i).filter(|_| MODALS.contains(&ctx.lower(i + 1).as_str())) else {
                i += 1;
                continue;
            };
            let mut end = i + 2;
            let mut words = Vec::new();
            while end < ctx.tokens.len()
                && end < i + 2 + PROVISION_WINDOW
                && ctx.sentence_of[end] == ctx.sentence_of[i]
                && !CLAUSE_ENDS.contains(&ctx.lower(end).as_str())
            {
                let w = ctx.lower(end);
                if !PROVISION_ADVERBS.contains(&w.as_str()) {
                    words.push(w);
                }
                end += 1;
            }
            if words.is_empty() || words.len() > 8 {
                break;
            }
            let entity = out.role_entity(office, || LocalEntity {
                name: office.to_string(),
                entity_type: EntityType::Role,
                aliases: vec![ctx.word(i).to_string()],
                roles: vec![office.to_string()],
                wikidata: None,
            });
            out.push_named(Ref::token(ctx, entity, i, 0.7, MentionSource::Office));
            let span = Span::new(law.span.start, ctx.tokens[end - 1].span.end);
            out.provisions.push((law.entity, entity, words.join(" "), law.sentence, span));
            break;
        }
    }
}

/// A plural role noun before or after coordinated names is a role of each: "de trainers
/// Ad van de Ven en Mark Faber", "Cees Vervoorn en Hans Elzerman, oud-trainers van De
/// Dolfijn,". The organisation is the one named right after the noun ("van De Dolfijn").
fn attach_plural_roles(ctx: &Ctx, out: &mut Entities) {
    let person_at = |out: &Entities, k: usize| {
        out.named_at(k).filter(|r| out.entities[r.entity].entity_type == EntityType::Person).cloned()
    };
    let person_ending = |out: &Entities, k: usize| {
        out.named_by_end
            .get(&k)
            .map(|&n| out.refs[n].clone())
            .filter(|r| out.entities[r.entity].entity_type == EntityType::Person)
    };
    let mut facts = Vec::new();
    for i in 0..ctx.tokens.len() {
        let Some(role) = plural_role_noun(ctx.word(i)) else { continue };
        let sentence = ctx.sentence_of[i];
        let mut holders = Vec::new();
        // After: "trainers X en Y".
        let mut k = i + 1;
        while let Some(r) = person_at(out, k).filter(|r| r.sentence == sentence) {
            k = r.tokens.end + 1;
            let more = matches!(ctx.word(r.tokens.end), "en" | ",");
            holders.push(r);
            if !more {
                break;
            }
        }
        // Before: "X en Y, trainers van Z,".
        if holders.is_empty() && i > 0 && ctx.word(i - 1) == "," {
            let mut end = i - 1;
            while let Some(r) = person_ending(out, end).filter(|r| r.sentence == sentence) {
                let start = r.tokens.start;
                holders.push(r);
                match start.checked_sub(1) {
                    Some(c) if matches!(ctx.word(c), "en" | ",") => end = c,
                    _ => break,
                }
            }
        }
        if holders.len() < 2 {
            continue;
        }
        let mut at = i + 1;
        let place = (ctx.lower(at) == "van").then(|| {
            at += 1;
            if matches!(ctx.lower(at).as_str(), "de" | "het") {
                at += 1;
            }
            out.named_at(at)
                .filter(|r| {
                    matches!(out.entities[r.entity].entity_type, EntityType::Organization | EntityType::Location)
                })
                .map(|r| (r.entity, r.span.end))
        });
        let place = place.flatten();
        for h in holders {
            let (start, end) = (h.span.start.min(ctx.tokens[i].span.start), h.span.end.max(place.map_or(0, |p| p.1)));
            facts.push((
                h.entity,
                role.clone(),
                place.map(|p| p.0),
                sentence,
                Span::new(start, end.max(ctx.tokens[i].span.end)),
            ));
        }
    }
    push_role_facts(out, facts, 0.8, Rule::RoleApposition);
}

/// Places meant by a place adjective before a named organisation, place or thing (not a
/// person: "de Amerikaanse Davenport" is a nationality): "het Britse amusementsconcern
/// Gullane", "het Oostenrijkse Ried", "de Spaanse krant El País", and names that start
/// with one ("Colombiaanse voetbalbond"). At most `ROLE_MODIFIERS` words and one noun
/// between adjective and name; the country joins the entity of that name if the text has
/// one, else becomes one, mentioned by the adjective.
fn demonym_places(ctx: &Ctx, out: &mut Entities) {
    let mut found = Vec::new();
    // Not the name in a compound: in "de Amerikaanse VN-ambassadeur" the adjective is the ambassador's.
    for r in out.refs.iter().filter(|r| r.named() && r.source != COMPOUND_SOURCE) {
        if !matches!(
            out.entities[r.entity].entity_type,
            EntityType::Organization | EntityType::Location | EntityType::Misc | EntityType::Event
        ) {
            continue;
        }
        let adjective = if ctx.place_of_adjective(r.tokens.start).is_some() && r.tokens.len() > 1 {
            Some(r.tokens.start)
        } else {
            let mut k = r.tokens.start;
            let mut steps = 0;
            let in_phrase = |k: usize| {
                is_modifier(ctx, k)
                    && !DUTCH_FUNCTION_WORDS.contains(&ctx.lower(k).as_str())
                    && !PREPOSITIONS.contains(&ctx.lower(k).as_str())
            };
            while k > 0 && steps < ROLE_MODIFIERS && ctx.sentence_of[k - 1] == r.sentence && in_phrase(k - 1) {
                k -= 1;
                steps += 1;
            }
            (k > 0 && ctx.sentence_of[k - 1] == r.sentence && ctx.place_of_adjective(k - 1).is_some())
                .then(|| k - 1)
                .filter(|&a| a > 0 && (ARTICLES.contains(&ctx.lower(a - 1).as_str()) || ctx.lower(a - 1) == "een"))
        };
        if let Some(a) = adjective {
            let country = ctx.place_of_adjective(a).expect("checked above");
            found.push((
                r.entity,
                a,
                country,
                r.sentence,
                Span::new(ctx.tokens[a].span.start.min(r.span.start), r.span.end),
            ));
        }
    }
    for (thing, a, country, sentence, span) in found {
        let place = place_entity(out, country);
        if place == thing {
            continue;
        }
        // The adjective is the country's mention unless it already names it; inside the
        // thing's own name ("de Colombiaanse regering") it is both.
        if out.named_at(a).is_none_or(|r| r.entity != place) {
            out.refs.push(Ref::token(ctx, place, a, 0.6, MentionSource::DemonymPlace));
        }
        out.demonym_places.push((thing, place, sentence, span));
    }
}

/// "A owns B" (OWNS) or "A is part of B" (PART_OF), stated by a noun in one sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Holding {
    pub source: usize,
    pub target: usize,
    pub kind: RelationKind,
    pub sentence: usize,
    pub span: Span,
}

/// What a noun of ownership or of parts says of the organisation it describes (A) and the
/// one after its "van" (B).
#[derive(Clone, Copy, PartialEq)]
enum HoldingNoun {
    /// "het moederbedrijf van B": A owns B, and both are companies.
    Parent,
    /// "eigenaar van B": A owns B.
    Owner,
    /// "een dochteronderneming van B": B owns A, and both are companies.
    Subsidiary,
    /// "een onderdeel van B", "een divisie van B", "maakt deel uit van B": A is part of B.
    Part,
}

impl HoldingNoun {
    fn of(word: &str) -> Option<Self> {
        const PARENTS: &[&str] = &["moederbedrijf", "moedermaatschappij", "moederconcern", "moederholding"];
        const SUBSIDIARIES: &[&str] = &[
            "dochter",
            "dochteronderneming",
            "dochterbedrijf",
            "dochtermaatschappij",
            "dochterfirma",
            "werkmaatschappij",
        ];
        const PARTS: &[&str] = &["onderdeel", "divisie", "afdeling", "bedrijfsonderdeel"];
        match word {
            "eigenaar" => Some(Self::Owner),
            w if PARENTS.contains(&w) => Some(Self::Parent),
            w if SUBSIDIARIES.contains(&w) => Some(Self::Subsidiary),
            w if PARTS.contains(&w) => Some(Self::Part),
            _ => None,
        }
    }

    /// Does the noun say both parties are companies (so that a party the tagger took
    /// for a place is one)?
    fn of_companies(self) -> bool {
        matches!(self, Self::Parent | Self::Subsidiary)
    }

    /// The fact the noun states of A (`described`) and B (`of`): (source, target, kind).
    fn fact(self, described: usize, of: usize) -> (usize, usize, RelationKind) {
        match self {
            Self::Parent | Self::Owner => (described, of, RelationKind::Owns),
            Self::Subsidiary => (of, described, RelationKind::Owns),
            Self::Part => (described, of, RelationKind::PartOf),
        }
    }
}

/// The most words between the organisation and its noun of ownership after a copula ("X
/// is sinds 2001 een dochter van Y").
const HOLDING_GAP: usize = 3;

/// Ownership and parts stated by a noun, between two named organisations (or things the
/// tagger left untyped) in one clause:
/// - apposition: "Unilever, het moederbedrijf van Unox," → Unilever OWNS Unox;
///   "Getronics, een dochter van KPN," → KPN OWNS Getronics;
/// - copula: "Brand is (sinds 2001) een dochteronderneming van Heineken"; "De
///   Bestuursdienst is een onderdeel van het ministerie" → PART_OF;
/// - "X maakt (sinds 2005) deel uit van Y" → PART_OF;
/// - a compound before a name: "Unox-eigenaar Unilever" → Unilever OWNS Unox,
///   "KPN-dochter Getronics" → KPN OWNS Getronics (an owner may be a person or a state).
///
/// A company noun types its parties: a party the tagger called a place is an organisation.
fn holdings(ctx: &Ctx, out: &mut Entities) {
    let party = |r: &Ref, noun: HoldingNoun| {
        let e = &out.entities[r.entity];
        let typed = match e.entity_type {
            EntityType::Organization | EntityType::Misc => true,
            EntityType::Location => noun.of_companies(),
            _ => false,
        };
        r.named() && typed && !is_demonym(&e.name)
    };
    let is_break = |i: usize| matches!(ctx.lower(i).as_str(), "," | ";" | ":" | "." | "(" | ")" | "dat" | "die" | "en");
    let mut found = Vec::new();
    for a in out.refs.iter().filter(|r| r.named()) {
        let mut k = a.tokens.end;
        // The noun phrase starts after a comma (apposition) or after a copula or "maakt"
        // and a few adverbial words.
        let verb = ctx.lower(k);
        let copula = COPULAS.contains(&verb.as_str());
        let part_verb = matches!(verb.as_str(), "maakt" | "maakte");
        if !(copula || part_verb || verb == ",") {
            continue;
        }
        k += 1;
        let mut holding = None;
        for _ in 0..=HOLDING_GAP {
            if k >= ctx.tokens.len() || ctx.sentence_of[k] != a.sentence || is_break(k) {
                break;
            }
            let word = ctx.lower(k);
            if part_verb {
                if word == "deel" && ctx.lower(k + 1) == "uit" && ctx.lower(k + 2) == "van" {
                    holding = Some((HoldingNoun::Part, k + 3));
                    break;
                }
            } else if let Some(noun) = HoldingNoun::of(&word).filter(|_| ctx.lower(k + 1) == "van") {
                holding = Some((noun, k + 2));
                break;
            } else if !copula && !matches!(word.as_str(), "de" | "het" | "een") && !word.ends_with('e') {
                // An apposition's noun comes after at most an article and adjectives.
                break;
            }
            k += 1;
        }
        let Some((noun, mut at)) = holding else { continue };
        if matches!(ctx.lower(at).as_str(), "de" | "het") {
            at += 1;
        }
        let Some(b) = out.named_at(at).filter(|b| b.entity != a.entity && b.sentence == a.sentence) else { continue };
        if !party(a, noun) || !party(b, noun) {
            continue;
        }
        let (source, target, kind) = noun.fact(a.entity, b.entity);
        let span = Span::new(a.span.start, b.span.end);
        found.push((noun, Holding { source, target, kind, sentence: a.sentence, span }));
    }
    // "Unox-eigenaar Unilever", "KPN-dochter Getronics", "Philips-divisie Lighting": a
    // compound of a name and a noun of ownership, directly before another name.
    for b in out.refs.iter().filter(|r| r.named() && r.tokens.start > 0) {
        let k = b.tokens.start - 1;
        let compound = ctx.lower(k);
        let Some(noun) = compound.rsplit_once('-').and_then(|(_, tail)| HoldingNoun::of(tail)) else { continue };
        let Some(a) = out.refs.iter().find(|r| r.named() && r.tokens.contains(&k) && r.sentence == b.sentence) else {
            continue;
        };
        let owner_noun = noun == HoldingNoun::Owner;
        let owner_party = |r: &Ref| {
            let e = &out.entities[r.entity];
            !is_demonym(&e.name) && matches!(e.entity_type, EntityType::Person | EntityType::Location)
        };
        if a.entity == b.entity || !party(a, noun) || !(party(b, noun) || owner_noun && owner_party(b)) {
            continue;
        }
        // The compound's noun describes the name after it (B) of the name inside it (A).
        let (source, target, kind) = noun.fact(b.entity, a.entity);
        let span = Span::new(a.span.start, b.span.end);
        found.push((noun, Holding { source, target, kind, sentence: b.sentence, span }));
    }
    for (noun, h) in found {
        for e in [h.source, h.target] {
            if noun.of_companies() && out.entities[e].entity_type == EntityType::Location {
                out.entities[e].entity_type = EntityType::Organization;
            }
        }
        out.holdings.push(h);
    }
}

/// The place entity of the text named `name`, made if there is none.
fn place_entity(out: &mut Entities, name: &str) -> usize {
    let folded = fold(name);
    let existing = out.entities.iter().position(|e| {
        e.entity_type == EntityType::Location && std::iter::once(&e.name).chain(&e.aliases).any(|n| fold(n) == folded)
    });
    existing.unwrap_or_else(|| {
        out.entities.push(LocalEntity {
            name: name.to_string(),
            entity_type: EntityType::Location,
            aliases: vec![name.to_string()],
            roles: vec![],
            wikidata: None,
        });
        out.entities.len() - 1
    })
}

/// "De Argentijnen troefden Frankrijk af", "de Egyptenaren hadden afgerekend met …": a
/// capitalised plural nationality noun after "de" (an adjective may come between: "de
/// sterke Cubanen") stands for its country (`words::people_of`), which joins the entity
/// of that place if the text names it. A word inside a name is the name's.
fn demonym_peoples(ctx: &Ctx, out: &mut Entities) {
    let in_name: HashSet<usize> = out.refs.iter().flat_map(|r| r.tokens.clone()).collect();
    let mut found = Vec::new();
    for i in 1..ctx.tokens.len() {
        let word = ctx.word(i);
        if !word.chars().next().is_some_and(char::is_uppercase) || in_name.contains(&i) {
            continue;
        }
        let Some(place) = people_of(word) else { continue };
        let same = |k: usize| ctx.sentence_of[k] == ctx.sentence_of[i];
        let article = |k: usize| same(k) && ctx.lower(k) == "de";
        let adjective = |k: usize| same(k) && ctx.word(k).ends_with('e') && ctx.word(k).chars().all(char::is_lowercase);
        if article(i - 1) || (i >= 2 && adjective(i - 1) && article(i - 2)) {
            found.push((i, place));
        }
    }
    for (i, place) in found {
        let entity = place_entity(out, place);
        out.refs.push(Ref::token(ctx, entity, i, 0.6, MentionSource::DemonymPeople));
    }
}

/// (person, role, place, sentence, span) found by one rule.
type FoundRole = (usize, String, Option<usize>, usize, Span);

/// Records each found role as a fact, and on its holder unless it is membership ("lid").
fn push_role_facts(out: &mut Entities, facts: Vec<FoundRole>, confidence: f32, extractor: Rule) {
    for (person, role, place, sentence, span) in facts {
        if role != MEMBERSHIP_NOUN {
            add_role(out, person, &role);
        }
        out.roles.push(RoleFact { person, role, place, sentence, span, confidence, extractor });
    }
}

fn add_role(out: &mut Entities, entity: usize, role: &str) {
    let roles = &mut out.entities[entity].roles;
    if !roles.iter().any(|r| r == role) {
        roles.push(role.to_string());
    }
}

/// The person the article is about: the most often named person, if named at least twice.
fn protagonist(out: &Entities) -> Option<usize> {
    let mut counts: HashMap<usize, usize> = HashMap::new();
    for r in out.refs.iter().filter(|r| r.named() && out.entities[r.entity].entity_type == EntityType::Person) {
        *counts.entry(r.entity).or_default() += 1;
    }
    counts.into_iter().filter(|(_, c)| *c >= 2).max_by_key(|(e, c)| (*c, std::cmp::Reverse(*e))).map(|(e, _)| e)
}

/// How many of the latest references salience weighs at most (a bound: a megabyte without
/// a full stop is one sentence, and must stay linear).
const SALIENCE_REFS: usize = 48;

/// How many sentences back a pronoun looks for the person it means.
const PRONOUN_SENTENCES: usize = 3;

/// The person the narration at token `at` is about, from `history` (person refs outside
/// quotes, named or resolved, in text order): each ref of the last `sentences` sentences
/// scores 2 as its sentence's subject (its first person ref, no preposition governing it),
/// 1 otherwise, 0.5 when a preposition governs it, halved for every sentence back.
pub(super) fn salient_person(ctx: &Ctx, history: &[Ref], at: usize, sentences: usize) -> Option<(usize, f32)> {
    // Ties go to the one referred to last (listed first).
    salience(ctx, history, at, sentences).into_iter().rev().max_by(|a, b| a.1.total_cmp(&b.1))
}

/// The scores `salient_person` ranks, per person, the one referred to last first.
pub(super) fn salience(ctx: &Ctx, history: &[Ref], at: usize, sentences: usize) -> Vec<(usize, f32)> {
    let here = ctx.sentence_of[at.min(ctx.sentence_of.len() - 1)];
    let end = history.partition_point(|r| r.tokens.start < at);
    let mut score: Vec<(usize, f32)> = Vec::new();
    for (n, r) in history[..end].iter().enumerate().rev().take(SALIENCE_REFS) {
        if r.sentence + sentences < here {
            break;
        }
        let first_in_sentence = n == 0 || history[n - 1].sentence != r.sentence;
        let governed = ctx.governed(r.tokens.start);
        let weight = match (governed, first_in_sentence) {
            (true, _) => 0.5,
            (false, true) => 2.0,
            (false, false) => 1.0,
        } * 0.5f32.powi((here - r.sentence) as i32);
        match score.iter_mut().find(|(e, _)| *e == r.entity) {
            Some((_, s)) => *s += weight,
            None => score.push((r.entity, weight)),
        }
    }
    score
}

/// Is the "ze"/"zij" at `i` "she": next to a singular finite verb ("ze was", "kreeg ze")?
fn feminine_singular(ctx: &Ctx, i: usize) -> bool {
    let singular = |k: usize| SINGULAR_FINITE_VERBS.contains(&ctx.lower(k).as_str());
    singular(i + 1) || i.checked_sub(1).is_some_and(singular)
}

/// Singular nationality nouns the text puts right before exactly one person's name ("de
/// Argentijn Guillermo Canas"), lowercased, with that person. A noun before two people's
/// names is nobody's epithet.
fn introduced_nationalities(ctx: &Ctx, out: &Entities) -> HashMap<String, usize> {
    let mut seen: HashMap<String, Option<usize>> = HashMap::new();
    for r in out.refs.iter().filter(|r| r.named() && out.entities[r.entity].entity_type == EntityType::Person) {
        let Some(k) = r.tokens.start.checked_sub(1) else { continue };
        let noun = ctx.lower(k);
        if ctx.sentence_of[k] == r.sentence && is_nationality_noun(&noun) {
            let entry = seen.entry(noun).or_insert(Some(r.entity));
            if *entry != Some(r.entity) {
                *entry = None;
            }
        }
    }
    seen.into_iter().filter_map(|(noun, p)| Some((noun, p?))).collect()
}

/// Is the nationality noun at `i` an epithet: capitalised, after "de" and at most three
/// lowercase modifiers ("de inmiddels 39-jarige Argentijn"), with no name after it?
fn is_epithet(ctx: &Ctx, out: &Entities, i: usize) -> bool {
    let capitalised = ctx.word(i).chars().next().is_some_and(char::is_uppercase);
    let modifier = |k: usize| ctx.word(k).chars().next().is_some_and(|c| c.is_lowercase() || c.is_ascii_digit());
    let article = (1..=4)
        .filter_map(|d| i.checked_sub(d))
        .take_while(|&k| ctx.sentence_of[k] == ctx.sentence_of[i])
        .find(|&k| ctx.lower(k) == "de" || !modifier(k));
    capitalised && article.is_some_and(|k| ctx.lower(k) == "de") && out.named_at(i + 1).is_none()
}

/// "hij" (and "ze" as "she") → the most salient person before it (`salient_person`), or
/// the person named last when no one was in the last sentences;
/// "de burgemeester" → the person known to hold that role, else the article's
/// protagonist. Only outside quotations.
fn resolve_references(ctx: &Ctx, out: &mut Entities) {
    let protagonist = protagonist(out);
    let introduced = introduced_nationalities(ctx, out);
    let mut named = out.refs.clone();
    named.sort_by_key(|r| r.tokens.start);
    let mut next_named = named.iter().peekable();
    // Person refs outside quotes so far, named and resolved, in text order.
    let mut history: Vec<Ref> = Vec::new();
    let mut added = Vec::new();
    let mut i = 0;
    while i < ctx.tokens.len() {
        while let Some(r) = next_named.next_if(|r| r.tokens.start <= i) {
            if out.entities[r.entity].entity_type == EntityType::Person && ctx.quote_of[r.tokens.start].is_none() {
                history.push(r.clone());
            }
        }
        if ctx.quote_of[i].is_some() || out.named_at(i).is_some() {
            i += 1;
            continue;
        }
        let lower = ctx.lower(i);
        let sentence = ctx.sentence_of[i];
        let span = ctx.tokens[i].span;
        let pronoun = THIRD_PERSON_SINGULAR.contains(&lower.as_str())
            || (THIRD_PERSON_FEMININE_OR_PLURAL.contains(&lower.as_str()) && feminine_singular(ctx, i));
        if pronoun {
            // Nobody in the last sentences: the person named last, however far back.
            let person = salient_person(ctx, &history, i, PRONOUN_SENTENCES)
                .map(|(p, _)| p)
                .or(history.last().map(|r| r.entity));
            if let Some(p) = person {
                let r = Ref::token(ctx, p, i, 0.6, MentionSource::Pronoun);
                history.push(r.clone());
                added.push(r);
            }
        } else if let Some(&p) = introduced.get(&lower).filter(|_| is_epithet(ctx, out, i)) {
            let r = Ref::token(ctx, p, i, 0.5, MentionSource::NationalityNoun);
            history.push(r.clone());
            added.push(r);
        } else if let Some((role, _)) = role_at(ctx, i) {
            let definite = i.checked_sub(1).is_some_and(|a| matches!(ctx.lower(a).as_str(), "de" | "het"));
            let followed_by_name = out.named_at(i + 1).is_some() || ctx.lower(i + 1) == "van";
            if definite && !followed_by_name {
                let holder = out.roles.iter().find(|f| f.role == role).map(|f| f.person).or(protagonist);
                if let Some(p) = holder {
                    let span = Span::new(ctx.tokens[i - 1].span.start, span.end);
                    added.push(Ref {
                        entity: p,
                        sentence,
                        tokens: i - 1..i + 1,
                        span,
                        confidence: 0.5,
                        source: MentionSource::RoleNoun,
                    });
                    add_role(out, p, &role);
                    out.roles.push(RoleFact {
                        person: p,
                        role,
                        place: None,
                        sentence,
                        span,
                        confidence: 0.5,
                        extractor: Rule::RoleNoun,
                    });
                    history.push(added.last().expect("just pushed").clone());
                }
            }
        }
        i += 1;
    }
    out.refs.extend(added);
}

#[cfg(test)]
mod tests {
    use super::abbreviates;
    use crate::extract::words::{DEMONYM_ADJECTIVES, IRREGULAR_PLACE_ADJECTIVES};

    /// `adjective_places` skips every word that does not end in "e".
    #[test]
    fn every_listed_place_adjective_ends_in_e() {
        for (adjective, _) in DEMONYM_ADJECTIVES.iter().chain(IRREGULAR_PLACE_ADJECTIVES) {
            assert!(adjective.ends_with('e'), "{adjective}");
        }
    }

    #[test]
    fn short_forms_abbreviate_the_initials_and_compound_parts_of_a_name() {
        for (short, long) in [
            ("GE", "General Electric"),
            ("MID", "Militaire Inlichtingendienst"),
            ("Marid", "Marine Inlichtingendienst"),
            ("WGO", "Wereldgezondheidsorganisatie"),
            ("L&H", "Lernout & Hauspie"),
            ("PPR", "Pinault-Printemps La Redoute"),
            ("COB", "Commissie voor Onrechtmatige Bedingen"),
            ("KDM", "Kristof Demasure"),
            ("RoM", "Robert Melders"),
            ("DS", "Dirk Steenhaut"),
        ] {
            assert!(abbreviates(short, long), "{short} of {long}");
        }
        for (short, long) in [
            ("DS", "Steenhaut Dirk"),
            ("GE", "General Motors Europe"),
            ("XML", "Extended Markup Language"),
            ("VS", "Vera"),
            ("AB", "Anne Brumagne Thijs"),
            ("ABCDEFGHI", "Abcdefghi Bcdefghi"),
        ] {
            assert!(!abbreviates(short, long), "{short} of {long}");
        }
    }
}
