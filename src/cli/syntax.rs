//! `train syntax` and `eval syntax`: the tagger, lemmatiser and parser on CoNLL-U data.

use super::args::{EvalSyntaxArgs, TrainSyntaxArgs};
use super::train::{read_cluster_text, read_model_file, write_model_file, CLUSTER_PASSES};
use crate::extract::ner::{clusters, WordEntry};
use crate::extract::syntax::{self, conllu, eval, EpochReport, SyntaxModel, TrainConfig};
use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::Path;
use std::time::Instant;

/// The syntax model file, with a message that says how to get one.
pub fn load_model(path: &Path) -> Result<SyntaxModel> {
    let bytes = read_model_file(path, "the syntax model", "train syntax")?;
    SyntaxModel::from_bytes(&bytes).with_context(|| format!("cannot load {}", path.display()))
}

fn scores_line(s: &eval::Scores) -> String {
    format!(
        "UPOS {:.2}  UFeats {:.2}  Lemma {:.2}  UAS {:.2}  LAS {:.2}",
        s.f1(s.upos),
        s.f1(s.feats),
        s.f1(s.lemma),
        s.f1(s.uas),
        s.f1(s.las)
    )
}

pub fn train_syntax(args: &TrainSyntaxArgs) -> Result<()> {
    let started = Instant::now();
    let mut train = Vec::new();
    for path in &args.train {
        train.extend(conllu::read_file(path)?);
    }
    let dev = match &args.dev {
        Some(p) => conllu::read_file(p)?,
        None => Vec::new(),
    };
    let words: usize = train.iter().map(|s| s.words.len()).sum();
    let list = std::fs::read_to_string(&args.words).with_context(|| {
        format!("cannot read the word list {} (apt-get install hunspell-nl, or pass --words)", args.words.display())
    })?;
    let list: Vec<WordEntry> = list.lines().filter_map(WordEntry::from_dic_line).collect();
    eprintln!(
        "training on {} sentences ({words} words), dev {} sentences, word list {} entries",
        train.len(),
        dev.len(),
        list.len()
    );
    let mut text: Vec<Vec<String>> = train.iter().map(|s| s.words.iter().map(|w| w.form.clone()).collect()).collect();
    for path in &args.cluster_text {
        text.extend(read_cluster_text(path)?);
    }
    let clustering = Instant::now();
    let clusters = clusters::learn(&text, &args.cluster_sizes, args.cluster_min_count, CLUSTER_PASSES);
    eprintln!(
        "word clusters {:?} of {} words from {} tokens ({:.1} s)",
        args.cluster_sizes,
        clusters.len(),
        text.iter().map(Vec::len).sum::<usize>(),
        clustering.elapsed().as_secs_f64()
    );
    let config = TrainConfig {
        tagger_epochs: args.tagger_epochs,
        parser_epochs: args.parser_epochs,
        seed: args.seed,
        jackknife: args.jackknife,
        min_weight: args.min_weight,
    };
    let steps = config.tagger_epochs + if config.jackknife >= 2 { config.jackknife } else { 0 } + config.parser_epochs;
    let bar = ProgressBar::new(steps as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} passes, {elapsed} so far, {eta} left {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut log = Vec::new();
    let mut model = syntax::train(&train, &dev, &list, &clusters, &config, |r| {
        let line = match &r {
            EpochReport::Tagger { epoch, mistakes } => format!("tagger epoch {epoch}: {mistakes} UPOS mistakes"),
            EpochReport::Jackknife { part, of } => format!("jackknifed tags: part {part} of {of}"),
            EpochReport::Parser { epoch, mistakes, dev } => match dev {
                Some(d) => format!(
                    "parser epoch {epoch}: {mistakes} mistakes; dev UAS {:.2} LAS {:.2}",
                    d.f1(d.uas),
                    d.f1(d.las)
                ),
                None => format!("parser epoch {epoch}: {mistakes} mistakes"),
            },
        };
        if bar.is_hidden() {
            eprintln!("{line}");
        } else {
            bar.println(&line);
        }
        log.push(line);
        bar.inc(1);
    });
    bar.finish_and_clear();
    let names: Vec<String> = args.train.iter().map(|p| p.display().to_string()).collect();
    model.about = format!(
        "trained on {} ({} sentences, {words} words); word clusters {:?} of {} words from {} and the training words; tagger {} epochs, parser {} epochs, jackknife {}, min weight {}, seed {}; {}",
        names.join(", "),
        train.len(),
        args.cluster_sizes,
        clusters.len(),
        args.cluster_text.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "),
        config.tagger_epochs,
        config.parser_epochs,
        config.jackknife,
        config.min_weight,
        config.seed,
        log.last().cloned().unwrap_or_default()
    );
    let bytes = model.to_bytes()?;
    write_model_file(&args.out, &bytes)?;
    eprintln!(
        "wrote {} ({:.1} MB, {} weights) in {:.0} s",
        args.out.display(),
        bytes.len() as f64 / 1e6,
        model.weight_count(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

pub fn eval_syntax(model_path: &Path, args: &EvalSyntaxArgs) -> Result<()> {
    let started = Instant::now();
    let model = load_model(model_path)?;
    let load = started.elapsed().as_secs_f64();
    let gold = conllu::read_file(&args.gold)?;
    let words: usize = gold.iter().map(|s| s.words.len()).sum();
    let started = Instant::now();
    let s = eval::score_gold_tokens(&model, &gold);
    let seconds = started.elapsed().as_secs_f64();
    println!("{}: {} sentences, {words} words", args.gold.display(), gold.len());
    println!("gold tokens  {}", scores_line(&s));
    let g = model.score_with_gold_tags(&gold);
    println!("gold tags    UAS {:.2}  LAS {:.2}  (the parser given gold UPOS and features)", g.f1(g.uas), g.f1(g.las));
    let r = eval::score_raw_text(&model, &gold);
    let w = &r.words;
    println!("raw text     {}", scores_line(w));
    println!(
        "raw text     Tokens {:.2}  Sentences {:.2}  ({} gold words, {} system words, {} aligned, {} not found in the text)",
        w.f1(w.aligned),
        200.0 * r.matched_sentences as f64 / (r.gold_sentences + r.system_sentences).max(1) as f64,
        w.gold_words,
        w.system_words,
        w.aligned,
        r.unplaced
    );
    println!(
        "speed        {:.0} words/s tagging, lemmatising and parsing on one core; model load {:.3} s",
        words as f64 / seconds,
        load
    );
    println!("model        {}", model.about);
    if let Some(path) = &args.output {
        let mut out = String::new();
        for sentence in &gold {
            let words: Vec<&str> = sentence.words.iter().map(|w| w.form.as_str()).collect();
            out.push_str(&conllu::write_sentence(sentence, &model.analyse(&words)));
        }
        std::fs::write(path, out).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}
