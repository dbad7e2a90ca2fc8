//! Typed relations on the hand-annotated development set (`tests/relations/dev.tsv`):
//! the bar is precision >= 0.80; recall is reported and kept from collapsing.

use crate::common::*;

#[test]
fn typed_relations_keep_their_precision_on_the_annotated_articles() {
    let stdout = eval_command("relations");
    assert!(stdout.contains("15 articles"), "{stdout}");
    let line = stdout.lines().find(|l| l.starts_with("all typed")).unwrap_or_else(|| panic!("no total in {stdout}"));
    let figure = |name: &str| -> f64 {
        let at = line.find(name).unwrap_or_else(|| panic!("{name} in {line:?}")) + name.len();
        line[at..].split_whitespace().next().and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("{line:?}"))
    };
    let (precision, recall) = (figure("precision"), figure("recall"));
    assert!(precision >= 0.80, "typed precision {precision} below 0.80\n{stdout}");
    assert!(recall >= 0.35, "typed recall {recall} collapsed\n{stdout}");
}
