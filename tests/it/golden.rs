//! Golden file: the full extraction of the reference article, pinned. When extraction
//! changes on purpose, rewrite it with `UPDATE_GOLDEN=1 cargo test golden` and review the
//! diff of tests/golden/aboutaleb.json like any other change.

use crate::common::*;
use kennisgraaf::ingest::{prepare, RawDocument};

#[test]
fn reference_article_extraction_matches_the_golden_file() {
    let doc = prepare(RawDocument { text: reference_text(), origin: REFERENCE.into(), ..Default::default() })
        .expect("valid article");
    let extraction = extractor().extract(&doc.text);
    let printed = serde_json::to_string_pretty(&extraction).expect("json") + "\n";
    let path = repo("tests/golden/aboutaleb.json");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &printed).expect("write golden file");
    }
    let golden = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        golden == printed,
        "extraction of the reference article changed; review and rewrite with `UPDATE_GOLDEN=1 cargo test golden`"
    );
}
