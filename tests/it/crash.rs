//! Crash safety: an ingesting process is killed with SIGKILL at many points; after each
//! kill the store must hold every acknowledged document whole, nothing half-stored, and
//! load into the same graph it describes.

use crate::common::*;
use kennisgraaf::graph::Graph;
use kennisgraaf::store::Store;
use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[test]
fn sigkill_during_ingest_never_loses_acknowledged_documents() {
    sigkill_during_ingest(
        &TestStore::sled(),
        Kills { wanted: 20, rounds: 40, after_first_acknowledgement: false, earliest_ms: 120 },
    );
}

/// The same with the store in PostgreSQL: a killed worker's open transaction is rolled
/// back by the server. Each kill lands after the round's first acknowledgement (starting
/// takes longer than with sled: connecting, loading the graph over SQL), so every round
/// kills a worker with acknowledged documents behind it; fewer rounds.
#[test]
fn sigkill_during_ingest_into_postgres_never_loses_acknowledged_documents() {
    sigkill_during_ingest(
        &TestStore::postgres(),
        Kills { wanted: 8, rounds: 14, after_first_acknowledgement: true, earliest_ms: 0 },
    );
}

/// How many kills to land, in at most how many rounds, each at least how long after the
/// start or the round's first acknowledgement (plus up to 400 ms more, pseudo-random).
#[derive(Clone, Copy)]
struct Kills {
    wanted: usize,
    rounds: usize,
    after_first_acknowledgement: bool,
    earliest_ms: u64,
}

fn sigkill_during_ingest(backend: &TestStore, plan: Kills) {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).expect("mkdir");
    let articles = europeana_articles();
    assert!(articles.len() >= 280, "{} articles", articles.len());
    for (i, a) in articles.iter().enumerate() {
        std::fs::write(corpus.join(format!("{i:04}.txt")), format!("date 2000-05\n{a}")).expect("write");
    }
    let location = backend.location();
    let mut acknowledged: HashSet<String> = HashSet::new();
    let (mut kills, mut rng) = (0, 0x2545_f491_4f6c_dd1du64);
    for round in 0..plan.rounds {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kennisgraaf"))
            .current_dir(repo(""))
            .args(["--log", "error", "--store"])
            .arg(location.to_string())
            .args(["ingest", "--flush-every", "4"])
            .arg(&corpus)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn ingest");
        let acked = Arc::new(Mutex::new(Vec::new()));
        let (first_ack, first_acked) = std::sync::mpsc::channel();
        let reader = {
            let acked = acked.clone();
            let stdout = child.stdout.take().expect("stdout");
            std::thread::spawn(move || {
                for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                    acked.lock().expect("lock").push(line);
                    let _ = first_ack.send(());
                }
            })
        };
        if plan.after_first_acknowledgement {
            // Whatever the machine's speed; a process that exits first ends the wait too.
            let _ = first_acked.recv_timeout(Duration::from_secs(120));
        }
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        std::thread::sleep(Duration::from_millis(plan.earliest_ms + rng % 400));
        let finished = child.try_wait().expect("try_wait").is_some();
        if !finished {
            child.kill().expect("SIGKILL");
            kills += 1;
        }
        child.wait().expect("wait");
        reader.join().expect("reader");
        acknowledged.extend(acked.lock().expect("lock").drain(..));

        let store = Store::open_at(&location, true).expect("store reopens after a kill");
        let problems = store.check().expect("check runs");
        assert!(problems.is_empty(), "round {round}: store inconsistent after a kill: {problems:?}");
        for id in &acknowledged {
            assert!(store.contains_document(id).expect("lookup"), "round {round}: acknowledged document {id} is gone");
        }
        let counts = store.counts().expect("counts");
        let graph = Graph::load(&store).expect("graph loads");
        assert_eq!(
            (graph.entity_count() as u64, graph.relation_count() as u64),
            (counts.entities, counts.relations),
            "round {round}: graph differs from store"
        );
        drop(store);
        eprintln!(
            "round {round}: killed {}, {} acknowledged, {} stored",
            !finished,
            acknowledged.len(),
            counts.documents
        );
        if finished {
            assert_eq!(counts.documents as usize, articles.len(), "a finished ingest stored everything");
            if kills >= plan.wanted {
                break;
            }
            // Start over so kills keep landing mid-ingest.
            match backend {
                TestStore::Sled(store) => std::fs::remove_dir_all(store.path()).expect("reset store"),
                TestStore::Postgres(server) => {
                    server.sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
                }
            }
            acknowledged.clear();
        }
    }
    assert!(kills >= plan.wanted, "only {kills} kills landed during ingest");
    if plan.after_first_acknowledgement {
        assert!(!acknowledged.is_empty(), "no document was acknowledged before a kill");
    }
}
