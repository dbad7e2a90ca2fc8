use kennisgraaf::extract::ner::NerModel;
use kennisgraaf::extract::Extractor;
use kennisgraaf::ingest::RawDocument;
use kennisgraaf::link::{Linker, WikidataIndex};
use kennisgraaf::pipeline::Kennisgraaf;
use kennisgraaf::server::{self, ServerConfig};
use kennisgraaf::store::Store;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

pub fn shared(path: &str) -> PathBuf {
    repo("../shared/data").join(path)
}

pub const REFERENCE: &str = "data/corpus/2019-03-aboutaleb-ondermijning.txt";

pub fn reference_text() -> String {
    std::fs::read_to_string(repo(REFERENCE)).expect("reference article")
}

/// `kennisgraaf eval <what> --data ../shared/data` as a user runs it; its standard output.
pub fn eval_command(what: &str) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kennisgraaf"))
        .current_dir(repo(""))
        .args(["eval", what, "--data"])
        .arg(shared(""))
        .output()
        .expect("binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    stdout
}

pub fn model() -> NerModel {
    NerModel::from_bytes(&std::fs::read(repo("data/models/ner-nl.kgm")).expect("shipped model")).expect("model loads")
}

pub fn linker() -> Linker {
    let bytes = std::fs::read(repo("data/models/wikidata-nl.kgw")).expect("shipped Wikidata index");
    Linker::new(WikidataIndex::from_bytes(&bytes).expect("index loads"))
}

/// The extractor as `serve` builds it: NER model and Wikidata linker.
pub fn extractor() -> Extractor {
    Extractor::new(model()).with_linker(linker())
}

pub fn pipeline(store: &Path) -> Arc<Kennisgraaf> {
    Arc::new(Kennisgraaf::new(extractor(), Store::open(store).expect("store opens")).expect("graph loads"))
}

pub fn ingest_reference(kg: &Kennisgraaf) {
    let raw = RawDocument { text: reference_text(), origin: REFERENCE.into(), ..Default::default() };
    let report = kg.ingest(vec![raw], || {}).expect("ingest");
    assert_eq!(report.stored.len(), 1, "{report:?}");
}

/// A running server on 127.0.0.1:0, stopped when dropped.
pub struct TestServer {
    pub url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl TestServer {
    pub fn start(kg: Arc<Kennisgraaf>, config: ServerConfig) -> Self {
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt =
                tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
                addr_tx.send(listener.local_addr().expect("addr")).expect("send addr");
                server::app(kg, config)
                    .serve(listener, async {
                        let _ = stopped.await;
                    })
                    .await
                    .expect("serve");
            });
        });
        let addr = addr_rx.recv().expect("server address");
        Self { url: format!("http://{addr}"), stop: Some(stop), thread: Some(thread) }
    }

    /// POST a GraphQL query; returns the whole JSON response.
    pub fn query(&self, query: &str, variables: &serde_json::Value, token: Option<&str>) -> serde_json::Value {
        let mut req = ureq::post(&format!("{}/graphql", self.url)).set("content-type", "application/json");
        if let Some(t) = token {
            req = req.set("authorization", &format!("Bearer {t}"));
        }
        match req.send_json(serde_json::json!({ "query": query, "variables": variables })) {
            Ok(resp) => resp.into_json().expect("json body"),
            Err(ureq::Error::Status(_, resp)) => resp.into_json().expect("json error body"),
            Err(e) => panic!("request failed: {e}"),
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
