//! Stage 5: the in-memory graph. Only this module holds petgraph types; callers speak
//! entity and relation ids (a `NodeIndex` never leaves, since removal could reuse it).
//!
//! Invariants: every edge's endpoints are nodes in the graph (a relation is applied
//! only after its entities, and loading adds all entities first); `by_id` and
//! `by_name` agree with the nodes; the graph equals what the store holds after each
//! commit or curation has been applied; `merged` leads every id a curator merged away
//! to the entity it is part of now.

use crate::model::{fold, EntityRecord, EntityType, RelationKind, RelationRecord};
use crate::store::{CommitOutcome, CurationOutcome, Store, StoreError};
use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableDiGraph};
use petgraph::visit::{EdgeRef, IntoEdgeReferences, NodeIndexable};
use petgraph::Direction as PgDirection;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Outgoing,
    Incoming,
    Both,
}

#[derive(Debug, Default, Clone)]
pub struct EntityFilter {
    pub entity_type: Option<EntityType>,
    /// Folded substring the name or an alias must contain.
    pub name: Option<String>,
    /// Wikidata QID the entity must be linked to.
    pub wikidata_id: Option<String>,
    /// Seen in a document dated within these dates.
    pub dates: DateRange,
}

#[derive(Debug, Default, Clone)]
pub struct RelationFilter {
    pub kinds: Option<Vec<RelationKind>>,
    pub min_weight: u64,
    /// Stated in a document dated within these dates.
    pub dates: DateRange,
}

impl RelationFilter {
    fn accepts(&self, r: &RelationRecord) -> bool {
        r.weight >= self.min_weight
            && self.kinds.as_ref().is_none_or(|k| k.contains(&r.kind))
            && self.dates.overlaps(r.first_seen.as_deref(), r.last_seen.as_deref())
    }
}

/// Dates (`YYYY[-MM[-DD]]`, both ends included) that what is kept was seen within.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DateRange {
    pub from: Option<String>,
    pub to: Option<String>,
}

impl DateRange {
    /// Was something first seen on `first` and last seen on `last` seen within the range?
    /// Unbounded on both ends, anything is; bounded, something never dated is not.
    pub fn overlaps(&self, first: Option<&str>, last: Option<&str>) -> bool {
        dates_overlap(self.from.as_deref(), self.to.as_deref(), first, last)
    }
}

fn dates_overlap(from: Option<&str>, to: Option<&str>, first: Option<&str>, last: Option<&str>) -> bool {
    // A date prefix compares correctly with longer dates: "2019-03" <= "2019-03-05".
    let after_from = from.is_none_or(|f| last.is_some_and(|l| l >= f || f.starts_with(l)));
    let before_to = to.is_none_or(|t| first.is_some_and(|s| s <= t || s.starts_with(t)));
    after_from && before_to
}

/// How `Graph::entities_by` orders entities; ties by id.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum EntityOrder {
    /// Most mentioned first.
    #[default]
    Mentions,
    /// Most relations first.
    Degree,
    /// By folded name, A to Z.
    Name,
    /// Earliest first seen first (never dated last).
    FirstSeen,
    /// Latest last seen first (never dated last).
    LastSeen,
}

/// Typed relations before co-occurrence, then heaviest first.
fn rank(r: &RelationRecord) -> (bool, std::cmp::Reverse<u64>) {
    (r.kind == RelationKind::CoOccurs, std::cmp::Reverse(r.weight))
}

/// Which part of the graph to take (for exports): all filters must hold.
#[derive(Debug, Default, Clone)]
pub struct Selection {
    pub entity_types: Option<Vec<EntityType>>,
    pub relations: RelationFilter,
    /// Keep what was seen on or after this date (`YYYY[-MM[-DD]]`).
    pub from: Option<String>,
    /// Keep what was seen on or before this date.
    pub to: Option<String>,
    /// Only the neighbourhood of this entity, to this depth.
    pub around: Option<(String, usize)>,
}

impl Selection {
    fn in_dates(&self, first: Option<&str>, last: Option<&str>) -> bool {
        dates_overlap(self.from.as_deref(), self.to.as_deref(), first, last)
    }
}

#[derive(Debug, Default, Clone)]
pub struct Subgraph {
    pub nodes: Vec<Arc<EntityRecord>>,
    pub edges: Vec<Arc<RelationRecord>>,
}

#[derive(Debug, Default)]
pub struct Graph {
    graph: StableDiGraph<Arc<EntityRecord>, Arc<RelationRecord>>,
    by_id: HashMap<String, NodeIndex>,
    edges_by_id: HashMap<String, EdgeIndex>,
    /// Folded name or alias → entity ids, for search.
    by_name: BTreeMap<String, BTreeSet<String>>,
    /// Ids merged away by curation → the id they were merged into.
    merged: HashMap<String, String>,
    /// PageRank of every entity, by node index: computed on the first read after the
    /// graph changed (`centrality`), dropped by every change.
    page_rank: Mutex<Option<Arc<Vec<f64>>>>,
    /// Changes made so far (`version`).
    version: u64,
}

/// How central an entity is in the graph.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Centrality {
    /// Relations, both directions.
    pub degree: usize,
    /// PageRank over the relations taken both ways, weighted by evidence (damping 0.85;
    /// all entities' ranks add up to 1).
    pub page_rank: f64,
}

/// PageRank's damping factor, and when its iteration stops.
const DAMPING: f64 = 0.85;
const PAGE_RANK_ITERATIONS: usize = 50;
const PAGE_RANK_TOLERANCE: f64 = 1e-10;

/// What `Graph::lookup` found for an id or a name.
#[derive(Debug)]
pub enum Lookup<'a> {
    Found(&'a Arc<EntityRecord>),
    Missing,
    /// Several entities match and none exactly: the candidates, best first.
    Ambiguous(Vec<&'a Arc<EntityRecord>>),
}

/// Most candidates `Graph::lookup` reports for an ambiguous name.
const LOOKUP_CANDIDATES: usize = 10;

/// Longest chain of merges followed (a damaged store must not hang a query).
const MAX_MERGE_HOPS: usize = 32;

impl Graph {
    /// Load every entity, then every relation, from the store.
    pub fn load(store: &Store) -> Result<Self, StoreError> {
        let mut g = Graph::default();
        for e in store.entities() {
            g.upsert_entity(e?);
        }
        for r in store.relations() {
            g.upsert_relation(r?);
        }
        for m in store.merges() {
            let (from, into) = m?;
            g.merged.insert(from, into);
        }
        Ok(g)
    }

    /// Apply what a curation changed: new and changed records first, then removals.
    pub fn apply_curation(&mut self, outcome: &CurationOutcome) {
        for e in &outcome.entities {
            // A curation may take names away (ingestion only adds them).
            if let Some(old) = self.entity(&e.id).cloned() {
                let kept: HashSet<String> = e.names().map(|a| fold(a)).collect();
                for name in old.names() {
                    self.forget_name(&fold(name), &e.id, &kept);
                }
            }
            self.upsert_entity(e.clone());
        }
        for r in &outcome.relations {
            self.upsert_relation(r.clone());
        }
        for id in &outcome.removed_relations {
            self.remove_relation(id);
        }
        for id in &outcome.removed_entities {
            self.remove_entity(id);
        }
        if let Some((from, into)) = &outcome.merged {
            self.merged.insert(from.clone(), into.clone());
        }
    }

    /// The id an entity answers as now: `id` itself, or the entity it was merged into.
    pub fn current_id<'a>(&'a self, id: &'a str) -> &'a str {
        let mut id = id;
        for _ in 0..MAX_MERGE_HOPS {
            match self.merged.get(id) {
                Some(next) => id = next,
                None => break,
            }
        }
        id
    }

    /// Drop `id` from the search index under `folded`, unless one of its `kept` names folds to it.
    fn forget_name(&mut self, folded: &str, id: &str, kept: &HashSet<String>) {
        if kept.contains(folded) {
            return;
        }
        if let Some(ids) = self.by_name.get_mut(folded) {
            ids.remove(id);
            if ids.is_empty() {
                self.by_name.remove(folded);
            }
        }
    }

    fn remove_relation(&mut self, id: &str) {
        self.changed();
        if let Some(ix) = self.edges_by_id.remove(id) {
            self.graph.remove_edge(ix);
        }
    }

    /// Every change: a new version, and the PageRank to compute again.
    fn changed(&mut self) {
        self.version += 1;
        *self.page_rank.get_mut().unwrap_or_else(|p| p.into_inner()) = None;
    }

    /// A number that changes whenever the graph does (for HTTP `ETag`s).
    pub fn version(&self) -> u64 {
        self.version
    }

    fn remove_entity(&mut self, id: &str) {
        self.changed();
        let Some(n) = self.by_id.remove(id) else { return };
        let incident: Vec<EdgeIndex> = self
            .graph
            .edges_directed(n, PgDirection::Outgoing)
            .chain(self.graph.edges_directed(n, PgDirection::Incoming))
            .map(|e| e.id())
            .collect();
        for ix in incident {
            if let Some(r) = self.graph.remove_edge(ix) {
                self.edges_by_id.remove(&r.id);
            }
        }
        if let Some(e) = self.graph.remove_node(n) {
            for name in e.names() {
                self.forget_name(&fold(name), &e.id, &HashSet::new());
            }
        }
    }

    /// Apply what a commit changed.
    pub fn apply(&mut self, outcome: CommitOutcome) {
        for e in outcome.entities {
            self.upsert_entity(e);
        }
        for r in outcome.relations {
            self.upsert_relation(r);
        }
    }

    /// Every change to nodes or edges comes through here or `upsert_relation`,
    /// `remove_entity` and `remove_relation`, which note it (`changed`).
    fn upsert_entity(&mut self, e: EntityRecord) {
        self.changed();
        for alias in e.names() {
            self.by_name.entry(fold(alias)).or_default().insert(e.id.clone());
        }
        match self.by_id.get(&e.id) {
            Some(&n) => self.graph[n] = Arc::new(e),
            None => {
                let id = e.id.clone();
                let n = self.graph.add_node(Arc::new(e));
                self.by_id.insert(id, n);
            }
        }
    }

    fn upsert_relation(&mut self, r: RelationRecord) {
        self.changed();
        if let Some(&ix) = self.edges_by_id.get(&r.id) {
            self.graph[ix] = Arc::new(r);
            return;
        }
        let (Some(&a), Some(&b)) = (self.by_id.get(&r.source), self.by_id.get(&r.target)) else {
            tracing::warn!(relation = %r.id, "relation names an entity that is not loaded; skipped");
            return;
        };
        let id = r.id.clone();
        let ix = self.graph.add_edge(a, b, Arc::new(r));
        self.edges_by_id.insert(id, ix);
    }

    pub fn entity_count(&self) -> usize {
        self.graph.node_count()
    }

    pub fn relation_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// Records are shared (`Arc`): readers keep one past a later commit, cheaply.
    pub fn entity(&self, id: &str) -> Option<&Arc<EntityRecord>> {
        self.by_id.get(id).map(|&n| &self.graph[n])
    }

    pub fn relation(&self, id: &str) -> Option<&Arc<RelationRecord>> {
        self.edges_by_id.get(id).map(|&e| &self.graph[e])
    }

    pub fn degree(&self, id: &str) -> usize {
        self.by_id.get(id).map_or(0, |&n| {
            self.graph.edges_directed(n, PgDirection::Outgoing).count()
                + self.graph.edges_directed(n, PgDirection::Incoming).count()
        })
    }

    /// Entities matching the filter, most mentioned first (ties by id, so order is stable).
    pub fn entities(&self, filter: &EntityFilter) -> Vec<&Arc<EntityRecord>> {
        self.entities_by(filter, EntityOrder::Mentions)
    }

    /// Entities matching the filter in `order` (ties by id, so order is stable).
    pub fn entities_by(&self, filter: &EntityFilter, order: EntityOrder) -> Vec<&Arc<EntityRecord>> {
        let needle = filter.name.as_deref().map(fold);
        let mut out: Vec<&Arc<EntityRecord>> = self
            .graph
            .node_weights()
            .filter(|e| filter.entity_type.is_none_or(|t| e.entity_type == t))
            .filter(|e| filter.wikidata_id.as_deref().is_none_or(|q| e.wikidata.as_ref().is_some_and(|w| w.id == q)))
            .filter(|e| {
                needle
                    .as_deref()
                    .is_none_or(|n| fold(&e.name).contains(n) || e.aliases.keys().any(|a| fold(a).contains(n)))
            })
            .filter(|e| filter.dates.overlaps(e.first_seen.as_deref(), e.last_seen.as_deref()))
            .collect();
        self.sort_entities(&mut out, order);
        out
    }

    /// `entities` in `order`, ties by id.
    pub fn sort_entities(&self, entities: &mut Vec<&Arc<EntityRecord>>, order: EntityOrder) {
        // Undated entities sort after dated ones either way.
        let undated_last = |d: &Option<String>| (d.is_none(), d.clone());
        match order {
            EntityOrder::Mentions => {
                entities.sort_by(|a, b| b.mention_count.cmp(&a.mention_count).then_with(|| a.id.cmp(&b.id)))
            }
            EntityOrder::Degree => {
                let mut keyed: Vec<(usize, &Arc<EntityRecord>)> =
                    entities.drain(..).map(|e| (self.degree(&e.id), e)).collect();
                keyed.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.id.cmp(&b.1.id)));
                entities.extend(keyed.into_iter().map(|(_, e)| e));
            }
            EntityOrder::Name => entities.sort_by_cached_key(|e| (fold(&e.name), e.id.clone())),
            EntityOrder::FirstSeen => entities.sort_by_cached_key(|e| (undated_last(&e.first_seen), e.id.clone())),
            EntityOrder::LastSeen => entities.sort_by(|a, b| {
                (a.last_seen.is_none(), std::cmp::Reverse(&b.last_seen))
                    .cmp(&(b.last_seen.is_none(), std::cmp::Reverse(&a.last_seen)))
                    .then_with(|| a.id.cmp(&b.id))
            }),
        }
    }

    /// How central entity `id` is; `None` for an unknown id.
    pub fn centrality(&self, id: &str) -> Option<Centrality> {
        let &n = self.by_id.get(id)?;
        let ranks = {
            let mut cached = self.page_rank.lock().unwrap_or_else(|p| p.into_inner());
            cached.get_or_insert_with(|| Arc::new(self.compute_page_rank())).clone()
        };
        Some(Centrality { degree: self.degree(id), page_rank: ranks.get(n.index()).copied().unwrap_or(0.0) })
    }

    /// PageRank by power iteration over relations taken both ways, each weighted by its
    /// evidence; an entity without relations spreads its rank over all entities.
    fn compute_page_rank(&self) -> Vec<f64> {
        let bound = self.graph.node_bound();
        let nodes: Vec<NodeIndex> = self.graph.node_indices().collect();
        if nodes.is_empty() {
            return vec![0.0; bound];
        }
        let count = nodes.len() as f64;
        let mut out_weight = vec![0.0f64; bound];
        for e in (&self.graph).edge_references() {
            let w = e.weight().weight.max(1) as f64;
            out_weight[e.source().index()] += w;
            out_weight[e.target().index()] += w;
        }
        let mut rank = vec![0.0f64; bound];
        for n in &nodes {
            rank[n.index()] = 1.0 / count;
        }
        for _ in 0..PAGE_RANK_ITERATIONS {
            let dangling: f64 = nodes.iter().filter(|n| out_weight[n.index()] == 0.0).map(|n| rank[n.index()]).sum();
            let base = (1.0 - DAMPING) / count + DAMPING * dangling / count;
            let mut next = vec![0.0f64; bound];
            for n in &nodes {
                next[n.index()] = base;
            }
            for e in (&self.graph).edge_references() {
                let (s, t) = (e.source().index(), e.target().index());
                let w = e.weight().weight.max(1) as f64;
                next[t] += DAMPING * rank[s] * w / out_weight[s];
                next[s] += DAMPING * rank[t] * w / out_weight[t];
            }
            let change: f64 = nodes.iter().map(|n| (next[n.index()] - rank[n.index()]).abs()).sum();
            rank = next;
            if change < PAGE_RANK_TOLERANCE {
                break;
            }
        }
        rank
    }

    /// Case- and accent-insensitive search: exact name matches first, then names with a
    /// word starting with the query, each group most mentioned first.
    pub fn search(&self, query: &str, limit: usize) -> Vec<&Arc<EntityRecord>> {
        let q = fold(query);
        if q.is_empty() {
            return Vec::new();
        }
        let mut scored: HashMap<&str, u8> = HashMap::new();
        for (name, ids) in self.by_name.range(q.clone()..) {
            if !name.starts_with(&q) {
                break;
            }
            for id in ids {
                let rank = if *name == q { 0 } else { 1 };
                let e = scored.entry(id.as_str()).or_insert(rank);
                *e = (*e).min(rank);
            }
        }
        // Words inside longer names ("misdaad" → "Meld Misdaad Anoniem").
        let inner = format!(" {q}");
        for (name, ids) in &self.by_name {
            if name.contains(&inner) {
                for id in ids {
                    scored.entry(id.as_str()).or_insert(2);
                }
            }
        }
        let mut out: Vec<(&Arc<EntityRecord>, u8)> =
            scored.into_iter().filter_map(|(id, r)| self.entity(id).map(|e| (e, r))).collect();
        out.sort_by(|a, b| {
            a.1.cmp(&b.1).then(b.0.mention_count.cmp(&a.0.mention_count)).then_with(|| a.0.id.cmp(&b.0.id))
        });
        out.into_iter().take(limit).map(|(e, _)| e).collect()
    }

    /// The entity a user means by an id or a name: the entity with that id; else the one
    /// hit of `search`, or the one hit whose name or an alias is the query (folded);
    /// else `Missing`, or `Ambiguous` with the exact hits (or all hits, when none is exact)
    /// as the candidates.
    pub fn lookup(&self, id_or_name: &str) -> Lookup<'_> {
        if let Some(e) = self.entity(self.current_id(id_or_name)) {
            return Lookup::Found(e);
        }
        let hits = self.search(id_or_name, LOOKUP_CANDIDATES);
        let q = fold(id_or_name);
        let exact: Vec<&Arc<EntityRecord>> =
            hits.iter().copied().filter(|e| fold(&e.name) == q || e.aliases.keys().any(|a| fold(a) == q)).collect();
        match (hits.as_slice(), exact.as_slice()) {
            ([], _) => Lookup::Missing,
            ([one], _) | (_, [one]) => Lookup::Found(one),
            (_, []) => Lookup::Ambiguous(hits),
            _ => Lookup::Ambiguous(exact),
        }
    }

    /// All relations matching the filter: typed first, then heaviest.
    pub fn relations(&self, filter: &RelationFilter) -> Vec<&Arc<RelationRecord>> {
        let mut out: Vec<&Arc<RelationRecord>> = self.graph.edge_weights().filter(|r| filter.accepts(r)).collect();
        out.sort_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| a.id.cmp(&b.id)));
        out
    }

    /// Relations of one entity: typed first, then heaviest.
    pub fn relations_of(&self, id: &str, direction: Direction, filter: &RelationFilter) -> Vec<&Arc<RelationRecord>> {
        let Some(&n) = self.by_id.get(id) else {
            return Vec::new();
        };
        let mut out: Vec<&Arc<RelationRecord>> = Vec::new();
        if direction != Direction::Incoming {
            out.extend(self.graph.edges_directed(n, PgDirection::Outgoing).map(|e| e.weight()));
        }
        if direction != Direction::Outgoing {
            out.extend(self.graph.edges_directed(n, PgDirection::Incoming).map(|e| e.weight()));
        }
        out.retain(|r| filter.accepts(r));
        out.sort_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| a.id.cmp(&b.id)));
        out
    }

    /// Relations between entities `a` and `b`, either way: typed first, then heaviest.
    pub fn relations_between(&self, a: &str, b: &str, filter: &RelationFilter) -> Vec<&Arc<RelationRecord>> {
        let mut out = self.relations_of(a, Direction::Both, filter);
        out.retain(|r| (r.source == a && r.target == b) || (r.source == b && r.target == a));
        out
    }

    /// Entities one relation away, each once, by the heaviest relation to them.
    pub fn neighbors(&self, id: &str, filter: &RelationFilter) -> Vec<&Arc<EntityRecord>> {
        let mut seen = BTreeSet::new();
        self.relations_of(id, Direction::Both, filter)
            .into_iter()
            .filter_map(|r| {
                let other = if r.source == id { &r.target } else { &r.source };
                seen.insert(other.clone()).then(|| self.entity(other)).flatten()
            })
            .collect()
    }

    /// Breadth-first neighbourhood up to `depth` hops, at most `limit` nodes; the edges
    /// are all relations between the nodes returned.
    pub fn neighborhood(&self, id: &str, depth: usize, limit: usize, filter: &RelationFilter) -> Subgraph {
        let Some(&start) = self.by_id.get(id) else {
            return Subgraph::default();
        };
        let mut order = vec![start];
        let mut seen: HashMap<NodeIndex, usize> = HashMap::from([(start, 0)]);
        let mut queue = VecDeque::from([start]);
        while let Some(n) = queue.pop_front() {
            let d = seen[&n];
            if d >= depth {
                continue;
            }
            let mut next: Vec<(u64, NodeIndex)> = self
                .graph
                .edges_directed(n, PgDirection::Outgoing)
                .map(|e| (e.weight(), e.target()))
                .chain(self.graph.edges_directed(n, PgDirection::Incoming).map(|e| (e.weight(), e.source())))
                .filter(|(r, _)| filter.accepts(r))
                .map(|(r, m)| (r.weight, m))
                .collect();
            next.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| self.graph[a.1].id.cmp(&self.graph[b.1].id)));
            for (_, m) in next {
                if order.len() >= limit {
                    break;
                }
                if let std::collections::hash_map::Entry::Vacant(v) = seen.entry(m) {
                    v.insert(d + 1);
                    order.push(m);
                    queue.push_back(m);
                }
            }
        }
        let mut edges: Vec<Arc<RelationRecord>> = Vec::new();
        for &n in &order {
            for e in self.graph.edges_directed(n, PgDirection::Outgoing) {
                if seen.contains_key(&e.target()) && filter.accepts(e.weight()) {
                    edges.push(e.weight().clone());
                }
            }
        }
        edges.sort_by(|a, b| a.id.cmp(&b.id));
        Subgraph { nodes: order.into_iter().map(|n| self.graph[n].clone()).collect(), edges }
    }

    /// Fewest-hop path ignoring direction; the relations along it, in order.
    pub fn shortest_path(&self, from: &str, to: &str, filter: &RelationFilter) -> Option<Vec<&Arc<RelationRecord>>> {
        let (&a, &b) = (self.by_id.get(from)?, self.by_id.get(to)?);
        let mut came_from: HashMap<NodeIndex, Option<EdgeIndex>> = HashMap::from([(a, None)]);
        let mut queue = VecDeque::from([a]);
        while let Some(n) = queue.pop_front() {
            if n == b {
                break;
            }
            let edges = self
                .graph
                .edges_directed(n, PgDirection::Outgoing)
                .map(|e| (e.id(), e.target()))
                .chain(self.graph.edges_directed(n, PgDirection::Incoming).map(|e| (e.id(), e.source())));
            for (e, m) in edges {
                if filter.accepts(&self.graph[e]) && !came_from.contains_key(&m) {
                    came_from.insert(m, Some(e));
                    queue.push_back(m);
                }
            }
        }
        came_from.get(&b)?;
        let mut path = Vec::new();
        let mut n = b;
        while let Some(Some(e)) = came_from.get(&n) {
            path.push(&self.graph[*e]);
            let (s, t) = self.graph.edge_endpoints(*e)?;
            n = if t == n { s } else { t };
        }
        path.reverse();
        Some(path)
    }

    /// The entities and relations a selection keeps, each sorted by id (so exports are
    /// byte-stable); a relation is kept only with both its entities.
    pub fn select(&self, selection: &Selection) -> (Vec<&EntityRecord>, Vec<&RelationRecord>) {
        let around: Option<HashSet<String>> = selection.around.as_ref().map(|(id, depth)| {
            self.neighborhood(id, *depth, usize::MAX, &selection.relations)
                .nodes
                .into_iter()
                .map(|e| e.id.clone())
                .collect()
        });
        let mut nodes: Vec<&EntityRecord> = self
            .graph
            .node_weights()
            .map(|e| &**e)
            .filter(|e| selection.entity_types.as_ref().is_none_or(|t| t.contains(&e.entity_type)))
            .filter(|e| selection.in_dates(e.first_seen.as_deref(), e.last_seen.as_deref()))
            .filter(|e| around.as_ref().is_none_or(|a| a.contains(&e.id)))
            .collect();
        nodes.sort_by(|a, b| a.id.cmp(&b.id));
        let kept: HashSet<&str> = nodes.iter().map(|e| e.id.as_str()).collect();
        let mut edges: Vec<&RelationRecord> = self
            .graph
            .edge_weights()
            .map(|r| &**r)
            .filter(|r| {
                selection.relations.accepts(r) && kept.contains(r.source.as_str()) && kept.contains(r.target.as_str())
            })
            .filter(|r| selection.in_dates(r.first_seen.as_deref(), r.last_seen.as_deref()))
            .collect();
        edges.sort_by(|a, b| a.id.cmp(&b.id));
        (nodes, edges)
    }

    /// Counts per entity type and relation kind.
    pub fn type_counts(&self) -> (BTreeMap<EntityType, usize>, BTreeMap<RelationKind, usize>) {
        let mut types = BTreeMap::new();
        for e in self.graph.node_weights() {
            *types.entry(e.entity_type).or_default() += 1;
        }
        let mut kinds = BTreeMap::new();
        for r in self.graph.edge_weights() {
            *kinds.entry(r.kind).or_default() += 1;
        }
        (types, kinds)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn relation(id: &str, source: &str, target: &str, weight: u64) -> RelationRecord {
        RelationRecord {
            id: id.into(),
            source: source.into(),
            target: target.into(),
            kind: RelationKind::CoOccurs,
            predicate: String::new(),
            weight,
            confidence: 0.5,
            first_seen: None,
            last_seen: None,
        }
    }

    fn star() -> Graph {
        let mut g = Graph::default();
        let entities =
            ["hub", "a", "b", "c", "loner"].map(|id| EntityRecord::new(id.into(), id.into(), EntityType::Person));
        let relations =
            vec![relation("r1", "hub", "a", 1), relation("r2", "b", "hub", 1), relation("r3", "hub", "c", 3)];
        g.apply(CommitOutcome { stored: true, entities: entities.to_vec(), relations, logged: None });
        g
    }

    #[test]
    fn page_rank_adds_up_to_one_and_ranks_the_hub_first() {
        let g = star();
        let rank = |id: &str| g.centrality(id).expect("known").page_rank;
        let total: f64 = ["hub", "a", "b", "c", "loner"].iter().map(|id| rank(id)).sum();
        assert!((total - 1.0).abs() < 1e-9, "{total}");
        assert!(rank("hub") > rank("c") && rank("c") > rank("a"), "the heavier relation carries more rank");
        assert!((rank("a") - rank("b")).abs() < 1e-12, "direction does not matter");
        assert!(rank("loner") < rank("a"));
        assert_eq!(g.centrality("hub").map(|c| c.degree), Some(3));
        assert_eq!(g.centrality("nobody"), None);
    }

    #[test]
    fn page_rank_follows_every_change() {
        let mut g = star();
        let before = g.centrality("loner").expect("known").page_rank;
        g.apply(CommitOutcome {
            stored: true,
            entities: vec![],
            relations: vec![relation("r4", "loner", "a", 5)],
            logged: None,
        });
        assert!(g.centrality("loner").expect("known").page_rank > before);
    }
}
