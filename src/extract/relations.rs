//! Relations between the entities of one document, each with the span that states it.
//!
//! Typed relations come from patterns (role appositions, "X in Y", quotes) and carry
//! the rule's name; sentence co-occurrence is its own, weaker kind.

use super::coref::{Entities, Ref};
use super::names::token_text;
use super::syntax::{Deprel, Upos, Word};
use super::tokenize::Token;
use super::words::{
    is_demonym, is_nationality_noun, is_party_or_body, LINKING_PREPOSITIONS, MEMBERSHIP_NOUN, MUNICIPAL_ROLES,
    OBJECT_STOPWORDS, PARTY_MEMBERSHIP_ROLES, PORTFOLIOS, RELATION_VERBS, SPEECH_VERBS,
};
use crate::model::{EntityType, LocalRelation, MentionSource, QuoteKind, RelationKind, Rule, Span};
use std::collections::{BTreeSet, HashMap};

/// The parse of one sentence, for the rules that read it: the sentence's index, the
/// index of its first token, and one analysed word per token.
pub struct SentenceParse<'p> {
    pub sentence: usize,
    pub first_token: usize,
    pub words: &'p [Word],
}

pub fn find(
    text: &str,
    tokens: &[Token],
    sentences: &[Span],
    ents: &Entities,
    parses: &[SentenceParse<'_>],
) -> Vec<LocalRelation> {
    let mut out = Vec::new();
    roles(ents, &mut out);
    quoted_about(text, ents, &mut out);
    located_in(text, tokens, ents, &mut out);
    member_of(text, tokens, ents, &mut out);
    works_for(text, tokens, sentences, ents, &mut out);
    ownership_nouns(ents, &mut out);
    verbs(text, tokens, sentences, ents, &mut out);
    verbs_from_parse(tokens, ents, parses, &mut out);
    verb_kinds(ents, &mut out);
    co_occurrence(sentences, ents, &mut out);
    out
}

/// Verbs of taking over, whose organisation subject then owns its organisation object.
const OWNERSHIP_VERBS: &[&str] = &["kopen", "overnemen", "verwerven", "inlijven"];

/// Verbs of working, playing or riding for a club or employer.
const WORK_VERBS: &[&str] = &["werken", "spelen", "rijden", "uitkomen", "voetballen", "schaatsen", "zwemmen"];

/// VERB facts that state a kind of their own:
/// - "Gullane koopt Guinness World Records", "X neemt Y over": a verb of taking over an
///   organisation, by an organisation, a person or a state, with no preposition, is
///   ownership (OWNS);
/// - "Koerts reed voor PDM", "hij speelt bij Ajax": a person's verb of working with an
///   organisation, directly or after "bij" or "voor", is employment (WORKS_FOR).
fn verb_kinds(ents: &Entities, out: &mut [LocalRelation]) {
    let of_type = |e: usize, t: EntityType| ents.entities[e].entity_type == t;
    for r in out.iter_mut().filter(|r| r.kind == RelationKind::Verb) {
        let (verb, preposition) = r.predicate.split_once(' ').unwrap_or((r.predicate.as_str(), ""));
        // What is taken over is an organisation; who takes it over may be a person or a
        // state too ("Boekhoorn koopt Telfort", "de Staat neemt ABN Amro over").
        let organisations = of_type(r.target, EntityType::Organization)
            && [EntityType::Organization, EntityType::Person, EntityType::Location]
                .iter()
                .any(|&t| of_type(r.source, t));
        let employment = of_type(r.source, EntityType::Person)
            && of_type(r.target, EntityType::Organization)
            && WORK_VERBS.contains(&verb)
            && matches!(preposition, "" | "bij" | "voor");
        if organisations && preposition.is_empty() && OWNERSHIP_VERBS.contains(&verb) {
            r.kind = RelationKind::Owns;
        } else if employment {
            r.kind = RelationKind::WorksFor;
        } else {
            continue;
        }
        r.predicate.clear();
    }
}

/// Does a prepositional object state a circumstance (where, at which event) rather than a
/// party to the verb? Anything after a preposition of absence or of time does; a place or
/// other named thing after a preposition of place or direction does. Under the verb's object noun fewer prepositions are circumstances:
/// "een overwinning op Nederland" names the side beaten, "een fabriek in Gent" a place.
fn circumstance(target: EntityType, preposition: &str, under_object: bool) -> bool {
    // "zonder Jan Tops", "sinds Wimbledon": who is absent or when it began, of any kind.
    if matches!(preposition, "zonder" | "minus" | "behalve" | "ondanks" | "sinds" | "vanaf") {
        return true;
    }
    let local = match preposition {
        "in" | "uit" | "te" | "rond" | "tijdens" | "na" => true,
        "op" | "bij" | "naar" => !under_object,
        _ => false,
    };
    local && matches!(target, EntityType::Location | EntityType::Misc | EntityType::Event)
}

/// An organisation, or a named thing the tagger left MISC, that is no demonym: what one
/// works for or what is seated somewhere.
fn is_organisation(ents: &Entities, entity: usize) -> bool {
    let e = &ents.entities[entity];
    matches!(e.entity_type, EntityType::Organization | EntityType::Misc) && !is_demonym(&e.name)
}

/// "Duitser", "Italianen", "Hagenaar": a nationality or inhabitant noun the tagger named.
fn is_nationality_name(name: &str) -> bool {
    let lower = name.to_lowercase();
    let singular = [lower.as_str(), lower.trim_end_matches("en"), lower.trim_end_matches('s')];
    !lower.contains(' ')
        && (singular.iter().any(|w| is_nationality_noun(w)) || lower.ends_with("aar") || lower.ends_with("anen"))
}

/// Subject –verb→ object from the parse: the entity a verb's subject stands for and the
/// one its object, indirect object or prepositional object stands for ("struikelen
/// over", "verliezen van"); a passive with a "door" agent is turned active ("Y werd
/// overgenomen door X" → X overnemen Y). The predicate is the verb's lemma (particle
/// verbs whole: "overnemen") and the preposition. A place after "in", "uit" or "te" is
/// where it happened (LOCATED_IN's business), not an object. Pairs another rule already
/// related are left to it.
///
/// A dependent stands for the entity whose name it heads, else for one named in
/// apposition to it ("de Franse krachtpatser Amelie Mauresmo"); a pronoun's antecedent is
/// not used (on the development sets it added wrong subjects more often than right ones).
/// A verb without a subject of its own takes the subject of the verb it is coordinated with ("X won en versloeg Y") or,
/// as an infinitive with "te", of the verb it completes ("X probeert Y te verslaan").
fn verbs_from_parse(tokens: &[Token], ents: &Entities, parses: &[SentenceParse<'_>], out: &mut Vec<LocalRelation>) {
    let mut named_in: HashMap<usize, Vec<&Ref>> = HashMap::new();
    // A name inside a compound ("De Wimbledon-winnares e-mailt met Morariu", "het
    // Philips-team") modifies the word the parse attaches: it is no party to the verb.
    for r in ents.refs.iter().filter(|r| r.may_be_party() && r.source != MentionSource::NerCompound) {
        named_in.entry(r.sentence).or_default().push(r);
    }
    let mut stated: BTreeSet<(usize, usize)> = out.iter().map(|r| (r.source, r.target)).collect();
    let mut quoted = vec![false; tokens.len()];
    for q in &ents.quotes {
        quoted[q.tokens.start.min(tokens.len())..q.tokens.end.min(tokens.len())].iter_mut().for_each(|t| *t = true);
    }
    for parse in parses {
        let words = parse.words;
        let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); words.len()];
        for (c, w) in words.iter().enumerate() {
            if let Some(head) = w.head.filter(|&h| h < words.len()) {
                dependents[head].push(c);
            }
        }
        let children = |head: usize| dependents[head].iter().copied();
        // A name is where the parse attaches it: at its first word headed from outside it.
        // A name split in two ("zonder Ellen | de Boer" with "Boer" as an object) is used
        // at its first part only.
        let mut named_at: HashMap<usize, usize> = HashMap::new();
        for r in named_in.get(&parse.sentence).into_iter().flatten() {
            let inside = r.tokens.start.saturating_sub(parse.first_token)..r.tokens.end - parse.first_token;
            let head_word =
                inside.clone().find(|&w| words.get(w).is_some_and(|x| !x.head.is_some_and(|h| inside.contains(&h))));
            if let Some(w) = head_word {
                named_at.insert(w, r.entity);
            }
        }
        let named = |w: usize| named_at.get(&w).copied();
        let stands_for =
            |w: usize| named(w).or_else(|| children(w).filter(|&c| words[c].deprel == Deprel::Appos).find_map(named));
        let case_of = |d: usize| children(d).find(|&c| words[c].deprel == Deprel::Case).map(|c| words[c].plain_lemma());
        let party = |e: usize, preposition: &str, under_object: bool| {
            !circumstance(ents.entities[e].entity_type, preposition, under_object)
        };
        // The parties named in the prepositional phrases under word `o` (each with its
        // preposition and the word standing for it): "het aanbod van Honeywell", "met 2-1
        // van PSV".
        let parties_under = |o: usize, under_object: bool| {
            children(o)
                .filter(|&n| words[n].deprel == Deprel::Nmod)
                .filter_map(|n| Some((stands_for(n)?, case_of(n)?, n)))
                .filter(|(r, case, _)| party(*r, case, under_object))
                .collect::<Vec<_>>()
        };
        // A dependent and the dependents coordinated with it ("X en Y richtten … op").
        let with_conjuncts = |d: usize| {
            std::iter::once(d).chain(children(d).filter(|&c| words[c].deprel == Deprel::Conj)).collect::<Vec<_>>()
        };
        let actor = |e: &usize| !is_nationality_name(&ents.entities[*e].name);
        let clauses: Vec<Clause> = (0..words.len())
            .map(|v| {
                let mut clause = Clause::default();
                if words[v].upos != Upos::Verb {
                    return clause;
                }
                for c in children(v) {
                    match words[c].deprel {
                        // "Noorwegen, dat IJsland versloeg": a relative pronoun stands for the
                        // noun the clause modifies.
                        Deprel::Nsubj
                            if words[v].deprel == Deprel::AclRelcl
                                && matches!(words[c].plain_lemma().as_str(), "die" | "dat") =>
                        {
                            clause.subjects.extend(words[v].head.filter(|&h| h < words.len()).and_then(stands_for))
                        }
                        Deprel::Nsubj => clause.subjects.extend(with_conjuncts(c).into_iter().filter_map(stands_for)),
                        Deprel::NsubjPass => {
                            clause.passive_subjects.extend(with_conjuncts(c).into_iter().filter_map(stands_for))
                        }
                        Deprel::AuxPass => clause.passive = true,
                        Deprel::Obj | Deprel::Iobj => {
                            clause.has_object = true;
                            for o in with_conjuncts(c) {
                                match stands_for(o) {
                                    Some(r) => clause.objects.push((r, None, o)),
                                    // "verwerpt het aanbod van Honeywell": the entity behind the object noun.
                                    None if words[o].upos == Upos::Noun => {
                                        for (r, case, n) in parties_under(o, true) {
                                            let predicate = format!("{} {case}", words[o].plain_lemma());
                                            clause.objects.push((r, Some(predicate), n));
                                        }
                                    }
                                    None => {}
                                }
                            }
                        }
                        Deprel::Obl => {
                            // "samen met Elvis Presley en Roy Orbison": a conjunct shares the preposition.
                            let first_case = case_of(c);
                            for o in with_conjuncts(c) {
                                let case = case_of(o).or_else(|| first_case.clone());
                                if let Some(r) =
                                    stands_for(o).filter(|r| case.as_deref().is_none_or(|p| party(*r, p, false)))
                                {
                                    clause.objects.push((r, case, o));
                                } else if stands_for(o).is_none() && matches!(words[o].upos, Upos::Num | Upos::Sym) {
                                    // "verloor met 2-1 van PSV": the side of a score the parse
                                    // hung under the score.
                                    for (r, case, n) in parties_under(o, false) {
                                        clause.objects.push((r, Some(case), n));
                                    }
                                }
                            }
                        }
                        _ => {}
                    }
                }
                clause.subjects.retain(actor);
                clause.passive_subjects.retain(actor);
                clause.objects.retain(|(r, _, _)| actor(r));
                clause
            })
            .collect();
        for (v, verb) in words.iter().enumerate() {
            let lemma = verb.plain_lemma();
            if verb.upos != Upos::Verb {
                continue;
            }
            // What a speech verb says is the quotes' business ("zegt X", "X zei dat Y …"):
            // only a direct object named outside quotes and reported speech is its party
            // ("het OM vervolgt Smit", "X waarschuwt Y"), and "spreken met" ("Rutte sprak met
            // Macron").
            let speech = SPEECH_VERBS.contains(&lemma.as_str());
            if speech && quoted[parse.first_token + v] {
                continue;
            }
            let clause = &clauses[v];
            let mut subjects = clause.subjects.clone();
            let mut passive_subjects = clause.passive_subjects.clone();
            if subjects.is_empty() && passive_subjects.is_empty() {
                let governor = verb.head.filter(|&h| h < words.len()).map(|h| &clauses[h]);
                let shares_subject = match verb.deprel {
                    Deprel::Conj => true,
                    Deprel::Xcomp => governor.is_some_and(|g| !g.has_object),
                    _ => false,
                };
                if let Some(g) = governor.filter(|_| shares_subject) {
                    let inherited = g.subjects.iter().chain(&g.passive_subjects).cloned();
                    if clause.passive {
                        passive_subjects.extend(inherited);
                    } else {
                        subjects.extend(inherited);
                    }
                }
            }
            // "Leoz werd ontvoerd door de FARC", also when the parser took the subject for
            // an active one.
            let agents: Vec<usize> = clause
                .objects
                .iter()
                .filter(|(_, case, _)| case.as_deref() == Some("door"))
                .map(|&(r, _, _)| r)
                .collect();
            let participle = verb.feats.get("VerbForm") == Some("Part");
            if clause.passive || (participle && !agents.is_empty()) {
                passive_subjects.append(&mut subjects);
            }
            let mut found: Vec<(usize, usize, String)> = Vec::new();
            for &s in &subjects {
                // Where or when it happened (a place or event after in/op/bij/naar…) was
                // left out of the objects above: it is not to whom. "door" names an agent.
                for &(o, ref case, w) in clause.objects.iter().filter(|(_, case, _)| case.as_deref() != Some("door")) {
                    // A speech verb's prepositional objects are mostly what or where it
                    // was said ("zei in de krant", "stelt van"): only "spreken met" is a party.
                    let said_to = case.is_none() || (lemma == "spreken" && case.as_deref() == Some("met"));
                    if speech && (quoted[parse.first_token + w] || !said_to) {
                        continue;
                    }
                    match case.as_deref() {
                        Some(p) => found.push((s, o, format!("{lemma} {p}"))),
                        None => found.push((s, o, lemma.clone())),
                    }
                }
            }
            for &patient in &passive_subjects {
                for &agent in &agents {
                    found.push((agent, patient, lemma.clone()));
                }
            }
            for (source, target, predicate) in found {
                if source == target || !stated.insert((source, target)) {
                    continue;
                }
                let token_span = |w: usize| tokens[parse.first_token + w].span;
                let (a, b) = (token_span(0), token_span(words.len() - 1));
                out.push(relation(
                    source,
                    target,
                    RelationKind::Verb,
                    &predicate,
                    (parse.sentence, Span::new(a.start, b.end)),
                    0.7,
                    Rule::SubjectVerbObject,
                ));
            }
        }
    }
}

/// What the parse says around one verb: the entities its dependents stand for.
#[derive(Debug, Default)]
struct Clause {
    subjects: Vec<usize>,
    passive_subjects: Vec<usize>,
    /// The parties after it, each with its preposition (none for a direct object) and
    /// the word that stands for it.
    objects: Vec<(usize, Option<String>, usize)>,
    has_object: bool,
    /// It has a passive auxiliary ("werd overgenomen").
    passive: bool,
}

/// `at` is the sentence index and the span that states the relation.
fn relation(
    source: usize,
    target: usize,
    kind: RelationKind,
    predicate: &str,
    at: (usize, Span),
    confidence: f32,
    extractor: Rule,
) -> LocalRelation {
    let (sentence, span) = at;
    LocalRelation { source, target, kind, predicate: predicate.to_string(), sentence, span, confidence, extractor }
}

/// The article's main place: the location named most often (at least twice).
fn main_place(ents: &Entities) -> Option<usize> {
    let mut counts: HashMap<usize, usize> = HashMap::new();
    for r in ents.refs.iter().filter(|r| r.named() && ents.entities[r.entity].entity_type == EntityType::Location) {
        *counts.entry(r.entity).or_default() += 1;
    }
    counts.into_iter().filter(|(_, c)| *c >= 2).max_by_key(|(e, c)| (*c, std::cmp::Reverse(*e))).map(|(e, _)| e)
}

fn roles(ents: &Entities, out: &mut Vec<LocalRelation>) {
    let main_place = main_place(ents);
    let explicit: std::collections::HashSet<(usize, &str)> =
        ents.roles.iter().filter(|f| f.place.is_some()).map(|f| (f.person, f.role.as_str())).collect();
    let has_explicit_place = |person: usize, role: &str| explicit.contains(&(person, role));
    for f in &ents.roles {
        match f.place {
            Some(place)
                if f.role == MEMBERSHIP_NOUN
                    || (PARTY_MEMBERSHIP_ROLES.contains(&f.role.as_str())
                        && is_party_or_body(&ents.entities[place].name)) =>
            {
                out.push(relation(
                    f.person,
                    place,
                    RelationKind::MemberOf,
                    "",
                    (f.sentence, f.span),
                    f.confidence,
                    f.extractor,
                ))
            }
            Some(place) => out.push(relation(
                f.person,
                place,
                RelationKind::HoldsRole,
                &f.role,
                (f.sentence, f.span),
                f.confidence,
                f.extractor,
            )),
            None if MUNICIPAL_ROLES.contains(&f.role.as_str()) && !has_explicit_place(f.person, &f.role) => {
                if let Some(place) = main_place {
                    out.push(relation(
                        f.person,
                        place,
                        RelationKind::HoldsRole,
                        &f.role,
                        (f.sentence, f.span),
                        f.confidence * 0.9,
                        Rule::MunicipalRoleMainPlace,
                    ));
                }
            }
            None => {}
        }
    }
    for &(role, place, sentence, span) in &ents.role_places {
        out.push(relation(role, place, RelationKind::RoleOf, "", (sentence, span), 0.8, Rule::RoleVanPlace));
    }
    for (law, office, power, sentence, span) in &ents.provisions {
        out.push(relation(*law, *office, RelationKind::Grants, power, (*sentence, *span), 0.7, Rule::LawOfficeModal));
    }
}

/// Speaker → each entity named in the quote, for quotes whose speaker the sentence
/// states (speech verb or colon), or whose inferred speaker (the last person named) is
/// referred to earlier in the quote's own paragraph ("Aboutaleb rekent voor waarom …
/// \"We hebben …\""). Other inferred speakers stay on the quote but state no typed fact:
/// on the annotated articles they were wrong more often than right.
fn quoted_about(text: &str, ents: &Entities, out: &mut Vec<LocalRelation>) {
    // Where each entity's refs end, in order; where blank lines are.
    let mut ends: HashMap<usize, Vec<usize>> = HashMap::new();
    for r in &ents.refs {
        ends.entry(r.entity).or_default().push(r.span.end);
    }
    ends.values_mut().for_each(|e| e.sort_unstable());
    let breaks: Vec<usize> = text.match_indices("\n\n").map(|(at, _)| at).collect();
    for q in ents.quotes.iter().filter(|q| q.kind == QuoteKind::Direct) {
        let Some(speaker) = q.speaker else { continue };
        let explicit = q.extractor.is_stated();
        let opens = q.span.start;
        // The speaker's last ref ending before the quote, and no blank line between.
        let same_paragraph = ends.get(&speaker).is_some_and(|ends| {
            let before = ends.partition_point(|&e| e <= opens);
            before > 0 && {
                let last = ends[before - 1];
                let first_break = breaks.partition_point(|&b| b < last);
                breaks.get(first_break).is_none_or(|&b| b + 2 > opens)
            }
        });
        if !explicit && !same_paragraph {
            continue;
        }
        let mut seen = BTreeSet::new();
        for r in ents.named_within(q.span).filter(|r| r.entity != speaker) {
            if seen.insert(r.entity) {
                let confidence = if explicit { 0.8 } else { 0.6 };
                out.push(relation(
                    speaker,
                    r.entity,
                    RelationKind::QuotedAbout,
                    "",
                    (r.sentence, q.span),
                    confidence,
                    q.extractor,
                ));
            }
        }
    }
}

/// How many words an event's place may follow it by.
const EVENT_PLACE_GAP: usize = 3;

/// Something named in a place:
/// - "de politie in Rotterdam", "het WK in Edmonton", "Lyon in Frankrijk": an
///   organisation, event, other named thing or place directly followed by in/uit/te + a place
///   (each place of a list: "in Gent, Antwerpen en Luik"), or an organisation by van + a place
///   ("de Hall of Fame van Nashville");
/// - "Luttrell, Tennessee": a place, a comma and a place, not inside a list of places;
/// - "AZ&PC (Amersfoort)": a place alone in brackets after the name;
/// - "het Britse concern Gullane", "de Colombiaanse voetbalbond": a place adjective before
///   the name or starting it (`coref::demonym_places`);
/// - an organisation's seat: "Heineken, dat is gevestigd in Amsterdam", "X heeft zijn
///   hoofdkantoor in Y", "het in Eindhoven gevestigde ASML" (`SEAT_WORDS`).
fn located_in(text: &str, tokens: &[Token], ents: &Entities, out: &mut Vec<LocalRelation>) {
    let word = |i: usize| tokens.get(i).map_or("", |t| token_text(text, t));
    let is_place = |r: &&Ref| ents.entities[r.entity].entity_type == EntityType::Location;
    let push = |a: &Ref, b: &Ref, confidence: f32, extractor: Rule, out: &mut Vec<LocalRelation>| {
        if a.entity != b.entity {
            let span = Span::new(a.span.start.min(b.span.start), a.span.end.max(b.span.end));
            out.push(relation(
                a.entity,
                b.entity,
                RelationKind::LocatedIn,
                "",
                (a.sentence, span),
                confidence,
                extractor,
            ));
        }
    };
    for a in ents.refs.iter().filter(|r| r.named()) {
        let ty = ents.entities[a.entity].entity_type;
        if !matches!(ty, EntityType::Organization | EntityType::Misc | EntityType::Event | EntityType::Location) {
            continue;
        }
        let after = a.tokens.end;
        // An event may have a few words between it and its place: "het WK zwemmen in
        // Fukuoka", "het WK in november in Taiwan", "het EK over drie weken in Bonn".
        let gap = if matches!(ty, EntityType::Misc | EntityType::Event) { EVENT_PLACE_GAP } else { 0 };
        let place_after = (after..=after + gap)
            .take_while(|&k| k == after || word(k - 1).chars().all(|c| c.is_lowercase() || c.is_ascii_digit()))
            // "de Country Music Hall of Fame van Nashville", "de politie van Rotterdam": an
            // organisation's "van" + a place, right after it.
            .filter(|&k| {
                matches!(word(k), "in" | "uit" | "te")
                    || (k == after && ty == EntityType::Organization && word(k) == "van")
            })
            .find_map(|k| ents.named_at(k + 1).filter(is_place));
        // "AZ&PC (Amersfoort)", "Luttrell (Tennessee)": a place alone in brackets.
        let bracketed = (word(after) == "(")
            .then(|| ents.named_at(after + 1).filter(is_place).filter(|b| word(b.tokens.end) == ")"))
            .flatten();
        if let Some(b) = place_after {
            push(a, b, 0.7, Rule::NamedInPlace, out);
            // "de politie in Gent, Antwerpen en Luik": each place of a list after in/uit/te.
            let mut last = b;
            while let Some(next) = matches!(word(last.tokens.end), "," | "en" | "of")
                .then(|| ents.named_at(last.tokens.end + 1).filter(is_place))
                .flatten()
            {
                push(a, next, 0.6, Rule::NamedInPlace, out);
                last = next;
            }
        } else if let Some(b) = bracketed {
            push(a, b, 0.7, Rule::PlaceInBrackets, out);
        } else if ty == EntityType::Location && word(after) == "," {
            let in_list = |k: usize| matches!(word(k), "," | "en" | "of" | "en/of");
            let Some(b) = ents.named_at(after + 1).filter(is_place) else { continue };
            if !in_list(b.tokens.end) && (a.tokens.start == 0 || !in_list(a.tokens.start - 1)) {
                push(a, b, 0.6, Rule::PlaceCommaPlace, out);
            }
        }
    }
    // Seated: "Heineken, dat in Amsterdam is gevestigd", "ASML, gevestigd in Veldhoven",
    // "X heeft zijn hoofdkantoor in Y"; and before the name, "het in Eindhoven gevestigde
    // (bedrijf) ASML".
    let seat = |k: usize| SEAT_WORDS.contains(&word(k).to_lowercase().as_str());
    let organisation = |r: &&Ref| is_organisation(ents, r.entity);
    for b in ents.refs.iter().filter(|r| r.named()).filter(is_place) {
        let Some(before) = b.tokens.start.checked_sub(1).filter(|&k| matches!(word(k), "in" | "te")) else {
            continue;
        };
        let end = b.tokens.end;
        // "het in Eindhoven gevestigde (bedrijf) ASML"
        let named_after = seat(end)
            .then(|| {
                (end + 1..=end + 2)
                    .take_while(|&k| k == end + 1 || word(k - 1).chars().all(char::is_lowercase))
                    .find_map(|k| ents.named_at(k).filter(organisation))
            })
            .flatten();
        if let Some(a) = named_after {
            push(a, b, 0.75, Rule::NamedInPlace, out);
            continue;
        }
        // "X(,) (dat/die) (is/zit) gevestigd in Y", "X, dat in Y (is) gevestigd (is)", "X,
        // met zijn hoofdkantoor in Y": back over a few lowercase words and commas, a seat
        // word among them or right after the place, to the organisation's name.
        let mut seated = seat(end) || seat(end + 1);
        let mut k = before;
        for _ in 0..SEAT_WINDOW {
            let Some(prev) = k.checked_sub(1) else { break };
            if let Some(a) = ents.named_ending(prev + 1).filter(organisation) {
                if seated {
                    push(a, b, 0.75, Rule::NamedInPlace, out);
                }
                break;
            }
            let w = word(prev);
            if !(w == "," || w.chars().all(char::is_lowercase)) {
                break;
            }
            seated |= seat(prev);
            k = prev;
        }
    }
    for &(thing, place, sentence, span) in &ents.demonym_places {
        out.push(relation(thing, place, RelationKind::LocatedIn, "", (sentence, span), 0.6, Rule::DemonymPlace));
    }
}

/// Words that say where an organisation is seated.
const SEAT_WORDS: &[&str] = &[
    "gevestigd",
    "gevestigde",
    "gehuisvest",
    "gehuisveste",
    "zetelt",
    "zetelde",
    "hoofdkantoor",
    "hoofdzetel",
    "hoofdkwartier",
];
/// How many words may stand between an organisation's name and "in"/"te" + its seat.
const SEAT_WINDOW: usize = 5;

/// "minister Bert Anciaux (VU)", "Karsten Kroon (Rabo)", "minister Brinkhorst
/// (Landbouw)": a person's name directly followed by an organisation's name alone in
/// brackets is the person's party or body (MEMBER_OF), or a minister's portfolio
/// (HOLDS_ROLE, when the person holds a ministerial role), or else their employer or team
/// (WORKS_FOR).
fn member_of(text: &str, tokens: &[Token], ents: &Entities, out: &mut Vec<LocalRelation>) {
    let word = |i: usize| tokens.get(i).map(|t| token_text(text, t));
    for a in ents.refs.iter().filter(|r| r.named() && ents.entities[r.entity].entity_type == EntityType::Person) {
        let open = a.tokens.end;
        if word(open) != Some("(") {
            continue;
        }
        let Some(b) = ents
            .named_at(open + 1)
            .filter(|r| matches!(ents.entities[r.entity].entity_type, EntityType::Organization | EntityType::Misc))
        else {
            continue;
        };
        if b.tokens.start != open + 1 || word(b.tokens.end) != Some(")") || a.entity == b.entity {
            continue;
        }
        let name = &ents.entities[b.entity].name;
        let at = (a.sentence, Span::new(a.span.start, tokens[b.tokens.end].span.end));
        let portfolio = name.split_whitespace().next().is_some_and(|w| PORTFOLIOS.contains(&w));
        if portfolio {
            let roles = &ents.entities[a.entity].roles;
            if let Some(role) = roles.iter().find(|r| PORTFOLIO_ROLES.iter().any(|p| r.ends_with(p))) {
                out.push(relation(
                    a.entity,
                    b.entity,
                    RelationKind::HoldsRole,
                    role,
                    at,
                    0.8,
                    Rule::PersonBracketedOrganisation,
                ));
            }
        } else if is_party_or_body(name) {
            out.push(relation(
                a.entity,
                b.entity,
                RelationKind::MemberOf,
                "",
                at,
                0.8,
                Rule::PersonBracketedOrganisation,
            ));
        } else if ents.entities[b.entity].entity_type == EntityType::Organization
            // A one-word MISC ("Quick-Step"), not a spelled-out name ("Beltrace (Belgian Tracability)").
            || (b.tokens.len() == 1 && !is_demonym(name))
        {
            out.push(relation(
                a.entity,
                b.entity,
                RelationKind::WorksFor,
                "",
                at,
                0.7,
                Rule::PersonBracketedOrganisation,
            ));
        }
    }
}

/// Roles that have a portfolio: "minister Brinkhorst (Landbouw)".
const PORTFOLIO_ROLES: &[&str] = &["minister", "staatssecretaris", "schepen", "wethouder", "gedeputeerde"];

/// Forms of the verbs of working or playing for an organisation ("speelt bij Ajax",
/// "rijdt voor Mercury-Viatel", "werkte bij ING", "tekende bij PSV").
const WORK_VERB_FORMS: &[&str] = &[
    "werkt",
    "werkte",
    "werkten",
    "gewerkt",
    "werken",
    "speelt",
    "speelde",
    "speelden",
    "gespeeld",
    "spelen",
    "rijdt",
    "reed",
    "reden",
    "gereden",
    "rijden",
    "voetbalt",
    "voetbalde",
    "gevoetbald",
    "voetballen",
    "tekent",
    "tekende",
    "getekend",
    "tekenen",
    "schaatst",
    "schaatste",
    "fietst",
    "fietste",
    "zwemt",
    "zwom",
];

/// How far (in words of the same clause) a work verb and its subject may stand from the
/// preposition before the organisation.
const WORK_CLAUSE: usize = 10;

/// Employment or a team stated by a verb: "X speelt bij Ajax", "El Yamani, die bij
/// Standard Luik speelt,", "Koerts reed in 1997 in dienst van Rabo", "rijdt voor
/// Mercury-Viatel" → the person WORKS_FOR the organisation. The person is the nearest one
/// (named or referred to) before the preposition in its clause, or the antecedent of a
/// relative "die"; the verb stands in that clause or right after the organisation.
fn works_for(text: &str, tokens: &[Token], sentences: &[Span], ents: &Entities, out: &mut Vec<LocalRelation>) {
    let lower = |i: usize| tokens.get(i).map_or(String::new(), |t| token_text(text, t).to_lowercase());
    let is_break = |i: usize| matches!(lower(i).as_str(), "," | ";" | ":" | "." | "(" | ")");
    let person_ending: HashMap<usize, &Ref> = ents
        .refs
        .iter()
        .filter(|r| ents.entities[r.entity].entity_type == EntityType::Person)
        .map(|r| (r.tokens.end, r))
        .collect();
    for b in ents.refs.iter().filter(|r| r.named() && is_organisation(ents, r.entity)) {
        let mut p = b.tokens.start;
        if p > 0 && matches!(lower(p - 1).as_str(), "de" | "het") {
            p -= 1;
        }
        let Some(prep) = p.checked_sub(1) else { continue };
        let in_service = lower(prep) == "van" && prep >= 2 && lower(prep - 1) == "dienst" && lower(prep - 2) == "in";
        if !in_service && !matches!(lower(prep).as_str(), "bij" | "voor") {
            continue;
        }
        let sentence = sentences[b.sentence];
        let same_sentence = |k: usize| tokens.get(k).is_some_and(|t| sentence.contains(t.span));
        let mut verb = in_service;
        let mut person = None;
        let mut k = prep;
        for _ in 0..WORK_CLAUSE {
            let Some(before) = k.checked_sub(1).filter(|&x| same_sentence(x) && !is_break(x)) else {
                // "X, die bij … speelt": the relative's antecedent.
                if person.is_none() && lower(k) == "die" && k > 0 && lower(k - 1) == "," {
                    person = person_ending.get(&(k - 1)).copied();
                }
                break;
            };
            k = before;
            verb |= WORK_VERB_FORMS.contains(&lower(k).as_str());
            if person.is_none() {
                person = person_ending.get(&(k + 1)).copied().filter(|r| r.tokens.end <= prep);
            }
        }
        // Verb-final clauses: "die bij Standard Luik speelt".
        for after in b.tokens.end..b.tokens.end + 3 {
            if !same_sentence(after) || is_break(after) {
                break;
            }
            verb |= WORK_VERB_FORMS.contains(&lower(after).as_str());
        }
        let Some(a) = person.filter(|a| a.entity != b.entity && verb) else { continue };
        let span = Span::new(a.span.start.min(b.span.start), a.span.end.max(b.span.end));
        out.push(relation(a.entity, b.entity, RelationKind::WorksFor, "", (b.sentence, span), 0.7, Rule::WorksForVerb));
    }
}

/// OWNS and PART_OF stated by a noun of ownership or of parts (`coref::holdings`).
fn ownership_nouns(ents: &Entities, out: &mut Vec<LocalRelation>) {
    for h in &ents.holdings {
        out.push(relation(h.source, h.target, h.kind, "", (h.sentence, h.span), 0.75, Rule::OwnershipNoun));
    }
}

fn lemma(word: &str) -> Option<&'static str> {
    let lower = word.to_lowercase();
    RELATION_VERBS
        .iter()
        .find(|(lemma, forms)| *lemma == lower || forms.contains(&lower.as_str()))
        .map(|(lemma, _)| *lemma)
}

/// Subject –verb→ object between two named entities of one clause: "X versloeg Y",
/// "X krijgt meldingen van Y", and with inversion "… krijgt X … meldingen … bij Y".
/// The predicate is the verb lemma, plus the object noun and preposition when a
/// prepositional phrase links the second entity ("krijgen meldingen bij").
fn verbs(text: &str, tokens: &[Token], sentences: &[Span], ents: &Entities, out: &mut Vec<LocalRelation>) {
    let word = |i: usize| tokens.get(i).map_or("", |t| token_text(text, t));
    // Clause boundaries; a relative clause ("meldingen die bij X …") stays in.
    let is_boundary = |i: usize| {
        matches!(
            word(i),
            "," | ";"
                | ":"
                | "."
                | "!"
                | "?"
                | "en"
                | "maar"
                | "want"
                | "of"
                | "dat"
                | "omdat"
                | "terwijl"
                | "als"
                | "toen"
        ) || tokens[i].kind == super::tokenize::TokenKind::Quote
    };
    let typed = |r: &&super::coref::Ref| {
        r.named()
            && matches!(
                ents.entities[r.entity].entity_type,
                EntityType::Person | EntityType::Organization | EntityType::Location | EntityType::Law
            )
    };
    for subject in ents.refs.iter().filter(typed) {
        // Verb right after the subject ("X krijgt") or right before it ("krijgt X").
        let (verb_at, after) = if let Some(l) = lemma(word(subject.tokens.end)) {
            ((subject.tokens.end, l), subject.tokens.end + 1)
        } else if let Some(l) = subject.tokens.start.checked_sub(1).and_then(|v| lemma(word(v))) {
            ((subject.tokens.start - 1, l), subject.tokens.end)
        } else {
            continue;
        };
        let (verb, verb_lemma) = verb_at;
        if !sentences[subject.sentence].contains(tokens[verb].span) {
            continue;
        }
        // The object: the next named entity in the same clause, within 10 tokens.
        let mut k = after;
        let limit = (after + 10).min(tokens.len());
        let object = loop {
            if k >= limit || is_boundary(k) {
                break None;
            }
            if let Some(r) = ents.named_at(k).filter(typed) {
                break Some(r);
            }
            k += 1;
        };
        let Some(object) = object.filter(|o| o.entity != subject.entity && o.sentence == subject.sentence) else {
            continue;
        };
        let between: Vec<String> = (after..object.tokens.start).map(|i| word(i).to_lowercase()).collect();
        let mut predicate = verb_lemma.to_string();
        if let Some(prep) = between.last().filter(|p| LINKING_PREPOSITIONS.contains(&p.as_str())) {
            let noun = between.iter().rev().skip(1).find(|w| {
                w.chars().all(char::is_alphabetic)
                    && !OBJECT_STOPWORDS.contains(&w.as_str())
                    && !LINKING_PREPOSITIONS.contains(&w.as_str())
                    && lemma(w).is_none()
            });
            if let Some(noun) = noun {
                predicate = format!("{verb_lemma} {noun} {prep}");
            } else {
                predicate = format!("{verb_lemma} {prep}");
            }
        } else if !between.is_empty() {
            // Anything but a direct object in between: too loose to call.
            continue;
        }
        let start = subject.span.start.min(tokens[verb].span.start);
        let span = Span::new(start, object.span.end);
        out.push(relation(
            subject.entity,
            object.entity,
            RelationKind::Verb,
            &predicate,
            (subject.sentence, span),
            0.6,
            Rule::VerbClause,
        ));
    }
}

/// A sentence that refers to more entities than this states no co-occurrence: it is a
/// list, not a statement (and pairs would grow with the square of its length).
const MAX_COOCCURRING: usize = 12;

/// Every pair of entities referred to in one sentence (at most `MAX_COOCCURRING`), but for
/// pairs a typed relation already states in that sentence (it says more than that they
/// were named together).
fn co_occurrence(sentences: &[Span], ents: &Entities, out: &mut Vec<LocalRelation>) {
    let typed: BTreeSet<(usize, usize, usize)> =
        out.iter().map(|r| (r.sentence, r.source.min(r.target), r.source.max(r.target))).collect();
    let mut by_sentence: Vec<Vec<(usize, bool)>> = vec![Vec::new(); sentences.len()];
    for r in &ents.refs {
        let list = &mut by_sentence[r.sentence];
        if list.len() > MAX_COOCCURRING {
            continue;
        }
        match list.iter_mut().find(|(e, _)| *e == r.entity) {
            Some(entry) => entry.1 |= r.named(),
            None => list.push((r.entity, r.named())),
        }
    }
    for (si, list) in by_sentence.iter_mut().enumerate() {
        if list.len() > MAX_COOCCURRING {
            continue;
        }
        list.sort_unstable();
        for (i, &(a, named_a)) in list.iter().enumerate() {
            for &(b, named_b) in list[i + 1..].iter().filter(|(b, _)| !typed.contains(&(si, a, *b))) {
                let confidence = if named_a && named_b { 0.3 } else { 0.2 };
                out.push(relation(
                    a,
                    b,
                    RelationKind::CoOccurs,
                    "",
                    (si, sentences[si]),
                    confidence,
                    Rule::SentenceCooccurrence,
                ));
            }
        }
    }
}
