//! Reading `.txt` and `.jsonl` files and folders of them into `RawDocument`s.
//!
//! A bad file or line never stops the others: each becomes a `SourceProblem` in the
//! report, and the good input is still returned.

use super::{IngestError, RawDocument};
use std::fs;
use std::path::{Path, PathBuf};

pub type SourceProblem = IngestError;

#[derive(Debug, Clone, Copy)]
pub struct ReadLimits {
    /// Files larger than this are refused whole.
    pub max_file_bytes: u64,
}

impl Default for ReadLimits {
    fn default() -> Self {
        Self { max_file_bytes: 64 * 1024 * 1024 }
    }
}

#[derive(Debug, Default)]
pub struct ReadReport {
    pub documents: Vec<RawDocument>,
    pub problems: Vec<SourceProblem>,
}

/// Read every path (file or folder, folders recursively, in name order).
pub fn read_paths(paths: &[PathBuf], limits: ReadLimits) -> ReadReport {
    let mut report = ReadReport::default();
    for path in paths {
        let display = path.display().to_string();
        match fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                report.problems.push(IngestError::NotFound { path: display })
            }
            Err(e) => report.problems.push(IngestError::Unreadable { path: display, reason: e.to_string() }),
            Ok(meta) if meta.is_dir() => {
                let mut files = Vec::new();
                if let Err(e) = collect_files(path, &mut files) {
                    report.problems.push(e);
                }
                if files.is_empty() {
                    report.problems.push(IngestError::NothingToIngest { path: display });
                }
                for file in files {
                    read_file(&file, limits, &mut report);
                }
            }
            Ok(_) => read_file(path, limits, &mut report),
        }
    }
    report
}

fn is_ingestible(path: &Path) -> bool {
    matches!(path.extension().and_then(|e| e.to_str()), Some("txt" | "jsonl"))
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), IngestError> {
    let unreadable =
        |e: std::io::Error| IngestError::Unreadable { path: dir.display().to_string(), reason: e.to_string() };
    let mut entries: Vec<PathBuf> =
        fs::read_dir(dir).map_err(unreadable)?.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for entry in entries {
        if entry.is_dir() {
            collect_files(&entry, out)?;
        } else if is_ingestible(&entry) {
            out.push(entry);
        }
    }
    Ok(())
}

fn read_file(path: &Path, limits: ReadLimits, report: &mut ReadReport) {
    match read_text(path, limits) {
        Err(e) => report.problems.push(e),
        Ok(text) if path.extension().and_then(|e| e.to_str()) == Some("jsonl") => {
            parse_jsonl(&path.display().to_string(), &text, report)
        }
        Ok(text) => {
            report.documents.push(RawDocument { text, origin: path.display().to_string(), ..Default::default() })
        }
    }
}

/// Read a whole file as UTF-8 text, refusing empty, huge, binary and non-UTF-8 files.
pub fn read_text(path: &Path, limits: ReadLimits) -> Result<String, IngestError> {
    let display = path.display().to_string();
    let unreadable = |e: std::io::Error| IngestError::Unreadable { path: display.clone(), reason: e.to_string() };
    let size = fs::metadata(path).map_err(unreadable)?.len();
    if size > limits.max_file_bytes {
        return Err(IngestError::TooLarge { path: display, size, limit: limits.max_file_bytes });
    }
    let bytes = fs::read(path).map_err(unreadable)?;
    decode(&display, bytes)
}

/// Validate bytes as text: not empty, no NUL bytes, valid UTF-8.
pub fn decode(origin: &str, bytes: Vec<u8>) -> Result<String, IngestError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(IngestError::Empty { path: origin.to_string() });
    }
    if let Some(offset) = bytes.iter().position(|&b| b == 0) {
        return Err(IngestError::Binary { path: origin.to_string(), offset });
    }
    String::from_utf8(bytes)
        .map_err(|e| IngestError::InvalidUtf8 { path: origin.to_string(), offset: e.utf8_error().valid_up_to() })
}

fn parse_jsonl(path: &str, text: &str, report: &mut ReadReport) {
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<RawDocument>(line) {
            Ok(mut doc) => {
                doc.origin = format!("{path}:{}", n + 1);
                report.documents.push(doc);
            }
            Err(e) => report.problems.push(IngestError::BadJsonLine {
                path: path.to_string(),
                line: n + 1,
                reason: e.to_string(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_reports_the_byte_offset() {
        let err = decode("a.txt", b"caf\xe9 au lait".to_vec()).expect_err("latin-1 is not UTF-8");
        assert_eq!(err, IngestError::InvalidUtf8 { path: "a.txt".into(), offset: 3 });
        assert!(err.to_string().contains("byte 3"));
    }

    #[test]
    fn binary_and_empty_files_are_refused() {
        assert!(matches!(decode("b", b"PK\x03\x04\x00\x00".to_vec()), Err(IngestError::Binary { offset: 4, .. })));
        assert!(matches!(decode("e", b" \n".to_vec()), Err(IngestError::Empty { .. })));
    }

    #[test]
    fn bad_jsonl_lines_are_reported_and_good_lines_kept() {
        let mut report = ReadReport::default();
        parse_jsonl("x.jsonl", "{\"text\":\"Een.\"}\n{oops\n\n{\"id\":\"b\",\"text\":\"Twee.\"}\n", &mut report);
        assert_eq!(report.documents.len(), 2);
        assert_eq!(report.documents[1].origin, "x.jsonl:4");
        assert!(matches!(&report.problems[..], [IngestError::BadJsonLine { line: 2, .. }]));
    }
}
