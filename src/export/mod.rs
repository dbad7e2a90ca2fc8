//! Graph exports for visualisation tools: GraphML (Gephi, networkx, Cytoscape desktop),
//! GEXF with time intervals (Gephi's timeline), Graphviz DOT, Cytoscape.js JSON, plain
//! JSON, and Neo4j `neo4j-admin database import` CSV (a nodes and a relationships file;
//! with evidence also documents, `MENTIONED_IN` and `STATED_IN` files).
//!
//! Invariants: output is written as it is produced (never one string for the whole
//! graph); nodes and edges come sorted by id, so the same graph gives the same bytes;
//! text is escaped for each format. Export reads `model` records that the caller took
//! from the graph with a `graph::Selection`, and with `--with-evidence` the `Evidence`
//! of those records read from the store (`load_evidence`): every statement of an exported
//! relation and, for Neo4j, every mention of an exported entity, with their documents.

use crate::graph::{Graph, Lookup, RelationFilter, Selection};
use crate::model::{
    stored_float, Document, EntityRecord, EntityType, RelationKind, RelationRecord, Span, StoredMention,
};
use crate::store::{Store, StoreError};
use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    GraphMl,
    Gexf,
    Dot,
    Cytoscape,
    Json,
    /// `neo4j-admin database import` nodes file.
    Neo4jNodes,
    /// `neo4j-admin database import` relationships file.
    Neo4jRelationships,
    /// Neo4j `Document` nodes of the evidence.
    Neo4jDocuments,
    /// Neo4j `MENTIONED_IN` relationships: entity to document, one per mention.
    Neo4jMentions,
    /// Neo4j `STATED_IN` relationships: a relation's source entity to document, one per statement.
    Neo4jStatements,
}

impl Format {
    /// Parse a format name as users write it (`graphml`, `neo4j-nodes`, …).
    pub fn parse(name: &str) -> Option<Format> {
        Some(match name {
            "graphml" => Format::GraphMl,
            "gexf" => Format::Gexf,
            "dot" => Format::Dot,
            "cytoscape" => Format::Cytoscape,
            "json" => Format::Json,
            "neo4j-nodes" => Format::Neo4jNodes,
            "neo4j-relationships" => Format::Neo4jRelationships,
            "neo4j-documents" => Format::Neo4jDocuments,
            "neo4j-mentions" => Format::Neo4jMentions,
            "neo4j-statements" => Format::Neo4jStatements,
            _ => return None,
        })
    }

    pub const NAMES: &'static str = "graphml, gexf, dot, cytoscape, json, neo4j-nodes, neo4j-relationships, \
        neo4j-documents, neo4j-mentions, neo4j-statements";

    /// The files of `neo4j-csv`: nodes and relationships, and with evidence the documents,
    /// mentions and statements too.
    pub fn neo4j(with_evidence: bool) -> Vec<Format> {
        let mut files = vec![Format::Neo4jNodes, Format::Neo4jRelationships];
        if with_evidence {
            files.extend([Format::Neo4jDocuments, Format::Neo4jMentions, Format::Neo4jStatements]);
        }
        files
    }

    /// The Neo4j files that are the evidence: written only from an `Evidence`.
    pub fn is_evidence(self) -> bool {
        matches!(self, Format::Neo4jDocuments | Format::Neo4jMentions | Format::Neo4jStatements)
    }

    /// Whether `Evidence::mentions` is read for it (only Neo4j has a place for mentions).
    pub fn needs_mentions(self) -> bool {
        self == Format::Neo4jMentions || self == Format::Neo4jDocuments
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::GraphMl | Format::Gexf => "application/xml; charset=utf-8",
            Format::Dot => "text/vnd.graphviz; charset=utf-8",
            Format::Cytoscape | Format::Json => "application/json",
            Format::Neo4jNodes
            | Format::Neo4jRelationships
            | Format::Neo4jDocuments
            | Format::Neo4jMentions
            | Format::Neo4jStatements => "text/csv; charset=utf-8",
        }
    }

    pub fn file_name(self) -> &'static str {
        match self {
            Format::GraphMl => "kennisgraaf.graphml",
            Format::Gexf => "kennisgraaf.gexf",
            Format::Dot => "kennisgraaf.dot",
            Format::Cytoscape => "kennisgraaf.cyjs",
            Format::Json => "kennisgraaf.json",
            Format::Neo4jNodes => "nodes.csv",
            Format::Neo4jRelationships => "relationships.csv",
            Format::Neo4jDocuments => "documents.csv",
            Format::Neo4jMentions => "mentioned_in.csv",
            Format::Neo4jStatements => "stated_in.csv",
        }
    }
}

/// What to export, as users give it (HTTP query parameters, CLI flags); lists are
/// comma-separated.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ExportParams {
    /// Entity types, e.g. `PERSON,LOCATION`.
    pub types: Option<String>,
    /// Relation types, e.g. `HOLDS_ROLE,QUOTED_ABOUT`.
    pub relations: Option<String>,
    pub min_weight: Option<u64>,
    pub from: Option<String>,
    pub to: Option<String>,
    /// Entity id or name whose neighbourhood to export (a name is looked up as `search`
    /// finds it; see `resolve_around`).
    pub around: Option<String>,
    pub depth: Option<usize>,
    /// Add the evidence (`--with-evidence`; over HTTP `with_evidence=true`).
    #[serde(default)]
    pub with_evidence: bool,
}

impl ExportParams {
    /// Validate into a graph selection; the error says which parameter is wrong.
    pub fn selection(&self) -> Result<Selection, String> {
        fn list<T>(
            v: &Option<String>,
            what: &str,
            parse: impl Fn(&str) -> Option<T>,
        ) -> Result<Option<Vec<T>>, String> {
            v.as_deref()
                .map(|s| {
                    s.split(',')
                        .map(str::trim)
                        .filter(|x| !x.is_empty())
                        .map(|x| parse(x).ok_or(format!("unknown {what} {x:?}")))
                        .collect()
                })
                .transpose()
        }
        let entity_types = list(&self.types, "entity type", |x| EntityType::ALL.into_iter().find(|t| t.as_str() == x))?;
        let kinds =
            list(&self.relations, "relation type", |x| RelationKind::ALL.into_iter().find(|k| k.as_str() == x))?;
        for d in [&self.from, &self.to].into_iter().flatten() {
            crate::ingest::parse_date(d).ok_or(format!("date {d:?} is not YYYY, YYYY-MM or YYYY-MM-DD"))?;
        }
        let depth = self.depth.unwrap_or(1);
        if depth > 6 {
            return Err(format!("depth {depth} is over the limit of 6"));
        }
        Ok(Selection {
            entity_types,
            relations: RelationFilter { kinds, min_weight: self.min_weight.unwrap_or(0), ..Default::default() },
            from: self.from.clone(),
            to: self.to.clone(),
            around: self.around.clone().map(|id| (id, depth)),
        })
    }
}

/// Why `--around` / `around=` names no one entity.
#[derive(Debug, thiserror::Error)]
pub enum AroundError {
    #[error("no entity with id or name {0:?}; find one with `kennisgraaf search NAME` or the GraphQL `search` query")]
    Missing(String),
    #[error("{name:?} names several entities; give one of their ids: {candidates}")]
    Ambiguous { name: String, candidates: String },
}

/// Turn the selection's `around` (an id or a name, as users give it) into the id of the
/// entity meant, as `Graph::lookup` finds it.
pub fn resolve_around(selection: &mut Selection, graph: &Graph) -> Result<(), AroundError> {
    let Some((given, _)) = &mut selection.around else { return Ok(()) };
    match graph.lookup(given) {
        Lookup::Found(e) => {
            *given = e.id.clone();
            Ok(())
        }
        Lookup::Missing => Err(AroundError::Missing(given.clone())),
        Lookup::Ambiguous(candidates) => Err(AroundError::Ambiguous {
            name: given.clone(),
            candidates: candidates
                .iter()
                .map(|e| format!("{} ({} {:?})", e.id, e.entity_type.as_str(), e.name))
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}

/// Where a relation is stated, with the words that state it (what `--with-evidence` adds).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Statement {
    pub document: String,
    pub sentence: usize,
    /// The words that state it, in the document's text.
    pub span: Span,
    /// The sentence `sentence` of the document.
    pub text: String,
    /// As the store holds it (`model::stored_float`).
    pub confidence: f64,
}

/// The statements of each exported relation, by relation id, in the store's order.
pub type RelationEvidence = HashMap<String, Vec<Statement>>;

/// What `--with-evidence` exports besides the graph.
#[derive(Debug, Default)]
pub struct Evidence {
    pub statements: RelationEvidence,
    /// The mentions of the exported entities, entity by entity in id order (read only
    /// when asked for: only Neo4j has a place for them).
    pub mentions: Vec<StoredMention>,
    /// The documents the statements and mentions are in, by id.
    pub documents: BTreeMap<String, Document>,
}

/// Read the evidence of `edges` from the store, with the sentence of each; with
/// `mentions`, also every mention of `nodes`. Each document is read once.
pub fn load_evidence(
    store: &Store,
    nodes: &[&EntityRecord],
    edges: &[&RelationRecord],
    mentions: bool,
) -> Result<Evidence, StoreError> {
    // Document id → the text of each of its sentences.
    let mut sentences: HashMap<String, Vec<String>> = HashMap::new();
    let mut out = Evidence::default();
    for r in edges {
        let mut statements = Vec::new();
        for evidence in store.evidence_of(&r.id) {
            let evidence = evidence?;
            let texts = sentences_of(store, &evidence.document, &mut sentences, &mut out.documents)?;
            statements.push(Statement {
                text: texts.get(evidence.sentence).cloned().unwrap_or_default(),
                document: evidence.document,
                sentence: evidence.sentence,
                span: evidence.span,
                confidence: stored_float(evidence.confidence),
            });
        }
        out.statements.insert(r.id.clone(), statements);
    }
    if mentions {
        for e in nodes {
            for mention in store.mentions_of(&e.id) {
                let mention = mention?;
                sentences_of(store, &mention.document, &mut sentences, &mut out.documents)?;
                out.mentions.push(mention);
            }
        }
    }
    Ok(out)
}

/// The text of each sentence of document `id`, read from the store the first time it is
/// asked for (when the document also goes into `documents`); none for a missing document.
fn sentences_of<'a>(
    store: &Store,
    id: &str,
    cache: &'a mut HashMap<String, Vec<String>>,
    documents: &mut BTreeMap<String, Document>,
) -> Result<&'a [String], StoreError> {
    if !cache.contains_key(id) {
        let record = store.document(id)?;
        let texts = record.as_ref().map_or_else(Vec::new, |d| {
            d.sentences.iter().map(|s| d.document.text.get(s.start..s.end).unwrap_or_default().to_string()).collect()
        });
        cache.insert(id.to_string(), texts);
        if let Some(d) = record {
            documents.insert(id.to_string(), d.document.clone());
        }
    }
    Ok(&cache[id])
}

/// Write the nodes and edges in `format`; with `evidence`, each edge also carries its
/// statements (GraphML and GEXF: their count and the first one's text; JSON and
/// Cytoscape: the list). The Neo4j evidence files are written from `evidence` alone, and
/// refused without it.
pub fn write(
    format: Format,
    nodes: &[&EntityRecord],
    edges: &[&RelationRecord],
    evidence: Option<&Evidence>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let statements = evidence.map(|e| &e.statements);
    match (format, evidence) {
        (Format::GraphMl, _) => graphml(nodes, edges, statements, out),
        (Format::Gexf, _) => gexf(nodes, edges, statements, out),
        (Format::Dot, _) => dot(nodes, edges, out),
        (Format::Cytoscape, _) => cytoscape(nodes, edges, statements, out),
        (Format::Json, _) => json(nodes, edges, statements, out),
        (Format::Neo4jNodes, _) => neo4j_nodes(nodes, out),
        (Format::Neo4jRelationships, _) => neo4j_relationships(edges, out),
        (Format::Neo4jDocuments, Some(evidence)) => neo4j_documents(evidence, out),
        (Format::Neo4jMentions, Some(evidence)) => neo4j_mentions(evidence, out),
        (Format::Neo4jStatements, Some(evidence)) => neo4j_statements(edges, evidence, out),
        (Format::Neo4jDocuments | Format::Neo4jMentions | Format::Neo4jStatements, None) => {
            Err(io::Error::new(io::ErrorKind::InvalidInput, "the Neo4j evidence files are written from the evidence"))
        }
    }
}

/// `(wikidata_id, wikidata_label, wikidata_url)`, each empty when the entity is not linked.
fn wikidata(e: &EntityRecord) -> [String; 3] {
    e.wikidata.as_ref().map_or_else(Default::default, |w| [w.id.clone(), w.label.clone(), w.url()])
}

const WIKIDATA_ATTRIBUTES: [&str; 3] = ["wikidata_id", "wikidata_label", "wikidata_url"];

/// Aliases, most used first.
fn alias_list(e: &EntityRecord) -> Vec<&str> {
    let mut a: Vec<(&String, &u64)> = e.aliases.iter().collect();
    a.sort_by(|x, y| y.1.cmp(x.1).then_with(|| x.0.cmp(y.0)));
    a.into_iter().map(|(s, _)| s.as_str()).collect()
}

/// Aliases in one text attribute (GraphML, GEXF, DOT have no lists), separated by `|`: a
/// reader splitting it gets an alias that contains `|` in pieces; JSON and CSV keep lists.
fn aliases(e: &EntityRecord) -> String {
    alias_list(e).join("|")
}

fn roles(e: &EntityRecord) -> String {
    e.roles.keys().map(String::as_str).collect::<Vec<_>>().join("|")
}

/// Fill colour of an entity type in styled exports (DOT, GEXF), as `[r, g, b]`.
fn type_colour(t: EntityType) -> [u8; 3] {
    match t {
        EntityType::Person => [0x4e, 0x79, 0xa7],
        EntityType::Organization => [0xf2, 0x8e, 0x2b],
        EntityType::Location => [0x59, 0xa1, 0x4f],
        EntityType::Law => [0xe1, 0x57, 0x59],
        EntityType::Event => [0xb0, 0x7a, 0xa1],
        EntityType::Misc => [0x9c, 0x75, 0x5f],
        EntityType::Role => [0x76, 0xb7, 0xb2],
    }
}

/// How much bigger to draw an entity for its mentions: logarithmic, so that a hundred
/// mentions do not dwarf the rest (1 mention: 0.7, 10: 2.4, 100: 4.6).
fn mention_scale(mentions: u64) -> f64 {
    (1.0 + mentions as f64).ln()
}

/// What a drawn edge says: the predicate of a typed relation (its kind when it has none);
/// nothing for co-occurrence, which is drawn dashed instead.
fn edge_label(r: &RelationRecord) -> Option<&str> {
    match (r.kind, r.predicate.as_str()) {
        (RelationKind::CoOccurs, _) => None,
        (kind, "") => Some(kind.as_str()),
        (_, predicate) => Some(predicate),
    }
}

/// An edge's statement count and the first statement's text, when evidence is exported.
fn evidence_summary<'a>(evidence: Option<&'a RelationEvidence>, r: &RelationRecord) -> Option<(usize, &'a str)> {
    let statements = evidence?.get(&r.id).map_or(&[][..], Vec::as_slice);
    Some((statements.len(), statements.first().map_or("", |s| s.text.as_str())))
}

fn xml(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => o.push(' '),
            c => o.push(c),
        }
    }
    o
}

fn graphml(
    nodes: &[&EntityRecord],
    edges: &[&RelationRecord],
    evidence: Option<&RelationEvidence>,
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">"#
    )?;
    for (id, target, ty) in [
        ("label", "node", "string"),
        ("type", "node", "string"),
        ("mention_count", "node", "long"),
        ("document_count", "node", "long"),
        ("aliases", "node", "string"),
        ("roles", "node", "string"),
        ("first_seen", "node", "string"),
        ("last_seen", "node", "string"),
        ("wikidata_id", "node", "string"),
        ("wikidata_label", "node", "string"),
        ("wikidata_url", "node", "string"),
    ] {
        writeln!(out, r#"  <key id="{id}" for="{target}" attr.name="{id}" attr.type="{ty}"/>"#)?;
    }
    for (id, ty) in [
        ("relation", "string"),
        ("predicate", "string"),
        ("weight", "double"),
        ("confidence", "double"),
        ("first_seen", "string"),
        ("last_seen", "string"),
    ] {
        writeln!(out, r#"  <key id="e_{id}" for="edge" attr.name="{id}" attr.type="{ty}"/>"#)?;
    }
    if evidence.is_some() {
        for (id, ty) in [("evidence_count", "long"), ("evidence_sentence", "string")] {
            writeln!(out, r#"  <key id="e_{id}" for="edge" attr.name="{id}" attr.type="{ty}"/>"#)?;
        }
    }
    writeln!(out, r#"  <graph id="kennisgraaf" edgedefault="directed">"#)?;
    for e in nodes {
        writeln!(out, r#"    <node id="{}">"#, xml(&e.id))?;
        writeln!(out, r#"      <data key="label">{}</data>"#, xml(&e.name))?;
        writeln!(out, r#"      <data key="type">{}</data>"#, e.entity_type.as_str())?;
        writeln!(out, r#"      <data key="mention_count">{}</data>"#, e.mention_count)?;
        writeln!(out, r#"      <data key="document_count">{}</data>"#, e.document_count)?;
        writeln!(out, r#"      <data key="aliases">{}</data>"#, xml(&aliases(e)))?;
        writeln!(out, r#"      <data key="roles">{}</data>"#, xml(&roles(e)))?;
        for (k, v) in [("first_seen", &e.first_seen), ("last_seen", &e.last_seen)] {
            if let Some(v) = v {
                writeln!(out, r#"      <data key="{k}">{}</data>"#, xml(v))?;
            }
        }
        for (k, v) in WIKIDATA_ATTRIBUTES.iter().zip(wikidata(e)) {
            if !v.is_empty() {
                writeln!(out, r#"      <data key="{k}">{}</data>"#, xml(&v))?;
            }
        }
        writeln!(out, "    </node>")?;
    }
    for r in edges {
        writeln!(out, r#"    <edge id="{}" source="{}" target="{}">"#, xml(&r.id), xml(&r.source), xml(&r.target))?;
        writeln!(out, r#"      <data key="e_relation">{}</data>"#, r.kind.as_str())?;
        writeln!(out, r#"      <data key="e_predicate">{}</data>"#, xml(&r.predicate))?;
        writeln!(out, r#"      <data key="e_weight">{}</data>"#, r.weight)?;
        writeln!(out, r#"      <data key="e_confidence">{}</data>"#, r.confidence)?;
        for (k, v) in [("e_first_seen", &r.first_seen), ("e_last_seen", &r.last_seen)] {
            if let Some(v) = v {
                writeln!(out, r#"      <data key="{k}">{}</data>"#, xml(v))?;
            }
        }
        if let Some((count, sentence)) = evidence_summary(evidence, r) {
            writeln!(out, r#"      <data key="e_evidence_count">{count}</data>"#)?;
            writeln!(out, r#"      <data key="e_evidence_sentence">{}</data>"#, xml(sentence))?;
        }
        writeln!(out, "    </edge>")?;
    }
    writeln!(out, "  </graph>\n</graphml>")
}

/// A `YYYY[-MM[-DD]]` date as a full GEXF date: the first day of the period it names,
/// or with `end`, the last day.
fn gexf_date(d: &str, end: bool) -> String {
    let parts: Vec<&str> = d.split('-').collect();
    match (parts.as_slice(), end) {
        ([y], false) => format!("{y}-01-01"),
        ([y], true) => format!("{y}-12-31"),
        ([y, m], false) => format!("{y}-{m}-01"),
        ([y, m], true) => {
            let days = match *m {
                "02" => {
                    let y: u32 = y.parse().unwrap_or(1);
                    if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 {
                        29
                    } else {
                        28
                    }
                }
                "04" | "06" | "09" | "11" => 30,
                _ => 31,
            };
            format!("{y}-{m}-{days:02}")
        }
        _ => d.to_string(),
    }
}

fn gexf_interval(first: &Option<String>, last: &Option<String>) -> String {
    match (first, last) {
        (Some(f), Some(l)) => format!(r#" start="{}" end="{}""#, gexf_date(f, false), gexf_date(l, true)),
        _ => String::new(),
    }
}

fn gexf(
    nodes: &[&EntityRecord],
    edges: &[&RelationRecord],
    evidence: Option<&RelationEvidence>,
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<gexf xmlns="http://www.gexf.net/1.2draft" xmlns:viz="http://www.gexf.net/1.2draft/viz" version="1.2">"#
    )?;
    writeln!(
        out,
        r#"  <meta><creator>kennisgraaf</creator><description>Knowledge graph of Dutch news</description></meta>"#
    )?;
    writeln!(out, r#"  <graph mode="dynamic" defaultedgetype="directed" timeformat="date">"#)?;
    writeln!(out, r#"    <attributes class="node" mode="static">"#)?;
    for (i, (name, ty)) in [
        ("type", "string"),
        ("mention_count", "long"),
        ("document_count", "long"),
        ("aliases", "string"),
        ("roles", "string"),
        ("wikidata_id", "string"),
        ("wikidata_label", "string"),
        ("wikidata_url", "string"),
    ]
    .iter()
    .enumerate()
    {
        writeln!(out, r#"      <attribute id="{i}" title="{name}" type="{ty}"/>"#)?;
    }
    writeln!(out, "    </attributes>")?;
    writeln!(out, r#"    <attributes class="edge" mode="static">"#)?;
    let mut edge_attributes = vec![("relation", "string"), ("predicate", "string"), ("confidence", "double")];
    if evidence.is_some() {
        edge_attributes.extend([("evidence_count", "long"), ("evidence_sentence", "string")]);
    }
    for (i, (name, ty)) in edge_attributes.iter().enumerate() {
        writeln!(out, r#"      <attribute id="{i}" title="{name}" type="{ty}"/>"#)?;
    }
    writeln!(out, "    </attributes>\n    <nodes>")?;
    for e in nodes {
        writeln!(
            out,
            r#"      <node id="{}" label="{}"{}>"#,
            xml(&e.id),
            xml(&e.name),
            gexf_interval(&e.first_seen, &e.last_seen)
        )?;
        writeln!(out, "        <attvalues>")?;
        let [wikidata_id, wikidata_label, wikidata_url] = wikidata(e);
        for (i, v) in [
            e.entity_type.as_str().to_string(),
            e.mention_count.to_string(),
            e.document_count.to_string(),
            aliases(e),
            roles(e),
            wikidata_id,
            wikidata_label,
            wikidata_url,
        ]
        .iter()
        .enumerate()
        .filter(|(_, v)| !v.is_empty())
        {
            writeln!(out, r#"          <attvalue for="{i}" value="{}"/>"#, xml(v))?;
        }
        let [r, g, b] = type_colour(e.entity_type);
        writeln!(out, "        </attvalues>")?;
        writeln!(out, r#"        <viz:color r="{r}" g="{g}" b="{b}"/>"#)?;
        writeln!(out, r#"        <viz:size value="{:.1}"/>"#, 5.0 + 5.0 * mention_scale(e.mention_count))?;
        writeln!(out, "      </node>")?;
    }
    writeln!(out, "    </nodes>\n    <edges>")?;
    for r in edges {
        writeln!(
            out,
            r#"      <edge id="{}" source="{}" target="{}"{} weight="{}"{}>"#,
            xml(&r.id),
            xml(&r.source),
            xml(&r.target),
            edge_label(r).map_or(String::new(), |l| format!(r#" label="{}""#, xml(l))),
            r.weight,
            gexf_interval(&r.first_seen, &r.last_seen)
        )?;
        writeln!(out, "        <attvalues>")?;
        let mut values = vec![r.kind.as_str().to_string(), r.predicate.clone(), r.confidence.to_string()];
        if let Some((count, sentence)) = evidence_summary(evidence, r) {
            values.extend([count.to_string(), sentence.to_string()]);
        }
        for (i, v) in values.iter().enumerate() {
            writeln!(out, r#"          <attvalue for="{i}" value="{}"/>"#, xml(v))?;
        }
        writeln!(out, "        </attvalues>\n      </edge>")?;
    }
    writeln!(out, "    </edges>\n  </graph>\n</gexf>")
}

fn dot_string(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' | '\r' => o.push(' '),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

/// Styled for reading straight away: entities filled with their type's colour, their
/// text larger with more mentions; typed relations as labelled arrows, co-occurrence as
/// dashed lines without direction or label.
fn dot(nodes: &[&EntityRecord], edges: &[&RelationRecord], out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "digraph kennisgraaf {{")?;
    writeln!(out, r#"  node [shape=box, style="rounded,filled", fontname="Helvetica", fontcolor=white];"#)?;
    writeln!(out, r#"  edge [fontname="Helvetica", fontsize=9];"#)?;
    for e in nodes {
        let linked: String = WIKIDATA_ATTRIBUTES
            .iter()
            .zip(wikidata(e))
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!(", {k}={}", dot_string(&v)))
            .collect();
        let [r, g, b] = type_colour(e.entity_type);
        writeln!(
            out,
            "  {} [label={}, fillcolor=\"#{r:02x}{g:02x}{b:02x}\", fontsize={:.1}, entity_type={}, mention_count={}, \
             aliases={}{linked}];",
            dot_string(&e.id),
            dot_string(&e.name),
            10.0 + 4.0 * mention_scale(e.mention_count),
            dot_string(e.entity_type.as_str()),
            e.mention_count,
            dot_string(&aliases(e))
        )?;
    }
    for r in edges {
        let style = match edge_label(r) {
            Some(label) => format!("label={}", dot_string(label)),
            None => r##"dir=none, style=dashed, color="#999999""##.to_string(),
        };
        writeln!(
            out,
            "  {} -> {} [{style}, relation={}, predicate={}, weight={}, confidence={}];",
            dot_string(&r.source),
            dot_string(&r.target),
            dot_string(r.kind.as_str()),
            dot_string(&r.predicate),
            r.weight,
            r.confidence
        )?;
    }
    writeln!(out, "}}")
}

fn node_json(e: &EntityRecord) -> serde_json::Value {
    serde_json::json!({
        "id": e.id,
        "label": e.name,
        "type": e.entity_type.as_str(),
        "mention_count": e.mention_count,
        "document_count": e.document_count,
        "aliases": alias_list(e),
        "roles": e.roles.keys().collect::<Vec<_>>(),
        "first_seen": e.first_seen,
        "last_seen": e.last_seen,
        "wikidata_id": e.wikidata.as_ref().map(|w| &w.id),
        "wikidata_label": e.wikidata.as_ref().map(|w| &w.label),
        "wikidata_url": e.wikidata.as_ref().map(|w| w.url()),
    })
}

fn edge_json(r: &RelationRecord, evidence: Option<&RelationEvidence>) -> serde_json::Value {
    let mut edge = serde_json::json!({
        "id": r.id,
        "source": r.source,
        "target": r.target,
        "type": r.kind.as_str(),
        "predicate": r.predicate,
        "weight": r.weight,
        "confidence": stored_float(r.confidence),
        "first_seen": r.first_seen,
        "last_seen": r.last_seen,
    });
    if let Some(evidence) = evidence {
        edge["evidence"] = serde_json::json!(evidence.get(&r.id).map_or(&[][..], Vec::as_slice));
    }
    edge
}

/// `[a, b, …]` written element by element.
fn json_array<T>(items: &[T], out: &mut dyn Write, item: impl Fn(&T) -> serde_json::Value) -> io::Result<()> {
    out.write_all(b"[")?;
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        out.write_all(b"\n  ")?;
        serde_json::to_writer(&mut *out, &item(x))?;
    }
    out.write_all(b"\n]")
}

fn cytoscape(
    nodes: &[&EntityRecord],
    edges: &[&RelationRecord],
    evidence: Option<&RelationEvidence>,
    out: &mut dyn Write,
) -> io::Result<()> {
    out.write_all(br#"{"format_version":"1.0","generated_by":"kennisgraaf","elements":{"nodes":"#)?;
    json_array(nodes, out, |e| serde_json::json!({ "data": node_json(e) }))?;
    out.write_all(br#","edges":"#)?;
    json_array(edges, out, |r| serde_json::json!({ "data": edge_json(r, evidence) }))?;
    out.write_all(b"}}\n")
}

fn json(
    nodes: &[&EntityRecord],
    edges: &[&RelationRecord],
    evidence: Option<&RelationEvidence>,
    out: &mut dyn Write,
) -> io::Result<()> {
    out.write_all(br#"{"directed":true,"nodes":"#)?;
    json_array(nodes, out, |e| node_json(e))?;
    out.write_all(br#","edges":"#)?;
    json_array(edges, out, |r| edge_json(r, evidence))?;
    out.write_all(b"}\n")
}

/// Between the elements of a Neo4j array field (`string[]`, and the labels of `:LABEL`):
/// the unit separator U+001F,
/// which normalised text never holds (`ingest::normalise_text` drops control characters),
/// so no alias or role is split. `neo4j-admin database import` reads it with
/// `--array-delimiter=U+001F`.
pub const NEO4J_ARRAY_DELIMITER: char = '\u{1f}';

/// A Neo4j array field; a delimiter inside an element (which normalised text never holds)
/// becomes a space.
fn neo4j_array<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let delimiter = NEO4J_ARRAY_DELIMITER.to_string();
    items.into_iter().map(|s| s.replace(NEO4J_ARRAY_DELIMITER, " ")).collect::<Vec<_>>().join(&delimiter)
}

fn neo4j_nodes(nodes: &[&EntityRecord], out: &mut dyn Write) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "id:ID",
        "name",
        "mentionCount:long",
        "documentCount:long",
        "aliases:string[]",
        "roles:string[]",
        "firstSeen",
        "lastSeen",
        "wikidataId",
        "wikidataLabel",
        "wikidataUrl",
        ":LABEL",
    ])?;
    for e in nodes {
        let [wikidata_id, wikidata_label, wikidata_url] = wikidata(e);
        w.write_record([
            e.id.as_str(),
            &e.name,
            &e.mention_count.to_string(),
            &e.document_count.to_string(),
            &neo4j_array(alias_list(e)),
            &neo4j_array(e.roles.keys().map(String::as_str)),
            e.first_seen.as_deref().unwrap_or(""),
            e.last_seen.as_deref().unwrap_or(""),
            &wikidata_id,
            &wikidata_label,
            &wikidata_url,
            // The labels field is an array too.
            &neo4j_array(["Entity", e.entity_type.as_str()]),
        ])?;
    }
    w.flush()
}

fn neo4j_relationships(edges: &[&RelationRecord], out: &mut dyn Write) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        ":START_ID",
        ":END_ID",
        ":TYPE",
        "id",
        "predicate",
        "weight:long",
        "confidence:double",
        "firstSeen",
        "lastSeen",
    ])?;
    for r in edges {
        w.write_record([
            r.source.as_str(),
            &r.target,
            r.kind.as_str(),
            &r.id,
            &r.predicate,
            &r.weight.to_string(),
            &r.confidence.to_string(),
            r.first_seen.as_deref().unwrap_or(""),
            r.last_seen.as_deref().unwrap_or(""),
        ])?;
    }
    w.flush()
}

/// `Document` nodes: the documents of the exported mentions and statements, with their text
/// (the spans of `MENTIONED_IN` and `STATED_IN` are UTF-8 byte offsets into it).
fn neo4j_documents(evidence: &Evidence, out: &mut dyn Write) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(["id:ID", "title", "date", "source", "externalId", "text", ":LABEL"])?;
    for d in evidence.documents.values() {
        w.write_record([
            d.id.as_str(),
            d.title.as_deref().unwrap_or(""),
            d.date.as_deref().unwrap_or(""),
            d.source.as_deref().unwrap_or(""),
            d.external_id.as_deref().unwrap_or(""),
            &d.text,
            "Document",
        ])?;
    }
    w.flush()
}

/// `(entity)-[:MENTIONED_IN]->(document)`, one per mention, with its sentence, span,
/// words, confidence and how it was found.
fn neo4j_mentions(evidence: &Evidence, out: &mut dyn Write) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        ":START_ID",
        ":END_ID",
        ":TYPE",
        "sentence:long",
        "start:long",
        "end:long",
        "text",
        "confidence:double",
        "source",
    ])?;
    for m in &evidence.mentions {
        let source = serde_json::to_value(m.source).ok().and_then(|v| v.as_str().map(str::to_string));
        w.write_record([
            m.entity.as_str(),
            &m.document,
            "MENTIONED_IN",
            &m.sentence.to_string(),
            &m.span.start.to_string(),
            &m.span.end.to_string(),
            &m.text,
            &m.confidence.to_string(),
            source.as_deref().unwrap_or(""),
        ])?;
    }
    w.flush()
}

/// `(source)-[:STATED_IN]->(document)`, one per statement of an exported relation: from
/// the relation's source entity, naming the relation (`relation` is the `id` of the
/// relationship in relationships.csv), with the sentence, span and confidence.
fn neo4j_statements(edges: &[&RelationRecord], evidence: &Evidence, out: &mut dyn Write) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        ":START_ID",
        ":END_ID",
        ":TYPE",
        "relation",
        "relationType",
        "sentence:long",
        "sentenceText",
        "start:long",
        "end:long",
        "confidence:double",
    ])?;
    for r in edges {
        for s in evidence.statements.get(&r.id).map_or(&[][..], Vec::as_slice) {
            w.write_record([
                r.source.as_str(),
                &s.document,
                "STATED_IN",
                &r.id,
                r.kind.as_str(),
                &s.sentence.to_string(),
                &s.text,
                &s.span.start.to_string(),
                &s.span.end.to_string(),
                &s.confidence.to_string(),
            ])?;
        }
    }
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_per_format() {
        assert_eq!(xml("A & B <\"x\">"), "A &amp; B &lt;&quot;x&quot;&gt;");
        assert_eq!(dot_string("zo'n \"groot\" \\ ding"), "\"zo'n \\\"groot\\\" \\\\ ding\"");
    }

    #[test]
    fn gexf_dates_cover_the_period() {
        assert_eq!(gexf_date("2019-03", false), "2019-03-01");
        assert_eq!(gexf_date("2019-02", true), "2019-02-28");
        assert_eq!(gexf_date("2020-02", true), "2020-02-29");
        assert_eq!(gexf_date("2019", true), "2019-12-31");
        assert_eq!(gexf_date("2019-03-05", true), "2019-03-05");
    }
}
