//! `curation log` and `curation replay`: the curation log as JSON lines, out and back in.

use super::args::ModelArgs;
use crate::model::CurationEvent;
use crate::pipeline::Kennisgraaf;
use crate::store::{CurateError, StoreLocation};
use anyhow::{Context, Result};
use std::io::Write;
use std::path::Path;

pub fn log(store: &StoreLocation) -> Result<()> {
    let store = super::run::existing_store(store)?;
    let mut out = std::io::stdout().lock();
    for event in store.curations() {
        serde_json::to_writer(&mut out, &event?)?;
        writeln!(out)?;
    }
    Ok(())
}

/// Every event of a log file; the whole file is refused if one line is not an event.
pub fn read_log(path: &Path) -> Result<Vec<CurationEvent>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the curation log {} (it must be UTF-8 JSON lines)", path.display()))?;
    let mut events = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let event: CurationEvent = serde_json::from_str(line).with_context(|| {
            format!(
                "line {} of {} is not a curation event (write logs with `kennisgraaf curation log`); nothing was applied",
                n + 1,
                path.display()
            )
        })?;
        events.push(event);
    }
    Ok(events)
}

/// Apply the events in order; those whose entities or documents are missing are
/// reported and skipped. Returns how many were applied.
pub fn replay(kg: &Kennisgraaf, events: &[CurationEvent]) -> Result<usize> {
    let mut applied = 0;
    for event in events {
        match kg.curate(event.curation.clone(), &event.reason) {
            Ok(_) => applied += 1,
            Err(e @ (CurateError::NotFound(_) | CurateError::BadInput(_))) => {
                eprintln!("curation {} skipped ({}): {e}", event.seq, event.reason)
            }
            Err(CurateError::Store(e)) => return Err(e.into()),
        }
    }
    eprintln!("{applied} of {} curations applied", events.len());
    Ok(applied)
}

pub fn replay_file(store: &StoreLocation, models: &ModelArgs, file: &Path) -> Result<()> {
    let events = read_log(file)?;
    // Replaying onto a missing store would skip every curation: it is refused instead.
    let kg = super::run::open(super::run::existing_store(store)?, models)?;
    replay(&kg, &events)?;
    Ok(())
}
