//! The scale benchmark: a news archive of N documents built from real CoNLL-2002
//! articles, ingested, reopened, queried under load and exported, with every figure
//! printed as a table. Not part of the test run.
//!
//! Run: `cargo bench --bench scale -- 1000 10000 100000` (sizes; default 1000 10000).
//! Options after `--`: `--seed N` (default 2002), `--keep DIR` (keep the stores there),
//! `--write-corpus DIR` (only write each size's archive as `DIR/scale-N.jsonl`, the input
//! `kennisgraaf ingest` reads, e.g. to time ingest workers on PostgreSQL; see
//! docs/postgres.md), `--store-only` (stop after ingest, store size and start-up: no
//! exports, no GraphQL load).
//! Reads `../shared/data/conll2002/ned.train` and `ned.testa`; uses the release binary
//! for start-up and export figures (peak memory is the child's VmHWM).
//!
//! The corpus generator: each document takes a run of consecutive sentences from one
//! "home" article and mixes in sentences from two other articles, so names recur across
//! documents as in a real archive; lengths 8–25 sentences, dates spread over 2000–2001.
//! The names of people and organisations grow with the archive, as a real archive's do:
//! each is, per document, either one of the variants of it used before or (ever less
//! often, so that the number of names follows Heaps' law, see `HEAPS_BETA`) a new one,
//! recombined from the first names, surnames and organisation words of the CoNLL gold
//! names. Everything is drawn from a seeded xorshift generator (same seed, same corpus).

use kennisgraaf::extract::ner::{self, conll, NerModel};
use kennisgraaf::extract::{tokenize, Extractor};
use kennisgraaf::graph::{Direction, RelationFilter};
use kennisgraaf::ingest::RawDocument;
use kennisgraaf::link::{Linker, WikidataIndex};
use kennisgraaf::pipeline::Kennisgraaf;
use kennisgraaf::server::{self, ServerConfig};
use kennisgraaf::store::Store;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Instant;

const BINARY: &str = env!("CARGO_BIN_EXE_kennisgraaf");

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// A CoNLL sentence: its words and its gold name chunks (`start`, `end`, type).
struct Sentence {
    words: Vec<String>,
    names: Vec<(usize, usize, &'static str)>,
}

/// Articles of the CoNLL files, each a list of sentences.
fn conll_articles() -> Vec<Vec<Sentence>> {
    let mut out = Vec::new();
    for file in ["ned.train", "ned.testa"] {
        let path = Path::new("../shared/data/conll2002").join(file);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut current = None;
        for s in conll::parse(&text).expect("CoNLL data") {
            if current != Some(s.document) {
                current = Some(s.document);
                out.push(Vec::new());
            }
            let names = ner::chunks(&s.labels);
            if let Some(article) = out.last_mut() {
                article.push(Sentence { words: s.words, names });
            }
        }
    }
    out.retain(|a: &Vec<Sentence>| a.len() >= 3);
    out
}

/// The name parts new names are recombined from, taken from the gold names of the
/// articles: first names and surnames of people (a surname keeps its particles: "van
/// den Broek"), and the last words of organisation names ("Bank", "Partij").
struct NameParts {
    first_names: Vec<String>,
    surnames: Vec<String>,
    organisation_words: Vec<String>,
}

impl NameParts {
    fn from(articles: &[Vec<Sentence>]) -> Self {
        use std::collections::{BTreeMap, BTreeSet};
        let capitalised =
            |w: &str| w.chars().next().is_some_and(char::is_uppercase) && w.chars().all(char::is_alphabetic);
        let (mut first_names, mut surnames) = (BTreeSet::new(), BTreeSet::new());
        let mut organisation_words: BTreeMap<&str, usize> = BTreeMap::new();
        for s in articles.iter().flatten() {
            for &(start, end, kind) in &s.names {
                let words = &s.words[start..end];
                match kind {
                    "PER" if words.len() >= 2 && words.iter().all(|w| w.chars().all(char::is_alphabetic)) => {
                        if capitalised(&words[0]) && words[0].len() > 2 {
                            first_names.insert(words[0].clone());
                        }
                        if capitalised(&words[words.len() - 1]) {
                            surnames.insert(words[1..].join(" "));
                        }
                    }
                    "ORG" if words.len() >= 2 && capitalised(&words[words.len() - 1]) => {
                        *organisation_words.entry(&words[words.len() - 1]).or_default() += 1;
                    }
                    _ => {}
                }
            }
        }
        // A word that ends at least three organisation names is a word organisations are
        // named with, not one organisation's own name.
        let organisation_words = organisation_words.into_iter().filter(|(_, n)| *n >= 3).map(|(w, _)| w.to_string());
        Self {
            first_names: first_names.into_iter().collect(),
            surnames: surnames.into_iter().collect(),
            organisation_words: organisation_words.collect(),
        }
    }
}

/// How new names arrive as the archive grows: a name in document `i` is, with
/// probability `NOVELTY * (i + 1)^(HEAPS_BETA - 1)`, a name no earlier document used (a
/// variant of the original no document has had yet), so the expected number of
/// distinct names after n documents grows as n^HEAPS_BETA (Heaps' law); otherwise it is
/// one of the variants used before, the earlier (and the original) more often.
const HEAPS_BETA: f64 = 0.75;
const NOVELTY: f64 = 1.7;

/// A stable number for a word, for picking the parts of its variants.
fn word_hash(word: &str, variant: u32) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ u64::from(variant).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    for b in word.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h ^ (h >> 29)
}

/// `n` documents, deterministic by `seed`.
fn scale_corpus(articles: &[Vec<Sentence>], parts: &NameParts, n: usize, seed: u64) -> Vec<RawDocument> {
    use std::collections::HashMap;
    let mut rng = Rng(seed.max(1));
    // Variants given out so far per name (its type and last word: "Peeters" alone and
    // "Jan Peeters" are one name); variant 0 is the name as the article has it.
    let mut variants: HashMap<(&str, &str), u32> = HashMap::new();
    (0..n)
        .map(|i| {
            let home = &articles[rng.below(articles.len())];
            let others = [&articles[rng.below(articles.len())], &articles[rng.below(articles.len())]];
            let length = 8 + rng.below(18);
            let mut at = rng.below(home.len());
            let mut sentences: Vec<&Sentence> = Vec::with_capacity(length);
            while sentences.len() < length {
                if rng.below(10) < 6 {
                    sentences.push(&home[at % home.len()]);
                    at += 1;
                } else {
                    let other = others[rng.below(2)];
                    sentences.push(&other[rng.below(other.len())]);
                }
            }
            let novelty = (NOVELTY * ((i + 1) as f64).powf(HEAPS_BETA - 1.0)).min(1.0);
            // One variant per name in this document, so its mentions agree.
            let mut chosen: HashMap<(&str, &str), u32> = HashMap::new();
            let mut lines = Vec::with_capacity(sentences.len());
            for s in &sentences {
                let mut words: Vec<&str> = Vec::with_capacity(s.words.len());
                let mut next = 0;
                for &(start, end, kind) in &s.names {
                    words.extend(s.words[next..start].iter().map(String::as_str));
                    next = end;
                    let name = &s.words[start..end];
                    if !matches!(kind, "PER" | "ORG") {
                        words.extend(name.iter().map(String::as_str));
                        continue;
                    }
                    let key = (kind, name[name.len() - 1].as_str());
                    let variant = *chosen.entry(key).or_insert_with(|| {
                        let given = variants.entry(key).or_insert(1);
                        if (rng.next() % 1_000_000) as f64 / 1e6 < novelty {
                            *given += 1;
                            *given - 1
                        } else {
                            let u = (rng.next() % 1_000_000) as f64 / 1e6;
                            (f64::from(*given) * u * u * u) as u32
                        }
                    });
                    if variant == 0 {
                        words.extend(name.iter().map(String::as_str));
                        continue;
                    }
                    let last = name[name.len() - 1].as_str();
                    match kind {
                        "PER" => {
                            if name.len() >= 2 {
                                words.push(choose(&parts.first_names, &name[0], variant));
                            }
                            words.extend(choose(&parts.surnames, last, variant).split(' '));
                        }
                        _ => {
                            words.extend(choose(&parts.surnames, last, variant).split(' '));
                            words.push(choose(&parts.organisation_words, last, variant));
                        }
                    }
                }
                words.extend(s.words[next..].iter().map(String::as_str));
                lines.push(words.join(" "));
            }
            let day = i * 730 / n.max(1);
            RawDocument {
                id: Some(format!("scale-{seed}-{i}")),
                title: Some(lines[0].chars().take(80).collect()),
                date: Some(format!("{}-{:02}-{:02}", 2000 + day / 365, (day % 365) / 31 + 1, (day % 31).min(27) + 1)),
                text: lines.join("\n"),
                origin: format!("scale document {i}"),
                ..Default::default()
            }
        })
        .collect()
}

/// The part of `pool` that variant `variant` of `word` takes.
fn choose<'p>(pool: &'p [String], word: &str, variant: u32) -> &'p str {
    pool[(word_hash(word, variant) % pool.len().max(1) as u64) as usize].as_str()
}

/// `docs` as JSON lines of `{"id","title","date","text"}`, as `kennisgraaf ingest` reads them.
fn write_jsonl(path: &Path, docs: &[RawDocument]) {
    let mut out = String::new();
    for d in docs {
        let line = serde_json::json!({ "id": d.id, "title": d.title, "date": d.date, "text": d.text });
        out.push_str(&line.to_string());
        out.push('\n');
    }
    std::fs::write(path, out).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

fn extractor() -> Extractor {
    let model = NerModel::from_bytes(&std::fs::read("data/models/ner-nl.kgm").expect("run from the repository root"))
        .expect("model");
    let index =
        WikidataIndex::from_bytes(&std::fs::read("data/models/wikidata-nl.kgw").expect("index")).expect("index");
    Extractor::new(model).with_linker(Linker::new(index))
}

fn dir_size(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => dir_size(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

/// Run the release binary; return (seconds, the `key=value` fields of its log lines).
fn run_binary(args: &[&str]) -> (f64, String) {
    let started = Instant::now();
    let out = Command::new(BINARY).args(["--log", "info"]).args(args).output().expect("binary runs");
    let seconds = started.elapsed().as_secs_f64();
    let log = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{args:?} failed: {log}");
    (seconds, log)
}

/// Start `serve` on a store (no seeding, a free port), read its log up to the line it
/// writes once models, store and graph are loaded, and stop it: that line. (`stats` loads
/// no models and logs no such line.)
fn serve_loaded_line(store: &Path) -> String {
    let mut child = Command::new(BINARY)
        .args(["--log", "info", "--store", &store.to_string_lossy(), "serve", "--no-seed", "--addr", "127.0.0.1:0"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve starts");
    let log = BufReader::new(child.stderr.take().expect("serve's log"));
    let line = log.lines().map_while(Result::ok).find(|line| line.contains("store and models loaded"));
    let _ = child.kill();
    let _ = child.wait();
    line.unwrap_or_else(|| panic!("serve on {} stopped before `store and models loaded`", store.display()))
}

/// The number after `key=` in a log (the last occurrence).
fn field(log: &str, key: &str) -> Option<f64> {
    let pat = format!("{key}=");
    let at = log.rfind(&pat)? + pat.len();
    log[at..].split(|c: char| !(c.is_ascii_digit() || c == '.')).next()?.parse().ok()
}

struct Latency {
    p50_ms: f64,
    p99_ms: f64,
    per_second: f64,
}

/// One HTTP request as the load generator sends it.
struct HttpRequest {
    method: &'static str,
    path: String,
    body: Option<String>,
}

impl HttpRequest {
    fn get(path: String) -> Self {
        Self { method: "GET", path, body: None }
    }

    /// A GraphQL POST as a frontend sends it.
    fn graphql(query: &str, variables: &serde_json::Value) -> Self {
        let body = serde_json::json!({ "query": query, "variables": variables }).to_string();
        Self { method: "POST", path: "/graphql".into(), body: Some(body) }
    }

    /// Send it once with ureq: its JSON answer, if it answered 200 with JSON.
    fn answer(&self, base: &str) -> Option<serde_json::Value> {
        let agent = ureq::AgentBuilder::new().build();
        let url = format!("{base}{}", self.path);
        let response = match &self.body {
            Some(body) => agent.post(&url).set("Content-Type", "application/json").send_string(body),
            None => agent.get(&url).call(),
        };
        response.ok().and_then(|r| r.into_json::<serde_json::Value>().ok())
    }

    /// Does it answer 200 with data and without GraphQL errors?
    fn works(&self, base: &str) -> bool {
        self.answer(base).is_some_and(|v| v.get("errors").is_none() && v.get("data").is_some_and(|d| !d.is_null()))
    }
}

/// Load on `base` from `wrk` (a separate process, one thread, `clients` keep-alive
/// connections) for `seconds`, cycling through `requests`. The first five requests are
/// first sent once and must answer without errors; any non-2xx or socket error under load
/// fails the benchmark.
fn load(base: &str, requests: &[HttpRequest], clients: usize, seconds: f64) -> Latency {
    for r in requests.iter().take(5) {
        assert!(r.works(base), "{} {} failed before the load started", r.method, r.path);
    }
    let long = |s: &str| format!("[==[{s}]==]");
    let mut lua = String::from("local reqs = {}\ninit = function(args)\n");
    for r in requests {
        let headers = if r.body.is_some() { "{[\"Content-Type\"] = \"application/json\"}" } else { "{}" };
        let body = r.body.as_deref().map_or("nil".to_string(), long);
        lua += &format!("  reqs[#reqs + 1] = wrk.format({:?}, {}, {headers}, {body})\n", r.method, long(&r.path));
    }
    lua += "end\nlocal i = 0\nrequest = function()\n  i = i + 1\n  return reqs[(i % #reqs) + 1]\nend\n";
    lua += "done = function(summary, latency, requests)\n  local e = summary.errors\n";
    lua += "  io.write(string.format(\"KG-RESULT %d %d %d %d %d\\n\", summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), e.status + e.connect + e.read + e.write + e.timeout))\nend\n";
    let script = tempfile::NamedTempFile::new().expect("temp file");
    std::fs::write(script.path(), lua).expect("write the wrk script");
    let output = Command::new("wrk")
        .args(["-t1", &format!("-c{clients}"), &format!("-d{seconds}s"), "--timeout", "10s", "-s"])
        .arg(script.path())
        .arg(base)
        .output()
        .expect("the load generator `wrk` (apt-get install wrk)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let result =
        stdout.lines().find_map(|l| l.strip_prefix("KG-RESULT ")).unwrap_or_else(|| panic!("wrk said: {stdout}"));
    let n: Vec<f64> = result.split(' ').map(|x| x.parse().expect("wrk figure")).collect();
    assert_eq!(n[4], 0.0, "{} requests failed under load", n[4]);
    Latency { p50_ms: n[2] / 1e3, p99_ms: n[3] / 1e3, per_second: n[0] / (n[1] / 1e6) }
}

/// The plain axum endpoint: the same entity-with-relations data as the GraphQL query,
/// serialised by serde straight from the graph's records (borrowed, no value tree): the
/// HTTP serving ceiling.
fn plain_router(kg: Arc<Kennisgraaf>) -> axum::Router {
    use axum::extract::{Path as UrlPath, State};
    use serde::Serialize;
    #[derive(Serialize)]
    struct Answer<'a> {
        data: Data<'a>,
    }
    #[derive(Serialize)]
    struct Data<'a> {
        entity: Option<Entity<'a>>,
    }
    #[derive(Serialize)]
    struct Entity<'a> {
        id: &'a str,
        name: &'a str,
        #[serde(rename = "type")]
        kind: &'a str,
        relations: Nodes<Relation<'a>>,
    }
    /// A connection as the query selects it (`relations(first: 20) { nodes { … } }`).
    #[derive(Serialize)]
    struct Nodes<T> {
        nodes: Vec<T>,
    }
    #[derive(Serialize)]
    struct Relation<'a> {
        #[serde(rename = "type")]
        kind: &'a str,
        predicate: &'a str,
        weight: u64,
        source: End<'a>,
        target: End<'a>,
    }
    #[derive(Serialize)]
    struct End<'a> {
        id: &'a str,
        name: &'a str,
    }
    async fn entity(State(kg): State<Arc<Kennisgraaf>>, UrlPath(id): UrlPath<String>) -> axum::response::Response {
        use axum::response::IntoResponse;
        let graph = kg.graph();
        fn end<'a>(graph: &'a kennisgraaf::graph::Graph, id: &'a str) -> End<'a> {
            End { id, name: graph.entity(id).map(|e| e.name.as_str()).unwrap_or_default() }
        }
        let entity = graph.entity(&id).map(|e| Entity {
            id: &e.id,
            name: &e.name,
            kind: e.entity_type.as_str(),
            relations: Nodes {
                nodes: graph
                    .relations_of(&id, Direction::Both, &RelationFilter::default())
                    .into_iter()
                    .take(20)
                    .map(|r| Relation {
                        kind: r.kind.as_str(),
                        predicate: &r.predicate,
                        weight: r.weight,
                        source: end(&graph, &r.source),
                        target: end(&graph, &r.target),
                    })
                    .collect(),
            },
        });
        axum::Json(Answer { data: Data { entity } }).into_response()
    }
    axum::Router::new().route("/entity/{id}", axum::routing::get(entity)).with_state(kg)
}

/// A server on 127.0.0.1:0 in a background runtime; stops (and lets go of the store)
/// when dropped.
struct Running {
    url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// What a benchmark server runs: kennisgraaf's server, or a plain axum router beside it.
enum App {
    Kennisgraaf(server::Server),
    Plain(axum::Router),
}

fn spawn_server(app: App) -> Running {
    let (tx, rx) = std::sync::mpsc::channel();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().expect("runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
            tx.send(listener.local_addr().expect("addr")).expect("send");
            let stopped = async {
                let _ = stopped.await;
            };
            match app {
                App::Kennisgraaf(server) => server.serve(listener, stopped).await.expect("serve"),
                App::Plain(router) => {
                    axum::serve(listener, router).with_graceful_shutdown(stopped).await.expect("serve")
                }
            }
        });
    });
    Running { url: format!("http://{}", rx.recv().expect("server address")), stop: Some(stop), thread: Some(thread) }
}

fn main() {
    let mut sizes = Vec::new();
    let (mut seed, mut keep, mut write_corpus) = (2002u64, None::<PathBuf>, None::<PathBuf>);
    let mut store_only = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--seed" => seed = args.next().and_then(|s| s.parse().ok()).expect("--seed N"),
            "--keep" => keep = args.next().map(PathBuf::from),
            "--write-corpus" => write_corpus = args.next().map(PathBuf::from),
            "--store-only" => store_only = true,
            "--bench" => {}
            n => sizes.push(n.parse::<usize>().unwrap_or_else(|_| panic!("not a size: {n}"))),
        }
    }
    if sizes.is_empty() {
        sizes = vec![1000, 10000];
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("scale benchmark: sizes {sizes:?}, seed {seed}, {cores} cores");
    let articles = conll_articles();
    let parts = NameParts::from(&articles);
    if let Some(dir) = write_corpus {
        for &n in &sizes {
            let path = dir.join(format!("scale-{n}.jsonl"));
            write_jsonl(&path, &scale_corpus(&articles, &parts, n, seed));
            println!("wrote {n} documents to {}", path.display());
        }
        return;
    }
    let extractor = extractor();
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = keep.unwrap_or_else(|| tmp.path().to_path_buf());
    let mut rows: Vec<(String, Vec<String>)> = Vec::new();
    let mut row = |name: &str, value: String| match rows.iter_mut().find(|r| r.0 == name) {
        Some(r) => r.1.push(value),
        None => rows.push((name.to_string(), vec![value])),
    };

    for &n in &sizes {
        let docs = scale_corpus(&articles, &parts, n, seed);
        let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
        row("documents", format!("{n}"));
        row("text (MB)", format!("{:.1}", bytes as f64 / 1e6));

        // 1. Extraction throughput, one core and all cores, on up to 2,000 documents.
        let sample: Vec<&str> = docs.iter().take(2000).map(|d| d.text.as_str()).collect();
        let sample_bytes: usize = sample.iter().map(|t| t.len()).sum();
        let tokens: usize = sample.iter().map(|t| tokenize::tokenize(t).0.len()).sum();
        let started = Instant::now();
        let entities: usize = sample.iter().map(|t| extractor.extract(t).entities.len()).sum();
        let one = started.elapsed().as_secs_f64();
        let started = Instant::now();
        let chunk = sample.len().div_ceil(cores);
        let entities_all: usize = std::thread::scope(|s| {
            let hs: Vec<_> = sample
                .chunks(chunk.max(1))
                .map(|c| s.spawn(|| c.iter().map(|t| extractor.extract(t).entities.len()).sum::<usize>()))
                .collect();
            hs.into_iter().map(|h| h.join().expect("worker")).sum()
        });
        let all = started.elapsed().as_secs_f64();
        assert_eq!(entities, entities_all);
        row("extraction, 1 core (MB/s)", format!("{:.2}", sample_bytes as f64 / 1e6 / one));
        row("extraction, 1 core (tokens/s)", format!("{:.0}", tokens as f64 / one));
        row(&format!("extraction, {cores} cores (MB/s)"), format!("{:.2}", sample_bytes as f64 / 1e6 / all));

        // 2. End-to-end ingest into sled, in ten slices: the entity count after each is
        // the archive's growth curve.
        let store_path = root.join(format!("store-{n}"));
        let _ = std::fs::remove_dir_all(&store_path);
        let kg = Kennisgraaf::new(extractor_clone(), Store::open(&store_path).expect("store")).expect("kg");
        let started = Instant::now();
        let (mut stored, mut curve) = (0, Vec::new());
        let mut docs = docs.into_iter();
        for slice in 1..=10 {
            let upto = n * slice / 10;
            let part: Vec<RawDocument> = docs.by_ref().take(upto - stored).collect();
            let report = kg.ingest_with(part, 256, || {}, |_| {}).expect("ingest");
            assert_eq!(report.stored.len(), upto - stored, "{:?}", report.problems.first());
            stored = upto;
            curve.push((upto, kg.store().counts().expect("counts").entities));
        }
        let ingest = started.elapsed().as_secs_f64();
        let counts = kg.store().counts().expect("counts");
        row("ingest (s)", format!("{ingest:.1}"));
        row("ingest (documents/s)", format!("{:.0}", n as f64 / ingest));
        row("ingest (MB/s)", format!("{:.2}", bytes as f64 / 1e6 / ingest));
        row("entities", format!("{}", counts.entities));
        row("relations", format!("{}", counts.relations));
        row("relation instances (evidence)", format!("{}", counts.evidence));
        row("mentions", format!("{}", counts.mentions));
        let points: Vec<String> = curve.iter().map(|(d, e)| format!("{d}: {e}")).collect();
        println!("entities per document count at {n}: {}", points.join(", "));
        // Heaps' exponent between the first slice and the whole archive.
        let ((d0, e0), (d1, e1)) = (curve[0], curve[curve.len() - 1]);
        let beta = (e1 as f64 / e0 as f64).ln() / (d1 as f64 / d0 as f64).ln();
        row("entities at 10 % / 50 % of the documents", format!("{} / {}", e0, curve[4].1));
        row("entities per document", format!("{:.2}", counts.entities as f64 / n as f64));
        row("Heaps exponent (10 % → 100 %)", format!("{beta:.2}"));
        drop(kg);

        // 3. Store size.
        let size = dir_size(&store_path) as f64;
        row("store on disk (MB)", format!("{:.0}", size / 1e6));
        row("store per document (KB)", format!("{:.1}", size / 1e3 / n as f64));
        row("store per entity (KB)", format!("{:.1}", size / 1e3 / counts.entities as f64));
        row("store per relation instance (KB)", format!("{:.2}", size / 1e3 / counts.evidence as f64));

        // 4. Start-up: a fresh `serve` loads models, store and graph. First the gigabytes
        // the ingest left dirty in the OS page cache are written out: start-up reads from
        // the disk, and would otherwise queue behind that writeback.
        let synced = Command::new("sync").status().is_ok_and(|s| s.success());
        assert!(synced, "`sync` failed: the start-up figure would include the ingest's writeback");
        let store_arg = store_path.to_string_lossy().into_owned();
        let empty_store = root.join("empty");
        drop(Store::open(&empty_store).expect("an empty store"));
        let (loaded_empty, loaded_full) = (serve_loaded_line(&empty_store), serve_loaded_line(&store_path));
        let loaded = |line: &str, key: &str| field(line, key).unwrap_or(f64::NAN);
        let load_ms = loaded(&loaded_full, "ms");
        let (rss, base) = (loaded(&loaded_full, "peak_rss_mb"), loaded(&loaded_empty, "peak_rss_mb"));
        let (seconds, log) = run_binary(&["--store", &store_arg, "stats"]);
        row("start-up: models + store + graph (ms)", format!("{load_ms:.0}"));
        row("start-up: peak memory when loaded (MB)", format!("{rss:.0}"));
        row("start-up: whole `stats` process (s)", format!("{seconds:.2}"));
        // `stats` then counts every key: sled's page cache (1 GB by default) fills.
        row("peak memory, whole `stats` (MB)", format!("{:.0}", field(&log, "peak_rss_mb").unwrap_or(f64::NAN)));
        row("graph memory over empty store (MB)", format!("{:.0}", rss - base));
        row(
            "graph memory per relation instance (bytes)",
            format!("{:.0}", (rss - base) * 1e6 / counts.evidence as f64),
        );

        if store_only {
            continue;
        }
        // 5. Export of the full graph in each format: a fresh process each.
        for format in ["graphml", "gexf", "dot", "cytoscape", "json", "neo4j-csv"] {
            let out = root.join(format!("export-{n}.{format}"));
            let (seconds, log) =
                run_binary(&["--store", &store_arg, "export", "--format", format, "--out", &out.to_string_lossy()]);
            let size = if out.is_dir() { dir_size(&out) } else { std::fs::metadata(&out).map_or(0, |m| m.len()) };
            row(
                &format!("export {format}: s / peak MB / file MB"),
                format!("{seconds:.2} / {:.0} / {:.1}", field(&log, "peak_rss_mb").unwrap_or(0.0), size as f64 / 1e6),
            );
            let _ = std::fs::remove_dir_all(&out);
            let _ = std::fs::remove_file(&out);
        }
        // 6. GraphQL latency and throughput against the plain axum ceiling.
        let kg = Arc::new(Kennisgraaf::new(extractor_clone(), Store::open(&store_path).expect("store")).expect("kg"));
        let ids: Vec<String> = {
            let g = kg.graph();
            let mut all: Vec<(usize, String)> = g
                .entities(&Default::default())
                .into_iter()
                .take(2000)
                .map(|e| (g.degree(&e.id), e.id.clone()))
                .collect();
            all.sort();
            all.into_iter().rev().take(200).map(|(_, id)| id).collect()
        };
        let prefixes = ["ams", "bel", "rot", "ned", "pet", "jan", "eur", "bru", "ned", "ver", "de ", "van"];
        let gql_server = spawn_server(App::Kennisgraaf(server::app(kg.clone(), ServerConfig::default())));
        let plain_server = spawn_server(App::Plain(plain_router(kg.clone())));
        let (gql, plain) = (gql_server.url.as_str(), plain_server.url.as_str());
        let entity_query = "query($id: ID!) { entity(id: $id) { id name type relations(first: 20) { nodes { type predicate weight source { id name } target { id name } } } } }";
        let neighbourhood_query = "query($id: ID!) { neighborhood(id: $id, depth: 2, limit: 50) { nodes { id name } edges { type source { id } target { id } } } }";
        let search_query = "query($t: String!) { search(text: $t, first: 10) { id name type } }";
        let path_query =
            "query($a: ID!, $b: ID!) { shortestPath(from: $a, to: $b) { type source { name } target { name } } }";
        // The entity page as Apollo Client sends it (fragments, a variable, the store-backed
        // lists): the same query `benches/wrk/entity.lua` sends.
        let page_query = include_str!("wrk/entity-page.graphql");
        let per_id = |make: &dyn Fn(usize) -> HttpRequest| (0..ids.len()).map(make).collect::<Vec<_>>();
        let (clients, secs) = (8, 5.0);
        // The two sides of the ratio alternate, three rounds each, so that a noisy moment on
        // the machine does not land on one side only; each side reports its median round.
        let entity_requests = per_id(&|i| HttpRequest::graphql(entity_query, &serde_json::json!({ "id": ids[i] })));
        let plain_requests = per_id(&|i| HttpRequest::get(format!("/entity/{}", ids[i])));
        for i in 0..ids.len().min(5) {
            let (graphql_answer, plain_answer) = (entity_requests[i].answer(gql), plain_requests[i].answer(plain));
            assert!(graphql_answer.is_some(), "the GraphQL entity query does not answer");
            assert_eq!(graphql_answer, plain_answer, "the plain endpoint must answer the same JSON as GraphQL");
        }
        let page_requests = per_id(&|i| HttpRequest::graphql(page_query, &serde_json::json!({ "id": ids[i] })));
        let (mut entity_rounds, mut page_rounds, mut plain_rounds) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..3 {
            entity_rounds.push(load(gql, &entity_requests, clients, secs));
            page_rounds.push(load(gql, &page_requests, clients, secs));
            plain_rounds.push(load(plain, &plain_requests, clients, secs));
        }
        let ratios = |rounds: &[Latency]| -> String {
            let each =
                rounds.iter().zip(&plain_rounds).map(|(g, p)| format!("{:.0}%", 100.0 * g.per_second / p.per_second));
            each.collect::<Vec<_>>().join(", ")
        };
        let (round_ratios, page_ratios) = (ratios(&entity_rounds), ratios(&page_rounds));
        let spread = |rounds: &[Latency]| -> String {
            let p99: Vec<String> = rounds.iter().map(|l| format!("{:.2}", l.p99_ms)).collect();
            p99.join(", ")
        };
        let page_spread = spread(&page_rounds);
        let median = |mut rounds: Vec<Latency>| {
            rounds.sort_by(|a, b| a.per_second.total_cmp(&b.per_second));
            rounds.swap_remove(rounds.len() / 2)
        };
        let figures = [
            ("entity with relations", median(entity_rounds)),
            ("plain axum, same data", median(plain_rounds)),
            ("entity page (Apollo, fragments)", median(page_rounds)),
            (
                "neighbourhood depth 2",
                load(
                    gql,
                    &per_id(&|i| HttpRequest::graphql(neighbourhood_query, &serde_json::json!({ "id": ids[i] }))),
                    clients,
                    secs,
                ),
            ),
            (
                "search prefix",
                load(
                    gql,
                    &prefixes
                        .iter()
                        .map(|t| HttpRequest::graphql(search_query, &serde_json::json!({ "t": t })))
                        .collect::<Vec<_>>(),
                    clients,
                    secs,
                ),
            ),
            (
                "shortestPath",
                load(
                    gql,
                    &per_id(&|i| {
                        HttpRequest::graphql(
                            path_query,
                            &serde_json::json!({ "a": ids[i], "b": ids[(i * 31 + 7) % ids.len()] }),
                        )
                    }),
                    clients,
                    secs,
                ),
            ),
        ];
        for (name, l) in &figures {
            row(&format!("{name}: p50 / p99 (ms)"), format!("{:.2} / {:.2}", l.p50_ms, l.p99_ms));
            row(&format!("{name}: requests/s"), format!("{:.0}", l.per_second));
        }
        row(
            "GraphQL entity throughput / plain axum",
            format!("{:.0}%", 100.0 * figures[0].1.per_second / figures[1].1.per_second),
        );
        row("  the same, round by round", round_ratios);
        row(
            "entity page throughput / plain axum",
            format!("{:.0}%", 100.0 * figures[2].1.per_second / figures[1].1.per_second),
        );
        row("  entity page / plain, round by round", page_ratios);
        row("  entity page p99 (ms), round by round", page_spread);
        drop((gql_server, plain_server, kg));
    }

    let width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
    println!("\n| {:width$} | {} |", "", sizes.iter().map(|n| format!("{n:>22}")).collect::<Vec<_>>().join(" | "));
    println!("|{}|{}|", "-".repeat(width + 2), sizes.iter().map(|_| "-".repeat(24)).collect::<Vec<_>>().join("|"));
    for (name, values) in &rows {
        println!("| {name:width$} | {} |", values.iter().map(|v| format!("{v:>22}")).collect::<Vec<_>>().join(" | "));
    }
}

/// A second extractor (the pipeline owns its own).
fn extractor_clone() -> Extractor {
    extractor()
}
