//! `eval relations`: precision and recall of typed relations on hand-annotated articles
//! (`tests/relations/dev.tsv`, annotated by the guideline in `docs/relations.md`), read
//! detokenized (`conll::detokenized_articles`).
//!
//! A predicted relation is correct when a gold relation of the same article has its type,
//! a source written as one of the predicted source's names, a target written as one of
//! the predicted target's names (case and accents folded) and, for VERB, the same verb
//! lemma (the predicate's first word). A HOLDS_ROLE whose gold target is `-` (a role with
//! no organisation or place) is matched on the role noun instead of the target, and is
//! also found when the holder's entity carries that role (`LocalEntity::roles`).
//! Co-occurrence is not scored: it is no typed fact.
//!
//! Two kinds are scored apart (`tests/relations/alpino.tsv`):
//! - SAID (speaker → the first six words of what was said): a quote is found when a
//!   predicted quote's text starts with the same first three words; it has the right
//!   speaker when that quote's speaker is written as the gold speaker. Quote precision
//!   counts every predicted quote with a speaker (a title or scare quote given a speaker
//!   is an error), recall every gold SAID.
//! - ALIAS (name → other name of the same thing): found when one extracted entity has
//!   both names; recall only.

use super::args::{EvalRelationsArgs, ModelArgs};
use super::link::source_text;
use crate::model::{fold, Extraction, RelationKind};
use anyhow::{Context, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// One hand-annotated relation.
struct GoldRelation {
    line: usize,
    kind: GoldKind,
    source: String,
    /// `-` for a HOLDS_ROLE without organisation or place.
    target: String,
    predicate: String,
}

/// What a gold line states: a typed relation, a quote, or two names of one thing.
#[derive(Clone, Copy, PartialEq, Eq)]
enum GoldKind {
    Relation(RelationKind),
    Said,
    Alias,
}

impl GoldKind {
    fn parse(name: &str) -> Option<Self> {
        match name {
            "SAID" => Some(GoldKind::Said),
            "ALIAS" => Some(GoldKind::Alias),
            _ => RelationKind::ALL
                .into_iter()
                .find(|k| k.as_str() == name && *k != RelationKind::CoOccurs)
                .map(GoldKind::Relation),
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            GoldKind::Relation(kind) => kind.as_str(),
            GoldKind::Said => "SAID",
            GoldKind::Alias => "ALIAS",
        }
    }
}

/// Annotated articles (by source) with their gold relations; an article is annotated
/// when the file has an `ARTICLE` line for it, so articles without relations count too.
fn read_gold(path: &Path) -> Result<BTreeMap<String, Vec<GoldRelation>>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut articles: BTreeMap<String, Vec<GoldRelation>> = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').map(str::trim).collect();
        let bad = |why: &str| anyhow::anyhow!("{}:{}: {why}: {line:?}", path.display(), n + 1);
        match cols.as_slice() {
            [source, "ARTICLE", ..] => {
                articles.entry(source.to_string()).or_default();
            }
            [source, kind, from, to, rest @ ..] => {
                let kind = GoldKind::parse(kind).ok_or_else(|| {
                    bad("unknown relation type (HOLDS_ROLE, ROLE_OF, GRANTS, WORKS_FOR, MEMBER_OF, LOCATED_IN, PART_OF, OWNS, QUOTED_ABOUT, VERB, SAID, ALIAS)")
                })?;
                let gold = GoldRelation {
                    line: n + 1,
                    kind,
                    source: from.to_string(),
                    target: to.to_string(),
                    predicate: rest.first().map_or(String::new(), |p| p.to_string()),
                };
                articles.get_mut(*source).ok_or_else(|| bad("relation before its article's ARTICLE line"))?.push(gold);
            }
            _ => return Err(bad("expected `source<TAB>ARTICLE` or `source<TAB>TYPE<TAB>from<TAB>to[<TAB>predicate]`")),
        }
    }
    Ok(articles)
}

/// A predicted relation as scored: the folded names of both ends.
struct Predicted {
    kind: RelationKind,
    source: BTreeSet<String>,
    target: BTreeSet<String>,
    predicate: String,
    shown: String,
}

fn predicted(extraction: &Extraction) -> Vec<Predicted> {
    let names = |i: usize| -> BTreeSet<String> {
        let e = &extraction.entities[i];
        std::iter::once(&e.name).chain(&e.aliases).map(|a| fold(a)).collect()
    };
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for r in extraction.relations.iter().filter(|r| r.kind != RelationKind::CoOccurs) {
        if !seen.insert((r.source, r.kind, r.target, r.predicate.clone())) {
            continue;
        }
        let (s, t) = (&extraction.entities[r.source], &extraction.entities[r.target]);
        out.push(Predicted {
            kind: r.kind,
            source: names(r.source),
            target: names(r.target),
            predicate: r.predicate.clone(),
            shown: format!("{}\t{}\t{}\t{}\t({})", r.kind.as_str(), s.name, t.name, r.predicate, r.extractor.as_str()),
        });
    }
    out
}

fn lemma(predicate: &str) -> String {
    fold(predicate.split_whitespace().next().unwrap_or(""))
}

fn matches(p: &Predicted, g: &GoldRelation) -> bool {
    let target_matches = if g.kind == GoldKind::Relation(RelationKind::HoldsRole) && g.target == "-" {
        fold(&p.predicate) == fold(&g.predicate)
    } else {
        p.target.contains(&fold(&g.target))
    };
    GoldKind::Relation(p.kind) == g.kind
        && p.source.contains(&fold(&g.source))
        && target_matches
        && (p.kind != RelationKind::Verb || lemma(&p.predicate) == lemma(&g.predicate))
}

/// A predicted quote as scored: its speaker's folded names and its first words.
struct PredictedQuote {
    speaker: BTreeSet<String>,
    opening: String,
    shown: String,
}

/// The first `n` words of `text`, folded, without quote marks and punctuation around them.
fn opening(text: &str, n: usize) -> String {
    let words =
        text.split_whitespace().map(|w| fold(w.trim_matches(|c: char| !c.is_alphanumeric()))).filter(|w| !w.is_empty());
    words.take(n).collect::<Vec<_>>().join(" ")
}

fn predicted_quotes(extraction: &Extraction) -> Vec<PredictedQuote> {
    extraction
        .quotes
        .iter()
        .filter_map(|q| {
            let e = &extraction.entities[q.speaker?];
            Some(PredictedQuote {
                speaker: std::iter::once(&e.name).chain(&e.aliases).map(|a| fold(a)).collect(),
                opening: opening(&q.text, 3),
                shown: format!(
                    "SAID\t{}\t{}\t({})",
                    e.name,
                    q.text.chars().take(60).collect::<String>(),
                    q.extractor.as_str()
                ),
            })
        })
        .collect()
}

fn said_matches(p: &PredictedQuote, g: &GoldRelation) -> bool {
    g.kind == GoldKind::Said && p.opening == opening(&g.target, 3) && p.speaker.contains(&fold(&g.source))
}

/// A role with no organisation or place is kept on the entity (`roles`): is it there?
fn role_stated(extraction: &Extraction, g: &GoldRelation) -> bool {
    let (holder, role) = (fold(&g.source), fold(&g.predicate));
    extraction.entities.iter().any(|e| {
        let named = std::iter::once(&e.name).chain(&e.aliases).any(|n| fold(n) == holder);
        named && e.roles.iter().any(|r| fold(r) == role)
    })
}

/// Does one extracted entity carry both names of a gold ALIAS?
fn alias_found(extraction: &Extraction, g: &GoldRelation) -> bool {
    let (a, b) = (fold(&g.source), fold(&g.target));
    extraction.entities.iter().any(|e| {
        let names: BTreeSet<String> = std::iter::once(&e.name).chain(&e.aliases).map(|n| fold(n)).collect();
        names.contains(&a) && names.contains(&b)
    })
}

#[derive(Default)]
struct Tally {
    gold: usize,
    predicted: usize,
    correct_predicted: usize,
    found_gold: usize,
}

impl Tally {
    fn print(&self, name: &str) {
        let ratio = |a: usize, b: usize| if b == 0 { f64::NAN } else { a as f64 / b as f64 };
        let (p, r) = (ratio(self.correct_predicted, self.predicted), ratio(self.found_gold, self.gold));
        let f = if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 };
        println!(
            "{name:<15} gold {:>4}  predicted {:>4}  correct {:>4}  precision {:>6.3}  recall {:>6.3}  F1 {:>6.3}",
            self.gold, self.predicted, self.correct_predicted, p, r, f
        );
    }
}

pub fn eval_relations(models: &ModelArgs, args: &EvalRelationsArgs) -> Result<()> {
    let articles = read_gold(&args.gold)?;
    let extractor = super::load_extractor(models)?;
    let mut conll_cache = BTreeMap::new();
    let mut per_kind: BTreeMap<&'static str, Tally> = BTreeMap::new();
    let (mut all, mut said, mut alias) = (Tally::default(), Tally::default(), Tally::default());
    for (source, gold) in &articles {
        let text = source_text(&args.data, source, true, &mut conll_cache)?;
        let extraction = extractor.extract(&text);
        let predicted = predicted(&extraction);
        if args.show {
            println!("== {source}");
            for (i, s) in extraction.sentences.iter().enumerate() {
                println!("[{i}] {}", &text[s.start..s.end]);
            }
        }
        for p in &predicted {
            let correct = gold.iter().any(|g| matches(p, g));
            for t in [per_kind.entry(p.kind.as_str()).or_default(), &mut all] {
                t.predicted += 1;
                t.correct_predicted += usize::from(correct);
            }
            if args.show || (args.errors && !correct) {
                println!("{source}\t{}\t{}", if correct { "ok   " } else { "WRONG" }, p.shown);
            }
        }
        let quotes = predicted_quotes(&extraction);
        for q in &quotes {
            let correct = gold.iter().any(|g| said_matches(q, g));
            said.predicted += 1;
            said.correct_predicted += usize::from(correct);
            if args.show || (args.errors && !correct) {
                println!("{source}\t{}\t{}", if correct { "ok   " } else { "WRONG" }, q.shown);
            }
        }
        for g in gold {
            let found = match g.kind {
                GoldKind::Relation(RelationKind::HoldsRole) if g.target == "-" => {
                    predicted.iter().any(|p| matches(p, g)) || role_stated(&extraction, g)
                }
                GoldKind::Relation(_) => predicted.iter().any(|p| matches(p, g)),
                GoldKind::Said => quotes.iter().any(|q| said_matches(q, g)),
                GoldKind::Alias => alias_found(&extraction, g),
            };
            let tallies: Vec<&mut Tally> = match g.kind {
                GoldKind::Relation(kind) => vec![per_kind.entry(kind.as_str()).or_default(), &mut all],
                GoldKind::Said => vec![&mut said],
                GoldKind::Alias => vec![&mut alias],
            };
            for t in tallies {
                t.gold += 1;
                t.found_gold += usize::from(found);
            }
            if (args.show || args.errors) && !found {
                println!(
                    "{source}\tMISSED\t{}\t{}\t{}\t{}\t(line {})",
                    g.kind.as_str(),
                    g.source,
                    g.target,
                    g.predicate,
                    g.line
                );
            }
        }
    }
    let relations: usize = articles.values().map(Vec::len).sum();
    println!("{}: {} articles, {relations} gold typed relations", args.gold.display(), articles.len());
    for (kind, tally) in &per_kind {
        tally.print(kind);
    }
    all.print("all typed");
    if said.gold > 0 {
        said.print("quote speaker");
    }
    if alias.gold > 0 {
        alias.print("ALIAS (recall)");
    }
    Ok(())
}
