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

/// A file or folder of the freely licensed test data kept in the repository
/// (`tests/data`, its README.md says what each file is, where it comes from and its
/// licence).
pub fn test_data(path: &str) -> PathBuf {
    repo("tests/data").join(path)
}

/// A file or folder of the CoNLL-2002 data beside the checkout (`../shared/data`,
/// read-only, described in its README.md). Research use only, so it is never copied
/// into the repository: only the tests that score on CoNLL articles read it. Missing,
/// the test fails saying what the data is and where it comes from.
pub fn shared(path: &str) -> PathBuf {
    let root = repo("../shared/data");
    let needed = root.join("conll2002");
    assert!(
        needed.exists(),
        "{} is missing: this test scores on the CoNLL-2002 Dutch NER data (De Morgen, 2000; research use only, \
         so not in this repository): ned.train and ned.testa from https://www.clips.uantwerpen.be/conll2002/ner/. \
         Put the shared data beside the checkout as ../shared/data (CI does; its README.md says what each folder holds)",
        needed.display()
    );
    root.join(path)
}

/// Real news in its original sentence order: the 75 UD Alpino newspaper texts.
pub fn alpino_articles() -> Vec<String> {
    let mut files: Vec<_> = std::fs::read_dir(test_data("news/ud-alpino"))
        .expect("tests/data/news/ud-alpino")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    files.iter().map(|f| std::fs::read_to_string(f).expect("article")).collect()
}

/// Real text cut into article-sized pieces: the Europeana newspaper tokens, 600 a piece
/// (the dataset has no sentence or document breaks), about 300 articles.
pub fn europeana_articles() -> Vec<String> {
    let text = std::fs::read_to_string(test_data("europeana_ner_nl/enp_NL.kb.bio")).expect("Europeana data");
    let words: Vec<&str> = text.lines().filter_map(|l| l.split(' ').next()).filter(|w| !w.is_empty()).collect();
    words.chunks(600).map(|piece| piece.join(" ")).collect()
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
/// One extractor for every test of the binary that only reads (the models load once).
pub fn shared_extractor() -> &'static Extractor {
    static EXTRACTOR: std::sync::OnceLock<Extractor> = std::sync::OnceLock::new();
    EXTRACTOR.get_or_init(extractor)
}

/// The extractor as the commands build it: NER, linking and the shipped syntax model, so
/// that the rules reading the parse run too.
pub fn parsing_extractor() -> &'static Extractor {
    static EXTRACTOR: std::sync::OnceLock<Extractor> = std::sync::OnceLock::new();
    EXTRACTOR.get_or_init(|| {
        let bytes = std::fs::read(repo("data/models/syntax-nl.kgs")).expect("shipped syntax model");
        extractor()
            .with_syntax(kennisgraaf::extract::syntax::SyntaxModel::from_bytes(&bytes).expect("syntax model loads"))
    })
}

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

/// A throwaway PostgreSQL server: `initdb` on a temporary folder, started with `pg_ctl`
/// on a free port of 127.0.0.1, stopped (and its folder removed) when dropped, also when
/// a test panics. PostgreSQL refuses to run as root, so as root it runs as the `postgres`
/// user (Debian's package creates it), owning the folder.
pub struct PgServer {
    dir: tempfile::TempDir,
    bin: PathBuf,
    pub port: u16,
}

/// The Debian PostgreSQL binaries (`scripts/test.sh` installs them when missing).
fn postgres_bin() -> PathBuf {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL is not installed: run scripts/test.sh, or apt-get install postgresql")
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|bin| bin.join("initdb").exists())
        .collect();
    found.sort();
    found.pop().expect("no /usr/lib/postgresql/*/bin/initdb: apt-get install postgresql")
}

fn running_as_root() -> bool {
    let out = std::process::Command::new("id").arg("-u").output().expect("id runs");
    String::from_utf8_lossy(&out.stdout).trim() == "0"
}

impl PgServer {
    pub fn start() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        if running_as_root() {
            let chown = std::process::Command::new("chown").arg("postgres:").arg(dir.path()).status();
            assert!(chown.expect("chown runs").success(), "cannot give {} to the postgres user", dir.path().display());
        }
        let server = PgServer { bin: postgres_bin(), port: free_port(), dir };
        let data = server.data();
        server.run("initdb", &["-D", &data, "-U", "kennisgraaf", "--auth=trust", "-E", "UTF8", "--locale=C"]);
        server.start_again();
        server
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    /// Run one of the server's programs, as the postgres user when we are root.
    fn run(&self, program: &str, args: &[&str]) -> String {
        let exe = self.bin.join(program);
        let mut command = if running_as_root() {
            let mut c = std::process::Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&exe);
            c
        } else {
            std::process::Command::new(&exe)
        };
        let out = command.args(args).current_dir(self.dir.path()).output().expect("PostgreSQL program runs");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(out.status.success(), "{program} {args:?} failed: {stdout}{}", String::from_utf8_lossy(&out.stderr));
        stdout
    }

    /// Start the server (again, after `stop`), on the same port and data.
    pub fn start_again(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=40",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("server.log").display().to_string();
        self.run("pg_ctl", &["-D", &self.data(), "-o", &options, "-l", &log, "-w", "start"]);
    }

    /// Stop the server now (in-flight transactions are cut off).
    pub fn stop(&self) {
        self.run("pg_ctl", &["-D", &self.data(), "-m", "immediate", "-w", "stop"]);
    }

    pub fn url(&self) -> String {
        format!("postgres://kennisgraaf@127.0.0.1:{}/postgres", self.port)
    }

    /// Run SQL with psql; its output rows, unaligned.
    pub fn sql(&self, sql: &str) -> String {
        let port = self.port.to_string();
        self.run("psql", &["-h", "127.0.0.1", "-p", &port, "-U", "kennisgraaf", "-d", "postgres", "-At", "-c", sql])
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        // Already stopped (by a test's `stop`) is fine; the folder goes with `dir`.
        let exe = self.bin.join("pg_ctl");
        let mut command = if running_as_root() {
            let mut c = std::process::Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&exe);
            c
        } else {
            std::process::Command::new(&exe)
        };
        let _ = command.args(["-D", &self.data(), "-m", "immediate", "-w", "stop"]).output();
    }
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// The store of a test: a temporary sled folder or a throwaway PostgreSQL database.
pub enum TestStore {
    Sled(tempfile::TempDir),
    Postgres(PgServer),
}

impl TestStore {
    pub fn sled() -> Self {
        TestStore::Sled(tempfile::tempdir().expect("tempdir"))
    }

    pub fn postgres() -> Self {
        TestStore::Postgres(PgServer::start())
    }

    pub fn location(&self) -> kennisgraaf::store::StoreLocation {
        match self {
            TestStore::Sled(dir) => kennisgraaf::store::StoreLocation::Folder(dir.path().to_path_buf()),
            TestStore::Postgres(server) => kennisgraaf::store::StoreLocation::Postgres(server.url()),
        }
    }

    pub fn open(&self) -> Store {
        Store::open_at(&self.location(), true).expect("store opens")
    }

    pub fn pipeline(&self) -> Arc<Kennisgraaf> {
        Arc::new(Kennisgraaf::new(extractor(), self.open()).expect("graph loads"))
    }
}
