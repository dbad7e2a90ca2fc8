//! What a commit or a curation writes, said in model terms: a list of `Change`s that a
//! backend applies atomically and in order (sled: one batch; PostgreSQL: one
//! transaction). The logic that decides the changes (`commit.rs`, `curate.rs`) is
//! written once over `Records`, the reads it needs; backends only read and apply.

use crate::model::{CurationEvent, DocumentRecord, EntityRecord, Evidence, RelationRecord, StoredMention};

/// One write. Puts replace what is stored under the same identity.
#[derive(Debug, Clone)]
pub enum Change {
    PutDocument(DocumentRecord),
    RemoveDocument(String),
    /// The source's own id (JSONL `id`) leads to `document`.
    PutExternalId {
        external_id: String,
        document: String,
    },
    RemoveExternalId(String),
    PutEntity(EntityRecord),
    RemoveEntity(String),
    /// The name index: `entity` has a name that folds to `folded`.
    PutName {
        folded: String,
        entity: String,
    },
    RemoveName {
        folded: String,
        entity: String,
    },
    /// The short-form index (`model::short_forms`).
    PutPart {
        folded: String,
        entity: String,
    },
    /// The one entity linked to Wikidata item `qid`.
    PutWikidata {
        qid: String,
        entity: String,
    },
    RemoveWikidata(String),
    PutRelation(RelationRecord),
    RemoveRelation(String),
    /// Evidence number `n` of its document (unique within the document).
    PutEvidence {
        relation: String,
        n: u32,
        evidence: Evidence,
    },
    RemoveEvidence {
        relation: String,
        document: String,
        n: u32,
    },
    /// Mention number `n` of its document (unique within the document).
    PutMention {
        n: u32,
        mention: StoredMention,
    },
    RemoveMention {
        entity: String,
        document: String,
        n: u32,
    },
    /// `document` quotes `speaker` (the quotes themselves are in its `DocumentRecord`).
    PutQuoteRef {
        speaker: String,
        document: String,
    },
    RemoveQuoteRef {
        speaker: String,
        document: String,
    },
    PutCuration(CurationEvent),
    PutMerged {
        from: String,
        into: String,
    },
    PutSplit {
        entity: String,
        folded: String,
        into: String,
    },
    PutDeleted {
        document: String,
        seq: u64,
    },
}

impl Change {
    /// Does it remove something (a curation's changes may), rather than put it?
    pub fn removes(&self) -> bool {
        matches!(
            self,
            Change::RemoveDocument(_)
                | Change::RemoveExternalId(_)
                | Change::RemoveEntity(_)
                | Change::RemoveName { .. }
                | Change::RemoveWikidata(_)
                | Change::RemoveRelation(_)
                | Change::RemoveEvidence { .. }
                | Change::RemoveMention { .. }
                | Change::RemoveQuoteRef { .. }
        )
    }
}
