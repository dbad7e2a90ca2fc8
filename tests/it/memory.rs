//! Memory of ingesting one hostile document: `kennisgraaf ingest` of 2 MB shaped to hurt
//! (one paragraph repeated, one sentence without full stops, one name repeated, a list of
//! distinct names) peaks at no more than `MAX_PEAK_MB`, read from the child's VmHWM.
//! Before extraction and storing were bounded these took 0.8–3.5 GB (docs/limits.md).

use crate::common::*;
use kennisgraaf::extract::limits;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

const DOCUMENT_BYTES: usize = 2 << 20;
const MAX_PEAK_MB: u64 = 600;

/// `text` repeated and cut (on a char boundary) to `DOCUMENT_BYTES`.
fn two_megabytes_of(text: &str) -> String {
    let mut out = text.repeat(DOCUMENT_BYTES / text.len() + 1);
    let mut cut = DOCUMENT_BYTES;
    while !out.is_char_boundary(cut) {
        cut -= 1;
    }
    out.truncate(cut);
    out
}

/// One news paragraph dense with names, roles and places.
const NEWS_PARAGRAPH: &str = "Burgemeester Ahmed Aboutaleb van Rotterdam sprak in Den Haag met minister Ferd \
    Grapperhaus van Justitie over de politie in Rotterdam.\n\n";

/// The reference article's body paragraphs (header lines left out).
fn reference_paragraphs() -> String {
    reference_text().split("\n\n").filter(|p| p.len() > 200).collect::<Vec<_>>().join("\n\n") + "\n\n"
}

/// Distinct capitalised names ("Babe, Babi, …"), comma-separated, 2 MB.
fn list_of_distinct_names() -> String {
    const SYLLABLES: [&str; 16] =
        ["ba", "be", "di", "do", "ka", "ke", "li", "lo", "ma", "mu", "pe", "po", "sa", "si", "te", "vo"];
    let mut out = String::with_capacity(DOCUMENT_BYTES + 32);
    let mut n = 16usize;
    while out.len() < DOCUMENT_BYTES {
        let mut name = String::new();
        let mut k = n;
        while k > 0 {
            name.push_str(SYLLABLES[k % 16]);
            k /= 16;
        }
        let mut chars = name.chars();
        let first = chars.next().map(|c| c.to_ascii_uppercase()).unwrap_or('X');
        out.push(first);
        out.extend(chars);
        out.push_str(", ");
        n += 1;
    }
    out.truncate(DOCUMENT_BYTES);
    out
}

/// Peak resident memory (VmHWM) of `kennisgraaf ingest file` into a new store, in MB.
fn ingest_peak_mb(file: &Path, store: &Path) -> u64 {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kennisgraaf"))
        .current_dir(repo(""))
        .arg("--store")
        .arg(store)
        .arg("ingest")
        .arg(file)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("binary starts");
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kb = 0;
    let status = loop {
        // VmHWM only grows; the last reading before exit is the peak.
        if let Ok(status) = std::fs::read_to_string(&status_file) {
            let hwm = status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok());
            peak_kb = peak_kb.max(hwm.unwrap_or(0));
        }
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    assert!(status.success(), "ingest of {} failed", file.display());
    peak_kb / 1024
}

fn assert_ingest_fits(shape: &str, text: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join(format!("{shape}.txt"));
    std::fs::write(&file, text).expect("write document");
    let peak = ingest_peak_mb(&file, &dir.path().join("store"));
    assert!(peak > 0, "no memory reading for {shape}");
    assert!(peak <= MAX_PEAK_MB, "ingesting 2 MB of {shape} peaked at {peak} MB (at most {MAX_PEAK_MB} MB allowed)");
}

#[test]
fn two_megabytes_of_one_repeated_paragraph_fit_in_600_mb() {
    assert_ingest_fits("repeated-paragraph", &two_megabytes_of(NEWS_PARAGRAPH));
}

#[test]
fn two_megabytes_without_a_full_stop_fit_in_600_mb() {
    let paragraphs = reference_paragraphs();
    let words: Vec<&str> = paragraphs.split_whitespace().map(|w| w.trim_end_matches('.')).collect();
    assert_ingest_fits("one-sentence", &two_megabytes_of(&(words.join(" ") + " ")));
}

#[test]
fn two_megabytes_of_one_name_fit_in_600_mb() {
    assert_ingest_fits("one-name", &two_megabytes_of("Aboutaleb, "));
}

#[test]
fn two_megabytes_of_distinct_names_fit_in_600_mb() {
    assert_ingest_fits("name-list", &list_of_distinct_names());
}

#[test]
fn a_repetitive_document_keeps_bounded_mentions_and_statements_and_says_so() {
    let text = two_megabytes_of(NEWS_PARAGRAPH);
    let x = extractor().extract(&text);
    assert_eq!(x.mentions.len(), limits::MAX_MENTIONS);
    assert!(x.entities.len() <= limits::MAX_ENTITIES);
    let mut statements = std::collections::HashMap::new();
    for r in &x.relations {
        *statements.entry((r.source, r.target, r.kind, r.predicate.as_str())).or_insert(0) += 1;
    }
    assert!(statements.values().all(|&n| n <= limits::MAX_STATEMENTS_PER_RELATION), "{statements:?}");
    assert!(x.diagnostics.iter().any(|d| d.contains("mentions; only the first")), "{:?}", x.diagnostics);
    assert!(x.diagnostics.iter().any(|d| d.contains("already stated")), "{:?}", x.diagnostics);
    for m in &x.mentions {
        assert!(m.entity < x.entities.len());
    }
}

#[test]
fn a_list_of_distinct_names_keeps_the_first_entities_and_says_so() {
    let x = extractor().extract(&list_of_distinct_names());
    assert_eq!(x.entities.len(), limits::MAX_ENTITIES);
    assert!(x.mentions.iter().all(|m| m.entity < x.entities.len()));
    assert!(x.relations.iter().all(|r| r.source < x.entities.len() && r.target < x.entities.len()));
    assert!(x.diagnostics.iter().any(|d| d.contains("entities; only the first")), "{:?}", x.diagnostics);
}
