//! The shipped syntax model: its scores on the Alpino test treebank, Dutch constructions
//! the relation rules read, and input no treebank has.

use crate::common::*;
use kennisgraaf::extract::syntax::{conllu, eval, Deprel, SyntaxModel, Upos, Word};
use std::sync::OnceLock;

/// Floors on `UD_Dutch-Alpino__nl_alpino-ud-test.conllu` with gold tokens (percent), a
/// little under what the shipped model scores (data/models/README.md).
const UPOS_FLOOR: f64 = 93.7;
const LAS_FLOOR: f64 = 73.0;

fn syntax() -> &'static SyntaxModel {
    static MODEL: OnceLock<SyntaxModel> = OnceLock::new();
    MODEL.get_or_init(|| {
        SyntaxModel::from_bytes(&std::fs::read(repo("data/models/syntax-nl.kgs")).expect("shipped syntax model"))
            .expect("syntax model loads")
    })
}

#[test]
fn shipped_syntax_model_keeps_its_scores_on_alpino_test() {
    let gold = conllu::read_file(&test_data("ud_dutch/UD_Dutch-Alpino__nl_alpino-ud-test.conllu")).expect("treebank");
    let s = eval::score_gold_tokens(syntax(), &gold);
    let (upos, las) = (s.f1(s.upos), s.f1(s.las));
    assert!(upos >= UPOS_FLOOR, "UPOS fell to {upos:.2} (floor {UPOS_FLOOR}): {s:?}");
    assert!(las >= LAS_FLOOR, "LAS fell to {las:.2} (floor {LAS_FLOOR}): {s:?}");
}

/// The analysis of a sentence given as space-separated words.
fn parse(sentence: &str) -> (Vec<&str>, Vec<Word>) {
    let words: Vec<&str> = sentence.split(' ').collect();
    let analysed = syntax().analyse(&words);
    (words, analysed)
}

fn at(words: &[&str], word: &str) -> usize {
    words.iter().position(|w| *w == word).unwrap_or_else(|| panic!("{word} not in {words:?}"))
}

/// Asserts that `dep` hangs under `head` with `rel`.
fn arc(sentence: &str, head: &str, rel: Deprel, dep: &str) {
    let (words, a) = parse(sentence);
    let (h, d) = (at(&words, head), at(&words, dep));
    assert_eq!((a[d].head, a[d].deprel), (Some(h), rel), "{dep} in {sentence:?}: {}", show(&words, &a));
}

fn show(words: &[&str], a: &[Word]) -> String {
    words
        .iter()
        .zip(a)
        .map(|(w, x)| format!("{w}/{}<-{}:{}", x.upos.as_str(), x.head.map_or("ROOT", |h| words[h]), x.deprel.as_str()))
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn verb_second_main_clause_has_its_subject_and_object() {
    let s = "Gisteren kocht de burgemeester een nieuwe fiets .";
    let (words, a) = parse(s);
    assert_eq!(a[at(&words, "kocht")].deprel, Deprel::Root, "{}", show(&words, &a));
    arc(s, "kocht", Deprel::Nsubj, "burgemeester");
    arc(s, "kocht", Deprel::Obj, "fiets");
}

#[test]
fn verb_final_subordinate_clause_is_the_complement_of_the_speech_verb() {
    let s = "Hij zei dat de minister het plan steunt .";
    arc(s, "zei", Deprel::Ccomp, "steunt");
    arc(s, "steunt", Deprel::Nsubj, "minister");
    arc(s, "steunt", Deprel::Obj, "plan");
    arc(s, "steunt", Deprel::Mark, "dat");
}

#[test]
fn a_separated_particle_joins_its_verb_and_its_lemma() {
    let s = "Jan stelde gisteren een nieuw plan voor .";
    arc(s, "stelde", Deprel::CompoundPrt, "voor");
    let (words, a) = parse(s);
    let verb = &a[at(&words, "stelde")];
    assert_eq!((verb.lemma.as_str(), verb.plain_lemma().as_str()), ("voor_stellen", "voorstellen"));
    assert_eq!(verb.feats.get("Tense"), Some("Past"), "{}", show(&words, &a));
}

#[test]
fn a_passive_keeps_its_patient_subject_and_its_door_agent() {
    let s = "Het bedrijf werd vorig jaar overgenomen door Philips .";
    arc(s, "overgenomen", Deprel::NsubjPass, "bedrijf");
    arc(s, "overgenomen", Deprel::AuxPass, "werd");
    arc(s, "overgenomen", Deprel::Obl, "Philips");
    arc(s, "Philips", Deprel::Case, "door");
    let (words, a) = parse(s);
    assert_eq!(a[at(&words, "overgenomen")].lemma, "over_nemen", "{}", show(&words, &a));
}

#[test]
fn an_apposition_hangs_under_the_name() {
    let s = "Jan Smit , topman van Philips , opende de fabriek .";
    arc(s, "Jan", Deprel::Appos, "topman");
    arc(s, "opende", Deprel::Nsubj, "Jan");
    arc(s, "Philips", Deprel::Case, "van");
}

#[test]
fn a_relative_clause_modifies_its_noun() {
    let s = "De man die de prijs won , woont in Utrecht .";
    arc(s, "man", Deprel::AclRelcl, "won");
    arc(s, "woont", Deprel::Nsubj, "man");
    arc(s, "woont", Deprel::Obl, "Utrecht");
}

#[test]
fn coordinated_subjects_share_the_verb() {
    let s = "Jan en Piet kochten samen een huis .";
    arc(s, "kochten", Deprel::Nsubj, "Jan");
    arc(s, "Jan", Deprel::Conj, "Piet");
    arc(s, "Piet", Deprel::Cc, "en");
}

#[test]
fn the_speaker_after_a_quote_is_the_subject_of_zeggen() {
    let s = "\" Het plan deugt niet , \" zegt Aboutaleb .";
    arc(s, "zegt", Deprel::Nsubj, "Aboutaleb");
    let (words, a) = parse(s);
    assert_eq!(a[at(&words, "zegt")].lemma, "zeggen");
    assert_eq!(a[at(&words, "Aboutaleb")].upos, Upos::Propn);
}

/// One root, every head inside the sentence, no cycles.
fn assert_tree(a: &[Word]) {
    assert_eq!(a.iter().filter(|w| w.head.is_none()).count(), 1);
    for (i, w) in a.iter().enumerate() {
        let mut x = i;
        for _ in 0..=a.len() {
            match a[x].head {
                Some(h) => {
                    assert!(h < a.len());
                    x = h;
                }
                None => break,
            }
        }
        assert!(a[x].head.is_none(), "word {i} ({w:?}) is on a cycle");
    }
}

#[test]
fn input_no_treebank_has_still_gets_one_tree_per_sentence() {
    let long: Vec<String> = (0..5000).map(|i| ["de", "man", "en", "zijn", "hond", ","][i % 6].to_string()).collect();
    let long: Vec<&str> = long.iter().map(String::as_str).collect();
    let only_punct = [".", ",", "!", "?", "...", ";", "(", ")"];
    let digits = ["2019", "12", "3,5", "100.000", "7"];
    let mixed = ["Путин", "sprak", "met", "習近平", "in", "القاهرة", "🙂", "."];
    let lonely = ["Zo"];
    for words in [&long[..], &only_punct, &digits, &mixed, &lonely] {
        let a = syntax().analyse(words);
        assert_eq!(a.len(), words.len());
        assert_tree(&a);
        assert!(a.iter().all(|w| !w.lemma.is_empty()));
    }
    assert!(syntax().analyse(&[]).is_empty());
}
