//! `train` and `eval` commands: reading annotated files, running the trainer, printing scores.

use super::args::{EvalNerArgs, TrainNerArgs};
use crate::extract::ner::{self, conll, NerModel, TrainConfig};
use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::Path;
use std::time::Instant;

/// Write a model file whole or not at all: to a temporary file beside it, then rename.
pub fn write_model_file(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot move {} to {}", tmp.display(), path.display()))
}

pub fn read_conll(path: &Path) -> Result<Vec<conll::LabeledSentence>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    conll::parse(&text).with_context(|| format!("{} is not CoNLL NER data", path.display()))
}

/// A shipped model file's bytes; the error names the file and the command that makes it
/// (`what`: "the NER model"; `made_by`: "train ner").
pub fn read_model_file(path: &Path, what: &str, made_by: &str) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| {
        format!(
            "cannot read {what} {}; make one with `kennisgraaf {made_by}` or run from the repository root",
            path.display()
        )
    })
}

pub fn load_model(path: &Path) -> Result<NerModel> {
    let bytes = read_model_file(path, "the NER model", "train ner")?;
    NerModel::from_bytes(&bytes).with_context(|| format!("cannot load {}", path.display()))
}

fn read_names(path: &Path) -> Result<Vec<String>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(text.lines().flat_map(|l| l.split('\t').skip(1).map(str::to_string).collect::<Vec<_>>()).collect())
}

/// A word list: hunspell `.dic` lines (`word/FLAGS`; the count line is skipped) or
/// plain one-word lines.
fn read_words(path: &Path) -> Result<Vec<ner::WordEntry>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(text.lines().filter_map(ner::WordEntry::from_dic_line).collect())
}

/// Passes of the exchange algorithm per clustering (it has mostly settled by then).
pub const CLUSTER_PASSES: usize = 10;

/// Sentences of unlabelled text for the word clusters (formats: see `--cluster-text`).
pub fn read_cluster_text(path: &Path) -> Result<Vec<Vec<String>>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let mut sentences = Vec::new();
    match extension {
        "tsv" => {
            for line in text.lines() {
                for name in line.split('\t').skip(1) {
                    sentences.push(name.split(' ').filter(|w| !w.is_empty()).map(str::to_string).collect());
                }
            }
        }
        _ => {
            let conllu = extension == "conllu";
            let mut sentence: Vec<String> = Vec::new();
            for line in text.lines() {
                let mut fields = line.split(if conllu { '\t' } else { ' ' });
                let first = fields.next().unwrap_or("").trim();
                let word = if conllu {
                    // Token lines only: not comments, multiword ranges (3-4) or empty nodes (3.1).
                    let token = first.parse::<u32>().is_ok();
                    fields.next().filter(|_| token)
                } else {
                    Some(first).filter(|w| *w != "-DOCSTART-")
                };
                match word {
                    _ if line.trim().is_empty() && !sentence.is_empty() => {
                        sentences.push(std::mem::take(&mut sentence));
                    }
                    Some(w) if !w.is_empty() => sentence.push(w.to_string()),
                    _ => {}
                }
            }
            if !sentence.is_empty() {
                sentences.push(sentence);
            }
        }
    }
    Ok(sentences)
}

pub fn train_ner(args: &TrainNerArgs) -> Result<()> {
    let mut data = Vec::new();
    for path in &args.train {
        data.extend(read_conll(path)?);
    }
    let dev = match &args.dev {
        Some(p) => read_conll(p)?,
        None => Vec::new(),
    };
    let names = match &args.names {
        Some(p) => read_names(p)?,
        None => Vec::new(),
    };
    let words = match &args.words {
        Some(p) => read_words(p)?,
        None => Vec::new(),
    };
    let mut text: Vec<Vec<String>> = data.iter().map(|s| s.words.clone()).collect();
    for path in &args.cluster_text {
        text.extend(read_cluster_text(path)?);
    }
    let started = Instant::now();
    let clusters = ner::clusters::learn(&text, &args.cluster_sizes, args.cluster_min_count, CLUSTER_PASSES);
    eprintln!(
        "word clusters {:?} of {} words from {} tokens ({:.1} s)",
        args.cluster_sizes,
        clusters.len(),
        text.iter().map(Vec::len).sum::<usize>(),
        started.elapsed().as_secs_f64()
    );
    let lexicon = ner::build_lexicon(&data, names, words, clusters);
    eprintln!(
        "training on {} sentences ({} tokens), gazetteer {} names, dev {} sentences",
        data.len(),
        data.iter().map(|s| s.words.len()).sum::<usize>(),
        lexicon.gazetteer_len(),
        dev.len()
    );
    let config = TrainConfig {
        epochs: args.epochs,
        seed: args.seed,
        min_feature_count: args.min_feature_count,
        stacked: !args.single_stage,
    };
    let bar = ProgressBar::new(ner::train_work(&config, data.len()) as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} sentences, {eta} left")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let model = ner::train(
        &config,
        &lexicon,
        &data,
        &dev,
        |r| {
            let dev = r.dev.as_ref().map_or(String::new(), |s| {
                format!(
                    ", dev P {:.2} R {:.2} F1 {:.2}",
                    100.0 * s.overall.precision(),
                    100.0 * s.overall.recall(),
                    100.0 * s.overall.f1()
                )
            });
            bar.suspend(|| {
                eprintln!(
                    "stage {} epoch {:>2}: {} training mistakes{dev} ({:.1} s)",
                    r.stage, r.epoch, r.train_mistakes, r.seconds
                )
            });
        },
        || bar.inc(1),
    );
    bar.finish_and_clear();
    let bytes = model.to_bytes()?;
    write_model_file(&args.out, &bytes)?;
    println!(
        "wrote {} ({} features, {:.1} MB): {}",
        args.out.display(),
        model.feature_count(),
        bytes.len() as f64 / 1e6,
        model.about
    );
    Ok(())
}

fn write_errors(model: &NerModel, gold: &[conll::LabeledSentence], path: &Path) -> Result<()> {
    use std::fmt::Write;
    let mut out = String::new();
    for doc in ner::by_document(gold) {
        let sentences: Vec<&[&str]> = doc.iter().map(|(_, w)| w.as_slice()).collect();
        for ((s, words), predicted) in doc.iter().zip(model.tag_document(&sentences)) {
            if predicted != s.labels {
                for ((w, g), p) in words.iter().zip(&s.labels).zip(&predicted) {
                    let mark = if g == p { "" } else { "  <<<" };
                    writeln!(out, "{w}\t{}\t{}{mark}", ner::LABELS[*g as usize], ner::LABELS[*p as usize])?;
                }
                out.push('\n');
            }
        }
    }
    std::fs::write(path, out).with_context(|| format!("cannot write {}", path.display()))
}

pub fn eval_ner(model_path: &Path, args: &EvalNerArgs) -> Result<()> {
    let gold = read_conll(&args.gold)?;
    let tokens: usize = gold.iter().map(|s| s.words.len()).sum();
    println!("{}: {} sentences, {} tokens", args.gold.display(), gold.len(), tokens);
    if let Some(path) = &args.predicted {
        let predicted = read_conll(path)?;
        let tokens_p: usize = predicted.iter().map(|s| s.words.len()).sum();
        if tokens_p != tokens {
            anyhow::bail!(
                "{} has {tokens_p} tokens, {} has {tokens}; both must hold the same tokens in the same order",
                path.display(),
                args.gold.display()
            );
        }
        let gold_labels: Vec<u8> = gold.iter().flat_map(|s| s.labels.iter().copied()).collect();
        let predicted_labels: Vec<u8> = predicted.iter().flat_map(|s| s.labels.iter().copied()).collect();
        let mut score = conll::Score::default();
        let mut at = 0;
        for s in &gold {
            let n = s.words.len();
            score.add(&gold_labels[at..at + n], &predicted_labels[at..at + n]);
            at += n;
        }
        print!("{}", score.table());
        return Ok(());
    }
    let started = Instant::now();
    let model = load_model(model_path)?;
    let load = started.elapsed();
    let started = Instant::now();
    let score = ner::evaluate(&model, &gold);
    let tagging = started.elapsed();
    if let Some(path) = &args.errors {
        write_errors(&model, &gold, path)?;
    }
    print!("{}", score.table());
    println!(
        "model load {:.0} ms; tagging {:.0} tokens/s on one core ({})",
        load.as_secs_f64() * 1e3,
        tokens as f64 / tagging.as_secs_f64(),
        model.about
    );
    Ok(())
}
