//! Running GraphQL requests: parsed documents kept by query text, and strict validation
//! done once per document.
//!
//! Frontends send the same few queries with different variables. Parsing and the spec's
//! validation rules are a large share of a small query's cost, and all but one rule
//! depend on the document alone. So [`Executor`] keeps each parsed document
//! ([`ParsedQueries`], handed to the schema per request: the schema needs no extension,
//! which would put every resolved field through an extension chain) and remembers which
//! documents passed strict validation. A document that passed runs on a second schema in
//! async-graphql's fast validation mode — fragment cycles, depth and complexity are still
//! checked on every request — provided its variables are plainly valid
//! ([`variables_plainly_valid`]): the one strict rule that reads variables checks their
//! values against the arguments' types, and the executor would report a bad value as a
//! field error instead of a request error.
//!
//! Such a request is answered directly ([`plain::answer_directly`]: straight from the
//! graph to JSON, without the executor) when its operation is the document's only one, a
//! query, and plain. It skips the fast validation too, which checks nothing that can differ
//! between requests with the same one-operation document: depth, complexity (no field's
//! cost depends on its arguments) and fragment cycles are the document's own.
//!
//! Invariant: every request gets the answer strict validation and the executor would give.
//! Anything not certain (an unseen or failed document, several operations, a variable that
//! is null, missing or of a type other than the built-in scalars and lists of them) goes
//! through the strict schema.

use super::{plain, schema_with, AnswerBudget, KgSchema, QueryRoot};
use crate::pipeline::Kennisgraaf;
use async_graphql::parser::types::{
    BaseType, DocumentOperations, ExecutableDocument, OperationDefinition, OperationType, Type,
};
use async_graphql::{Request, Response, ValidationMode, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// The schema twice (strict and fast validation), the documents seen, and the graph for
/// direct answers.
#[derive(Clone)]
pub struct Executor {
    strict: KgSchema,
    validated: KgSchema,
    parsed: ParsedQueries,
    kg: Arc<Kennisgraaf>,
}

/// What a request is answered with.
pub enum Answer {
    /// The executor's response.
    Executed(Response),
    /// A direct answer, already JSON: data and no errors.
    Direct(Vec<u8>),
}

impl Executor {
    pub fn new(kg: Arc<Kennisgraaf>) -> Self {
        Self {
            strict: schema_with(kg.clone(), ValidationMode::Strict),
            validated: schema_with(kg.clone(), ValidationMode::Fast),
            parsed: ParsedQueries::default(),
            kg,
        }
    }

    /// The strict schema (subscriptions run on it).
    pub fn schema(&self) -> &KgSchema {
        &self.strict
    }

    /// The request's parsed document, from the cache when it was seen before.
    pub fn prepare(&self, request: &Request) -> Prepared {
        Prepared(self.parsed.get(&request.query))
    }

    pub async fn execute(&self, mut request: Request, prepared: Prepared) -> Answer {
        let Some(document) = prepared.0 else { return Answer::Executed(run(&self.strict, request).await) };
        if document.passed_strict.load(Ordering::Relaxed) {
            if let Some(operation) =
                operation(&document.doc, &request).filter(|op| variables_plainly_valid(op, &request))
            {
                // One operation only: complexity and depth are checked per operation, and
                // only the document as a whole is known to have passed.
                let only_operation = matches!(document.doc.operations, DocumentOperations::Single(_));
                if operation.ty == OperationType::Query && only_operation {
                    let graph = self.kg.graph();
                    let selection = &operation.selection_set.node;
                    if let Some(body) = plain::answer_directly(&QueryRoot, &graph, selection, &request.variables) {
                        return Answer::Direct(body);
                    }
                }
                request.set_parsed_query(document.doc.clone());
                return Answer::Executed(run(&self.validated, request).await);
            }
        }
        request.set_parsed_query(document.doc.clone());
        let response = run(&self.strict, request).await;
        // Data means the request passed validation, and so did the document.
        if response.data != Value::Null {
            document.passed_strict.store(true, Ordering::Relaxed);
        }
        Answer::Executed(response)
    }
}

/// `request` run by `schema`'s executor, with a budget for the answer's list items.
async fn run(schema: &KgSchema, request: Request) -> Response {
    schema.execute(request.data(AnswerBudget::new())).await
}

/// What `Executor::prepare` found out about a request: its parsed document, unless the
/// query does not parse (the schema reports that).
pub struct Prepared(Option<Arc<ParsedQuery>>);

impl Prepared {
    /// Does `request` run a mutation? (An unparsable request is left to the schema to report.)
    pub fn is_mutation(&self, request: &Request) -> bool {
        let Some(document) = &self.0 else { return false };
        match (&document.doc.operations, request.operation_name.as_deref()) {
            (DocumentOperations::Single(op), _) => op.node.ty == OperationType::Mutation,
            (DocumentOperations::Multiple(ops), Some(name)) => {
                ops.iter().any(|(n, op)| n.as_str() == name && op.node.ty == OperationType::Mutation)
            }
            (DocumentOperations::Multiple(ops), None) => ops.values().any(|op| op.node.ty == OperationType::Mutation),
        }
    }
}

struct ParsedQuery {
    doc: ExecutableDocument,
    /// A request with this document got through strict validation.
    passed_strict: AtomicBool,
}

/// Parsed documents by query text. At most `PARSED_QUERIES_KEPT` are kept; when full, the
/// cache starts over. Unparsable queries are not kept; the schema reports their syntax
/// error as usual.
#[derive(Default, Clone)]
struct ParsedQueries(Arc<Mutex<HashMap<String, Arc<ParsedQuery>>>>);

const PARSED_QUERIES_KEPT: usize = 512;

impl ParsedQueries {
    /// The document `query` parses to; `None` when it does not parse.
    fn get(&self, query: &str) -> Option<Arc<ParsedQuery>> {
        if let Some(parsed) = self.0.lock().ok().and_then(|cache| cache.get(query).cloned()) {
            return Some(parsed);
        }
        let doc = async_graphql::parser::parse_query(query).ok()?;
        let parsed = Arc::new(ParsedQuery { doc, passed_strict: AtomicBool::new(false) });
        if let Ok(mut cache) = self.0.lock() {
            if cache.len() >= PARSED_QUERIES_KEPT {
                cache.clear();
            }
            cache.insert(query.to_string(), parsed.clone());
        }
        Some(parsed)
    }
}

/// The operation `request` runs: the document's only one, or the one it names.
fn operation<'d>(doc: &'d ExecutableDocument, request: &Request) -> Option<&'d OperationDefinition> {
    match (&doc.operations, &request.operation_name) {
        (DocumentOperations::Single(op), None) => Some(&op.node),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name.as_str()).map(|op| &op.node),
        _ => None,
    }
}

/// Are the request's variables certainly valid for its `operation`? Only when every
/// variable it declares is given a non-null value of its built-in scalar type (ID and
/// String as strings, Int within 32 bits, Float, Boolean) or a list of those, and no other
/// variables. `false` means "not certain", not "invalid".
fn variables_plainly_valid(operation: &OperationDefinition, request: &Request) -> bool {
    let declared = &operation.variable_definitions;
    declared.len() == request.variables.len()
        && declared.iter().all(|d| {
            request.variables.get(&d.node.name.node).is_some_and(|value| plainly_of_type(value, &d.node.var_type.node))
        })
}

fn plainly_of_type(value: &Value, ty: &Type) -> bool {
    match (&ty.base, value) {
        (_, Value::Null) => false,
        (BaseType::List(item), Value::List(items)) => items.iter().all(|v| plainly_of_type(v, item)),
        (BaseType::List(_), _) => false,
        (BaseType::Named(name), value) => match (name.as_str(), value) {
            ("ID" | "String", Value::String(_)) | ("Boolean", Value::Boolean(_)) => true,
            ("Int", Value::Number(n)) => n.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
            ("Float", Value::Number(_)) => true,
            _ => false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::Variables;

    fn plainly_valid(query: &str, vars: serde_json::Value) -> bool {
        let doc = async_graphql::parser::parse_query(query).expect("parses");
        let request = Request::new(query).variables(Variables::from_json(vars));
        operation(&doc, &request).is_some_and(|op| variables_plainly_valid(op, &request))
    }

    #[test]
    fn built_in_scalars_of_the_right_kind_are_plainly_valid() {
        let q = "query($id: ID!, $n: Int, $t: String, $f: Float, $b: Boolean, $l: [ID!]) { x }";
        let vars = serde_json::json!({ "id": "e1", "n": 5, "t": "a", "f": 0.5, "b": true, "l": ["e1", "e2"] });
        assert!(plainly_valid(q, vars));
    }

    #[test]
    fn anything_uncertain_goes_to_strict_validation() {
        for (query, vars) in [
            ("query($id: ID!) { x }", serde_json::json!({})),            // missing
            ("query($id: ID) { x }", serde_json::json!({ "id": null })), // null
            ("query($id: ID!) { x }", serde_json::json!({ "id": 7 })),   // a number as ID
            ("query($n: Int) { x }", serde_json::json!({ "n": "7" })),   // a string as Int
            ("query($n: Int) { x }", serde_json::json!({ "n": 3_000_000_000u64 })), // past 32 bits
            ("query($n: Int) { x }", serde_json::json!({ "n": 1.5 })),   // not whole
            ("query($l: [ID!]) { x }", serde_json::json!({ "l": "e1" })), // one for a list
            ("query($d: Direction) { x }", serde_json::json!({ "d": "BOTH" })), // an enum
            ("query { x }", serde_json::json!({ "extra": 1 })),          // undeclared
            ("query a { x } query b { y }", serde_json::json!({})),      // which operation?
        ] {
            assert!(!plainly_valid(query, vars.clone()), "{query} {vars}");
        }
    }
}
