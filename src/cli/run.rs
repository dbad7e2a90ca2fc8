//! `serve` and `ingest` (which create the store if it is missing), and the commands that
//! only read it — `stats`, `check`, `search`, `export` — which refuse a missing store
//! rather than create an empty one.

use super::args::{CopyArgs, ExportArgs, IngestArgs, ModelArgs, SearchArgs, ServeArgs};
use super::load_extractor;
use crate::export;
use crate::ingest::{self, ReadLimits};
use crate::pipeline::{IngestReport, Kennisgraaf};
use crate::server::{self, ServerConfig};
use crate::store::{Store, StoreLocation};
use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// The store at `location` for a command that reads it: a missing store is an error (a
/// typo in `--store` must not look like an empty graph).
pub fn existing_store(location: &StoreLocation) -> Result<Store> {
    if let StoreLocation::Folder(path) = location {
        anyhow::ensure!(
            path.exists(),
            "no store at {}; create one with `kennisgraaf --store {} ingest FILES…` (or give the right --store)",
            path.display(),
            path.display()
        );
    }
    Ok(Store::open_at(location, false)?)
}

/// The pipeline over `store` with the models loaded.
pub fn open(store: Store, models: &ModelArgs) -> Result<Kennisgraaf> {
    let started = Instant::now();
    let extractor = load_extractor(models)?;
    let kg = Kennisgraaf::new(extractor, store)?;
    tracing::info!(
        entities = kg.graph().entity_count(),
        relations = kg.graph().relation_count(),
        ms = started.elapsed().as_millis() as u64,
        peak_rss_mb = super::peak_rss_mb().unwrap_or(0.0),
        "store and models loaded"
    );
    Ok(kg)
}

/// Read and ingest paths with a progress bar; print a summary. The id of each document
/// stored goes to stdout with `print_ids` (`ingest`), else to the log at debug level
/// (`serve`'s seeding). Returns the report and how many inputs could not be read.
fn ingest_paths(
    kg: &Kennisgraaf,
    paths: &[PathBuf],
    limits: ReadLimits,
    flush_every: usize,
    print_ids: bool,
) -> Result<(IngestReport, usize)> {
    let read = ingest::read_paths(paths, limits);
    for p in &read.problems {
        eprintln!("skipped: {p}");
    }
    let bar = ProgressBar::new(read.documents.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("ingesting {bar:40} {pos}/{len} documents, {per_sec}, {eta} left")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let started = Instant::now();
    let report = kg.ingest_with(
        read.documents,
        flush_every,
        || bar.inc(1),
        |ids| {
            if !print_ids {
                for id in ids {
                    tracing::debug!(document = %id, "stored");
                }
            } else if !ids.is_empty() {
                bar.suspend(|| {
                    let mut out = std::io::stdout().lock();
                    for id in ids {
                        let _ = writeln!(out, "{id}");
                    }
                    let _ = out.flush();
                })
            }
        },
    )?;
    bar.finish_and_clear();
    for p in &report.problems {
        eprintln!("skipped: {p}");
    }
    eprintln!(
        "{} documents stored, {} already present, {} skipped in {:.1} s; graph now has {} entities and {} relations",
        report.stored.len(),
        report.unchanged.len(),
        report.problems.len() + read.problems.len(),
        started.elapsed().as_secs_f64(),
        kg.graph().entity_count(),
        kg.graph().relation_count()
    );
    Ok((report, read.problems.len()))
}

pub fn ingest_cmd(store: &StoreLocation, models: &ModelArgs, args: &IngestArgs) -> Result<()> {
    let kg = open(Store::open_at(store, true)?, models)?;
    let (report, unreadable) =
        ingest_paths(&kg, &args.paths, ReadLimits { max_file_bytes: args.max_file_bytes }, args.flush_every, true)?;
    if unreadable + report.problems.len() > 0 {
        anyhow::bail!(
            "{} inputs could not be ingested (see above); the others are stored",
            unreadable + report.problems.len()
        );
    }
    Ok(())
}

pub fn stats(store: &StoreLocation) -> Result<()> {
    let store = existing_store(store)?;
    let started = Instant::now();
    let graph = crate::graph::Graph::load(&store)?;
    tracing::info!(
        entities = graph.entity_count(),
        relations = graph.relation_count(),
        ms = started.elapsed().as_millis() as u64,
        peak_rss_mb = super::peak_rss_mb().unwrap_or(0.0),
        "graph loaded"
    );
    let counts = store.counts()?;
    let (types, kinds) = graph.type_counts();
    println!(
        "documents  {}\nentities   {}\nrelations  {}\nmentions   {}\nevidence   {}",
        counts.documents, counts.entities, counts.relations, counts.mentions, counts.evidence
    );
    for (t, n) in types {
        println!("  {:<14} {n}", t.as_str());
    }
    for (k, n) in kinds {
        println!("  {:<14} {n}", k.as_str());
    }
    Ok(())
}

/// Entities whose name or an alias matches, as the GraphQL `search` finds them.
pub fn search(store: &StoreLocation, args: &SearchArgs) -> Result<()> {
    let graph = crate::graph::Graph::load(&existing_store(store)?)?;
    let hits = graph.search(&args.name, args.limit);
    anyhow::ensure!(!hits.is_empty(), "no entity named like {:?}", args.name);
    let mut out = std::io::stdout().lock();
    writeln!(out, "id\ttype\tmentions\tdocuments\tname")?;
    for e in hits {
        writeln!(out, "{}\t{}\t{}\t{}\t{}", e.id, e.entity_type.as_str(), e.mention_count, e.document_count, e.name)?;
    }
    Ok(())
}

pub fn export(store: &StoreLocation, args: &ExportArgs) -> Result<()> {
    let params = export::ExportParams {
        types: args.types.clone(),
        relations: args.relations.clone(),
        min_weight: args.min_weight,
        from: args.from.clone(),
        to: args.to.clone(),
        around: args.around.clone(),
        depth: args.depth,
        with_evidence: args.with_evidence,
    };
    let mut selection = params.selection().map_err(anyhow::Error::msg)?;
    let formats = match args.format.as_str() {
        "neo4j-csv" => export::Format::neo4j(args.with_evidence),
        name => vec![export::Format::parse(name).filter(|_| !name.starts_with("neo4j")).with_context(|| {
            format!("unknown format {name:?}; use graphml, gexf, dot, cytoscape, json or neo4j-csv")
        })?],
    };
    anyhow::ensure!(
        !args.with_evidence || args.format != "dot",
        "--with-evidence is for graphml, gexf, cytoscape, json and neo4j-csv: DOT has no place for it"
    );
    let store = existing_store(store)?;
    let graph = crate::graph::Graph::load(&store)?;
    export::resolve_around(&mut selection, &graph)?;
    let (nodes, edges) = graph.select(&selection);
    let mentions = formats.iter().any(|f| f.needs_mentions());
    let evidence =
        if args.with_evidence { Some(export::load_evidence(&store, &nodes, &edges, mentions)?) } else { None };
    let evidence = evidence.as_ref();
    for format in formats {
        match (&args.out, args.format == "neo4j-csv") {
            (Some(out), true) => {
                std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
                write_file(&out.join(format.file_name()), format, &nodes, &edges, evidence)?;
            }
            (Some(out), false) => write_file(out, format, &nodes, &edges, evidence)?,
            (None, true) => anyhow::bail!("neo4j-csv writes two files: give a folder with --out"),
            (None, false) => {
                let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
                export::write(format, &nodes, &edges, evidence, &mut stdout)?;
                stdout.flush()?;
            }
        }
    }
    eprintln!("exported {} entities and {} relations", nodes.len(), edges.len());
    Ok(())
}

/// Write to a temporary file beside `path`, then rename: no half-written export on failure.
/// Errors name `path`, the file the user asked for; the temporary file is removed.
fn write_file(
    path: &Path,
    format: export::Format,
    nodes: &[&crate::model::EntityRecord],
    edges: &[&crate::model::RelationRecord],
    evidence: Option<&export::Evidence>,
) -> Result<()> {
    let tmp = path.with_extension("partial");
    let written = std::fs::File::create(&tmp).and_then(|file| {
        let mut w = std::io::BufWriter::new(file);
        export::write(format, nodes, edges, evidence, &mut w)?;
        w.into_inner().map_err(std::io::IntoInnerError::into_error)?.sync_all()?;
        std::fs::rename(&tmp, path)
    });
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written.with_context(|| format!("cannot write {}", path.display()))
}

pub fn check(store: &StoreLocation) -> Result<()> {
    let store = existing_store(store)?;
    let counts = store.counts()?;
    let problems = store.check()?;
    for p in &problems {
        println!("problem: {p}");
    }
    if !problems.is_empty() {
        anyhow::bail!("the store has {} problems (listed above)", problems.len());
    }
    println!(
        "store is sound: {} documents, {} entities, {} relations, {} mentions, {} evidence records",
        counts.documents, counts.entities, counts.relations, counts.mentions, counts.evidence
    );
    Ok(())
}

/// `store copy`: the source must exist, the target is created (and must be empty); the
/// copy is checked, and its problems make the command fail.
pub fn copy(args: &CopyArgs) -> Result<()> {
    let started = Instant::now();
    let (from, to) = (StoreLocation::parse(&args.from), StoreLocation::parse(&args.to));
    anyhow::ensure!(from != to, "--from and --to are the same store ({from}); give another --to");
    let source = existing_store(&from).with_context(|| format!("cannot read --from {from}"))?;
    let target = Store::open_at(&to, true).with_context(|| format!("cannot open --to {to}"))?;
    let counts = source.counts()?;
    let total = counts.documents + counts.entities + counts.relations + counts.mentions + counts.evidence;
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template("copying {bar:40} {pos}/{len} records, {per_sec}, {eta} left")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let copied = crate::store::copy(&source, &target, |n| bar.inc(n));
    bar.finish_and_clear();
    let report = copied.with_context(|| format!("cannot copy {from} to {to}"))?;
    let c = report.counts;
    tracing::info!(
        %from,
        %to,
        documents = c.documents,
        entities = c.entities,
        relations = c.relations,
        mentions = c.mentions,
        evidence = c.evidence,
        curations = report.curations,
        records = report.written,
        seconds = started.elapsed().as_secs_f64(),
        "store copied"
    );
    for p in &report.problems {
        println!("problem: {p}");
    }
    anyhow::ensure!(
        report.problems.is_empty(),
        "the copy at {to} fails its check ({} problems, listed above); the source may be damaged: run          `kennisgraaf --store {from} check`",
        report.problems.len()
    );
    println!(
        "copied {from} to {to}; the copy is sound: {} documents, {} entities, {} relations, {} mentions,          {} evidence records, {} curations",
        c.documents, c.entities, c.relations, c.mentions, c.evidence, report.curations
    );
    Ok(())
}

/// The request budget `serve` runs with: the defaults, and the time limit given.
fn serve_limits(args: &ServeArgs) -> crate::api::Limits {
    crate::api::Limits { time: std::time::Duration::from_secs(args.timeout_secs), ..Default::default() }
}

/// Serve the store: the address is checked before anything is loaded; on an empty store
/// the corpus is ingested first (ids to the debug log). Prints where it serves and what,
/// on one line.
pub fn serve(store: &StoreLocation, models: &ModelArgs, args: &ServeArgs) -> Result<()> {
    let started = Instant::now();
    let addr: std::net::SocketAddr = args
        .addr
        .parse()
        .with_context(|| format!("--addr {:?} is not an address and port like 127.0.0.1:8080", args.addr))?;
    if !addr.ip().is_loopback() && !args.public {
        anyhow::bail!(
            "--addr {addr} is reachable from other machines, and anyone who reaches it can read the whole \
             store; add --public to serve there anyway, or use 127.0.0.1"
        );
    }
    let kg = open(Store::open_at(store, true)?, models)?;
    // A store `check` refuses is not served: ingesting into it would build on the damage.
    let problems = kg.store().check_quick()?;
    if !problems.is_empty() {
        for p in problems.iter().take(10) {
            eprintln!("problem: {p}");
        }
        anyhow::bail!(
            "the store at {} fails its integrity check ({} problems, the first listed above); not serving it. \
             Run `kennisgraaf --store {} check` for the full list, then restore a backup or re-ingest into a new store",
            store,
            problems.len(),
            store
        );
    }
    if kg.store().is_empty()? && !args.no_seed {
        eprintln!("empty store: ingesting the corpus in {}", args.corpus.display());
        ingest_paths(&kg, std::slice::from_ref(&args.corpus), ReadLimits::default(), usize::MAX, false)?;
        if args.curations.exists() {
            super::curation::replay(&kg, &super::curation::read_log(&args.curations)?)?;
        }
    }
    let kg = Arc::new(kg);
    // Other processes' commits and curations on a shared store (PostgreSQL) reach this
    // graph and its subscribers through the store's change log.
    if kg.follow_every(crate::pipeline::FOLLOW_INTERVAL)?.is_some() {
        tracing::info!(
            interval_ms = crate::pipeline::FOLLOW_INTERVAL.as_millis() as u64,
            "following the store's change log"
        );
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let counts = kg.store().counts()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| {
            format!("cannot listen on {addr}; is another server running there? try --addr 127.0.0.1:0")
        })?;
        let addr = listener.local_addr()?;
        if !addr.ip().is_loopback() {
            tracing::warn!(%addr, "serving beyond loopback (--public): every read is open to whoever reaches it");
        }
        let config = ServerConfig {
            token: args.token.clone().filter(|t| !t.is_empty()),
            cors_origins: args.cors_origins.clone(),
            allowed_hosts: args.allowed_hosts.clone(),
            limits: serve_limits(args),
            connections: server::ConnectionLimits { max_open: args.max_connections, ..Default::default() },
        };
        if config.token.is_none() {
            tracing::warn!("no --token given: mutations are disabled");
        }
        eprintln!(
            "serving http://{addr}/explore (explorer), http://{addr}/ (GraphiQL) and http://{addr}/graphql: \
             {} documents, {} entities, {} relations (ready in {:.1} s)",
            counts.documents,
            kg.graph().entity_count(),
            kg.graph().relation_count(),
            started.elapsed().as_secs_f64()
        );
        server::app(kg.clone(), config).serve_until_ctrl_c(listener).await?;
        Ok(())
    })
}
