//! The command line: parse arguments once, turn them into configuration, call the library.
//!
//! Errors: every error a command returns (an `anyhow::Error`) is the user's to act on —
//! a missing file, a bad flag value, a store in use — and `run` prints it as one line,
//! `error: ` and its chain joined by `: `, then exits with 1; no backtrace, whatever
//! `RUST_BACKTRACE` says, and no log line of `run`'s own at the default level before it.
//! A bug is a panic, and the panic hook prints it with its backtrace
//! (exit code 101).

pub mod args;
mod curation;
mod extract;
mod link;
mod relations;
mod resolve;
mod run;
mod syntax;
mod train;

use crate::extract::Extractor;
pub use args::Cli;
use args::{Command, CurationCommand, EvalCommand, ModelArgs, StoreCommand, TrainCommand};

/// The extractor every command uses: NER model, Wikidata linker, and the syntax model
/// whose parse the relation rules read.
pub fn load_extractor(models: &ModelArgs) -> anyhow::Result<Extractor> {
    Ok(Extractor::new(train::load_model(&models.model)?)
        .with_linker(link::load_linker(&models.wikidata)?)
        .with_syntax(syntax::load_model(&models.syntax_model)?))
}

/// Peak resident memory of this process in MB (Linux `/proc/self/status` VmHWM).
pub fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Run the command; a returned error is printed as one line and exits with 1.
pub fn run(cli: &Cli) -> std::process::ExitCode {
    let started = std::time::Instant::now();
    let result = dispatch(cli);
    let (seconds, peak_rss_mb) = (started.elapsed().as_secs_f64(), peak_rss_mb().unwrap_or(0.0));
    match result {
        Ok(()) => {
            tracing::info!(seconds, peak_rss_mb, "finished");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            // Only the error line at the default log level: the user acts on it alone.
            tracing::debug!(seconds, peak_rss_mb, "failed");
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn dispatch(cli: &Cli) -> anyhow::Result<()> {
    let store = crate::store::StoreLocation::parse(&cli.store);
    match &cli.command {
        Command::Train(TrainCommand::Ner(a)) => train::train_ner(a),
        Command::Train(TrainCommand::Link(a)) => link::train_link(a),
        Command::Train(TrainCommand::Syntax(a)) => syntax::train_syntax(a),
        Command::Eval(EvalCommand::Ner(a)) => train::eval_ner(&cli.models.model, a),
        Command::Eval(EvalCommand::Link(a)) => link::eval_link(&cli.models, a),
        Command::Eval(EvalCommand::Relations(a)) => relations::eval_relations(&cli.models, a),
        Command::Eval(EvalCommand::Resolve(a)) => resolve::eval_resolve(&cli.models, a),
        Command::Eval(EvalCommand::Syntax(a)) => syntax::eval_syntax(&cli.models.syntax_model, a),
        Command::Extract(a) => {
            let extractor = load_extractor(&cli.models)?;
            extract::run(&extractor, a)
        }
        Command::Serve(a) => run::serve(&store, &cli.models, a),
        Command::Ingest(a) => run::ingest_cmd(&store, &cli.models, a),
        Command::Stats => run::stats(&store),
        Command::Search(a) => run::search(&store, a),
        Command::Check => run::check(&store),
        Command::Export(a) => run::export(&store, a),
        Command::Curation(CurationCommand::Log) => curation::log(&store),
        Command::Curation(CurationCommand::Replay(a)) => curation::replay_file(&store, &cli.models, &a.file),
        Command::Store(StoreCommand::Copy(a)) => run::copy(a),
    }
}
