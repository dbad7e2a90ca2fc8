//! The command line: parse arguments once, turn them into configuration, call the library.

pub mod args;
mod extract;
mod train;

pub use args::Cli;
use args::{Command, EvalCommand, TrainCommand};

pub fn run(cli: Cli) -> anyhow::Result<()> {
    match &cli.command {
        Command::Train(TrainCommand::Ner(a)) => train::train_ner(a),
        Command::Eval(EvalCommand::Ner(a)) => train::eval_ner(&cli.model, a),
        Command::Extract(a) => extract::run(&crate::extract::Extractor::new(train::load_model(&cli.model)?), a),
        _ => anyhow::bail!("not yet"),
    }
}
