//! Word clusters learnt from unlabelled text, for the NER tagger's cluster features (the
//! syntax tagger and parser read them too): words that occur in the same contexts ("bij
//! Tectrade", "bij Philips") share a class, so a name never seen in the labelled data
//! still looks like the names it resembles.
//!
//! Method: the exchange algorithm (Kneser & Ney 1993; Martin, Liermann & Ney 1998). Words
//! (lowercased) are put in `size` classes so that a class bigram model of the text is as
//! likely as possible: each pass moves every word, one at a time, to the class that
//! raises the likelihood most. Several sizes give coarse and fine views of the same text
//! (as prefixes of different lengths of a Brown-cluster path do).
//!
//! Invariants: the same sentences, sizes, minimum count and passes give the same classes
//! (words are visited in a fixed order, ties keep the lower class); class 0 holds only
//! the sentence boundary, so a word's class is never 0.

use serde::{Deserialize, Serialize, Serializer};
use std::collections::{BTreeMap, HashMap};

/// Each word's class for each clustering (in the order of `sizes`).
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct WordClusters {
    pub sizes: Vec<u16>,
    #[serde(serialize_with = "sorted")]
    classes: HashMap<String, Vec<u16>>,
}

fn sorted<S: Serializer>(map: &HashMap<String, Vec<u16>>, s: S) -> Result<S::Ok, S::Error> {
    map.iter().collect::<BTreeMap<_, _>>().serialize(s)
}

impl WordClusters {
    /// The classes of a lowercase word, one per clustering; empty for a word the text
    /// did not have often enough.
    pub fn classes(&self, lower: &str) -> &[u16] {
        self.classes.get(lower).map_or(&[], Vec::as_slice)
    }

    pub fn len(&self) -> usize {
        self.classes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.classes.is_empty()
    }
}

const BOUNDARY: usize = 0;
/// Stands for every word seen fewer than `min_count` times (it is clustered, not shipped).
const RARE: usize = 1;

/// Word bigram counts of the text, words numbered by falling frequency.
struct Bigrams {
    words: Vec<String>,
    /// Per word: (next word, count) and (previous word, count), without the word itself.
    next: Vec<Vec<(u32, u32)>>,
    previous: Vec<Vec<(u32, u32)>>,
    /// How often the word follows itself.
    repeated: Vec<u32>,
    /// How often the word is the left (right) side of a bigram.
    as_left: Vec<u32>,
    as_right: Vec<u32>,
    total: usize,
}

impl Bigrams {
    fn new(sentences: &[Vec<String>], min_count: u32) -> Self {
        let mut counts: HashMap<String, u32> = HashMap::new();
        for s in sentences {
            for w in s {
                *counts.entry(w.to_lowercase()).or_default() += 1;
            }
        }
        let mut frequent: Vec<(String, u32)> = counts.into_iter().filter(|(_, n)| *n >= min_count).collect();
        frequent.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let mut words = vec!["<s>".to_string(), "<rare>".to_string()];
        words.extend(frequent.into_iter().map(|(w, _)| w));
        let id: HashMap<&str, u32> = words.iter().enumerate().map(|(i, w)| (w.as_str(), i as u32)).collect();
        let mut pairs: HashMap<(u32, u32), u32> = HashMap::new();
        for s in sentences {
            let mut prev = BOUNDARY as u32;
            for w in s.iter().map(|w| w.to_lowercase()).chain(std::iter::once(String::new())) {
                let this =
                    if w.is_empty() { BOUNDARY as u32 } else { id.get(w.as_str()).copied().unwrap_or(RARE as u32) };
                *pairs.entry((prev, this)).or_default() += 1;
                prev = this;
            }
        }
        let mut pairs: Vec<((u32, u32), u32)> = pairs.into_iter().collect();
        pairs.sort_unstable();
        let v = words.len();
        let mut b = Bigrams {
            words,
            next: vec![Vec::new(); v],
            previous: vec![Vec::new(); v],
            repeated: vec![0; v],
            as_left: vec![0; v],
            as_right: vec![0; v],
            total: 0,
        };
        for ((l, r), n) in pairs {
            let (l, r) = (l as usize, r as usize);
            b.as_left[l] += n;
            b.as_right[r] += n;
            b.total += n as usize;
            if l == r {
                b.repeated[l] += n;
            } else {
                b.next[l].push((r as u32, n));
                b.previous[r].push((l as u32, n));
            }
        }
        b
    }
}

/// Class bigram counts for one clustering, and the moves of the exchange algorithm.
struct Exchange<'a> {
    text: &'a Bigrams,
    size: usize,
    class: Vec<usize>,
    /// `pair[c * size + d]`: how often a word of class `c` is followed by one of class `d`.
    pair: Vec<i64>,
    left: Vec<i64>,
    right: Vec<i64>,
    /// `x ln x` for every count up to the number of bigrams.
    xlogx: Vec<f64>,
    /// Scratch: the word's neighbours per class, and which classes are set.
    next_by_class: Vec<i64>,
    previous_by_class: Vec<i64>,
    next_classes: Vec<usize>,
    previous_classes: Vec<usize>,
}

impl<'a> Exchange<'a> {
    fn new(text: &'a Bigrams, size: usize) -> Self {
        // Words by frequency rank round-robin over the classes 1..size.
        let class: Vec<usize> =
            (0..text.words.len()).map(|w| if w == BOUNDARY { 0 } else { 1 + (w - 1) % (size - 1) }).collect();
        let mut e = Exchange {
            text,
            size,
            pair: vec![0; size * size],
            left: vec![0; size],
            right: vec![0; size],
            xlogx: (0..=text.total).map(|x| if x == 0 { 0.0 } else { x as f64 * (x as f64).ln() }).collect(),
            next_by_class: vec![0; size],
            previous_by_class: vec![0; size],
            next_classes: Vec::new(),
            previous_classes: Vec::new(),
            class,
        };
        for w in 0..text.words.len() {
            let c = e.class[w];
            for &(r, n) in &text.next[w] {
                e.pair[c * size + e.class[r as usize]] += i64::from(n);
            }
            e.pair[c * size + c] += i64::from(text.repeated[w]);
            e.left[c] += i64::from(text.as_left[w]);
            e.right[c] += i64::from(text.as_right[w]);
        }
        e
    }

    fn f(&self, x: i64) -> f64 {
        self.xlogx[x as usize]
    }

    /// Add (`sign` 1) or remove (`sign` -1) word `w`, whose neighbours are gathered, to class `c`.
    fn shift(&mut self, w: usize, c: usize, sign: i64) {
        let s = self.size;
        for &d in &self.next_classes {
            self.pair[c * s + d] += sign * self.next_by_class[d];
        }
        for &p in &self.previous_classes {
            self.pair[p * s + c] += sign * self.previous_by_class[p];
        }
        self.pair[c * s + c] += sign * i64::from(self.text.repeated[w]);
        self.left[c] += sign * i64::from(self.text.as_left[w]);
        self.right[c] += sign * i64::from(self.text.as_right[w]);
    }

    /// How much the likelihood grows if word `w` (gathered and removed) joins class `b`.
    fn gain(&self, w: usize, b: usize) -> f64 {
        let s = self.size;
        let mut g = 0.0;
        for &d in &self.next_classes {
            if d != b {
                let x = self.pair[b * s + d];
                g += self.f(x + self.next_by_class[d]) - self.f(x);
            }
        }
        for &p in &self.previous_classes {
            if p != b {
                let x = self.pair[p * s + b];
                g += self.f(x + self.previous_by_class[p]) - self.f(x);
            }
        }
        let x = self.pair[b * s + b];
        let same = self.next_by_class[b] + self.previous_by_class[b] + i64::from(self.text.repeated[w]);
        g += self.f(x + same) - self.f(x);
        let (l, r) = (self.left[b], self.right[b]);
        g -= self.f(l + i64::from(self.text.as_left[w])) - self.f(l);
        g -= self.f(r + i64::from(self.text.as_right[w])) - self.f(r);
        g
    }

    /// Move every word once to its best class; returns how many words moved.
    fn pass(&mut self) -> usize {
        let mut moved = 0;
        for w in 1..self.text.words.len() {
            self.next_classes.clear();
            self.previous_classes.clear();
            for &(r, n) in &self.text.next[w] {
                let d = self.class[r as usize];
                if self.next_by_class[d] == 0 {
                    self.next_classes.push(d);
                }
                self.next_by_class[d] += i64::from(n);
            }
            for &(l, n) in &self.text.previous[w] {
                let p = self.class[l as usize];
                if self.previous_by_class[p] == 0 {
                    self.previous_classes.push(p);
                }
                self.previous_by_class[p] += i64::from(n);
            }
            let from = self.class[w];
            self.shift(w, from, -1);
            let mut best = (from, self.gain(w, from));
            for b in 1..self.size {
                let g = self.gain(w, b);
                if g > best.1 + 1e-9 {
                    best = (b, g);
                }
            }
            self.shift(w, best.0, 1);
            if best.0 != from {
                self.class[w] = best.0;
                moved += 1;
            }
            for &d in &self.next_classes {
                self.next_by_class[d] = 0;
            }
            for &p in &self.previous_classes {
                self.previous_by_class[p] = 0;
            }
        }
        moved
    }
}

/// Cluster the words of `sentences` (any case; clustered lowercased) into each of `sizes`
/// classes, for at most `passes` passes each. Words seen fewer than `min_count` times get
/// no class.
pub fn learn(sentences: &[Vec<String>], sizes: &[u16], min_count: u32, passes: usize) -> WordClusters {
    let text = Bigrams::new(sentences, min_count.max(1));
    let mut classes: HashMap<String, Vec<u16>> =
        text.words.iter().skip(2).map(|w| (w.clone(), Vec::with_capacity(sizes.len()))).collect();
    for &size in sizes {
        let mut exchange = Exchange::new(&text, usize::from(size.max(2)));
        for _ in 0..passes {
            if exchange.pass() == 0 {
                break;
            }
        }
        for (w, word) in text.words.iter().enumerate().skip(2) {
            if let Some(c) = classes.get_mut(word) {
                c.push(exchange.class[w] as u16);
            }
        }
    }
    WordClusters { sizes: sizes.to_vec(), classes }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_in_the_same_contexts_share_a_class() {
        let mut text = Vec::new();
        for (name, verb) in [("philips", "ontslaat"), ("shell", "ontslaat"), ("philips", "groeit"), ("shell", "groeit")]
        {
            for _ in 0..5 {
                text.push(vec!["bij".to_string(), name.to_string(), verb.to_string(), "personeel".to_string()]);
                text.push(vec!["in".to_string(), "gent".to_string(), "regent".to_string(), "het".to_string()]);
                text.push(vec!["in".to_string(), "brugge".to_string(), "regent".to_string(), "het".to_string()]);
            }
        }
        let clusters = learn(&text, &[8], 1, 10);
        let class = |w: &str| clusters.classes(w)[0];
        assert_eq!(class("philips"), class("shell"));
        assert_eq!(class("gent"), class("brugge"));
        assert_ne!(class("philips"), class("gent"));
        assert!(clusters.classes("onbekend").is_empty());
        let again = learn(&text, &[8], 1, 10);
        assert_eq!(again.classes("philips"), clusters.classes("philips"), "deterministic");
    }
}
