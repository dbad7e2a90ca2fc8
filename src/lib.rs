//! kennisgraaf: a knowledge-graph builder for Dutch news.
//!
//! The modules are the pipeline, in order: `ingest` → `extract` → `resolve` → `store`
//! → `graph` → `api` (served by `server`), with `export` beside `api`. `model` holds
//! the plain data types that travel between them. See ARCHITECTURE.md.

pub mod api;
pub mod cli;
pub mod export;
pub mod extract;
pub mod graph;
pub mod ingest;
pub mod link;
pub mod model;
pub mod model_file;
pub mod pipeline;
pub mod resolve;
pub mod server;
pub mod store;

/// mimalloc for every binary built on the library (the server, benches, tests): serving a
/// GraphQL answer allocates a value per field, and glibc's allocator was a fifth of a
/// request's time (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
