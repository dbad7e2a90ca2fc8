//! Criterion micro-benchmarks of the extraction stages on the committed corpus
//! (data/corpus: the reference article and 75 UD Dutch newspaper texts).
//! Run: `cargo bench --bench extract`. Throughput is in bytes of text.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use kennisgraaf::extract::ner::NerModel;
use kennisgraaf::extract::syntax::SyntaxModel;
use kennisgraaf::extract::{tokenize, Extractor};
use kennisgraaf::ingest::{self, ReadLimits};
use kennisgraaf::link::{Linker, WikidataIndex};
use std::hint::black_box;
use std::path::PathBuf;

fn corpus() -> Vec<String> {
    let report = ingest::read_paths(&[PathBuf::from("data/corpus")], ReadLimits::default());
    report.documents.into_iter().filter_map(|raw| ingest::prepare(raw).ok()).map(|d| d.text).collect()
}

fn model() -> NerModel {
    NerModel::from_bytes(&std::fs::read("data/models/ner-nl.kgm").expect("run from the repository root"))
        .expect("model")
}

fn stages(c: &mut Criterion) {
    let texts = corpus();
    let bytes: usize = texts.iter().map(String::len).sum();
    let tagger = model();
    let extractor = Extractor::new(model());
    let index = std::fs::read("data/models/wikidata-nl.kgw").expect("run from the repository root");
    let linking = Extractor::new(model()).with_linker(Linker::new(WikidataIndex::from_bytes(&index).expect("index")));
    let syntax_bytes = std::fs::read("data/models/syntax-nl.kgs").expect("run from the repository root");
    let syntax = || SyntaxModel::from_bytes(&syntax_bytes).expect("syntax model");
    let parser = syntax();
    let full = Extractor::new(model())
        .with_syntax(syntax())
        .with_linker(Linker::new(WikidataIndex::from_bytes(&index).expect("index")));

    let mut g = c.benchmark_group("tokenize");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("corpus", |b| {
        b.iter(|| texts.iter().map(|t| tokenize::tokenize(black_box(t)).0.len()).sum::<usize>())
    });
    g.finish();

    let tokenised: Vec<Vec<Vec<&str>>> = texts
        .iter()
        .map(|t| {
            let (tokens, sentences) = tokenize::tokenize(t);
            sentences
                .iter()
                .map(|s| tokens[s.tokens.clone()].iter().map(|k| &t[k.span.start..k.span.end]).collect())
                .collect()
        })
        .collect();
    let mut g = c.benchmark_group("ner");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("corpus", |b| {
        b.iter(|| tokenised.iter().map(|doc| tagger.tag_document(black_box(doc)).len()).sum::<usize>())
    });
    g.finish();

    // Words per second: divide the corpus's word count (printed) by the time per iteration.
    let words: usize = tokenised.iter().flatten().map(Vec::len).sum();
    eprintln!("syntax corpus: {words} words, {bytes} bytes");
    let mut g = c.benchmark_group("syntax");
    g.throughput(Throughput::Elements(words as u64));
    g.bench_function("corpus (tag, lemmatise, parse; elements are words)", |b| {
        b.iter(|| tokenised.iter().flatten().map(|s| parser.analyse(black_box(s)).len()).sum::<usize>())
    });
    g.bench_function("load model", |b| b.iter(|| syntax().weight_count()));
    g.finish();

    let mut g = c.benchmark_group("extract");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("corpus (tokenize, NER, rules, quotes, coref, relations)", |b| {
        b.iter(|| texts.iter().map(|t| extractor.extract(black_box(t)).relations.len()).sum::<usize>())
    });
    g.bench_function("corpus with Wikidata linking", |b| {
        b.iter(|| texts.iter().map(|t| linking.extract(black_box(t)).relations.len()).sum::<usize>())
    });
    g.bench_function("corpus with syntax and linking (as extract --syntax runs it)", |b| {
        b.iter(|| texts.iter().map(|t| full.extract_with_syntax(black_box(t)).0.relations.len()).sum::<usize>())
    });
    g.finish();

    let mut g = c.benchmark_group("link");
    g.bench_function("load Wikidata index", |b| {
        b.iter(|| WikidataIndex::from_bytes(black_box(&index)).map(|i| i.len()))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = stages
}
criterion_main!(benches);
