//! The GraphQL API over real HTTP, on the reference article.

use crate::common::*;
use kennisgraaf::server::ServerConfig;
use serde_json::{json, Value};

const ENTITY_FIELDS: &str = "id name type roles aliases mentionCount";

fn find_entity(server: &TestServer, text: &str) -> Value {
    let r = server.query(
        &format!("query($t: String!) {{ search(text: $t, first: 5) {{ {ENTITY_FIELDS} }} }}"),
        &json!({ "t": text }),
        None,
    );
    r["data"]["search"][0].clone()
}

/// A server over a fresh store holding the reference article; the store's folder goes
/// when the server has stopped (fields drop in order).
struct ReferenceServer {
    server: TestServer,
    _dir: tempfile::TempDir,
}

fn reference_server() -> ReferenceServer {
    let dir = tempfile::tempdir().expect("tempdir");
    let kg = pipeline(dir.path());
    ingest_reference(&kg);
    ReferenceServer { server: TestServer::start(kg, ServerConfig::default()), _dir: dir }
}

#[test]
fn reference_article_entities_relations_and_evidence_survive_a_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = reference_text();
    {
        let kg = pipeline(dir.path());
        ingest_reference(&kg);
        kg.store().flush().expect("flush");
    }
    // A new process-equivalent: reopen the store, rebuild the graph from it, serve.
    let kg = pipeline(dir.path());
    let server = TestServer::start(kg, ServerConfig::default());
    for (query, name, ty) in [
        ("aboutaleb", "Aboutaleb", "PERSON"),
        ("Rotterdam", "Rotterdam", "LOCATION"),
        ("opiumwet", "Opiumwet", "LAW"),
        ("meld misdaad", "Meld Misdaad Anoniem", "ORGANIZATION"),
        ("Belastingdienst", "Belastingdienst", "ORGANIZATION"),
        ("Latijns", "Latijns-Amerika", "LOCATION"),
    ] {
        let e = find_entity(&server, query);
        assert_eq!(e["name"], name, "search {query:?} gave {e}");
        assert_eq!(e["type"], ty, "{name}");
    }
    let aboutaleb = find_entity(&server, "Aboutaleb");
    assert_eq!(aboutaleb["roles"], json!(["burgemeester"]));
    let r = server.query(
        "query($id: ID!) { entity(id: $id) { relations(first: 50) { nodes { type predicate source { name } target { name } evidence { nodes { sentence text start end document { id } } } } } quotes { nodes { text } } } }",
        &json!({ "id": aboutaleb["id"] }),
        None,
    );
    let relations = r["data"]["entity"]["relations"]["nodes"].as_array().expect("relations").clone();
    let holds_role = relations
        .iter()
        .find(|x| x["type"] == "HOLDS_ROLE" && x["target"]["name"] == "Rotterdam")
        .unwrap_or_else(|| panic!("no HOLDS_ROLE to Rotterdam in {relations:?}"));
    assert_eq!(holds_role["predicate"], "burgemeester");
    // Every relation with Rotterdam is backed by a real sentence of the article, at its byte span.
    let with_rotterdam: Vec<&Value> =
        relations.iter().filter(|x| x["target"]["name"] == "Rotterdam" || x["source"]["name"] == "Rotterdam").collect();
    assert!(with_rotterdam.len() >= 2, "{with_rotterdam:?}");
    for rel in with_rotterdam {
        for ev in rel["evidence"]["nodes"].as_array().expect("evidence") {
            let sentence = ev["sentence"].as_str().expect("sentence");
            assert!(!sentence.is_empty() && text.contains(sentence), "evidence {sentence:?} is not from the article");
            let (s, e) = (ev["start"].as_u64().expect("start") as usize, ev["end"].as_u64().expect("end") as usize);
            assert!(s < e, "empty span");
        }
    }
    // Verb-mediated: "Als proef krijgt Rotterdam … meldingen die bij Meld Misdaad Anoniem zijn gedaan."
    let rotterdam = find_entity(&server, "Rotterdam");
    let r2 = server.query(
        "query($id: ID!) { entity(id: $id) { relations(types: [VERB]) { nodes { predicate target { name } evidence { nodes { sentence } } } } } }",
        &json!({ "id": rotterdam["id"] }),
        None,
    );
    let verb = &r2["data"]["entity"]["relations"]["nodes"][0];
    assert_eq!(verb["target"]["name"], "Meld Misdaad Anoniem", "{r2}");
    assert!(verb["predicate"].as_str().expect("predicate").starts_with("krijgen meldingen"), "{r2}");
    // "Sinds begin dit jaar is ook de Opiumwet verruimd. Burgemeesters kunnen nu ook panden sluiten …"
    let opiumwet = find_entity(&server, "Opiumwet");
    let r3 = server.query(
        "query($id: ID!) { entity(id: $id) { relations(types: [GRANTS]) { nodes { predicate target { name type } evidence { nodes { text } } } } } }",
        &json!({ "id": opiumwet["id"] }),
        None,
    );
    let grants = &r3["data"]["entity"]["relations"]["nodes"][0];
    assert_eq!(
        (grants["target"]["name"].as_str(), grants["target"]["type"].as_str()),
        (Some("burgemeester"), Some("ROLE")),
        "{r3}"
    );
    assert_eq!(grants["predicate"], "panden sluiten", "{r3}");
    assert!(
        grants["evidence"]["nodes"][0]["text"]
            .as_str()
            .is_some_and(|t| t.contains("Burgemeesters kunnen nu ook panden sluiten")),
        "{r3}"
    );
    let quotes = r["data"]["entity"]["quotes"]["nodes"].as_array().expect("quotes");
    assert!(quotes.len() >= 5, "Aboutaleb should be quoted at least five times, got {quotes:?}");
}

#[test]
fn neighborhood_shortest_path_stats_and_paging() {
    let reference = reference_server();
    let server = &reference.server;
    let a = find_entity(server, "Aboutaleb")["id"].clone();
    let mma = find_entity(server, "Meld Misdaad Anoniem")["id"].clone();
    let r = server.query(
        "query($id: ID!) { neighborhood(id: $id, depth: 1) { nodes { name } edges { id source { id } target { id } } } }",
        &json!({ "id": a }),
        None,
    );
    let nodes: Vec<&str> = r["data"]["neighborhood"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .filter_map(|n| n["name"].as_str())
        .collect();
    assert_eq!(nodes[0], "Aboutaleb");
    assert!(nodes.contains(&"Rotterdam") && nodes.contains(&"douane"), "{nodes:?}");
    // What the explorer asks when an edge is clicked.
    let edge = r["data"]["neighborhood"]["edges"][0].clone();
    let rel = server.query(
        "query($id: ID!) { relation(id: $id) { id evidence { nodes { sentence } } } }",
        &json!({ "id": edge["id"] }),
        None,
    );
    assert!(
        !rel["data"]["relation"]["evidence"]["nodes"][0]["sentence"].as_str().unwrap_or_default().is_empty(),
        "{rel}"
    );
    let r = server.query(
        "query($a: ID!, $b: ID!) { shortestPath(from: $a, to: $b) { type } }",
        &json!({ "a": a, "b": mma }),
        None,
    );
    let hops = r["data"]["shortestPath"].as_array().expect("a path exists").len();
    assert!((1..=3).contains(&hops), "{r}");

    let r = server.query("{ stats { documents entities relations } }", &json!({}), None);
    assert_eq!(r["data"]["stats"]["documents"], 1);
    let total = r["data"]["stats"]["entities"].as_u64().expect("count");
    let page1 = server.query(
        "{ entities(first: 5) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }",
        &json!({}),
        None,
    );
    assert_eq!(page1["data"]["entities"]["totalCount"].as_u64(), Some(total));
    let cursor = page1["data"]["entities"]["pageInfo"]["endCursor"].clone();
    let page2 = server.query(
        "query($c: String) { entities(first: 5, after: $c) { edges { node { id } } } }",
        &json!({ "c": cursor }),
        None,
    );
    let ids = |p: &Value, k: &str| -> Vec<String> {
        p["data"][k]["edges"].as_array().expect("edges").iter().map(|e| e["node"]["id"].to_string()).collect()
    };
    let (one, two) = (ids(&page1, "entities"), ids(&page2, "entities"));
    assert_eq!(one.len(), 5);
    assert!(!two.is_empty() && two.iter().all(|id| !one.contains(id)), "pages overlap: {one:?} {two:?}");
    let r = server.query("{ entities(type: LAW) { edges { node { name } } } }", &json!({}), None);
    assert_eq!(r["data"]["entities"]["edges"][0]["node"]["name"], "Opiumwet");
}

/// Every plain field of an entity and a relation, with aliases and `__typename`.
const PLAIN_ENTITY: &str =
    "__typename id name type aliases wikidataId roles mentionCount documentCount firstSeen lastSeen degree also: name";
const PLAIN_RELATION: &str = "__typename id type predicate weight confidence firstSeen lastSeen";

/// A selection written out and the same selection inside inline fragments (as Apollo and
/// Relay send them) give the same answer, for every list an entity page reads.
#[test]
fn fragments_answer_exactly_as_plain_selections_do() {
    let reference = reference_server();
    let server = &reference.server;
    let a = find_entity(server, "Aboutaleb")["id"].clone();
    let mma = find_entity(server, "Meld Misdaad Anoniem")["id"].clone();
    let entity = format!("{{ {PLAIN_ENTITY} }}");
    let relation = format!("{{ {PLAIN_RELATION} source {entity} target {{ id n: name type }} }}");
    let query = format!(
        "query($a: ID!, $b: ID!) {{
            entity(id: $a) {{ relations(first: 50) {{ nodes {relation} }} neighbors(first: 50) {{ nodes {entity} }}
                quotes {{ nodes {{ about {entity} }} }} }}
            search(text: \"r\", first: 50) {entity}
            neighborhood(id: $a, depth: 2, limit: 100) {{ nodes {entity} edges {relation} }}
            shortestPath(from: $a, to: $b) {relation}
            documents(first: 1) {{ edges {{ node {{ entities {entity} }} }} }}
        }}"
    );
    let variables = json!({ "a": a, "b": mma });
    let plain = server.query(&query, &variables, None);
    let executed = server.query(&through_resolvers(&query, &entity), &variables, None);
    assert!(plain.get("errors").is_none(), "{plain}");
    let data = &plain["data"];
    for list in [
        &data["entity"]["relations"]["nodes"],
        &data["entity"]["neighbors"]["nodes"],
        &data["entity"]["quotes"]["nodes"][0]["about"],
        &data["search"],
        &data["neighborhood"]["nodes"],
        &data["neighborhood"]["edges"],
        &data["shortestPath"],
        &data["documents"]["edges"][0]["node"]["entities"],
    ] {
        assert!(list.as_array().is_some_and(|l| !l.is_empty()), "an empty list compares nothing: {plain}");
    }
    assert_eq!(data["entity"]["relations"]["nodes"][0]["source"]["__typename"], "Entity");
    assert_eq!(plain, executed);
}

/// The same selection with every entity and relation field inside an inline fragment,
/// which neither plain walk takes: the resolvers answer it.
fn through_resolvers(query: &str, entity: &str) -> String {
    query
        .replace(entity, &format!("{{ ... on Entity {entity} }}"))
        .replace(&format!("{PLAIN_RELATION} source"), &format!("... on Relation {{ {PLAIN_RELATION} }} source"))
}

/// Lists nest, so a short query can ask for a huge answer: `levels` of neighbours of
/// neighbours, each level's items the sum of the degrees of the last.
fn nested_neighbors(levels: usize) -> String {
    let inner =
        (0..levels).fold("id".to_string(), |inner, _| format!("id neighbors(first: 100) {{ nodes {{ {inner} }} }}"));
    format!("query($a: ID!) {{ entity(id: $a) {{ {inner} }} }}")
}

/// Past MAX_ANSWER_ITEMS list items an answer is refused with LIMIT_EXCEEDED (api/limits.rs,
/// `RequestBudget`) instead of being built: the first time and again, with or without
/// fragments.
#[test]
fn answers_that_would_hold_too_many_list_items_are_refused() {
    let reference = reference_server();
    let server = &reference.server;
    let a = json!({ "a": find_entity(server, "Aboutaleb")["id"] });
    let fits = nested_neighbors(2);
    let r = server.query(&fits, &a, None);
    assert!(
        r.get("errors").is_none() && r["data"]["entity"]["neighbors"]["nodes"][0]["neighbors"]["nodes"].is_array(),
        "{r}"
    );
    // Six levels hold about 17,000 items on the reference article; seven (the deepest
    // the depth limit lets through), over a hundred thousand.
    let too_many = nested_neighbors(7);
    let through_resolvers = too_many.replace("{ id neighbors", "{ ... on Entity { id } neighbors");
    for query in [&too_many, &too_many, &through_resolvers] {
        let r = server.query(query, &a, None);
        assert_eq!(r["errors"][0]["extensions"]["code"], "LIMIT_EXCEEDED", "{r}");
        let message = r["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains(&kennisgraaf::api::Limits::default().answer_items.to_string()), "{message}");
    }
}

/// A document that passed strict validation once runs with fast validation after (see
/// api/queries.rs), but only with variables that are certainly valid: bad variables stay
/// request errors (no data at all), and a document that fails a rule fails every time.
#[test]
fn a_query_seen_before_is_validated_as_strictly_as_a_new_one() {
    let reference = reference_server();
    let server = &reference.server;
    let a = find_entity(server, "Aboutaleb")["id"].clone();
    let query = "query($id: ID!, $n: Int!) { entity(id: $id) { relations(first: $n) { nodes { id } } } }";
    for _ in 0..2 {
        let ok = server.query(query, &json!({ "id": a, "n": 2 }), None);
        assert_eq!(ok["data"]["entity"]["relations"]["nodes"].as_array().map(Vec::len), Some(2), "{ok}");
    }
    for bad in [json!({ "id": a, "n": "two" }), json!({ "id": a, "n": null })] {
        let r = server.query(query, &bad, None);
        assert!(r["data"].is_null() && r["errors"][0]["message"].is_string(), "{bad}: {r}");
    }
    // Strict validation lets an Int past 32 bits through to the executor; so does the cache.
    let big = json!({ "id": a, "n": 5_000_000_000u64 });
    assert_eq!(server.query(query, &big, None), server.query(query, &big, None));
    let unused = "query($unused: Int) { stats { documents } }";
    for attempt in 0..2 {
        let r = server.query(unused, &json!({ "unused": 1 }), None);
        let message = r["errors"][0]["message"].as_str().unwrap_or_default().to_string();
        assert!(r["data"].is_null() && message.contains("unused"), "attempt {attempt}: {r}");
    }
}

#[test]
fn limits_and_bad_requests_get_precise_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = TestServer::start(pipeline(dir.path()), ServerConfig::default());
    let r = server.query("{ entities(first: 1000) { totalCount } }", &json!({}), None);
    assert_eq!(r["errors"][0]["extensions"]["code"], "LIMIT_EXCEEDED", "{r}");
    assert!(r["errors"][0]["message"].as_str().expect("message").contains("100"));
    let r = server.query("{ entity(id: \"nope\") { name } }", &json!({}), None);
    assert_eq!(r["data"]["entity"], Value::Null);
    let r = server.query("{ neighborhood(id: \"nope\") { nodes { id } } }", &json!({}), None);
    assert_eq!(r["errors"][0]["extensions"]["code"], "NOT_FOUND", "{r}");
    let r = server.query("{ entities(after: \"garbage\") { totalCount } }", &json!({}), None);
    assert_eq!(r["errors"][0]["extensions"]["code"], "BAD_INPUT", "{r}");
    let deep = format!("{{ search(text: \"a\") {{ {} id {} }} }}", "neighbors { nodes { ".repeat(30), "} }".repeat(30));
    let r = server.query(&deep, &json!({}), None);
    assert!(r["errors"][0]["message"].as_str().expect("message").to_lowercase().contains("nested too deep"), "{r}");
    // The introspection query GraphiQL sends (TypeRef nested nine deep) stays within the limits.
    let type_ref = "kind name ofType { ".repeat(9) + "kind name" + &" }".repeat(9);
    let introspection = format!(
        "query IntrospectionQuery {{ __schema {{ queryType {{ name }} mutationType {{ name }} types {{ kind name description \
         fields(includeDeprecated: true) {{ name description args {{ name type {{ {type_ref} }} defaultValue }} type {{ {type_ref} }} isDeprecated }} \
         inputFields {{ name type {{ {type_ref} }} }} interfaces {{ {type_ref} }} enumValues(includeDeprecated: true) {{ name }} possibleTypes {{ {type_ref} }} }} \
         directives {{ name locations args {{ name type {{ {type_ref} }} }} }} }} }}"
    );
    let r = server.query(&introspection, &json!({}), None);
    assert!(r.get("errors").is_none(), "introspection refused: {r}");
    assert_eq!(r["data"]["__schema"]["queryType"]["name"], "Query");
    // Malformed JSON body: a client error, not a crash.
    let resp =
        ureq::post(&format!("{}/graphql", server.url)).set("content-type", "application/json").send_string("{not json");
    assert!(matches!(resp, Err(ureq::Error::Status(400..=499, _))), "{resp:?}");
    // Oversized body.
    // Oversized body: refused from its Content-Length, before it is read.
    let status = raw_status(
        &server.url,
        "POST /graphql HTTP/1.1\r\nhost: HOST\r\ncontent-type: application/json\r\ncontent-length: 2097152\r\n\r\n",
    );
    assert!(status.starts_with("HTTP/1.1 413"), "{status}");
    // GraphiQL is served at /.
    let page = ureq::get(&format!("{}/", server.url)).call().expect("graphiql").into_string().expect("html");
    assert!(page.contains("graphiql") || page.contains("GraphiQL"));
}

/// Send a raw request and return the status line.
fn raw_status(url: &str, request: &str) -> String {
    use std::io::{Read, Write};
    let host = url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(host).expect("connect");
    stream.write_all(request.replace("HOST", host).as_bytes()).expect("write");
    let mut buf = [0u8; 64];
    let n = stream.read(&mut buf).expect("read");
    String::from_utf8_lossy(&buf[..n]).lines().next().unwrap_or_default().to_string()
}

#[test]
fn ingest_mutation_requires_the_token_and_updates_the_graph_in_place() {
    let dir = tempfile::tempdir().expect("tempdir");
    let kg = pipeline(dir.path());
    let server = TestServer::start(
        kg,
        ServerConfig { token: Some("s3cret".into()), cors_origins: vec![], ..Default::default() },
    );
    let m = "mutation($docs: [DocumentInput!]!) { ingest(documents: $docs) { stored unchanged problems } }";
    let docs = &json!({ "docs": [{ "title": "Test", "date": "2019-03", "text": reference_text() }] });
    for token in [None, Some("wrong")] {
        let r = server.query(m, docs, token);
        assert_eq!(r["errors"][0]["extensions"]["code"], "UNAUTHENTICATED", "{r}");
    }
    let r = server.query("{ stats { documents } }", &json!({}), None);
    assert_eq!(r["data"]["stats"]["documents"], 0, "a refused mutation must change nothing");
    let r = server.query(m, docs, Some("s3cret"));
    assert_eq!(r["data"]["ingest"]["stored"].as_array().map(Vec::len), Some(1), "{r}");
    let r = server.query(m, docs, Some("s3cret"));
    assert_eq!(r["data"]["ingest"]["unchanged"].as_array().map(Vec::len), Some(1), "re-ingesting is a no-op: {r}");
    assert_eq!(find_entity(&server, "Opiumwet")["type"], "LAW");
    let r = server.query(m, &json!({ "docs": [{ "text": "Tekst.", "date": "2019-13-45" }] }), Some("s3cret"));
    assert!(r["data"]["ingest"]["problems"][0].as_str().expect("problem").contains("not a plausible date"), "{r}");
}

#[test]
fn without_a_configured_token_mutations_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = TestServer::start(pipeline(dir.path()), ServerConfig::default());
    let r = server.query(
        "mutation { ingest(documents: [{text: \"Aboutaleb sprak.\"}]) { stored } }",
        &json!({}),
        Some("anything"),
    );
    assert!(r["errors"][0]["message"].as_str().expect("message").contains("--token"), "{r}");
}

#[test]
fn schema_graphql_is_what_the_server_prints() {
    let printed = kennisgraaf::api::sdl();
    let path = repo("schema.graphql");
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &printed).expect("write schema.graphql");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == printed,
        "schema.graphql differs from the server's SDL; run `UPDATE_SCHEMA=1 cargo test schema_graphql` and commit it"
    );
}

#[test]
fn cors_is_closed_by_default_and_opens_for_configured_origins() {
    let dir = tempfile::tempdir().expect("tempdir");
    let preflight = |server: &TestServer| {
        ureq::request("OPTIONS", &format!("{}/graphql", server.url))
            .set("origin", "https://app.example")
            .set("access-control-request-method", "POST")
            .call()
            .ok()
            .and_then(|r| r.header("access-control-allow-origin").map(str::to_string))
    };
    let closed = TestServer::start(pipeline(dir.path()), ServerConfig::default());
    assert_eq!(preflight(&closed), None);
    drop(closed);
    let open = TestServer::start(
        pipeline(dir.path()),
        ServerConfig { token: None, cors_origins: vec!["https://app.example".into()], ..Default::default() },
    );
    assert_eq!(preflight(&open).as_deref(), Some("https://app.example"));
}

#[test]
fn overly_complex_queries_are_refused_by_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = TestServer::start(pipeline(dir.path()), ServerConfig::default());
    let big = (0..900)
        .map(|i| format!("s{i}: stats {{ documents entities relations mentions evidence }}"))
        .collect::<Vec<_>>()
        .join(" ");
    let r2 = server.query(&format!("{{ {big} }}"), &json!({}), None);
    let message = r2["errors"][0]["message"].as_str().unwrap_or_default().to_lowercase();
    assert!(message.contains("complex"), "{r2}");
}

#[test]
fn a_reused_external_id_with_different_text_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let kg = pipeline(dir.path());
    let raw = |text: &str| kennisgraaf::ingest::RawDocument {
        id: Some("art-1".into()),
        text: text.into(),
        origin: "feed.jsonl:1".into(),
        ..Default::default()
    };
    let first = kg.ingest(vec![raw("Aboutaleb sprak in Rotterdam.")], || {}).expect("ingest");
    assert_eq!(first.stored.len(), 1);
    let second = kg.ingest(vec![raw("Iets heel anders over Groningen.")], || {}).expect("ingest");
    assert!(second.stored.is_empty());
    assert!(second.problems[0].contains("id \"art-1\" is already stored for a different text"), "{second:?}");
    let same = kg.ingest(vec![raw("Aboutaleb sprak in Rotterdam.")], || {}).expect("ingest");
    assert_eq!(same.unchanged.len(), 1, "the same text under the same id is simply unchanged");
}

#[test]
fn requests_past_the_time_limit_get_a_graphql_error_naming_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let limits = kennisgraaf::api::Limits { time: std::time::Duration::from_nanos(1), ..Default::default() };
    let config = ServerConfig { token: Some("t".into()), limits, ..Default::default() };
    let server = TestServer::start(pipeline(dir.path()), config);
    let r = server.query(
        "mutation($t: String!) { ingest(documents: [{text: $t}]) { stored } }",
        &json!({ "t": reference_text() }),
        Some("t"),
    );
    assert_eq!(r["errors"][0]["extensions"]["code"], "LIMIT_EXCEEDED", "{r}");
    assert_eq!(r["errors"][0]["extensions"]["limit"], "timeMs", "{r}");
    assert!(r["errors"][0]["message"].as_str().expect("message").contains("time limit"), "{r}");
    // Refused before it began: nothing was applied.
    let stats = server.query("{ stats { documents } }", &json!({}), None);
    assert_eq!(stats["errors"][0]["extensions"]["code"], "LIMIT_EXCEEDED", "{stats}");
}

/// GraphiQL shows descriptions: every type, field and enum value kennisgraaf defines has
/// one (the Relay connection and edge types and `PageInfo` are generated by the library).
#[test]
fn every_type_and_field_in_the_sdl_is_described() {
    let sdl = kennisgraaf::api::sdl();
    let (mut undescribed, mut described, mut in_generated, mut in_block) = (Vec::new(), false, false, false);
    for line in sdl.lines() {
        let t = line.trim();
        if in_block {
            in_block = !t.ends_with("\"\"\"");
            described = true;
            continue;
        }
        if t == "\"\"\"" {
            in_block = true;
            continue;
        }
        if t.starts_with('"') && t.ends_with('"') && t.len() > 1 {
            described = true;
            continue;
        }
        let header = ["type ", "enum ", "input ", "interface ", "union "].iter().any(|k| t.starts_with(k));
        if header {
            let name = t.split_whitespace().nth(1).unwrap_or_default();
            in_generated = name.ends_with("Connection") || name.ends_with("Edge") || name == "PageInfo";
            if !described && !in_generated {
                undescribed.push(t.to_string());
            }
        } else if line.starts_with('\t') && !t.is_empty() && t != "}" && !described && !in_generated {
            undescribed.push(t.to_string());
        }
        described = false;
        if t.starts_with("schema ") {
            in_generated = true;
        }
    }
    assert!(undescribed.is_empty(), "undescribed in the SDL: {undescribed:#?}");
}

/// Page through `field` (a connection under `path`) `size` at a time, forward with
/// `first`/`after` or backward with `last`/`before`: the ids of every page, in list order.
fn walk(server: &TestServer, query: &str, vars: &Value, path: &[&str], backward: bool) -> (Vec<String>, u64) {
    let (mut ids, mut cursor) = (Vec::<String>::new(), Value::Null);
    for _ in 0..200 {
        let mut vars = vars.clone();
        vars[if backward { "before" } else { "after" }] = cursor.clone();
        let r = server.query(query, &vars, None);
        let conn = path.iter().fold(&r["data"], |v, k| &v[*k]);
        assert!(conn.is_object(), "{r}");
        let total = conn["totalCount"].as_u64().expect("totalCount");
        let page: Vec<String> =
            conn["edges"].as_array().expect("edges").iter().map(|e| e["node"]["id"].to_string()).collect();
        let info = &conn["pageInfo"];
        if backward {
            ids.splice(0..0, page);
            cursor = info["startCursor"].clone();
            if info["hasPreviousPage"] != true {
                return (ids, total);
            }
        } else {
            ids.extend(page);
            cursor = info["endCursor"].clone();
            if info["hasNextPage"] != true {
                return (ids, total);
            }
        }
    }
    panic!("no end after 200 pages");
}

const PAGE_INFO: &str = "totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }";

/// Every list that can grow pages to its end with `after` (and back with `before`),
/// visiting each item once, and every item it lists comes back through `node(id:)`.
#[test]
fn every_growing_list_pages_to_its_end_once_and_its_items_refetch_by_node_id() {
    let dir = tempfile::tempdir().expect("tempdir");
    let kg = pipeline(dir.path());
    ingest_reference(&kg);
    // The article again under another title: every relation stated twice.
    let again = kennisgraaf::ingest::RawDocument {
        text: format!("{}\nEinde.", reference_text()),
        origin: "again".into(),
        ..Default::default()
    };
    kg.ingest(vec![again], || {}).expect("ingest");
    let server = &TestServer::start(kg, ServerConfig::default());
    let a = find_entity(server, "Aboutaleb")["id"].clone();
    let heaviest = server.query("{ relations(first: 1) { nodes { id weight } } }", &json!({}), None)["data"]
        ["relations"]["nodes"][0]
        .clone();
    assert!(heaviest["weight"].as_u64() > Some(1), "{heaviest}");
    let lists = [
        ("entity", "relations", 3, json!({ "id": a })),
        ("entity", "neighbors", 3, json!({ "id": a })),
        ("entity", "mentions", 3, json!({ "id": a })),
        ("entity", "quotes", 3, json!({ "id": a })),
        ("relation", "evidence", 1, json!({ "id": heaviest["id"] })),
    ];
    for (root, field, size, vars) in lists {
        let forward = format!(
            "query($id: ID!, $after: String) {{ {root}(id: $id) {{ {field}(first: {size}, after: $after) {{ {PAGE_INFO} edges {{ node {{ id }} }} }} }} }}"
        );
        let backward = forward
            .replace(&format!("first: {size}, after: $after"), &format!("last: {size}, before: $before"))
            .replace("$after", "$before");
        let (ids, total) = walk(server, &forward, &vars, &[root, field], false);
        let distinct: std::collections::HashSet<&String> = ids.iter().collect();
        assert!(total > size, "{field}: {total} items page nothing");
        assert_eq!((ids.len() as u64, distinct.len() as u64), (total, total), "{field}: {ids:?}");
        let (back, _) = walk(server, &backward, &vars, &[root, field], true);
        assert_eq!(back, ids, "{field}: backward and forward differ");
        // Every item comes back through `node(id:)` as what it is.
        let nodes = server.query(
            "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }",
            &json!({ "ids": ids.iter().take(5).map(|i| i.trim_matches('"')).collect::<Vec<_>>() }),
            None,
        );
        for (n, id) in nodes["data"]["nodes"].as_array().expect("nodes").iter().zip(&ids) {
            assert_eq!(n["id"].to_string(), *id, "{nodes}");
        }
    }
    let empty = server.query(
        &format!(
            "query($id: ID!) {{ entity(id: $id) {{ relations(first: 0) {{ {PAGE_INFO} edges {{ cursor }} }} }} }}"
        ),
        &json!({ "id": a }),
        None,
    );
    let conn = &empty["data"]["entity"]["relations"];
    assert_eq!(
        (conn["pageInfo"]["endCursor"].clone(), conn["pageInfo"]["hasNextPage"].clone()),
        (Value::Null, json!(true)),
        "{empty}"
    );
    let entity = server.query(
        "query($id: ID!) { node(id: $id) { __typename ... on Entity { name } } }",
        &json!({ "id": a }),
        None,
    );
    assert_eq!(entity["data"]["node"], json!({ "__typename": "Entity", "name": "Aboutaleb" }), "{entity}");
    let nothing =
        server.query("{ a: node(id: \"nope\") { id } b: node(id: \"mention:e1:d:x\") { id } }", &json!({}), None);
    assert_eq!(nothing["data"], json!({ "a": null, "b": null }), "{nothing}");
}

/// The root `relations` by entity and between two, `quotes` by speaker and subject,
/// date filters, `orderBy` and `centrality`, on the reference article (dated 2019-03).
#[test]
fn lists_filter_by_entity_dates_and_order_and_entities_know_their_centrality() {
    let reference = reference_server();
    let server = &reference.server;
    let q = |query: &str, vars: Value| {
        let r = server.query(query, &vars, None);
        assert!(r.get("errors").is_none(), "{query}: {r}");
        r["data"].clone()
    };
    let a = find_entity(server, "Aboutaleb")["id"].clone();
    let rotterdam = find_entity(server, "Rotterdam")["id"].clone();
    let d = q(
        "query($a: ID!, $r: ID!) {
            between: relations(between: [$a, $r], first: 100) { totalCount nodes { source { id } target { id } } }
            of: relations(entity: $a) { totalCount }
            entity(id: $a) {
                relations { totalCount } quotes { totalCount } centrality { degree pageRank } degree
                neighbors(first: 100) { totalCount }
                neighborsByName: neighbors(orderBy: NAME, first: 100) { nodes { name } }
                neighborsLater: neighbors(from: \"2020\", first: 100) { totalCount }
                neighborsThen: neighbors(from: \"2019-03-05\", to: \"2019-03\", first: 100) { totalCount }
                mentions { totalCount }
                mentionsThen: mentions(from: \"2019-03\", to: \"2019\") { totalCount }
                mentionsLater: mentions(from: \"2020\") { totalCount }
                quotesThen: quotes(to: \"2019-03-31\") { totalCount }
                quotesEarlier: quotes(to: \"2018\") { totalCount }
                firstRelation: relations(first: 1) { nodes {
                    evidence { totalCount }
                    evidenceThen: evidence(from: \"2019-03-01\") { totalCount }
                    evidenceLater: evidence(from: \"2019-04\") { totalCount }
                } }
            }
            bySpeaker: quotes(speaker: $a) { totalCount }
            about: quotes(about: $r, first: 100) { totalCount nodes { about { id } } }
            later: entities(from: \"2020\") { totalCount }
            within: entities(from: \"2019-03-05\", to: \"2019-03\") { totalCount }
            all: entities { totalCount }
            earlier: documents(to: \"2018-12-31\") { totalCount }
            dated: documents(from: \"2019\") { totalCount }
            byName: entities(orderBy: NAME, first: 100) { nodes { name } }
            byDegree: entities(orderBy: DEGREE, first: 100) { nodes { degree } }
            oldRelations: relations(to: \"2018\") { totalCount }
        }",
        json!({ "a": a, "r": rotterdam }),
    );
    let between = d["between"]["nodes"].as_array().expect("nodes");
    assert!(!between.is_empty(), "{d}");
    for r in between {
        let mut ends = [r["source"]["id"].clone(), r["target"]["id"].clone()];
        ends.sort_by_key(|e| e.to_string());
        let mut expected = [a.clone(), rotterdam.clone()];
        expected.sort_by_key(|e| e.to_string());
        assert_eq!(ends, expected, "{r}");
    }
    assert_eq!(d["of"]["totalCount"], d["entity"]["relations"]["totalCount"], "{d}");
    assert_eq!(d["bySpeaker"]["totalCount"], d["entity"]["quotes"]["totalCount"], "{d}");
    assert!(d["about"]["totalCount"].as_u64() > Some(0), "{d}");
    for quote in d["about"]["nodes"].as_array().expect("nodes") {
        assert!(quote["about"].as_array().is_some_and(|ids| ids.iter().any(|x| x["id"] == rotterdam)), "{quote}");
    }
    assert_eq!(
        (d["later"]["totalCount"].as_u64(), d["within"]["totalCount"].clone()),
        (Some(0), d["all"]["totalCount"].clone()),
        "{d}"
    );
    assert_eq!((d["earlier"]["totalCount"].as_u64(), d["dated"]["totalCount"].as_u64()), (Some(0), Some(1)), "{d}");
    assert_eq!(d["oldRelations"]["totalCount"], 0, "{d}");
    let names: Vec<String> = d["byName"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| kennisgraaf::model::fold(n["name"].as_str().unwrap_or_default()))
        .collect();
    assert!(names.len() > 10 && names.windows(2).all(|w| w[0] <= w[1]), "{names:?}");
    let neighbors: Vec<String> = d["entity"]["neighborsByName"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| kennisgraaf::model::fold(n["name"].as_str().unwrap_or_default()))
        .collect();
    assert_eq!(Some(neighbors.len() as u64), d["entity"]["neighbors"]["totalCount"].as_u64(), "{d}");
    // The reference article is dated 2019-03: every neighbour is related then, none later.
    assert_eq!(
        (d["entity"]["neighborsLater"]["totalCount"].as_u64(), d["entity"]["neighborsThen"]["totalCount"].clone()),
        (Some(0), d["entity"]["neighbors"]["totalCount"].clone()),
        "{d}"
    );
    assert!(neighbors.len() > 3 && neighbors.windows(2).all(|w| w[0] <= w[1]), "{neighbors:?}");
    // Mentions, quotes and evidence of the one article: all within its month, none outside.
    let e = &d["entity"];
    let evidence = &e["firstRelation"]["nodes"][0];
    assert!(e["mentions"]["totalCount"].as_u64() > Some(0) && e["quotes"]["totalCount"].as_u64() > Some(0), "{e}");
    assert!(evidence["evidence"]["totalCount"].as_u64() > Some(0), "{e}");
    assert_eq!(
        [&e["mentionsThen"], &e["quotesThen"], &evidence["evidenceThen"]],
        [&e["mentions"], &e["quotes"], &evidence["evidence"]],
        "{e}"
    );
    for empty in [&e["mentionsLater"], &e["quotesEarlier"], &evidence["evidenceLater"]] {
        assert_eq!(empty["totalCount"], 0, "{e}");
    }
    let degrees: Vec<u64> =
        d["byDegree"]["nodes"].as_array().expect("nodes").iter().filter_map(|n| n["degree"].as_u64()).collect();
    assert!(degrees.len() > 10 && degrees.windows(2).all(|w| w[0] >= w[1]), "{degrees:?}");
    let c = &d["entity"]["centrality"];
    assert_eq!(c["degree"], d["entity"]["degree"], "{d}");
    assert!(
        c["pageRank"].as_f64().is_some_and(|p| p > 1.0 / d["all"]["totalCount"].as_f64().unwrap_or(1.0)),
        "the most connected entity ranks above average: {d}"
    );
    for (query, code) in [
        ("{ entities(from: \"maart\") { totalCount } }", "BAD_INPUT"),
        ("{ relations(between: [\"a\"]) { totalCount } }", "BAD_INPUT"),
        ("{ relations(between: [\"a\", \"b\"]) { totalCount } }", "NOT_FOUND"),
        ("{ quotes { totalCount } }", "BAD_INPUT"),
        ("{ entities(first: 1, last: 1) { totalCount } }", "BAD_INPUT"),
    ] {
        let r = server.query(query, &json!({}), None);
        assert_eq!(r["errors"][0]["extensions"]["code"], code, "{query}: {r}");
    }
}

/// The top-level definitions (operations) of a GraphQL block, split where braces close.
fn operations(block: &str) -> Vec<String> {
    let (mut out, mut current, mut depth) = (Vec::new(), String::new(), 0i32);
    for c in block.chars() {
        current.push(c);
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    out.push(std::mem::take(&mut current).trim().to_string());
                }
            }
            _ => {}
        }
    }
    out
}

/// Every query docs/api.md shows runs against the bundled corpus without an error
/// (mutations and subscriptions, which need a token or a WebSocket, are left out: the
/// curation and live tests run those).
#[test]
fn every_query_in_the_api_guide_runs_against_the_bundled_corpus() {
    let dir = tempfile::tempdir().expect("tempdir");
    let kg = pipeline(dir.path());
    let read = kennisgraaf::ingest::read_paths(&[repo("data/corpus")], Default::default());
    kg.ingest(read.documents, || {}).expect("ingest the bundled corpus");
    let server = TestServer::start(kg, ServerConfig::default());
    let id_of = |name: &str| find_entity(&server, name)["id"].as_str().map(str::to_string).expect(name);
    let (aboutaleb, rotterdam) = (id_of("Aboutaleb"), id_of("Rotterdam"));
    let found = server.query(
        "query($id: ID!) { documents(first: 1) { nodes { id } } entity(id: $id) { mentions(first: 1) { nodes { id } } } }",
        &json!({ "id": aboutaleb }),
        None,
    );
    let document = found["data"]["documents"]["nodes"][0]["id"].as_str().expect("a document").to_string();
    let mention = found["data"]["entity"]["mentions"]["nodes"][0]["id"].as_str().expect("a mention").to_string();
    let guide = std::fs::read_to_string(repo("docs/api.md")).expect("docs/api.md");
    let mut ran = Vec::new();
    for block in guide.split("```graphql").skip(1).filter_map(|b| b.split("```").next()) {
        for op in operations(block) {
            if op.starts_with("mutation") || op.starts_with("subscription") {
                continue;
            }
            let op = op.replace("<an entity id>", &aboutaleb).replace("<a mention id>", &mention);
            let mut variables = serde_json::Map::new();
            for name in
                op.split('$').skip(1).filter_map(|v| v.split(':').next()).filter(|v| !v.contains(char::is_whitespace))
            {
                let value = match (name, op.starts_with("query Article")) {
                    ("id", true) => document.clone(),
                    ("id" | "a", false) => aboutaleb.clone(),
                    ("b", _) => rotterdam.clone(),
                    ("text", _) => "abou".to_string(),
                    _ => panic!("the guide's query uses ${name}: give it a value here\n{op}"),
                };
                variables.insert(name.to_string(), json!(value));
            }
            let r = server.query(&op, &Value::Object(variables), None);
            assert!(r.get("errors").is_none() && !r["data"].is_null(), "{op}\n{r}");
            ran.push(op);
        }
    }
    // Search, entity page, graph view, paging, refetch (two), article, filters, curations, Wikidata.
    assert_eq!(ran.len(), 10, "{ran:#?}");
}
