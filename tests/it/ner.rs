//! The shipped NER model on real data.

use crate::common::*;
use kennisgraaf::extract::ner::{conll, evaluate};

/// The F1 the shipped model must keep on ned.testa (percent). See data/models/README.md.
const F1_FLOOR: f64 = 82.9;

#[test]
fn shipped_model_keeps_its_f1_on_conll2002_testa() {
    let text = std::fs::read_to_string(shared("conll2002/ned.testa")).expect("../shared/data/conll2002/ned.testa");
    let gold = conll::parse(&text).expect("CoNLL");
    let score = evaluate(&model(), &gold);
    let f1 = 100.0 * score.overall.f1();
    assert!(f1 >= F1_FLOOR, "F1 on testa fell to {f1:.2} (floor {F1_FLOOR})\n{}", score.table());
}

#[test]
fn sentence_initial_ordinary_words_are_not_names() {
    let m = model();
    for sentence in [
        ["De", "politie", "zocht", "verder", "."],
        ["Maar", "ook", "de", "haven", "."],
        ["Hij", "heeft", "de", "zaak", "aangekaart"],
    ] {
        assert!(m.tag(&sentence).iter().all(|&l| l == 0), "{sentence:?} tagged {:?}", m.tag(&sentence));
    }
}
