//! Stage 6: the GraphQL API. Only this module knows async-graphql. GraphQL types are
//! thin views over the model (`EntityRecord`, `RelationRecord`, …), reading the graph
//! for structure and the store for text (documents, mentions, evidence).
//!
//! Errors carry `extensions.code`: NOT_FOUND, BAD_INPUT, LIMIT_EXCEEDED,
//! UNAUTHENTICATED, STORE_UNAVAILABLE (a write failed, e.g. a full disk; the message says
//! what to do), INTERNAL (details of internal failures go to the log, not the client).

mod curation;
mod executor;
mod limits;
mod literals;
mod live;
mod node;
mod paging;
mod types;

use crate::graph::{DateRange, EntityFilter, Graph, RelationFilter};
use crate::ingest::RawDocument;
use crate::model;
use crate::pipeline::Kennisgraaf;
use async_graphql::{Context, ErrorExtensions, InputObject, MergedObject, Object, Schema, SimpleObject, ID};
use curation::{CurationMutation, CurationQuery};
pub use executor::{Answer, Executor, Prepared};
use limits::RequestBudget;
pub use limits::{Limit, Limits};
pub use live::Subscription;
use node::Node;
use paging::{Page, PageArgs};
use std::sync::Arc;
use types::{page_of_relations, EntityOrder, Quote};
pub use types::{Document, Entity, EntityType, Relation, RelationType, Subgraph};

/// Largest page a client may ask for.
pub const MAX_PAGE_SIZE: usize = 100;
/// The page size of the root lists when neither `first` nor `last` is given.
const ROOT_PAGE: usize = 20;

/// The `extensions.code` of every error the API gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// The HTTP request carries no GraphQL request (no query).
    BadRequest,
    /// The query text is not GraphQL.
    ParseFailed,
    /// The query does not fit the schema (or its variables do not fit the query).
    ValidationFailed,
    /// An argument's value is wrong (a cursor not given out, a negative `first`, …).
    BadInput,
    /// A limit of the request budget (`limits`).
    LimitExceeded,
    /// No such entity, or a cursor past the list.
    NotFound,
    /// A mutation without the server's token.
    Unauthenticated,
    /// The store cannot be written now (see `/health`); it recovers without a restart.
    StoreUnavailable,
    /// A failure of the server; the log has details.
    Internal,
    /// An automatic persisted query (a hash without the text): send the query text.
    PersistedQueryNotSupported,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadRequest => "BAD_REQUEST",
            ErrorCode::ParseFailed => "GRAPHQL_PARSE_FAILED",
            ErrorCode::ValidationFailed => "GRAPHQL_VALIDATION_FAILED",
            ErrorCode::BadInput => "BAD_INPUT",
            ErrorCode::LimitExceeded => "LIMIT_EXCEEDED",
            ErrorCode::NotFound => "NOT_FOUND",
            ErrorCode::Unauthenticated => "UNAUTHENTICATED",
            ErrorCode::StoreUnavailable => "STORE_UNAVAILABLE",
            ErrorCode::Internal => "INTERNAL",
            ErrorCode::PersistedQueryNotSupported => "PERSISTED_QUERY_NOT_SUPPORTED",
        }
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

/// The schema, validating requests in `mode` (see `executor` for when fast validation is
/// enough). Depth and complexity are the request budget's (`limits`), checked before.
/// Strict validation can refuse a request, so that schema carries the extension that
/// tells a request that ran from one that did not; fast validation of a document that
/// passed strict validation cannot refuse it, and any extension would send every field
/// through async-graphql's per-field extension path (a fifth of the entity page's time).
fn schema_with(kg: Arc<Kennisgraaf>, mode: async_graphql::ValidationMode) -> KgSchema {
    let schema = Schema::build(Query::default(), Mutation::default(), Subscription).data(kg).validation_mode(mode);
    match mode {
        async_graphql::ValidationMode::Strict => schema.extension(executor::MarkExecution).finish(),
        async_graphql::ValidationMode::Fast => schema.finish(),
    }
}

/// The schema's SDL, as committed in `schema.graphql`.
pub fn sdl() -> String {
    Schema::build(Query::default(), Mutation::default(), Subscription).finish().sdl()
}

pub(crate) fn error(code: ErrorCode, message: impl Into<String>) -> async_graphql::Error {
    async_graphql::Error::new(message).extend_with(|_, e| e.set("code", code.as_str()))
}

pub(crate) fn internal(e: impl std::fmt::Display) -> async_graphql::Error {
    tracing::error!(error = %e, "request failed");
    error(ErrorCode::Internal, "internal error; the server log has details")
}

/// A failed store call: STORE_UNAVAILABLE while the store cannot be written, else INTERNAL.
pub(crate) fn store_error(e: crate::store::StoreError) -> async_graphql::Error {
    match e {
        crate::store::StoreError::Unavailable { .. } => error(ErrorCode::StoreUnavailable, e.to_string()),
        other => internal(other),
    }
}

/// The knowledge graph, for a resolver: every resolver that reads the graph or the store
/// comes through here, so this is where the request's deadline is checked.
pub(crate) fn kg<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Arc<Kennisgraaf>> {
    RequestBudget::check_time(ctx)?;
    Ok(ctx.data_unchecked::<Arc<Kennisgraaf>>())
}

/// Count `items` list items (and `bytes` of text) into the request's answer.
pub(crate) fn charge(ctx: &Context<'_>, items: usize, bytes: usize) -> async_graphql::Result<()> {
    RequestBudget::charge(ctx, items, bytes)
}

fn relation_filter(types: Option<Vec<RelationType>>, min_weight: Option<i32>, dates: DateRange) -> RelationFilter {
    RelationFilter {
        kinds: types.map(|t| t.into_iter().map(model::RelationKind::from).collect()),
        min_weight: min_weight.unwrap_or(0).max(0) as u64,
        dates,
    }
}

/// The `from` and `to` arguments: dates `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, both included.
fn date_range(from: Option<String>, to: Option<String>) -> async_graphql::Result<DateRange> {
    let check = |name: &str, date: Option<String>| -> async_graphql::Result<Option<String>> {
        date.map(|d| {
            crate::ingest::parse_date(&d).ok_or_else(|| {
                error(ErrorCode::BadInput, format!("`{name}` is {d:?}; give a date YYYY, YYYY-MM or YYYY-MM-DD"))
            })
        })
        .transpose()
    };
    Ok(DateRange { from: check("from", from)?, to: check("to", to)? })
}

#[derive(Default)]
pub struct GraphQuery;

/// Reading the knowledge graph.
#[Object]
impl GraphQuery {
    /// Any object with an id (entity, relation, document, mention, quote, evidence,
    /// curation event), as Relay refetches it; null when the id names nothing.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Node>> {
        node::node(ctx, &id)
    }

    /// The objects with these ids, in order (null where one names nothing); at most 100.
    async fn nodes(&self, ctx: &Context<'_>, ids: Vec<ID>) -> async_graphql::Result<Vec<Option<Node>>> {
        node::nodes(ctx, &ids)
    }

    /// One entity by id; an id merged away by curation answers with the entity it is part of now.
    async fn entity(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Entity>> {
        let graph = kg(ctx)?.graph();
        Ok(graph.entity(graph.current_id(&id)).cloned().map(Entity))
    }

    /// Entities, most mentioned first or in `orderBy`; filter by type, by a name fragment,
    /// by Wikidata QID ("Q401107") and by the dates they were seen (`from`, `to`: YYYY,
    /// YYYY-MM or YYYY-MM-DD, both included).
    #[allow(clippy::too_many_arguments)]
    async fn entities(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "type")] entity_type: Option<EntityType>,
        name: Option<String>,
        wikidata_id: Option<String>,
        from: Option<String>,
        to: Option<String>,
        #[graphql(default_with = "EntityOrder::Mentions")] order_by: EntityOrder,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<Page<Entity>> {
        let args = PageArgs::new(first, after, last, before, ROOT_PAGE)?;
        let dates = date_range(from, to)?;
        let filter = EntityFilter { entity_type: entity_type.map(Into::into), name, wikidata_id, dates };
        let graph = kg(ctx)?.graph();
        let items: Vec<Entity> = graph.entities_by(&filter, order_by.into()).into_iter().cloned().map(Entity).collect();
        args.of(ctx, items)
    }

    /// Search names and aliases: case- and accent-insensitive, by prefix of the name or of a word in it.
    async fn search(
        &self,
        ctx: &Context<'_>,
        text: String,
        #[graphql(default_with = "SEARCH_PAGE")] first: i32,
    ) -> async_graphql::Result<Vec<Entity>> {
        let n = paging::checked_size("first", first)?;
        let graph = kg(ctx)?.graph();
        let hits = graph.search(&text, n);
        charge(ctx, hits.len(), 0)?;
        Ok(hits.into_iter().cloned().map(Entity).collect())
    }

    /// One relation by id.
    async fn relation(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Relation>> {
        let graph = kg(ctx)?.graph();
        Ok(graph.relation(&id).map(|r| Relation::with_ends(&graph, r)))
    }

    /// Relations: typed first, then heaviest (ties by id). `entity` keeps the relations of
    /// one entity, `between: [A, B]` those between two (either way); `from` and `to`
    /// (YYYY, YYYY-MM or YYYY-MM-DD, both included) those stated in documents of those dates.
    #[allow(clippy::too_many_arguments)]
    async fn relations(
        &self,
        ctx: &Context<'_>,
        entity: Option<ID>,
        between: Option<Vec<ID>>,
        types: Option<Vec<RelationType>>,
        min_weight: Option<i32>,
        from: Option<String>,
        to: Option<String>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<Page<Relation>> {
        let args = PageArgs::new(first, after, last, before, ROOT_PAGE)?;
        let filter = relation_filter(types, min_weight, date_range(from, to)?);
        let graph = kg(ctx)?.graph();
        let known = |id: &ID| -> async_graphql::Result<String> {
            let current = graph.current_id(id);
            match graph.entity(current) {
                Some(_) => Ok(current.to_string()),
                None => Err(error(ErrorCode::NotFound, format!("no entity with id {:?}", id.as_str()))),
            }
        };
        let relations = match (entity, between) {
            (Some(_), Some(_)) => {
                return Err(error(ErrorCode::BadInput, "give `entity` or `between`, not both"));
            }
            (None, Some(ends)) => match ends.as_slice() {
                [a, b] => graph.relations_between(&known(a)?, &known(b)?, &filter),
                _ => {
                    let message = format!("`between` takes two entity ids, not {}", ends.len());
                    return Err(error(ErrorCode::BadInput, message));
                }
            },
            (Some(id), None) => graph.relations_of(&known(&id)?, crate::graph::Direction::Both, &filter),
            (None, None) => graph.relations(&filter),
        };
        page_of_relations(ctx, &graph, &args, &relations)
    }

    /// Quotes by `speaker`, or naming `about` (or both), in documents dated within `from`
    /// and `to`: by document, in the order of the text.
    #[allow(clippy::too_many_arguments)]
    async fn quotes(
        &self,
        ctx: &Context<'_>,
        speaker: Option<ID>,
        about: Option<ID>,
        from: Option<String>,
        to: Option<String>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<Page<Quote>> {
        let args = PageArgs::new(first, after, last, before, ROOT_PAGE)?;
        let dates = date_range(from, to)?;
        let kg = kg(ctx)?;
        let (speaker, about) = {
            let graph = kg.graph();
            (speaker.map(|s| graph.current_id(&s).to_string()), about.map(|a| graph.current_id(&a).to_string()))
        };
        let quotes = types::quotes(kg.store(), speaker.as_deref(), about.as_deref(), &dates)?;
        args.of(ctx, quotes)
    }

    /// One document by id (its content hash).
    async fn document(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Document>> {
        Ok(kg(ctx)?.store().document(&id).map_err(internal)?.map(Document))
    }

    /// Documents, newest first (by date, then id); `from` and `to` (YYYY, YYYY-MM or
    /// YYYY-MM-DD, both included) keep those dated within.
    #[allow(clippy::too_many_arguments)]
    async fn documents(
        &self,
        ctx: &Context<'_>,
        from: Option<String>,
        to: Option<String>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<Page<Document>> {
        let args = PageArgs::new(first, after, last, before, ROOT_PAGE)?;
        let dates = date_range(from, to)?;
        let mut docs = kg(ctx)?.store().documents().collect::<Result<Vec<_>, _>>().map_err(internal)?;
        docs.retain(|d| dates.overlaps(d.document.date.as_deref(), d.document.date.as_deref()));
        docs.sort_by(|a, b| b.document.date.cmp(&a.document.date).then_with(|| a.document.id.cmp(&b.document.id)));
        args.of(ctx, docs.into_iter().map(|d| Document(Arc::new(d))).collect())
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
        neighborhood_of(&kg(ctx)?.graph(), &id, depth, limit, types, min_weight)
    }

    /// The fewest-hop chain of relations between two entities (direction ignored); null when unconnected.
    async fn shortest_path(
        &self,
        ctx: &Context<'_>,
        from: ID,
        to: ID,
        types: Option<Vec<RelationType>>,
    ) -> async_graphql::Result<Option<Vec<Relation>>> {
        let graph = kg(ctx)?.graph();
        let Some(path) = path_between(&graph, &from, &to, types)? else { return Ok(None) };
        charge(ctx, path.len(), 0)?;
        Ok(Some(path.iter().map(|r| Relation::with_ends(&graph, r)).collect()))
    }

    /// Counts of what the graph holds.
    async fn stats(&self, ctx: &Context<'_>) -> async_graphql::Result<types::Stats> {
        types::Stats::gather(kg(ctx)?)
    }
}

/// The page size of `search` when `first` is left out.
const SEARCH_PAGE: i32 = 10;
/// `neighborhood`'s depth and size when left out.
const NEIGHBORHOOD_DEPTH: i32 = 1;
const NEIGHBORHOOD_LIMIT: i32 = 50;

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
        return Err(error(ErrorCode::LimitExceeded, format!("depth is {depth}; allowed 0 to 4")));
    }
    if !(1..=500).contains(&limit) {
        return Err(error(ErrorCode::LimitExceeded, format!("limit is {limit}; allowed 1 to 500")));
    }
    let id = graph.current_id(id);
    if graph.entity(id).is_none() {
        return Err(error(ErrorCode::NotFound, format!("no entity with id {id:?}")));
    }
    let filter = relation_filter(types, min_weight, DateRange::default());
    Ok(Subgraph::from(graph.neighborhood(id, depth as usize, limit as usize, &filter)))
}

/// `shortestPath`'s relations; `None` when the two are not connected.
fn path_between(
    graph: &Graph,
    from: &str,
    to: &str,
    types: Option<Vec<RelationType>>,
) -> async_graphql::Result<Option<Vec<Arc<model::RelationRecord>>>> {
    let (from, to) = (graph.current_id(from), graph.current_id(to));
    for id in [from, to] {
        if graph.entity(id).is_none() {
            return Err(error(ErrorCode::NotFound, format!("no entity with id {id:?}")));
        }
    }
    let filter = relation_filter(types, None, DateRange::default());
    Ok(graph.shortest_path(from, to, &filter).map(|p| p.into_iter().cloned().collect()))
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
        Caller::NoTokenConfigured => Err(error(
            ErrorCode::Unauthenticated,
            "mutations are disabled: start the server with --token or KENNISGRAAF_TOKEN",
        )),
        Caller::Anonymous => Err(error(
            ErrorCode::Unauthenticated,
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
                ErrorCode::LimitExceeded,
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
        let kg = kg(ctx)?.clone();
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
