//! Curation over GraphQL: the token-guarded mutations that apply human decisions
//! (merge, rename, retype, split an alias off, delete a document) and the log of them.
//!
//! Invariant: every mutation here goes through `Kennisgraaf::curate`, which stores the
//! decision as an event before it answers; nothing here writes the store directly.

use super::node::curation_id;
use super::paging::{Keyed, Page, PageArgs};
use super::types::{Entity, EntityType};
use super::{error, internal, kg, require_authorised, store_error, ErrorCode, ROOT_PAGE};
use crate::model::{self, Curation};
use crate::store::CurateError;
use async_graphql::{Context, Enum, Object, SimpleObject, ID};
use std::borrow::Cow;
use std::sync::Arc;

/// What a curation did.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum CurationAction {
    /// `entity` was merged into `into`; its id answers as an alias of `into`.
    Merge,
    /// `entity` was given the name `name`.
    Rename,
    /// `entity` was given the type `type`.
    Retype,
    /// The alias `alias` was split off `entity` into the entity `into`.
    SplitAlias,
    /// `document` was deleted with its mentions and evidence.
    DeleteDocument,
}

/// One human decision, as stored in the curation log (with its seq as text, its cursor key).
pub struct CurationEvent(model::CurationEvent, String);

impl From<model::CurationEvent> for CurationEvent {
    fn from(e: model::CurationEvent) -> Self {
        let key = e.seq.to_string();
        CurationEvent(e, key)
    }
}

impl Keyed for CurationEvent {
    const CONNECTION: &'static str = "CurationEventConnection";
    const EDGE: &'static str = "CurationEventEdge";
    fn key(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.1)
    }
}

/// One human decision, as stored in the curation log.
#[Object(serial)]
impl CurationEvent {
    /// Stable opaque id, for `node(id:)`.
    pub(crate) async fn id(&self) -> ID {
        ID(curation_id(self.0.seq))
    }
    /// Its number: 1, 2, 3, … in the order curations were made.
    async fn seq(&self) -> u64 {
        self.0.seq
    }
    /// When it was made (ISO 8601, UTC).
    async fn at(&self) -> &str {
        &self.0.at
    }
    /// Why, in the curator's words.
    async fn reason(&self) -> &str {
        &self.0.reason
    }
    /// What was done.
    async fn action(&self) -> CurationAction {
        match self.0.curation {
            Curation::Merge { .. } => CurationAction::Merge,
            Curation::Rename { .. } => CurationAction::Rename,
            Curation::Retype { .. } => CurationAction::Retype,
            Curation::SplitAlias { .. } => CurationAction::SplitAlias,
            Curation::DeleteDocument { .. } => CurationAction::DeleteDocument,
        }
    }
    /// The entity it was about (as given at the time; merged ids still answer).
    async fn entity(&self) -> Option<ID> {
        match &self.0.curation {
            Curation::Merge { from: entity, .. }
            | Curation::Rename { entity, .. }
            | Curation::Retype { entity, .. }
            | Curation::SplitAlias { entity, .. } => Some(ID(entity.clone())),
            Curation::DeleteDocument { .. } => None,
        }
    }
    /// MERGE: the entity merged into. SPLIT_ALIAS: the entity the alias went to.
    async fn into(&self) -> Option<ID> {
        match &self.0.curation {
            Curation::Merge { into, .. } => Some(ID(into.clone())),
            Curation::SplitAlias { entity, alias } => {
                Some(ID(crate::resolve::split_entity_id(entity, &model::fold(alias))))
            }
            _ => None,
        }
    }
    /// RENAME: the new name.
    async fn name(&self) -> Option<&str> {
        match &self.0.curation {
            Curation::Rename { name, .. } => Some(name),
            _ => None,
        }
    }
    /// RETYPE: the new type.
    #[graphql(name = "type")]
    async fn entity_type(&self) -> Option<EntityType> {
        match &self.0.curation {
            Curation::Retype { entity_type, .. } => Some((*entity_type).into()),
            _ => None,
        }
    }
    /// SPLIT_ALIAS: the alias split off.
    async fn alias(&self) -> Option<&str> {
        match &self.0.curation {
            Curation::SplitAlias { alias, .. } => Some(alias),
            _ => None,
        }
    }
    /// DELETE_DOCUMENT: the document deleted.
    async fn document(&self) -> Option<ID> {
        match &self.0.curation {
            Curation::DeleteDocument { document } => Some(ID(document.clone())),
            _ => None,
        }
    }
}

/// What a curation mutation did.
#[derive(SimpleObject)]
#[graphql(serial)]
pub struct CurationResult {
    /// The decision as stored in the log.
    event: CurationEvent,
    /// The entity as it is now: the merge target, the renamed, retyped entity, or the
    /// new entity a split alias went to (null for DELETE_DOCUMENT).
    entity: Option<Entity>,
    /// Entities removed (merged away, or left without mentions).
    entities_removed: Vec<ID>,
    /// Relations removed (left without evidence, or joining a merged entity to itself).
    relations_removed: Vec<ID>,
}

async fn curate(ctx: &Context<'_>, curation: Curation, reason: String) -> async_graphql::Result<CurationResult> {
    require_authorised(ctx)?;
    let kg = kg(ctx)?.clone();
    let outcome = tokio::task::spawn_blocking(move || kg.curate(curation, &reason)).await.map_err(internal)?.map_err(
        |e| match e {
            CurateError::NotFound(m) => error(ErrorCode::NotFound, m),
            CurateError::BadInput(m) => error(ErrorCode::BadInput, m),
            CurateError::Store(e) => store_error(e),
        },
    )?;
    Ok(CurationResult {
        event: outcome.event.into(),
        entity: outcome.entity.map(|e| Entity(Arc::new(e))),
        entities_removed: outcome.removed_entities.into_iter().map(ID).collect(),
        relations_removed: outcome.removed_relations.into_iter().map(ID).collect(),
    })
}

#[derive(Default)]
pub struct CurationMutation;

/// Curation: human decisions, each stored with time and reason and re-applied to later
/// ingests. All need `Authorization: Bearer <token>`.
#[Object]
impl CurationMutation {
    /// Merge entity `from` into `into`: mentions, relations and evidence move, `from`'s id
    /// answers as an alias of `into`, and later mentions resolved to `from` go to `into`.
    async fn merge_entities(
        &self,
        ctx: &Context<'_>,
        from: ID,
        into: ID,
        reason: String,
    ) -> async_graphql::Result<CurationResult> {
        curate(ctx, Curation::Merge { from: from.0, into: into.0 }, reason).await
    }

    /// Give an entity a name; later documents do not change it.
    async fn rename_entity(
        &self,
        ctx: &Context<'_>,
        id: ID,
        name: String,
        reason: String,
    ) -> async_graphql::Result<CurationResult> {
        curate(ctx, Curation::Rename { entity: id.0, name }, reason).await
    }

    /// Give an entity a type; later mentions of its names join it whatever type the extractor gives them.
    async fn retype_entity(
        &self,
        ctx: &Context<'_>,
        id: ID,
        #[graphql(name = "type")] entity_type: EntityType,
        reason: String,
    ) -> async_graphql::Result<CurationResult> {
        curate(ctx, Curation::Retype { entity: id.0, entity_type: entity_type.into() }, reason).await
    }

    /// Split the alias off an entity into a new entity of the same type: mentions written
    /// that way move (with the relations of documents where it was the entity's only
    /// name), and later mentions of it go to the new entity.
    async fn split_alias(
        &self,
        ctx: &Context<'_>,
        id: ID,
        alias: String,
        reason: String,
    ) -> async_graphql::Result<CurationResult> {
        curate(ctx, Curation::SplitAlias { entity: id.0, alias }, reason).await
    }

    /// Delete a document: its mentions and evidence go, relations and entities left
    /// without evidence or mentions go, and the same text is not ingested again.
    async fn delete_document(
        &self,
        ctx: &Context<'_>,
        id: ID,
        reason: String,
    ) -> async_graphql::Result<CurationResult> {
        curate(ctx, Curation::DeleteDocument { document: id.0 }, reason).await
    }
}

#[derive(Default)]
pub struct CurationQuery;

#[Object]
impl CurationQuery {
    /// The curation log, oldest first.
    async fn curations(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<Page<CurationEvent>> {
        let args = PageArgs::new(first, after, last, before, ROOT_PAGE)?;
        let events = kg(ctx)?.store().curations().collect::<Result<Vec<_>, _>>().map_err(internal)?;
        args.of(ctx, events.into_iter().map(CurationEvent::from).collect())
    }
}
