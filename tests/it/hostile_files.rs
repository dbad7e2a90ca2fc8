//! Hostile files and a full disk: `ingest` skips what is not a file with a message and
//! never hangs or reads without end; the server reports a store it cannot write to,
//! recovers once the disk has room again, and refuses to serve a corrupt store.

use crate::common::*;
use kennisgraaf::server::ServerConfig;
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

#[test]
fn serve_refuses_a_store_that_check_refuses_and_names_check() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("store");
    let kg = pipeline(&store);
    ingest_reference(&kg);
    drop(kg);
    // Damage the store as a bug or a hand edit could: drop one name index entry. (Only
    // the store module touches sled; a test that breaks the store on purpose must too.)
    let db = (0..40)
        .find_map(|_| {
            sled::open(&store).ok().or_else(|| {
                std::thread::sleep(Duration::from_millis(50));
                None
            })
        })
        .expect("the store opens once the pipeline let go of it");
    let (name_key, _) = db.scan_prefix(b"name:").next().expect("a name index entry").expect("readable");
    db.remove(&name_key).expect("remove");
    db.flush().expect("flush");
    drop(db);
    std::thread::sleep(Duration::from_millis(200));

    let check = run_within(Duration::from_secs(30), kennisgraaf(&store).arg("check"));
    assert!(!check.status.success(), "check must refuse the damaged store");

    let serve =
        run_within(Duration::from_secs(30), kennisgraaf(&store).args(["serve", "--addr", "127.0.0.1:0", "--no-seed"]));
    let err = String::from_utf8_lossy(&serve.stderr);
    assert!(!serve.status.success(), "serve must refuse the damaged store:\n{err}");
    assert!(err.contains("missing from the name index"), "the problem is shown:\n{err}");
    assert!(err.contains("fails its integrity check") && err.contains("check`"), "{err}");
}

/// A small tmpfs mounted for a test, unmounted when dropped; `None` when this process may
/// not mount (not root, or no CAP_SYS_ADMIN in a container).
struct SmallDisk {
    dir: std::path::PathBuf,
}

impl SmallDisk {
    fn mount(dir: &Path, size: &str) -> Option<Self> {
        std::fs::create_dir_all(dir).expect("mkdir");
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        mounted.then(|| Self { dir: dir.to_path_buf() })
    }

    /// Write to `path` until the disk is full.
    fn fill(&self, path: &Path) {
        use std::io::Write;
        let mut file = std::fs::File::create(path).expect("filler");
        let chunk = vec![0x5au8; 64 * 1024];
        while file.write_all(&chunk).is_ok() {}
        // The last few bytes too, so that no write of any size fits.
        while file.write_all(b"x").is_ok() {}
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.dir).status();
    }
}

fn health(server: &TestServer) -> (u16, String) {
    match ureq::get(&format!("{}/health", server.url)).call() {
        Ok(resp) => (resp.status(), resp.into_string().expect("body")),
        Err(ureq::Error::Status(code, resp)) => (code, resp.into_string().expect("body")),
        Err(e) => panic!("health request failed: {e}"),
    }
}

#[test]
fn after_a_full_disk_the_server_says_so_and_recovers_without_a_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some(disk) = SmallDisk::mount(&dir.path().join("disk"), "16m") else {
        eprintln!("skipped: mounting a tmpfs is not permitted here (needs root); cannot fill a disk");
        return;
    };
    let kg = pipeline(&disk.dir.join("store"));
    ingest_reference(&kg);
    let server = TestServer::start(kg.clone(), ServerConfig { token: Some("t".into()), ..ServerConfig::default() });
    let ingest = |text: &str| {
        let documents = serde_json::json!([{ "text": text }]);
        server.query(
            "mutation($d: [DocumentInput!]!) { ingest(documents: $d) { stored problems } }",
            &serde_json::json!({ "d": documents }),
            Some("t"),
        )
    };
    assert_eq!(health(&server), (200, "ok".to_string()));

    let filler = disk.dir.join("filler");
    disk.fill(&filler);
    // Longer than a memory page: a write that fits in the page the store's last write
    // began (tmpfs gives space a page at a time) needs no space and rightly succeeds.
    let long: String = (0..120)
        .map(|day| format!("Burgemeester Halsema van Amsterdam sprak op dag {day} in Utrecht over de politie. "))
        .collect();
    let refused = ingest(&long);
    let error = &refused["errors"][0];
    assert_eq!(error["extensions"]["code"], "STORE_UNAVAILABLE", "{refused}");
    let message = error["message"].as_str().expect("message");
    assert!(message.contains("free disk space") && message.contains("no restart"), "{message}");
    let (status, body) = health(&server);
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("unhealthy") && body.contains("No space left on device"), "{body}");
    let again = ingest("Minister Grapperhaus bezocht Groningen.");
    assert_eq!(again["errors"][0]["extensions"]["code"], "STORE_UNAVAILABLE", "{again}");

    std::fs::remove_file(&filler).expect("free the disk");
    // Recovery is attempted at most once per RECOVERY_INTERVAL: give it a few.
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut last = health(&server);
    while last.0 != 200 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
        last = health(&server);
    }
    assert_eq!(last, (200, "ok".to_string()), "health recovers once the disk has room");
    let stored = ingest("Burgemeester Halsema van Amsterdam sprak in Utrecht over de politie.");
    assert!(stored["errors"].is_null(), "{stored}");
    assert_eq!(stored["data"]["ingest"]["stored"].as_array().map(Vec::len), Some(1), "{stored}");

    // The graph is what the store holds, and the store is sound.
    assert_eq!(kg.store().check().expect("check runs"), Vec::<String>::new());
    let counts = kg.store().counts().expect("counts");
    assert_eq!(counts.documents, 2, "the reference article and the one stored after recovery");
    let graph = kg.graph();
    assert_eq!((graph.entity_count() as u64, graph.relation_count() as u64), (counts.entities, counts.relations));
}
