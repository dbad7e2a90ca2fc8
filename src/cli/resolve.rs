//! `eval resolve`: cross-document entity resolution scored on hand-annotated chains
//! (`tests/resolve/chains.tsv`: gold mentions of CoNLL-2002 articles, each labelled with
//! the real-world thing it names; see `tests/resolve/README.md`).
//!
//! The annotated articles are ingested, detokenized (`conll::detokenized_articles`), in
//! file order into an empty store in a temporary folder, exactly as `ingest` would
//! store them, so every article is resolved against the ones before it. Each gold
//! mention then takes the entity of the stored name mention that overlaps it most (a
//! gold mention without one is an entity of its own). The partition of the gold
//! mentions by entity is scored against the gold chains (`resolve::score`), beside the
//! baseline "same folded string = same entity" on the same mentions.
//!
//! Scored twice: the names of things (chains not labelled `DEMONYM:`), and all mentions
//! with nationality and place adjectives ("Belgische" → `DEMONYM:België`).

use super::args::{EvalResolveArgs, ModelArgs};
use super::load_extractor;
use super::train::read_conll;
use crate::extract::ner::conll;
use crate::ingest::RawDocument;
use crate::model::{fold, Span};
use crate::pipeline::Kennisgraaf;
use crate::resolve::score::{score, Scores};
use crate::store::Store;
use anyhow::{bail, Context, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// One gold mention: tokens `token..token + length` of sentence `sentence` of an article.
struct GoldMention {
    line: usize,
    /// Article number from 1, in file order.
    article: usize,
    sentence: usize,
    token: usize,
    surface: String,
    chain: String,
}

const DEMONYM_PREFIX: &str = "DEMONYM:";

fn read_gold(path: &Path) -> Result<(String, Vec<GoldMention>)> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut source = None;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = |why: &str| anyhow::anyhow!("{}:{}: {why}: {line:?}", path.display(), n + 1);
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != 6 {
            return Err(bad("expected `FILE#ARTICLE<TAB>SENTENCE<TAB>TOKEN<TAB>TYPE<TAB>surface<TAB>chain`"));
        }
        let (file, article) = cols[0].split_once('#').ok_or_else(|| bad("the source is `FILE#ARTICLE`"))?;
        if source.get_or_insert_with(|| file.to_string()) != file {
            return Err(bad("all mentions must come from one CoNLL file"));
        }
        let number = |s: &str, what: &str| s.parse::<usize>().map_err(|_| bad(&format!("{what} must be a number")));
        let article = number(article, "the article")?;
        if article == 0 {
            return Err(bad("articles are numbered from 1"));
        }
        out.push(GoldMention {
            line: n + 1,
            article,
            sentence: number(cols[1], "the sentence")?,
            token: number(cols[2], "the token")?,
            surface: cols[4].to_string(),
            chain: cols[5].to_string(),
        });
    }
    let source = source.with_context(|| format!("{} holds no mentions", path.display()))?;
    Ok((source, out))
}

/// A folder for the throwaway store, removed when dropped.
struct ScratchStore(PathBuf);

impl ScratchStore {
    fn new() -> Result<Self> {
        let path = std::env::temp_dir().join(format!("kennisgraaf-eval-resolve-{}", std::process::id()));
        if path.exists() {
            std::fs::remove_dir_all(&path).with_context(|| format!("cannot clear {}", path.display()))?;
        }
        Ok(Self(path))
    }
}

impl Drop for ScratchStore {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Byte spans of each sentence's tokens in `text`, found in order (the stored text is
/// the detokenized article after normalisation; tokens keep their spelling).
fn token_spans(text: &str, sentences: &[&conll::LabeledSentence]) -> Option<Vec<Vec<Span>>> {
    let mut at = 0;
    let mut out = Vec::new();
    for s in sentences {
        let mut spans = Vec::new();
        for w in &s.words {
            let start = at + text[at..].find(w.as_str())?;
            at = start + w.len();
            spans.push(Span { start, end: at });
        }
        out.push(spans);
    }
    Some(out)
}

/// What the system found at a gold mention: the entity, and the name mention's text.
struct Found {
    entity: String,
    text: String,
}

/// An article's token spans per sentence, and its name mentions with their entities.
type StoredArticle = (Vec<Vec<Span>>, Vec<(Span, Found)>);

/// The stored entity of each gold mention (None: no name mention overlaps it).
fn system_entities(
    kg: &Kennisgraaf,
    gold: &[GoldMention],
    articles: &[Vec<&conll::LabeledSentence>],
) -> Result<Vec<Option<Found>>> {
    let store = kg.store();
    let mut out = Vec::with_capacity(gold.len());
    let mut cache: BTreeMap<usize, StoredArticle> = BTreeMap::new();
    for g in gold {
        if let std::collections::btree_map::Entry::Vacant(slot) = cache.entry(g.article) {
            let external = article_id(g.article);
            let id =
                store.document_for_external_id(&external)?.with_context(|| format!("{external} was not stored"))?;
            let record = store.document(&id)?.with_context(|| format!("{external} was not stored"))?;
            let spans = token_spans(&record.document.text, &articles[g.article - 1])
                .with_context(|| format!("the tokens of {external} are not in its stored text"))?;
            let mut mentions = Vec::new();
            for entity in &record.entity_ids {
                for m in store.mentions_of(entity) {
                    let m = m?;
                    if m.document == id && m.source.is_named() {
                        mentions.push((m.span, Found { entity: m.entity, text: m.text }));
                    }
                }
            }
            slot.insert((spans, mentions));
        }
        let (spans, mentions) = &cache[&g.article];
        let length = g.surface.split(' ').count();
        let tokens = spans.get(g.sentence).and_then(|s| s.get(g.token..g.token + length));
        let Some(tokens) = tokens else {
            bail!(
                "line {}: article {} has no tokens {}+{length} in sentence {}",
                g.line,
                g.article,
                g.token,
                g.sentence
            );
        };
        let (start, end) = (tokens[0].start, tokens[length - 1].end);
        let overlap = |s: &Span| s.end.min(end).saturating_sub(s.start.max(start));
        let best = mentions
            .iter()
            .filter(|(s, _)| overlap(s) > 0)
            .max_by_key(|(s, f)| (overlap(s), std::cmp::Reverse(&f.entity)));
        out.push(best.map(|(_, f)| Found { entity: f.entity.clone(), text: f.text.clone() }));
    }
    Ok(out)
}

fn article_id(article: usize) -> String {
    format!("article-{article}")
}

pub fn eval_resolve(models: &ModelArgs, args: &EvalResolveArgs) -> Result<()> {
    let (file, gold) = read_gold(&args.gold)?;
    let sentences = read_conll(&args.data.join(&file))?;
    let mut articles: Vec<Vec<&conll::LabeledSentence>> = Vec::new();
    for s in &sentences {
        if articles.last().and_then(|a| a.last()).is_none_or(|last| last.document != s.document) {
            articles.push(Vec::new());
        }
        if let Some(a) = articles.last_mut() {
            a.push(s);
        }
    }
    let texts = conll::detokenized_articles(&sentences);
    for g in &gold {
        let words = articles.get(g.article - 1).and_then(|a| a.get(g.sentence)).map(|s| &s.words);
        let length = g.surface.split(' ').count();
        match words.and_then(|w| w.get(g.token..g.token + length)) {
            Some(w) if w.join(" ") == g.surface => {}
            _ => bail!(
                "{}:{}: {:?} is not at article {} sentence {} token {} of {file}",
                args.gold.display(),
                g.line,
                g.surface,
                g.article,
                g.sentence,
                g.token
            ),
        }
    }
    let annotated: BTreeSet<usize> = gold.iter().map(|g| g.article).collect();

    let scratch = ScratchStore::new()?;
    let kg = Kennisgraaf::new(load_extractor(models)?, Store::open(&scratch.0)?)?;
    let raws: Vec<RawDocument> = annotated
        .iter()
        .map(|&a| RawDocument {
            id: Some(article_id(a)),
            text: texts[a - 1].clone(),
            origin: format!("{file}#{a}"),
            ..Default::default()
        })
        .collect();
    let started = std::time::Instant::now();
    let report = kg.ingest(raws, || {})?;
    if let Some(problem) = report.problems.first() {
        bail!("{problem}");
    }
    let seconds = started.elapsed().as_secs_f64();
    let system = system_entities(&kg, &gold, &articles)?;

    println!(
        "{}: {} mentions in {} articles of {file}, ingested in {seconds:.1} s; {} without a stored name mention",
        args.gold.display(),
        gold.len(),
        annotated.len(),
        system.iter().filter(|s| s.is_none()).count()
    );
    let names: Vec<usize> = (0..gold.len()).filter(|&i| !gold[i].chain.starts_with(DEMONYM_PREFIX)).collect();
    let all: Vec<usize> = (0..gold.len()).collect();
    for (title, subset) in [("names of things (no DEMONYM chains)", &names), ("all mentions", &all)] {
        let chains: Vec<&str> = subset.iter().map(|&i| gold[i].chain.as_str()).collect();
        // A mention without an entity is an entity of its own.
        let found: Vec<String> = subset
            .iter()
            .map(|&i| system[i].as_ref().map_or_else(|| format!("unfound:{i}"), |f| f.entity.clone()))
            .collect();
        let same_string: Vec<String> = subset.iter().map(|&i| fold(&gold[i].surface)).collect();
        let distinct = chains.iter().collect::<BTreeSet<_>>().len();
        println!("\n{title}: {} mentions, {distinct} chains", subset.len());
        println!("{:<22} {:>6} {:>6} {:>6} {:>6} {:>6}", "", "B³ F1", "P", "R", "MUC F1", "CEAF-e");
        print_scores("kennisgraaf", &score(&chains, &found));
        print_scores("same folded string", &score(&chains, &same_string));
    }
    if args.errors {
        print_errors(&gold, &system);
    }
    Ok(())
}

fn print_scores(name: &str, s: &Scores) {
    println!(
        "{name:<22} {:>6.3} {:>6.3} {:>6.3} {:>6.3} {:>6.3}   CoNLL {:.3}",
        s.b_cubed.f1(),
        s.b_cubed.precision,
        s.b_cubed.recall,
        s.muc.f1(),
        s.ceaf_e.f1(),
        s.conll()
    );
}

/// Gold chains split over several entities, and entities holding several chains.
fn print_errors(gold: &[GoldMention], system: &[Option<Found>]) {
    let mut by_chain: BTreeMap<&str, BTreeMap<&str, BTreeSet<String>>> = BTreeMap::new();
    let mut by_entity: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (g, s) in gold.iter().zip(system) {
        let (entity, seen) = match s {
            Some(f) if f.text == g.surface => (f.entity.as_str(), g.surface.clone()),
            Some(f) => (f.entity.as_str(), format!("{} (found {:?})", g.surface, f.text)),
            None => ("(none)", g.surface.clone()),
        };
        if let Some(f) = s {
            by_entity.entry(f.entity.as_str()).or_default().insert(g.chain.as_str());
        }
        by_chain.entry(&g.chain).or_default().entry(entity).or_default().insert(seen);
    }
    println!("\nsplit chains (chain: entity → surfaces):");
    for (chain, entities) in &by_chain {
        if entities.len() > 1 {
            let parts: Vec<String> = entities.iter().map(|(e, names)| format!("{e} {names:?}")).collect();
            println!("  {chain}: {}", parts.join(" | "));
        }
    }
    println!("\nmerged chains (entity: chains):");
    for (entity, chains) in &by_entity {
        if chains.len() > 1 {
            println!("  {entity}: {chains:?}");
        }
    }
}
