//! `train link` and `eval link`: build the Wikidata name index, score the linker on
//! hand-checked mentions.

use super::args::{EvalLinkArgs, ModelArgs, TrainLinkArgs};
use super::train::{read_conll, write_model_file};
use crate::extract::ner::{self, conll};
use crate::extract::Extractor;
use crate::ingest::{self, ReadLimits};
use crate::link::{Linker, WikidataIndex};
use crate::model::{fold, Extraction};
use anyhow::{Context, Result};
use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::time::Instant;

pub fn load_linker(path: &Path) -> Result<Linker> {
    let bytes = super::train::read_model_file(path, "the Wikidata index", "train link")?;
    let index = WikidataIndex::from_bytes(&bytes).with_context(|| format!("cannot load {}", path.display()))?;
    Ok(Linker::new(index))
}

/// Capitalised words that open person names in CoNLL data ("Ahmed" of B-PER Ahmed
/// I-PER Aboutaleb) and are not articles or titles ("The", "Sir").
fn first_names(sentences: &[conll::LabeledSentence]) -> HashSet<String> {
    const NOT_FIRST_NAMES: &[&str] =
        &["the", "new", "san", "santa", "sint", "saint", "st", "sir", "mr", "dr", "mc", "mac", "el", "al", "le", "la"];
    let (b_per, i_per) = (ner::label_index("B-PER"), ner::label_index("I-PER"));
    let mut out = HashSet::new();
    for s in sentences {
        for i in 1..s.words.len() {
            let word = &s.words[i - 1];
            let starts_name = Some(s.labels[i - 1]) == b_per || (Some(s.labels[i - 1]) == i_per && i < 2);
            if starts_name
                && Some(s.labels[i]) == i_per
                && word.chars().count() > 1
                && word.chars().all(char::is_alphabetic)
                && word.chars().next().is_some_and(char::is_uppercase)
                && !NOT_FIRST_NAMES.contains(&fold(word).as_str())
            {
                out.insert(fold(word));
            }
        }
    }
    out
}

pub fn train_link(args: &TrainLinkArgs) -> Result<()> {
    let started = Instant::now();
    let table =
        std::fs::read_to_string(&args.table).with_context(|| format!("cannot read {}", args.table.display()))?;
    let mut sentences = Vec::new();
    for path in &args.train {
        sentences.extend(read_conll(path)?);
    }
    let first = first_names(&sentences);
    let about = format!(
        "{} with first names from {}",
        args.table.file_name().map_or(String::new(), |n| n.to_string_lossy().into_owned()),
        args.train.iter().filter_map(|p| p.file_name()).map(|n| n.to_string_lossy()).collect::<Vec<_>>().join(", ")
    );
    let index = WikidataIndex::build(&table, &first, about)
        .with_context(|| format!("{} is not a `QID<TAB>name…` table", args.table.display()))?;
    let bytes = index.to_bytes()?;
    write_model_file(&args.out, &bytes)?;
    println!(
        "wrote {} ({} items, {} first names, {:.1} MB) in {:.1} s",
        args.out.display(),
        index.len(),
        first.len(),
        bytes.len() as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Linking time as a fraction of extraction time over `texts`: each the best of seven
/// runs, linking timed on its own over finished extractions (timing two whole
/// pipelines drowns a few percent in this machine's noise).
fn linking_overhead(extractor: &Extractor, texts: &[&str]) -> f64 {
    let Some(linker) = extractor.linker() else { return 0.0 };
    let (mut extracting, mut linking) = (f64::MAX, f64::MAX);
    for _ in 0..7 {
        let started = Instant::now();
        let mut extractions: Vec<(&str, Extraction)> = texts.iter().map(|&t| (t, extractor.extract(t))).collect();
        extracting = extracting.min(started.elapsed().as_secs_f64());
        let started = Instant::now();
        for (text, x) in &mut extractions {
            linker.link(text, x);
        }
        linking = linking.min(started.elapsed().as_secs_f64());
        std::hint::black_box(extractions);
    }
    // `extracting` includes one linking pass; compare with extraction without it.
    linking / (extracting - linking).max(f64::MIN_POSITIVE)
}

/// One hand-checked mention.
struct GoldMention {
    line: usize,
    source: String,
    mention: String,
    occurrence: usize,
    /// QID, or None for NIL (the thing is not in the table, or not an entity).
    gold: Option<String>,
}

fn read_gold(path: &Path) -> Result<Vec<GoldMention>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let bad = |why: &str| anyhow::anyhow!("{}:{}: {why}: {line:?}", path.display(), n + 1);
        if cols.len() < 4 {
            return Err(bad("expected `source<TAB>mention<TAB>occurrence<TAB>QID or NIL`"));
        }
        let occurrence: usize = cols[2].parse().map_err(|_| bad("occurrence must be a number from 1"))?;
        let gold = match cols[3] {
            "NIL" => None,
            q if q.starts_with('Q') && q[1..].parse::<u64>().is_ok() => Some(q.to_string()),
            _ => return Err(bad("gold must be a QID like Q34370 or NIL")),
        };
        out.push(GoldMention {
            line: n + 1,
            source: cols[0].to_string(),
            mention: cols[1].to_string(),
            occurrence: occurrence.max(1),
            gold,
        });
    }
    Ok(out)
}

/// The text of a gold source: a file read as `ingest` reads it, or `file#N` for the
/// N-th article (from 0) of a CoNLL file, its tokens joined by spaces or, with
/// `detokenized`, as written (`conll::detokenized_articles`).
pub(super) fn source_text(
    data: &Path,
    source: &str,
    detokenized: bool,
    conll_cache: &mut BTreeMap<String, Vec<String>>,
) -> Result<String> {
    if let Some((file, n)) = source.split_once('#') {
        if !conll_cache.contains_key(file) {
            let sentences = read_conll(&data.join(file))?;
            let articles =
                if detokenized { conll::detokenized_articles(&sentences) } else { conll::articles(&sentences) };
            conll_cache.insert(file.to_string(), articles);
        }
        let n: usize = n.parse().with_context(|| format!("{source}: article number expected after #"))?;
        return conll_cache[file].get(n).cloned().with_context(|| format!("{file} has no article {n}"));
    }
    let read = ingest::read_paths(&[data.join(source)], ReadLimits::default());
    if let Some(problem) = read.problems.first() {
        anyhow::bail!("{problem}");
    }
    let raw = read.documents.into_iter().next().with_context(|| format!("{source} holds no document"))?;
    Ok(ingest::prepare(raw)?.text)
}

pub fn eval_link(models: &ModelArgs, args: &EvalLinkArgs) -> Result<()> {
    let gold = read_gold(&args.gold)?;
    let started = Instant::now();
    let tagger = super::train::load_model(&models.model)?;
    let started_linker = Instant::now();
    let extractor = Extractor::new(tagger).with_linker(load_linker(&models.wikidata)?);
    let (load_ner, load_linker) = (started_linker - started, started_linker.elapsed());
    let mut conll_cache = BTreeMap::new();
    let mut extractions = BTreeMap::new();
    let (mut correct, mut wrong, mut abstained, mut not_found) = (0usize, 0usize, 0usize, 0usize);
    let (mut gold_linked, mut nil_kept) = (0usize, 0usize);
    for g in &gold {
        if !extractions.contains_key(&g.source) {
            let text = source_text(&args.data, &g.source, false, &mut conll_cache)?;
            let extraction = extractor.extract(&text);
            extractions.insert(g.source.clone(), (text, extraction));
        }
        let (text, extraction) = &extractions[&g.source];
        let Some((start, _)) = text.match_indices(&g.mention).nth(g.occurrence - 1) else {
            anyhow::bail!(
                "{}:{}: {:?} does not occur {} times in {}",
                args.gold.display(),
                g.line,
                g.mention,
                g.occurrence,
                g.source
            );
        };
        let end = start + g.mention.len();
        let entity = extraction
            .mentions
            .iter()
            .filter(|m| m.span.start < end && start < m.span.end && m.source.is_named())
            .map(|m| &extraction.entities[m.entity])
            .next();
        let predicted = entity.and_then(|e| e.wikidata.as_ref());
        if g.gold.is_some() {
            gold_linked += 1;
        }
        let verdict = match (predicted, &g.gold) {
            (Some(p), Some(q)) if p.id == *q => {
                correct += 1;
                None
            }
            (Some(p), _) => {
                wrong += 1;
                Some(format!("linked {} ({}, {:.2})", p.id, p.label, p.confidence))
            }
            (None, None) => {
                abstained += 1;
                nil_kept += 1;
                None
            }
            (None, Some(_)) => {
                abstained += 1;
                if entity.is_none() {
                    not_found += 1;
                    Some("no entity found there".to_string())
                } else {
                    Some("abstained".to_string())
                }
            }
        };
        if let (true, Some(v)) = (args.errors, verdict) {
            println!("line {}: {} {:?} gold {}: {v}", g.line, g.source, g.mention, g.gold.as_deref().unwrap_or("NIL"));
        }
    }
    let texts: Vec<&str> = extractions.values().map(|(t, _)| t.as_str()).collect();
    let overhead = linking_overhead(&extractor, &texts);
    let linked = correct + wrong;
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    println!(
        "{}: {} mentions ({} with a QID, {} NIL)",
        args.gold.display(),
        gold.len(),
        gold_linked,
        gold.len() - gold_linked
    );
    println!("linked      {linked:>5}  correct {correct}, wrong {wrong}");
    println!("abstained   {abstained:>5}  ({nil_kept} rightly: NIL; {not_found} where NER found no entity)");
    println!("precision   {:>8.3}", ratio(correct, linked));
    println!("recall      {:>8.3}", ratio(correct, gold_linked));
    println!("abstention  {:>8.3}", ratio(abstained, gold.len()));
    println!("linking adds {:.1}% to extraction time (best of 7 runs each)", 100.0 * overhead);
    println!(
        "Wikidata index loaded in {:.0} ms (NER model {:.0} ms): {} items ({})",
        load_linker.as_secs_f64() * 1e3,
        load_ner.as_secs_f64() * 1e3,
        extractor.linker().map_or(0, |l| l.index().len()),
        extractor.linker().map_or("none", |l| l.index().about())
    );
    Ok(())
}
