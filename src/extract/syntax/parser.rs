//! Labelled dependency parsing: a greedy arc-hybrid transition parser scored by an
//! averaged perceptron, trained with Goldberg & Nivre's dynamic oracle (it learns to
//! continue well after its own mistakes).
//!
//! Dutch trees are often non-projective (verb-final clauses, extraposition). Training
//! trees are made projective by lifting (Nivre & Nilsson's pseudo-projective parsing,
//! "head" encoding: a lifted word's label also records its real head's label); after
//! parsing, a word with such a label is moved back under the first word, breadth-first
//! below its head, that carries the recorded label.
//!
//! Invariants: `parse` returns exactly one root (the only word whose head is `None`,
//! labelled `root`) and no cycles; it makes exactly 2n transitions for n words.

use super::perceptron::text_hash;
use super::perceptron::{best, feature, Rng, Trainer, Weights};
use super::tagger::{cluster_atom, Tag};
use super::{Deprel, ModelError};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// A parser label: a relation and, for a lifted word, its real head's relation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Label {
    pub rel: Deprel,
    pub lifted: Option<Deprel>,
}

pub struct Tree {
    pub heads: Vec<Option<usize>>,
    pub labels: Vec<Deprel>,
}

/// One training sentence: words, their (predicted) tags, gold heads (0 = root, else
/// 1-based; `None` for a word whose head the treebank does not teach: it must be a leaf,
/// any head costs it nothing, only its label counts) and relations.
pub struct TrainSentence<'a> {
    pub words: Vec<&'a str>,
    pub tags: Vec<Tag>,
    pub heads: Vec<Option<usize>>,
    pub rels: Vec<Deprel>,
}

#[derive(Serialize, Deserialize)]
pub struct Parser {
    weights: Weights,
    labels: Vec<Label>,
    #[serde(skip)]
    root_label: usize,
}

/// Transition classes: 0 shifts; `1 + 2l` is LEFT-ARC with label `l` (the buffer's front
/// becomes the head of the stack's top), `2 + 2l` RIGHT-ARC (the word below the top does).
const SHIFT: usize = 0;
const NONE: usize = usize::MAX;
const NO_ATOM: u64 = 0xDEAD_BEEF;

/// The configuration: a stack (0 is the artificial root), the buffer's front `b`, and
/// the arcs so far with each word's nearest children.
struct State {
    n: usize,
    stack: Vec<usize>,
    b: usize,
    head: Vec<usize>,
    label: Vec<usize>,
    left1: Vec<usize>,
    left2: Vec<usize>,
    right1: Vec<usize>,
    right2: Vec<usize>,
    lefts: Vec<u8>,
    rights: Vec<u8>,
    left_set: Vec<u64>,
    right_set: Vec<u64>,
}

impl State {
    fn new(n: usize) -> Self {
        let v = || vec![NONE; n + 1];
        State {
            n,
            stack: vec![0],
            b: 1,
            head: v(),
            label: v(),
            left1: v(),
            left2: v(),
            right1: v(),
            right2: v(),
            lefts: vec![0; n + 1],
            rights: vec![0; n + 1],
            left_set: vec![0; n + 1],
            right_set: vec![0; n + 1],
        }
    }

    fn terminal(&self) -> bool {
        self.b > self.n && self.stack.len() == 1
    }

    fn s(&self, k: usize) -> usize {
        if k < self.stack.len() {
            self.stack[self.stack.len() - 1 - k]
        } else {
            NONE
        }
    }

    fn buffer(&self, k: usize) -> usize {
        if self.b + k <= self.n {
            self.b + k
        } else {
            NONE
        }
    }

    /// The transitions this configuration allows.
    fn allowed(&self, root_label: usize) -> Allowed {
        let has_buffer = self.b <= self.n;
        let (s0, s1) = (self.s(0), self.s(1));
        Allowed {
            shift: has_buffer,
            left: has_buffer && s0 != 0 && s0 != NONE,
            right: s1 != NONE && (s1 != 0 || !has_buffer),
            right_is_root: s1 == 0,
            root_label,
        }
    }

    fn attach(&mut self, head: usize, dep: usize, label: usize, rel_bit: u64) {
        self.head[dep] = head;
        self.label[dep] = label;
        if dep < head {
            self.left2[head] = self.left1[head];
            self.left1[head] = dep;
            self.lefts[head] = self.lefts[head].saturating_add(1);
            self.left_set[head] |= rel_bit;
        } else {
            self.right2[head] = self.right1[head];
            self.right1[head] = dep;
            self.rights[head] = self.rights[head].saturating_add(1);
            self.right_set[head] |= rel_bit;
        }
    }

    fn apply(&mut self, class: usize, labels: &[Label]) {
        if class == SHIFT {
            self.stack.push(self.b);
            self.b += 1;
            return;
        }
        let label = (class - 1) / 2;
        let bit = 1u64 << (labels[label].rel.index() % 64);
        let Some(s0) = self.stack.pop() else { return };
        if class % 2 == 1 {
            self.attach(self.b, s0, label, bit);
        } else if let Some(&s1) = self.stack.last() {
            self.attach(s1, s0, label, bit);
        }
    }
}

/// Which transitions a configuration allows, worked out once per step (the classes are
/// many: every label twice). LEFT-ARC never with the root label; RIGHT-ARC onto the
/// artificial root only with it, once the buffer is empty, and otherwise never with it.
struct Allowed {
    shift: bool,
    left: bool,
    right: bool,
    right_is_root: bool,
    root_label: usize,
}

impl Allowed {
    fn class(&self, class: usize) -> bool {
        if class == SHIFT {
            return self.shift;
        }
        let is_root = (class - 1) / 2 == self.root_label;
        if class % 2 == 1 {
            self.left && !is_root
        } else {
            self.right && is_root == self.right_is_root
        }
    }
}

/// Per-word atoms of a sentence (index 0 is the root).
struct Atoms {
    word: Vec<u64>,
    tag: Vec<u64>,
    feats: Vec<u64>,
    /// The word's classes in the coarsest and the middle clustering.
    coarse: Vec<u64>,
    middle: Vec<u64>,
}

impl Atoms {
    fn new(words: &[&str], tags: &[Tag]) -> Self {
        let mut word = vec![0x1_0007];
        let mut tag = vec![0x2_0007];
        let mut feats = vec![0x3_0007];
        let mut coarse = vec![0x5_0007];
        let mut middle = vec![0x6_0007];
        for (w, t) in words.iter().zip(tags) {
            word.push(text_hash(&w.to_lowercase()));
            tag.push(t.upos.index() as u64);
            feats.push(0x4_0000 + u64::from(t.feats));
            coarse.push(cluster_atom(0, t.clusters[0]));
            middle.push(cluster_atom(1, t.clusters[1]));
        }
        Atoms { word, tag, feats, coarse, middle }
    }
}

fn features(st: &State, a: &Atoms, out: &mut Vec<u64>) {
    let w = |x: usize| if x == NONE { NO_ATOM } else { a.word[x] };
    let t = |x: usize| if x == NONE { NO_ATOM } else { a.tag[x] };
    let f = |x: usize| if x == NONE { NO_ATOM } else { a.feats[x] };
    let c = |x: usize| if x == NONE { NO_ATOM } else { a.coarse[x] };
    let m = |x: usize| if x == NONE { NO_ATOM } else { a.middle[x] };
    let l = |x: usize| if x == NONE || st.label[x] == NONE { NO_ATOM } else { st.label[x] as u64 };
    let of = |x: usize, v: &Vec<usize>| if x == NONE { NONE } else { v[x] };
    let (s0, s1, s2) = (st.s(0), st.s(1), st.s(2));
    let (b0, b1, b2) = (st.buffer(0), st.buffer(1), st.buffer(2));
    let (s0l, s0l2, s0r, s0r2) = (of(s0, &st.left1), of(s0, &st.left2), of(s0, &st.right1), of(s0, &st.right2));
    let (s1l, s1r) = (of(s1, &st.left1), of(s1, &st.right1));
    let (b0l, b0l2) = (of(b0, &st.left1), of(b0, &st.left2));
    let dist = |x: usize, y: usize| if x == NONE || y == NONE { 99 } else { y.abs_diff(x).min(10) as u64 };
    let d = dist(s0, b0);
    let d1 = dist(s1, s0);
    let count = |x: usize, v: &Vec<u8>| if x == NONE { 99 } else { u64::from(v[x]) };
    let set = |x: usize, v: &Vec<u64>| if x == NONE { NO_ATOM } else { v[x] };
    out.clear();
    out.extend_from_slice(&[
        feature(1, &[w(s0)]),
        feature(2, &[t(s0)]),
        feature(3, &[w(s0), t(s0)]),
        feature(4, &[w(s1)]),
        feature(5, &[t(s1)]),
        feature(6, &[w(s1), t(s1)]),
        feature(7, &[w(b0)]),
        feature(8, &[t(b0)]),
        feature(9, &[w(b0), t(b0)]),
        feature(10, &[w(b1)]),
        feature(11, &[t(b1)]),
        feature(12, &[w(b1), t(b1)]),
        feature(13, &[w(b2)]),
        feature(14, &[t(b2)]),
        feature(15, &[t(s2)]),
        feature(16, &[w(s0), t(s0), w(b0), t(b0)]),
        feature(17, &[w(s0), t(s0), w(b0)]),
        feature(18, &[w(s0), w(b0), t(b0)]),
        feature(19, &[w(s0), t(s0), t(b0)]),
        feature(20, &[t(s0), w(b0), t(b0)]),
        feature(21, &[w(s0), w(b0)]),
        feature(22, &[t(s0), t(b0)]),
        feature(23, &[t(b0), t(b1)]),
        feature(24, &[t(b0), t(b1), t(b2)]),
        feature(25, &[t(s0), t(b0), t(b1)]),
        feature(26, &[t(s1), t(s0), t(b0)]),
        feature(27, &[t(s0), t(s0l), t(b0)]),
        feature(28, &[t(s0), t(s0r), t(b0)]),
        feature(29, &[t(s0), t(b0), t(b0l)]),
        feature(30, &[t(s1), t(s0), t(s0r)]),
        feature(31, &[t(s1), t(s0), t(s0l)]),
        feature(32, &[t(s1), t(s1r), t(s0)]),
        feature(33, &[t(s2), t(s1), t(s0)]),
        feature(34, &[w(s0), d]),
        feature(35, &[t(s0), d]),
        feature(36, &[w(b0), d]),
        feature(37, &[t(b0), d]),
        feature(38, &[w(s0), w(b0), d]),
        feature(39, &[t(s0), t(b0), d]),
        feature(40, &[t(s1), t(s0), d1]),
        feature(41, &[w(s0), count(s0, &st.rights)]),
        feature(42, &[t(s0), count(s0, &st.rights)]),
        feature(43, &[w(s0), count(s0, &st.lefts)]),
        feature(44, &[t(s0), count(s0, &st.lefts)]),
        feature(45, &[w(s1), count(s1, &st.rights)]),
        feature(46, &[t(s1), count(s1, &st.rights)]),
        feature(47, &[w(b0), count(b0, &st.lefts)]),
        feature(48, &[t(b0), count(b0, &st.lefts)]),
        feature(49, &[w(s0l)]),
        feature(50, &[t(s0l)]),
        feature(51, &[l(s0l)]),
        feature(52, &[w(s0r)]),
        feature(53, &[t(s0r)]),
        feature(54, &[l(s0r)]),
        feature(55, &[w(s1r)]),
        feature(56, &[t(s1r)]),
        feature(57, &[l(s1r)]),
        feature(58, &[w(b0l)]),
        feature(59, &[t(b0l)]),
        feature(60, &[l(b0l)]),
        feature(61, &[t(s0l2)]),
        feature(62, &[l(s0l2)]),
        feature(63, &[t(s0r2)]),
        feature(64, &[l(s0r2)]),
        feature(65, &[t(b0l2)]),
        feature(66, &[l(b0l2)]),
        feature(67, &[t(s0), t(s0l), t(s0l2)]),
        feature(68, &[t(s0), t(s0r), t(s0r2)]),
        feature(69, &[t(b0), t(b0l), t(b0l2)]),
        feature(70, &[w(s0), set(s0, &st.left_set)]),
        feature(71, &[t(s0), set(s0, &st.left_set)]),
        feature(72, &[w(s0), set(s0, &st.right_set)]),
        feature(73, &[t(s0), set(s0, &st.right_set)]),
        feature(74, &[w(b0), set(b0, &st.left_set)]),
        feature(75, &[t(b0), set(b0, &st.left_set)]),
        feature(76, &[t(s1), set(s1, &st.right_set)]),
        feature(77, &[f(s0)]),
        feature(78, &[f(b0)]),
        feature(79, &[f(s1)]),
        feature(80, &[f(s0), f(b0)]),
        feature(81, &[t(s0), f(s0), t(b0), f(b0)]),
        feature(82, &[f(s1), f(s0)]),
        feature(83, &[t(s1l), t(s1), t(s0)]),
        feature(84, &[l(s1l), t(s1)]),
        feature(85, &[m(s0)]),
        feature(86, &[m(b0)]),
        feature(87, &[m(s0), t(b0)]),
        feature(88, &[t(s0), m(b0)]),
        feature(89, &[c(s0), c(b0)]),
        feature(90, &[c(b1), t(b0)]),
        feature(91, &[c(s1), c(s0)]),
        feature(92, &[w(s1), w(s0)]),
        feature(93, &[w(s1), t(s0)]),
        feature(94, &[t(s1), w(s0)]),
        feature(95, &[t(s1), t(s0)]),
    ]);
}

/// What each allowed transition would cost against a projective gold tree: the gold arcs
/// it makes unreachable, plus one for a wrong label on a gold arc or on a word whose head
/// is not taught (`NONE`).
fn cost(st: &State, class: usize, gold_head: &[usize], gold_label: &[usize], in_stack: &[bool]) -> usize {
    let b = st.b;
    let in_buffer = |x: usize| x != NONE && x >= b && x <= st.n;
    if class == SHIFT {
        let head_in_stack = gold_head[b] != NONE && in_stack[gold_head[b]] && gold_head[b] != st.s(0);
        let deps_in_stack = st.stack.iter().filter(|&&d| d != 0 && gold_head[d] == b).count();
        return usize::from(head_in_stack) + deps_in_stack;
    }
    let label = (class - 1) / 2;
    let s0 = st.s(0);
    let deps_in_buffer = (b..=st.n).filter(|&d| gold_head[d] == s0).count();
    let h = gold_head[s0];
    let wrong_label = usize::from(gold_label[s0] != label);
    if h == NONE {
        return deps_in_buffer + wrong_label;
    }
    if class % 2 == 1 {
        let lost_head = h != b && (h == st.s(1) || in_buffer(h));
        deps_in_buffer + usize::from(lost_head) + usize::from(h == b) * wrong_label
    } else {
        let s1 = st.s(1);
        deps_in_buffer + usize::from(in_buffer(h)) + usize::from(h == s1) * wrong_label
    }
}

/// Makes a tree projective by lifting its shortest non-projective arc until none is left
/// (heads: 0 = root, else 1-based; `None`: a leaf whose head is not taught, left out of
/// the tree, `NONE` in the result). Returns the new heads and, per word, the relation of
/// its original head when it was lifted.
pub fn projectivise(heads: &[Option<usize>], rels: &[Deprel]) -> (Vec<usize>, Vec<Option<Deprel>>) {
    let mut h: Vec<usize> = std::iter::once(0).chain(heads.iter().map(|h| h.unwrap_or(NONE))).collect();
    let mut lifted: Vec<Option<Deprel>> = vec![None; heads.len() + 1];
    let dominates = |h: &[usize], top: usize, mut x: usize| {
        for _ in 0..h.len() {
            if x == top {
                return true;
            }
            if x == 0 || x == NONE {
                return false;
            }
            x = h[x];
        }
        false
    };
    for _ in 0..heads.len() * heads.len() {
        let mut shortest: Option<(usize, usize)> = None;
        for d in 1..h.len() {
            let head = h[d];
            if head == 0 || head == NONE {
                continue;
            }
            let (lo, hi) = (head.min(d), head.max(d));
            if (lo + 1..hi).any(|k| h[k] != NONE && !dominates(&h, head, k)) {
                let span = hi - lo;
                if shortest.is_none_or(|(_, s)| span < s) {
                    shortest = Some((d, span));
                }
            }
        }
        let Some((d, _)) = shortest else { break };
        let old = h[d];
        if lifted[d].is_none() {
            lifted[d] = Some(rels[old - 1]);
        }
        h[d] = h[old];
    }
    (h[1..].to_vec(), lifted[1..].to_vec())
}

impl Parser {
    pub fn rebuild(&mut self) -> Result<(), ModelError> {
        if !self.weights.is_consistent() || self.weights.classes() != 1 + 2 * self.labels.len() {
            return Err(ModelError::Corrupt("parser weights do not match its labels".into()));
        }
        self.root_label = self
            .labels
            .iter()
            .position(|l| l.rel == Deprel::Root && l.lifted.is_none())
            .ok_or_else(|| ModelError::Corrupt("the parser has no root label".into()))?;
        self.weights.build_index();
        Ok(())
    }

    pub fn weight_count(&self) -> usize {
        self.weights.entry_count()
    }

    pub fn parse(&self, words: &[&str], tags: &[Tag]) -> Tree {
        let n = words.len();
        let atoms = Atoms::new(words, tags);
        let mut st = State::new(n);
        let mut feats = Vec::with_capacity(96);
        let mut scores = vec![0f32; self.weights.classes()];
        while !st.terminal() {
            features(&st, &atoms, &mut feats);
            self.weights.scores(&feats, &mut scores);
            let allowed = st.allowed(self.root_label);
            let Some(class) = best(&scores, |c| allowed.class(c)) else { break };
            st.apply(class, &self.labels);
        }
        self.tree(&st)
    }

    /// The parsed tree with lifted words moved back under the head their label names.
    fn tree(&self, st: &State) -> Tree {
        let n = st.n;
        let mut head: Vec<usize> = (0..=n).map(|d| if st.head[d] == NONE { 0 } else { st.head[d] }).collect();
        let mut label: Vec<Label> =
            (0..=n).map(|d| self.labels.get(st.label[d]).copied().unwrap_or(self.labels[self.root_label])).collect();
        // Exactly one root: any other word left at the root hangs under the first root.
        let first_root = (1..=n).find(|&d| head[d] == 0);
        for d in 1..=n {
            if head[d] == 0 && Some(d) != first_root {
                head[d] = first_root.unwrap_or(0);
                label[d] = Label { rel: Deprel::Parataxis, lifted: None };
            }
        }
        if let Some(r) = first_root {
            label[r] = Label { rel: Deprel::Root, lifted: None };
        }
        let children = |head: &[usize]| {
            let mut c = vec![Vec::new(); n + 1];
            for d in 1..=n {
                c[head[d]].push(d);
            }
            c
        };
        for d in 1..=n {
            let Some(wanted) = label[d].lifted else { continue };
            let kids = children(&head);
            let mut queue: VecDeque<usize> = kids[head[d]].iter().copied().filter(|&k| k != d).collect();
            while let Some(x) = queue.pop_front() {
                if label[x].rel == wanted {
                    head[d] = x;
                    break;
                }
                queue.extend(kids[x].iter().copied().filter(|&k| k != d));
            }
            label[d].lifted = None;
        }
        Tree {
            heads: (1..=n).map(|d| (head[d] != 0).then(|| head[d] - 1)).collect(),
            labels: (1..=n).map(|d| label[d].rel).collect(),
        }
    }

    /// Trains the parser for `epochs` passes; `report` hears each pass's mistakes and,
    /// with `snapshots`, the averaged parser so far (averaging costs a pass over the weights).
    pub fn train(
        sentences: &[TrainSentence],
        epochs: usize,
        seed: u64,
        min_weight: f32,
        snapshots: bool,
        mut report: impl FnMut(usize, usize, Option<&Parser>),
    ) -> Parser {
        let mut labels: Vec<Label> = vec![Label { rel: Deprel::Root, lifted: None }];
        let gold: Vec<(Vec<usize>, Vec<usize>)> = sentences
            .iter()
            .map(|s| {
                let (heads, lifted) = projectivise(&s.heads, &s.rels);
                let ids = s
                    .rels
                    .iter()
                    .zip(&lifted)
                    .map(|(&rel, &lifted)| {
                        let l = Label { rel, lifted };
                        labels.iter().position(|x| *x == l).unwrap_or_else(|| {
                            labels.push(l);
                            labels.len() - 1
                        })
                    })
                    .collect::<Vec<_>>();
                (std::iter::once(NONE).chain(heads).collect(), std::iter::once(NONE).chain(ids).collect())
            })
            .collect();
        let root_label = 0;
        let classes = 1 + 2 * labels.len();
        let mut trainer = Trainer::new(classes);
        let mut rng = Rng::new(seed);
        let mut order: Vec<usize> = (0..sentences.len()).collect();
        let mut feats = Vec::with_capacity(96);
        let mut scores = vec![0f32; classes];
        let atoms: Vec<Atoms> = sentences.iter().map(|s| Atoms::new(&s.words, &s.tags)).collect();
        for epoch in 1..=epochs {
            rng.shuffle(&mut order);
            let mut mistakes = 0;
            for &i in &order {
                let n = sentences[i].words.len();
                let (gold_head, gold_label) = &gold[i];
                let mut st = State::new(n);
                let mut in_stack = vec![false; n + 1];
                in_stack[0] = true;
                while !st.terminal() {
                    features(&st, &atoms[i], &mut feats);
                    trainer.scores(&feats, &mut scores);
                    let moves = st.allowed(root_label);
                    let allowed = |c: usize| moves.class(c);
                    let Some(guess) = best(&scores, allowed) else { break };
                    let costs: Vec<usize> = (0..classes)
                        .map(|c| if allowed(c) { cost(&st, c, gold_head, gold_label, &in_stack) } else { usize::MAX })
                        .collect();
                    let least = costs.iter().copied().min().unwrap_or(0);
                    let truth = best(&scores, |c| costs[c] == least).unwrap_or(guess);
                    if costs[guess] != least {
                        mistakes += 1;
                        trainer.update(&feats, truth, guess);
                    }
                    trainer.tick();
                    let next = if epoch > 1 && costs[guess] != least && rng.unit() < 0.9 { guess } else { truth };
                    if next == SHIFT {
                        in_stack[st.b] = true;
                    } else if let Some(&s0) = st.stack.last() {
                        in_stack[s0] = false;
                    }
                    st.apply(next, &labels);
                }
            }
            let snapshot =
                snapshots.then(|| Parser { weights: trainer.averaged(min_weight), labels: labels.clone(), root_label });
            report(epoch, mistakes, snapshot.as_ref());
        }
        Parser { weights: trainer.averaged(min_weight), labels, root_label }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifting_makes_a_crossing_tree_projective_and_remembers_the_head() {
        // 1 <- 3, 2 <- 4 cross: "a b c d" with heads [3, 4, 0, 3].
        let heads = [Some(3), Some(4), Some(0), Some(3)];
        let rels = [Deprel::Nsubj, Deprel::Obj, Deprel::Root, Deprel::Xcomp];
        let (h, lifted) = projectivise(&heads, &rels);
        assert_eq!(h, vec![3, 3, 0, 3]);
        assert_eq!(lifted, vec![None, Some(Deprel::Xcomp), None, None]);
        // A word whose head is not taught neither crosses nor is crossed.
        let heads = [Some(3), None, Some(0), Some(3)];
        let (h, lifted) = projectivise(&heads, &rels);
        assert_eq!(h, vec![3, NONE, 0, 3]);
        assert_eq!(lifted, vec![None; 4]);
    }
}
