//! The store suite, run against both backends: sled in a temporary folder and a
//! throwaway PostgreSQL (`common::PgServer`). Commit, idempotency, check, reopening, and
//! that both backends build the same graph from the same corpus; then what only a shared
//! database does: a schema of a later version is refused, a server restart fails writes
//! clearly and is recovered from without restarting kennisgraaf, and two workers
//! ingesting at once end as one worker would.

use crate::common::*;
use kennisgraaf::export::{self, Format};
use kennisgraaf::graph::Direction;
use kennisgraaf::ingest::RawDocument;
use kennisgraaf::model::{Curation, EntityType};
use kennisgraaf::pipeline::Kennisgraaf;
use kennisgraaf::store::{Store, StoreError};

fn corpus() -> Vec<RawDocument> {
    kennisgraaf::ingest::read_paths(&[repo("data/corpus")], Default::default()).documents
}

/// The whole graph as the JSON export writes it (sorted by id: byte-stable).
fn exported(kg: &Kennisgraaf) -> String {
    let graph = kg.graph();
    let (nodes, edges) = graph.select(&export::ExportParams::default().selection().expect("selection"));
    let mut out = Vec::new();
    export::write(Format::Json, &nodes, &edges, None, &mut out).expect("export");
    String::from_utf8(out).expect("utf-8")
}

fn assert_sound(store: &Store) {
    assert_eq!(store.check().expect("check runs"), Vec::<String>::new());
}

/// Ingest the corpus twice, check, reopen; returns the export.
fn commit_twice_and_reopen(backend: &TestStore) -> String {
    let kg = backend.pipeline();
    let first = kg.ingest(corpus(), || {}).expect("ingest");
    assert!(first.stored.len() > 50 && first.problems.is_empty(), "{first:?}");
    let again = kg.ingest(corpus(), || {}).expect("ingest again");
    assert_eq!((again.stored.len(), again.unchanged.len()), (0, first.stored.len()));
    let counts = kg.store().counts().expect("counts");
    assert_eq!(counts.documents, first.stored.len() as u64);
    assert_sound(kg.store());
    let before = exported(&kg);
    drop(kg);
    let kg = backend.pipeline();
    assert_eq!(kg.store().counts().expect("counts"), counts, "reopened");
    assert_sound(kg.store());
    assert_eq!(exported(&kg), before, "the graph loaded again is the graph built");
    before
}

#[test]
fn both_backends_commit_idempotently_survive_reopening_and_build_the_same_graph() {
    let sled = commit_twice_and_reopen(&TestStore::sled());
    let postgres = commit_twice_and_reopen(&TestStore::postgres());
    assert!(sled == postgres, "sled and PostgreSQL built different graphs from the same corpus");
}

#[test]
fn check_reports_a_row_removed_behind_kennisgraafs_back() {
    let backend = TestStore::postgres();
    let kg = backend.pipeline();
    ingest_reference(&kg);
    assert_sound(kg.store());
    let TestStore::Postgres(server) = &backend else { unreachable!() };
    let gone = server.sql("DELETE FROM entities WHERE id = (SELECT min(entity) FROM mentions) RETURNING id");
    let problems = kg.store().check().expect("check runs");
    // psql prints the id, then "DELETE 1".
    let gone = gone.lines().next().expect("a row was deleted");
    assert!(problems.iter().any(|p| p.contains(&format!("names missing entity {gone}"))), "{problems:#?}");
}

#[test]
fn a_database_of_a_later_schema_version_is_refused_with_what_to_do() {
    let backend = TestStore::postgres();
    drop(backend.open());
    let TestStore::Postgres(server) = &backend else { unreachable!() };
    server.sql("UPDATE kennisgraaf_meta SET value = '99' WHERE key = 'schema_version'");
    let err = Store::open_at(&backend.location(), true).err().expect("refused");
    assert!(err.to_string().contains("schema version 99") && err.to_string().contains("newer kennisgraaf"), "{err}");
}

#[test]
fn a_postgres_restart_fails_writes_clearly_and_is_recovered_from_without_restarting() {
    let backend = TestStore::postgres();
    let TestStore::Postgres(server) = &backend else { unreachable!() };
    let kg = backend.pipeline();
    let mut docs = corpus();
    let rest = docs.split_off(docs.len() / 2);
    kg.ingest(docs.clone(), || {}).expect("first half");
    server.stop();
    let err = kg.ingest(rest.clone(), || {}).expect_err("no database, no ingest");
    assert!(matches!(err, StoreError::Unavailable { .. }), "{err:?}");
    assert!(err.to_string().contains("PostgreSQL"), "the error names what failed: {err}");
    server.start_again();
    // Recovery is tried at most once per RECOVERY_INTERVAL.
    std::thread::sleep(kennisgraaf::pipeline::RECOVERY_INTERVAL + std::time::Duration::from_millis(200));
    let report = kg.ingest(rest, || {}).expect("ingests again once the database is back");
    assert!(!report.stored.is_empty());
    assert_sound(kg.store());
    // Nothing was lost or doubled: the same graph as one uninterrupted run.
    let reference = TestStore::sled().pipeline();
    reference.ingest(corpus(), || {}).expect("reference ingest");
    assert!(exported(&kg) == exported(&reference), "the interrupted run built another graph");
}

/// Both workers read the corpus in the same order, as a newsroom's workers reading one
/// feed do; each document is stored by whichever commits it first, and resolved against
/// the documents before it, so the result is the one-worker result.
#[test]
fn two_workers_ingesting_at_once_end_with_what_one_worker_builds() {
    let backend = TestStore::postgres();
    // Both start on the empty database at once: both create its tables.
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| backend.pipeline());
        let b = s.spawn(|| backend.pipeline());
        (a.join().expect("worker a opens"), b.join().expect("worker b opens"))
    });
    let (stored_a, stored_b) = std::thread::scope(|s| {
        let a = s.spawn(|| a.ingest(corpus(), || {}).expect("worker a"));
        let b = s.spawn(|| b.ingest(corpus(), || {}).expect("worker b"));
        (a.join().expect("worker a"), b.join().expect("worker b"))
    });
    let total = corpus().len();
    assert_eq!(stored_a.stored.len() + stored_b.stored.len(), total, "every document stored once");
    let after = backend.pipeline();
    assert_sound(after.store());
    let one = TestStore::sled().pipeline();
    one.ingest(corpus(), || {}).expect("one worker");
    assert!(exported(&after) == exported(&one), "two workers built another graph than one");
}

/// `kennisgraaf ARGS…` run in the checkout: exit code, stdout, stderr.
fn kennisgraaf(args: &[&str]) -> (Option<i32>, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kennisgraaf"))
        .current_dir(repo(""))
        .args(args)
        .output()
        .expect("kennisgraaf runs");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

/// `kennisgraaf ARGS…`, which must succeed; its stdout.
fn kennisgraaf_ok(args: &[&str]) -> String {
    let (code, stdout, stderr) = kennisgraaf(args);
    assert_eq!(code, Some(0), "{args:?} failed: {stderr}");
    stdout
}

/// The one entity of the graph with exactly this name.
fn named(kg: &Kennisgraaf, name: &str) -> String {
    let graph = kg.graph();
    let found: Vec<_> = graph.search(name, 10).into_iter().filter(|e| e.name == name).map(|e| e.id.clone()).collect();
    assert_eq!(found.len(), 1, "entities named {name:?}: {found:?}");
    found[0].clone()
}

/// What a user sees of a store: the JSON export with its evidence, GraphML, the curation
/// log, and the `check` line.
fn seen(store: &str) -> Vec<String> {
    let mut out: Vec<String> = [
        ["export", "--format", "json", "--with-evidence"].as_slice(),
        &["export", "--format", "graphml"],
        &["curation", "log"],
        &["check"],
    ]
    .iter()
    .map(|args| kennisgraaf_ok(&[&["--store", store], *args].concat()))
    .collect();
    out.push(kennisgraaf_ok(&["--store", store, "stats"]));
    out
}

#[test]
fn store_copy_moves_a_curated_store_to_postgres_and_back_with_identical_exports() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sled = dir.path().join("sled");
    {
        let kg = pipeline(&sled);
        kg.ingest(corpus(), || {}).expect("ingest");
        // A curation of every kind: merge, rename, retype, split an alias, delete a document.
        let (fiscus, belastingdienst) = (named(&kg, "fiscus"), named(&kg, "Belastingdienst"));
        let aboutaleb = named(&kg, "Aboutaleb");
        let burkina_faso = named(&kg, "Burkina Faso");
        let eelco = named(&kg, "Eelco Jansen");
        let reference = {
            let docs: Vec<_> = kg.store().documents().collect::<Result<_, _>>().expect("documents");
            docs.iter()
                .find(|d| d.document.text.contains("Meld Misdaad Anoniem"))
                .expect("reference")
                .document
                .id
                .clone()
        };
        for (curation, reason) in [
            (Curation::Merge { from: fiscus, into: belastingdienst }, "fiscus = Belastingdienst"),
            (Curation::Rename { entity: aboutaleb, name: "A. Aboutaleb".into() }, "full initial"),
            (Curation::Retype { entity: burkina_faso, entity_type: EntityType::Location }, "a country"),
            (Curation::SplitAlias { entity: eelco, alias: "jansen".into() }, "another Jansen"),
            (Curation::DeleteDocument { document: reference }, "duplicate"),
        ] {
            kg.curate(curation, reason).expect("curation");
        }
    }
    let sled = sled.display().to_string();
    let server = PgServer::start();
    let postgres = server.url();
    let back = dir.path().join("back").display().to_string();

    let to_postgres = kennisgraaf_ok(&["store", "copy", "--from", &sled, "--to", &postgres]);
    assert!(to_postgres.contains("the copy is sound") && to_postgres.contains("5 curations"), "{to_postgres}");
    let to_sled = kennisgraaf_ok(&["store", "copy", "--from", &postgres, "--to", &back]);
    assert!(to_sled.contains("the copy is sound"), "{to_sled}");

    let original = seen(&sled);
    assert!(original[2].lines().count() == 5, "five curations logged: {}", original[2]);
    assert!(original[3].contains("store is sound"), "{}", original[3]);
    assert!(seen(&postgres) == original, "the PostgreSQL copy shows another store than the sled original");
    assert!(seen(&back) == original, "the copy back into sled shows another store than the original");
    // What a deleted document leaves behind was copied too: it is not ingested again.
    let kg = pipeline(std::path::Path::new(&back));
    let again = kg.ingest(corpus(), || {}).expect("ingest into the copy");
    assert_eq!((again.stored.len(), again.deleted.len()), (0, 1), "{again:?}");
    drop(kg);

    // A target that holds a store is refused, with one line saying what to do.
    for target in [&back, &postgres] {
        let (code, stdout, stderr) = kennisgraaf(&["store", "copy", "--from", &sled, "--to", target]);
        assert_eq!(code, Some(1), "{stdout}{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.starts_with("error: cannot copy")
                && stderr.contains("already holds a store")
                && stderr.contains("copy into a new folder or an empty database"),
            "{stderr}"
        );
    }
    assert!(seen(&back) == original, "a refused copy changed nothing");
}

/// What `Store` answers for lists the API pages (sled keeps them in memory) equals a
/// fresh scan of the records, after commits that grow them and a curation that removes
/// a document: no read answers with records a write replaced.
fn lists_follow_every_write(backend: &TestStore) {
    let kg = backend.pipeline();
    ingest_reference(&kg);
    let (entity, relation, document) = {
        let graph = kg.graph();
        let aboutaleb = graph.search("Aboutaleb", 1)[0].id.clone();
        let relation = graph.relations_of(&aboutaleb, Direction::Both, &Default::default())[0].id.clone();
        (aboutaleb, relation, kg.store().documents().next().expect("a document").expect("read").document.id)
    };
    let store = kg.store();
    let agree = |when: &str| {
        let scanned: Vec<_> = store.mentions_of(&entity).collect::<Result<_, _>>().expect("scan");
        let placed = store.mentions_placed(&entity).expect("mentions");
        assert_eq!(placed.iter().map(|(_, m)| m.clone()).collect::<Vec<_>>(), scanned, "mentions {when}");
        let scanned: Vec<_> = store.evidence_of(&relation).collect::<Result<_, _>>().expect("scan");
        let placed = store.evidence_placed(&relation).expect("evidence");
        assert_eq!(placed.iter().map(|(_, e)| e.clone()).collect::<Vec<_>>(), scanned, "evidence {when}");
        (store.mentions_placed(&entity).expect("mentions").len(), store.document(&document).expect("read").is_some())
    };
    let (before, stored) = agree("after the first ingest");
    assert!(before > 0 && stored);
    let more = "Burgemeester Aboutaleb van Rotterdam opende dinsdag de nieuwe brug. Aboutaleb sprak van een mooie dag.";
    let report = kg.ingest(vec![RawDocument { text: more.into(), ..Default::default() }], || {}).expect("ingest");
    assert_eq!(report.stored.len(), 1, "{report:?}");
    let (grown, _) = agree("after a second document");
    assert!(grown > before, "a commit that adds mentions left the old list: {grown} <= {before}");
    kg.curate(kennisgraaf::model::Curation::DeleteDocument { document: document.clone() }, "test").expect("delete");
    let (left, stored) = agree("after the first document was deleted");
    assert!(left < grown && !stored, "a deleted document's records are still answered");
}

#[test]
fn lists_read_for_the_api_follow_every_write_in_both_backends() {
    lists_follow_every_write(&TestStore::sled());
    lists_follow_every_write(&TestStore::postgres());
}
