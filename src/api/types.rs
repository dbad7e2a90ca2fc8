//! GraphQL object types: views over model records.
//!
//! Every object type resolves its fields one after another (`serial`): no resolver waits
//! on I/O (the graph is in memory, the store is read synchronously), so resolving an
//! object's fields concurrently only costs a `FuturesUnordered` and its waker traffic per
//! object — about a fifth of a typical query's time (docs/performance.md).

use super::node;
use super::paging::{connection, Keyed, Page, PageArgs};
use super::{charge, date_range, error, internal, kg, relation_filter, ErrorCode};
use crate::graph::{self, Direction as GraphDirection};
use crate::model::DocumentRecord;
use crate::model::{self, stored_float, EntityRecord, RelationRecord, Span};
use crate::pipeline::Kennisgraaf;
use crate::store::{Place, Store};
use async_graphql::{Context, Enum, Object, SimpleObject, ID};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

/// What kind of thing an entity is.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "model::EntityType")]
pub enum EntityType {
    /// A person ("Aboutaleb").
    Person,
    /// An organisation, company, party, institution ("Meld Misdaad Anoniem", "politie").
    Organization,
    /// A place: city, country, region ("Rotterdam").
    Location,
    /// A law or regulation ("Opiumwet").
    Law,
    /// A named event.
    Event,
    /// Other named things: nationalities, works, languages, competitions.
    Misc,
    /// An office named without its holder ("de burgemeester van Groningen").
    Role,
}

/// What a relation states.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "model::RelationKind")]
pub enum RelationType {
    /// A person holds a role (see `predicate`) in a place or organisation.
    HoldsRole,
    /// An office belongs to a place or organisation.
    RoleOf,
    /// A law lets (or obliges) an office to do something; the `predicate` says what.
    Grants,
    /// A person works for an organisation (stated without a role noun).
    WorksFor,
    /// A person belongs to an organisation.
    MemberOf,
    /// A place or organisation lies in a place.
    LocatedIn,
    /// A part (subsidiary, division) belongs to an organisation.
    PartOf,
    /// The source owns (or took over) the target.
    Owns,
    /// The source is quoted saying something that names the target.
    QuotedAbout,
    /// Subject –verb→ object; the verb lemma is the `predicate`.
    Verb,
    /// Named in the same sentence: weaker than any typed relation.
    CoOccurs,
}

/// How to order entities; ties by id.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "graph::EntityOrder")]
pub enum EntityOrder {
    /// Most mentioned first.
    Mentions,
    /// Most relations first.
    Degree,
    /// By name, A to Z (case and accents ignored).
    Name,
    /// Earliest `firstSeen` first (undated last).
    FirstSeen,
    /// Latest `lastSeen` first (undated last).
    LastSeen,
}

/// How central an entity is in the graph.
#[derive(SimpleObject)]
#[graphql(serial)]
pub struct Centrality {
    /// Number of relations, both directions.
    pub degree: usize,
    /// PageRank over all relations taken both ways, weighted by their evidence (damping
    /// 0.85; the ranks of all entities add up to 1). Computed on the first read after the
    /// graph changed.
    pub page_rank: f64,
}

/// Which relations of an entity: those it is the source of, the target of, or both.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum Direction {
    /// Relations whose source is the entity.
    Outgoing,
    /// Relations whose target is the entity.
    Incoming,
    /// Relations either way.
    Both,
}

/// A Wikidata item an entity is linked to.
#[derive(SimpleObject)]
#[graphql(serial)]
pub struct WikidataLink {
    /// The QID, e.g. "Q401107".
    pub id: String,
    /// The Dutch label or alias of the item that matched the entity's names.
    pub label: String,
    /// `https://www.wikidata.org/wiki/Q…`
    pub url: String,
    /// How sure the linker was, 0..1.
    pub confidence: f64,
}

/// Which of an entity's fields a curator set.
#[derive(SimpleObject)]
#[graphql(serial)]
pub struct CuratedFields {
    /// The name was set by `renameEntity`.
    pub name: bool,
    /// The type was set by `retypeEntity`.
    #[graphql(name = "type")]
    pub entity_type: bool,
}

/// A person, organisation, place, law or other named thing, merged across all documents that mention it.
#[derive(Clone)]
pub struct Entity(pub Arc<EntityRecord>);

/// A person, organisation, place, law or other named thing, merged across all documents that mention it.
#[Object(serial)]
impl Entity {
    /// Stable opaque id (derived from the Wikidata QID when linked, else from type and name);
    /// `node(id:)` takes it too.
    pub(crate) async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// Canonical name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// What kind of thing it is.
    #[graphql(name = "type")]
    async fn entity_type(&self) -> EntityType {
        self.0.entity_type.into()
    }
    /// Every surface form seen, most used first.
    async fn aliases(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<String>> {
        charge(ctx, self.0.aliases.len(), 0)?;
        Ok(aliases_by_use(&self.0))
    }
    /// The Wikidata QID it is linked to ("Q401107"), if the linker was sure enough.
    async fn wikidata_id(&self) -> Option<&str> {
        self.0.wikidata.as_ref().map(|w| w.id.as_str())
    }
    /// Its Wikidata item: QID, the Dutch name that matched, URL and the linker's confidence.
    async fn wikidata(&self) -> Option<WikidataLink> {
        self.0.wikidata.as_ref().map(|w| WikidataLink {
            id: w.id.clone(),
            label: w.label.clone(),
            url: w.url(),
            confidence: stored_float(w.confidence),
        })
    }
    /// Which of its fields a curator set (ingestion leaves them alone).
    async fn curated(&self) -> CuratedFields {
        CuratedFields { name: self.0.curated.name, entity_type: self.0.curated.entity_type }
    }
    /// Role nouns stated for it ("burgemeester").
    async fn roles(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<String>> {
        charge(ctx, self.0.roles.len(), 0)?;
        Ok(self.0.roles.keys().cloned().collect())
    }
    /// Number of mentions across all documents (names, and references like "hij" resolved to it).
    async fn mention_count(&self) -> u64 {
        self.0.mention_count
    }
    /// Number of documents that mention it.
    async fn document_count(&self) -> u64 {
        self.0.document_count
    }
    /// Date of the earliest document that mentions it.
    async fn first_seen(&self) -> Option<&str> {
        self.0.first_seen.as_deref()
    }
    /// Date of the latest document that mentions it.
    async fn last_seen(&self) -> Option<&str> {
        self.0.last_seen.as_deref()
    }
    /// Number of relations, both directions.
    async fn degree(&self, ctx: &Context<'_>) -> async_graphql::Result<usize> {
        Ok(kg(ctx)?.graph().degree(&self.0.id))
    }
    /// Degree and PageRank.
    async fn centrality(&self, ctx: &Context<'_>) -> async_graphql::Result<Centrality> {
        let graph = kg(ctx)?.graph();
        let c = graph.centrality(&self.0.id).unwrap_or(graph::Centrality { degree: 0, page_rank: 0.0 });
        Ok(Centrality { degree: c.degree, page_rank: c.page_rank })
    }
    /// Relations of this entity: typed first, then heaviest (ties by id); `from` and `to`
    /// (YYYY, YYYY-MM or YYYY-MM-DD, both included) keep those stated in documents of those dates.
    #[allow(clippy::too_many_arguments)]
    async fn relations(
        &self,
        ctx: &Context<'_>,
        #[graphql(default_with = "RELATIONS_DIRECTION")] direction: Direction,
        types: Option<Vec<RelationType>>,
        from: Option<String>,
        to: Option<String>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<Page<Relation>> {
        let args = PageArgs::new(first, after, last, before, LIST_PAGE)?;
        let graph = kg(ctx)?.graph();
        let direction = match direction {
            Direction::Outgoing => GraphDirection::Outgoing,
            Direction::Incoming => GraphDirection::Incoming,
            Direction::Both => GraphDirection::Both,
        };
        let filter = relation_filter(types, None, date_range(from, to)?);
        let relations = graph.relations_of(&self.0.id, direction, &filter);
        page_of_relations(ctx, &graph, &args, &relations)
    }
    /// Entities one relation away, each once: in the order of the relations to them, or
    /// in `orderBy` (ties by id); `from` and `to` (YYYY, YYYY-MM or YYYY-MM-DD, both
    /// included) keep those related in documents of those dates.
    #[allow(clippy::too_many_arguments)]
    async fn neighbors(
        &self,
        ctx: &Context<'_>,
        types: Option<Vec<RelationType>>,
        from: Option<String>,
        to: Option<String>,
        order_by: Option<EntityOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<Page<Entity>> {
        let args = PageArgs::new(first, after, last, before, LIST_PAGE)?;
        let filter = relation_filter(types, None, date_range(from, to)?);
        let graph = kg(ctx)?.graph();
        let mut neighbors = graph.neighbors(&self.0.id, &filter);
        if let Some(order) = order_by {
            graph.sort_entities(&mut neighbors, order.into());
        }
        let (start, end) = args.range(&|i| Cow::Borrowed(neighbors[i].id.as_str()), neighbors.len())?;
        charge(ctx, end - start, 0)?;
        let page = neighbors[start..end].iter().map(|&e| Entity(e.clone())).collect();
        Ok(connection(page, start, neighbors.len()))
    }
    /// Where it is mentioned: by document, in the order of the text; `from` and `to`
    /// (YYYY, YYYY-MM or YYYY-MM-DD, both included) keep the documents dated within.
    #[allow(clippy::too_many_arguments)]
    async fn mentions(
        &self,
        ctx: &Context<'_>,
        from: Option<String>,
        to: Option<String>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<Page<Mention>> {
        let args = PageArgs::new(first, after, last, before, LIST_PAGE)?;
        let dates = date_range(from, to)?;
        let store = kg(ctx)?.store();
        let mentions = dated_within(store, store.mentions_placed(&self.0.id).map_err(internal)?, &dates)?;
        let (start, end) = args.range(&|i| place_key(&mentions[i].0), mentions.len())?;
        charge(ctx, end - start, 0)?;
        let page = &mentions[start..end];
        let docs = load_documents(store, page.iter().map(|(_, m)| m.document.as_str()))?;
        let page = page
            .iter()
            .zip(docs)
            .map(|((place, m), doc)| Mention { doc, place: place.clone(), m: m.clone() })
            .collect();
        Ok(connection(page, start, mentions.len()))
    }
    /// What it is quoted saying: by document, in the order of the text; `from` and `to`
    /// keep the documents dated within.
    #[allow(clippy::too_many_arguments)]
    async fn quotes(
        &self,
        ctx: &Context<'_>,
        from: Option<String>,
        to: Option<String>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<Page<Quote>> {
        let args = PageArgs::new(first, after, last, before, LIST_PAGE)?;
        let dates = date_range(from, to)?;
        let store = kg(ctx)?.store();
        let quotes = dated_within(store, store.quotes_of(&self.0.id).map_err(internal)?.into(), &dates)?;
        args.of(ctx, quotes.iter().map(|(place, q)| Quote { place: place.clone(), q: q.clone() }).collect())
    }
}

/// The page size of an entity's lists when neither `first` nor `last` is given.
pub const LIST_PAGE: usize = 20;
/// The page size of a relation's evidence when neither `first` nor `last` is given.
const EVIDENCE_PAGE: usize = 10;
/// Which of an entity's relations, when `direction` is left out.
const RELATIONS_DIRECTION: Direction = Direction::Both;

/// A page of `relations` (in their order), with their ends.
pub(crate) fn page_of_relations(
    ctx: &Context<'_>,
    graph: &graph::Graph,
    args: &PageArgs,
    relations: &[&Arc<RelationRecord>],
) -> async_graphql::Result<Page<Relation>> {
    let (start, end) = args.range(&|i| Cow::Borrowed(relations[i].id.as_str()), relations.len())?;
    charge(ctx, end - start, 0)?;
    let page = relations[start..end].iter().map(|r| Relation::with_ends(graph, r)).collect();
    Ok(connection(page, start, relations.len()))
}

/// Quotes by `speaker` or naming `about` (or both), in documents dated within `dates`;
/// without either, BAD_INPUT (the answer would read every document).
pub(crate) fn quotes(
    store: &Store,
    speaker: Option<&str>,
    about: Option<&str>,
    dates: &graph::DateRange,
) -> async_graphql::Result<Vec<Quote>> {
    let documents: Vec<String> = match (speaker, about) {
        (Some(speaker), _) => {
            let mut docs: Vec<String> =
                store.quotes_of(speaker).map_err(internal)?.into_iter().map(|(place, _)| place.document).collect();
            docs.dedup();
            docs
        }
        (None, Some(about)) => {
            let mut docs: Vec<String> = store
                .mentions_placed(about)
                .map_err(internal)?
                .iter()
                .map(|(place, _)| place.document.clone())
                .collect();
            docs.dedup();
            docs
        }
        (None, None) => return Err(error(ErrorCode::BadInput, "give `speaker` or `about` (or both)")),
    };
    let mut out = Vec::new();
    for id in documents {
        let Some(doc) = store.document(&id).map_err(internal)? else { continue };
        if !dates.overlaps(doc.document.date.as_deref(), doc.document.date.as_deref()) {
            continue;
        }
        for (n, q) in doc.quotes.iter().enumerate() {
            let by = speaker.is_none_or(|s| q.speaker.as_deref() == Some(s));
            let naming = about.is_none_or(|a| q.about.iter().any(|x| x == a));
            if by && naming {
                out.push(Quote { q: q.clone(), place: Place { document: id.clone(), n: n as u32 } });
            }
        }
    }
    Ok(out)
}

/// The records of `placed` (grouped by document, as the store lists them) whose document
/// is dated within `dates`: all of them, unread, when `dates` is unbounded; otherwise each
/// document is read once. A document without a date is outside any bounded range.
fn dated_within<T: Clone>(
    store: &Store,
    placed: crate::store::Numbered<T>,
    dates: &graph::DateRange,
) -> async_graphql::Result<crate::store::Numbered<T>> {
    if *dates == graph::DateRange::default() {
        return Ok(placed);
    }
    let mut kept = Vec::new();
    let mut last: Option<(&str, bool)> = None;
    for (place, record) in placed.iter() {
        let within = match last {
            Some((document, within)) if document == place.document => within,
            _ => {
                let doc = store.document(&place.document).map_err(internal)?;
                let date = doc.as_ref().and_then(|d| d.document.date.as_deref());
                let within = dates.overlaps(date, date);
                last = Some((place.document.as_str(), within));
                within
            }
        };
        if within {
            kept.push((place.clone(), record.clone()));
        }
    }
    Ok(kept.into())
}

/// A place as it appears in cursors.
fn place_key(place: &Place) -> Cow<'static, str> {
    Cow::Owned(format!("{}:{}", place.document, place.n))
}

/// `records` as a list of entities, counted into the answer.
fn entities<'g>(
    ctx: &Context<'_>,
    records: impl Iterator<Item = &'g Arc<EntityRecord>>,
) -> async_graphql::Result<Vec<Entity>> {
    let list: Vec<Entity> = records.cloned().map(Entity).collect();
    charge(ctx, list.len(), 0)?;
    Ok(list)
}

/// Every surface form of an entity, most used first.
fn aliases_by_use(e: &EntityRecord) -> Vec<String> {
    let mut a: Vec<(&String, &u64)> = e.aliases.iter().collect();
    a.sort_by(|x, y| y.1.cmp(x.1).then_with(|| x.0.cmp(y.0)));
    a.into_iter().map(|(s, _)| s.clone()).collect()
}

/// A relation between two entities, with the evidence that states it. Repeated evidence raises its weight.
pub struct Relation {
    record: Arc<RelationRecord>,
    /// Source and target, when read from the graph together with the relation (one graph
    /// lock for a whole page of relations instead of one per endpoint); looked up when
    /// asked for otherwise.
    ends: Option<(Entity, Entity)>,
}

impl Relation {
    /// The relation with its two entities, read from `graph` now.
    pub fn with_ends(graph: &graph::Graph, record: &Arc<RelationRecord>) -> Self {
        let ends = graph.entity(&record.source).zip(graph.entity(&record.target));
        Self { record: record.clone(), ends: ends.map(|(s, t)| (Entity(s.clone()), Entity(t.clone()))) }
    }
}

/// A relation between two entities, with the evidence that states it. Repeated evidence raises its weight.
#[Object(serial)]
impl Relation {
    /// Stable opaque id (from source, type, predicate and target).
    pub(crate) async fn id(&self) -> ID {
        ID(self.record.id.clone())
    }
    /// What the relation states.
    #[graphql(name = "type")]
    async fn kind(&self) -> RelationType {
        self.record.kind.into()
    }
    /// Role noun for HOLDS_ROLE, verb lemma for VERB, empty otherwise.
    async fn predicate(&self) -> &str {
        &self.record.predicate
    }
    /// The entity the relation goes from (the holder, speaker, subject).
    async fn source(&self, ctx: &Context<'_>) -> async_graphql::Result<Entity> {
        match &self.ends {
            Some((source, _)) => Ok(source.clone()),
            None => endpoint(ctx, &self.record.source),
        }
    }
    /// The entity the relation goes to.
    async fn target(&self, ctx: &Context<'_>) -> async_graphql::Result<Entity> {
        match &self.ends {
            Some((_, target)) => Ok(target.clone()),
            None => endpoint(ctx, &self.record.target),
        }
    }
    /// Number of evidence instances.
    async fn weight(&self) -> u64 {
        self.record.weight
    }
    /// Highest confidence among the evidence (0–1).
    async fn confidence(&self) -> f64 {
        stored_float(self.record.confidence)
    }
    /// Date of the earliest document stating it.
    async fn first_seen(&self) -> Option<&str> {
        self.record.first_seen.as_deref()
    }
    /// Date of the latest document stating it.
    async fn last_seen(&self) -> Option<&str> {
        self.record.last_seen.as_deref()
    }
    /// The sentences that state it: by document, in the order of the text; `from` and
    /// `to` keep the documents dated within.
    #[allow(clippy::too_many_arguments)]
    async fn evidence(
        &self,
        ctx: &Context<'_>,
        from: Option<String>,
        to: Option<String>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<Page<Evidence>> {
        let args = PageArgs::new(first, after, last, before, EVIDENCE_PAGE)?;
        let dates = date_range(from, to)?;
        let store = kg(ctx)?.store();
        let evidence = dated_within(store, store.evidence_placed(&self.record.id).map_err(internal)?, &dates)?;
        let (start, end) = args.range(&|i| place_key(&evidence[i].0), evidence.len())?;
        charge(ctx, end - start, 0)?;
        let page = &evidence[start..end];
        let docs = load_documents(store, page.iter().map(|(_, ev)| ev.document.as_str()))?;
        let relation: Arc<str> = Arc::from(self.record.id.as_str());
        let page = page
            .iter()
            .zip(docs)
            .map(|((place, ev), doc)| Evidence {
                doc,
                relation: relation.clone(),
                place: place.clone(),
                ev: ev.clone(),
            })
            .collect();
        Ok(connection(page, start, evidence.len()))
    }
}

impl Keyed for Entity {
    const CONNECTION: &'static str = "EntityConnection";
    const EDGE: &'static str = "EntityEdge";
    fn key(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.0.id)
    }
}

impl Keyed for Relation {
    const CONNECTION: &'static str = "RelationConnection";
    const EDGE: &'static str = "RelationEdge";
    fn key(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.record.id)
    }
}

impl Keyed for Document {
    const CONNECTION: &'static str = "DocumentConnection";
    const EDGE: &'static str = "DocumentEdge";
    fn key(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.0.document.id)
    }
}

impl Keyed for Mention {
    const CONNECTION: &'static str = "MentionConnection";
    const EDGE: &'static str = "MentionEdge";
    fn key(&self) -> Cow<'_, str> {
        place_key(&self.place)
    }
}

impl Keyed for Quote {
    const CONNECTION: &'static str = "QuoteConnection";
    const EDGE: &'static str = "QuoteEdge";
    fn key(&self) -> Cow<'_, str> {
        place_key(&self.place)
    }
}

impl Keyed for Evidence {
    const CONNECTION: &'static str = "EvidenceConnection";
    const EDGE: &'static str = "EvidenceEdge";
    fn key(&self) -> Cow<'_, str> {
        place_key(&self.place)
    }
}

/// The document record of each of a list of evidence or mentions, in order. The lists
/// come by document, so a record is read once per run of the same id (no map to hash into).
pub(crate) fn load_documents<'a>(
    store: &Store,
    ids: impl Iterator<Item = &'a str>,
) -> async_graphql::Result<Vec<Arc<DocumentRecord>>> {
    let mut docs: Vec<Arc<DocumentRecord>> = Vec::new();
    for id in ids {
        let doc = match docs.last() {
            Some(last) if last.document.id == id => last.clone(),
            _ => store
                .document(id)
                .map_err(internal)?
                .ok_or_else(|| internal(format!("a record names missing document {id}")))?,
        };
        docs.push(doc);
    }
    Ok(docs)
}

fn endpoint(ctx: &Context<'_>, id: &str) -> async_graphql::Result<Entity> {
    kg(ctx)?
        .graph()
        .entity(id)
        .cloned()
        .map(Entity)
        .ok_or_else(|| error(ErrorCode::NotFound, format!("entity {id} is gone")))
}

/// A sentence's text, counted into the answer's bytes.
fn sentence_text(ctx: &Context<'_>, doc: &DocumentRecord, index: usize) -> async_graphql::Result<String> {
    let span = doc.sentences.get(index).map_or(Span { start: 0, end: 0 }, |s| Span { start: s.start, end: s.end });
    span_text(ctx, doc, span)
}

/// A stretch of a document's text, counted into the answer's bytes.
fn span_text(ctx: &Context<'_>, doc: &DocumentRecord, span: Span) -> async_graphql::Result<String> {
    let text = doc.document.text.get(span.start..span.end).unwrap_or_default();
    charge(ctx, 0, text.len())?;
    Ok(text.to_string())
}

/// One place in one document that states a relation.
pub struct Evidence {
    pub(crate) ev: model::Evidence,
    pub(crate) doc: Arc<DocumentRecord>,
    /// The relation it states.
    pub(crate) relation: Arc<str>,
    pub(crate) place: Place,
}

/// One place in one document that states a relation.
#[Object(serial)]
impl Evidence {
    /// Stable opaque id, for `node(id:)`.
    pub(crate) async fn id(&self) -> ID {
        ID(node::evidence_id(&self.relation, &self.place))
    }
    /// The relation it states.
    async fn relation(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Relation>> {
        let graph = kg(ctx)?.graph();
        Ok(graph.relation(&self.relation).map(|r| Relation::with_ends(&graph, r)))
    }
    /// The document it is in.
    async fn document(&self) -> Document {
        Document(self.doc.clone())
    }
    /// Index of the sentence in the document (from 0).
    async fn sentence_index(&self) -> usize {
        self.ev.sentence
    }
    /// The whole sentence the relation was found in.
    async fn sentence(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        sentence_text(ctx, &self.doc, self.ev.sentence)
    }
    /// The stretch of text that states the relation.
    async fn text(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        span_text(ctx, &self.doc, self.ev.span)
    }
    /// Byte offset in the document text.
    async fn start(&self) -> usize {
        self.ev.span.start
    }
    /// Byte offset in the document text where the stretch ends (exclusive).
    async fn end(&self) -> usize {
        self.ev.span.end
    }
    /// How sure the extractor was, 0..1.
    async fn confidence(&self) -> f64 {
        stored_float(self.ev.confidence)
    }
    /// The rule or model that found it.
    async fn extractor(&self) -> &str {
        self.ev.extractor.as_str()
    }
}

/// One place in a document that names or refers to an entity.
pub struct Mention {
    pub(crate) m: model::StoredMention,
    pub(crate) doc: Arc<DocumentRecord>,
    pub(crate) place: Place,
}

/// One place in a document that names or refers to an entity.
#[Object(serial)]
impl Mention {
    /// Stable opaque id, for `node(id:)`.
    pub(crate) async fn id(&self) -> ID {
        ID(node::mention_id(&self.m.entity, &self.place))
    }
    /// The entity it names (the one it was merged into, if a curator merged it).
    async fn entity(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Entity>> {
        let graph = kg(ctx)?.graph();
        Ok(graph.entity(graph.current_id(&self.m.entity)).cloned().map(Entity))
    }
    /// The words as written ("Aboutaleb", "de burgemeester", "hij").
    async fn text(&self) -> &str {
        &self.m.text
    }
    /// The document it is in.
    async fn document(&self) -> Document {
        Document(self.doc.clone())
    }
    /// Index of the sentence in the document (from 0).
    async fn sentence_index(&self) -> usize {
        self.m.sentence
    }
    /// The whole sentence.
    async fn sentence(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        sentence_text(ctx, &self.doc, self.m.sentence)
    }
    /// Byte offset in the document text.
    async fn start(&self) -> usize {
        self.m.span.start
    }
    /// Byte offset where it ends (exclusive).
    async fn end(&self) -> usize {
        self.m.span.end
    }
    /// How sure the extractor was, 0..1.
    async fn confidence(&self) -> f64 {
        stored_float(self.m.confidence)
    }
    /// How it was found: ner, rule:…, coref:….
    async fn source(&self) -> &str {
        self.m.source.as_str()
    }
}

/// Something said, as quoted in a document, with who said it (if found) and whom it names.
pub struct Quote {
    pub(crate) q: model::StoredQuote,
    pub(crate) place: Place,
}

/// Something said, as quoted in a document, with who said it (if found) and whom it names.
#[Object(serial)]
impl Quote {
    /// Stable opaque id, for `node(id:)`.
    pub(crate) async fn id(&self) -> ID {
        ID(node::quote_id(&self.place))
    }
    /// The quoted words.
    async fn text(&self, ctx: &Context<'_>) -> async_graphql::Result<&str> {
        charge(ctx, 0, self.q.text.len())?;
        Ok(&self.q.text)
    }
    /// Who said it, if the extractor found out.
    async fn speaker(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Entity>> {
        let graph = kg(ctx)?.graph();
        Ok(self.q.speaker.as_ref().and_then(|s| graph.entity(s).cloned()).map(Entity))
    }
    /// Entities named inside the quote.
    async fn about(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Entity>> {
        let graph = kg(ctx)?.graph();
        entities(ctx, self.q.about.iter().filter_map(|id| graph.entity(id)))
    }
    /// The document it is quoted in.
    async fn document(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Document>> {
        Ok(kg(ctx)?.store().document(&self.q.document).map_err(internal)?.map(Document))
    }
    /// Byte offset in the document text.
    async fn start(&self) -> usize {
        self.q.span.start
    }
    /// Byte offset where it ends (exclusive).
    async fn end(&self) -> usize {
        self.q.span.end
    }
    /// How the speaker was found.
    async fn extractor(&self) -> &str {
        self.q.extractor.as_str()
    }
    /// `direct` (in quote marks) or `reported` ("X zei dat …", "volgens X …").
    async fn kind(&self) -> &str {
        self.q.kind.as_str()
    }
}

/// Shared, because evidence and mentions of one document all point at the same record.
pub struct Document(pub Arc<DocumentRecord>);

/// Shared, because evidence and mentions of one document all point at the same record.
#[Object(serial)]
impl Document {
    /// Content hash of the normalised text; `node(id:)` takes it too.
    pub(crate) async fn id(&self) -> ID {
        ID(self.0.document.id.clone())
    }
    /// The id the source gave it (JSONL `id`), if any.
    async fn external_id(&self) -> Option<&str> {
        self.0.document.external_id.as_deref()
    }
    /// Title, if the source gave one.
    async fn title(&self) -> Option<&str> {
        self.0.document.title.as_deref()
    }
    /// Publication date: YYYY, YYYY-MM or YYYY-MM-DD (ISO 8601).
    async fn date(&self) -> Option<&str> {
        self.0.document.date.as_deref()
    }
    /// URL or file it came from.
    async fn source(&self) -> Option<&str> {
        self.0.document.source.as_deref()
    }
    /// Language code ("nl").
    async fn language(&self) -> &str {
        &self.0.document.language
    }
    /// The normalised text; all byte offsets point into it.
    async fn text(&self, ctx: &Context<'_>) -> async_graphql::Result<&str> {
        charge(ctx, 0, self.0.document.text.len())?;
        Ok(&self.0.document.text)
    }
    /// When it was ingested, seconds since the Unix epoch.
    async fn ingested_at(&self) -> u64 {
        self.0.document.ingested_at
    }
    /// Number of sentences.
    async fn sentence_count(&self) -> usize {
        self.0.sentences.len()
    }
    /// Number of entity mentions found in it.
    async fn mention_count(&self) -> u64 {
        self.0.mention_count
    }
    /// Entities mentioned in it.
    async fn entities(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Entity>> {
        let graph = kg(ctx)?.graph();
        entities(ctx, self.0.entity_ids.iter().filter_map(|id| graph.entity(id)))
    }
    /// Quotes in it.
    async fn quotes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Quote>> {
        charge(ctx, self.0.quotes.len(), 0)?;
        let place = |n: usize| Place { document: self.0.document.id.clone(), n: n as u32 };
        Ok(self.0.quotes.iter().enumerate().map(|(n, q)| Quote { q: q.clone(), place: place(n) }).collect())
    }
    /// The mentions of entities in it, in the order of the text: highlight them with
    /// `start` and `end`.
    async fn mentions(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<Page<Mention>> {
        let args = PageArgs::new(first, after, last, before, LIST_PAGE)?;
        let store = kg(ctx)?.store();
        let mentions = store.mentions_in(&self.0.document.id, &self.0.entity_ids).map_err(internal)?;
        let page = mentions.into_iter().map(|(place, m)| Mention { m, doc: self.0.clone(), place }).collect();
        args.of(ctx, page)
    }
    /// The relations it states (with evidence in it), by id.
    async fn relations(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<Page<Relation>> {
        let args = PageArgs::new(first, after, last, before, LIST_PAGE)?;
        let graph = kg(ctx)?.graph();
        let relations: Vec<&Arc<RelationRecord>> =
            self.0.relation_ids.iter().filter_map(|id| graph.relation(id)).collect();
        page_of_relations(ctx, &graph, &args, &relations)
    }
}

/// A part of the graph: nodes and the relations between them.
pub struct Subgraph {
    /// The entities, starting with the one asked about.
    nodes: Vec<Arc<EntityRecord>>,
    /// The relations between those entities.
    edges: Vec<Arc<RelationRecord>>,
}

impl From<graph::Subgraph> for Subgraph {
    fn from(s: graph::Subgraph) -> Self {
        Self { nodes: s.nodes, edges: s.edges }
    }
}

/// A part of the graph: nodes and the relations between them.
#[Object(serial)]
impl Subgraph {
    /// The entities, starting with the one asked about.
    async fn nodes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Entity>> {
        entities(ctx, self.nodes.iter())
    }
    /// The relations between those entities.
    async fn edges(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Relation>> {
        charge(ctx, self.edges.len(), 0)?;
        let nodes: HashMap<&str, &Arc<EntityRecord>> = self.nodes.iter().map(|e| (e.id.as_str(), e)).collect();
        Ok(self
            .edges
            .iter()
            .map(|r| {
                let ends = nodes.get(r.source.as_str()).zip(nodes.get(r.target.as_str()));
                // An end outside the nodes is looked up when asked for (and reported if gone).
                let ends = ends.map(|(s, t)| (Entity((*s).clone()), Entity((*t).clone())));
                Relation { record: r.clone(), ends }
            })
            .collect())
    }
}

/// How many entities have a type.
#[derive(SimpleObject)]
#[graphql(serial)]
pub struct TypeCount {
    /// The entity type.
    #[graphql(name = "type")]
    entity_type: EntityType,
    /// Number of entities of that type.
    count: usize,
}

/// How many relations have a type.
#[derive(SimpleObject)]
#[graphql(serial)]
pub struct KindCount {
    /// The relation type.
    #[graphql(name = "type")]
    kind: RelationType,
    /// Number of relations of that type.
    count: usize,
}

/// Counts of what the store and graph hold.
#[derive(SimpleObject)]
#[graphql(serial)]
pub struct Stats {
    /// Documents stored.
    documents: u64,
    /// Entities in the graph.
    entities: usize,
    /// Relations in the graph (each counted once, however much evidence).
    relations: usize,
    /// Entity mentions stored.
    mentions: u64,
    /// Relation instances (evidence) stored.
    evidence: u64,
    /// Entities per type.
    entity_types: Vec<TypeCount>,
    /// Relations per type.
    relation_types: Vec<KindCount>,
}

impl Stats {
    pub fn gather(kg: &Arc<Kennisgraaf>) -> async_graphql::Result<Self> {
        let counts = kg.store().counts().map_err(internal)?;
        let g = kg.graph();
        let (types, kinds) = g.type_counts();
        Ok(Stats {
            documents: counts.documents,
            entities: g.entity_count(),
            relations: g.relation_count(),
            mentions: counts.mentions,
            evidence: counts.evidence,
            entity_types: types.into_iter().map(|(t, count)| TypeCount { entity_type: t.into(), count }).collect(),
            relation_types: kinds.into_iter().map(|(k, count)| KindCount { kind: k.into(), count }).collect(),
        })
    }
}
