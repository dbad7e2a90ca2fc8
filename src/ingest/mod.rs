//! Stage 1: turn files, JSONL lines and API input into `Document`s.
//!
//! Owns reading from disk, UTF-8 validation, text normalisation (NFC, line endings,
//! spaces), header fields and the content hash. Invariants: a `Document`'s `text` is
//! normalised and non-empty, its `id` is the hash of that text, and its `date` is valid.
//! Nothing here touches the store.

mod normalise;
mod read;

pub use normalise::{content_id, normalise_text, parse_date, split_header, Header};
pub use read::{read_paths, ReadLimits, ReadReport, SourceProblem};

use crate::model::Document;
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum IngestError {
    #[error("{path}: no such file or folder; check the path")]
    NotFound { path: String },
    #[error("{path}: cannot be read ({reason})")]
    Unreadable { path: String, reason: String },
    #[error("{path}: the file is empty")]
    Empty { path: String },
    #[error("{path}: is {size} bytes, over the limit of {limit} bytes; split it or raise --max-file-bytes")]
    TooLarge { path: String, size: u64, limit: u64 },
    #[error("{path}: gave more than the limit of {limit} bytes when read, though its size reads {claimed} bytes; skipped (copy it to a regular file, or raise --max-file-bytes)")]
    ReadPastLimit { path: String, claimed: u64, limit: u64 },
    #[error("{path}: is {kind}, not a regular file; skipped without opening it (only regular .txt and .jsonl files are ingested)")]
    NotAFile { path: String, kind: FileKind },
    #[error("{path}: is a link to {target}, outside the paths given; skipped (give {target} itself to ingest it)")]
    LinkOutside { path: String, target: String },
    #[error("{path}: is a link to {target}, a folder read already (a link loop or a second way in); skipped")]
    LinkLoop { path: String, target: String },
    #[error("{path}: is a link that leads nowhere ({reason}); skipped (fix or remove the link)")]
    BrokenLink { path: String, reason: String },
    #[error("{path}: looks like a binary file (NUL byte at byte {offset}); only UTF-8 text is ingested")]
    Binary { path: String, offset: usize },
    #[error("{path}: invalid UTF-8 at byte {offset}; convert the file to UTF-8 (e.g. iconv -f WINDOWS-1252 -t UTF-8)")]
    InvalidUtf8 { path: String, offset: usize },
    #[error("{path}:{line}: malformed JSON ({reason}); expected one {{\"id\",\"title\",\"date\",\"url\",\"text\"}} object per line")]
    BadJsonLine { path: String, line: usize, reason: String },
    #[error("{origin}: the text is empty after normalisation")]
    EmptyText { origin: String },
    #[error("{origin}: date {date:?} is not a plausible date; use YYYY, YYYY-MM or YYYY-MM-DD between 1800 and 2100")]
    BadDate { origin: String, date: String },
    #[error("{path}: nothing ingestible here (looked for .txt and .jsonl files)")]
    NothingToIngest { path: String },
}

/// What a path is when it is not a regular file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Folder,
    NamedPipe,
    CharacterDevice,
    BlockDevice,
    Socket,
    Unknown,
}

impl FileKind {
    fn of(meta: &std::fs::Metadata) -> Self {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_dir() {
            FileKind::Folder
        } else if t.is_fifo() {
            FileKind::NamedPipe
        } else if t.is_char_device() {
            FileKind::CharacterDevice
        } else if t.is_block_device() {
            FileKind::BlockDevice
        } else if t.is_socket() {
            FileKind::Socket
        } else {
            FileKind::Unknown
        }
    }
}

impl std::fmt::Display for FileKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FileKind::Folder => "a folder",
            FileKind::NamedPipe => "a named pipe (FIFO)",
            FileKind::CharacterDevice => "a character device",
            FileKind::BlockDevice => "a block device",
            FileKind::Socket => "a socket",
            FileKind::Unknown => "of an unknown file type",
        })
    }
}

/// A document as supplied by a user, before normalisation.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
pub struct RawDocument {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    pub text: String,
    /// Where it came from, for error messages ("file.jsonl:3").
    #[serde(skip)]
    pub origin: String,
}

/// Normalise a raw document and give it its content id. Header lines at the start of
/// the text (`date …`, `title …`, `url …`) fill fields the input left empty.
pub fn prepare(raw: RawDocument) -> Result<Document, IngestError> {
    let text = normalise_text(&raw.text);
    let (header, body) = split_header(&text);
    let body = body.trim();
    if body.is_empty() {
        return Err(IngestError::EmptyText { origin: raw.origin });
    }
    let date = match raw.date.filter(|d| !d.trim().is_empty()).or(header.date) {
        Some(d) => {
            Some(parse_date(d.trim()).ok_or(IngestError::BadDate { origin: raw.origin.clone(), date: d.clone() })?)
        }
        None => None,
    };
    let body = body.to_string();
    Ok(Document {
        id: content_id(&body),
        external_id: raw.id.filter(|s| !s.is_empty()),
        title: raw.title.or(header.title).map(|t| normalise_text(&t).trim().to_string()),
        date,
        source: raw.url.or(header.url).or(Some(raw.origin).filter(|o| !o.is_empty())),
        language: "nl".to_string(),
        text: body,
        ingested_at: SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_fields_fill_the_document_and_leave_the_body() {
        let raw = RawDocument {
            text: " date 2019-03 Aboutaleb wil meer politie.\n\nTweede alinea.".into(),
            origin: "a.txt".into(),
            ..Default::default()
        };
        let doc = prepare(raw).expect("valid document");
        assert_eq!(doc.date.as_deref(), Some("2019-03"));
        assert!(doc.text.starts_with("Aboutaleb wil"));
        assert_eq!(doc.id, content_id(&doc.text));
    }

    #[test]
    fn absurd_dates_are_refused() {
        let raw = RawDocument { text: "Tekst.".into(), date: Some("3019-13-40".into()), ..Default::default() };
        assert!(matches!(prepare(raw), Err(IngestError::BadDate { .. })));
    }

    #[test]
    fn whitespace_only_text_is_refused() {
        let raw = RawDocument { text: " \n\t ".into(), origin: "x".into(), ..Default::default() };
        assert!(matches!(prepare(raw), Err(IngestError::EmptyText { .. })));
    }
}
