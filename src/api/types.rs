//! GraphQL object types: views over model records.

use super::{error, internal, kg, page_size, relation_filter};
use crate::graph::{self, Direction as GraphDirection};
use crate::model::{self, EntityRecord, RelationRecord, Span};
use crate::pipeline::Kennisgraaf;
use crate::store::DocumentRecord;
use async_graphql::{Context, Enum, Object, SimpleObject, ID};
use std::sync::Arc;

/// What kind of thing an entity is.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "model::EntityType")]
pub enum EntityType {
    Person,
    Organization,
    Location,
    Law,
    Event,
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
    MemberOf,
    LocatedIn,
    /// The source is quoted saying something that names the target.
    QuotedAbout,
    /// Subject –verb→ object; the verb lemma is the `predicate`.
    Verb,
    /// Named in the same sentence: weaker than any typed relation.
    CoOccurs,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum Direction {
    Outgoing,
    Incoming,
    Both,
}

/// A Wikidata item an entity is linked to.
#[derive(SimpleObject)]
pub struct WikidataLink {
    /// The QID, e.g. "Q401107".
    pub id: String,
    /// The Dutch label or alias of the item that matched the entity's names.
    pub label: String,
    /// `https://www.wikidata.org/wiki/Q…`
    pub url: String,
    /// How sure the linker was, 0..1.
    pub confidence: f32,
}

pub struct Entity(pub Arc<EntityRecord>);

#[Object]
impl Entity {
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// Canonical name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    #[graphql(name = "type")]
    async fn entity_type(&self) -> EntityType {
        self.0.entity_type.into()
    }
    /// Every surface form seen, most used first.
    async fn aliases(&self) -> Vec<String> {
        let mut a: Vec<(&String, &u64)> = self.0.aliases.iter().collect();
        a.sort_by(|x, y| y.1.cmp(x.1).then_with(|| x.0.cmp(y.0)));
        a.into_iter().map(|(s, _)| s.clone()).collect()
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
            confidence: w.confidence,
        })
    }
    /// Role nouns stated for it ("burgemeester").
    async fn roles(&self) -> Vec<String> {
        self.0.roles.keys().cloned().collect()
    }
    async fn mention_count(&self) -> u64 {
        self.0.mention_count
    }
    async fn document_count(&self) -> u64 {
        self.0.document_count
    }
    /// Date of the earliest document that mentions it.
    async fn first_seen(&self) -> Option<&str> {
        self.0.first_seen.as_deref()
    }
    async fn last_seen(&self) -> Option<&str> {
        self.0.last_seen.as_deref()
    }
    /// Number of relations, both directions.
    async fn degree(&self, ctx: &Context<'_>) -> usize {
        kg(ctx).graph().degree(&self.0.id)
    }
    /// Relations of this entity, heaviest first.
    async fn relations(
        &self,
        ctx: &Context<'_>,
        #[graphql(default_with = "Direction::Both")] direction: Direction,
        types: Option<Vec<RelationType>>,
        #[graphql(default = 20)] first: i32,
    ) -> async_graphql::Result<Vec<Relation>> {
        let n = page_size(Some(first))?;
        let d = match direction {
            Direction::Outgoing => GraphDirection::Outgoing,
            Direction::Incoming => GraphDirection::Incoming,
            Direction::Both => GraphDirection::Both,
        };
        Ok(kg(ctx)
            .graph()
            .relations_of(&self.0.id, d, &relation_filter(types, None))
            .into_iter()
            .take(n)
            .cloned()
            .map(Relation)
            .collect())
    }
    /// Entities one relation away.
    async fn neighbors(
        &self,
        ctx: &Context<'_>,
        types: Option<Vec<RelationType>>,
        #[graphql(default = 20)] first: i32,
    ) -> async_graphql::Result<Vec<Entity>> {
        let n = page_size(Some(first))?;
        Ok(kg(ctx)
            .graph()
            .neighbors(&self.0.id, &relation_filter(types, None))
            .into_iter()
            .take(n)
            .cloned()
            .map(Entity)
            .collect())
    }
    /// Where it is mentioned, in document order.
    async fn mentions(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: i32,
    ) -> async_graphql::Result<Vec<Mention>> {
        let n = page_size(Some(first))?;
        let store = kg(ctx).store();
        let mentions = store.mentions_of(&self.0.id).take(n).collect::<Result<Vec<_>, _>>().map_err(internal)?;
        let docs = load_documents(store, mentions.iter().map(|m| m.document.as_str()))?;
        Ok(mentions.into_iter().map(|m| Mention { doc: docs[&m.document].clone(), m }).collect())
    }
    /// What it is quoted saying.
    async fn quotes(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: i32,
    ) -> async_graphql::Result<Vec<Quote>> {
        let n = page_size(Some(first))?;
        Ok(kg(ctx).store().quotes_of(&self.0.id).map_err(internal)?.into_iter().take(n).map(Quote).collect())
    }
}

pub struct Relation(pub RelationRecord);

#[Object]
impl Relation {
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    #[graphql(name = "type")]
    async fn kind(&self) -> RelationType {
        self.0.kind.into()
    }
    /// Role noun for HOLDS_ROLE, verb lemma for VERB, empty otherwise.
    async fn predicate(&self) -> &str {
        &self.0.predicate
    }
    async fn source(&self, ctx: &Context<'_>) -> async_graphql::Result<Entity> {
        endpoint(ctx, &self.0.source)
    }
    async fn target(&self, ctx: &Context<'_>) -> async_graphql::Result<Entity> {
        endpoint(ctx, &self.0.target)
    }
    /// Number of evidence instances.
    async fn weight(&self) -> u64 {
        self.0.weight
    }
    /// Highest confidence among the evidence (0–1).
    async fn confidence(&self) -> f32 {
        self.0.confidence
    }
    async fn first_seen(&self) -> Option<&str> {
        self.0.first_seen.as_deref()
    }
    async fn last_seen(&self) -> Option<&str> {
        self.0.last_seen.as_deref()
    }
    /// The sentences that state it.
    async fn evidence(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 10)] first: i32,
    ) -> async_graphql::Result<Vec<Evidence>> {
        let n = page_size(Some(first))?;
        let store = kg(ctx).store();
        let evidence = store.evidence_of(&self.0.id).take(n).collect::<Result<Vec<_>, _>>().map_err(internal)?;
        let docs = load_documents(store, evidence.iter().map(|ev| ev.document.as_str()))?;
        Ok(evidence.into_iter().map(|ev| Evidence { doc: docs[&ev.document].clone(), ev }).collect())
    }
}

/// Each document record named by a list of evidence or mentions, read once (they repeat).
fn load_documents<'a>(
    store: &crate::store::Store,
    ids: impl Iterator<Item = &'a str>,
) -> async_graphql::Result<std::collections::HashMap<String, Arc<DocumentRecord>>> {
    let mut docs = std::collections::HashMap::new();
    for id in ids {
        if !docs.contains_key(id) {
            let doc = store
                .document(id)
                .map_err(internal)?
                .ok_or_else(|| internal(format!("a record names missing document {id}")))?;
            docs.insert(id.to_string(), Arc::new(doc));
        }
    }
    Ok(docs)
}

fn endpoint(ctx: &Context<'_>, id: &str) -> async_graphql::Result<Entity> {
    kg(ctx).graph().entity(id).cloned().map(Entity).ok_or_else(|| error("NOT_FOUND", format!("entity {id} is gone")))
}

fn sentence_text(doc: &DocumentRecord, index: usize) -> String {
    doc.sentences.get(index).and_then(|s| doc.document.text.get(s.start..s.end)).unwrap_or_default().to_string()
}

fn span_text(doc: &DocumentRecord, span: Span) -> String {
    doc.document.text.get(span.start..span.end).unwrap_or_default().to_string()
}

pub struct Evidence {
    ev: model::Evidence,
    doc: Arc<DocumentRecord>,
}

#[Object]
impl Evidence {
    async fn document(&self) -> Document {
        Document(self.doc.clone())
    }
    async fn sentence_index(&self) -> usize {
        self.ev.sentence
    }
    /// The whole sentence the relation was found in.
    async fn sentence(&self) -> String {
        sentence_text(&self.doc, self.ev.sentence)
    }
    /// The stretch of text that states the relation.
    async fn text(&self) -> String {
        span_text(&self.doc, self.ev.span)
    }
    /// Byte offset in the document text.
    async fn start(&self) -> usize {
        self.ev.span.start
    }
    async fn end(&self) -> usize {
        self.ev.span.end
    }
    async fn confidence(&self) -> f32 {
        self.ev.confidence
    }
    /// The rule or model that found it.
    async fn extractor(&self) -> &str {
        &self.ev.extractor
    }
}

pub struct Mention {
    m: model::StoredMention,
    doc: Arc<DocumentRecord>,
}

#[Object]
impl Mention {
    async fn text(&self) -> &str {
        &self.m.text
    }
    async fn document(&self) -> Document {
        Document(self.doc.clone())
    }
    async fn sentence_index(&self) -> usize {
        self.m.sentence
    }
    async fn sentence(&self) -> String {
        sentence_text(&self.doc, self.m.sentence)
    }
    async fn start(&self) -> usize {
        self.m.span.start
    }
    async fn end(&self) -> usize {
        self.m.span.end
    }
    async fn confidence(&self) -> f32 {
        self.m.confidence
    }
    /// How it was found: ner, rule:…, coref:….
    async fn source(&self) -> &str {
        &self.m.source
    }
}

pub struct Quote(model::StoredQuote);

#[Object]
impl Quote {
    async fn text(&self) -> &str {
        &self.0.text
    }
    async fn speaker(&self, ctx: &Context<'_>) -> Option<Entity> {
        self.0.speaker.as_ref().and_then(|s| kg(ctx).graph().entity(s).cloned()).map(Entity)
    }
    /// Entities named inside the quote.
    async fn about(&self, ctx: &Context<'_>) -> Vec<Entity> {
        let g = kg(ctx).graph();
        self.0.about.iter().filter_map(|id| g.entity(id).cloned()).map(Entity).collect()
    }
    async fn document(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Document>> {
        Ok(kg(ctx).store().document(&self.0.document).map_err(internal)?.map(Document::from))
    }
    async fn start(&self) -> usize {
        self.0.span.start
    }
    async fn end(&self) -> usize {
        self.0.span.end
    }
    /// How the speaker was found.
    async fn extractor(&self) -> &str {
        &self.0.extractor
    }
}

/// Shared, because evidence and mentions of one document all point at the same record.
pub struct Document(pub Arc<DocumentRecord>);

impl From<DocumentRecord> for Document {
    fn from(record: DocumentRecord) -> Self {
        Document(Arc::new(record))
    }
}

#[Object]
impl Document {
    /// Content hash of the normalised text.
    async fn id(&self) -> ID {
        ID(self.0.document.id.clone())
    }
    async fn external_id(&self) -> Option<&str> {
        self.0.document.external_id.as_deref()
    }
    async fn title(&self) -> Option<&str> {
        self.0.document.title.as_deref()
    }
    async fn date(&self) -> Option<&str> {
        self.0.document.date.as_deref()
    }
    /// URL or file it came from.
    async fn source(&self) -> Option<&str> {
        self.0.document.source.as_deref()
    }
    async fn language(&self) -> &str {
        &self.0.document.language
    }
    async fn text(&self) -> &str {
        &self.0.document.text
    }
    /// When it was ingested, seconds since the Unix epoch.
    async fn ingested_at(&self) -> u64 {
        self.0.document.ingested_at
    }
    async fn sentence_count(&self) -> usize {
        self.0.sentences.len()
    }
    async fn mention_count(&self) -> u64 {
        self.0.mention_count
    }
    /// Entities mentioned in it.
    async fn entities(&self, ctx: &Context<'_>) -> Vec<Entity> {
        let g = kg(ctx).graph();
        self.0.entity_ids.iter().filter_map(|id| g.entity(id).cloned()).map(Entity).collect()
    }
    /// Quotes in it.
    async fn quotes(&self) -> Vec<Quote> {
        self.0.quotes.iter().cloned().map(Quote).collect()
    }
}

/// A part of the graph: nodes and the relations between them.
pub struct Subgraph {
    nodes: Vec<Arc<EntityRecord>>,
    edges: Vec<RelationRecord>,
}

impl From<graph::Subgraph> for Subgraph {
    fn from(s: graph::Subgraph) -> Self {
        Self { nodes: s.nodes, edges: s.edges }
    }
}

#[Object]
impl Subgraph {
    async fn nodes(&self) -> Vec<Entity> {
        self.nodes.iter().cloned().map(Entity).collect()
    }
    async fn edges(&self) -> Vec<Relation> {
        self.edges.iter().cloned().map(Relation).collect()
    }
}

#[derive(SimpleObject)]
pub struct TypeCount {
    #[graphql(name = "type")]
    entity_type: EntityType,
    count: usize,
}

#[derive(SimpleObject)]
pub struct KindCount {
    #[graphql(name = "type")]
    kind: RelationType,
    count: usize,
}

#[derive(SimpleObject)]
pub struct Stats {
    documents: u64,
    entities: usize,
    relations: usize,
    mentions: u64,
    evidence: u64,
    entity_types: Vec<TypeCount>,
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
