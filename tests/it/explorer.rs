//! The /explore page in a real browser (Debian's headless Chromium, installed by
//! scripts/test.sh): over the bundled corpus it searches "Aboutaleb", shows the legend,
//! expands his neighbourhood two hops to 30+ entities whose labels do not overlap (the
//! page writes their boxes into `#label-boxes`), filters what is drawn without reloading
//! it, says when a search finds nothing, and opens the article of a relation's evidence
//! with the sentence and its entities highlighted; nothing is logged to the console.
//! Screenshots of each view are kept in `$CARGO_TARGET_TMPDIR/explorer/` to look at.

use crate::common::*;
use kennisgraaf::server::ServerConfig;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::Command;

fn chromium(args: &[&str], profile: &Path) -> std::process::Output {
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
        .args(["--virtual-time-budget=15000", "--enable-logging=stderr", "--v=0", "--window-size=1280,800"])
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run chromium ({e}); install it with `apt-get install chromium` (scripts/test.sh does)")
        })
}

/// The page at `url` after its scripts ran: the DOM, and the console lines it logged.
fn dump(url: &str, profile: &Path) -> (String, Vec<String>) {
    let out = chromium(&["--dump-dom", url], profile);
    let dom = String::from_utf8_lossy(&out.stdout).into_owned();
    let log = String::from_utf8_lossy(&out.stderr);
    let console = log.lines().filter(|l| l.contains(":CONSOLE")).map(str::to_string).collect();
    (dom, console)
}

/// A screenshot of `url`, kept as `$CARGO_TARGET_TMPDIR/explorer/{name}.png`.
fn screenshot(url: &str, name: &str, profile: &Path) {
    let folder = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("explorer");
    std::fs::create_dir_all(&folder).expect("screenshot folder");
    let shot = folder.join(format!("{name}.png"));
    let _ = std::fs::remove_file(&shot);
    let out = chromium(&[&format!("--screenshot={}", shot.display()), url], profile);
    let png =
        std::fs::read(&shot).unwrap_or_else(|_| panic!("no screenshot: {}", String::from_utf8_lossy(&out.stderr)));
    assert!(png.starts_with(b"\x89PNG") && png.len() > 20_000, "screenshot {name} of {} bytes", png.len());
}

fn attribute(dom: &str, name: &str) -> String {
    let at = dom.find(&format!("{name}=\"")).unwrap_or_else(|| panic!("no {name} in {dom}")) + name.len() + 2;
    unescape(&dom[at..at + dom[at..].find('"').expect("closing quote")])
}

/// The page's status: the counts of what is drawn and whether it finished without error.
struct Status {
    dom: String,
}

impl Status {
    fn of(dom: &str) -> Self {
        let at = dom.find("id=\"status\"").expect("status element");
        let status = Status { dom: dom[at..at + dom[at..].find('>').expect("end of tag")].to_string() };
        assert_eq!(status.get("data-error"), "", "the page reported an error");
        assert_eq!(status.get("data-state"), "ready", "the page did not finish");
        status
    }
    fn get(&self, name: &str) -> String {
        attribute(&self.dom, name)
    }
    fn count(&self, name: &str) -> usize {
        self.get(name).parse().expect("a count")
    }
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

/// The text of an HTML fragment: tags dropped, entities decoded.
fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    unescape(&out)
}

/// The inner HTML of the first `<tag …>` after `marker` (no element of the same tag inside).
fn element<'a>(dom: &'a str, marker: &str, tag: &str) -> &'a str {
    let at = dom.find(marker).unwrap_or_else(|| panic!("no {marker} in {dom}"));
    let open = at + dom[at..].find('>').expect("end of tag") + 1;
    &dom[open..open + dom[open..].find(&format!("</{tag}>")).expect("closing tag")]
}

#[derive(serde::Deserialize, Debug)]
struct LabelBox {
    label: String,
    x1: f64,
    y1: f64,
    x2: f64,
    y2: f64,
}

fn no_console(console: &[String], page: &str) {
    assert!(console.is_empty(), "console messages on {page}: {console:?}");
}

#[test]
fn explorer_legend_expansion_without_overlap_filters_and_search() {
    let dir = tempfile::tempdir().expect("tempdir");
    let kg = pipeline(&dir.path().join("store"));
    let read = kennisgraaf::ingest::read_paths(&[repo("data/corpus")], Default::default());
    kg.ingest(read.documents, || {}).expect("ingest the bundled corpus");
    let server = TestServer::start(kg, ServerConfig::default());
    let profile = dir.path().join("profile");

    // One hop: the neighbourhood of the searched entity, and the legend.
    let url = format!("{}/explore?q=Aboutaleb", server.url);
    let (dom, console) = dump(&url, &profile);
    no_console(&console, &url);
    let status = Status::of(&dom);
    let (nodes, edges) = (status.count("data-nodes"), status.count("data-edges"));
    assert!(nodes >= 5 && edges >= nodes - 1, "drawn: {nodes} nodes, {edges} edges");
    assert_eq!(status.get("data-predicates"), "shown", "a small graph labels typed relations with their predicate");
    assert!(dom.contains("class=\"result\""), "no search result listed");
    let legend = text_of(element(&dom, "id=\"legend\"", "section"));
    for t in ["PERSON", "ORGANIZATION", "LOCATION", "LAW", "EVENT", "MISC", "ROLE"] {
        assert!(legend.contains(t), "the legend has no colour for {t}: {legend}");
    }
    for meaning in ["grootte = aantal vermeldingen", "getypeerde relatie", "co-occurrence"] {
        assert!(legend.contains(meaning), "the legend does not explain {meaning:?}: {legend}");
    }
    screenshot(&url, "legend", &profile);

    // Two hops: 30+ entities, and no two labels overlap.
    let url = format!("{}/explore?q=Aboutaleb&depth=2", server.url);
    let (dom, console) = dump(&url, &profile);
    no_console(&console, &url);
    let expanded = Status::of(&dom);
    let total = expanded.count("data-total-nodes");
    assert_eq!(expanded.count("data-nodes"), total, "nothing is filtered yet");
    assert_eq!(expanded.get("data-predicates"), "hidden", "predicates would clutter {total} entities");
    assert!(total >= 30, "two hops drew {total} entities; the test needs 30 or more");
    let boxes: Vec<LabelBox> =
        serde_json::from_str(&unescape(element(&dom, "id=\"label-boxes\"", "pre"))).expect("label boxes");
    assert_eq!(boxes.len(), total, "one label box per entity drawn");
    for b in &boxes {
        assert!(b.x2 - b.x1 > 5.0 && b.y2 - b.y1 > 5.0, "label {:?} has no size: {b:?}", b.label);
    }
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            let apart = a.x2 <= b.x1 || b.x2 <= a.x1 || a.y2 <= b.y1 || b.y2 <= a.y1;
            assert!(apart, "labels overlap: {a:?} and {b:?}");
        }
    }
    screenshot(&url, "expanded", &profile);

    // Typed relations only: the same graph is drawn, the co-occurrences are hidden.
    let url = format!("{}/explore?q=Aboutaleb&depth=2&typed=1", server.url);
    let (dom, console) = dump(&url, &profile);
    no_console(&console, &url);
    let typed = Status::of(&dom);
    assert_eq!(typed.count("data-total-nodes"), total, "the filter kept what was drawn");
    assert_eq!(typed.count("data-total-edges"), expanded.count("data-total-edges"));
    let shown = typed.get("data-edge-types");
    assert!(!shown.is_empty() && !shown.contains("CO_OCCURS"), "typed relations shown: {shown:?}");
    assert!(expanded.get("data-edge-types").contains("CO_OCCURS"), "unfiltered, co-occurrences are drawn");
    let kept = typed.count("data-nodes");
    assert!(kept > 0 && kept < total, "typed only shows {kept} of {total} entities");
    assert_eq!(typed.get("data-predicates"), if kept <= 40 { "shown" } else { "hidden" });
    screenshot(&url, "typed-only", &profile);

    // Entity types: only people (and what links them) stay.
    let url = format!("{}/explore?q=Aboutaleb&depth=2&types=PERSON", server.url);
    let (dom, _) = dump(&url, &profile);
    let people = Status::of(&dom);
    assert_eq!(people.count("data-total-nodes"), total);
    let boxes: Vec<LabelBox> =
        serde_json::from_str(&unescape(element(&dom, "id=\"label-boxes\"", "pre"))).expect("label boxes");
    assert_eq!(boxes.len(), people.count("data-nodes"));
    assert!(!boxes.is_empty() && boxes.len() < total, "{} people of {total} entities", boxes.len());

    // Dates: only the reference article is dated (2019-03). From 2020 on nothing is seen;
    // in 2019 its entities are, and those only seen in the undated texts are not.
    let url = format!("{}/explore?q=Aboutaleb&depth=2&from=2020", server.url);
    let (dom, _) = dump(&url, &profile);
    let later = Status::of(&dom);
    assert_eq!((later.count("data-nodes"), later.count("data-total-nodes")), (0, total));
    let url = format!("{}/explore?q=Aboutaleb&depth=2&from=2019-01&to=2019-03", server.url);
    let (dom, _) = dump(&url, &profile);
    let dated = Status::of(&dom).count("data-nodes");
    assert!(dated > 1 && dated < total, "seen in 2019: {dated} of {total} entities");
    screenshot(&url, "dated", &profile);

    // A search that finds nothing says so.
    let url = format!("{}/explore?q=Xyzzyqwv", server.url);
    let (dom, console) = dump(&url, &profile);
    no_console(&console, &url);
    assert_eq!(Status::of(&dom).count("data-nodes"), 0);
    let results = text_of(element(&dom, "id=\"results\"", "ul"));
    assert_eq!(results, "Geen resultaten voor “Xyzzyqwv”.");
}

#[test]
fn explorer_opens_the_article_of_a_relations_evidence_highlighted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let kg = pipeline(&dir.path().join("store"));
    ingest_reference(&kg);
    let server = TestServer::start(kg, ServerConfig::default());
    let profile = dir.path().join("profile");

    // A typed relation of Aboutaleb, with where it is stated.
    let found = server.query(
        r#"{ search(text: "Aboutaleb", first: 1) { relations(first: 20) { nodes { id type source { id } target { id }
             evidence(first: 1) { nodes { id sentence sentenceIndex document { id title text
               mentions(first: 100) { nodes { sentenceIndex entity { id } } } } } } } } } }"#,
        &json!({}),
        None,
    );
    let relations = found["data"]["search"][0]["relations"]["nodes"].as_array().expect("relations").clone();
    // The entities each mention in the sentence of a relation's first statement names.
    let mentioned = |r: &serde_json::Value| -> Vec<String> {
        let ev = &r["evidence"]["nodes"][0];
        ev["document"]["mentions"]["nodes"]
            .as_array()
            .expect("mentions")
            .iter()
            .filter(|m| m["sentenceIndex"] == ev["sentenceIndex"])
            .filter_map(|m| m["entity"]["id"].as_str().map(str::to_string))
            .collect()
    };
    let relation = relations
        .iter()
        .find(|r| {
            let named = mentioned(r);
            r["type"] != "CO_OCCURS"
                && [&r["source"]["id"], &r["target"]["id"]].iter().all(|id| named.iter().any(|m| m == *id))
        })
        .expect("a typed relation of Aboutaleb stated in a sentence that names both its entities");
    let mentioned = mentioned(relation);
    let ev = &relation["evidence"]["nodes"][0];
    let doc = &ev["document"];
    assert!(doc["title"].is_null(), "the reference article has no title: its first line is shown");

    // Its evidence links to the article.
    let url = format!("{}/explore?q=Aboutaleb&relation={}", server.url, relation["id"].as_str().expect("id"));
    let (dom, console) = dump(&url, &profile);
    no_console(&console, &url);
    Status::of(&dom);
    let article =
        format!("/explore/document/{}?evidence={}", doc["id"].as_str().expect("id"), ev["id"].as_str().expect("id"));
    // The page writes the ids URI-encoded (evidence ids hold colons).
    let link = format!("href=\"{}\"", article.replace(':', "%3A").replace('&', "&amp;"));
    assert!(dom.contains(&link), "no link {link} in the evidence panel");
    let first_line: String =
        doc["text"].as_str().expect("text").lines().map(str::trim).find(|l| !l.is_empty()).expect("a line").into();
    let heading =
        if first_line.chars().count() > 80 { first_line.chars().take(79).chain(['…']).collect() } else { first_line };
    let panel =
        &dom[dom.find("id=\"evidence\"").expect("evidence panel")..dom.find("id=\"label-boxes\"").expect("boxes")];
    assert!(text_of(panel).contains(&heading), "the untitled article is not named by its first line: {panel}");

    // The article: headed by its first line, the sentence highlighted, its entities marked.
    let url = format!("{}{article}", server.url);
    let (dom, console) = dump(&url, &profile);
    no_console(&console, &url);
    Status::of(&dom);
    let view = &dom[dom.find("id=\"document\"").expect("document view")..];
    assert_eq!(text_of(element(view, "<h1", "h1")), heading);
    let sentence = element(view, "class=\"sentence\"", "span");
    assert_eq!(text_of(sentence), ev["sentence"].as_str().expect("sentence"));
    let marked: Vec<String> = sentence
        .split("<mark ")
        .skip(1)
        .filter(|tag| tag[..tag.find('>').expect("end of tag")].contains("class=\"mention here\""))
        .map(|tag| attribute(&tag[..tag.find('>').expect("end of tag")], "data-entity"))
        .collect();
    for end in [&relation["source"]["id"], &relation["target"]["id"]] {
        let end = end.as_str().expect("id");
        assert!(marked.iter().any(|m| m == end), "{end} is named in the sentence but not marked: {marked:?}");
    }
    assert!(marked.iter().all(|m| mentioned.contains(m)), "marked {marked:?}, mentioned {mentioned:?}");
    screenshot(&url, "article", &profile);
}

#[test]
fn graphiql_works_offline() {
    let dir = tempfile::tempdir().expect("tempdir");
    let kg = pipeline(&dir.path().join("store"));
    let server = TestServer::start(kg, ServerConfig::default());
    // Its scripts come from the binary, and its subscription client (graphql-ws, for
    // /graphql/ws) loads without errors.
    let (dom, console) = dump(&format!("{}/", server.url), &dir.path().join("profile"));
    assert!(dom.contains("graphiql-container"), "GraphiQL did not render");
    no_console(&console, "/");
}
