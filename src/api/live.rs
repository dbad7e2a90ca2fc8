//! Subscriptions (graphql-transport-ws at `/graphql/ws`): ingest progress and graph
//! changes, as the pipeline reports them (`pipeline::PipelineEvent`).
//!
//! Invariant: a subscriber never slows ingestion. Each has a bounded buffer
//! (`pipeline::EVENT_BUFFER` events); one that falls further behind gets a `DROPPED`
//! event saying how many it missed, then the events that follow.

use super::kg;
use crate::pipeline::{GraphDelta, PipelineEvent};
use async_graphql::{Context, Enum, SimpleObject, Subscription, ID};
use futures_util::stream::{self, Stream};
use tokio::sync::broadcast::error::RecvError;

/// How far a document has come through the pipeline.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum IngestStage {
    /// Normalised, not stored before; extraction starts.
    Accepted,
    /// Entities and relations found.
    Extracted,
    /// Stored and in the graph.
    Committed,
    /// This subscriber fell behind and missed `dropped` events.
    Dropped,
}

/// One step of one document through the pipeline.
#[derive(SimpleObject, Debug)]
#[graphql(serial)]
pub struct IngestEvent {
    /// Which step this is.
    pub stage: IngestStage,
    /// The document's id (content hash); absent for DROPPED.
    pub document: Option<ID>,
    /// Where it came from (URL or path), on ACCEPTED.
    pub source: Option<String>,
    /// Entities extracted (EXTRACTED) or touched in the graph (COMMITTED).
    pub entities: Option<usize>,
    /// Relations extracted (EXTRACTED) or touched in the graph (COMMITTED).
    pub relations: Option<usize>,
    /// Events missed (DROPPED).
    pub dropped: Option<u64>,
}

/// What one committed document or one curation changed in the graph. Ingestion only
/// adds and updates; curations also remove.
#[derive(SimpleObject, Debug, Default)]
#[graphql(serial)]
pub struct GraphChange {
    /// The document whose commit made the change; absent for curations and DROPPED.
    pub document: Option<ID>,
    /// The number of the curation that made the change (see `curations`).
    pub curation: Option<u64>,
    /// Entities that did not exist before.
    pub entities_added: Vec<ID>,
    /// Entities that existed and changed (mentions, aliases, roles, name, type).
    pub entities_updated: Vec<ID>,
    /// Entities removed (merged away, or left without mentions).
    pub entities_removed: Vec<ID>,
    /// Relations that did not exist before.
    pub relations_added: Vec<ID>,
    /// Relations that existed and gained or lost evidence.
    pub relations_updated: Vec<ID>,
    /// Relations removed (left without evidence, or joining a merged entity to itself).
    pub relations_removed: Vec<ID>,
    /// This subscriber fell behind and missed this many pipeline events.
    pub dropped: Option<u64>,
}

impl GraphChange {
    fn new(document: Option<String>, curation: Option<u64>, changes: GraphDelta) -> Self {
        GraphChange {
            document: document.map(ID),
            curation,
            entities_added: ids(changes.entities_added),
            entities_updated: ids(changes.entities_updated),
            entities_removed: ids(changes.entities_removed),
            relations_added: ids(changes.relations_added),
            relations_updated: ids(changes.relations_updated),
            relations_removed: ids(changes.relations_removed),
            dropped: None,
        }
    }
}

pub struct Subscription;

/// Pipeline events as a stream, with lag reported as `Err(missed)`.
fn events(ctx: &Context<'_>) -> async_graphql::Result<impl Stream<Item = Result<PipelineEvent, u64>>> {
    Ok(stream::unfold(kg(ctx)?.subscribe(), |mut rx| async move {
        match rx.recv().await {
            Ok(event) => Some((Ok(event), rx)),
            Err(RecvError::Lagged(missed)) => Some((Err(missed), rx)),
            Err(RecvError::Closed) => None,
        }
    }))
}

fn ids(v: Vec<String>) -> Vec<ID> {
    v.into_iter().map(ID).collect()
}

/// Live updates over graphql-transport-ws at /graphql/ws.
#[Subscription]
impl Subscription {
    /// Every document ingested from now on, stage by stage, in order per document.
    async fn ingest_progress(&self, ctx: &Context<'_>) -> async_graphql::Result<impl Stream<Item = IngestEvent>> {
        use futures_util::StreamExt;
        Ok(events(ctx)?.filter_map(|e| async move {
            Some(match e {
                Ok(PipelineEvent::Accepted { document, source }) => IngestEvent {
                    stage: IngestStage::Accepted,
                    document: Some(ID(document)),
                    source,
                    entities: None,
                    relations: None,
                    dropped: None,
                },
                Ok(PipelineEvent::Extracted { document, entities, relations }) => IngestEvent {
                    stage: IngestStage::Extracted,
                    document: Some(ID(document)),
                    source: None,
                    entities: Some(entities),
                    relations: Some(relations),
                    dropped: None,
                },
                Ok(PipelineEvent::Committed { document, changes }) => IngestEvent {
                    stage: IngestStage::Committed,
                    document: Some(ID(document)),
                    source: None,
                    entities: Some(changes.entities_added.len() + changes.entities_updated.len()),
                    relations: Some(changes.relations_added.len() + changes.relations_updated.len()),
                    dropped: None,
                },
                Ok(PipelineEvent::Curated { .. }) => return None,
                Err(missed) => IngestEvent {
                    stage: IngestStage::Dropped,
                    document: None,
                    source: None,
                    entities: None,
                    relations: None,
                    dropped: Some(missed),
                },
            })
        }))
    }

    /// The entities and relations each committed document or curation adds, updates or removes, with ids.
    async fn graph_changes(&self, ctx: &Context<'_>) -> async_graphql::Result<impl Stream<Item = GraphChange>> {
        use futures_util::StreamExt;
        Ok(events(ctx)?.filter_map(|e| async move {
            match e {
                Ok(PipelineEvent::Committed { document, changes }) => {
                    Some(GraphChange::new(Some(document), None, changes))
                }
                Ok(PipelineEvent::Curated { event, changes }) => Some(GraphChange::new(None, Some(event), changes)),
                Ok(_) => None,
                Err(missed) => Some(GraphChange { dropped: Some(missed), ..Default::default() }),
            }
        }))
    }
}
