//! Hostile files and a full disk: `ingest` skips what is not a file with a message and
//! never hangs or reads without end; the server reports a store it cannot write to,
//! recovers once the disk has room again, and refuses to serve a corrupt store.

use crate::common::*;
use kennisgraaf::store::Store;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Run the binary; kill it and fail if it is still running after `limit`.
fn run_within(limit: Duration, command: &mut Command) -> Output {
    let mut child =
        command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("binary starts");
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("stdout")));
    let stderr = drain(Box::new(child.stderr.take().expect("stderr")));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            break status;
        }
        if started.elapsed() > limit {
            child.kill().expect("kill");
            child.wait().expect("wait");
            let stderr = String::from_utf8_lossy(&stderr.join().expect("stderr")).into_owned();
            panic!("still running after {limit:?}; killed. stderr:\n{stderr}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output { status, stdout: stdout.join().expect("stdout"), stderr: stderr.join().expect("stderr") }
}

fn kennisgraaf(store: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kennisgraaf"));
    command.current_dir(repo("")).args(["--log", "error", "--store"]).arg(store);
    command
}

#[test]
fn ingest_skips_pipes_devices_link_loops_and_links_out_of_the_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in");
    std::fs::create_dir(&input).expect("mkdir");
    std::fs::write(input.join("good.txt"), "Burgemeester Aboutaleb van Rotterdam sprak in Den Haag.").expect("write");
    let mkfifo = Command::new("mkfifo").arg(input.join("pipe.txt")).status().expect("mkfifo runs");
    assert!(mkfifo.success(), "mkfifo failed");
    std::os::unix::fs::symlink("/dev/zero", input.join("zero.txt")).expect("symlink");
    std::os::unix::fs::symlink(".", input.join("self1")).expect("symlink");
    std::os::unix::fs::symlink(".", input.join("self2")).expect("symlink");
    std::os::unix::fs::symlink("/etc", input.join("etc")).expect("symlink");
    let store = dir.path().join("store");

    let out = run_within(Duration::from_secs(5), kennisgraaf(&store).arg("ingest").arg(&input));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "skipped entries make the exit code non-zero:\n{err}");
    let canonical = std::fs::canonicalize(&input).expect("canonical input");
    let at = |name: &str| input.join(name).display().to_string();
    for expected in [
        format!("{}: is a named pipe (FIFO), not a regular file", at("pipe.txt")),
        format!("{}: is a character device, not a regular file", at("zero.txt")),
        format!("{}: is a link to {}, a folder read already", at("self1"), canonical.display()),
        format!("{}: is a link to {}, a folder read already", at("self2"), canonical.display()),
        format!("{}: is a link to /etc, outside the paths given", at("etc")),
        "1 documents stored".to_string(),
    ] {
        assert!(err.contains(&expected), "missing {expected:?} in:\n{err}");
    }
    assert_eq!(err.matches("skipped: ").count(), 5, "one line per skipped entry:\n{err}");

    let store = Store::open(&store).expect("store opens");
    let sources: Vec<Option<String>> = store.documents().map(|d| d.expect("document").document.source).collect();
    assert_eq!(sources, vec![Some(at("good.txt"))], "exactly the good file is stored");
}
