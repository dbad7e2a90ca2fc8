//! The `kennisgraaf` binary as a user runs it.

use crate::common::*;
use std::process::{Command, Output};

fn run(store: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kennisgraaf"))
        .current_dir(repo(""))
        .arg("--store")
        .arg(store)
        .args(args)
        .output()
        .expect("binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn extract_prints_the_reference_extraction_as_json_and_stores_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("s");
    let out = run(&store, &["extract", REFERENCE]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(json["document"]["date"], "2019-03");
    let entities = json["entities"].as_array().expect("entities");
    let has = |name: &str, ty: &str| entities.iter().any(|e| e["name"] == name && e["type"] == ty);
    for (name, ty) in [
        ("Aboutaleb", "PERSON"),
        ("Rotterdam", "LOCATION"),
        ("Opiumwet", "LAW"),
        ("Meld Misdaad Anoniem", "ORGANIZATION"),
        ("kabinet", "ORGANIZATION"),
        ("douane", "ORGANIZATION"),
        ("politie", "ORGANIZATION"),
        ("Groningen", "LOCATION"),
    ] {
        assert!(has(name, ty), "{name} as {ty} missing from {entities:?}");
    }
    // Spans index the normalised document text exactly.
    let text = json["document"]["text"].as_str().expect("text");
    for m in json["mentions"].as_array().expect("mentions") {
        let (s, e) =
            (m["span"]["start"].as_u64().expect("start") as usize, m["span"]["end"].as_u64().expect("end") as usize);
        assert_eq!(&text[s..e], m["text"].as_str().expect("mention text"));
    }
    assert!(!store.exists(), "extract must not create a store");
}

#[test]
fn ingest_reports_bad_inputs_by_file_and_line_and_keeps_the_good_ones() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("s");
    let input = dir.path().join("in");
    std::fs::create_dir(&input).expect("mkdir");
    std::fs::write(input.join("a.jsonl"), "{\"id\":\"1\",\"text\":\"Burgemeester Aboutaleb van Rotterdam sprak in Den Haag.\"}\n{broken\n{\"id\":\"3\",\"date\":\"2020-01-02\",\"text\":\"De politie in Groningen zocht verder.\"}\n").expect("write");
    std::fs::write(input.join("latin1.txt"), b"De burgemeester van Gen\xe8ve.").expect("write");
    std::fs::write(input.join("empty.txt"), "").expect("write");
    std::fs::write(input.join("binary.txt"), b"\x00\x01\x02garbage").expect("write");
    let out = run(&store, &["ingest", input.to_str().expect("path"), "/no/such/file.txt"]);
    let err = stderr(&out);
    assert!(!out.status.success(), "bad inputs must make the exit code non-zero");
    assert!(err.contains("a.jsonl:2: malformed JSON"), "{err}");
    assert!(err.contains("latin1.txt: invalid UTF-8 at byte 23"), "{err}");
    assert!(err.contains("empty.txt: the file is empty"), "{err}");
    assert!(err.contains("binary.txt: looks like a binary file"), "{err}");
    assert!(err.contains("/no/such/file.txt: no such file or folder"), "{err}");
    assert!(err.contains("2 documents stored"), "{err}");
    let stats = run(&store, &["stats"]);
    assert!(
        String::from_utf8_lossy(&stats.stdout).contains("documents  2"),
        "{}",
        String::from_utf8_lossy(&stats.stdout)
    );
    // Ingesting again changes nothing.
    let again = run(&store, &["ingest", input.join("a.jsonl").to_str().expect("path")]);
    assert!(stderr(&again).contains("0 documents stored, 2 already present"), "{}", stderr(&again));
}

#[test]
fn a_store_in_use_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().expect("tempdir");
    let _held = kennisgraaf::store::Store::open(dir.path()).expect("first open");
    let out = run(dir.path(), &["stats"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("in use by another kennisgraaf process"), "{}", stderr(&out));
}

#[test]
fn a_folder_with_nothing_ingestible_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).expect("mkdir");
    let out = run(&dir.path().join("s"), &["ingest", empty.to_str().expect("path")]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("nothing ingestible here"), "{}", stderr(&out));
}

#[test]
fn help_explains_the_commands() {
    let out = Command::new(env!("CARGO_BIN_EXE_kennisgraaf")).arg("--help").output().expect("runs");
    let help = String::from_utf8_lossy(&out.stdout);
    for cmd in ["serve", "ingest", "extract", "stats", "train", "eval"] {
        assert!(help.contains(cmd), "{help}");
    }
}

#[test]
fn files_over_the_size_limit_are_refused_with_the_limit_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("big.txt");
    std::fs::write(&file, "Aboutaleb sprak. ".repeat(100)).expect("write");
    let out = run(&dir.path().join("s"), &["ingest", "--max-file-bytes", "1000", file.to_str().expect("path")]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("is 1700 bytes, over the limit of 1000 bytes"), "{}", stderr(&out));
}

#[test]
fn check_reports_a_sound_store() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("s");
    let ingest = run(&store, &["ingest", REFERENCE]);
    assert!(ingest.status.success(), "{}", stderr(&ingest));
    let out = run(&store, &["check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("store is sound: 1 documents"));
}

#[test]
fn the_bundled_curation_log_replays_onto_a_store_rebuilt_from_the_corpus() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (first, second) = (dir.path().join("a"), dir.path().join("b"));
    for store in [&first, &second] {
        assert!(run(store, &["ingest", "data/corpus"]).status.success());
    }
    let replay = run(&first, &["curation", "replay", "data/curations.jsonl"]);
    assert!(stderr(&replay).contains("2 of 2 curations applied"), "{}", stderr(&replay));
    // The log written by the first store rebuilds the same graph from the same documents.
    let log = run(&first, &["curation", "log"]);
    let log_file = dir.path().join("log.jsonl");
    std::fs::write(&log_file, &log.stdout).expect("write log");
    assert_eq!(String::from_utf8_lossy(&log.stdout).lines().count(), 2);
    let replay = run(&second, &["curation", "replay", log_file.to_str().expect("path")]);
    assert!(stderr(&replay).contains("2 of 2 curations applied"), "{}", stderr(&replay));
    let stats = |store| String::from_utf8_lossy(&run(store, &["stats"]).stdout).into_owned();
    assert_eq!(stats(&first), stats(&second));
    assert!(String::from_utf8_lossy(&run(&second, &["check"]).stdout).contains("store is sound"));

    // A damaged log is refused whole, with the line named.
    std::fs::write(&log_file, [&log.stdout[..], b"{\"seq\": 3, \"curation\": \"merge\"}\n"].concat()).expect("write");
    let out = run(&second, &["curation", "replay", log_file.to_str().expect("path")]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("line 3 of") && stderr(&out).contains("nothing was applied"), "{}", stderr(&out));
}

#[test]
fn extract_with_syntax_shows_the_parse_of_every_sentence() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("s");
    let plain = run(&store, &["extract", REFERENCE]);
    let plain: serde_json::Value = serde_json::from_slice(&plain.stdout).expect("JSON on stdout");
    assert!(plain.get("syntax").is_none(), "the parse is shown only when asked for");

    let out = run(&store, &["extract", "--syntax", REFERENCE]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    let sentences = json["syntax"].as_array().expect("syntax");
    assert_eq!(sentences.len(), json["sentences"].as_array().expect("sentences").len());
    for s in sentences {
        let words = s["words"].as_array().expect("words");
        assert_eq!(words.iter().filter(|w| w["head"].is_null()).count(), 1, "one root in {s}");
        for w in words {
            for key in ["text", "span", "upos", "feats", "lemma", "deprel"] {
                assert!(w.get(key).is_some(), "{key} missing from {w}");
            }
        }
    }
    let aboutaleb = sentences
        .iter()
        .flat_map(|s| s["words"].as_array().expect("words"))
        .find(|w| w["text"] == "Aboutaleb")
        .expect("Aboutaleb is a word");
    assert_eq!(aboutaleb["upos"], "PROPN");

    let missing = run(&store, &["--syntax-model", "no/such/model.kgs", "extract", "--syntax", REFERENCE]);
    assert!(!missing.status.success());
    assert!(stderr(&missing).contains("kennisgraaf train syntax"), "{}", stderr(&missing));
}

/// A store with the reference article in it.
fn reference_store(dir: &std::path::Path) -> std::path::PathBuf {
    let store = dir.join("s");
    let out = run(&store, &["ingest", REFERENCE]);
    assert!(out.status.success(), "{}", stderr(&out));
    store
}

#[test]
fn a_user_error_is_one_line_and_exit_code_1_without_a_backtrace_even_with_rust_backtrace() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = Command::new(env!("CARGO_BIN_EXE_kennisgraaf"))
        .current_dir(repo(""))
        .env("RUST_BACKTRACE", "1")
        .args(["--log", "off", "curation", "replay", "no/such/log.jsonl"])
        .arg("--store")
        .arg(dir.path().join("s"))
        .output()
        .expect("binary runs");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "one line: {err}");
    // The context and its cause on one line.
    assert!(
        lines[0].starts_with("error: cannot read the curation log no/such/log.jsonl")
            && lines[0].ends_with(": No such file or directory (os error 2)"),
        "{err}"
    );
    assert!(!err.contains("backtrace") && !err.contains("Caused by"), "{err}");
}

#[test]
fn read_only_commands_refuse_a_missing_store_instead_of_creating_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("typo.store");
    let log = dir.path().join("log.jsonl");
    std::fs::write(&log, "").expect("write");
    for args in [
        &["stats"][..],
        &["check"],
        &["search", "Aboutaleb"],
        &["export", "--format", "json"],
        &["curation", "log"],
        &["curation", "replay", log.to_str().expect("path")],
    ] {
        let out = run(&store, args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains(&format!("no store at {}", store.display())), "{args:?}: {err}");
        assert!(err.contains("kennisgraaf --store"), "{args:?} says how to make one: {err}");
        assert!(!store.exists(), "{args:?} created a store");
    }
}

#[test]
fn export_errors_name_the_file_asked_for_not_the_temporary_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = reference_store(dir.path());
    // A folder where the file should go: creating the temporary file works, the rename fails.
    let out_path = dir.path().join("out.graphml");
    std::fs::create_dir(&out_path).expect("mkdir");
    std::fs::write(out_path.join("keep"), "").expect("write");
    let out = run(&store, &["export", "--format", "graphml", "--out", out_path.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains(&format!("cannot write {}", out_path.display())), "{err}");
    assert!(!err.contains("partial"), "{err}");
    assert!(!dir.path().join("out.partial").exists(), "the temporary file is removed");
    // A folder that does not exist: the temporary file cannot be created.
    let missing = dir.path().join("no/such/folder/out.graphml");
    let out = run(&store, &["export", "--format", "graphml", "--out", missing.to_str().expect("path")]);
    let err = stderr(&out);
    assert!(err.contains(&format!("cannot write {}: No such file or directory", missing.display())), "{err}");
    assert!(!err.contains("partial"), "{err}");
}

#[test]
fn help_lists_global_options_once_under_their_heading_and_describes_every_flag() {
    let out = Command::new(env!("CARGO_BIN_EXE_kennisgraaf")).arg("--help").output().expect("runs");
    let help = String::from_utf8_lossy(&out.stdout);
    assert_eq!(help.matches("Global options:").count(), 1, "{help}");
    let global = &help[help.find("Global options:").expect("heading")..];
    for flag in ["--store", "--model", "--wikidata", "--syntax-model", "--log"] {
        assert_eq!(help.matches(&format!("{flag} <")).count(), 1, "{flag} once: {help}");
        assert!(global.contains(&format!("{flag} <")), "{flag} under the heading: {help}");
    }
    let sub = Command::new(env!("CARGO_BIN_EXE_kennisgraaf")).args(["train", "ner", "--help"]).output().expect("runs");
    let sub = String::from_utf8_lossy(&sub.stdout);
    assert!(sub.contains("Passes over the training data") && sub.contains("Seed of the shuffling"), "{sub}");

    // Every argument of every command says what it is for.
    fn undescribed(cmd: &clap::Command, path: &str, found: &mut Vec<String>) {
        for a in cmd.get_arguments() {
            if a.get_help().is_none() && a.get_long_help().is_none() {
                found.push(format!("{path} {}", a.get_id()));
            }
        }
        for s in cmd.get_subcommands() {
            undescribed(s, &format!("{path} {}", s.get_name()), found);
        }
    }
    let mut found = Vec::new();
    undescribed(&<kennisgraaf::cli::Cli as clap::CommandFactory>::command(), "kennisgraaf", &mut found);
    assert!(found.is_empty(), "flags without a description: {found:?}");
}

#[test]
fn search_prints_ids_types_and_counts_as_the_graphql_search_finds_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = reference_store(dir.path());
    let out = run(&store, &["search", "aboutaleb"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "id\ttype\tmentions\tdocuments\tname");
    let row: Vec<&str> = lines[1].split('\t').collect();
    assert_eq!(row[1..], ["PERSON", row[2], "1", "Aboutaleb"], "{stdout}");
    assert!(row[2].parse::<u64>().expect("mentions") >= 2, "{stdout}");
    // The same id as GraphQL's `search`.
    assert_eq!(graph_of(&store).search("aboutaleb", 10)[0].id, row[0]);

    let none = run(&store, &["search", "Zwolle"]);
    assert_eq!(none.status.code(), Some(1));
    assert!(stderr(&none).contains("no entity named like \"Zwolle\""), "{}", stderr(&none));
}

/// The graph as the GraphQL API reads it.
fn graph_of(store: &std::path::Path) -> kennisgraaf::graph::Graph {
    kennisgraaf::graph::Graph::load(&kennisgraaf::store::Store::open(store).expect("open")).expect("load")
}

#[test]
fn export_around_takes_a_name_and_lists_the_candidates_when_it_is_ambiguous() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = reference_store(dir.path());
    let json = |args: &[&str]| -> serde_json::Value {
        let out = run(&store, &[&["export", "--format", "json"][..], args].concat());
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        serde_json::from_slice(&out.stdout).expect("json")
    };
    let id = graph_of(&store).search("Aboutaleb", 1)[0].id.clone();
    let by_id = json(&["--around", &id]);
    let by_name = json(&["--around", "aboutaleb"]);
    assert_eq!(by_id, by_name);
    let labels: Vec<&str> =
        by_name["nodes"].as_array().expect("nodes").iter().filter_map(|n| n["label"].as_str()).collect();
    assert!(labels.contains(&"Aboutaleb") && labels.contains(&"Rotterdam"), "{labels:?}");
    assert!(labels.len() < json(&[])["nodes"].as_array().expect("nodes").len(), "{labels:?}");

    // "Groningen" also finds "burgemeester van Groningen": the exact name wins.
    let groningen = json(&["--around", "groningen", "--depth", "0"]);
    assert_eq!(groningen["nodes"].as_array().expect("nodes").len(), 1);
    assert_eq!(groningen["nodes"][0]["label"], "Groningen");

    // "burg" starts "burgemeester" and "burgemeester van Groningen", neither exactly.
    const AMBIGUOUS: &str = "burg";
    let out = run(&store, &["export", "--format", "json", "--around", AMBIGUOUS]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let candidates = graph_of(&store).search(AMBIGUOUS, 10).into_iter().map(|e| e.id.clone()).collect::<Vec<_>>();
    assert!(candidates.len() >= 2, "{candidates:?}");
    assert!(err.contains("names several entities"), "{err}");
    for c in &candidates {
        assert!(err.contains(c.as_str()), "{c} missing from {err}");
    }

    let out = run(&store, &["export", "--format", "json", "--around", "Zwolle"]);
    assert!(stderr(&out).contains("no entity with id or name \"Zwolle\""), "{}", stderr(&out));
}

#[test]
fn at_the_default_log_level_a_user_error_is_the_only_line_even_with_rust_backtrace() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("typo.store");
    for (args, message) in [
        (&["stats"][..], "error: no store at "),
        (&["serve", "--addr", "localhost"], "error: --addr \"localhost\" is not an address and port"),
        (&["serve", "--addr", "0.0.0.0:0"], "error: --addr 0.0.0.0:0 is reachable from other machines"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_kennisgraaf"))
            .current_dir(repo(""))
            .env("RUST_BACKTRACE", "1")
            .env_remove("RUST_LOG")
            .arg("--store")
            .arg(&store)
            .args(args)
            .output()
            .expect("binary runs");
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: one line, no log line before it: {err}");
        assert!(err.starts_with(message), "{args:?}: {err}");
        // The address is checked before the store is opened (or created) and models loaded.
        assert!(!store.exists(), "{args:?} created the store");
    }
}

#[test]
fn serve_prints_its_urls_and_a_one_line_summary_not_the_seeded_documents_ids() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).expect("mkdir");
    std::fs::copy(repo(REFERENCE), corpus.join("reference.txt")).expect("copy");
    let mut child = Command::new(env!("CARGO_BIN_EXE_kennisgraaf"))
        .current_dir(repo(""))
        .env_remove("RUST_LOG")
        .arg("--store")
        .arg(dir.path().join("s"))
        .args(["serve", "--addr", "127.0.0.1:0", "--curations", "no/such/curations.jsonl", "--corpus"])
        .arg(&corpus)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("serve starts");
    let mut lines = Vec::new();
    for line in std::io::BufReader::new(child.stderr.take().expect("stderr")).lines() {
        let line = line.expect("stderr line");
        let serving = line.starts_with("serving ");
        lines.push(line);
        if serving {
            break;
        }
    }
    let serving = lines.last().cloned().unwrap_or_default();
    let url = serving.split_whitespace().nth(1).unwrap_or_default().to_string();
    let health = ureq::get(&url.replace("/explore", "/health")).call().map(|r| r.status());
    child.kill().expect("stop serve");
    let out = child.wait_with_output().expect("serve ends");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "", "serve prints nothing on stdout");
    let store = kennisgraaf::store::Store::open(&dir.path().join("s")).expect("store opens after serve");
    let ids: Vec<String> = store.documents().map(|d| d.expect("document").document.id).collect();
    assert_eq!(ids.len(), 1, "the corpus was seeded");
    assert!(lines.iter().all(|l| !l.contains(&ids[0])), "the seeded document's id is printed: {lines:#?}");
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with("/explore") && serving.contains("/graphql"),
        "{lines:#?}"
    );
    assert!(serving.contains(": 1 documents, ") && serving.contains(" entities, "), "summary: {serving}");
    assert!(lines.iter().any(|l| l.starts_with("1 documents stored")), "the seeding summary: {lines:#?}");
    assert_eq!(health.expect("the printed URL answers"), 200);
}
