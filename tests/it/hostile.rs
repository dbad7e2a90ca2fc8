//! Hostile clients cannot hurt the server: one request budget on every transport
//! (api/limits.rs), connection limits and the Host/Origin guard (server.rs,
//! server/connection.rs). Memory is read from `/proc` of a real `kennisgraaf serve` child
//! process, serving the bundled corpus; its peak is reset before each attack
//! (`/proc/PID/clear_refs`), so the figure is the attack's.

use crate::common::{pipeline, repo, TestServer};
use kennisgraaf::api::Limits;
use kennisgraaf::server::{ConnectionLimits, ServerConfig};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Most a hostile request may add to the server's memory (the bound).
const MAX_EXTRA_MB: f64 = 300.0;

/// `kennisgraaf serve` on 127.0.0.1:0 over a fresh store seeded with the bundled corpus.
struct ChildServer {
    child: Child,
    addr: String,
    _dir: tempfile::TempDir,
}

impl ChildServer {
    fn start(extra: &[&str]) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut child = Command::new(env!("CARGO_BIN_EXE_kennisgraaf"))
            .current_dir(repo(""))
            .arg("--store")
            .arg(dir.path().join("store"))
            .args(["--log", "warn", "serve", "--addr", "127.0.0.1:0"])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("serve starts");
        let stderr = child.stderr.take().expect("stderr");
        let mut lines = BufReader::new(stderr).lines();
        let addr = loop {
            let line = lines.next().and_then(Result::ok).unwrap_or_else(|| panic!("serve exited before serving"));
            // "serving http://127.0.0.1:PORT/explore (explorer), …"
            if let Some(rest) = line.strip_prefix("serving http://") {
                break rest.split('/').next().expect("address").to_string();
            }
        };
        // Keep reading stderr so the child never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Self { child, addr, _dir: dir }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn status_kb(&self, field: &str) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).expect("proc status");
        let line = status.lines().find(|l| l.starts_with(field)).expect("field in status");
        line.split_whitespace().nth(1).and_then(|v| v.parse().ok()).expect("kB figure")
    }

    /// Resident memory now, then the peak counter set back to it.
    fn reset_peak_mb(&self) -> f64 {
        std::fs::write(format!("/proc/{}/clear_refs", self.child.id()), "5").expect("reset peak RSS");
        self.status_kb("VmRSS:") / 1024.0
    }

    fn peak_mb(&self) -> f64 {
        self.status_kb("VmHWM:") / 1024.0
    }

    fn post(&self, query: &str) -> Value {
        post(&self.url(), query)
    }

    fn alive(&self) -> bool {
        let r = self.post("{ stats { documents } }");
        r["data"]["stats"]["documents"].as_u64().is_some_and(|n| n > 0)
    }
}

impl Drop for ChildServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn post(url: &str, query: &str) -> Value {
    let req = ureq::post(&format!("{url}/graphql")).set("content-type", "application/json");
    match req.send_json(json!({ "query": query })) {
        Ok(resp) => resp.into_json().expect("json"),
        Err(ureq::Error::Status(_, resp)) => resp.into_json().unwrap_or(Value::Null),
        Err(e) => panic!("request failed: {e}"),
    }
}

fn limit_of(r: &Value) -> (&str, &str) {
    let ext = &r["errors"][0]["extensions"];
    (ext["code"].as_str().unwrap_or_default(), ext["limit"].as_str().unwrap_or_default())
}

/// A graphql-transport-ws client: connects, initialises, subscribes with `query` and
/// returns the first message about it (`next` or `error`), or the close if the server closed.
fn over_websocket(addr: &str, query: &str) -> Value {
    use tungstenite::client::IntoClientRequest;
    let mut request = format!("ws://{addr}/graphql/ws").into_client_request().expect("request");
    request.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse().expect("header"));
    let (mut ws, _) = tungstenite::connect(request).expect("websocket connects");
    let send = |ws: &mut tungstenite::WebSocket<_>, v: Value| ws.send(tungstenite::Message::text(v.to_string()));
    send(&mut ws, json!({ "type": "connection_init" })).expect("init");
    let subscribe = json!({ "id": "1", "type": "subscribe", "payload": { "query": query } });
    if let Err(e) = send(&mut ws, subscribe) {
        return json!({ "closed": e.to_string() });
    }
    loop {
        match ws.read() {
            Ok(tungstenite::Message::Text(text)) => {
                let v: Value = serde_json::from_str(&text).expect("json message");
                if v["type"] == "next" || v["type"] == "error" {
                    return v;
                }
            }
            Ok(tungstenite::Message::Close(frame)) => return json!({ "closed": frame.map(|f| f.reason.to_string()) }),
            Ok(_) => {}
            Err(e) => return json!({ "closed": e.to_string() }),
        }
    }
}

/// Item 1: over the WebSocket, a 447-byte query asking relations of relations of
/// relations (three aliases of it) is refused by the same budget as over HTTP, and the
/// transport's own limits hold (a 14 MB message is refused, the server lives).
#[test]
fn a_huge_answer_asked_over_websocket_is_refused_within_bounded_memory() {
    let server = ChildServer::start(&[]);
    let nested = "entities(first:100){nodes{relations(first:100){nodes{id source{relations(first:100){nodes{id target{relations(first:100){nodes{id}}}}}}}}}}";
    let query = format!("{{ a: {nested} b: {nested} c: {nested} }}");
    let idle = server.reset_peak_mb();
    let answer = over_websocket(&server.addr, &query);
    let extra = server.peak_mb() - idle;
    let errors = if answer["type"] == "next" { &answer["payload"]["errors"] } else { &answer["payload"] };
    assert_eq!(errors[0]["extensions"]["code"], "LIMIT_EXCEEDED", "{answer}");
    assert_eq!(errors[0]["extensions"]["limit"], "answerItems", "{answer}");
    assert!(extra <= MAX_EXTRA_MB, "the attack took {extra:.0} MB above idle");

    let huge = format!("{{ {} }}", (0..700_000).map(|i| format!("a{i}: __typename")).collect::<Vec<_>>().join(" "));
    let answer = over_websocket(&server.addr, &huge);
    assert!(
        answer.get("closed").is_some() || answer["payload"][0]["extensions"]["code"] == "LIMIT_EXCEEDED",
        "{answer}"
    );
    assert!(server.alive(), "the server died");
}

/// Item 2: connection `nodes` count into the answer budget, and so do the bytes of text.
#[test]
fn connection_nodes_and_their_text_count_into_the_answer_budget() {
    let server = ChildServer::start(&[]);
    let aliases = (0..900).map(|i| format!("d{i}: documents(first: 100) {{ nodes {{ text }} }}")).collect::<Vec<_>>();
    let idle = server.reset_peak_mb();
    let r = server.post(&format!("{{ {} }}", aliases.join(" ")));
    let extra = server.peak_mb() - idle;
    assert_eq!(limit_of(&r).0, "LIMIT_EXCEEDED", "{r}");
    assert!(["answerItems", "answerBytes"].contains(&limit_of(&r).1), "{r}");
    assert!(extra <= MAX_EXTRA_MB, "the attack took {extra:.0} MB above idle");

    // Counted exactly: with a budget of 20 items, one page of 12 entities fits (the article has more), two do not.
    let dir = tempfile::tempdir().expect("tempdir");
    let kg = pipeline(dir.path());
    crate::common::ingest_reference(&kg);
    let limits = Limits { answer_items: 20, ..Limits::default() };
    let small = TestServer::start(kg, ServerConfig { limits, ..Default::default() });
    let one = small.query("{ entities(first: 12) { nodes { id } } }", &json!({}), None);
    assert_eq!(one["data"]["entities"]["nodes"].as_array().map(Vec::len), Some(12), "{one}");
    let two = "{ a: entities(first: 12) { nodes { id } } b: entities(first: 12) { nodes { id } } }";
    let two = small.query(two, &json!({}), None);
    assert_eq!(limit_of(&two), ("LIMIT_EXCEEDED", "answerItems"), "{two}");
}

/// Item 3: documents that fail validation are not kept, so distinct ones cost nothing
/// once answered; and a query text past the byte limit is refused before it is parsed.
#[test]
fn refused_documents_do_not_stay_in_memory() {
    let server = ChildServer::start(&[]);
    let idle = server.reset_peak_mb();
    for n in 0..200 {
        // About 200 KB each, every one different, every one invalid (no such field).
        let fields = (0..12_000).map(|i| format!("f{n}x{i}")).collect::<Vec<_>>().join(" ");
        let r = server.post(&format!("{{ stats {{ {fields} }} }}"));
        assert!(r["errors"][0]["extensions"]["code"].is_string(), "{}", &r.to_string()[..200.min(r.to_string().len())]);
    }
    let after = server.reset_peak_mb();
    assert!(after - idle <= MAX_EXTRA_MB, "{:.0} MB stayed resident after 200 refused documents", after - idle);
    let too_long = format!("{{ stats {{ documents }} }} #{}", "x".repeat(300 * 1024));
    assert_eq!(limit_of(&server.post(&too_long)), ("LIMIT_EXCEEDED", "queryBytes"));
}

/// Item 4: a document whose fragments double at every level is refused at once (its size
/// is computed, not expanded), and CPU-bound resolvers stop at the time limit.
#[test]
fn cpu_bound_requests_stop_at_their_limits() {
    let server = ChildServer::start(&["--timeout-secs", "2"]);
    let mut bomb = String::from("query { ...F27 } fragment F0 on Query { stats { documents } }");
    for i in 1..=27 {
        bomb.push_str(&format!(" fragment F{i} on Query {{ ...F{p} ...F{p} }}", p = i - 1));
    }
    assert!(bomb.len() < 1_200, "{}", bomb.len());
    let started = Instant::now();
    let r = server.post(&bomb);
    assert_eq!(limit_of(&r), ("LIMIT_EXCEEDED", "complexity"), "{r}");
    assert!(started.elapsed() < Duration::from_secs(2), "refused after {:?}", started.elapsed());

    // A thousand aliases of the costliest fields: stopped at the deadline, with its code.
    let slow = (0..1000)
        .map(|i| format!("s{i}: documents(first: 100) {{ totalCount }} t{i}: stats {{ documents mentions }}"))
        .collect::<Vec<_>>()
        .join(" ");
    let slow = format!("{{ {slow} }}");
    let started = Instant::now();
    let r = server.post(&slow);
    let took = started.elapsed();
    let timed_out = r["errors"].as_array().is_some_and(|e| e.iter().any(|e| e["extensions"]["limit"] == "timeMs"));
    assert!(timed_out || took < Duration::from_secs(2), "ran {took:?} past a 2 s limit: {}", &r.to_string()[..300]);
    assert!(took < Duration::from_secs(6), "a 2 s limit took {took:?}");
    assert!(server.alive());
}

/// Item 5: the WebSocket and HTTP answer only the server's own origin (and those
/// configured), only Host headers naming the served address, and `serve` refuses a
/// public address without `--public`.
#[test]
fn other_sites_and_other_host_names_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = ServerConfig {
        cors_origins: vec!["https://app.example".into()],
        allowed_hosts: vec!["kennisgraaf.example".into()],
        ..Default::default()
    };
    let server = TestServer::start(pipeline(dir.path()), config);
    let addr = server.url.trim_start_matches("http://").to_string();
    let upgrade = |origin: &str| {
        raw(&addr, &format!(
            "GET /graphql/ws HTTP/1.1\r\nhost: {addr}\r\norigin: {origin}\r\nconnection: upgrade\r\nupgrade: websocket\r\n\
             sec-websocket-version: 13\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
             sec-websocket-protocol: graphql-transport-ws\r\n\r\n"
        ))
    };
    assert!(upgrade("https://evil.example").starts_with("HTTP/1.1 403"), "{}", upgrade("https://evil.example"));
    assert!(upgrade(&format!("http://{addr}")).starts_with("HTTP/1.1 101"));
    assert!(upgrade("https://app.example").starts_with("HTTP/1.1 101"));
    let get = |host: &str| raw(&addr, &format!("GET /health HTTP/1.1\r\nhost: {host}\r\nconnection: close\r\n\r\n"));
    assert!(get("rebound.evil.example").starts_with("HTTP/1.1 421"), "{}", get("rebound.evil.example"));
    assert!(get(&addr).starts_with("HTTP/1.1 200"));
    assert!(get(&addr.replace("127.0.0.1", "localhost")).starts_with("HTTP/1.1 200"));
    assert!(get("kennisgraaf.example").starts_with("HTTP/1.1 200"));

    let out = Command::new(env!("CARGO_BIN_EXE_kennisgraaf"))
        .current_dir(repo(""))
        .arg("--store")
        .arg(dir.path().join("other"))
        .args(["serve", "--no-seed", "--addr", "0.0.0.0:0"])
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && stderr.contains("--public"), "{stderr}");
}

/// Item 6: connections that never finish their headers, WebSockets that never send
/// `connection_init`, and clients that never read an export are closed; past the cap a
/// new connection is told so.
#[test]
fn slow_and_idle_connections_are_closed_and_open_ones_are_capped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let kg = pipeline(dir.path());
    kg.ingest(kennisgraaf::ingest::read_paths(&[repo("data/corpus")], Default::default()).documents, || {})
        .expect("ingest corpus");
    let connections = ConnectionLimits {
        max_open: 4,
        header_read: Duration::from_secs(1),
        body_read: Duration::from_secs(1),
        ws_init: Duration::from_secs(1),
        write_stall: Duration::from_secs(1),
    };
    let server = TestServer::start(kg, ServerConfig { connections, ..Default::default() });
    let addr = server.url.trim_start_matches("http://").to_string();
    let closed_within = |mut stream: TcpStream, limit: Duration| {
        stream.set_read_timeout(Some(limit)).expect("timeout");
        let mut sink = Vec::new();
        stream.read_to_end(&mut sink).is_ok()
    };

    let half = TcpStream::connect(&addr).expect("connect");
    (&half).write_all(format!("GET /health HTTP/1.1\r\nhost: {addr}\r\n").as_bytes()).expect("half the headers");
    assert!(closed_within(half, Duration::from_secs(5)), "half a request kept its connection");

    let ws = TcpStream::connect(&addr).expect("connect");
    (&ws)
        .write_all(
            format!(
                "GET /graphql/ws HTTP/1.1\r\nhost: {addr}\r\nconnection: upgrade\r\nupgrade: websocket\r\n\
         sec-websocket-version: 13\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
         sec-websocket-protocol: graphql-transport-ws\r\n\r\n"
            )
            .as_bytes(),
        )
        .expect("upgrade");
    assert!(closed_within(ws, Duration::from_secs(5)), "a WebSocket without connection_init stayed open");

    // Exports nobody reads: their connections are closed once writes stall.
    let readers: Vec<TcpStream> = (0..4)
        .map(|_| {
            let s = TcpStream::connect(&addr).expect("connect");
            (&s).write_all(format!("GET /export/graphml HTTP/1.1\r\nhost: {addr}\r\n\r\n").as_bytes()).expect("ask");
            s
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let busy = raw(&addr, &format!("GET /health HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n\r\n"));
    assert!(busy.starts_with("HTTP/1.1 503") && busy.contains("limit"), "{busy}");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let answer = raw(&addr, &format!("GET /health HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n\r\n"));
        if answer.starts_with("HTTP/1.1 200") {
            break;
        }
        assert!(Instant::now() < deadline, "stalled exports kept every connection: {answer}");
        std::thread::sleep(Duration::from_millis(200));
    }
    drop(readers);
}

/// Item 10: refusals carry codes and the limit; parse errors do not echo the query; GET
/// honours `operationName`.
#[test]
fn refusals_carry_codes_and_stay_short() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = TestServer::start(pipeline(dir.path()), ServerConfig::default());
    let nested =
        format!("{{ search(text: \"a\") {{ {} id {} }} }}", "neighbors { nodes { ".repeat(10), "} }".repeat(10));
    let r = server.query(&nested, &json!({}), None);
    assert_eq!(limit_of(&r), ("LIMIT_EXCEEDED", "depth"), "{r}");
    assert_eq!(r["errors"][0]["extensions"]["max"], 16);
    let unknown = server.query("{ nope }", &json!({}), None);
    assert_eq!(unknown["errors"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED", "{unknown}");

    let argument = "x".repeat(200 * 1024);
    let body = post(&server.url, &format!("{{ search(text: \"{argument}\" ) {{ id }}"));
    let reply = body.to_string();
    assert_eq!(body["errors"][0]["extensions"]["code"], "GRAPHQL_PARSE_FAILED", "{}", &reply[..300]);
    assert!(reply.len() < 2_000, "a parse error echoed {} bytes", reply.len());
    let empty = post(&server.url, "");
    assert_eq!(empty["errors"][0]["extensions"]["code"], "BAD_REQUEST", "{empty}");

    let two = "query A { stats { documents } } query B { stats { entities } }";
    let url = format!("{}/graphql?query={}&operationName=B", server.url, urlencode(two));
    let r: Value = ureq::get(&url).call().expect("GET").into_json().expect("json");
    assert!(r["data"]["stats"]["entities"].is_number() && r["data"]["stats"].get("documents").is_none(), "{r}");
}

fn urlencode(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

/// Send a raw HTTP request; the answer's head (status line and headers) and some body.
fn raw(addr: &str, request: &str) -> String {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
    stream.write_all(request.as_bytes()).expect("write");
    let mut buf = vec![0u8; 4096];
    let n = stream.read(&mut buf).unwrap_or(0);
    String::from_utf8_lossy(&buf[..n]).into_owned()
}
