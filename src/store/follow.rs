//! Following a store's change log: what other processes committed and curated, as the
//! outcomes a local commit or curation gives, for a replica's graph to apply.
//!
//! Every commit and curation of a shared store (PostgreSQL) appends a row to its change
//! log in its own transaction: a number, what it was, and the ids it changed
//! (`LoggedChange`). A follower reads the rows it has not seen, and reads the records
//! those ids name as they are now (applying a later state is what the graph would reach
//! anyway). sled is held by one process and has no log.
//!
//! Invariant: no logged change is missed. Numbers are handed out when a transaction
//! writes its row, but rows become visible when it commits, so a lower number can show
//! up after a higher one. `ChangeCursor` therefore keeps every number it has seen for
//! `SETTLE` after seeing it, and only then moves its floor past it: a transaction still
//! open that long after writing its row (the row is its last write) is not expected.

use super::{CommitOutcome, CurationOutcome, StoreError};
use crate::model::CurationEvent;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// How long after a change is seen lower numbers may still appear.
const SETTLE: Duration = Duration::from_secs(10);
/// Most changes read in one `Store::changes_since`.
pub(super) const READ_AT_MOST: i64 = 1000;
/// How many of the last numbers a new cursor treats as possibly still appearing.
pub(super) const LOOK_BACK: u64 = 1000;

/// Why `Store::wait_for_change` returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeSignal {
    /// A change was committed (PostgreSQL's `NOTIFY`) since the last wait.
    Notified,
    /// The time ran out first, or the store cannot notify: read the log anyway.
    TimedOut,
}

/// What a logged change is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LoggedKind {
    Commit,
    Curation,
}

impl LoggedKind {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            LoggedKind::Commit => "commit",
            LoggedKind::Curation => "curation",
        }
    }

    pub(super) fn parse(text: &str) -> Option<Self> {
        match text {
            "commit" => Some(LoggedKind::Commit),
            "curation" => Some(LoggedKind::Curation),
            _ => None,
        }
    }
}

/// The ids a commit or a curation changed, as its change-log row keeps them (JSON).
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub(super) struct LoggedIds {
    #[serde(default)]
    pub entities: Vec<String>,
    #[serde(default)]
    pub relations: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed_entities: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed_relations: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged: Option<(String, String)>,
    /// The curation event (for curations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<CurationEvent>,
}

impl LoggedIds {
    pub(super) fn of_commit(outcome: &CommitOutcome) -> Self {
        let ChangedIds { entities, relations } = outcome.changed();
        LoggedIds { entities, relations, ..Default::default() }
    }

    pub(super) fn of_curation(outcome: &CurationOutcome) -> Self {
        let ChangedIds { entities, relations } = outcome.changed();
        LoggedIds {
            entities,
            relations,
            removed_entities: outcome.removed_entities.clone(),
            removed_relations: outcome.removed_relations.clone(),
            merged: outcome.merged.clone(),
            event: Some(outcome.event.clone()),
        }
    }
}

impl CommitOutcome {
    /// The ids of the entities and relations the commit created or changed.
    pub fn changed(&self) -> ChangedIds {
        ChangedIds {
            entities: self.entities.iter().map(|e| e.id.clone()).collect(),
            relations: self.relations.iter().map(|r| r.id.clone()).collect(),
        }
    }
}

impl CurationOutcome {
    /// The ids of the entities and relations the curation created or changed.
    pub fn changed(&self) -> ChangedIds {
        ChangedIds {
            entities: self.entities.iter().map(|e| e.id.clone()).collect(),
            relations: self.relations.iter().map(|r| r.id.clone()).collect(),
        }
    }
}

/// A row of the change log.
pub(super) struct LoggedChange {
    pub seq: u64,
    pub kind: LoggedKind,
    /// The document committed, or the curation's number.
    pub subject: String,
    pub ids: LoggedIds,
}

/// A change another process made, as the outcome the graph applies: the records it
/// changed as they are now (those gone since left out), and the ids it changed (what
/// the change's own process told its subscribers).
#[derive(Debug)]
pub enum FollowedChange {
    /// A document committed: its id, and its entities and relations.
    Commit { document: String, outcome: CommitOutcome, changed: ChangedIds },
    /// A curation.
    Curation { outcome: Box<CurationOutcome>, changed: ChangedIds },
}

/// The entities and relations a change created or changed.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ChangedIds {
    pub entities: Vec<String>,
    pub relations: Vec<String>,
}

/// Where a follower is in a change log: every number up to `floor` is applied (or never
/// will appear), and the numbers above it seen so far, with when they were seen.
#[derive(Debug, Clone)]
pub struct ChangeCursor {
    pub(super) floor: u64,
    pub(super) seen: BTreeMap<u64, Instant>,
}

impl ChangeCursor {
    /// A cursor for a graph loaded after `recent` (the log's last numbers, newest last)
    /// were read: they are in the graph; lower numbers not among them may still appear.
    pub(super) fn after(recent: &[u64]) -> Self {
        let newest = recent.last().copied().unwrap_or(0);
        let now = Instant::now();
        ChangeCursor { floor: newest.saturating_sub(LOOK_BACK), seen: recent.iter().map(|&s| (s, now)).collect() }
    }

    /// A change of this process: applied already, not to be applied again.
    pub fn mark_seen(&mut self, seq: u64) {
        if seq > self.floor {
            self.seen.insert(seq, Instant::now());
        }
    }

    /// The numbers above the floor seen so far, for the next read to leave out.
    pub(super) fn seen_numbers(&self) -> Vec<u64> {
        self.seen.keys().copied().collect()
    }

    /// Move the floor past the numbers seen longer than `SETTLE` ago.
    pub(super) fn settle(&mut self) {
        let settled = self.seen.iter().filter(|(_, at)| at.elapsed() >= SETTLE).map(|(&s, _)| s).max();
        if let Some(floor) = settled {
            self.floor = floor;
            self.seen = self.seen.split_off(&(floor + 1));
        }
    }
}

/// The records a change names, read as they are now: records gone since are left out
/// (a later change removes them from the graph too).
pub(super) fn followed(
    change: LoggedChange,
    entity: impl Fn(&str) -> Result<Option<crate::model::EntityRecord>, StoreError>,
    relation: impl Fn(&str) -> Result<Option<crate::model::RelationRecord>, StoreError>,
) -> Result<FollowedChange, StoreError> {
    let ids = change.ids;
    let entities = ids.entities.iter().map(|id| entity(id)).filter_map(Result::transpose).collect::<Result<_, _>>()?;
    let relations =
        ids.relations.iter().map(|id| relation(id)).filter_map(Result::transpose).collect::<Result<_, _>>()?;
    let changed = ChangedIds { entities: ids.entities, relations: ids.relations };
    Ok(match (change.kind, ids.event) {
        (LoggedKind::Commit, _) => FollowedChange::Commit {
            document: change.subject,
            outcome: CommitOutcome { stored: true, entities, relations, logged: Some(change.seq) },
            changed,
        },
        (LoggedKind::Curation, Some(event)) => FollowedChange::Curation {
            outcome: Box::new(CurationOutcome {
                event,
                entity: None,
                entities,
                removed_entities: ids.removed_entities,
                relations,
                removed_relations: ids.removed_relations,
                merged: ids.merged,
                logged: Some(change.seq),
            }),
            changed,
        },
        (LoggedKind::Curation, None) => {
            return Err(StoreError::Corrupt {
                key: format!("change {}", change.seq),
                reason: "a curation logged without its event".into(),
            })
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_keeps_numbers_until_they_settle_and_leaves_room_for_late_ones() {
        let mut cursor = ChangeCursor::after(&[1, 2, 4]);
        assert_eq!(cursor.floor, 0);
        cursor.mark_seen(5);
        assert_eq!(cursor.seen_numbers(), vec![1, 2, 4, 5]);
        // Just seen: nothing settles, so 3 may still appear.
        cursor.settle();
        assert_eq!((cursor.floor, cursor.seen_numbers()), (0, vec![1, 2, 4, 5]));
        let long_ago = Instant::now().checked_sub(SETTLE + Duration::from_secs(1)).expect("an instant long ago");
        cursor.seen.insert(2, long_ago);
        cursor.settle();
        assert_eq!((cursor.floor, cursor.seen_numbers()), (2, vec![4, 5]));
        cursor.mark_seen(1);
        assert_eq!(cursor.seen_numbers(), vec![4, 5], "below the floor is applied already");
        let far = ChangeCursor::after(&[5000]);
        assert_eq!(far.floor, 5000 - LOOK_BACK);
    }
}
