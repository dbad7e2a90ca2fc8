//! The command line: parse arguments once, turn them into configuration, call the library.

pub mod args;
mod extract;
mod run;
mod train;

pub use args::Cli;
use args::{Command, EvalCommand, TrainCommand};

pub fn run(cli: &Cli) -> anyhow::Result<()> {
    match &cli.command {
        Command::Train(TrainCommand::Ner(a)) => train::train_ner(a),
        Command::Eval(EvalCommand::Ner(a)) => train::eval_ner(&cli.model, a),
        Command::Extract(a) => extract::run(&crate::extract::Extractor::new(train::load_model(&cli.model)?), a),
        Command::Serve(a) => run::serve(&cli.store, &cli.model, a),
        Command::Ingest(a) => run::ingest_cmd(&cli.store, &cli.model, a),
        Command::Stats => run::stats(&cli.store, &cli.model),
        Command::Check => run::check(&cli.store),
        Command::Export(a) => run::export(&cli.store, a),
    }
}
