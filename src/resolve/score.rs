//! Coreference scores for cross-document resolution: B³, MUC and CEAF-e (with their
//! CoNLL average), comparing a system partition of a set of mentions with the gold one.
//!
//! Both partitions cover exactly the same mentions (the gold ones): a gold mention the
//! system found no entity for is its own system cluster. Definitions follow Pradhan et
//! al. (2014), "Scoring coreference partitions of predicted mentions": B³ averages per
//! mention, MUC counts links, CEAF-e aligns clusters one to one maximising
//! φ₄ = 2|K∩G| / (|K|+|G|).

use std::collections::{BTreeMap, BTreeSet};

/// Precision, recall and F1 of one metric.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prf {
    pub precision: f64,
    pub recall: f64,
}

impl Prf {
    pub fn f1(&self) -> f64 {
        if self.precision + self.recall == 0.0 {
            0.0
        } else {
            2.0 * self.precision * self.recall / (self.precision + self.recall)
        }
    }
}

/// The three metrics and their mean F1 (the CoNLL 2012 score).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scores {
    pub b_cubed: Prf,
    pub muc: Prf,
    pub ceaf_e: Prf,
}

impl Scores {
    pub fn conll(&self) -> f64 {
        (self.b_cubed.f1() + self.muc.f1() + self.ceaf_e.f1()) / 3.0
    }
}

/// Score `system` against `gold`: each gives every mention (by index, the same
/// mentions, same length) the label of its cluster.
pub fn score<G: Ord, S: Ord>(gold: &[G], system: &[S]) -> Scores {
    assert_eq!(gold.len(), system.len(), "both partitions cover the same mentions");
    let gold = clusters(gold);
    let system = clusters(system);
    Scores {
        b_cubed: flip(b_cubed(&gold, &system), b_cubed(&system, &gold)),
        muc: flip(muc(&gold, &system), muc(&system, &gold)),
        ceaf_e: ceaf_e(&gold, &system),
    }
}

/// Clusters as sorted sets of mention indices, in order of their labels.
fn clusters<L: Ord>(labels: &[L]) -> Vec<BTreeSet<usize>> {
    let mut by_label: BTreeMap<&L, BTreeSet<usize>> = BTreeMap::new();
    for (i, l) in labels.iter().enumerate() {
        by_label.entry(l).or_default().insert(i);
    }
    by_label.into_values().collect()
}

/// Recall computed one way round is the other's precision.
fn flip(recall: f64, precision: f64) -> Prf {
    Prf { precision, recall }
}

/// The cluster index of every mention.
fn owner(clusters: &[BTreeSet<usize>]) -> BTreeMap<usize, usize> {
    clusters.iter().enumerate().flat_map(|(c, members)| members.iter().map(move |&m| (m, c))).collect()
}

/// B³ recall of `key` by `response` (precision with the roles swapped).
fn b_cubed(key: &[BTreeSet<usize>], response: &[BTreeSet<usize>]) -> f64 {
    let in_response = owner(response);
    let mentions: usize = key.iter().map(BTreeSet::len).sum();
    if mentions == 0 {
        return 0.0;
    }
    let mut total = 0.0;
    for k in key {
        let mut shared: BTreeMap<usize, usize> = BTreeMap::new();
        for m in k {
            *shared.entry(in_response[m]).or_default() += 1;
        }
        // Each mention of k scores |k ∩ r| / |k| for its response cluster r.
        total += shared.values().map(|&n| (n * n) as f64).sum::<f64>() / k.len() as f64;
    }
    total / mentions as f64
}

/// MUC recall of `key` by `response`: links of the key kept by the response.
fn muc(key: &[BTreeSet<usize>], response: &[BTreeSet<usize>]) -> f64 {
    let in_response = owner(response);
    let (mut kept, mut links) = (0usize, 0usize);
    for k in key {
        let parts: BTreeSet<usize> = k.iter().map(|m| in_response[m]).collect();
        kept += k.len() - parts.len();
        links += k.len() - 1;
    }
    if links == 0 {
        0.0
    } else {
        kept as f64 / links as f64
    }
}

/// CEAF-e: the best one-to-one alignment of gold and system clusters by φ₄, found per
/// connected group of clusters that share mentions (clusters sharing nothing score 0).
fn ceaf_e(gold: &[BTreeSet<usize>], system: &[BTreeSet<usize>]) -> Prf {
    let in_system = owner(system);
    // Overlaps between gold cluster g and system cluster s.
    let mut overlap: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for (g, members) in gold.iter().enumerate() {
        for m in members {
            *overlap.entry((g, in_system[m])).or_default() += 1;
        }
    }
    let phi = |g: usize, s: usize, n: usize| 2.0 * n as f64 / (gold[g].len() + system[s].len()) as f64;
    let mut total = 0.0;
    for (golds, systems) in components(gold.len(), &overlap) {
        let weights: Vec<Vec<f64>> = golds
            .iter()
            .map(|&g| systems.iter().map(|&s| overlap.get(&(g, s)).map_or(0.0, |&n| phi(g, s, n))).collect())
            .collect();
        total += best_assignment(&weights);
    }
    let ratio = |n: usize| if n == 0 { 0.0 } else { total / n as f64 };
    Prf { precision: ratio(system.len()), recall: ratio(gold.len()) }
}

/// Groups of gold and system clusters connected by shared mentions.
fn components(golds: usize, overlap: &BTreeMap<(usize, usize), usize>) -> Vec<(Vec<usize>, Vec<usize>)> {
    let mut systems_of: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut golds_of: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &(g, s) in overlap.keys() {
        systems_of.entry(g).or_default().push(s);
        golds_of.entry(s).or_default().push(g);
    }
    let mut seen_gold = vec![false; golds];
    let mut seen_system = BTreeSet::new();
    let mut out = Vec::new();
    for start in 0..golds {
        if seen_gold[start] {
            continue;
        }
        let (mut gs, mut ss) = (Vec::new(), Vec::new());
        let mut stack = vec![start];
        seen_gold[start] = true;
        while let Some(g) = stack.pop() {
            gs.push(g);
            for &s in systems_of.get(&g).into_iter().flatten() {
                if seen_system.insert(s) {
                    ss.push(s);
                    for &g2 in &golds_of[&s] {
                        if !seen_gold[g2] {
                            seen_gold[g2] = true;
                            stack.push(g2);
                        }
                    }
                }
            }
        }
        out.push((gs, ss));
    }
    out
}

/// The largest total weight of a one-to-one assignment of rows to columns
/// (Hungarian algorithm on costs `max − weight`, O(n³) in the larger side).
fn best_assignment(weights: &[Vec<f64>]) -> f64 {
    let rows = weights.len();
    let cols = weights.first().map_or(0, Vec::len);
    let n = rows.max(cols);
    if n == 0 {
        return 0.0;
    }
    let weight = |r: usize, c: usize| if r < rows && c < cols { weights[r][c] } else { 0.0 };
    // Potentials u (rows), v (columns); column_row[c] = row assigned to column c (1-based, 0 = none).
    let (mut u, mut v) = (vec![0.0f64; n + 1], vec![0.0f64; n + 1]);
    let mut column_row = vec![0usize; n + 1];
    let mut way = vec![0usize; n + 1];
    for row in 1..=n {
        column_row[0] = row;
        let mut column = 0usize;
        let mut min_to = vec![f64::INFINITY; n + 1];
        let mut used = vec![false; n + 1];
        loop {
            used[column] = true;
            let r = column_row[column];
            let (mut delta, mut next) = (f64::INFINITY, 0usize);
            for c in 1..=n {
                if used[c] {
                    continue;
                }
                let cost = -weight(r - 1, c - 1) - u[r] - v[c];
                if cost < min_to[c] {
                    min_to[c] = cost;
                    way[c] = column;
                }
                if min_to[c] < delta {
                    delta = min_to[c];
                    next = c;
                }
            }
            for c in 0..=n {
                if used[c] {
                    u[column_row[c]] += delta;
                    v[c] -= delta;
                } else {
                    min_to[c] -= delta;
                }
            }
            column = next;
            if column_row[column] == 0 {
                break;
            }
        }
        loop {
            let previous = way[column];
            column_row[column] = column_row[previous];
            column = previous;
            if column == 0 {
                break;
            }
        }
    }
    (1..=n).filter(|&c| column_row[c] != 0).map(|c| weight(column_row[c] - 1, c - 1)).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn identical_partitions_score_one() {
        let gold = ["a", "a", "b", "c", "c", "c"];
        let s = score(&gold, &[1, 1, 2, 3, 3, 3]);
        for m in [s.b_cubed, s.muc, s.ceaf_e] {
            assert!(close(m.precision, 1.0) && close(m.recall, 1.0), "{s:?}");
        }
    }

    /// The worked example of Pradhan et al. (2014), figure 1 restricted to gold
    /// mentions: key {a b c} {d e f g}, response {a b} {c d} {f g} {e}.
    #[test]
    fn matches_the_published_example() {
        let gold = [1, 1, 1, 2, 2, 2, 2];
        let system = [1, 1, 2, 2, 4, 3, 3];
        let s = score(&gold, &system);
        // MUC: recall (3−2 + 4−3)/(2+3) = 2/5 ... key links kept: {a b c} split in 2 parts → 1; {d e f g} in 3 → 1.
        assert!(close(s.muc.recall, 2.0 / 5.0), "{s:?}");
        // Response links kept: {a b} 1, {c d} 0, {f g} 1, {e} 0 → 2 of 3.
        assert!(close(s.muc.precision, 2.0 / 3.0), "{s:?}");
        // B³ recall: (2²+1²)/3 + (1²+1²+2²)/4 over 7 mentions.
        assert!(close(s.b_cubed.recall, (5.0 / 3.0 + 6.0 / 4.0) / 7.0), "{s:?}");
        // B³ precision: {a b} 4/2, {c d} (1+1)/2, {f g} 4/2, {e} 1 → 6/7.
        assert!(close(s.b_cubed.precision, 6.0 / 7.0), "{s:?}");
        // CEAF-e: best alignment {a b c}↔{a b} φ=4/5, {d e f g}↔{f g} φ=4/6.
        let total = 4.0 / 5.0 + 4.0 / 6.0;
        assert!(close(s.ceaf_e.recall, total / 2.0) && close(s.ceaf_e.precision, total / 4.0), "{s:?}");
    }

    #[test]
    fn everything_merged_or_everything_split() {
        let gold = [1, 1, 2, 2, 3];
        let merged = score(&gold, &[0; 5]);
        assert!(close(merged.muc.recall, 1.0) && close(merged.b_cubed.recall, 1.0));
        assert!(close(merged.b_cubed.precision, (4.0 + 4.0 + 1.0) / 25.0));
        let split = score(&gold, &[0, 1, 2, 3, 4]);
        assert!(close(split.b_cubed.precision, 1.0) && close(split.muc.recall, 0.0));
        assert!(close(split.b_cubed.recall, (0.5 + 0.5 + 0.5 + 0.5 + 1.0) / 5.0));
    }

    #[test]
    fn assignment_prefers_the_larger_total() {
        // Greedy would take 0.9 and then 0.1; the best is 0.8 + 0.8.
        assert!(close(best_assignment(&[vec![0.9, 0.8], vec![0.8, 0.1]]), 1.6));
        assert!(close(best_assignment(&[vec![0.5], vec![0.7], vec![0.2]]), 0.7));
        assert!(close(best_assignment(&[vec![0.5, 0.6, 0.1]]), 0.6));
    }
}
