//! Stage 6: the GraphQL API. Only this module knows async-graphql. GraphQL types are
//! thin views over the model (`EntityRecord`, `RelationRecord`, …), reading the graph
//! for structure and the store for text (documents, mentions, evidence).
//!
//! Errors carry `extensions.code`: NOT_FOUND, BAD_INPUT, LIMIT_EXCEEDED,
//! UNAUTHENTICATED, STORE_UNAVAILABLE (a write failed, e.g. a full disk; the message says
//! what to do), INTERNAL (details of internal failures go to the log, not the client).

mod curation;
mod live;
mod plain;
mod queries;
mod types;

use crate::graph::{EntityFilter, Graph, RelationFilter};
use crate::ingest::RawDocument;
use crate::model;
use crate::pipeline::Kennisgraaf;
use async_graphql::connection::{Connection, Edge, EmptyFields};
use async_graphql::Value::Null;
use async_graphql::{Context, ErrorExtensions, InputObject, MergedObject, Object, Schema, SimpleObject, ID};
use curation::{CurationMutation, CurationQuery};
pub use live::Subscription;
use plain::{Arguments, PlainField, PlainList, PlainObject};
pub use queries::{Answer, Executor};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
pub use types::{Document, Entity, EntityType, Relation, RelationType, Subgraph};
use types::{EntityView, RelationView};

/// Largest page a client may ask for.
pub const MAX_PAGE_SIZE: usize = 100;
pub const MAX_DEPTH: usize = 16;
pub const MAX_COMPLEXITY: usize = 5_000;
/// Most list items (entities, relations, mentions, quotes, evidence) in one answer. Lists
/// nest — the relations of the sources of the relations of an entity — so without a limit
/// a short query could ask for billions: the depth and complexity limits count fields, not
/// items.
pub const MAX_ANSWER_ITEMS: usize = 20_000;

/// How many more list items a request's answer may hold: request data, put in by
/// `Executor::execute`. (A request without it, a subscription's, has a budget per list.)
pub(crate) struct AnswerBudget(AtomicUsize);

impl AnswerBudget {
    fn new() -> Self {
        Self(AtomicUsize::new(MAX_ANSWER_ITEMS))
    }

    /// The items the answer may still hold.
    pub(crate) fn left(ctx: &Context<'_>) -> usize {
        ctx.data_opt::<AnswerBudget>().map_or(MAX_ANSWER_ITEMS, |budget| budget.0.load(Ordering::Relaxed))
    }

    /// Count `n` more items into the answer: LIMIT_EXCEEDED past the limit.
    pub(crate) fn charge(ctx: &Context<'_>, n: usize) -> async_graphql::Result<()> {
        let charged = match ctx.data_opt::<AnswerBudget>() {
            Some(budget) => {
                budget.0.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| left.checked_sub(n)).is_ok()
            }
            None => n <= MAX_ANSWER_ITEMS,
        };
        if charged {
            Ok(())
        } else {
            Err(Self::exceeded())
        }
    }

    pub(crate) fn exceeded() -> async_graphql::Error {
        let message = format!(
            "the answer would hold more than {MAX_ANSWER_ITEMS} list items (entities, relations, mentions, …); \
             ask for smaller pages (`first`) or nest fewer lists"
        );
        error("LIMIT_EXCEEDED", message)
    }
}

/// The root query: reading the graph, and the curation log.
#[derive(MergedObject, Default)]
pub struct Query(GraphQuery, CurationQuery);

/// The root mutation: ingesting documents, and curation. All need `Authorization: Bearer <token>`.
#[derive(MergedObject, Default)]
pub struct Mutation(IngestMutation, CurationMutation);

pub type KgSchema = Schema<Query, Mutation, Subscription>;

/// Who is calling, as established by the HTTP layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    /// The server was started without a token: mutations are off.
    NoTokenConfigured,
    Anonymous,
    Authorised,
}

/// The schema, validating requests in `mode` (see `queries` for when fast validation is
/// enough).
fn schema_with(kg: Arc<Kennisgraaf>, mode: async_graphql::ValidationMode) -> KgSchema {
    Schema::build(Query::default(), Mutation::default(), Subscription)
        .data(kg)
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
        .validation_mode(mode)
        .finish()
}

/// The schema's SDL, as committed in `schema.graphql`.
pub fn sdl() -> String {
    Schema::build(Query::default(), Mutation::default(), Subscription).finish().sdl()
}

pub(crate) fn error(code: &'static str, message: impl Into<String>) -> async_graphql::Error {
    async_graphql::Error::new(message).extend_with(|_, e| e.set("code", code))
}

/// A LIMIT_EXCEEDED error outside any resolver (e.g. the HTTP layer's time limit).
pub fn limit_error(message: String) -> async_graphql::ServerError {
    let mut e = async_graphql::ServerError::new(message, None);
    let mut ext = async_graphql::ErrorExtensionValues::default();
    ext.set("code", "LIMIT_EXCEEDED");
    e.extensions = Some(ext);
    e
}

pub(crate) fn internal(e: impl std::fmt::Display) -> async_graphql::Error {
    tracing::error!(error = %e, "request failed");
    error("INTERNAL", "internal error; the server log has details")
}

/// A failed store call: STORE_UNAVAILABLE while the store cannot be written, else INTERNAL.
pub(crate) fn store_error(e: crate::store::StoreError) -> async_graphql::Error {
    match e {
        crate::store::StoreError::Unavailable { .. } => error("STORE_UNAVAILABLE", e.to_string()),
        other => internal(other),
    }
}

pub(crate) fn kg<'a>(ctx: &Context<'a>) -> &'a Arc<Kennisgraaf> {
    ctx.data_unchecked::<Arc<Kennisgraaf>>()
}

fn page_size(first: Option<i32>) -> async_graphql::Result<usize> {
    match first {
        None => Ok(20),
        Some(n) if n < 0 => Err(error("BAD_INPUT", "`first` must not be negative")),
        Some(n) if n as usize > MAX_PAGE_SIZE => {
            Err(error("LIMIT_EXCEEDED", format!("`first` is {n}; the page size limit is {MAX_PAGE_SIZE}")))
        }
        Some(n) => Ok(n as usize),
    }
}

/// Cursors name the item they follow (its id, opaque to clients), so a cursor stays
/// valid across ingests that grow or reorder the list: the next page starts right after
/// that item in the current order.
fn paginate<T: async_graphql::OutputType>(
    items: Vec<T>,
    id: impl Fn(&T) -> &str,
    first: Option<i32>,
    after: Option<String>,
) -> async_graphql::Result<Connection<String, T, ConnectionFields>> {
    let size = page_size(first)?;
    let start = match after {
        None => 0,
        Some(c) => {
            let key = c
                .strip_prefix("k:")
                .ok_or_else(|| error("BAD_INPUT", format!("cursor {c:?} is not one this API gave out")))?;
            items.iter().position(|x| id(x) == key).map(|i| i + 1).ok_or_else(|| {
                error(
                    "NOT_FOUND",
                    format!("cursor {c:?} follows an item no longer in this list; start again without `after`"),
                )
            })?
        }
    };
    let total = items.len();
    let mut conn =
        Connection::with_additional_fields(start > 0, start + size < total, ConnectionFields { total_count: total });
    conn.edges.extend(items.into_iter().skip(start).take(size).map(|item| Edge::new(format!("k:{}", id(&item)), item)));
    Ok(conn)
}

#[derive(SimpleObject)]
#[graphql(serial)]
pub struct ConnectionFields {
    /// Number of items across all pages.
    total_count: usize,
}

fn relation_filter(types: Option<Vec<RelationType>>, min_weight: Option<i32>) -> RelationFilter {
    RelationFilter {
        kinds: types.map(|t| t.into_iter().map(model::RelationKind::from).collect()),
        min_weight: min_weight.unwrap_or(0).max(0) as u64,
    }
}

#[derive(Default)]
pub struct GraphQuery;

/// Reading the knowledge graph.
#[Object]
impl GraphQuery {
    /// One entity by id; an id merged away by curation answers with the entity it is part of now.
    async fn entity(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Entity>> {
        let graph = kg(ctx).graph();
        Ok(graph.entity(graph.current_id(&id)).cloned().map(Entity))
    }

    /// Entities, most mentioned first; filter by type, by a name fragment and by
    /// Wikidata QID ("Q401107").
    async fn entities(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "type")] entity_type: Option<EntityType>,
        name: Option<String>,
        wikidata_id: Option<String>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, Entity, ConnectionFields, EmptyFields>> {
        let filter = EntityFilter { entity_type: entity_type.map(Into::into), name, wikidata_id };
        let items: Vec<Entity> = kg(ctx).graph().entities(&filter).into_iter().cloned().map(Entity).collect();
        paginate(items, |e| e.0.id.as_str(), first, after)
    }

    /// Search names and aliases: case- and accent-insensitive, by prefix of the name or of a word in it.
    async fn search(
        &self,
        ctx: &Context<'_>,
        text: String,
        #[graphql(default_with = "SEARCH_PAGE")] first: i32,
    ) -> async_graphql::Result<PlainList<Entity>> {
        let graph = kg(ctx).graph();
        let views = search_hits(&graph, &text, first)?;
        PlainList::answer(ctx, &graph, &views)
    }

    /// One relation by id.
    async fn relation(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Relation>> {
        let graph = kg(ctx).graph();
        Ok(graph.relation(&id).map(|r| Relation::with_ends(&graph, r)))
    }

    /// Relations, heaviest first.
    async fn relations(
        &self,
        ctx: &Context<'_>,
        types: Option<Vec<RelationType>>,
        min_weight: Option<i32>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, Relation, ConnectionFields, EmptyFields>> {
        let filter = relation_filter(types, min_weight);
        let items: Vec<Relation> = kg(ctx).graph().relations(&filter).into_iter().cloned().map(Relation::new).collect();
        paginate(items, Relation::record_id, first, after)
    }

    /// One document by id (its content hash).
    async fn document(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Document>> {
        Ok(kg(ctx).store().document(&id).map_err(internal)?.map(Document::from))
    }

    /// Documents, newest first (by date, then id).
    async fn documents(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, Document, ConnectionFields, EmptyFields>> {
        let mut docs = kg(ctx).store().documents().collect::<Result<Vec<_>, _>>().map_err(internal)?;
        docs.sort_by(|a, b| b.document.date.cmp(&a.document.date).then_with(|| a.document.id.cmp(&b.document.id)));
        paginate(docs.into_iter().map(Document::from).collect(), |d| d.0.document.id.as_str(), first, after)
    }

    /// The entities within `depth` hops of an entity and the relations between them.
    async fn neighborhood(
        &self,
        ctx: &Context<'_>,
        id: ID,
        #[graphql(default_with = "NEIGHBORHOOD_DEPTH")] depth: i32,
        #[graphql(default_with = "NEIGHBORHOOD_LIMIT")] limit: i32,
        types: Option<Vec<RelationType>>,
        min_weight: Option<i32>,
    ) -> async_graphql::Result<Subgraph> {
        neighborhood_of(&kg(ctx).graph(), &id, depth, limit, types, min_weight)
    }

    /// The fewest-hop chain of relations between two entities (direction ignored); null when unconnected.
    async fn shortest_path(
        &self,
        ctx: &Context<'_>,
        from: ID,
        to: ID,
        types: Option<Vec<RelationType>>,
    ) -> async_graphql::Result<Option<PlainList<Relation>>> {
        let graph = kg(ctx).graph();
        let path = path_between(&graph, &from, &to, types)?;
        path.map(|views| PlainList::answer(ctx, &graph, &views)).transpose()
    }

    /// Counts of what the graph holds.
    async fn stats(&self, ctx: &Context<'_>) -> async_graphql::Result<types::Stats> {
        types::Stats::gather(kg(ctx))
    }
}

/// The page size of `search` when `first` is left out.
const SEARCH_PAGE: i32 = 10;
/// `neighborhood`'s depth and size when left out.
const NEIGHBORHOOD_DEPTH: i32 = 1;
const NEIGHBORHOOD_LIMIT: i32 = 50;

/// `search`'s hits.
fn search_hits<'g>(graph: &'g Graph, text: &str, first: i32) -> async_graphql::Result<Vec<EntityView<'g>>> {
    let n = page_size(Some(first))?;
    Ok(graph.search(text, n).into_iter().map(EntityView).collect())
}

/// `neighborhood`'s subgraph.
fn neighborhood_of(
    graph: &Graph,
    id: &str,
    depth: i32,
    limit: i32,
    types: Option<Vec<RelationType>>,
    min_weight: Option<i32>,
) -> async_graphql::Result<Subgraph> {
    if !(0..=4).contains(&depth) {
        return Err(error("LIMIT_EXCEEDED", format!("depth is {depth}; allowed 0 to 4")));
    }
    if !(1..=500).contains(&limit) {
        return Err(error("LIMIT_EXCEEDED", format!("limit is {limit}; allowed 1 to 500")));
    }
    let id = graph.current_id(id);
    if graph.entity(id).is_none() {
        return Err(error("NOT_FOUND", format!("no entity with id {id:?}")));
    }
    Ok(Subgraph::from(graph.neighborhood(id, depth as usize, limit as usize, &relation_filter(types, min_weight))))
}

/// `shortestPath`'s relations; `None` when the two are not connected.
fn path_between<'g>(
    graph: &'g Graph,
    from: &str,
    to: &str,
    types: Option<Vec<RelationType>>,
) -> async_graphql::Result<Option<Vec<RelationView<'g>>>> {
    let (from, to) = (graph.current_id(from), graph.current_id(to));
    for id in [from, to] {
        if graph.entity(id).is_none() {
            return Err(error("NOT_FOUND", format!("no entity with id {id:?}")));
        }
    }
    let path = graph.shortest_path(from, to, &relation_filter(types, None));
    Ok(path.map(|p| p.into_iter().map(|r| RelationView::new(graph, r)).collect()))
}

/// The root query's fields that need no context, as `GraphQuery`'s resolvers answer them
/// (`plain::answer_directly`).
pub struct QueryRoot;

impl PlainObject for QueryRoot {
    fn type_name(&self) -> &'static str {
        "Query"
    }

    fn plain_field<'s>(&'s self, graph: &'s Graph, name: &str, args: &Arguments) -> Option<PlainField<'s>> {
        match name {
            "entity" => {
                let id: ID = args.get("id")?;
                Some(PlainField::made(graph.entity(graph.current_id(&id)).map(EntityView)))
            }
            "relation" => {
                let id: ID = args.get("id")?;
                Some(PlainField::made(graph.relation(&id).map(|r| RelationView::new(graph, r))))
            }
            "search" => {
                let text: String = args.get("text")?;
                search_hits(graph, &text, args.get_or("first", SEARCH_PAGE)?).ok().map(PlainField::list)
            }
            "neighborhood" => {
                let id: ID = args.get("id")?;
                let (depth, limit) =
                    (args.get_or("depth", NEIGHBORHOOD_DEPTH)?, args.get_or("limit", NEIGHBORHOOD_LIMIT)?);
                let subgraph = neighborhood_of(graph, &id, depth, limit, args.get("types")?, args.get("minWeight")?);
                subgraph.ok().map(|s| PlainField::Made(Box::new(s)))
            }
            "shortestPath" => {
                let (from, to): (ID, ID) = (args.get("from")?, args.get("to")?);
                let path = path_between(graph, &from, &to, args.get("types")?).ok()?;
                Some(path.map_or(PlainField::Value(Null), PlainField::list))
            }
            _ => None,
        }
    }
}

/// A document to ingest.
#[derive(InputObject)]
pub struct DocumentInput {
    /// Your id for it (kept as `externalId`; the document id is the content hash).
    id: Option<String>,
    /// Title, if any.
    title: Option<String>,
    /// YYYY, YYYY-MM or YYYY-MM-DD.
    date: Option<String>,
    /// Where it was published.
    url: Option<String>,
    /// The article text (UTF-8). Header lines `date …`, `title …`, `url …` at the start are read too.
    text: String,
}

/// What an ingest did with each document.
#[derive(SimpleObject)]
#[graphql(serial)]
pub struct IngestResult {
    /// Documents newly stored.
    stored: Vec<ID>,
    /// Documents already in the store (nothing changed).
    unchanged: Vec<ID>,
    /// Documents a curator deleted (see `curations`): not stored again.
    deleted: Vec<ID>,
    /// Inputs refused, with the reason.
    problems: Vec<String>,
}

/// Mutations run only for a caller with the server's token.
pub(crate) fn require_authorised(ctx: &Context<'_>) -> async_graphql::Result<()> {
    match ctx.data_opt::<Caller>().copied().unwrap_or(Caller::Anonymous) {
        Caller::Authorised => Ok(()),
        Caller::NoTokenConfigured => {
            Err(error("UNAUTHENTICATED", "mutations are disabled: start the server with --token or KENNISGRAAF_TOKEN"))
        }
        Caller::Anonymous => Err(error(
            "UNAUTHENTICATED",
            "mutations need the header `Authorization: Bearer <token>` with the server's token",
        )),
    }
}

#[derive(Default)]
pub struct IngestMutation;

/// Changing the knowledge graph; needs `Authorization: Bearer <token>`.
#[Object]
impl IngestMutation {
    /// Extract and store documents (a document a curator deleted is not stored again).
    /// Requires `Authorization: Bearer <token>`.
    async fn ingest(&self, ctx: &Context<'_>, documents: Vec<DocumentInput>) -> async_graphql::Result<IngestResult> {
        require_authorised(ctx)?;
        if documents.len() > MAX_PAGE_SIZE {
            return Err(error(
                "LIMIT_EXCEEDED",
                format!("{} documents in one request; the limit is {MAX_PAGE_SIZE}", documents.len()),
            ));
        }
        let raws: Vec<RawDocument> = documents
            .into_iter()
            .enumerate()
            .map(|(i, d)| RawDocument {
                id: d.id,
                title: d.title,
                date: d.date,
                url: d.url,
                text: d.text,
                origin: format!("documents[{i}]"),
            })
            .collect();
        let kg = kg(ctx).clone();
        let report = tokio::task::spawn_blocking(move || kg.ingest(raws, || {}))
            .await
            .map_err(internal)?
            .map_err(store_error)?;
        Ok(IngestResult {
            stored: report.stored.into_iter().map(ID).collect(),
            unchanged: report.unchanged.into_iter().map(ID).collect(),
            deleted: report.deleted.into_iter().map(ID).collect(),
            problems: report.problems,
        })
    }
}
