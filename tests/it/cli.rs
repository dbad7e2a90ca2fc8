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
