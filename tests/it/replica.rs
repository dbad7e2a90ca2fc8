//! GraphQL replicas on one PostgreSQL database: each loads the graph at start and then
//! follows the store's change log, applying other processes' commits and curations as
//! its own and telling its subscribers the same. First two pipelines in this process
//! (deterministic: the follower is called by hand), then two `kennisgraaf serve`
//! processes, where a mutation through one shows in a query on the other.

use crate::common::*;
use kennisgraaf::ingest::RawDocument;
use kennisgraaf::model::Curation;
use kennisgraaf::pipeline::PipelineEvent;
use kennisgraaf::store::ChangeSignal;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ARTICLE: &str = "Burgemeester Femke Halsema van Amsterdam sprak dinsdag in Utrecht met minister \
                       Hugo de Jonge over woningbouw. Halsema zei dat Amsterdam meer huizen nodig heeft.";

fn raw(text: &str) -> RawDocument {
    RawDocument { text: text.into(), origin: "test".into(), ..Default::default() }
}

#[test]
fn a_replica_applies_another_pipelines_commits_and_curations_with_the_same_events_and_not_its_own_twice() {
    let backend = TestStore::postgres();
    let (a, b) = (backend.pipeline(), backend.pipeline());
    let mut a_events = a.subscribe();
    let mut b_events = b.subscribe();

    let stored = a.ingest(vec![raw(ARTICLE)], || {}).expect("ingest through a");
    assert_eq!(stored.stored.len(), 1);
    assert_eq!(a.follow_changes().expect("a follows"), 0, "a's own commit is not applied again");
    assert_eq!(b.graph().entity_count(), 0, "b has not followed yet");
    assert_eq!(b.follow_changes().expect("b follows"), 1);
    assert_eq!(b.follow_changes().expect("b follows again"), 0, "a change is applied once");
    let committed = |events: &mut tokio::sync::broadcast::Receiver<PipelineEvent>| loop {
        match events.try_recv().expect("a commit event") {
            e @ PipelineEvent::Committed { .. } => break e,
            _ => continue,
        }
    };
    assert_eq!(committed(&mut b_events), committed(&mut a_events), "b tells its subscribers what a told its own");
    assert!(exported_graph(&a) == exported_graph(&b), "b's graph is a's");

    // A curation through b reaches a, removals included.
    let halsema = a.graph().search("Halsema", 1).first().map(|e| e.id.clone()).expect("Halsema found");
    let amsterdam = a.graph().search("Amsterdam", 1).first().map(|e| e.id.clone()).expect("Amsterdam found");
    b.curate(Curation::Rename { entity: halsema.clone(), name: "F. Halsema".into() }, "initial").expect("rename");
    b.curate(Curation::Merge { from: halsema.clone(), into: amsterdam.clone() }, "a test merge").expect("merge");
    assert_eq!(b.follow_changes().expect("b follows"), 0, "b's own curations are not applied again");
    assert_eq!(a.follow_changes().expect("a follows"), 2);
    assert!(a.graph().entity(&halsema).is_none(), "merged away on a too");
    assert_eq!(a.graph().current_id(&halsema), amsterdam);
    let curated = |events: &mut tokio::sync::broadcast::Receiver<PipelineEvent>| {
        let mut seen = Vec::new();
        while let Ok(e) = events.try_recv() {
            if matches!(e, PipelineEvent::Curated { .. }) {
                seen.push(e);
            }
        }
        seen
    };
    let on_a = curated(&mut a_events);
    assert_eq!(on_a.len(), 2);
    assert_eq!(on_a, curated(&mut b_events), "a tells its subscribers what b told its own");
    assert!(exported_graph(&a) == exported_graph(&b), "a's graph is b's");

    // A pipeline opened now starts from what is stored and has nothing to catch up.
    let c = backend.pipeline();
    assert!(exported_graph(&c) == exported_graph(&a));
    let before = exported_graph(&c);
    c.follow_changes().expect("c follows");
    assert!(exported_graph(&c) == before, "following what it loaded changes nothing");
}

#[test]
fn a_waiting_replica_is_woken_by_a_commit_through_another_pipeline_not_by_its_timeout() {
    let backend = TestStore::postgres();
    let (a, b) = (backend.pipeline(), backend.pipeline());
    assert_eq!(b.store().wait_for_change(Duration::from_millis(50)), ChangeSignal::TimedOut, "nothing committed yet");
    let waiting = std::thread::spawn({
        let b = b.clone();
        // Far longer than the test takes: only a notification ends it in time.
        move || b.store().wait_for_change(Duration::from_secs(30))
    });
    a.ingest(vec![raw(ARTICLE)], || {}).expect("ingest through a");
    assert_eq!(waiting.join().expect("the waiting thread"), ChangeSignal::Notified);
    assert_eq!(b.follow_changes().expect("b follows"), 1, "what woke b is in the log");
    assert_eq!(b.store().wait_for_change(Duration::from_millis(50)), ChangeSignal::TimedOut, "one commit wakes once");
}

/// The whole graph as the JSON export writes it.
fn exported_graph(kg: &kennisgraaf::pipeline::Kennisgraaf) -> String {
    let graph = kg.graph();
    let selection = kennisgraaf::export::ExportParams::default().selection().expect("selection");
    let (nodes, edges) = graph.select(&selection);
    let mut out = Vec::new();
    kennisgraaf::export::write(kennisgraaf::export::Format::Json, &nodes, &edges, None, &mut out).expect("export");
    String::from_utf8(out).expect("utf-8")
}

const TOKEN: &str = "replica-test-token";

/// `kennisgraaf serve` on 127.0.0.1:0 over `store`, killed when dropped.
struct Replica {
    child: Child,
    url: String,
}

impl Replica {
    fn start(store: &str, extra: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kennisgraaf"))
            .current_dir(repo(""))
            .args(["--store", store, "--log", "warn", "serve", "--addr", "127.0.0.1:0", "--token", TOKEN])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("serve starts");
        let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
        let addr = loop {
            let line = lines.next().and_then(Result::ok).unwrap_or_else(|| panic!("serve exited before serving"));
            if let Some(rest) = line.strip_prefix("serving http://") {
                break rest.split('/').next().expect("address").to_string();
            }
        };
        // Keep reading stderr so the child never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Replica { child, url: format!("http://{addr}/graphql") }
    }

    fn post(&self, query: &str, variables: &Value) -> Value {
        let request = ureq::post(&self.url)
            .set("content-type", "application/json")
            .set("authorization", &format!("Bearer {TOKEN}"));
        let body: Value = request
            .send_json(json!({ "query": query, "variables": variables }))
            .expect("request")
            .into_json()
            .expect("json");
        assert!(body.get("errors").is_none(), "{query}: {body}");
        body["data"].clone()
    }

    /// The first entity the search finds whose name contains `part`.
    fn named(&self, part: &str) -> Option<Value> {
        let found = self.post("query($t: String!) { search(text: $t, first: 5) { id name } }", &json!({ "t": part }));
        let hits = found["search"].as_array().expect("a list").clone();
        hits.into_iter().find(|e| e["name"].as_str().is_some_and(|n| n.contains(part)))
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// How long until `shown` is true, polled every 10 ms; panics after `LAG_LIMIT`.
fn lag(what: &str, shown: impl Fn() -> bool) -> Duration {
    /// Generous: the test must not depend on the machine's speed. The figure is printed.
    const LAG_LIMIT: Duration = Duration::from_secs(10);
    let started = Instant::now();
    while !shown() {
        assert!(started.elapsed() < LAG_LIMIT, "{what} did not reach replica B within {LAG_LIMIT:?}");
        std::thread::sleep(Duration::from_millis(10));
    }
    let lag = started.elapsed();
    println!("replica lag for {what}: {} ms", lag.as_millis());
    lag
}

#[test]
fn two_serve_replicas_on_one_database_show_each_others_ingests_and_curations() {
    let server = PgServer::start();
    let store = server.url();
    let corpus = tempfile::tempdir().expect("tempdir");
    std::fs::copy(repo(REFERENCE), corpus.path().join("reference.txt")).expect("copy the reference article");
    let corpus = corpus.path().display().to_string();
    let a = Replica::start(&store, &["--corpus", &corpus, "--curations", "no-curations.jsonl"]);
    let b = Replica::start(&store, &["--no-seed"]);
    let documents = |r: &Replica| r.post("{ stats { documents } }", &json!({}))["stats"]["documents"].as_u64();
    assert_eq!((documents(&a), documents(&b)), (Some(1), Some(1)), "b loaded what a seeded");
    assert!(b.named("Halsema").is_none());

    let ingest = "mutation($t: String!) { ingest(documents: [{text: $t}]) { stored } }";
    let stored = a.post(ingest, &json!({ "t": ARTICLE }));
    assert_eq!(stored["ingest"]["stored"].as_array().map(Vec::len), Some(1), "{stored}");
    lag("an ingest", || b.named("Halsema").is_some());
    assert_eq!(documents(&b), Some(2));

    let id = b.named("Halsema").expect("on b")["id"].clone();
    let rename =
        "mutation($id: ID!) { renameEntity(id: $id, name: \"F. Halsema\", reason: \"initial\") { entity { name } } }";
    a.post(rename, &json!({ "id": id }));
    lag("a rename", || b.named("Halsema").is_some_and(|e| e["id"] == id && e["name"] == "F. Halsema"));

    // And the other way: b's ingest reaches a.
    assert!(a.named("Hoekstra").is_none());
    let again = "Minister Wopke Hoekstra van Financiën bezocht woensdag Groningen. Hoekstra sprak er met boeren.";
    b.post(ingest, &json!({ "t": again }));
    lag("an ingest through b, on a", || a.named("Hoekstra").is_some());
    assert_eq!((documents(&a), documents(&b)), (Some(3), Some(3)));
}
