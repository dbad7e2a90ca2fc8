//! Exports, checked by the programs that read them: networkx (GraphML, GEXF), Graphviz
//! (DOT), cytoscape.js in Node (Cytoscape JSON), and the neo4j-admin import conventions.
//! `.ci/run` installs networkx, graphviz and the npm package; without them these tests fail
//! with a message saying what to install.

use crate::common::*;
use kennisgraaf::server::ServerConfig;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::process::Command;
use std::sync::Arc;

fn get(server: &TestServer, path: &str) -> Result<(String, String), (u16, String)> {
    match ureq::get(&format!("{}{path}", server.url)).call() {
        Ok(r) => {
            let ct = r.content_type().to_string();
            Ok((ct, r.into_string().expect("body")))
        }
        Err(ureq::Error::Status(code, r)) => Err((code, r.into_string().unwrap_or_default())),
        Err(e) => panic!("{e}"),
    }
}

fn run_tool(program: &str, args: &[&str], install: &str) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program} ({e}); install {install} (.ci/run does)"));
    assert!(out.status.success(), "{program} {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

struct Fixture {
    _dir: tempfile::TempDir,
    server: TestServer,
    entities: u64,
    relations: u64,
    aboutaleb: String,
    files: std::path::PathBuf,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let kg = pipeline(&dir.path().join("store"));
    let read = kennisgraaf::ingest::read_paths(&[repo("data/corpus")], Default::default());
    kg.ingest(read.documents, || {}).expect("ingest corpus");
    let server = TestServer::start(kg, ServerConfig::default());
    let stats = server.query("{ stats { entities relations } search(text: \"Aboutaleb\") { id } }", &json!({}), None);
    let files = dir.path().join("files");
    std::fs::create_dir(&files).expect("mkdir");
    Fixture {
        entities: stats["data"]["stats"]["entities"].as_u64().expect("entities"),
        relations: stats["data"]["stats"]["relations"].as_u64().expect("relations"),
        aboutaleb: stats["data"]["search"][0]["id"].as_str().expect("Aboutaleb").to_string(),
        server,
        files,
        _dir: dir,
    }
}

impl Fixture {
    fn save(&self, format: &str) -> String {
        let (_, body) = get(&self.server, &format!("/export/{format}")).expect("export");
        let path = self.files.join(format!("kg.{format}"));
        std::fs::write(&path, body).expect("write");
        path.to_string_lossy().into_owned()
    }
}

#[test]
fn graphml_and_gexf_load_in_networkx_with_the_api_counts_and_attributes() {
    let f = fixture();
    for kind in ["graphml", "gexf"] {
        let path = f.save(kind);
        let out = run_tool(
            "python3",
            &[repo("tests/py/networkx_load.py").to_str().expect("path"), kind, &path, &f.aboutaleb],
            "networkx (pip install networkx)",
        );
        let v: Value = serde_json::from_str(&out).expect("json from python");
        assert_eq!((v["nodes"].as_u64(), v["edges"].as_u64()), (Some(f.entities), Some(f.relations)), "{kind}: {v}");
        assert_eq!(v["directed"], true);
        assert_eq!(v["node"]["label"], "Aboutaleb", "{kind}: {v}");
        assert_eq!(v["node"]["type"], "PERSON", "{kind}: {v}");
        assert_eq!(v["node"]["roles"], "burgemeester", "{kind}: {v}");
        assert_eq!(v["node"]["wikidata_id"], "Q401107", "{kind}: {v}");
        assert_eq!(v["node"]["wikidata_url"], "https://www.wikidata.org/wiki/Q401107", "{kind}: {v}");
        assert!(v["edge_types"].as_array().expect("types").iter().any(|t| t == "HOLDS_ROLE"), "{kind}: {v}");
        if kind == "gexf" {
            // Gephi's timeline reads the interval: the article is from March 2019.
            assert_eq!(v["node"]["start"], "2019-03-01", "{v}");
            assert_eq!(v["node"]["end"], "2019-03-31", "{v}");
            // Styled: people in the person colour, sized by mentions; typed relations
            // labelled with their predicate, co-occurrence unlabelled.
            assert_eq!(v["node"]["viz"]["color"], json!({"r": 0x4e, "g": 0x79, "b": 0xa7, "a": 1.0}), "{v}");
            let size = v["node"]["viz"]["size"].as_f64().expect("viz:size");
            let mentions = v["node"]["mention_count"].as_f64().expect("mentions");
            assert!((size - (5.0 + 5.0 * (1.0 + mentions).ln())).abs() < 0.1, "{v}");
            let edges = v["node_edges"].as_array().expect("edges");
            let holds = edges.iter().find(|e| e["relation"] == "HOLDS_ROLE").expect("HOLDS_ROLE");
            assert_eq!(holds["label"], holds["predicate"], "{v}");
            assert!(holds["label"].as_str().is_some_and(|l| !l.is_empty()), "{v}");
            let co = edges.iter().filter(|e| e["relation"] == "CO_OCCURS").collect::<Vec<_>>();
            assert!(!co.is_empty() && co.iter().all(|e| e["label"].is_null()), "{v}");
        }
    }
}

#[test]
fn dot_renders_with_graphviz_and_cytoscape_json_loads_in_cytoscape_js() {
    let f = fixture();
    let dot = f.save("dot");
    let svg = run_tool("dot", &["-Tsvg", &dot], "graphviz (apt-get install graphviz)");
    assert!(svg.contains("<svg") && svg.contains("Aboutaleb") && svg.contains("Latijns"));
    // Styled as drawn: people filled in the person colour, co-occurrence dashed and
    // without arrow heads or labels, typed relations labelled with their predicate.
    let source = std::fs::read_to_string(&dot).expect("dot");
    let aboutaleb = source.lines().find(|l| l.contains(&format!("\"{}\" [", f.aboutaleb))).expect("node line");
    assert!(aboutaleb.contains(r##"fillcolor="#4e79a7""##), "{aboutaleb}");
    let (co, typed): (Vec<&str>, Vec<&str>) =
        source.lines().filter(|l| l.contains(" -> ")).partition(|l| l.contains("relation=\"CO_OCCURS\""));
    assert!(!co.is_empty() && !typed.is_empty());
    assert!(co.iter().all(|l| l.contains("dir=none, style=dashed") && !l.contains("label=")), "{co:?}");
    assert!(typed.iter().all(|l| l.contains("label=") && !l.contains("dashed")), "{typed:?}");
    let holds = typed.iter().find(|l| l.contains("relation=\"HOLDS_ROLE\"")).expect("HOLDS_ROLE");
    assert!(holds.contains("label=\"burgemeester\""), "{holds}");
    assert!(svg.contains(r##"fill="#4e79a7""##) && svg.contains("stroke-dasharray"), "graphviz draws the style");
    let cy = f.save("cytoscape");
    let modules = repo("tests/js/node_modules/cytoscape");
    assert!(modules.exists(), "run `npm ci --prefix tests/js` (.ci/run does)");
    let out = run_tool("node", &[repo("tests/js/cytoscape-load.js").to_str().expect("path"), &cy], "Node.js");
    let v: Value = serde_json::from_str(&out).expect("json from node");
    assert_eq!(
        (v["nodes"].as_u64(), v["edges"].as_u64(), v["dangling"].as_u64()),
        (Some(f.entities), Some(f.relations), Some(0))
    );
    assert!(
        v["labels"].as_array().expect("labels").iter().any(|l| l == "cocaïne" || l == "Latijns-Amerika"),
        "non-ASCII names survive"
    );
}

#[test]
fn neo4j_csv_follows_the_import_header_conventions() {
    let f = fixture();
    let (ct, nodes) = get(&f.server, "/export/neo4j-nodes").expect("nodes");
    assert!(ct.starts_with("text/csv"));
    let (_, rels) = get(&f.server, "/export/neo4j-relationships").expect("relationships");
    let node_lines: Vec<&str> = nodes.lines().collect();
    assert_eq!(
        node_lines[0],
        "id:ID,name,mentionCount:long,documentCount:long,aliases:string[],roles:string[],firstSeen,lastSeen,\
         wikidataId,wikidataLabel,wikidataUrl,:LABEL"
    );
    assert!(nodes.contains(",Q401107,Aboutaleb,https://www.wikidata.org/wiki/Q401107,Entity\u{1f}PERSON"), "{nodes}");
    let rel_lines: Vec<&str> = rels.lines().collect();
    assert_eq!(rel_lines[0], ":START_ID,:END_ID,:TYPE,id,predicate,weight:long,confidence:double,firstSeen,lastSeen");
    assert_eq!(node_lines.len() as u64 - 1, f.entities);
    assert_eq!(rel_lines.len() as u64 - 1, f.relations);
    // Every row has the header's number of fields (RFC 4180 quoting), every relationship
    // names nodes that exist, and labels/types are Neo4j identifiers.
    let parse = |line: &str| -> Vec<String> {
        let (mut fields, mut cur, mut quoted, mut chars) = (Vec::new(), String::new(), false, line.chars().peekable());
        while let Some(c) = chars.next() {
            match (c, quoted) {
                ('"', true) if chars.peek() == Some(&'"') => {
                    cur.push('"');
                    chars.next();
                }
                ('"', _) => quoted = !quoted,
                (',', false) => fields.push(std::mem::take(&mut cur)),
                (c, _) => cur.push(c),
            }
        }
        fields.push(cur);
        fields
    };
    let ids: std::collections::HashSet<String> = node_lines[1..].iter().map(|l| parse(l)[0].clone()).collect();
    for l in &node_lines[1..] {
        let row = parse(l);
        assert_eq!(row.len(), 12, "{l}");
        // Labels are split at the array delimiter (`--array-delimiter=U+001F`).
        assert!(row[11].starts_with("Entity\u{1f}") && row[11][7..].chars().all(|c| c.is_ascii_uppercase()), "{l}");
    }
    for l in &rel_lines[1..] {
        let row = parse(l);
        assert_eq!(row.len(), 9, "{l}");
        assert!(ids.contains(&row[0]) && ids.contains(&row[1]), "dangling relationship {l}");
        assert!(row[2].chars().all(|c| c.is_ascii_uppercase() || c == '_'), "{l}");
    }
}

#[test]
fn exports_filter_are_byte_stable_and_refuse_bad_parameters() {
    let f = fixture();
    let (_, a) = get(&f.server, "/export/json").expect("json");
    let (_, b) = get(&f.server, "/export/json").expect("json");
    assert_eq!(a, b, "the same graph exports to the same bytes");
    let (_, people) =
        get(&f.server, "/export/json?types=PERSON,LOCATION&relations=HOLDS_ROLE,CO_OCCURS").expect("filtered");
    let v: Value = serde_json::from_str(&people).expect("json");
    assert!(v["nodes"].as_array().expect("nodes").iter().all(|n| n["type"] == "PERSON" || n["type"] == "LOCATION"));
    assert!(v["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .all(|e| e["type"] == "HOLDS_ROLE" || e["type"] == "CO_OCCURS"));
    let (_, around) = get(&f.server, &format!("/export/json?around={}&depth=1", f.aboutaleb)).expect("around");
    let v: Value = serde_json::from_str(&around).expect("json");
    let labels: Vec<&str> = v["nodes"].as_array().expect("nodes").iter().filter_map(|n| n["label"].as_str()).collect();
    assert!(
        labels.contains(&"Rotterdam") && labels.contains(&"Aboutaleb") && labels.len() < f.entities as usize,
        "{labels:?}"
    );
    let (_, dated) = get(&f.server, "/export/json?from=2019-01&to=2019-12").expect("dated");
    let v: Value = serde_json::from_str(&dated).expect("json");
    assert!(
        v["nodes"].as_array().expect("nodes").iter().all(|n| n["first_seen"] == "2019-03"),
        "only the dated article's entities"
    );
    assert_eq!(get(&f.server, "/export/pdf").expect_err("unknown format").0, 404);
    let (code, msg) = get(&f.server, "/export/json?types=PEOPLE").expect_err("bad type");
    assert_eq!(code, 400);
    assert!(msg.contains("unknown entity type \"PEOPLE\""), "{msg}");
    assert_eq!(get(&f.server, "/export/json?around=nope").expect_err("unknown entity").0, 404);
}

#[test]
fn cli_export_writes_files_and_explains_neo4j_needs_a_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("s");
    let bin = env!("CARGO_BIN_EXE_kennisgraaf");
    let status = Command::new(bin)
        .current_dir(repo(""))
        .arg("--store")
        .arg(&store)
        .args(["ingest", REFERENCE])
        .output()
        .expect("ingest");
    assert!(status.status.success());
    let out = Command::new(bin)
        .current_dir(repo(""))
        .arg("--store")
        .arg(&store)
        .args(["export", "--format", "neo4j-csv"])
        .output()
        .expect("export");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("give a folder with --out"));
    let folder = dir.path().join("neo4j");
    let out = Command::new(bin)
        .current_dir(repo(""))
        .arg("--store")
        .arg(&store)
        .args(["export", "--format", "neo4j-csv", "--out"])
        .arg(&folder)
        .output()
        .expect("export");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(folder.join("nodes.csv").exists() && folder.join("relationships.csv").exists());
    let out = Command::new(bin)
        .current_dir(repo(""))
        .arg("--store")
        .arg(&store)
        .args(["export", "--format", "graphml"])
        .output()
        .expect("export");
    assert!(String::from_utf8_lossy(&out.stdout).contains("<graphml"));
}

#[test]
fn aliases_with_pipes_commas_quotes_and_semicolons_survive_json_and_neo4j_csv() {
    use kennisgraaf::export::{write, Format, NEO4J_ARRAY_DELIMITER};
    use kennisgraaf::model::{EntityRecord, EntityType};
    let mut e = EntityRecord::new("org:1".into(), "AT&T".into(), EntityType::Organization);
    let aliases = ["AT|T", "\"AT&T\", Inc.", "AT&T; Nederland"];
    for (n, a) in aliases.iter().enumerate() {
        e.aliases.insert(a.to_string(), 10 - n as u64);
    }
    e.roles.insert("sponsor|partner".into(), 1);
    let export = |format| {
        let mut out = Vec::new();
        write(format, &[&e], &[], None, &mut out).expect("write");
        out
    };
    let json: Value = serde_json::from_slice(&export(Format::Json)).expect("json");
    assert_eq!(json["nodes"][0]["aliases"], json!(aliases), "most used first, each whole");
    assert_eq!(json["nodes"][0]["roles"], json!(["sponsor|partner"]));

    let csv = export(Format::Neo4jNodes);
    let mut reader = csv::Reader::from_reader(&csv[..]);
    let header = reader.headers().expect("header").clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 1);
    let field = |name: &str| rows[0][header.iter().position(|h| h == name).expect(name)].to_string();
    let split = |v: String| v.split(NEO4J_ARRAY_DELIMITER).map(str::to_string).collect::<Vec<_>>();
    assert_eq!(split(field("aliases:string[]")), aliases);
    assert_eq!(split(field("roles:string[]")), ["sponsor|partner"]);
    assert_eq!(split(field(":LABEL")), ["Entity", "ORGANIZATION"]);
    assert_eq!(field("name"), "AT&T");
}

/// `kennisgraaf --store STORE ARGS…`, which must succeed; its stdout.
fn cli_on(store: &std::path::Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_kennisgraaf"))
        .current_dir(repo(""))
        .arg("--store")
        .arg(store)
        .args(args)
        .output()
        .expect("runs");
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The figure of `kennisgraaf stats`' line starting with `what`.
fn stat(stats: &str, what: &str) -> u64 {
    let line = stats.lines().find(|l| l.starts_with(what)).expect(what);
    line.split_whitespace().nth(1).expect("number").parse().expect("number")
}

#[test]
fn with_evidence_networkx_and_cytoscape_js_read_every_statement_counted_by_stats() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("s");
    let kg = |args: &[&str]| cli_on(&store, args);
    kg(&["ingest", "data/corpus"]);
    let stats = kg(&["stats"]);
    let count = |what: &str| stat(&stats, what);
    let evidence = count("evidence");
    assert!(evidence > count("relations"), "{stats}");
    let aboutaleb = graph_of_store(&store).search("Aboutaleb", 1)[0].id.clone();
    for kind in ["graphml", "gexf"] {
        let path = dir.path().join(format!("kg.{kind}"));
        kg(&["export", "--with-evidence", "--format", kind, "--out", path.to_str().expect("path")]);
        let out = run_tool(
            "python3",
            &[
                repo("tests/py/networkx_load.py").to_str().expect("path"),
                kind,
                path.to_str().expect("path"),
                &aboutaleb,
            ],
            "networkx (pip install networkx)",
        );
        let v: Value = serde_json::from_str(&out).expect("json from python");
        assert_eq!(v["evidence"].as_u64(), Some(evidence), "{kind}: {v}");
        let edges = v["node_edges"].as_array().expect("edges");
        let holds = edges.iter().find(|e| e["relation"] == "HOLDS_ROLE").expect("HOLDS_ROLE");
        let sentence = holds["evidence_sentence"].as_str().expect("sentence");
        // The whole sentence of the statement ("… beseft de burgemeester." resolved to Aboutaleb).
        assert!(reference_text().contains(sentence) && sentence.ends_with("de burgemeester."), "{kind}: {holds}");
    }
    let path = dir.path().join("kg.cyjs");
    kg(&["export", "--with-evidence", "--format", "cytoscape", "--out", path.to_str().expect("path")]);
    // Confidences as the store holds them (0.3, not 0.30000001192092896), as GraphQL gives them.
    let text = std::fs::read_to_string(&path).expect("cytoscape file");
    for number in text.split("\"confidence\":").skip(1) {
        let number = &number[..number.find([',', '}']).expect("end of number")];
        assert!(number.len() <= 6, "confidence {number} is not the stored decimal");
    }
    let out = run_tool(
        "node",
        &[repo("tests/js/cytoscape-load.js").to_str().expect("path"), path.to_str().expect("path")],
        "Node.js",
    );
    let v: Value = serde_json::from_str(&out).expect("json from node");
    assert_eq!((v["evidence"].as_u64(), v["evidence_without_text"].as_u64()), (Some(evidence), Some(0)), "{v}");
    // Without the flag nothing changes.
    let plain: Value = serde_json::from_str(&kg(&["export", "--format", "json"])).expect("json");
    assert!(plain["edges"][0].get("evidence").is_none());
}

fn graph_of_store(store: &std::path::Path) -> kennisgraaf::graph::Graph {
    kennisgraaf::graph::Graph::load(&kennisgraaf::store::Store::open(store).expect("open")).expect("load")
}

/// A CSV file's header and rows (the csv crate reads RFC 4180 as `neo4j-admin` does).
fn read_csv(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header = r.headers().expect("header").iter().map(str::to_string).collect();
    let rows = r.records().map(|row| row.expect("row").iter().map(str::to_string).collect()).collect();
    (header, rows)
}

#[test]
fn neo4j_csv_with_evidence_has_documents_mentions_and_statements_counted_by_stats() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("s");
    let kg = |args: &[&str]| cli_on(&store, args);
    kg(&["ingest", "data/corpus"]);
    let stats = kg(&["stats"]);
    let count = |what: &str| stat(&stats, what) as usize;
    let folder = dir.path().join("neo4j");
    kg(&["export", "--with-evidence", "--format", "neo4j-csv", "--out", folder.to_str().expect("path")]);
    let file = |name: &str| read_csv(&std::fs::read_to_string(folder.join(name)).expect(name));

    let (_, nodes) = file("nodes.csv");
    let (_, relationships) = file("relationships.csv");
    let (header, documents) = file("documents.csv");
    assert_eq!(header, ["id:ID", "title", "date", "source", "externalId", "text", ":LABEL"]);
    let (header, mentions) = file("mentioned_in.csv");
    assert_eq!(
        header,
        [
            ":START_ID",
            ":END_ID",
            ":TYPE",
            "sentence:long",
            "start:long",
            "end:long",
            "text",
            "confidence:double",
            "source"
        ]
    );
    let (header, statements) = file("stated_in.csv");
    assert_eq!(
        header,
        [
            ":START_ID",
            ":END_ID",
            ":TYPE",
            "relation",
            "relationType",
            "sentence:long",
            "sentenceText",
            "start:long",
            "end:long",
            "confidence:double"
        ]
    );
    assert_eq!(
        (nodes.len(), relationships.len(), documents.len(), mentions.len(), statements.len()),
        (count("entities"), count("relations"), count("documents"), count("mentions"), count("evidence")),
        "rows of nodes, relationships, documents, mentions, statements against stats:\n{stats}"
    );

    // Every relationship joins nodes that exist; spans are byte offsets into the text.
    let entities: std::collections::HashSet<&str> = nodes.iter().map(|r| r[0].as_str()).collect();
    let texts: HashMap<&str, &str> = documents.iter().map(|r| (r[0].as_str(), r[5].as_str())).collect();
    assert!(documents.iter().all(|r| r[6] == "Document" && !entities.contains(r[0].as_str())));
    let relation_ids: HashMap<&str, &Vec<String>> = relationships.iter().map(|r| (r[3].as_str(), r)).collect();
    for m in &mentions {
        assert!(entities.contains(m[0].as_str()) && m[2] == "MENTIONED_IN", "{m:?}");
        let (start, end): (usize, usize) = (m[4].parse().expect("start"), m[5].parse().expect("end"));
        assert_eq!(texts[m[1].as_str()].get(start..end), Some(m[6].as_str()), "{m:?}");
        let confidence: f64 = m[7].parse().expect("confidence");
        assert!(confidence > 0.0 && confidence <= 1.0, "{m:?}");
    }
    for s in &statements {
        let relation = relation_ids.get(s[3].as_str()).unwrap_or_else(|| panic!("no relationship {}", s[3]));
        assert_eq!(
            (s[0].as_str(), s[2].as_str(), s[4].as_str()),
            (relation[0].as_str(), "STATED_IN", relation[2].as_str())
        );
        let text = texts[s[1].as_str()];
        let (start, end): (usize, usize) = (s[7].parse().expect("start"), s[8].parse().expect("end"));
        assert!(text.contains(&s[6]) && text.get(start..end).is_some(), "{s:?}");
    }

    // Over HTTP: the same files, and the option for the other formats.
    let kg = Arc::new(
        kennisgraaf::pipeline::Kennisgraaf::new(
            extractor(),
            kennisgraaf::store::Store::open(&store).expect("store opens"),
        )
        .expect("graph loads"),
    );
    let server = TestServer::start(kg, ServerConfig::default());
    for (path, rows) in [
        ("/export/neo4j-documents", &documents),
        ("/export/neo4j-mentions", &mentions),
        ("/export/neo4j-statements", &statements),
    ] {
        let (ct, body) = get(&server, path).expect(path);
        assert!(ct.starts_with("text/csv"), "{path}: {ct}");
        assert_eq!(&read_csv(&body).1, rows, "{path} is the CLI's file");
    }
    let (_, json) = get(&server, "/export/json?with_evidence=true").expect("json with evidence");
    let v: Value = serde_json::from_str(&json).expect("json");
    let stated: usize =
        v["edges"].as_array().expect("edges").iter().map(|e| e["evidence"].as_array().expect("evidence").len()).sum();
    assert_eq!(stated, count("evidence"));
    let (_, plain) = get(&server, "/export/json").expect("json");
    assert!(!plain.contains("\"evidence\""), "evidence only when asked for");
    let (code, msg) = get(&server, "/export/dot?with_evidence=true").expect_err("DOT has no evidence");
    assert_eq!(code, 400, "{msg}");
}
