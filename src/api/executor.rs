//! The one way a GraphQL request is run, whatever brought it (HTTP POST or GET, a
//! WebSocket `subscribe`): [`Executor`], which the server hands every request and which
//! async-graphql's WebSocket protocol calls too (it implements `async_graphql::Executor`).
//!
//! In order, for every request:
//! 1. the budget's text and document checks (`limits`), before anything is expanded;
//! 2. the parsed document: from the cache when the same text passed validation before
//!    ([`ParsedQueries`], within a byte budget; documents that failed are never kept);
//! 3. validation and execution by async-graphql (with `literals`' check of Int literals,
//!    the one rule it leaves to execution). A document that passed strict
//!    validation once runs with fast validation after, provided its variables are plainly
//!    valid ([`variables_plainly_valid`]): the one strict rule that reads variables checks
//!    their values against the arguments' types, and the executor would report a bad value
//!    as a field error instead of a request error. Such a request certainly executes
//!    (fast validation runs only document rules the document already passed), so only the
//!    strict schema carries [`MarkExecution`], the extension that tells whether execution
//!    began;
//! 4. the time limit: a query is cut at its deadline (resolvers check it on entry, so
//!    CPU-bound work stops too); a mutation is never cut while it runs — its resolvers
//!    check the deadline before they change anything, so it applies and says so, or
//!    does not apply;
//! 5. every error leaves with an `extensions.code` ([`ErrorCode`]), and the [`Answer`]
//!    says whether execution began (the request passed validation): HTTP answers a
//!    request that never ran with 400, one that ran with 200 whatever its errors.
//!
//! Automatic persisted queries (a hash without the query text) are refused with
//! PERSISTED_QUERY_NOT_SUPPORTED, so Apollo's link falls back to sending the text.

use super::limits::{self, Limits, RequestBudget};
use super::literals::IntArguments;
use super::{schema_with, ErrorCode, KgSchema};
use crate::pipeline::Kennisgraaf;
use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextExecute};
use async_graphql::parser::types::{
    BaseType, DocumentOperations, ExecutableDocument, OperationDefinition, OperationType, Type,
};
use async_graphql::{Data, Request, Response, ServerError, ValidationMode, Value};
use futures_util::stream::{self, BoxStream, StreamExt};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// The schema twice (strict and fast validation), the documents that passed, the limits.
#[derive(Clone)]
pub struct Executor {
    strict: KgSchema,
    validated: KgSchema,
    parsed: ParsedQueries,
    limits: Limits,
    /// For the one validation rule async-graphql leaves to execution (`literals`).
    int_arguments: Arc<IntArguments>,
}

impl Executor {
    pub fn new(kg: Arc<Kennisgraaf>, limits: Limits) -> Self {
        Self {
            strict: schema_with(kg.clone(), ValidationMode::Strict),
            validated: schema_with(kg, ValidationMode::Fast),
            parsed: ParsedQueries::default(),
            limits,
            int_arguments: Arc::new(IntArguments::from_sdl(&super::sdl())),
        }
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The request checked against the budget and parsed, or the response refusing it.
    pub fn prepare(&self, request: &Request) -> Prepared {
        if let Some(doc) = self.parsed.get(&request.query) {
            return Prepared(Ok(Document { doc, validated: true }));
        }
        if request.query.trim().is_empty() && request.extensions.contains_key("persistedQuery") {
            let message = "PersistedQueryNotSupported: this server keeps no queries by hash; send the query text";
            return Prepared(Err(refusal(ErrorCode::PersistedQueryNotSupported, message.to_string())));
        }
        if request.query.trim().is_empty() {
            let message = "the request has no query: send {\"query\": \"{ stats { documents } }\"} (JSON), \
                           or ?query=… in the URL";
            return Prepared(Err(refusal(ErrorCode::BadRequest, message.to_string())));
        }
        if let Err(e) = limits::check_text(&request.query, &self.limits) {
            return Prepared(Err(Response::from_errors(vec![e.server_error()])));
        }
        let doc = match async_graphql::parser::parse_query(&request.query) {
            Ok(doc) => doc,
            Err(e) => return Prepared(Err(refusal(ErrorCode::ParseFailed, parse_message(&e)))),
        };
        if let Err(e) = limits::check_document(&doc, &self.limits) {
            return Prepared(Err(Response::from_errors(vec![e.server_error()])));
        }
        if let Some(message) = self.int_arguments.out_of_range(&doc) {
            return Prepared(Err(refusal(ErrorCode::ValidationFailed, message)));
        }
        Prepared(Ok(Document { doc: Arc::new(doc), validated: false }))
    }

    /// Run a prepared request (see the module comment for the steps).
    pub async fn run(&self, request: Request, prepared: Prepared) -> Response {
        self.answer(request, prepared).await.response
    }

    /// Run a prepared request, and say whether it got as far as execution.
    pub async fn answer(&self, mut request: Request, prepared: Prepared) -> Answer {
        let refused = |response| Answer { response, executed: false };
        let document = match prepared.0 {
            Ok(document) => document,
            Err(refusal) => return refused(refusal),
        };
        if let Some(message) = operation(&document.doc, &request).and_then(|op| null_for_non_null(op, &request)) {
            return refused(refusal(ErrorCode::ValidationFailed, message));
        }
        let executed = Arc::new(Executed::default());
        request = request.data(executed.clone());
        let fast = document.validated
            && operation(&document.doc, &request).is_some_and(|op| variables_plainly_valid(op, &request));
        let mutation = Prepared::may_mutate(&document.doc, &request);
        let deadline = Instant::now() + self.limits.time;
        request = request.data(RequestBudget::new(self.limits, Some(deadline)));
        request.set_parsed_query((*document.doc).clone());
        let query_text = (!document.validated).then(|| request.query.clone());
        let schema = if fast { &self.validated } else { &self.strict };
        let response = if mutation {
            schema.execute(request).await
        } else {
            match tokio::time::timeout(self.limits.time, schema.execute(request)).await {
                Ok(response) => response,
                Err(_) => Response::from_errors(vec![limits::time_exceeded(self.limits.time).server_error()]),
            }
        };
        // Fast validation of a document that passed strict validation, with its operation
        // there and plainly valid variables, cannot refuse the request: it ran.
        let executed = fast || executed.0.load(Ordering::Relaxed);
        // Execution began: the request passed validation, and so did the document.
        if let Some(text) = query_text.filter(|_| executed) {
            self.parsed.keep(text, document.doc);
        }
        Answer { response: with_codes(response, executed), executed }
    }
}

/// A response, and whether its request got as far as execution (passed validation).
pub struct Answer {
    pub response: Response,
    pub executed: bool,
}

/// Request data set by [`MarkExecution`] when async-graphql begins to execute.
#[derive(Default)]
struct Executed(AtomicBool);

/// The schema extension that tells a request that never ran from one that ran.
pub(super) struct MarkExecution;

impl ExtensionFactory for MarkExecution {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(MarkExecution)
    }
}

#[async_trait::async_trait]
impl Extension for MarkExecution {
    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        if let Some(executed) = ctx.data_opt::<Arc<Executed>>() {
            executed.0.store(true, Ordering::Relaxed);
        }
        next.run(ctx, operation_name).await
    }
}

impl async_graphql::Executor for Executor {
    async fn execute(&self, request: Request) -> Response {
        let prepared = self.prepare(&request);
        self.run(request, prepared).await
    }

    /// A WebSocket `subscribe`: a subscription streams its events (no deadline, no answer
    /// budget across events: each event is a few ids); a query or mutation runs as over
    /// HTTP, with the same budget.
    fn execute_stream(&self, mut request: Request, session_data: Option<Arc<Data>>) -> BoxStream<'static, Response> {
        let prepared = self.prepare(&request);
        let subscription = match &prepared.0 {
            Err(_) => false,
            Ok(document) => operation(&document.doc, &request).is_some_and(|op| op.ty == OperationType::Subscription),
        };
        match prepared.0 {
            Ok(document) if subscription => {
                request = request.data(RequestBudget::new(self.limits, None));
                request.set_parsed_query((*document.doc).clone());
                self.strict
                    .execute_stream_with_session_data(request, session_data.unwrap_or_default())
                    .map(|response| with_codes(response, true))
                    .boxed()
            }
            _ => {
                let this = self.clone();
                stream::once(async move { this.run(request, prepared).await }).boxed()
            }
        }
    }
}

/// A response refusing the whole request.
fn refusal(code: ErrorCode, message: String) -> Response {
    let mut e = ServerError::new(message, None);
    let mut ext = async_graphql::ErrorExtensionValues::default();
    ext.set("code", code.as_str());
    e.extensions = Some(ext);
    Response::from_errors(vec![e])
}

/// A parse error in a line, without the query text (which may be huge) echoed back.
fn parse_message(e: &async_graphql::parser::Error) -> String {
    let at = e.positions().next().map(|p| format!(" at line {}, column {}", p.line, p.column)).unwrap_or_default();
    let reason = match e {
        async_graphql::parser::Error::Syntax { message, .. } => {
            message.lines().rev().find_map(|l| l.trim().strip_prefix("= ")).unwrap_or("syntax error").to_string()
        }
        other => other.to_string(),
    };
    let reason: String = reason.chars().take(200).collect();
    format!("the query does not parse{at}: {reason}")
}

/// Every error with an `extensions.code`: those async-graphql makes itself have none. A
/// request that never ran failed validation; in one that ran, a field's input was wrong.
fn with_codes(mut response: Response, executed: bool) -> Response {
    let code = if executed { ErrorCode::BadInput } else { ErrorCode::ValidationFailed };
    for e in &mut response.errors {
        let ext = e.extensions.get_or_insert_with(Default::default);
        if ext.get("code").is_none() {
            ext.set("code", code.as_str());
        }
    }
    response
}

/// What `Executor::prepare` made of a request: its parsed document, or the response
/// refusing it.
pub struct Prepared(Result<Document, Response>);

struct Document {
    doc: Arc<ExecutableDocument>,
    /// A request with this document got through strict validation.
    validated: bool,
}

impl Prepared {
    /// Does `request` run a mutation? (A refused request runs nothing.)
    pub fn is_mutation(&self, request: &Request) -> bool {
        self.0.as_ref().is_ok_and(|d| Self::may_mutate(&d.doc, request))
    }

    fn may_mutate(doc: &ExecutableDocument, request: &Request) -> bool {
        match (&doc.operations, request.operation_name.as_deref()) {
            (DocumentOperations::Single(op), _) => op.node.ty == OperationType::Mutation,
            (DocumentOperations::Multiple(ops), Some(name)) => {
                ops.iter().any(|(n, op)| n.as_str() == name && op.node.ty == OperationType::Mutation)
            }
            (DocumentOperations::Multiple(ops), None) => ops.values().any(|op| op.node.ty == OperationType::Mutation),
        }
    }
}

/// Documents that passed validation, by query text. A document longer than
/// `PARSED_QUERY_MAX_BYTES` is not kept; when the texts kept would pass
/// `PARSED_QUERIES_BYTES`, the cache starts over.
#[derive(Default, Clone)]
struct ParsedQueries(Arc<Mutex<Cache>>);

#[derive(Default)]
struct Cache {
    documents: HashMap<String, Arc<ExecutableDocument>>,
    bytes: usize,
}

const PARSED_QUERY_MAX_BYTES: usize = 64 * 1024;
const PARSED_QUERIES_BYTES: usize = 4 * 1024 * 1024;

impl ParsedQueries {
    fn get(&self, query: &str) -> Option<Arc<ExecutableDocument>> {
        self.0.lock().ok().and_then(|cache| cache.documents.get(query).cloned())
    }

    fn keep(&self, query: String, doc: Arc<ExecutableDocument>) {
        if query.len() > PARSED_QUERY_MAX_BYTES {
            return;
        }
        if let Ok(mut cache) = self.0.lock() {
            if cache.bytes + query.len() > PARSED_QUERIES_BYTES {
                cache.documents.clear();
                cache.bytes = 0;
            }
            cache.bytes += query.len();
            cache.documents.insert(query, doc);
        }
    }
}

/// The operation `request` runs: the document's only one, or the one it names (as
/// async-graphql picks it: a named operation alone in its document runs unnamed too).
fn operation<'d>(doc: &'d ExecutableDocument, request: &Request) -> Option<&'d OperationDefinition> {
    match (&doc.operations, &request.operation_name) {
        (DocumentOperations::Single(op), None) => Some(&op.node),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name.as_str()).map(|op| &op.node),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops.values().next().map(|op| &op.node),
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

/// The refusal of a request that gives null (or nothing) for a variable declared
/// non-null without a default: the spec's "variables do not fit", which async-graphql lets
/// through when the argument the variable goes to is nullable.
fn null_for_non_null(operation: &OperationDefinition, request: &Request) -> Option<String> {
    operation.variable_definitions.iter().find_map(|d| {
        let d = &d.node;
        let given = request.variables.get(&d.name.node).filter(|v| **v != Value::Null);
        (!d.var_type.node.nullable && d.default_value.is_none() && given.is_none())
            .then(|| format!("variable ${} is declared {} but got null", d.name.node, d.var_type.node))
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
        // graphql-request sends a named operation without `operationName`.
        assert!(plainly_valid("query Page($id: ID!) { x }", serde_json::json!({ "id": "e1" })));
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

    #[test]
    fn parse_errors_name_the_place_without_echoing_the_query() {
        let long = format!("{{ stats {{ {} ", "documents ".repeat(50_000));
        let e = async_graphql::parser::parse_query(&long).expect_err("unterminated");
        let message = parse_message(&e);
        assert!(message.len() < 300 && message.contains("line 1"), "{message}");
    }
}
