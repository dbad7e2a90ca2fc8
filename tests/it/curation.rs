//! Curation: merge, rename, retype, split an alias off, delete a document, on the
//! bundled corpus, in sled and in PostgreSQL; each keeps the store sound, survives a
//! restart and wins over later ingests. Then the same over GraphQL, token-guarded.

use crate::common::*;
use kennisgraaf::ingest::RawDocument;
use kennisgraaf::model::{Curation, EntityRecord, EntityType};
use kennisgraaf::pipeline::{Kennisgraaf, PipelineEvent};
use kennisgraaf::server::ServerConfig;
use kennisgraaf::store::CurateError;
use serde_json::json;
use std::sync::Arc;

fn ingest_corpus(kg: &Kennisgraaf) {
    let read = kennisgraaf::ingest::read_paths(&[repo("data/corpus")], Default::default());
    let report = kg.ingest(read.documents, || {}).expect("ingest");
    assert!(report.stored.len() > 50, "{report:?}");
}

fn ingest_corpus_again(kg: &Kennisgraaf) {
    let read = kennisgraaf::ingest::read_paths(&[repo("data/corpus")], Default::default());
    let report = kg.ingest(read.documents, || {}).expect("ingest");
    assert!(report.stored.is_empty() && !report.deleted.is_empty(), "{report:?}");
}

/// The one entity found by this exact name.
fn named(kg: &Kennisgraaf, name: &str) -> Arc<EntityRecord> {
    let graph = kg.graph();
    let found: Vec<_> = graph.search(name, 10).into_iter().filter(|e| e.name == name).cloned().collect();
    assert_eq!(found.len(), 1, "entities named {name:?}: {found:?}");
    found[0].clone()
}

fn ingest_text(kg: &Kennisgraaf, text: &str) -> kennisgraaf::pipeline::IngestReport {
    let raw = RawDocument { text: text.into(), origin: "test".into(), ..Default::default() };
    kg.ingest(vec![raw], || {}).expect("ingest")
}

/// The stored reference article's document id.
fn reference_id(kg: &Kennisgraaf) -> String {
    let docs: Vec<_> = kg.store().documents().collect::<Result<_, _>>().expect("documents");
    let doc = docs.iter().find(|d| d.document.text.contains("Meld Misdaad Anoniem")).expect("reference stored");
    doc.document.id.clone()
}

fn assert_sound(kg: &Kennisgraaf) {
    let problems = kg.store().check().expect("check");
    assert!(problems.is_empty(), "store problems after curation: {problems:#?}");
    let counts = kg.store().counts().expect("counts");
    let graph = kg.graph();
    assert_eq!((graph.entity_count() as u64, graph.relation_count() as u64), (counts.entities, counts.relations));
}

#[test]
fn curations_keep_the_store_sound_win_over_later_ingests_and_survive_a_restart() {
    curations_keep_the_store_sound(&TestStore::sled());
}

#[test]
fn curations_in_postgres_keep_the_store_sound_win_over_later_ingests_and_survive_a_restart() {
    curations_keep_the_store_sound(&TestStore::postgres());
}

fn curations_keep_the_store_sound(backend: &TestStore) {
    let kg = backend.pipeline();
    ingest_corpus(&kg);
    let mut events = kg.subscribe();

    // "de fiscus" is the Belastingdienst: merge, and the old id answers as the new one.
    let (fiscus, belastingdienst) = (named(&kg, "fiscus"), named(&kg, "Belastingdienst"));
    let fiscus_relations = kg.graph().degree(&fiscus.id);
    assert!(fiscus_relations > 0);
    let merged = kg
        .curate(
            Curation::Merge { from: fiscus.id.clone(), into: belastingdienst.id.clone() },
            "fiscus = Belastingdienst",
        )
        .expect("merge");
    assert_eq!(merged.removed_entities, vec![fiscus.id.clone()]);
    let now = named(&kg, "Belastingdienst");
    assert_eq!(now.mention_count, fiscus.mention_count + belastingdienst.mention_count);
    assert!(now.aliases.contains_key("fiscus"), "{now:?}");
    assert_eq!(kg.graph().current_id(&fiscus.id), belastingdienst.id);
    assert!(kg.graph().entity(&fiscus.id).is_none());
    assert!(kg.graph().degree(&belastingdienst.id) >= fiscus_relations);
    assert_sound(&kg);
    match events.try_recv().expect("a graph change event") {
        PipelineEvent::Curated { event: 1, changes } => assert_eq!(changes.entities_removed, vec![fiscus.id.clone()]),
        other => panic!("unexpected event {other:?}"),
    }
    // A later article about "de fiscus" lands on the Belastingdienst.
    ingest_text(&kg, "Volgens de politie en de fiscus in Rotterdam is de aanpak een succes.");
    assert!(named(&kg, "Belastingdienst").mention_count > now.mention_count);

    // A curated name stays, even when a later article gives a longer one.
    let aboutaleb = named(&kg, "Aboutaleb");
    kg.curate(Curation::Rename { entity: aboutaleb.id.clone(), name: "A. Aboutaleb".into() }, "full initial")
        .expect("rename");
    ingest_text(&kg, "Burgemeester Ahmed Aboutaleb van Rotterdam sprak in Den Haag. Aboutaleb was tevreden.");
    let renamed = kg.graph().entity(&aboutaleb.id).cloned().expect("still there");
    assert_eq!(renamed.name, "A. Aboutaleb");
    assert!(renamed.curated.name && renamed.document_count == 2, "{renamed:?}");
    assert_eq!(kg.graph().search("a. aboutaleb", 1)[0].id, aboutaleb.id);

    // The tagger took Burkina Faso for a person; a curator says it is a place.
    let burkina_faso = named(&kg, "Burkina Faso");
    assert_eq!(burkina_faso.entity_type, EntityType::Person);
    kg.curate(Curation::Retype { entity: burkina_faso.id.clone(), entity_type: EntityType::Location }, "a country")
        .expect("retype");
    let retyped = named(&kg, "Burkina Faso");
    assert_eq!((retyped.entity_type, retyped.curated.entity_type), (EntityType::Location, true));

    // "Jansen" in one article is not Eelco Jansen: split the alias off.
    let eelco = named(&kg, "Eelco Jansen");
    assert!(eelco.aliases.get("Jansen").is_some_and(|n| *n > 0), "{eelco:?}");
    let split = kg
        .curate(Curation::SplitAlias { entity: eelco.id.clone(), alias: "jansen".into() }, "another Jansen")
        .expect("split");
    let jansen = split.entity.expect("the new entity");
    assert_eq!((jansen.name.as_str(), jansen.entity_type), ("Jansen", EntityType::Person));
    assert!(jansen.mention_count >= eelco.aliases["Jansen"], "{jansen:?}");
    let eelco_now = kg.graph().entity(&eelco.id).cloned().expect("Eelco Jansen stays");
    assert!(!eelco_now.aliases.contains_key("Jansen") && eelco_now.mention_count < eelco.mention_count);
    assert_eq!(eelco_now.mention_count + jansen.mention_count, eelco.mention_count);
    assert_sound(&kg);
    ingest_text(&kg, "Trainer Jansen was boos na de nederlaag van Feyenoord in Eindhoven.");
    assert!(kg.graph().entity(&jansen.id).expect("split entity").document_count > jansen.document_count);

    // Deleting the reference article takes what only it said, and it is not ingested again.
    let reference = reference_id(&kg);
    let opiumwet = named(&kg, "Opiumwet");
    let rotterdam = named(&kg, "Rotterdam");
    let deleted = kg
        .curate(Curation::DeleteDocument { document: reference.clone() }, "duplicate of another feed")
        .expect("delete");
    assert!(deleted.removed_entities.contains(&opiumwet.id), "{:?}", deleted.removed_entities);
    assert!(kg.store().document(&reference).expect("read").is_none());
    let rotterdam_now = kg.graph().entity(&rotterdam.id).cloned().expect("Rotterdam is in other articles");
    assert!(rotterdam_now.mention_count < rotterdam.mention_count);
    assert_eq!(kg.graph().entity(&aboutaleb.id).expect("the later article keeps him").document_count, 1);
    assert_sound(&kg);
    let again = kg
        .ingest(vec![RawDocument { text: reference_text(), origin: REFERENCE.into(), ..Default::default() }], || {})
        .expect("ingest");
    assert_eq!((again.stored.len(), again.deleted), (0, vec![reference.clone()]));

    // Mistakes get a precise error and change nothing.
    let before = kg.store().counts().expect("counts");
    for (curation, expected) in [
        (Curation::Merge { from: belastingdienst.id.clone(), into: fiscus.id.clone() }, "already one entity"),
        (Curation::Rename { entity: "enope".into(), name: "x".into() }, "no entity"),
        (Curation::SplitAlias { entity: eelco.id.clone(), alias: "Eelco Jansen".into() }, "rename it first"),
        (Curation::DeleteDocument { document: reference }, "already deleted"),
    ] {
        let err = kg.curate(curation, "test").expect_err("refused");
        assert!(matches!(err, CurateError::NotFound(_) | CurateError::BadInput(_)), "{err:?}");
        assert!(err.to_string().contains(expected), "{err}");
    }
    assert!(kg.curate(Curation::Retype { entity: eelco.id.clone(), entity_type: EntityType::Misc }, " ").is_err());
    assert_eq!(kg.store().counts().expect("counts"), before);

    // A restart: the log, the merge alias and the rules are all still there.
    drop(kg);
    let kg = backend.pipeline();
    let log: Vec<_> = kg.store().curations().collect::<Result<_, _>>().expect("log");
    assert_eq!(log.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![1, 2, 3, 4, 5]);
    assert_eq!(log[0].reason, "fiscus = Belastingdienst");
    assert!(log.iter().all(|e| e.at.ends_with('Z') && e.at.len() == 20), "{log:?}");
    assert_eq!(kg.graph().current_id(&fiscus.id), belastingdienst.id);
    assert_eq!(named(&kg, "A. Aboutaleb").id, aboutaleb.id);
    assert_sound(&kg);
}

/// Random merges, splits, renames and deletions over the whole corpus: after each, the
/// store passes its own integrity check and the graph holds what the store holds.
#[test]
fn random_curations_keep_the_store_sound() {
    let dir = tempfile::tempdir().expect("tempdir");
    let kg = pipeline(dir.path());
    ingest_corpus(&kg);
    let mut seed: u64 = 2002;
    let mut next = |n: usize| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 33) as usize % n.max(1)
    };
    let mut applied = 0;
    for round in 0..100 {
        let entities: Vec<Arc<EntityRecord>> = kg.graph().entities(&Default::default()).into_iter().cloned().collect();
        let docs: Vec<String> = kg.store().documents().map(|d| d.expect("document").document.id).collect();
        let pick = |i: usize| entities[i % entities.len()].clone();
        let curation = match round % 5 {
            // Merge among the well-connected (they share documents and relations).
            0 | 1 => {
                let (a, b) = (pick(next(40)), pick(next(40)));
                Curation::Merge { from: a.id.clone(), into: b.id.clone() }
            }
            2 => {
                let e =
                    entities.iter().filter(|e| e.aliases.len() > 1).nth(next(20)).cloned().unwrap_or_else(|| pick(0));
                let alias = e.aliases.keys().find(|a| **a != e.name).cloned().unwrap_or_default();
                Curation::SplitAlias { entity: e.id.clone(), alias }
            }
            3 => Curation::DeleteDocument { document: docs[next(docs.len())].clone() },
            _ => match next(2) {
                0 => Curation::Rename { entity: pick(next(80)).id.clone(), name: format!("Naam {round}") },
                _ => Curation::Retype { entity: pick(next(80)).id.clone(), entity_type: EntityType::Organization },
            },
        };
        match kg.curate(curation.clone(), "random") {
            Ok(_) => applied += 1,
            Err(CurateError::BadInput(_) | CurateError::NotFound(_)) => {}
            Err(e) => panic!("{curation:?} failed: {e}"),
        }
        let problems = kg.store().check().expect("check");
        assert!(problems.is_empty(), "after {curation:?}: {problems:#?}");
    }
    assert!(applied > 70, "only {applied} curations applied");
    assert_sound(&kg);
    // Later ingests into the curated store keep it sound: the corpus again (deleted
    // documents stay out) and a new article naming what was curated.
    ingest_corpus_again(&kg);
    ingest_text(&kg, "Minister Jansen sprak in Rotterdam met de fiscus, de politie en Aboutaleb over Nederland.");
    assert_sound(&kg);
    // The graph rebuilt from the store equals the graph curated in memory.
    let (entities, relations) = (kg.graph().entity_count(), kg.graph().relation_count());
    drop(kg);
    let kg = pipeline(dir.path());
    assert_eq!((kg.graph().entity_count(), kg.graph().relation_count()), (entities, relations));
}

#[test]
fn curation_over_graphql_needs_the_token_and_reports_codes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let kg = pipeline(dir.path());
    ingest_reference(&kg);
    let config = ServerConfig { token: Some("geheim".into()), ..Default::default() };
    let server = TestServer::start(kg.clone(), config);
    let id = |name: &str| named(&kg, name).id.clone();
    let (fiscus, belastingdienst) = (id("fiscus"), id("Belastingdienst"));
    let merge = "mutation($from: ID!, $into: ID!, $reason: String!) { mergeEntities(from: $from, into: $into, reason: $reason) { event { seq at action reason entity into } entity { id name aliases } entitiesRemoved } }";
    let vars = json!({ "from": fiscus, "into": belastingdienst, "reason": "fiscus is de Belastingdienst" });

    let r = server.query(merge, &vars, None);
    assert_eq!(r["errors"][0]["extensions"]["code"], "UNAUTHENTICATED", "{r}");
    let r = server.query(merge, &json!({ "from": fiscus, "into": "enope", "reason": "x" }), Some("geheim"));
    assert_eq!(r["errors"][0]["extensions"]["code"], "NOT_FOUND", "{r}");
    let r = server.query(merge, &json!({ "from": fiscus, "into": belastingdienst, "reason": "" }), Some("geheim"));
    assert_eq!(r["errors"][0]["extensions"]["code"], "BAD_INPUT", "{r}");

    let r = server.query(merge, &vars, Some("geheim"));
    let result = &r["data"]["mergeEntities"];
    assert_eq!(result["event"]["seq"], 1, "{r}");
    assert_eq!(result["event"]["action"], "MERGE");
    assert_eq!(result["event"]["into"], belastingdienst.as_str());
    assert_eq!(result["entity"]["aliases"], json!(["Belastingdienst", "fiscus"]));
    assert_eq!(result["entitiesRemoved"], json!([fiscus]));

    // The old id answers as the entity it is part of now.
    let r = server.query("query($id: ID!) { entity(id: $id) { id name } }", &json!({ "id": fiscus }), None);
    assert_eq!(r["data"]["entity"]["id"], belastingdienst.as_str(), "{r}");

    let r = server.query(
        "mutation($id: ID!) { retypeEntity(id: $id, type: ORGANIZATION, reason: \"rijksdienst\") { entity { type curated { name type } } } }",
        &json!({ "id": belastingdienst }),
        Some("geheim"),
    );
    assert_eq!(r["data"]["retypeEntity"]["entity"]["curated"], json!({ "name": false, "type": true }), "{r}");

    let r = server.query(
        "{ curations(first: 10) { totalCount edges { node { seq action reason entity type } } } }",
        &json!({}),
        None,
    );
    assert_eq!(r["data"]["curations"]["totalCount"], 2, "{r}");
    assert_eq!(r["data"]["curations"]["edges"][1]["node"]["type"], "ORGANIZATION");

    let reference = reference_id(&kg);
    let r = server.query(
        "mutation($id: ID!) { deleteDocument(id: $id, reason: \"test\") { entity { id } entitiesRemoved } }",
        &json!({ "id": reference }),
        Some("geheim"),
    );
    assert!(r["data"]["deleteDocument"]["entitiesRemoved"].as_array().is_some_and(|a| a.len() > 5), "{r}");
    let r = server.query("{ stats { documents entities relations } }", &json!({}), None);
    assert_eq!(r["data"]["stats"], json!({ "documents": 0, "entities": 0, "relations": 0 }), "{r}");
}
