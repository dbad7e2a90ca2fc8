//! GraphQL over HTTP as clients expect it: the audit suite of npm's `graphql-http`
//! (`serverAudits`) against the real server, and the content negotiation it checks.
//! `.ci/run` installs the npm packages (`npm ci --prefix tests/js`).

use crate::common::*;
use kennisgraaf::server::ServerConfig;
use std::process::Command;

/// Run a Node script from tests/js with arguments; its stdout.
fn node(script: &str, args: &[&str]) -> String {
    let out = Command::new("node")
        .arg(repo(&format!("tests/js/{script}")))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run node ({e}); install Node.js and `npm ci --prefix tests/js`"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{script}: {stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    stdout
}

fn server() -> (tempfile::TempDir, TestServer) {
    let dir = tempfile::tempdir().expect("tempdir");
    let kg = pipeline(&dir.path().join("store"));
    ingest_reference(&kg);
    (dir, TestServer::start(kg, ServerConfig::default()))
}

#[test]
fn the_graphql_http_audit_suite_passes_every_must_and_should() {
    let (_dir, server) = server();
    let stdout = node("graphql-http-audit.mjs", &[&format!("{}/graphql", server.url)]);
    let audits: Vec<serde_json::Value> =
        stdout.lines().map(|l| serde_json::from_str(l).expect("one JSON object per audit")).collect();
    assert!(audits.len() >= 50, "only {} audits ran:\n{stdout}", audits.len());
    // MUST failures are "error", SHOULD failures "warn"; MAY ones are "notice".
    let failed: Vec<&serde_json::Value> =
        audits.iter().filter(|a| a["status"] == "error" || a["status"] == "warn").collect();
    assert!(failed.is_empty(), "failed audits: {failed:#?}");
}

#[test]
fn responses_follow_the_accept_header_and_requests_that_cannot_run_get_400() {
    let (_dir, server) = server();
    let url = format!("{}/graphql", server.url);
    let plain =
        ureq::post(&url).set("content-type", "application/json").send_string(r#"{"query":"{ stats { entities } }"}"#);
    let plain = plain.expect("200");
    assert!(plain.content_type().starts_with("application/json"), "{}", plain.content_type());

    let spec = "application/graphql-response+json";
    let ok = ureq::post(&url)
        .set("content-type", "application/json")
        .set("accept", spec)
        .send_string(r#"{"query":"{ stats { entities } }"}"#)
        .expect("200");
    assert_eq!(ok.content_type(), spec);
    let broken = ureq::post(&url)
        .set("content-type", "application/json")
        .set("accept", spec)
        .send_string(r#"{"query":"{ stats { "}"#);
    let Err(ureq::Error::Status(400, response)) = broken else { panic!("a parse error should be 400: {broken:?}") };
    let body: serde_json::Value = response.into_json().expect("json");
    assert!(body.get("data").is_none() && body["errors"].as_array().is_some_and(|e| !e.is_empty()), "{body}");

    let get_mutation = ureq::get(&url).query("query", "mutation { ingest(documents: []) { stored } }").call();
    assert!(matches!(get_mutation, Err(ureq::Error::Status(405, _))), "{get_mutation:?}");
    let get_read = ureq::get(&url).query("query", "{ stats { entities } }").call().expect("GET reads work");
    assert!(get_read.content_type().starts_with("application/json"));
    let text = ureq::post(&url).set("content-type", "text/plain").send_string(r#"{"query":"{ stats { entities } }"}"#);
    assert!(matches!(text, Err(ureq::Error::Status(415, _))), "{text:?}");
}

#[test]
fn a_frontend_using_graphql_request_gets_what_it_asks_for() {
    let (_dir, server) = server();
    let stdout = node("frontend-client.mjs", &[&format!("{}/graphql", server.url)]);
    let v: serde_json::Value = serde_json::from_str(stdout.trim()).expect("one JSON summary");
    // Search as you type narrows to Aboutaleb.
    assert!(v["typed"][2].as_array().is_some_and(|names| names.first() == Some(&"Aboutaleb".into())), "{v}");
    let e = &v["entity"];
    assert_eq!((e["name"].as_str(), e["type"].as_str()), (Some("Aboutaleb"), Some("PERSON")), "{v}");
    assert_eq!(e["roles"], serde_json::json!(["burgemeester"]));
    assert_eq!(e["wikidataId"], "Q401107");
    assert!(e["relationTypes"].as_array().is_some_and(|t| t.contains(&"HOLDS_ROLE".into())), "{v}");
    assert!(e["evidenceTexts"].as_u64() > Some(5) && e["quotes"].as_u64() >= Some(5), "{v}");
    assert!(v["view"]["nodes"].as_u64() >= Some(5) && v["view"]["dangling"] == 0, "{v}");
    // Cursor pagination walks every relation once.
    let p = &v["pages"];
    assert!(p["count"].as_u64() >= Some(2), "{v}");
    assert_eq!((p["seen"].clone(), p["distinct"].clone()), (p["total"].clone(), p["total"].clone()), "{v}");
    assert!(v["invalidQueryError"].as_str().is_some_and(|m| m.contains("nonsense")), "{v}");
    // The most connected entity's relations, paged with `after` to the end: each once.
    let h = &v["hubRelations"];
    assert!(h["pages"].as_u64() >= Some(3) && h["total"] == h["degree"], "{v}");
    assert_eq!((h["seen"].clone(), h["distinct"].clone()), (h["total"].clone(), h["total"].clone()), "{v}");
    assert_eq!(v["refetched"]["__typename"], "Entity", "{v}");
    assert_eq!(
        (v["refetched"]["name"].clone(), v["refetched"]["degree"].clone()),
        (h["name"].clone(), h["degree"].clone())
    );
    // Every mention's span is its text in the document, in the order of the text.
    let a = &v["article"];
    assert!(
        a["mentions"].as_u64() > Some(20) && a["mentions"].as_u64() == a["total"].as_u64().map(|t| t.min(100)),
        "{v}"
    );
    assert_eq!(
        (a["spansMatch"].clone(), a["withEntity"].clone(), a["ordered"].clone()),
        (a["mentions"].clone(), a["mentions"].clone(), true.into()),
        "{v}"
    );
    assert_eq!(v["mentionAgain"]["__typename"], "Mention", "{v}");
}

#[test]
fn a_subscriber_sees_a_document_go_through_the_pipeline_then_its_deletion_by_a_curator() {
    let dir = tempfile::tempdir().expect("tempdir");
    let kg = pipeline(&dir.path().join("store"));
    ingest_reference(&kg);
    let config = ServerConfig { token: Some("s3cret".into()), ..Default::default() };
    let server = TestServer::start(kg.clone(), config);
    let stdout = node("live-client.mjs", &[server.url.as_str(), "s3cret"]);
    let v: serde_json::Value = serde_json::from_str(stdout.trim()).expect("one JSON summary");
    let stored = v["ingested"]["data"]["ingest"]["stored"][0].as_str().expect("one document stored").to_string();
    let stages: Vec<&str> =
        v["progress"].as_array().expect("events").iter().filter_map(|e| e["stage"].as_str()).collect();
    assert_eq!(stages, ["ACCEPTED", "EXTRACTED", "COMMITTED"], "{v}");
    assert!(v["progress"].as_array().expect("events").iter().all(|e| e["document"] == stored.as_str()), "{v}");
    let change = &v["changes"][0];
    assert_eq!(change["document"], stored.as_str(), "{v}");
    // Aboutaleb and Rotterdam were known (updated); the new document adds relations.
    let graph = kg.graph();
    let aboutaleb = graph
        .entities(&kennisgraaf::graph::EntityFilter { wikidata_id: Some("Q401107".into()), ..Default::default() })[0]
        .id
        .clone();
    assert!(change["entitiesUpdated"].as_array().is_some_and(|ids| ids.contains(&aboutaleb.as_str().into())), "{v}");
    let added = change["relationsAdded"].as_array().expect("ids");
    // Then the curation deleted the document again: the relations only it stated go.
    assert_eq!(v["deleted"]["data"]["deleteDocument"]["event"]["seq"], 1, "{v}");
    let curated = &v["changes"][1];
    assert_eq!((curated["curation"].as_u64(), curated["document"].is_null()), (Some(1), true), "{v}");
    let removed = curated["relationsRemoved"].as_array().expect("ids");
    assert!(!added.is_empty() && added.iter().all(|id| removed.contains(id)), "{v}");
    assert!(removed.iter().all(|id| graph.relation(id.as_str().unwrap_or("")).is_none()), "{v}");
}

#[test]
fn a_slow_subscriber_is_told_what_it_missed_and_never_blocks_ingestion() {
    let dir = tempfile::tempdir().expect("tempdir");
    let kg = pipeline(&dir.path().join("store"));
    let mut rx = kg.subscribe();
    // Nobody reads while more events than the buffer holds are produced.
    let docs: Vec<_> = (0..kennisgraaf::pipeline::EVENT_BUFFER / 3 + 10)
        .map(|i| kennisgraaf::ingest::RawDocument {
            text: format!("Document {i}: burgemeester Aboutaleb bezocht Rotterdam."),
            origin: format!("doc {i}"),
            ..Default::default()
        })
        .collect();
    let n = docs.len();
    let report = kg.ingest(docs, || {}).expect("ingest finishes without a reader");
    assert_eq!(report.stored.len(), n);
    match rx.try_recv() {
        Err(tokio::sync::broadcast::error::TryRecvError::Lagged(missed)) => assert!(missed > 0),
        other => panic!("expected to be told of missed events, got {other:?}"),
    }
}

#[test]
fn cursors_stay_valid_across_an_ingest_and_name_the_item_they_follow() {
    let dir = tempfile::tempdir().expect("tempdir");
    let kg = pipeline(&dir.path().join("store"));
    ingest_reference(&kg);
    let server = TestServer::start(kg.clone(), ServerConfig::default());
    let page = |after: Option<&str>| {
        server.query(
            "query($after: String) { entities(first: 3, after: $after) { pageInfo { endCursor } nodes { id } } }",
            &serde_json::json!({ "after": after }),
            None,
        )
    };
    let all = || -> Vec<String> {
        server.query("{ entities(first: 100) { nodes { id } } }", &serde_json::json!({}), None)["data"]["entities"]
            ["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .map(|n| n["id"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    let first = page(None);
    let cursor = first["data"]["entities"]["pageInfo"]["endCursor"].as_str().expect("cursor").to_string();
    let third = first["data"]["entities"]["nodes"][2]["id"].as_str().expect("id").to_string();
    let before = all();
    // Another article changes the counts, and so the order and the list.
    let raw = kennisgraaf::ingest::RawDocument {
        text: "De politie in Rotterdam en de douane in Groningen werkten samen met de Belastingdienst. \
               De politie in Amsterdam deed mee."
            .into(),
        origin: "extra".into(),
        ..Default::default()
    };
    kg.ingest(vec![raw], || {}).expect("ingest");
    let after_ingest = all();
    assert_ne!(before, after_ingest, "the ingest should change the list");
    let next = page(Some(&cursor));
    let expected = &after_ingest[after_ingest.iter().position(|id| *id == third).expect("still listed") + 1];
    assert_eq!(next["data"]["entities"]["nodes"][0]["id"], expected.as_str(), "{next}");
    let bad = page(Some("o:3"));
    assert_eq!(bad["errors"][0]["extensions"]["code"], "BAD_INPUT", "{bad}");
}

/// POST `body` with `Accept: application/graphql-response+json`: status and JSON body.
fn post_spec(url: &str, body: &serde_json::Value) -> (u16, serde_json::Value) {
    let r = ureq::post(url)
        .set("content-type", "application/json")
        .set("accept", "application/graphql-response+json")
        .send_string(&body.to_string());
    let response = match r {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{e}"),
    };
    (response.status(), response.into_json().expect("a JSON body"))
}

/// The spec's statuses with `application/graphql-response+json` (as Apollo Client 4
/// sends): a request that never ran gets 400 and no `data`; one that ran gets 200 with
/// `data` (null when the error reached the root) and `errors`; every error has its code.
#[test]
fn execution_errors_get_200_with_data_and_requests_that_never_ran_get_400() {
    let dir = tempfile::tempdir().expect("tempdir");
    let kg = pipeline(&dir.path().join("store"));
    ingest_reference(&kg);
    let limits = kennisgraaf::api::Limits { answer_items: 30, ..Default::default() };
    let server = TestServer::start(kg, ServerConfig { limits, ..Default::default() });
    let url = format!("{}/graphql", server.url);
    let query = |q: &str| serde_json::json!({ "query": q });
    // (request, status, data is null, whether `data` is there at all, code, limit)
    let cases = [
        (query("{ neighborhood(id: \"nope\") { nodes { id } } }"), 200, true, true, "NOT_FOUND", None),
        (
            query("{ stats { documents } shortestPath(from: \"nope\", to: \"nope\") { id } }"),
            200,
            false,
            true,
            "NOT_FOUND",
            None,
        ),
        (query("{ entities(first: 1000) { totalCount } }"), 200, true, true, "LIMIT_EXCEEDED", None),
        (
            query("{ a: entities { nodes { id } } b: entities { nodes { id } } c: entities { nodes { id } } }"),
            200,
            false,
            true,
            "LIMIT_EXCEEDED",
            Some("answerItems"),
        ),
        (query("{ entities(after: \"garbage\") { totalCount } }"), 200, true, true, "BAD_INPUT", None),
        (
            query(&format!(
                "{{ search(text: \"a\") {{ {} id {} }} }}",
                "neighbors { nodes { ".repeat(10),
                "} }".repeat(10)
            )),
            400,
            true,
            false,
            "LIMIT_EXCEEDED",
            Some("depth"),
        ),
        (query("{ nope }"), 400, true, false, "GRAPHQL_VALIDATION_FAILED", None),
        (query("{ entities(first: 3000000000) { totalCount } }"), 400, true, false, "GRAPHQL_VALIDATION_FAILED", None),
        (query("{ stats { "), 400, true, false, "GRAPHQL_PARSE_FAILED", None),
        (serde_json::json!({ "variables": {} }), 400, true, false, "BAD_REQUEST", None),
        (
            serde_json::json!({ "extensions": { "persistedQuery": { "version": 1, "sha256Hash": "ecf4edb46db40b5132295c0291d62fb65d6759a9eedfa4d5d612dd5ec54a6b38" } } }),
            400,
            true,
            false,
            "PERSISTED_QUERY_NOT_SUPPORTED",
            None,
        ),
    ];
    for (request, status, data_null, has_data, code, limit) in cases {
        let (got, body) = post_spec(&url, &request);
        assert_eq!(got, status, "{request}: {body}");
        assert_eq!((body.get("data").is_some(), body["data"].is_null()), (has_data, data_null), "{request}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["code"], code, "{request}: {body}");
        if let Some(limit) = limit {
            assert_eq!(body["errors"][0]["extensions"]["limit"], limit, "{request}: {body}");
        }
    }
    let (_, none) = post_spec(&url, &serde_json::json!({}));
    assert!(none["errors"][0]["message"].as_str().is_some_and(|m| m.contains("has no query")), "{none}");
    // With the query text as well, Apollo's retry after the refusal runs as any request.
    let (status, body) = post_spec(
        &url,
        &serde_json::json!({ "query": "{ stats { documents } }", "extensions": { "persistedQuery": { "version": 1, "sha256Hash": "x" } } }),
    );
    assert_eq!((status, body["data"]["stats"]["documents"].as_u64()), (200, Some(1)), "{body}");
}

/// Confidences are the numbers the store holds (0.45, not 0.44999998807907104).
#[test]
fn floats_come_out_as_stored() {
    let (_dir, server) = server();
    let r = server.query(
        "{ relations(first: 50) { nodes { confidence evidence { nodes { confidence } } } } entities(first: 20) { nodes { wikidata { confidence } mentions(first: 5) { nodes { confidence } } } } }",
        &serde_json::json!({}),
        None,
    );
    let mut numbers = Vec::new();
    fn collect(v: &serde_json::Value, out: &mut Vec<f64>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, v) in m {
                    match (k.as_str(), v.as_f64()) {
                        ("confidence", Some(c)) => out.push(c),
                        _ => collect(v, out),
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| collect(v, out)),
            _ => {}
        }
    }
    collect(&r["data"], &mut numbers);
    assert!(numbers.len() > 50, "{r}");
    for c in numbers {
        assert_eq!(c.to_string(), (c as f32).to_string(), "{c} is not the stored f32 written out");
    }
}

/// GET answers carry an `ETag` that changes with the graph and answer `If-None-Match`
/// with 304; errors are not cached; `/favicon.ico` is there.
#[test]
fn get_answers_are_cacheable_until_the_graph_changes() {
    let (_dir, server) = server();
    let url = format!("{}/graphql", server.url);
    let get = |etag: Option<&str>| {
        let mut r = ureq::get(&url).query("query", "{ stats { documents } }");
        if let Some(etag) = etag {
            r = r.set("if-none-match", etag);
        }
        r.call().expect("GET")
    };
    let first = get(None);
    let etag = first.header("etag").expect("an ETag").to_string();
    assert_eq!(first.header("cache-control"), Some("public, no-cache"));
    assert_eq!(get(Some(&etag)).status(), 304);
    let failed = ureq::get(&url).query("query", "{ neighborhood(id: \"nope\") { nodes { id } } }").call().expect("200");
    assert_eq!((failed.header("etag"), failed.header("cache-control")), (None, Some("no-store")));
    // Compressed for a client that accepts gzip, plain for one that does not.
    let query = "{ entities(first: 20) { nodes { id name aliases } } }";
    let gzip = ureq::get(&url).query("query", query).set("accept-encoding", "gzip").call().expect("GET");
    assert_eq!(gzip.header("content-encoding"), Some("gzip"));
    assert_eq!(ureq::get(&url).query("query", query).call().expect("GET").header("content-encoding"), None);
    let favicon = ureq::get(&format!("{}/favicon.ico", server.url)).call().expect("favicon");
    assert_eq!(favicon.content_type(), "image/svg+xml");
    drop(server);
}
