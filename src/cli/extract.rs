//! `extract`: show what the pipeline finds in one file, storing nothing.

use super::args::ExtractArgs;
use crate::extract::{Extractor, ParsedSentence};
use crate::ingest::{self, ReadLimits};
use crate::model::{Document, Extraction};
use anyhow::Result;

#[derive(serde::Serialize)]
struct Shown<'a> {
    document: &'a Document,
    #[serde(flatten)]
    extraction: &'a Extraction,
    #[serde(skip_serializing_if = "Option::is_none")]
    syntax: Option<&'a [ParsedSentence]>,
}

pub fn run(extractor: &Extractor, args: &ExtractArgs) -> Result<()> {
    let report = ingest::read_paths(std::slice::from_ref(&args.file), ReadLimits::default());
    if let Some(problem) = report.problems.first() {
        anyhow::bail!("{problem}");
    }
    for raw in report.documents {
        let document = ingest::prepare(raw)?;
        let (extraction, parses) = if args.syntax {
            extractor.extract_with_syntax(&document.text)
        } else {
            (extractor.extract(&document.text), Vec::new())
        };
        let syntax = args.syntax.then_some(parses.as_slice());
        println!("{}", serde_json::to_string_pretty(&Shown { document: &document, extraction: &extraction, syntax })?);
    }
    Ok(())
}
