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
