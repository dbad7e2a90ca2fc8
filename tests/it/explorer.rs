//! The /explore page in a real browser (Debian's headless Chromium, installed by .ci/run):
//! it searches "Aboutaleb", draws his neighbourhood, logs nothing to the console, and
//! renders a screenshot.

use crate::common::*;
use kennisgraaf::server::ServerConfig;
use std::process::Command;

fn chromium(args: &[&str], profile: &std::path::Path) -> std::process::Output {
    Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(["--virtual-time-budget=15000", "--enable-logging=stderr", "--v=0"])
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run chromium ({e}); install it with `apt-get install chromium` (.ci/run does)")
        })
}

fn attribute(dom: &str, name: &str) -> String {
    let at = dom.find(&format!("{name}=\"")).unwrap_or_else(|| panic!("no {name} in {dom}")) + name.len() + 2;
    dom[at..at + dom[at..].find('"').expect("closing quote")].to_string()
}

#[test]
fn explorer_draws_the_neighbourhood_of_a_searched_entity() {
    let dir = tempfile::tempdir().expect("tempdir");
    let kg = pipeline(&dir.path().join("store"));
    ingest_reference(&kg);
    let server = TestServer::start(kg, ServerConfig::default());
    let url = format!("{}/explore?q=Aboutaleb", server.url);

    let out = chromium(&["--dump-dom", &url], &dir.path().join("profile1"));
    let dom = String::from_utf8_lossy(&out.stdout);
    let status = &dom[dom.find("id=\"status\"").expect("status element")..];
    assert_eq!(attribute(status, "data-error"), "", "the page reported an error");
    let nodes: usize = attribute(status, "data-nodes").parse().expect("node count");
    let edges: usize = attribute(status, "data-edges").parse().expect("edge count");
    assert!(nodes >= 5 && edges >= nodes - 1, "drawn: {nodes} nodes, {edges} edges");
    assert!(dom.contains("class=\"result\">Aboutaleb"), "the search result is listed");
    let log = String::from_utf8_lossy(&out.stderr);
    let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "console messages: {console:?}");

    // GraphiQL at / works offline too: its scripts come from the binary.
    let out = chromium(&["--dump-dom", &format!("{}/", server.url)], &dir.path().join("profile3"));
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(dom.contains("graphiql-container"), "GraphiQL did not render");
    // Its subscription client (graphql-ws, for /graphql/ws) loaded without errors.
    let log = String::from_utf8_lossy(&out.stderr);
    let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "GraphiQL console messages: {console:?}");

    let shot = dir.path().join("explore.png");
    let out = chromium(
        &["--window-size=1280,800", &format!("--screenshot={}", shot.display()), &url],
        &dir.path().join("profile2"),
    );
    let png =
        std::fs::read(&shot).unwrap_or_else(|_| panic!("no screenshot: {}", String::from_utf8_lossy(&out.stderr)));
    assert!(png.starts_with(b"\x89PNG") && png.len() > 20_000, "screenshot of {} bytes", png.len());
}
