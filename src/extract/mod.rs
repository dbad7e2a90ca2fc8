//! Stage 2: text → `Extraction` (sentences, entities, mentions, relations, quotes).
//!
//! Extract does no I/O: models arrive as bytes or values, text as `&str`. Messy text is
//! never an error; what could not be understood goes to `Extraction::diagnostics`.

pub mod ner;
pub mod tokenize;
