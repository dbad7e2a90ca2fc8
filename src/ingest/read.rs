//! Reading `.txt` and `.jsonl` files and folders of them into `RawDocument`s.
//!
//! A bad file or line never stops the others: each becomes a `SourceProblem` in the
//! report, and the good input is still returned.
//!
//! Invariants, whatever the folders hold: only regular files are opened (a FIFO, device
//! or socket is reported before anything could block on it); at most
//! `ReadLimits::max_file_bytes` are read from any file, whatever size it claims; a
//! symbolic link found in a folder is followed only when its target lies inside one of
//! the paths given, and each folder is read at most once per given path, so links that
//! loop end the walk instead of repeating it.

use super::{FileKind, IngestError, RawDocument};
use std::collections::HashSet;
use std::fs;
use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
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

/// Read every path (file or folder, folders recursively, in name order). Links among the
/// paths given are followed; links inside folders only to targets within those paths.
pub fn read_paths(paths: &[PathBuf], limits: ReadLimits) -> ReadReport {
    let mut report = ReadReport::default();
    let roots: Vec<PathBuf> = paths.iter().filter_map(|p| fs::canonicalize(p).ok()).collect();
    for path in paths {
        let display = path.display().to_string();
        match fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                report.problems.push(IngestError::NotFound { path: display })
            }
            Err(e) => report.problems.push(IngestError::Unreadable { path: display, reason: e.to_string() }),
            Ok(meta) if meta.is_dir() => {
                let mut walk = FolderWalk { roots: &roots, visited: HashSet::new(), files: Vec::new() };
                walk.folder(path, &mut report.problems);
                if walk.files.is_empty() {
                    report.problems.push(IngestError::NothingToIngest { path: display });
                }
                for file in walk.files {
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

/// The files to read under one given folder.
struct FolderWalk<'a> {
    /// Canonical forms of every path given: where links may lead.
    roots: &'a [PathBuf],
    /// Canonical folders already read.
    visited: HashSet<PathBuf>,
    files: Vec<PathBuf>,
}

impl FolderWalk<'_> {
    fn folder(&mut self, dir: &Path, problems: &mut Vec<IngestError>) {
        let unreadable =
            |e: std::io::Error| IngestError::Unreadable { path: dir.display().to_string(), reason: e.to_string() };
        match fs::canonicalize(dir) {
            Ok(canonical) => {
                if !self.visited.insert(canonical) {
                    // Reached before through a link: its files are listed already.
                    return;
                }
            }
            Err(e) => return problems.push(unreadable(e)),
        }
        let mut entries: Vec<PathBuf> = match fs::read_dir(dir) {
            Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(e) => return problems.push(unreadable(e)),
        };
        entries.sort();
        for entry in entries {
            self.entry(entry, problems);
        }
    }

    fn entry(&mut self, entry: PathBuf, problems: &mut Vec<IngestError>) {
        let display = entry.display().to_string();
        let unreadable = |e: std::io::Error| IngestError::Unreadable { path: display.clone(), reason: e.to_string() };
        let meta = match fs::symlink_metadata(&entry) {
            Ok(meta) => meta,
            Err(e) => return problems.push(unreadable(e)),
        };
        if meta.is_dir() {
            return self.folder(&entry, problems);
        }
        if !meta.file_type().is_symlink() {
            // Regular or not, a candidate by its name; `read_text` refuses what is not a file.
            if is_ingestible(&entry) {
                self.files.push(entry);
            }
            return;
        }
        let (target, target_meta) = match fs::canonicalize(&entry).and_then(|t| fs::metadata(&t).map(|m| (t, m))) {
            Ok(found) => found,
            Err(e) => {
                return problems.push(IngestError::BrokenLink { path: display, reason: e.to_string() });
            }
        };
        if !target_meta.is_dir() && !is_ingestible(&entry) {
            return;
        }
        if !target_meta.is_dir() && !target_meta.is_file() {
            return problems.push(IngestError::NotAFile { path: display, kind: FileKind::of(&target_meta) });
        }
        if !self.roots.iter().any(|root| target.starts_with(root)) {
            let target = target.display().to_string();
            return problems.push(IngestError::LinkOutside { path: display, target });
        }
        if !target_meta.is_dir() {
            return self.files.push(entry);
        }
        if self.visited.contains(&target) {
            let target = target.display().to_string();
            return problems.push(IngestError::LinkLoop { path: display, target });
        }
        self.folder(&entry, problems);
    }
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

/// Read a whole regular file as UTF-8 text, refusing FIFOs, devices and sockets (before
/// opening them), empty, huge, binary and non-UTF-8 files. Never reads more than the
/// limit, even from a file whose size reads smaller than its content (as in /proc).
pub fn read_text(path: &Path, limits: ReadLimits) -> Result<String, IngestError> {
    let display = path.display().to_string();
    let unreadable = |e: std::io::Error| IngestError::Unreadable { path: display.clone(), reason: e.to_string() };
    let not_a_file = |meta: &fs::Metadata| {
        (!meta.is_file()).then(|| IngestError::NotAFile { path: display.clone(), kind: FileKind::of(meta) })
    };
    let meta = fs::metadata(path).map_err(unreadable)?;
    if let Some(e) = not_a_file(&meta) {
        return Err(e);
    }
    if meta.len() > limits.max_file_bytes {
        return Err(IngestError::TooLarge { path: display, size: meta.len(), limit: limits.max_file_bytes });
    }
    // Non-blocking, and checked again once open: the path may have been swapped for a
    // FIFO or a device since it was looked at.
    let file = fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK).open(path).map_err(unreadable)?;
    if let Some(e) = not_a_file(&file.metadata().map_err(unreadable)?) {
        return Err(e);
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limits.max_file_bytes + 1).read_to_end(&mut bytes).map_err(unreadable)?;
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(IngestError::ReadPastLimit { path: display, claimed: meta.len(), limit: limits.max_file_bytes });
    }
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
    fn a_file_longer_than_its_size_claims_is_read_only_to_the_limit() {
        // /proc files read as 0 bytes in their metadata and give kilobytes when read.
        let maps = Path::new("/proc/self/maps");
        assert_eq!(fs::metadata(maps).expect("procfs").len(), 0, "the size must claim less than the content");
        let err = read_text(maps, ReadLimits { max_file_bytes: 64 }).expect_err("over the limit");
        assert!(matches!(err, IngestError::ReadPastLimit { claimed: 0, limit: 64, .. }), "{err}");
        assert!(err.to_string().contains("--max-file-bytes"), "{err}");
    }

    #[test]
    fn devices_are_refused_without_being_read() {
        // Opening /dev/zero and reading it would never end without a limit.
        let err = read_text(Path::new("/dev/zero"), ReadLimits::default()).expect_err("a device is not a file");
        assert_eq!(err, IngestError::NotAFile { path: "/dev/zero".into(), kind: FileKind::CharacterDevice });
        let report = read_paths(&[PathBuf::from("/dev/zero")], ReadLimits::default());
        assert!(report.documents.is_empty());
        assert_eq!(report.problems, vec![err]);
    }

    #[test]
    fn a_link_to_a_folder_inside_the_paths_is_read_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        fs::create_dir(dir.path().join("sub")).expect("mkdir");
        fs::write(dir.path().join("sub/a.txt"), "Rotterdam groeit.").expect("write");
        std::os::unix::fs::symlink("sub", dir.path().join("inner")).expect("symlink");
        let report = read_paths(&[dir.path().to_path_buf()], ReadLimits::default());
        assert_eq!(report.problems, vec![]);
        let origins: Vec<&str> = report.documents.iter().map(|d| d.origin.as_str()).collect();
        assert_eq!(origins, vec![dir.path().join("inner/a.txt").to_str().expect("utf-8 path")]);
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
