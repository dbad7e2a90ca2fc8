//! Many clients querying while documents are ingested through the API: every answer is
//! consistent (no relation without its entities) and no request fails.

use crate::common::*;
use kennisgraaf::server::ServerConfig;
use serde_json::json;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

#[test]
fn queries_during_ingest_always_see_a_consistent_graph() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Arc::new(TestServer::start(
        pipeline(dir.path()),
        ServerConfig { token: Some("t".into()), cors_origins: vec![], ..Default::default() },
    ));
    let articles = alpino_articles();
    let done = Arc::new(AtomicBool::new(false));
    let served = Arc::new(AtomicUsize::new(0));
    let readers: Vec<_> = (0..8)
        .map(|k| {
            let (server, done, served) = (server.clone(), done.clone(), served.clone());
            std::thread::spawn(move || {
                let queries = [
                    "{ relations(first: 100) { totalCount edges { node { id type source { id name } target { id name } } } } }",
                    "{ stats { documents entities relations } }",
                    "{ search(text: \"b\", first: 20) { id name relations(first: 20) { nodes { source { id } target { id } evidence(first: 2) { nodes { sentence } } } } } }",
                    "{ entities(first: 50) { edges { node { id neighbors(first: 10) { nodes { id } } } } } }",
                ];
                // Bounded: at most 400 requests a client, stopping when ingest is done.
                for n in 0..400 {
                    if done.load(Ordering::SeqCst) && n > 20 {
                        break;
                    }
                    let r = server.query(queries[(n + k) % queries.len()], &json!({}), None);
                    assert!(r.get("errors").is_none(), "client {k} request {n} failed: {r}");
                    if let Some(edges) = r["data"]["relations"]["edges"].as_array() {
                        for e in edges {
                            assert!(e["node"]["source"]["id"].is_string() && e["node"]["target"]["id"].is_string(), "relation with a missing entity: {e}");
                        }
                    }
                    served.fetch_add(1, Ordering::SeqCst);
                }
            })
        })
        .collect();
    let mut stored = 0;
    for batch in articles.chunks(5) {
        let docs: Vec<_> = batch.iter().map(|a| json!({ "date": "2000-05", "text": a })).collect();
        let r = server.query(
            "mutation($d: [DocumentInput!]!) { ingest(documents: $d) { stored problems } }",
            &json!({ "d": docs }),
            Some("t"),
        );
        assert!(r.get("errors").is_none(), "{r}");
        stored += r["data"]["ingest"]["stored"].as_array().map_or(0, Vec::len);
    }
    done.store(true, Ordering::SeqCst);
    for r in readers {
        r.join().expect("a client failed");
    }
    assert_eq!(stored, articles.len());
    let r = server.query("{ stats { documents } }", &json!({}), None);
    assert_eq!(r["data"]["stats"]["documents"].as_u64(), Some(articles.len() as u64));
    assert!(served.load(Ordering::SeqCst) >= 8 * 20, "clients were served {} requests", served.load(Ordering::SeqCst));
    eprintln!("{} documents ingested while 8 clients were served {} requests", stored, served.load(Ordering::SeqCst));
}
