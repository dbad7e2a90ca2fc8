//! Relay's object identification: the `Node` interface, and the global ids that
//! `node(id:)` and `nodes(ids:)` take back.
//!
//! Entities (`e…`), relations (`r…`) and documents (32 hex digits) already have ids
//! unique across all types, and keep them. What has no id of its own in the store gets
//! one from where it is kept: `mention:{entity}:{document}:{n}`,
//! `evidence:{relation}:{document}:{n}`, `quote:{document}:{n}`, `curation:{seq}`.
//! Clients treat every id as opaque.

use super::curation::CurationEvent;
use super::types::{load_documents, Document, Entity, Evidence, Mention, Quote, Relation};
use super::{charge, error, internal, kg, ErrorCode, MAX_PAGE_SIZE};
use crate::store::Place;
use async_graphql::{Context, Interface, ID};
use std::sync::Arc;

/// An object with a global id: `node(id:)` fetches it again.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Stable opaque id, unique across all types."))]
pub enum Node {
    Entity(Entity),
    Relation(Relation),
    Document(Document),
    Mention(Mention),
    Quote(Quote),
    Evidence(Evidence),
    CurationEvent(CurationEvent),
}

pub fn mention_id(entity: &str, place: &Place) -> String {
    format!("mention:{entity}:{}:{}", place.document, place.n)
}

pub fn evidence_id(relation: &str, place: &Place) -> String {
    format!("evidence:{relation}:{}:{}", place.document, place.n)
}

pub fn quote_id(place: &Place) -> String {
    format!("quote:{}:{}", place.document, place.n)
}

pub fn curation_id(seq: u64) -> String {
    format!("curation:{seq}")
}

/// What a global id names.
#[derive(Debug, PartialEq, Eq)]
enum GlobalId<'a> {
    Mention {
        entity: &'a str,
        place: Place,
    },
    Evidence {
        relation: &'a str,
        place: Place,
    },
    Quote(Place),
    Curation(u64),
    /// An entity, relation or document id.
    Record(&'a str),
}

impl<'a> GlobalId<'a> {
    /// `None` for text that is no id this API gives out.
    fn parse(id: &'a str) -> Option<Self> {
        let place = |document: &str, n: &str| Some(Place { document: document.to_string(), n: n.parse().ok()? });
        let parts: Vec<&str> = id.split(':').collect();
        match parts.as_slice() {
            ["mention", entity, document, n] => Some(GlobalId::Mention { entity, place: place(document, n)? }),
            ["evidence", relation, document, n] => Some(GlobalId::Evidence { relation, place: place(document, n)? }),
            ["quote", document, n] => Some(GlobalId::Quote(place(document, n)?)),
            ["curation", seq] => Some(GlobalId::Curation(seq.parse().ok()?)),
            [record] => Some(GlobalId::Record(record)),
            _ => None,
        }
    }
}

/// The object `id` names, or `None` when it names nothing (any more).
pub fn node(ctx: &Context<'_>, id: &str) -> async_graphql::Result<Option<Node>> {
    let kg = kg(ctx)?;
    let store = kg.store();
    let Some(global) = GlobalId::parse(id) else { return Ok(None) };
    Ok(match global {
        GlobalId::Record(id) => {
            let graph = kg.graph();
            if let Some(e) = graph.entity(graph.current_id(id)) {
                Some(Node::Entity(Entity(e.clone())))
            } else if let Some(r) = graph.relation(id) {
                Some(Node::Relation(Relation::with_ends(&graph, r)))
            } else {
                store.document(id).map_err(internal)?.map(|d| Node::Document(Document(d)))
            }
        }
        GlobalId::Mention { entity, place } => match store.mention(entity, &place).map_err(internal)? {
            Some(m) => {
                let doc = load_documents(store, std::iter::once(m.document.as_str()))?.pop();
                doc.map(|doc| Node::Mention(Mention { m, doc, place }))
            }
            None => None,
        },
        GlobalId::Evidence { relation, place } => match store.evidence(relation, &place).map_err(internal)? {
            Some(ev) => {
                let doc = load_documents(store, std::iter::once(ev.document.as_str()))?.pop();
                doc.map(|doc| Node::Evidence(Evidence { ev, doc, relation: Arc::from(relation), place }))
            }
            None => None,
        },
        GlobalId::Quote(place) => store
            .document(&place.document)
            .map_err(internal)?
            .and_then(|d| d.quotes.get(place.n as usize).cloned())
            .map(|q| Node::Quote(Quote { q, place })),
        GlobalId::Curation(seq) => {
            let mut found = None;
            for event in kg.store().curations() {
                let event = event.map_err(internal)?;
                if event.seq == seq {
                    found = Some(Node::CurationEvent(event.into()));
                    break;
                }
            }
            found
        }
    })
}

/// The objects `ids` name, in order (`None` where one names nothing), charged into the answer.
pub fn nodes(ctx: &Context<'_>, ids: &[ID]) -> async_graphql::Result<Vec<Option<Node>>> {
    if ids.len() > MAX_PAGE_SIZE {
        let message = format!("{} ids in one `nodes`; the limit is {MAX_PAGE_SIZE}", ids.len());
        return Err(error(ErrorCode::LimitExceeded, message));
    }
    charge(ctx, ids.len(), 0)?;
    ids.iter().map(|id| node(ctx, id)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_id_given_out_parses_back_to_what_it_names() {
        let place = Place { document: "0f3a".into(), n: 7 };
        assert_eq!(
            GlobalId::parse(&mention_id("e12", &place)),
            Some(GlobalId::Mention { entity: "e12", place: place.clone() })
        );
        assert_eq!(
            GlobalId::parse(&evidence_id("r34", &place)),
            Some(GlobalId::Evidence { relation: "r34", place: place.clone() })
        );
        assert_eq!(GlobalId::parse(&quote_id(&place)), Some(GlobalId::Quote(place)));
        assert_eq!(GlobalId::parse(&curation_id(3)), Some(GlobalId::Curation(3)));
        assert_eq!(GlobalId::parse("e12"), Some(GlobalId::Record("e12")));
        for nonsense in ["mention:e1:d", "quote:d:x", "curation:-1", "a:b"] {
            assert_eq!(GlobalId::parse(nonsense), None, "{nonsense}");
        }
    }
}
