//! Integration tests: one binary (link time on 2 cores). Each module drives real
//! components: the CLI binary, the HTTP server on 127.0.0.1:0, the shipped model.

mod cli;
mod common;
mod concurrency;
mod crash;
mod curation;
mod explorer;
mod export;
mod golden;
mod graphql_http;
mod hostile;
mod hostile_files;
mod link;
mod memory;
mod ner;
mod relations;
mod replica;
mod resolve;
mod robustness;
mod server;
mod store;
mod syntax;
