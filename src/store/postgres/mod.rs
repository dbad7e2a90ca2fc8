//! The shared backend: relational tables in a PostgreSQL database (`schema.sql`, applied
//! at open; see docs/postgres.md). The only module that imports tokio-postgres.
//!
//! Why tokio-postgres behind a blocking wrapper: the pipeline and the store interface are
//! synchronous, and the store is also called from GraphQL resolvers running on tokio. The
//! sync `postgres` crate would panic there (it starts a runtime inside a runtime). So the
//! connections run on this store's own small runtime, and callers wait for a query's
//! future with `block_on`, a thread park that works inside and outside any runtime.
//!
//! Invariants: a commit or a curation is one SERIALIZABLE transaction whose reads (the
//! plan's) and writes (its `Change`s and a `changes` row) both happen inside it; a
//! transaction that loses to a concurrent writer is retried from its reads, so any
//! number of processes can write one database without lost updates. Committed means
//! durable: `flush` has nothing to do. Reads outside a transaction share one pipelined
//! connection; transactions take the writer connection in turn.

use super::change::Change;
use super::follow::{ChangeSignal, LoggedChange, LoggedIds, LoggedKind};
use super::{Records, StoreError};
use crate::model::{
    CuratedFields, CurationEvent, Document, DocumentRecord, EntityRecord, Evidence, RelationRecord, Span,
    StoredMention, StoredQuote, WikidataLink,
};
use std::collections::{BTreeSet, HashMap};
use std::future::Future;
use std::str::FromStr;
use std::sync::{Arc, Mutex, RwLock};
use std::task::{Context, Poll, Wake, Waker};
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, GenericClient, NoTls, Row, Statement};

/// The version of `schema.sql`'s tables; a database of a later version is refused.
pub const PG_SCHEMA_VERSION: i64 = 2;
/// The migrations, in order: the SQL that takes a database from version n-1 to n.
const MIGRATIONS: &[&str] = &[include_str!("schema.sql"), include_str!("migrate-2-changed-ids.sql")];
/// Most attempts at a transaction that keeps losing to concurrent writers.
const MAX_ATTEMPTS: usize = 20;
/// Attempts a transaction makes alongside other writers; after as many losses it first
/// waits for the others and keeps them out (see `in_transaction`).
const OPTIMISTIC_ATTEMPTS: usize = 3;
/// Most attempts at creating or migrating the tables while another process does too.
const MIGRATE_ATTEMPTS: usize = 5;

struct Unpark(std::thread::Thread);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

/// Wait for `future` on this thread (the connection it talks to runs elsewhere).
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
        std::thread::park();
    }
}

/// A URL as it may be shown: the password left out.
pub(super) fn shown(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_string() };
    match rest.split_once('@') {
        Some((user, host)) if user.contains(':') => {
            format!("{scheme}://{}:***@{host}", user.split(':').next().unwrap_or(""))
        }
        _ => url.to_string(),
    }
}

/// What went wrong, with the server's message when there is one.
fn describe(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => match std::error::Error::source(e) {
            Some(source) => format!("{e}: {source}"),
            None => e.to_string(),
        },
    }
}

/// A failed query: a lost race with another writer (`Conflict`, retried) or I/O.
fn query_error(e: &tokio_postgres::Error) -> StoreError {
    use tokio_postgres::error::SqlState;
    match e.code() {
        Some(c) if *c == SqlState::T_R_SERIALIZATION_FAILURE || *c == SqlState::T_R_DEADLOCK_DETECTED => {
            StoreError::Conflict(describe(e))
        }
        Some(c) if *c == SqlState::UNIQUE_VIOLATION => StoreError::Conflict(describe(e)),
        _ => StoreError::Io(format!("PostgreSQL: {}", describe(e))),
    }
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Io(format!("encoding failed: {e}")))
}

fn from_json<T: serde::de::DeserializeOwned>(table: &str, id: &str, text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt { key: format!("{table} {id}"), reason: e.to_string() })
}

/// An enum's name as stored (`PERSON`, `CO_OCCURS`: its serde name).
fn enum_text<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => Ok(s),
        _ => Err(StoreError::Io("an enum did not encode as text".into())),
    }
}

fn enum_from_text<T: serde::de::DeserializeOwned>(table: &str, id: &str, text: String) -> Result<T, StoreError> {
    serde_json::from_value(serde_json::Value::String(text))
        .map_err(|e| StoreError::Corrupt { key: format!("{table} {id}"), reason: e.to_string() })
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

fn signed(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn offset(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn place(n: i64) -> usize {
    usize::try_from(n).unwrap_or(0)
}

/// The statements a connection has prepared, by their SQL (a fixed set: each is parsed
/// once per connection instead of once per call).
type Statements = Mutex<HashMap<String, Statement>>;

/// The connections of an open store.
struct Connections {
    /// Reads outside transactions (pipelined: shared by every caller).
    read: Client,
    read_statements: Statements,
    /// Transactions, one at a time.
    write: Mutex<Client>,
    write_statements: Statements,
    /// The connection that `LISTEN`s for commits (None where the database has no
    /// `LISTEN/NOTIFY`, as on CockroachDB).
    listener: Option<Listener>,
}

/// The channel every logged change notifies on commit (`log_change`).
const CHANGES_CHANNEL: &str = "kennisgraaf_changes";

/// A connection listening on `CHANGES_CHANNEL`, each notification a message.
struct Listener {
    /// Kept: dropping it would close the connection.
    _client: Client,
    notified: Mutex<std::sync::mpsc::Receiver<()>>,
}

pub struct PgStore {
    url: String,
    config: tokio_postgres::Config,
    /// Drives the connections; dropped in the background (it may be dropped on a runtime).
    runtime: Option<tokio::runtime::Runtime>,
    /// None while `reopen` replaces them (or when reconnecting failed).
    connections: RwLock<Option<Arc<Connections>>>,
}

impl Drop for PgStore {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

impl PgStore {
    /// Connect to the database at `url` (`postgres://user@host:port/db`), create the
    /// tables or migrate them (`create`), and check the schema version. Without `create`
    /// a database that holds no store is refused.
    pub fn open(url: &str, create: bool) -> Result<Self, StoreError> {
        let open_error = |reason: String| StoreError::Open { path: shown(url), reason };
        let mut config = tokio_postgres::Config::from_str(url)
            .map_err(|e| open_error(format!("not a PostgreSQL URL like postgres://user@host:5432/db ({e})")))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(std::time::Duration::from_secs(10));
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("kennisgraaf-postgres")
            .enable_all()
            .build()
            .map_err(|e| open_error(format!("cannot start the connection thread: {e}")))?;
        let store = PgStore { url: shown(url), config, runtime: Some(runtime), connections: RwLock::new(None) };
        let connections = store.connect().map_err(|e| match e {
            StoreError::Io(reason) => open_error(reason),
            other => other,
        })?;
        // Two processes starting on an empty database create the tables at once: the one
        // that loses (a unique violation in the catalog) finds them made when it tries again.
        let mut attempt = 0;
        loop {
            attempt += 1;
            match store.migrate(&connections, create) {
                Err(e) if e.is_conflict() && attempt < MIGRATE_ATTEMPTS => {
                    tracing::debug!(attempt, error = %e, "another process is creating the tables: trying again");
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
                done => break done?,
            }
        }
        *store.connections.write().unwrap_or_else(|p| p.into_inner()) = Some(Arc::new(connections));
        Ok(store)
    }

    fn connect_one(&self) -> Result<Client, StoreError> {
        let config = self.config.clone();
        let url = self.url.clone();
        let runtime = self.runtime.as_ref().ok_or_else(|| StoreError::Io("the store is closed".into()))?;
        let connecting = runtime.spawn(async move {
            let (client, connection) = config.connect(NoTls).await?;
            tokio::spawn(async move {
                if let Err(e) = connection.await {
                    tracing::warn!(error = %describe(&e), "the connection to PostgreSQL ended");
                }
            });
            Ok::<Client, tokio_postgres::Error>(client)
        });
        match block_on(connecting) {
            Ok(Ok(client)) => Ok(client),
            Ok(Err(e)) => Err(StoreError::Io(format!(
                "cannot connect to PostgreSQL at {url}: {} — is it running, and are host, port, user and database right?",
                describe(&e)
            ))),
            Err(e) => Err(StoreError::Io(format!("cannot connect to PostgreSQL at {url}: {e}"))),
        }
    }

    fn connect(&self) -> Result<Connections, StoreError> {
        let read = self.connect_one()?;
        // LISTEN/NOTIFY is PostgreSQL's; a database without it (CockroachDB) is polled.
        let notifies = block_on(read.query_one("SELECT count(*) FROM pg_proc WHERE proname = 'pg_notify'", &[]))
            .map(|row| row.get::<_, i64>(0) > 0)
            .unwrap_or(false);
        Ok(Connections {
            read,
            read_statements: Statements::default(),
            write: Mutex::new(self.connect_one()?),
            write_statements: Statements::default(),
            listener: if notifies { Some(self.listen()?) } else { None },
        })
    }

    /// A connection of its own that `LISTEN`s on `CHANGES_CHANNEL`.
    fn listen(&self) -> Result<Listener, StoreError> {
        let config = self.config.clone();
        let url = self.url.clone();
        let runtime = self.runtime.as_ref().ok_or_else(|| StoreError::Io("the store is closed".into()))?;
        let (notify, notified) = std::sync::mpsc::channel();
        let connecting = runtime.spawn(async move {
            let (client, mut connection) = config.connect(NoTls).await?;
            tokio::spawn(async move {
                loop {
                    match std::future::poll_fn(|cx| connection.poll_message(cx)).await {
                        Some(Ok(tokio_postgres::AsyncMessage::Notification(_))) => {
                            if notify.send(()).is_err() {
                                return;
                            }
                        }
                        Some(Ok(_)) => {}
                        Some(Err(e)) => {
                            tracing::warn!(error = %describe(&e), "the PostgreSQL connection listening for changes ended");
                            return;
                        }
                        None => return,
                    }
                }
            });
            client.batch_execute(&format!("LISTEN {CHANGES_CHANNEL}")).await?;
            Ok::<Client, tokio_postgres::Error>(client)
        });
        match block_on(connecting) {
            Ok(Ok(client)) => Ok(Listener { _client: client, notified: Mutex::new(notified) }),
            Ok(Err(e)) => Err(StoreError::Io(format!("cannot listen for changes at {url}: {}", describe(&e)))),
            Err(e) => Err(StoreError::Io(format!("cannot listen for changes at {url}: {e}"))),
        }
    }

    /// Wait until a change is committed (by any process: `NOTIFY` on commit) or
    /// `timeout` passes, whichever is first. Without `LISTEN/NOTIFY` (CockroachDB), or
    /// while its connection is down, this waits `timeout`: the caller then polls.
    pub fn wait_for_change(&self, timeout: std::time::Duration) -> ChangeSignal {
        use std::sync::mpsc::RecvTimeoutError;
        let listening = self.connections().ok().filter(|c| c.listener.is_some());
        let Some(connections) = listening else {
            std::thread::sleep(timeout);
            return ChangeSignal::TimedOut;
        };
        let Some(listener) = &connections.listener else { return ChangeSignal::TimedOut };
        let notified = listener.notified.lock().unwrap_or_else(|p| p.into_inner());
        match notified.recv_timeout(timeout) {
            Ok(()) => {
                // Changes committed meanwhile are read by the same look at the log.
                while notified.try_recv().is_ok() {}
                ChangeSignal::Notified
            }
            Err(RecvTimeoutError::Timeout) => ChangeSignal::TimedOut,
            Err(RecvTimeoutError::Disconnected) => {
                std::thread::sleep(timeout);
                ChangeSignal::TimedOut
            }
        }
    }

    /// Apply the migrations the database lacks, in one transaction, the version row
    /// locked (two processes starting at once migrate one after the other).
    fn migrate(&self, connections: &Connections, create: bool) -> Result<(), StoreError> {
        let refused = |reason: String| StoreError::Open { path: self.url.clone(), reason };
        let mut client = connections.write.lock().unwrap_or_else(|p| p.into_inner());
        let exists = block_on(
            client
                .query_one("SELECT count(*) FROM information_schema.tables WHERE table_name = 'kennisgraaf_meta'", &[]),
        )
        .map_err(|e| query_error(&e))?
        .get::<_, i64>(0)
            > 0;
        if !exists && !create {
            return Err(refused(format!(
                "the database holds no kennisgraaf store; create one with `kennisgraaf --store {} ingest FILES…`",
                self.url
            )));
        }
        let tx = block_on(client.transaction()).map_err(|e| query_error(&e))?;
        let run = |sql: &str| block_on(tx.batch_execute(sql)).map_err(|e| query_error(&e));
        if !exists {
            // Not `IF NOT EXISTS` on every open: the server's notice would reach the log.
            run("CREATE TABLE IF NOT EXISTS kennisgraaf_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")?;
        }
        run("INSERT INTO kennisgraaf_meta (key, value) VALUES ('schema_version', '0') ON CONFLICT (key) DO NOTHING")?;
        let found: String =
            block_on(tx.query_one("SELECT value FROM kennisgraaf_meta WHERE key = 'schema_version' FOR UPDATE", &[]))
                .map_err(|e| query_error(&e))?
                .get(0);
        let found: i64 = found.parse().map_err(|_| refused(format!("its schema version {found:?} is not a number")))?;
        if found > PG_SCHEMA_VERSION {
            return Err(refused(format!(
                "its tables have schema version {found}, this build knows up to {PG_SCHEMA_VERSION}; \
                 use a newer kennisgraaf"
            )));
        }
        for (version, sql) in MIGRATIONS.iter().enumerate().map(|(i, sql)| (offset(i) + 1, sql)) {
            if version > found {
                run(sql)?;
                tracing::info!(version, "PostgreSQL schema migrated");
            }
        }
        block_on(tx.execute(
            "UPDATE kennisgraaf_meta SET value = $1 WHERE key = 'schema_version'",
            &[&PG_SCHEMA_VERSION.to_string()],
        ))
        .map_err(|e| query_error(&e))?;
        block_on(tx.commit()).map_err(|e| query_error(&e))?;
        Ok(())
    }

    fn connections(&self) -> Result<Arc<Connections>, StoreError> {
        let c = self.connections.read().unwrap_or_else(|p| p.into_inner()).clone();
        c.ok_or_else(|| StoreError::Unavailable { reason: format!("reconnecting to PostgreSQL at {}", self.url) })
    }

    /// Reads outside any transaction.
    pub fn reader(&self) -> Result<Reader, StoreError> {
        Ok(Reader(self.connections()?))
    }

    /// Drop the connections and connect again (after the server restarted, say).
    pub fn reopen(&self) -> Result<(), StoreError> {
        self.connections.write().unwrap_or_else(|p| p.into_inner()).take();
        let connections = self.connect()?;
        *self.connections.write().unwrap_or_else(|p| p.into_inner()) = Some(Arc::new(connections));
        Ok(())
    }

    /// Run `unit` in a SERIALIZABLE transaction and commit it, again from the start
    /// (at most `MAX_ATTEMPTS` times) while it loses to a concurrent writer.
    ///
    /// Why a fallback: busy aggregates (the entity every article names) make two workers'
    /// transactions conflict often, and one can lose every time. After
    /// `OPTIMISTIC_ATTEMPTS` losses a transaction first locks `changes` against writers
    /// (every writing unit inserts there last) before its first read, so its snapshot
    /// comes after theirs and no writer commits beside it.
    pub fn in_transaction<T, E: From<StoreError>>(
        &self,
        mut unit: impl FnMut(&Tx<'_>) -> Result<T, E>,
        conflict: impl Fn(&E) -> bool,
    ) -> Result<T, E> {
        let connections = self.connections()?;
        let mut client = connections.write.lock().unwrap_or_else(|p| p.into_inner());
        let mut attempt = 0;
        loop {
            attempt += 1;
            let tx = block_on(
                client.build_transaction().isolation_level(tokio_postgres::IsolationLevel::Serializable).start(),
            )
            .map_err(|e| E::from(query_error(&e)))?;
            let alone = if attempt > OPTIMISTIC_ATTEMPTS {
                block_on(tx.batch_execute("LOCK TABLE changes IN SHARE ROW EXCLUSIVE MODE"))
                    .map_err(|e| E::from(query_error(&e)))
            } else {
                Ok(())
            };
            let done = alone
                .and_then(|()| {
                    unit(&Tx {
                        tx: &tx,
                        statements: &connections.write_statements,
                        notifies: connections.listener.is_some(),
                    })
                })
                .and_then(|out| {
                    block_on(tx.commit()).map_err(|e| E::from(query_error(&e)))?;
                    Ok(out)
                });
            match done {
                Err(e) if conflict(&e) && attempt < MAX_ATTEMPTS => {
                    tracing::debug!(attempt, "a concurrent writer won: retrying the transaction");
                    std::thread::sleep(std::time::Duration::from_millis(2 * attempt as u64));
                }
                other => return other,
            }
        }
    }

    /// Write one small record: whether the database takes writes (again).
    pub fn write_probe(&self) -> Result<(), StoreError> {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        self.in_transaction(
            |tx| {
                tx.execute(
                    "INSERT INTO kennisgraaf_meta (key, value) VALUES ('probe', $1) \
                     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                    &[&now.to_string()],
                )
            },
            StoreError::is_conflict,
        )
    }

    pub fn is_empty(&self) -> Result<bool, StoreError> {
        Ok(self.reader()?.query("SELECT 1 FROM documents LIMIT 1", &[])?.is_empty())
    }

    pub fn documents(&self) -> Result<Vec<DocumentRecord>, StoreError> {
        let reader = self.reader()?;
        let rows = reader.query(&format!("SELECT {DOCUMENT_COLUMNS} FROM documents ORDER BY id"), &[])?;
        rows.into_iter().map(|row| reader.document_from(&row)).collect()
    }

    pub fn entities(&self) -> Result<Vec<EntityRecord>, StoreError> {
        let reader = self.reader()?;
        let rows = reader.query(&format!("SELECT {ENTITY_COLUMNS} FROM entities ORDER BY id"), &[])?;
        let aliases = reader.query("SELECT entity, alias, mentions FROM aliases ORDER BY entity", &[])?;
        let mut by_entity: std::collections::HashMap<String, std::collections::BTreeMap<String, u64>> =
            std::collections::HashMap::new();
        for a in aliases {
            by_entity.entry(a.get(0)).or_default().insert(a.get(1), count(a.get(2)));
        }
        rows.into_iter()
            .map(|row| {
                let mut e = entity_from(&row)?;
                e.aliases = by_entity.remove(&e.id).unwrap_or_default();
                Ok(e)
            })
            .collect()
    }

    pub fn relations(&self) -> Result<Vec<RelationRecord>, StoreError> {
        let rows = self.reader()?.query(&format!("SELECT {RELATION_COLUMNS} FROM relations ORDER BY id"), &[])?;
        rows.iter().map(relation_from).collect()
    }

    pub fn mentions_of(&self, entity: &str) -> Result<Vec<StoredMention>, StoreError> {
        let rows = self.reader()?.query(
            &format!("SELECT {MENTION_COLUMNS} FROM mentions WHERE entity = $1 ORDER BY document, n"),
            &[&entity],
        )?;
        rows.iter().map(|r| mention_from(r).map(|(_, m)| m)).collect()
    }

    pub fn evidence_of(&self, relation: &str) -> Result<Vec<Evidence>, StoreError> {
        let rows = self.reader()?.query(
            &format!("SELECT {EVIDENCE_COLUMNS} FROM evidence WHERE relation = $1 ORDER BY document, n"),
            &[&relation],
        )?;
        rows.iter().map(|r| evidence_from(r).map(|(_, e)| e)).collect()
    }

    pub fn documents_quoting(&self, speaker: &str) -> Result<Vec<String>, StoreError> {
        let rows = self
            .reader()?
            .query("SELECT DISTINCT document FROM quotes WHERE speaker = $1 ORDER BY document", &[&speaker])?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    pub fn names(&self) -> Result<Vec<(String, String)>, StoreError> {
        let rows = self.reader()?.query("SELECT folded, entity FROM entity_names ORDER BY folded, entity", &[])?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    pub fn has_name(&self, folded: &str, entity: &str) -> Result<bool, StoreError> {
        let rows = self
            .reader()?
            .query("SELECT 1 FROM entity_names WHERE folded = $1 AND entity = $2", &[&folded, &entity])?;
        Ok(!rows.is_empty())
    }

    pub fn curations(&self) -> Result<Vec<CurationEvent>, StoreError> {
        let rows = self.reader()?.query("SELECT seq, at, reason, curation FROM curation_events ORDER BY seq", &[])?;
        rows.iter().map(curation_from).collect()
    }

    pub fn merges(&self) -> Result<Vec<(String, String)>, StoreError> {
        let rows = self.reader()?.query("SELECT from_id, into_id FROM merged_entities ORDER BY from_id", &[])?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    pub fn numbered_mentions(&self) -> Result<Vec<(u32, StoredMention)>, StoreError> {
        let rows = self
            .reader()?
            .query(&format!("SELECT {MENTION_COLUMNS} FROM mentions ORDER BY entity, document, n"), &[])?;
        rows.iter().map(mention_from).collect()
    }

    pub fn numbered_evidence(&self) -> Result<Vec<(String, u32, Evidence)>, StoreError> {
        let rows = self
            .reader()?
            .query(&format!("SELECT {EVIDENCE_COLUMNS}, relation FROM evidence ORDER BY relation, document, n"), &[])?;
        rows.iter().map(|r| evidence_from(r).map(|(n, e)| (r.get(7), n, e))).collect()
    }

    pub fn parts(&self) -> Result<Vec<(String, String)>, StoreError> {
        let rows = self.reader()?.query("SELECT folded, entity FROM entity_name_parts ORDER BY folded, entity", &[])?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    pub fn wikidata_links(&self) -> Result<Vec<(String, String)>, StoreError> {
        let rows = self.reader()?.query("SELECT qid, entity FROM wikidata_links ORDER BY qid", &[])?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    pub fn splits(&self) -> Result<Vec<(String, String, String)>, StoreError> {
        let rows =
            self.reader()?.query("SELECT entity, folded, into_id FROM split_aliases ORDER BY entity, folded", &[])?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect())
    }

    pub fn deleted(&self) -> Result<Vec<(String, u64)>, StoreError> {
        let rows = self.reader()?.query("SELECT document, seq FROM deleted_documents ORDER BY document", &[])?;
        Ok(rows.iter().map(|r| (r.get(0), count(r.get(1)))).collect())
    }

    /// The numbers of the change log's last `look_back` changes, oldest first.
    pub fn recent_changes(&self, look_back: u64) -> Result<Vec<u64>, StoreError> {
        let rows = self.reader()?.query(
            "SELECT seq FROM changes WHERE seq > (SELECT coalesce(max(seq), 0) FROM changes) - $1 ORDER BY seq",
            &[&signed(look_back)],
        )?;
        Ok(rows.iter().map(|r| count(r.get(0))).collect())
    }

    /// At most `limit` changes numbered above `floor` and not among `seen`, oldest first.
    pub(in crate::store) fn changes_after(
        &self,
        floor: u64,
        seen: &[u64],
        limit: i64,
    ) -> Result<Vec<LoggedChange>, StoreError> {
        let seen: Vec<i64> = seen.iter().map(|&s| signed(s)).collect();
        let rows = self.reader()?.query(
            "SELECT seq, kind, subject, ids FROM changes WHERE seq > $1 AND NOT (seq = ANY($2)) ORDER BY seq LIMIT $3",
            &[&signed(floor), &seen, &limit],
        )?;
        rows.iter()
            .map(|r| {
                let seq: i64 = r.get(0);
                let key = seq.to_string();
                let kind: String = r.get(1);
                let kind = LoggedKind::parse(&kind).ok_or_else(|| StoreError::Corrupt {
                    key: format!("change {key}"),
                    reason: format!("unknown kind {kind:?}"),
                })?;
                Ok(LoggedChange { seq: count(seq), kind, subject: r.get(2), ids: from_json("change", &key, r.get(3))? })
            })
            .collect()
    }

    /// Rows of documents, entities, relations, mentions, evidence.
    pub fn count(&self) -> Result<[u64; 5], StoreError> {
        let row = self.reader()?.query(
            "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM entities), \
             (SELECT count(*) FROM relations), (SELECT count(*) FROM mentions), (SELECT count(*) FROM evidence)",
            &[],
        )?;
        let row = row.first().ok_or_else(|| StoreError::Io("counting returned no row".into()))?;
        Ok([count(row.get(0)), count(row.get(1)), count(row.get(2)), count(row.get(3)), count(row.get(4))])
    }
}

const DOCUMENT_COLUMNS: &str = "id, external_id, title, date, source, language, text, ingested_at, sentences, \
                                entity_ids, relation_ids, mention_count";
const ENTITY_COLUMNS: &str = "id, name, entity_type, mention_count, document_count, first_seen, last_seen, \
                              wikidata_qid, wikidata_label, wikidata_confidence, curated_name, curated_type, \
                              roles, type_votes";
const RELATION_COLUMNS: &str = "id, source, target, kind, predicate, weight, confidence, first_seen, last_seen";
const MENTION_COLUMNS: &str = "n, entity, document, sentence, span_start, span_end, text, confidence, source";
const EVIDENCE_COLUMNS: &str = "n, document, sentence, span_start, span_end, confidence, extractor";

/// An entity row without its aliases (they are rows of `aliases`).
fn entity_from(row: &Row) -> Result<EntityRecord, StoreError> {
    let id: String = row.get(0);
    let wikidata = row.get::<_, Option<String>>(7).map(|qid| WikidataLink {
        id: qid,
        label: row.get::<_, Option<String>>(8).unwrap_or_default(),
        confidence: row.get::<_, Option<f32>>(9).unwrap_or(0.0),
    });
    Ok(EntityRecord {
        name: row.get(1),
        entity_type: enum_from_text("entity", &id, row.get(2))?,
        aliases: Default::default(),
        roles: from_json("entity", &id, row.get(12))?,
        mention_count: count(row.get(3)),
        document_count: count(row.get(4)),
        first_seen: row.get(5),
        last_seen: row.get(6),
        wikidata,
        curated: CuratedFields { name: row.get(10), entity_type: row.get(11) },
        type_votes: from_json("entity", &id, row.get(13))?,
        id,
    })
}

fn relation_from(row: &Row) -> Result<RelationRecord, StoreError> {
    let id: String = row.get(0);
    Ok(RelationRecord {
        source: row.get(1),
        target: row.get(2),
        kind: enum_from_text("relation", &id, row.get(3))?,
        predicate: row.get(4),
        weight: count(row.get(5)),
        confidence: row.get(6),
        first_seen: row.get(7),
        last_seen: row.get(8),
        id,
    })
}

fn mention_from(row: &Row) -> Result<(u32, StoredMention), StoreError> {
    let n: i32 = row.get(0);
    let document: String = row.get(2);
    let mention = StoredMention {
        entity: row.get(1),
        document: row.get(2),
        sentence: place(row.get(3)),
        span: Span::new(place(row.get(4)), place(row.get(5))),
        text: row.get(6),
        confidence: row.get(7),
        source: enum_from_text("mentions of document", &document, row.get(8))?,
    };
    Ok((u32::try_from(n).unwrap_or(0), mention))
}

fn evidence_from(row: &Row) -> Result<(u32, Evidence), StoreError> {
    let n: i32 = row.get(0);
    let document: String = row.get(1);
    let evidence = Evidence {
        document: row.get(1),
        sentence: place(row.get(2)),
        span: Span::new(place(row.get(3)), place(row.get(4))),
        confidence: row.get(5),
        extractor: enum_from_text("evidence of document", &document, row.get(6))?,
    };
    Ok((u32::try_from(n).unwrap_or(0), evidence))
}

fn curation_from(row: &Row) -> Result<CurationEvent, StoreError> {
    let seq: i64 = row.get(0);
    Ok(CurationEvent {
        seq: count(seq),
        at: row.get(1),
        reason: row.get(2),
        curation: from_json("curation event", &seq.to_string(), row.get(3))?,
    })
}

/// Queries over a client or a transaction, waited for.
pub(crate) trait Sql {
    /// What a read of a row that will be updated adds (a transaction locks it).
    fn row_lock(&self) -> &'static str {
        ""
    }

    fn query(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>, StoreError>;

    fn execute(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<(), StoreError>;

    fn text(&self, sql: &str, param: &str) -> Result<Option<String>, StoreError> {
        Ok(self.query(sql, &[&param])?.first().map(|r| r.get(0)))
    }

    fn document_from(&self, row: &Row) -> Result<DocumentRecord, StoreError> {
        let id: String = row.get(0);
        let quotes = self.query(
            "SELECT speaker, text, span_start, span_end, about, extractor, kind FROM quotes WHERE document = $1 ORDER BY n",
            &[&id],
        )?;
        let quotes = quotes
            .iter()
            .map(|q| {
                Ok(StoredQuote {
                    speaker: q.get(0),
                    document: id.clone(),
                    text: q.get(1),
                    span: Span::new(place(q.get(2)), place(q.get(3))),
                    about: from_json("quote of document", &id, q.get(4))?,
                    extractor: enum_from_text("quote of document", &id, q.get(5))?,
                    kind: enum_from_text("quote of document", &id, q.get(6))?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(DocumentRecord {
            sentences: from_json("document", &id, row.get(8))?,
            entity_ids: from_json("document", &id, row.get(9))?,
            relation_ids: from_json("document", &id, row.get(10))?,
            mention_count: count(row.get(11)),
            quotes,
            document: Document {
                external_id: row.get(1),
                title: row.get(2),
                date: row.get(3),
                source: row.get(4),
                language: row.get(5),
                text: row.get(6),
                ingested_at: count(row.get(7)),
                id,
            },
        })
    }

    fn entity_row(&self, id: &str, lock: &str) -> Result<Option<EntityRecord>, StoreError> {
        let rows = self.query(&format!("SELECT {ENTITY_COLUMNS} FROM entities WHERE id = $1{lock}"), &[&id])?;
        let Some(row) = rows.first() else { return Ok(None) };
        let mut e = entity_from(row)?;
        for a in self.query("SELECT alias, mentions FROM aliases WHERE entity = $1", &[&id])? {
            e.aliases.insert(a.get(0), count(a.get(1)));
        }
        Ok(Some(e))
    }

    fn relation_row(&self, id: &str, lock: &str) -> Result<Option<RelationRecord>, StoreError> {
        let rows = self.query(&format!("SELECT {RELATION_COLUMNS} FROM relations WHERE id = $1{lock}"), &[&id])?;
        rows.first().map(relation_from).transpose()
    }
}

/// `sql` prepared on `c`'s connection, once.
fn prepared<C: GenericClient>(c: &C, statements: &Statements, sql: &str) -> Result<Statement, StoreError> {
    if let Some(st) = statements.lock().unwrap_or_else(|p| p.into_inner()).get(sql) {
        return Ok(st.clone());
    }
    let st = block_on(c.prepare(sql)).map_err(|e| query_error(&e))?;
    statements.lock().unwrap_or_else(|p| p.into_inner()).insert(sql.to_string(), st.clone());
    Ok(st)
}

fn run_query<C: GenericClient>(
    c: &C,
    statements: &Statements,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<Vec<Row>, StoreError> {
    let st = prepared(c, statements, sql)?;
    block_on(c.query(&st, params)).map_err(|e| query_error(&e))
}

fn run_execute<C: GenericClient>(
    c: &C,
    statements: &Statements,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<(), StoreError> {
    let st = prepared(c, statements, sql)?;
    block_on(c.execute(&st, params)).map(|_| ()).map_err(|e| query_error(&e))
}

/// Reads outside a transaction, on the shared connection.
pub struct Reader(Arc<Connections>);

impl Sql for Reader {
    fn query(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>, StoreError> {
        run_query(&self.0.read, &self.0.read_statements, sql, params)
    }

    fn execute(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<(), StoreError> {
        run_execute(&self.0.read, &self.0.read_statements, sql, params)
    }
}

/// A transaction under way: its reads see its own writes and lock what a plan updates.
pub struct Tx<'t> {
    tx: &'t tokio_postgres::Transaction<'t>,
    /// Those of the writer connection the transaction runs on.
    statements: &'t Statements,
    /// Whether the database has `LISTEN/NOTIFY` (see `log_change`).
    notifies: bool,
}

impl Sql for Tx<'_> {
    fn row_lock(&self) -> &'static str {
        " FOR UPDATE"
    }

    fn query(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>, StoreError> {
        run_query(self.tx, self.statements, sql, params)
    }

    fn execute(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<(), StoreError> {
        run_execute(self.tx, self.statements, sql, params)
    }
}

impl Tx<'_> {
    pub fn execute(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<(), StoreError> {
        Sql::execute(self, sql, params)
    }

    /// Append to the change log that replicas follow; the change's number. The last write
    /// of its transaction (see `follow`: rows appear soon after their number is taken).
    pub(in crate::store) fn log_change(
        &self,
        kind: LoggedKind,
        subject: &str,
        ids: &LoggedIds,
    ) -> Result<u64, StoreError> {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        // Where the database has LISTEN/NOTIFY, followers are woken on commit (`NOTIFY` is
        // delivered then, or never if the transaction rolls back).
        let insert = "INSERT INTO changes (kind, subject, at, ids) VALUES ($1, $2, $3, $4) RETURNING seq";
        let sql = if self.notifies {
            format!("WITH logged AS ({insert}) SELECT seq, pg_notify('{CHANGES_CHANNEL}', '') FROM logged")
        } else {
            insert.to_string()
        };
        let rows = self.query(&sql, &[&kind.as_str(), &subject, &signed(now), &json(ids)?])?;
        let row = rows.first().ok_or_else(|| StoreError::Io("the change log gave no number".into()))?;
        Ok(count(row.get(0)))
    }

    /// Write a unit of changes as if one by one, in order, but in few statements: changes
    /// of one kind in a row go to the database together (`apply_run`: one statement per
    /// table, the rows as arrays unnested), so a commit is some twenty round trips, not
    /// a hundred and fifty. A unit that only puts (a commit) is grouped by kind first:
    /// puts of different kinds write different tables, which no constraint ties together,
    /// so their order does not matter; a unit that also removes (a curation) keeps its
    /// order.
    pub fn apply(&self, changes: Vec<Change>) -> Result<(), StoreError> {
        let mut runs: Vec<Vec<Change>> = Vec::new();
        let regroup = !changes.iter().any(Change::removes);
        for change in changes {
            let kind = std::mem::discriminant(&change);
            let run = if regroup {
                runs.iter_mut().find(|run| std::mem::discriminant(&run[0]) == kind)
            } else {
                runs.last_mut().filter(|run| std::mem::discriminant(&run[0]) == kind)
            };
            match run {
                Some(run) => run.push(change),
                None => runs.push(vec![change]),
            }
        }
        for run in runs {
            self.apply_run(run)?;
        }
        Ok(())
    }

    /// Changes of one kind, in order: one statement per table for the kinds a commit
    /// writes many of; where two put the same row, the last wins, as it would one by one.
    fn apply_run(&self, run: Vec<Change>) -> Result<(), StoreError> {
        match run.first() {
            Some(Change::PutMention { .. }) => {
                let mentions = last_per_key(run, |c| match c {
                    Change::PutMention { n, mention } => Some(((mention.document.clone(), n), mention)),
                    _ => None,
                })?;
                let ((documents, ns), rest): ((Vec<String>, Vec<i32>), Vec<StoredMention>) =
                    mentions.into_iter().map(|((d, n), m)| ((d, i32::try_from(n).unwrap_or(i32::MAX)), m)).unzip();
                self.execute(
                    "INSERT INTO mentions (document, n, entity, sentence, span_start, span_end, text, confidence, \
                     source) SELECT * FROM UNNEST($1::text[], $2::int4[], $3::text[], $4::int8[], $5::int8[], \
                     $6::int8[], $7::text[], $8::float4[], $9::text[]) ON CONFLICT (document, n) DO UPDATE SET \
                     entity = EXCLUDED.entity, sentence = EXCLUDED.sentence, span_start = EXCLUDED.span_start, \
                     span_end = EXCLUDED.span_end, text = EXCLUDED.text, confidence = EXCLUDED.confidence, \
                     source = EXCLUDED.source",
                    &[
                        &documents,
                        &ns,
                        &rest.iter().map(|m| m.entity.as_str()).collect::<Vec<_>>(),
                        &rest.iter().map(|m| offset(m.sentence)).collect::<Vec<_>>(),
                        &rest.iter().map(|m| offset(m.span.start)).collect::<Vec<_>>(),
                        &rest.iter().map(|m| offset(m.span.end)).collect::<Vec<_>>(),
                        &rest.iter().map(|m| m.text.as_str()).collect::<Vec<_>>(),
                        &rest.iter().map(|m| m.confidence).collect::<Vec<_>>(),
                        &rest.iter().map(|m| m.source.as_str()).collect::<Vec<_>>(),
                    ],
                )
            }
            Some(Change::PutEvidence { .. }) => {
                let evidence = last_per_key(run, |c| match c {
                    Change::PutEvidence { relation, n, evidence } => {
                        Some(((evidence.document.clone(), n), (relation, evidence)))
                    }
                    _ => None,
                })?;
                type Keys = (Vec<String>, Vec<i32>);
                let ((documents, ns), rest): (Keys, Vec<(String, Evidence)>) =
                    evidence.into_iter().map(|((d, n), e)| ((d, i32::try_from(n).unwrap_or(i32::MAX)), e)).unzip();
                self.execute(
                    "INSERT INTO evidence (document, n, relation, sentence, span_start, span_end, confidence, \
                     extractor) SELECT * FROM UNNEST($1::text[], $2::int4[], $3::text[], $4::int8[], $5::int8[], \
                     $6::int8[], $7::float4[], $8::text[]) ON CONFLICT (document, n) DO UPDATE SET \
                     relation = EXCLUDED.relation, sentence = EXCLUDED.sentence, span_start = EXCLUDED.span_start, \
                     span_end = EXCLUDED.span_end, confidence = EXCLUDED.confidence, extractor = EXCLUDED.extractor",
                    &[
                        &documents,
                        &ns,
                        &rest.iter().map(|(r, _)| r.as_str()).collect::<Vec<_>>(),
                        &rest.iter().map(|(_, e)| offset(e.sentence)).collect::<Vec<_>>(),
                        &rest.iter().map(|(_, e)| offset(e.span.start)).collect::<Vec<_>>(),
                        &rest.iter().map(|(_, e)| offset(e.span.end)).collect::<Vec<_>>(),
                        &rest.iter().map(|(_, e)| e.confidence).collect::<Vec<_>>(),
                        &rest.iter().map(|(_, e)| e.extractor.as_str()).collect::<Vec<_>>(),
                    ],
                )
            }
            Some(Change::PutEntity(_)) => {
                let entities = last_per_key(run, |c| match c {
                    Change::PutEntity(e) => Some((e.id.clone(), e)),
                    _ => None,
                })?;
                let (ids, entities): (Vec<String>, Vec<EntityRecord>) = entities.into_iter().unzip();
                self.execute("DELETE FROM entities WHERE id = ANY($1)", &[&ids])?;
                let links: Vec<Option<&WikidataLink>> = entities.iter().map(|e| e.wikidata.as_ref()).collect();
                let types = entities.iter().map(|e| enum_text(&e.entity_type)).collect::<Result<Vec<_>, _>>()?;
                let roles = entities.iter().map(|e| json(&e.roles)).collect::<Result<Vec<_>, _>>()?;
                let votes = entities.iter().map(|e| json(&e.type_votes)).collect::<Result<Vec<_>, _>>()?;
                self.execute(
                    "INSERT INTO entities (id, name, entity_type, mention_count, document_count, first_seen, \
                     last_seen, wikidata_qid, wikidata_label, wikidata_confidence, curated_name, curated_type, \
                     roles, type_votes) SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::int8[], \
                     $5::int8[], $6::text[], $7::text[], $8::text[], $9::text[], $10::float4[], $11::bool[], \
                     $12::bool[], $13::text[], $14::text[])",
                    &[
                        &ids,
                        &entities.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(),
                        &types,
                        &entities.iter().map(|e| signed(e.mention_count)).collect::<Vec<_>>(),
                        &entities.iter().map(|e| signed(e.document_count)).collect::<Vec<_>>(),
                        &entities.iter().map(|e| e.first_seen.as_deref()).collect::<Vec<_>>(),
                        &entities.iter().map(|e| e.last_seen.as_deref()).collect::<Vec<_>>(),
                        &links.iter().map(|w| w.map(|w| w.id.as_str())).collect::<Vec<_>>(),
                        &links.iter().map(|w| w.map(|w| w.label.as_str())).collect::<Vec<_>>(),
                        &links.iter().map(|w| w.map(|w| w.confidence)).collect::<Vec<_>>(),
                        &entities.iter().map(|e| e.curated.name).collect::<Vec<_>>(),
                        &entities.iter().map(|e| e.curated.entity_type).collect::<Vec<_>>(),
                        &roles,
                        &votes,
                    ],
                )?;
                self.execute("DELETE FROM aliases WHERE entity = ANY($1)", &[&ids])?;
                let aliases: Vec<(&str, &str, i64)> = entities
                    .iter()
                    .flat_map(|e| e.aliases.iter().map(|(a, n)| (e.id.as_str(), a.as_str(), signed(*n))))
                    .collect();
                self.execute(
                    "INSERT INTO aliases (entity, alias, mentions) \
                     SELECT * FROM UNNEST($1::text[], $2::text[], $3::int8[])",
                    &[
                        &aliases.iter().map(|a| a.0).collect::<Vec<_>>(),
                        &aliases.iter().map(|a| a.1).collect::<Vec<_>>(),
                        &aliases.iter().map(|a| a.2).collect::<Vec<_>>(),
                    ],
                )
            }
            Some(Change::PutRelation(_)) => {
                let relations = last_per_key(run, |c| match c {
                    Change::PutRelation(r) => Some((r.id.clone(), r)),
                    _ => None,
                })?;
                let (ids, relations): (Vec<String>, Vec<RelationRecord>) = relations.into_iter().unzip();
                self.execute("DELETE FROM relations WHERE id = ANY($1)", &[&ids])?;
                let kinds = relations.iter().map(|r| enum_text(&r.kind)).collect::<Result<Vec<_>, _>>()?;
                self.execute(
                    "INSERT INTO relations (id, source, target, kind, predicate, weight, confidence, first_seen, \
                     last_seen) SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], \
                     $6::int8[], $7::float4[], $8::text[], $9::text[])",
                    &[
                        &ids,
                        &relations.iter().map(|r| r.source.as_str()).collect::<Vec<_>>(),
                        &relations.iter().map(|r| r.target.as_str()).collect::<Vec<_>>(),
                        &kinds,
                        &relations.iter().map(|r| r.predicate.as_str()).collect::<Vec<_>>(),
                        &relations.iter().map(|r| signed(r.weight)).collect::<Vec<_>>(),
                        &relations.iter().map(|r| r.confidence).collect::<Vec<_>>(),
                        &relations.iter().map(|r| r.first_seen.as_deref()).collect::<Vec<_>>(),
                        &relations.iter().map(|r| r.last_seen.as_deref()).collect::<Vec<_>>(),
                    ],
                )
            }
            Some(Change::PutName { .. } | Change::PutPart { .. }) => {
                let table = if matches!(run[0], Change::PutName { .. }) { "entity_names" } else { "entity_name_parts" };
                let (folded, entities): (Vec<String>, Vec<String>) = run
                    .into_iter()
                    .filter_map(|c| match c {
                        Change::PutName { folded, entity } | Change::PutPart { folded, entity } => {
                            Some((folded, entity))
                        }
                        _ => None,
                    })
                    .unzip();
                self.execute(
                    &format!(
                        "INSERT INTO {table} (folded, entity) SELECT * FROM UNNEST($1::text[], $2::text[]) \
                         ON CONFLICT (folded, entity) DO NOTHING"
                    ),
                    &[&folded, &entities],
                )
            }
            _ => {
                for change in run {
                    self.apply_one(change)?;
                }
                Ok(())
            }
        }
    }

    fn apply_one(&self, change: Change) -> Result<(), StoreError> {
        match change {
            Change::PutDocument(d) => {
                let doc = &d.document;
                self.execute("DELETE FROM documents WHERE id = $1", &[&doc.id])?;
                self.execute(
                    "INSERT INTO documents (id, external_id, title, date, source, language, text, ingested_at, \
                     sentences, entity_ids, relation_ids, mention_count) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                    &[
                        &doc.id,
                        &doc.external_id,
                        &doc.title,
                        &doc.date,
                        &doc.source,
                        &doc.language,
                        &doc.text,
                        &signed(doc.ingested_at),
                        &json(&d.sentences)?,
                        &json(&d.entity_ids)?,
                        &json(&d.relation_ids)?,
                        &signed(d.mention_count),
                    ],
                )?;
                self.execute("DELETE FROM quotes WHERE document = $1", &[&doc.id])?;
                for (n, q) in d.quotes.iter().enumerate() {
                    self.execute(
                        "INSERT INTO quotes (document, n, speaker, text, span_start, span_end, about, extractor, kind) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                        &[
                            &doc.id,
                            &i32::try_from(n).unwrap_or(i32::MAX),
                            &q.speaker,
                            &q.text,
                            &offset(q.span.start),
                            &offset(q.span.end),
                            &json(&q.about)?,
                            &q.extractor.as_str(),
                            &q.kind.as_str(),
                        ],
                    )?;
                }
                Ok(())
            }
            Change::RemoveDocument(id) => {
                self.execute("DELETE FROM documents WHERE id = $1", &[&id])?;
                self.execute("DELETE FROM quotes WHERE document = $1", &[&id])
            }
            Change::PutExternalId { external_id, document } => self.execute(
                "INSERT INTO external_ids (external_id, document) VALUES ($1, $2) \
                 ON CONFLICT (external_id) DO UPDATE SET document = EXCLUDED.document",
                &[&external_id, &document],
            ),
            Change::RemoveExternalId(xid) => self.execute("DELETE FROM external_ids WHERE external_id = $1", &[&xid]),
            Change::PutEntity(e) => {
                self.execute("DELETE FROM entities WHERE id = $1", &[&e.id])?;
                let (qid, label, confidence) = match &e.wikidata {
                    Some(w) => (Some(w.id.as_str()), Some(w.label.as_str()), Some(w.confidence)),
                    None => (None, None, None),
                };
                self.execute(
                    "INSERT INTO entities (id, name, entity_type, mention_count, document_count, first_seen, \
                     last_seen, wikidata_qid, wikidata_label, wikidata_confidence, curated_name, curated_type, \
                     roles, type_votes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
                    &[
                        &e.id,
                        &e.name,
                        &enum_text(&e.entity_type)?,
                        &signed(e.mention_count),
                        &signed(e.document_count),
                        &e.first_seen,
                        &e.last_seen,
                        &qid,
                        &label,
                        &confidence,
                        &e.curated.name,
                        &e.curated.entity_type,
                        &json(&e.roles)?,
                        &json(&e.type_votes)?,
                    ],
                )?;
                self.execute("DELETE FROM aliases WHERE entity = $1", &[&e.id])?;
                for (alias, n) in &e.aliases {
                    self.execute(
                        "INSERT INTO aliases (entity, alias, mentions) VALUES ($1, $2, $3)",
                        &[&e.id, alias, &signed(*n)],
                    )?;
                }
                Ok(())
            }
            Change::RemoveEntity(id) => {
                self.execute("DELETE FROM entities WHERE id = $1", &[&id])?;
                self.execute("DELETE FROM aliases WHERE entity = $1", &[&id])
            }
            Change::PutName { folded, entity } => self.execute(
                "INSERT INTO entity_names (folded, entity) VALUES ($1, $2) ON CONFLICT (folded, entity) DO NOTHING",
                &[&folded, &entity],
            ),
            Change::RemoveName { folded, entity } => {
                self.execute("DELETE FROM entity_names WHERE folded = $1 AND entity = $2", &[&folded, &entity])
            }
            Change::PutPart { folded, entity } => self.execute(
                "INSERT INTO entity_name_parts (folded, entity) VALUES ($1, $2) \
                 ON CONFLICT (folded, entity) DO NOTHING",
                &[&folded, &entity],
            ),
            Change::PutWikidata { qid, entity } => self.execute(
                "INSERT INTO wikidata_links (qid, entity) VALUES ($1, $2) \
                 ON CONFLICT (qid) DO UPDATE SET entity = EXCLUDED.entity",
                &[&qid, &entity],
            ),
            Change::RemoveWikidata(qid) => self.execute("DELETE FROM wikidata_links WHERE qid = $1", &[&qid]),
            Change::PutRelation(r) => {
                self.execute("DELETE FROM relations WHERE id = $1", &[&r.id])?;
                self.execute(
                    "INSERT INTO relations (id, source, target, kind, predicate, weight, confidence, first_seen, \
                     last_seen) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    &[
                        &r.id,
                        &r.source,
                        &r.target,
                        &enum_text(&r.kind)?,
                        &r.predicate,
                        &signed(r.weight),
                        &r.confidence,
                        &r.first_seen,
                        &r.last_seen,
                    ],
                )
            }
            Change::RemoveRelation(id) => self.execute("DELETE FROM relations WHERE id = $1", &[&id]),
            Change::PutEvidence { relation, n, evidence: ev } => {
                let n = i32::try_from(n).unwrap_or(i32::MAX);
                self.execute(
                    "INSERT INTO evidence (document, n, relation, sentence, span_start, span_end, confidence, \
                     extractor) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (document, n) DO UPDATE SET \
                     relation = EXCLUDED.relation, sentence = EXCLUDED.sentence, span_start = EXCLUDED.span_start, \
                     span_end = EXCLUDED.span_end, confidence = EXCLUDED.confidence, extractor = EXCLUDED.extractor",
                    &[
                        &ev.document,
                        &n,
                        &relation,
                        &offset(ev.sentence),
                        &offset(ev.span.start),
                        &offset(ev.span.end),
                        &ev.confidence,
                        &ev.extractor.as_str(),
                    ],
                )
            }
            Change::RemoveEvidence { relation, document, n } => self.execute(
                "DELETE FROM evidence WHERE document = $1 AND n = $2 AND relation = $3",
                &[&document, &i32::try_from(n).unwrap_or(i32::MAX), &relation],
            ),
            Change::PutMention { n, mention: m } => {
                let n = i32::try_from(n).unwrap_or(i32::MAX);
                self.execute(
                    "INSERT INTO mentions (document, n, entity, sentence, span_start, span_end, text, confidence, \
                     source) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (document, n) DO UPDATE SET \
                     entity = EXCLUDED.entity, sentence = EXCLUDED.sentence, span_start = EXCLUDED.span_start, \
                     span_end = EXCLUDED.span_end, text = EXCLUDED.text, confidence = EXCLUDED.confidence, \
                     source = EXCLUDED.source",
                    &[
                        &m.document,
                        &n,
                        &m.entity,
                        &offset(m.sentence),
                        &offset(m.span.start),
                        &offset(m.span.end),
                        &m.text,
                        &m.confidence,
                        &m.source.as_str(),
                    ],
                )
            }
            Change::RemoveMention { entity, document, n } => self.execute(
                "DELETE FROM mentions WHERE document = $1 AND n = $2 AND entity = $3",
                &[&document, &i32::try_from(n).unwrap_or(i32::MAX), &entity],
            ),
            // The quotes table has the speaker: it is the quote index.
            Change::PutQuoteRef { .. } | Change::RemoveQuoteRef { .. } => Ok(()),
            Change::PutCuration(event) => self.execute(
                "INSERT INTO curation_events (seq, at, reason, curation) VALUES ($1, $2, $3, $4)",
                &[&signed(event.seq), &event.at, &event.reason, &json(&event.curation)?],
            ),
            Change::PutMerged { from, into } => self.execute(
                "INSERT INTO merged_entities (from_id, into_id) VALUES ($1, $2) \
                 ON CONFLICT (from_id) DO UPDATE SET into_id = EXCLUDED.into_id",
                &[&from, &into],
            ),
            Change::PutSplit { entity, folded, into } => self.execute(
                "INSERT INTO split_aliases (entity, folded, into_id) VALUES ($1, $2, $3) \
                 ON CONFLICT (entity, folded) DO UPDATE SET into_id = EXCLUDED.into_id",
                &[&entity, &folded, &into],
            ),
            Change::PutDeleted { document, seq } => self.execute(
                "INSERT INTO deleted_documents (document, seq) VALUES ($1, $2) \
                 ON CONFLICT (document) DO UPDATE SET seq = EXCLUDED.seq",
                &[&document, &signed(seq)],
            ),
        }
    }
}

/// The records of a run of changes of one kind, the last for each key, in the order
/// their keys first came.
fn last_per_key<K: Eq + std::hash::Hash + Clone, T>(
    run: Vec<Change>,
    keyed: impl Fn(Change) -> Option<(K, T)>,
) -> Result<Vec<(K, T)>, StoreError> {
    let mut at: std::collections::HashMap<K, usize> = std::collections::HashMap::new();
    let mut out: Vec<(K, T)> = Vec::with_capacity(run.len());
    for change in run {
        let (key, record) = keyed(change).ok_or_else(|| StoreError::Io("a run mixed kinds of change".into()))?;
        match at.get(&key) {
            Some(&i) => out[i].1 = record,
            None => {
                at.insert(key.clone(), out.len());
                out.push((key, record));
            }
        }
    }
    Ok(out)
}

/// The reads plans are written over, for a reader (no locks) and a transaction (rows a
/// plan will update are locked).
impl<S: Sql> Records for S {
    fn entity(&self, id: &str) -> Result<Option<EntityRecord>, StoreError> {
        self.entity_row(id, "")
    }

    fn entity_for_update(&self, id: &str) -> Result<Option<EntityRecord>, StoreError> {
        self.entity_row(id, self.row_lock())
    }

    fn relation(&self, id: &str) -> Result<Option<RelationRecord>, StoreError> {
        self.relation_row(id, "")
    }

    fn relation_for_update(&self, id: &str) -> Result<Option<RelationRecord>, StoreError> {
        self.relation_row(id, self.row_lock())
    }

    fn document(&self, id: &str) -> Result<Option<DocumentRecord>, StoreError> {
        let rows = self.query(&format!("SELECT {DOCUMENT_COLUMNS} FROM documents WHERE id = $1"), &[&id])?;
        rows.first().map(|row| self.document_from(row)).transpose()
    }

    fn contains_document(&self, id: &str) -> Result<bool, StoreError> {
        Ok(!self.query("SELECT 1 FROM documents WHERE id = $1", &[&id])?.is_empty())
    }

    fn documents_mentioning(&self, entity: &str) -> Result<BTreeSet<String>, StoreError> {
        let rows = self.query("SELECT DISTINCT document FROM mentions WHERE entity = $1", &[&entity])?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    fn mentions_in(&self, entity: &str, document: &str) -> Result<Vec<(u32, StoredMention)>, StoreError> {
        let rows = self.query(
            &format!("SELECT {MENTION_COLUMNS} FROM mentions WHERE entity = $1 AND document = $2 ORDER BY n"),
            &[&entity, &document],
        )?;
        rows.iter().map(mention_from).collect()
    }

    fn evidence_in(&self, relation: &str, document: &str) -> Result<Vec<(u32, Evidence)>, StoreError> {
        let rows = self.query(
            &format!("SELECT {EVIDENCE_COLUMNS} FROM evidence WHERE relation = $1 AND document = $2 ORDER BY n"),
            &[&relation, &document],
        )?;
        rows.iter().map(evidence_from).collect()
    }

    fn wikidata_entity(&self, qid: &str) -> Result<Option<String>, StoreError> {
        self.text("SELECT entity FROM wikidata_links WHERE qid = $1", qid)
    }

    fn entities_named(&self, folded: &str) -> Result<Vec<String>, StoreError> {
        let rows = self.query("SELECT entity FROM entity_names WHERE folded = $1 ORDER BY entity", &[&folded])?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    fn entities_with_part(&self, folded: &str) -> Result<Vec<String>, StoreError> {
        let rows = self.query("SELECT entity FROM entity_name_parts WHERE folded = $1 ORDER BY entity", &[&folded])?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    fn merged_into(&self, id: &str) -> Result<Option<String>, StoreError> {
        self.text("SELECT into_id FROM merged_entities WHERE from_id = $1", id)
    }

    fn split_off(&self, id: &str, folded: &str) -> Result<Option<String>, StoreError> {
        let rows =
            self.query("SELECT into_id FROM split_aliases WHERE entity = $1 AND folded = $2", &[&id, &folded])?;
        Ok(rows.first().map(|r| r.get(0)))
    }

    fn deleted_by(&self, document: &str) -> Result<Option<u64>, StoreError> {
        let rows = self.query("SELECT seq FROM deleted_documents WHERE document = $1", &[&document])?;
        Ok(rows.first().map(|r| count(r.get(0))))
    }

    fn document_for_external_id(&self, external_id: &str) -> Result<Option<String>, StoreError> {
        self.text("SELECT document FROM external_ids WHERE external_id = $1", external_id)
    }

    fn last_curation(&self) -> Result<u64, StoreError> {
        let rows = self.query("SELECT max(seq) FROM curation_events", &[])?;
        Ok(rows.first().and_then(|r| r.get::<_, Option<i64>>(0)).map_or(0, count))
    }
}
