//! Who said what: the speaker of every direct quote, and reported speech.
//!
//! A direct quote is text in quote marks that is speech (`is_speech`: not a title, name,
//! nickname or scare quote). Its speaker comes from the first of these rules that fires
//! (a sieve, most reliable first):
//! 1. a speech tag after the closing mark, in its sentence: "…", zegt X / aldus X / sprak
//!    bondscoach X / zo meldt X / zegt hij; a spokesperson speaks for whom they speak for
//!    ("zei een woordvoerder van Philips" → Philips). A tag whose speaker is not named ("aldus de
//!    woordvoerster", "klonk het") leaves the quote without a speaker. A quote interrupted
//!    by its own tag (",,Wij weten'', aldus Jansen, ,,waar …''") is joined into one;
//! 2. a speech verb or a colon before the opening mark, in its sentence: "X zegt: …",
//!    "X: …", "zei hij dat ,,…''"; the speaker is the subject next to the verb or the
//!    first person or organisation of the lead-in that no preposition governs;
//! 3. the quote before it, when nobody else is referred to in between (a speaker goes on
//!    over several quotes);
//! 4. the person the narration is about (`salient_person`): references in the sentences
//!    before the quote, subjects weighing more, nearer ones more, plus how often the
//!    article names each person (an interview's bare quotes are its subject's).
//!
//! Reported speech — "X zei dat …", "volgens X …", "…, aldus X" without quote marks —
//! becomes a quote of kind `Reported` whose text starts after the attribution.
//!
//! Invariants: a speaker is a person or an organisation (never a place, work or product);
//! a pronoun speaker is the entity coreference resolved it to; quotes come out in text
//! order and never overlap.

use super::coref::{salience, salient_person, AttributedQuote, Ctx, Entities, Ref};
use super::quotes::QuoteRegion;
use super::tokenize::Sentence;
use super::words::{
    is_apposition_noun, role_noun, DUTCH_FUNCTION_WORDS, FIRST_PERSON_SINGULAR, PARTICLE_REPORTING_VERBS, PREPOSITIONS,
    REPORTING_VERBS, SPEECH_VERBS,
};
use crate::model::{EntityType, MentionSource, QuoteKind, Rule, Span};
use std::collections::HashMap;

/// How far (in tokens) before a quote its lead-in ("X zei gisteren tegen de pers: …") is
/// read, and before a reporting verb its subject.
const LEAD_IN_TOKENS: usize = 16;
/// How far (in tokens) a speech tag after a quote may run.
const TAG_AFTER_TOKENS: usize = 8;
/// How many paragraphs on a speaker goes on when nobody else is referred to (headings
/// count as paragraphs).
const CONTINUED_PARAGRAPHS: usize = 3;
/// How many sentences before a bare quote count for who the narration is about.
const NARRATION_SENTENCES: usize = 6;
/// How far the person the narration is about must lead the runner-up: when two fit
/// about as well, a reader cannot tell whose the quote is, and neither can we.
const NARRATION_LEAD: f32 = 1.25;

/// Is the text in quote marks something said, not a title, nickname or scare quote?
/// Said is at least three words, of Dutch (at least one common Dutch word), and not in
/// title case: fewer than half its words capitalised, or a full sentence. "Mr. Guitar",
/// "A Man and his Guitar", "Wake up little Susie", "Het Verdriet van België", "rood",
/// "per ongeluk" are not. The words of names (`in_name`) do not count: "Lernout & Hauspie
/// is marktleider" is said.
fn is_speech(ctx: &Ctx, in_name: &[bool], mut tokens: std::ops::Range<usize>) -> bool {
    let words: Vec<&str> = tokens
        .clone()
        .filter(|&k| !in_name[k])
        .map(|k| ctx.word(k))
        .filter(|w| w.chars().any(char::is_alphabetic))
        .collect();
    let capitalised = words.iter().filter(|w| w.chars().next().is_some_and(char::is_uppercase)).count();
    let dutch = words.iter().any(|w| DUTCH_FUNCTION_WORDS.contains(&w.to_lowercase().as_str()));
    let sentence_end = tokens.any(|k| matches!(ctx.word(k), "." | "!" | "?"));
    words.len() >= 3 && dutch && (2 * capitalised < words.len() || (sentence_end && capitalised < words.len()))
}

/// Does the quote starting at token `first` (after its opening mark) go on a sentence
/// of the narrator's? Its mark follows a lowercase word of that sentence that introduces
/// no speech ("een 'regering van nationale eenheid'", "zijn in feite "beroepsmoordenaars
/// die …""): the words are a term or a fragment the narrator quotes, not a quote of their
/// own. After "dat", a speech verb, a colon or a comma they are ("zei hij dat ,,het volk
/// erom vraagt''").
fn inside_narration(ctx: &Ctx, first: usize) -> bool {
    let Some(before) = first.checked_sub(2) else { return false };
    let word = ctx.word(before);
    ctx.sentence_of[before] == ctx.sentence_of[first]
        && word.chars().next().is_some_and(char::is_lowercase)
        && word.chars().all(char::is_alphabetic)
        && !matches!(word, "dat" | "of")
        && !is_speech_verb(ctx, before)
}

fn can_speak(out: &Entities, entity: usize) -> bool {
    matches!(out.entities[entity].entity_type, EntityType::Person | EntityType::Organization)
}

fn is_speech_verb(ctx: &Ctx, k: usize) -> bool {
    SPEECH_VERBS.contains(&ctx.lower(k).as_str())
}

/// A quote being attributed: one region, or two joined across their speech tag.
struct Draft {
    tokens: std::ops::Range<usize>,
    /// One past the closing mark of the last part.
    after: usize,
    span: Span,
    text: String,
    paragraph: usize,
}

/// The references that may be speakers, outside quotes, sorted by position.
struct Speakers<'a> {
    refs: Vec<&'a Ref>,
    out: &'a Entities,
}

impl<'a> Speakers<'a> {
    fn new(ctx: &Ctx, out: &'a Entities) -> Self {
        let mut refs: Vec<&Ref> =
            out.refs.iter().filter(|r| ctx.quote_of[r.tokens.start].is_none() && can_speak(out, r.entity)).collect();
        refs.sort_by_key(|r| r.tokens.start);
        Speakers { refs, out }
    }

    /// Refs starting in `from..to`, in order.
    fn within(&self, from: usize, to: usize) -> &[&'a Ref] {
        let a = self.refs.partition_point(|r| r.tokens.start < from);
        let b = self.refs.partition_point(|r| r.tokens.start < to);
        &self.refs[a..b.max(a)]
    }

    /// A preposition governs the ref ("tegen El País", "van Interpay"): no subject. A
    /// short form in brackets is governed as the name it follows ("bij de Administratie
    /// voor Huisvesting (Ahrom)").
    fn governed(&self, ctx: &Ctx, r: &Ref) -> bool {
        let start = r.tokens.start;
        ctx.governed(start)
            || ctx.word(start.wrapping_sub(1)) == "("
                && self.refs.iter().any(|p| p.tokens.end + 1 == start && ctx.governed(p.tokens.start))
    }
}

/// Nouns for someone who speaks on an organisation's or a person's behalf.
const SPOKESPERSONS: &[&str] =
    &["woordvoerder", "woordvoerster", "zegsman", "zegsvrouw", "voorlichter", "voorlichtster", "persvoorlichter"];

/// "een woordvoerder van Philips", "de zegsman namens de bond", "een Philips-woordvoerster":
/// the organisation or person a spokesperson in `from..to` speaks for; or the
/// spokesperson, when named ("KNVB-woordvoerder De Leede", "de woordvoerder van ING,
/// Karin Bos").
fn spokesperson_of(ctx: &Ctx, speakers: &Speakers, from: usize, to: usize) -> Option<usize> {
    let spokesperson = |k: usize| {
        let word = ctx.lower(k);
        SPOKESPERSONS.iter().any(|s| word == *s || word.strip_suffix(s).is_some_and(|p| p.ends_with('-')))
    };
    let at = (from..to).find(|&k| spokesperson(k))?;
    let refs = speakers.within(at, to.max(at + 4));
    // A spokesperson the text names speaks as themselves ("KNVB-woordvoerder De Leede").
    if let Some(r) = refs.iter().find(|r| {
        r.tokens.start == at + 1 && r.named() && speakers.out.entities[r.entity].entity_type == EntityType::Person
    }) {
        return Some(r.entity);
    }
    // The compound's first part is a ref on the noun's own token.
    if let Some(r) = refs.iter().find(|r| r.tokens.start == at) {
        return Some(r.entity);
    }
    if !matches!(ctx.lower(at + 1).as_str(), "van" | "namens") {
        return None;
    }
    let article = usize::from(matches!(ctx.lower(at + 2).as_str(), "de" | "het"));
    let organisation = refs.iter().find(|r| r.tokens.start == at + 2 + article)?;
    // "de woordvoerder van ING, Karin Bos": named after a comma, the spokesperson speaks.
    let after = organisation.tokens.end;
    let named = (ctx.word(after) == ",")
        .then(|| speakers.within(after + 1, after + 2).first().copied())
        .flatten()
        .filter(|r| r.named() && speakers.out.entities[r.entity].entity_type == EntityType::Person);
    Some(named.unwrap_or(organisation).entity)
}

/// Rule 1: "…", zegt X. Returns the tag's end (one past its last token) and its speaker
/// (None when the tag names nobody who can speak).
fn tag_after(ctx: &Ctx, speakers: &Speakers, close: usize) -> Option<(usize, Option<usize>)> {
    let sentence = ctx.sentence_of.get(close).copied()?;
    let in_tag = |k: usize| {
        k < ctx.tokens.len() && ctx.quote_of[k].is_none() && !ctx.is_quote_mark(k) && ctx.sentence_of[k] <= sentence + 1
    };
    let mut k = close + 1;
    while in_tag(k) && matches!(ctx.word(k), "," | "zo" | "Zo") {
        k += 1;
    }
    let start = k;
    // The splitter may end a sentence at the quote's own full stop ("…sluiten.'' zei hij"),
    // but a capitalised word after it opens a sentence of its own ("…sluiten.''
    // Volgens Kok …"), which is no tag.
    let new_sentence = start < ctx.tokens.len() && ctx.sentence_of[start] > sentence;
    if new_sentence && ctx.word(start).chars().next().is_some_and(char::is_uppercase) {
        return None;
    }
    let mut end = start;
    while end < start + TAG_AFTER_TOKENS && in_tag(end) && !matches!(ctx.word(end), "." | "!" | "?" | ";") {
        end += 1;
    }
    // "zegt X", or "X zegt"; or, after a comma, any lowercase word with a speaker right
    // behind it (Dutch puts the verb first in a tag: "…'', toonde leider Rossi zich tevreden").
    // "…'', riep een priester de paus toe": an indefinite subject is nobody named.
    let first_ref = speakers
        .within(start, end)
        .iter()
        .find(|r| !speakers.governed(ctx, r))
        .filter(|r| !(start..r.tokens.start).any(|k| matches!(ctx.lower(k).as_str(), "een" | "volgens")));
    let comma = ctx.word(close + 1) == ",";
    let inverted = comma
        && ctx.word(start).chars().next().is_some_and(char::is_lowercase)
        && first_ref.is_some_and(|r| r.tokens.start > start && r.tokens.start <= start + 3);
    let verb = (start..end.min(start + 4)).find(|&v| is_speech_verb(ctx, v)).or(inverted.then_some(start))?;
    let speaker = spokesperson_of(ctx, speakers, start, end)
        .or_else(|| first_ref.filter(|r| r.tokens.start > verb || r.tokens.end == verb).map(|r| r.entity));
    let tag_end = first_ref.map_or(verb + 1, |r| r.tokens.end.max(verb + 1));
    Some((tag_end, speaker))
}

/// Rule 2: "X zegt: …", "X: …", "zei hij dat ,,…''". `open` is the opening mark.
/// Returns Some(speaker) when the lead-in is a speech tag; the speaker may be unknown.
fn tag_before(ctx: &Ctx, speakers: &Speakers, sentences: &[Sentence], open: usize) -> Option<Option<usize>> {
    let s = &sentences[ctx.sentence_of[open]];
    let lead = s.tokens.start.max(open.saturating_sub(LEAD_IN_TOKENS))..open;
    let colon = open.checked_sub(1).is_some_and(|k| k >= s.tokens.start && ctx.word(k) == ":");
    let verb = lead.clone().rev().take(10).find(|&k| ctx.quote_of[k].is_none() && is_speech_verb(ctx, k));
    if !colon && verb.is_none() {
        return None;
    }
    let refs: Vec<&Ref> =
        speakers.within(lead.start, lead.end).iter().copied().filter(|r| !speakers.governed(ctx, r)).collect();
    let next_to_verb = verb.and_then(|v| {
        refs.iter()
            .find(|r| (r.tokens.end <= v && v - r.tokens.end <= 2) || (r.tokens.start > v && r.tokens.start <= v + 2))
    });
    Some(spokesperson_of(ctx, speakers, lead.start, lead.end).or(next_to_verb.or(refs.first()).map(|r| r.entity)))
}

/// Rule 4: the person the narration before `at` is about, if anyone: `salience` over
/// the last `NARRATION_SENTENCES` sentences, plus a quarter for every time the article
/// names the person (a reader knows whom an interview is with from its headline on).
fn narration_speaker(ctx: &Ctx, persons: &[Ref], named: &HashMap<usize, usize>, at: usize) -> Option<usize> {
    let mut scores: Vec<(usize, f32)> = salience(ctx, persons, at, NARRATION_SENTENCES)
        .into_iter()
        .map(|(e, s)| (e, s + 0.25 * named.get(&e).copied().unwrap_or(0) as f32))
        .collect();
    scores.sort_by(|a, b| b.1.total_cmp(&a.1));
    match scores.as_slice() {
        [] => None,
        [(e, _)] => Some(*e),
        [(e, best), (_, second), ..] => (*best > NARRATION_LEAD * *second).then_some(*e),
    }
}

/// Person refs outside quotes, named or resolved, in text order.
fn person_history(ctx: &Ctx, out: &Entities) -> Vec<Ref> {
    let mut refs: Vec<Ref> = out
        .refs
        .iter()
        .filter(|r| ctx.quote_of[r.tokens.start].is_none() && out.entities[r.entity].entity_type == EntityType::Person)
        .cloned()
        .collect();
    refs.sort_by_key(|r| r.tokens.start);
    refs
}

/// Direct quotes with their speakers (rules 1–4), in text order.
pub(super) fn attribute_quotes(ctx: &Ctx, sentences: &[Sentence], regions: &[QuoteRegion], out: &mut Entities) {
    let speakers = Speakers::new(ctx, out);
    let persons = person_history(ctx, out);
    let mut named: HashMap<usize, usize> = HashMap::new();
    for r in persons.iter().filter(|r| r.named()) {
        *named.entry(r.entity).or_default() += 1;
    }
    let mut in_name = vec![false; ctx.tokens.len()];
    for r in out.refs.iter().filter(|r| r.named()) {
        in_name[r.tokens.clone()].iter_mut().for_each(|t| *t = true);
    }
    let mut attributed: Vec<AttributedQuote> = Vec::new();
    // The last quote with a speaker: (one past its end, paragraph, speaker).
    let mut last: Option<(usize, usize, usize)> = None;
    let mut i = 0;
    while i < regions.len() {
        let q = &regions[i];
        i += 1;
        let mut draft = Draft {
            tokens: q.tokens.clone(),
            after: q.close + 1,
            span: q.span,
            text: ctx.text[q.span.start..q.span.end].to_string(),
            paragraph: q.paragraph,
        };
        let mut after = tag_after(ctx, &speakers, q.close);
        // Joined across its tag: ",,Wij weten'', aldus Jansen, ,,waar …''".
        if let (Some((tag_end, _)), Some(next)) = (after, regions.get(i)) {
            // The tag may go on to a comma: ",,…'', verklaarde X na het incident, ,,…''".
            let mut k = (tag_end..(tag_end + TAG_AFTER_TOKENS).min(next.tokens.start))
                .find(|&c| matches!(ctx.word(c), "," | ":" | "."))
                .unwrap_or(tag_end);
            let mut full_stop = false;
            while k < ctx.tokens.len() && matches!(ctx.word(k), "," | ":" | ".") {
                full_stop |= ctx.word(k) == ".";
                k += 1;
            }
            // After a full stop only a quote that goes on in lowercase is the same one
            // (",,Omdat'', wist Jansen. ,,wij altijd scherp waren").
            let goes_on = !full_stop || ctx.word(next.tokens.start).chars().next().is_some_and(char::is_lowercase);
            if next.tokens.start == k + 1 && next.paragraph == q.paragraph && goes_on {
                draft.tokens = q.tokens.start..next.tokens.end;
                draft.after = next.close + 1;
                draft.span = Span::new(q.span.start, next.span.end);
                draft.text = format!("{} {}", draft.text, &ctx.text[next.span.start..next.span.end]);
                i += 1;
                if after.is_some_and(|(_, s)| s.is_none()) {
                    after = tag_after(ctx, &speakers, next.close).or(after);
                }
            }
        }
        if !is_speech(ctx, &in_name, draft.tokens.clone()) || inside_narration(ctx, draft.tokens.start) {
            continue;
        }
        let open = draft.tokens.start.saturating_sub(1);
        let (speaker, extractor) = if let Some((_, speaker)) = after {
            (speaker, Rule::QuoteSpeechVerb)
        } else if let Some(Some(speaker)) = tag_before(ctx, &speakers, sentences, open) {
            (Some(speaker), Rule::QuoteSpeechVerb)
        } else if let Some((_, _, speaker)) = last.filter(|&(end, paragraph, speaker)| {
            let from = persons.partition_point(|r| r.tokens.start < end);
            let to = persons.partition_point(|r| r.tokens.start < draft.tokens.start);
            draft.paragraph <= paragraph + CONTINUED_PARAGRAPHS
                && persons[from..to.max(from)].iter().all(|r| r.entity == speaker)
        }) {
            (Some(speaker), Rule::QuoteSameSpeaker)
        } else if let Some(p) = narration_speaker(ctx, &persons, &named, draft.tokens.start) {
            (Some(p), Rule::QuoteNarration)
        } else {
            (None, Rule::QuoteMarks)
        };
        if let Some(s) = speaker {
            last = Some((draft.after, draft.paragraph, s));
        }
        attributed.push(AttributedQuote {
            tokens: draft.tokens,
            span: draft.span,
            text: draft.text,
            kind: QuoteKind::Direct,
            speaker,
            extractor,
        });
    }
    first_person_refs(ctx, &attributed, out);
    out.quotes.extend(attributed);
}

/// "ik"/"mij" inside a quote are its speaker (one ref a sentence).
fn first_person_refs(ctx: &Ctx, quotes: &[AttributedQuote], out: &mut Entities) {
    for q in quotes {
        let Some(s) = q.speaker.filter(|&s| out.entities[s].entity_type == EntityType::Person) else { continue };
        let mut last_sentence = None;
        for k in q.tokens.clone() {
            let sentence = ctx.sentence_of[k];
            if ctx.quote_of[k].is_some()
                && FIRST_PERSON_SINGULAR.contains(&ctx.lower(k).as_str())
                && last_sentence != Some(sentence)
            {
                last_sentence = Some(sentence);
                out.refs.push(Ref::token(ctx, s, k, 0.7, MentionSource::QuoteSpeaker));
            }
        }
    }
}

/// Reported speech in sentences without quote marks, the first that fits:
/// - "Volgens X is …" (text after X), "…, volgens X." and "in de visie van X" (the rest);
/// - a tag after the words: "…, aldus X", "…, zegt X, …", "…, zo meldde X" (text before it);
/// - a reporting verb with a "dat"-clause: "X zei dat …", "meldde X dat …", "X, die …,
///   meent dat …" (text after "dat"; "X vindt het onterecht dat …" from "het").
///
/// The speaker of "volgens hem" is the person the narration is about.
pub(super) fn reported_speech(ctx: &Ctx, sentences: &[Sentence], out: &mut Entities) {
    let speakers = Speakers::new(ctx, out);
    let persons = person_history(ctx, out);
    let mut found = Vec::new();
    // A sentence that holds a direct quote is that quote's; scare quotes and titles in
    // quote marks ("een 'regering van nationale eenheid'") are words of the sentence.
    let direct: Vec<std::ops::Range<usize>> = out.quotes.iter().map(|q| q.tokens.clone()).collect();
    for s in sentences {
        let toks = s.tokens.clone();
        if direct.iter().any(|q| q.start < toks.end && toks.start < q.end.max(q.start + 1)) {
            continue;
        }
        let in_words = |k: usize| ctx.quote_of[k].is_none() && !ctx.is_quote_mark(k);
        let end = toks.clone().rev().find(|&k| !matches!(ctx.word(k), "." | "!" | "?")).map_or(toks.start, |k| k + 1);
        // The speaker named (or referred to by "hem"/"haar") right at token `k`.
        let speaker_at = |k: usize| -> Option<(usize, usize)> {
            if matches!(ctx.lower(k).as_str(), "hem" | "haar" | "hen") {
                return salient_person(ctx, &persons, k, 3).map(|(p, _)| (p, k + 1));
            }
            // "volgens een woordvoerder van de Tros": whom the spokesperson speaks for.
            if let Some(e) = spokesperson_of(ctx, &speakers, k, k + 2) {
                let r = speakers.within(k, k + MAX_LEAD_IN).iter().find(|r| r.entity == e)?;
                return Some((e, r.tokens.end));
            }
            // "volgens minister van Justitie Ferd Grapperhaus", "volgens de krant The Daily
            // Telegraph": the name after a role (the person, past the portfolio) or after a
            // kind of organisation.
            let lead_in: Vec<&&Ref> = speakers
                .within(k + 1, k + MAX_LEAD_IN)
                .iter()
                .filter(|r| {
                    let mut words = k..r.tokens.start;
                    words.clone().all(|t| ctx.word(t) != "," && ctx.quote_of[t].is_none())
                        && words.any(|t| role_noun(ctx.word(t)).is_some() || is_apposition_noun(&ctx.lower(t)))
                })
                .collect();
            let person = lead_in.iter().find(|r| speakers.out.entities[r.entity].entity_type == EntityType::Person);
            if let Some(r) = person.or(lead_in.first()) {
                return Some((r.entity, r.tokens.end));
            }
            // "WOW-woordvoerster Soline Vitanel": the person after a compound.
            let near = speakers.within(k, k + 4);
            let first = near.first().filter(|r| r.tokens.start == k)?;
            let person = near.iter().find(|r| {
                out.entities[r.entity].entity_type == EntityType::Person && r.tokens.start <= first.tokens.end + 1
            });
            person.or(Some(first)).map(|r| (r.entity, r.tokens.end))
        };
        // (speaker, the words said, the attribution inside them that is left out).
        let mut said: Option<(usize, std::ops::Range<usize>, Option<std::ops::Range<usize>>)> = None;
        for k in toks.clone().filter(|&k| in_words(k)) {
            let lower = ctx.lower(k);
            let visie = lower == "visie" && ctx.lower(k + 1) == "van" && ctx.lower(k.saturating_sub(2)) == "in";
            if lower == "volgens" || visie {
                let name_at = if visie { k + 2 } else { k + 1 };
                let Some((speaker, name_end)) = speaker_at(name_at) else { continue };
                let opening = if visie { k.saturating_sub(2) } else { k };
                let from = if ctx.word(name_end) == "," { name_end + 1 } else { name_end };
                let clause_start = opening == toks.start
                    || LEADING_CONJUNCTIONS.contains(&ctx.lower(opening - 1).as_str())
                        && (opening - 1 == toks.start || ctx.word(opening - 2) == ",");
                let (content, cut) = if clause_start {
                    (from..end, None)
                } else if ctx.word(opening - 1) == "," && !visie {
                    (toks.start..trim_comma(ctx, toks.start, opening), None)
                } else {
                    // Mid-clause ("De reden dient volgens Claes gezocht te worden …"): the
                    // clause without its attribution.
                    (toks.start..end, Some(opening..from))
                };
                said = Some((speaker, content, cut));
                break;
            }
            // "…, aldus X" / "…, zegt X, …" / "…, zo meldde X".
            if k > toks.start + 2 && ctx.word(k - 1) == "," {
                let verb = if lower == "zo" { k + 1 } else { k };
                let reporting = ctx.lower(verb) == "aldus" || REPORTING_VERBS.contains(&ctx.lower(verb).as_str());
                // The tag closes its clause: the speaker is followed by a comma or the end.
                // (or by an adverbial phrase: "…, zegt Wijnants met de hand op het hart").
                let closes = |r: &Ref| {
                    r.tokens.end >= end
                        || matches!(ctx.word(r.tokens.end), "," | ";")
                        || PREPOSITIONS.contains(&ctx.lower(r.tokens.end).as_str())
                };
                // ", zei Omega Pharma in maart dat …" is the verb of a "dat"-clause.
                let dat_clause = (verb + 1..(verb + 9).min(end)).any(|d| ctx.lower(d) == "dat");
                if reporting && !dat_clause {
                    let speaker = speakers
                        .within(verb + 1, (verb + 5).min(end))
                        .iter()
                        .find(|r| !speakers.governed(ctx, r) && closes(r))
                        .map(|r| r.entity)
                        .or_else(|| {
                            matches!(ctx.lower(verb + 1).as_str(), "hij" | "ze" | "zij")
                                .then(|| salient_person(ctx, &persons, verb + 1, 3).map(|(p, _)| p))
                                .flatten()
                        });
                    if let Some(speaker) = speaker {
                        said = Some((speaker, toks.start..k - 1, None));
                        break;
                    }
                }
            }
            let find_dat = |reach: usize| (k + 1..(k + reach).min(end)).find(|&d| ctx.lower(d) == "dat");
            let dat = if REPORTING_VERBS.contains(&lower.as_str()) {
                find_dat(9)
            } else if PARTICLE_REPORTING_VERBS.iter().any(|(_, forms)| forms.contains(&lower.as_str())) {
                find_dat(LEAD_IN_TOKENS).filter(|&d| particle_reporting_verb(ctx, k, d))
            } else {
                None
            };
            if let Some(dat) = dat {
                // The subject: next to the verb ("X zei", "X heeft gezegd", "meldde X"), the
                // nearest first; else the sentence's first name with an apposition after it
                // ("X, een van …, erkent dat").
                let near = toks.start.max(k.saturating_sub(LEAD_IN_TOKENS));
                let candidates: Vec<&&Ref> =
                    speakers.within(near, dat).iter().filter(|r| !speakers.governed(ctx, r)).collect();
                let distance = |r: &Ref| {
                    if r.tokens.end <= k {
                        k - r.tokens.end
                    } else {
                        r.tokens.start - k - 1
                    }
                };
                let adjacent = candidates
                    .iter()
                    .filter(|r| {
                        (r.tokens.end <= k && k - r.tokens.end <= 3) || (r.tokens.start > k && r.tokens.start <= k + 2)
                    })
                    .min_by_key(|r| distance(r));
                let apposition = speakers.within(toks.start, k).first().filter(|r| {
                    !speakers.governed(ctx, r)
                        && r.tokens.end < k
                        && k - r.tokens.end <= 2 * LEAD_IN_TOKENS
                        && ctx.word(r.tokens.end) == ","
                        && (r.tokens.end + 1..k).any(|c| ctx.word(c) == ",")
                });
                let pronoun = (k.saturating_sub(1)..=k + 1)
                    .find(|&p| p != k && matches!(ctx.lower(p).as_str(), "hij" | "zij"))
                    .and_then(|p| salient_person(ctx, &persons, p, 3).map(|(e, _)| e));
                let subject = adjacent.map(|r| r.entity).or(apposition.map(|r| r.entity)).or(pronoun);
                if let Some(entity) = subject {
                    // "vindt het onterecht dat …": the text starts at "het".
                    let from = match (k + 1..dat).find(|&h| ctx.lower(h) == "het") {
                        Some(h) if lower.starts_with("vind") || lower.starts_with("vond") => h,
                        _ => dat + 1,
                    };
                    said = Some((entity, from..end, None));
                    break;
                }
            }
        }
        let Some((speaker, mut content, cut)) = said else { continue };
        // "Maar door het beursklimaat is dat verdaagd, zegt X": what X said starts after
        // the clause's leading conjunction.
        if content.start == toks.start && LEADING_CONJUNCTIONS.contains(&ctx.lower(content.start).as_str()) {
            content.start += 1;
            if ctx.word(content.start) == "," {
                content.start += 1;
            }
        }
        let said_len = content.len() - cut.as_ref().map_or(0, |c| c.len());
        if said_len < 3 {
            continue;
        }
        let pieces = match &cut {
            None => vec![content.clone()],
            Some(c) => vec![content.start..c.start, c.end..content.end],
        };
        let text = words_said(ctx, pieces);
        let span = Span::new(ctx.tokens[content.start].span.start, ctx.tokens[content.end - 1].span.end);
        found.push(AttributedQuote {
            tokens: content,
            span,
            text,
            kind: QuoteKind::Reported,
            speaker: Some(speaker),
            extractor: Rule::ReportedSpeech,
        });
    }
    out.quotes.extend(found);
    out.quotes.sort_by_key(|q| q.span.start);
}

/// The text of the token ranges, joined by a space, without quote marks ("zei Omega
/// Pharma dat Tectrade "binnen zes maanden" een notering …" → "Tectrade binnen zes
/// maanden een notering …").
fn words_said(ctx: &Ctx, ranges: Vec<std::ops::Range<usize>>) -> String {
    let mut runs: Vec<&str> = Vec::new();
    for r in ranges {
        let mut run: Option<(usize, usize)> = None;
        for k in r {
            if ctx.is_quote_mark(k) {
                runs.extend(run.take().map(|(a, b)| &ctx.text[a..b]));
            } else {
                let t = ctx.tokens[k].span;
                run = Some((run.map_or(t.start, |(a, _)| a), t.end));
            }
        }
        runs.extend(run.map(|(a, b)| &ctx.text[a..b]));
    }
    runs.join(" ")
}

/// The most words a role or a kind noun takes before the name after "volgens" ("volgens
/// Joegoslavisch minister van Informatie Goran Matic").
const MAX_LEAD_IN: usize = 6;

/// Conjunctions that open a clause without being part of what was said.
const LEADING_CONJUNCTIONS: &[&str] = &["en", "maar", "bovendien", "want"];

/// A finite form of a separable reporting verb with its particle after it, before the
/// "dat" of its clause: "Barco deelt mee dat …", "liet Arinso weten dat …", "maakte de
/// Commissie bekend dat …", "X gaf toe dat …". `dat` is the clause's "dat".
fn particle_reporting_verb(ctx: &Ctx, k: usize, dat: usize) -> bool {
    let word = ctx.lower(k);
    PARTICLE_REPORTING_VERBS
        .iter()
        .filter(|(_, forms)| forms.contains(&word.as_str()))
        .any(|(particle, _)| (k + 1..dat).any(|p| ctx.lower(p) == *particle))
}

/// One past the last token before `k`, without a comma right before `k`.
fn trim_comma(ctx: &Ctx, start: usize, k: usize) -> usize {
    if k > start && ctx.word(k - 1) == "," {
        k - 1
    } else {
        k
    }
}
