//! The request budget: what one GraphQL request may cost, checked by this one piece of
//! code whatever the transport (HTTP POST, GET, a WebSocket `subscribe`).
//!
//! A request is measured in three steps, each before the next costs anything:
//! 1. its text ([`check_text`]): bytes, tokens and bracket nesting, read by a lexer that
//!    allocates nothing — the parser's recursion is bounded by the nesting;
//! 2. its parsed document ([`check_document`]): aliases and fragment spreads as written,
//!    then depth and field count (complexity) of every operation with its fragments
//!    expanded, computed once per fragment so that fragments spreading fragments cost
//!    linear time however much they would expand;
//! 3. its execution ([`RequestBudget`], request data): list items and text bytes in the
//!    answer, charged by resolvers before they build them, and a deadline every resolver
//!    checks on entry (`api::kg`), so CPU-bound work stops at the time limit.
//!
//! Invariant: every refusal is a GraphQL error with `extensions.code = "LIMIT_EXCEEDED"`,
//! `extensions.limit` (the limit's name) and `extensions.max` (its value).

use async_graphql::parser::types::{ExecutableDocument, FragmentDefinition, Selection, SelectionSet};
use async_graphql::{Context, ErrorExtensionValues, Name, Positioned, ServerError};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The limits of one request. `Limits::default()` is what `serve` uses; tests and
/// `ServerConfig` may lower them.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Bytes of query text.
    pub query_bytes: usize,
    /// Lexical tokens of query text (names, punctuation, strings, numbers).
    pub tokens: usize,
    /// Nesting of `{`, `[` and `(`.
    pub nesting: usize,
    /// Fields under an alias, as written.
    pub aliases: usize,
    /// Fragment spreads (`...Name`), as written.
    pub fragment_spreads: usize,
    /// Field depth of an operation, fragments expanded.
    pub depth: usize,
    /// Fields of an operation, fragments expanded.
    pub complexity: usize,
    /// List items (entities, relations, mentions, quotes, evidence, documents, …) in one
    /// answer: lists nest, so a short query could otherwise ask for billions.
    pub answer_items: usize,
    /// Bytes of text (documents, sentences, quotes) in one answer.
    pub answer_bytes: usize,
    /// Wall time of a query; a mutation's resolvers check it before they change anything.
    pub time: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            query_bytes: 256 * 1024,
            tokens: 20_000,
            nesting: 32,
            aliases: 1_000,
            fragment_spreads: 1_000,
            depth: 16,
            complexity: 5_000,
            answer_items: 20_000,
            answer_bytes: 32 * 1024 * 1024,
            time: Duration::from_secs(30),
        }
    }
}

/// The limit a refusal names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    QueryBytes,
    Tokens,
    Nesting,
    Aliases,
    FragmentSpreads,
    Depth,
    Complexity,
    AnswerItems,
    AnswerBytes,
    Time,
}

impl Limit {
    /// The name in `extensions.limit`.
    pub fn name(self) -> &'static str {
        match self {
            Limit::QueryBytes => "queryBytes",
            Limit::Tokens => "tokens",
            Limit::Nesting => "nesting",
            Limit::Aliases => "aliases",
            Limit::FragmentSpreads => "fragmentSpreads",
            Limit::Depth => "depth",
            Limit::Complexity => "complexity",
            Limit::AnswerItems => "answerItems",
            Limit::AnswerBytes => "answerBytes",
            Limit::Time => "timeMs",
        }
    }
}

/// A request over one of its limits.
#[derive(Debug, Clone)]
pub struct Exceeded {
    pub limit: Limit,
    /// The limit's value (milliseconds for `Time`).
    pub max: usize,
    pub message: String,
}

impl Exceeded {
    fn new(limit: Limit, max: usize, message: String) -> Self {
        Self { limit, max, message }
    }

    fn extensions(&self) -> ErrorExtensionValues {
        let mut ext = ErrorExtensionValues::default();
        ext.set("code", "LIMIT_EXCEEDED");
        ext.set("limit", self.limit.name());
        ext.set("max", self.max as u64);
        ext
    }

    /// As an error of the whole request.
    pub fn server_error(&self) -> ServerError {
        let mut e = ServerError::new(&self.message, None);
        e.extensions = Some(self.extensions());
        e
    }

    /// As a resolver's error.
    pub fn field_error(&self) -> async_graphql::Error {
        async_graphql::Error { message: self.message.clone(), source: None, extensions: Some(self.extensions()) }
    }
}

/// Step 1: the query text's size, tokens and nesting.
pub fn check_text(query: &str, limits: &Limits) -> Result<(), Exceeded> {
    if query.len() > limits.query_bytes {
        let message = format!(
            "the query is {} bytes; the limit is {} (queryBytes): send a shorter query",
            query.len(),
            limits.query_bytes
        );
        return Err(Exceeded::new(Limit::QueryBytes, limits.query_bytes, message));
    }
    let (mut tokens, mut nesting, mut deepest) = (0usize, 0usize, 0usize);
    let bytes = query.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b' ' | b'\t' | b'\n' | b'\r' | b',' => i += 1,
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'"' => {
                tokens += 1;
                i = skip_string(bytes, i);
            }
            b'{' | b'[' | b'(' => {
                tokens += 1;
                nesting += 1;
                deepest = deepest.max(nesting);
                i += 1;
            }
            b'}' | b']' | b')' => {
                tokens += 1;
                nesting = nesting.saturating_sub(1);
                i += 1;
            }
            b'.' if bytes[i..].starts_with(b"...") => {
                tokens += 1;
                i += 3;
            }
            _ if b.is_ascii_alphanumeric() || b == b'_' || b == b'-' => {
                tokens += 1;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || b"_-+.".contains(&bytes[i])) {
                    i += 1;
                }
            }
            _ => {
                tokens += 1;
                i += 1;
            }
        }
        if tokens > limits.tokens {
            let message = format!(
                "the query has more than {} tokens (tokens): send a shorter query, or pass long values as variables",
                limits.tokens
            );
            return Err(Exceeded::new(Limit::Tokens, limits.tokens, message));
        }
    }
    if deepest > limits.nesting {
        let message = format!(
            "the query is nested too deep: {deepest} levels of brackets; the limit is {} (nesting)",
            limits.nesting
        );
        return Err(Exceeded::new(Limit::Nesting, limits.nesting, message));
    }
    Ok(())
}

/// The index just past the string (or block string) starting at `start`.
fn skip_string(bytes: &[u8], start: usize) -> usize {
    if bytes[start..].starts_with(b"\"\"\"") {
        let mut i = start + 3;
        while i < bytes.len() {
            if bytes[i..].starts_with(b"\\\"\"\"") {
                i += 4;
            } else if bytes[i..].starts_with(b"\"\"\"") {
                return i + 3;
            } else {
                i += 1;
            }
        }
        return i;
    }
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' | b'\n' => return i + 1,
            _ => i += 1,
        }
    }
    i
}

/// Step 2: the parsed document's aliases and spreads as written, and each operation's
/// depth and complexity with its fragments expanded.
pub fn check_document(doc: &ExecutableDocument, limits: &Limits) -> Result<(), Exceeded> {
    let mut written = Written::default();
    for (_, op) in doc.operations.iter() {
        written.count(&op.node.selection_set.node);
    }
    for fragment in doc.fragments.values() {
        written.count(&fragment.node.selection_set.node);
    }
    if written.aliases > limits.aliases {
        let message = format!(
            "the query has {} aliased fields; the limit is {} (aliases): ask for fewer at once",
            written.aliases, limits.aliases
        );
        return Err(Exceeded::new(Limit::Aliases, limits.aliases, message));
    }
    if written.spreads > limits.fragment_spreads {
        let message = format!(
            "the query has {} fragment spreads; the limit is {} (fragmentSpreads)",
            written.spreads, limits.fragment_spreads
        );
        return Err(Exceeded::new(Limit::FragmentSpreads, limits.fragment_spreads, message));
    }
    let mut expanded = Expanded { fragments: &doc.fragments, sizes: HashMap::new() };
    for (_, op) in doc.operations.iter() {
        let size = expanded.size(&op.node.selection_set.node);
        if size.depth > limits.depth {
            let message = format!(
                "the query is nested too deep: {} levels of fields; the limit is {} (depth)",
                size.depth, limits.depth
            );
            return Err(Exceeded::new(Limit::Depth, limits.depth, message));
        }
        if size.fields > limits.complexity {
            let message = format!(
                "the query is too complex: {} fields with its fragments expanded; the limit is {} (complexity)",
                size.fields, limits.complexity
            );
            return Err(Exceeded::new(Limit::Complexity, limits.complexity, message));
        }
    }
    Ok(())
}

/// Aliases and fragment spreads as written.
#[derive(Default)]
struct Written {
    aliases: usize,
    spreads: usize,
}

impl Written {
    fn count(&mut self, set: &SelectionSet) {
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    self.aliases += usize::from(field.node.alias.is_some());
                    self.count(&field.node.selection_set.node);
                }
                Selection::FragmentSpread(_) => self.spreads += 1,
                Selection::InlineFragment(inline) => self.count(&inline.node.selection_set.node),
            }
        }
    }
}

/// Fields and depth of a selection with its fragments expanded.
#[derive(Debug, Clone, Copy, Default)]
struct Size {
    fields: usize,
    depth: usize,
}

/// Expanded sizes, each fragment's computed once. A fragment being computed counts as
/// empty where it spreads itself (validation refuses such cycles anyway).
struct Expanded<'d> {
    fragments: &'d HashMap<Name, Positioned<FragmentDefinition>>,
    sizes: HashMap<&'d str, Size>,
}

impl<'d> Expanded<'d> {
    fn size(&mut self, set: &'d SelectionSet) -> Size {
        let mut total = Size::default();
        for selection in &set.items {
            let size = match &selection.node {
                Selection::Field(field) => {
                    let inner = self.size(&field.node.selection_set.node);
                    Size { fields: inner.fields.saturating_add(1), depth: inner.depth + 1 }
                }
                Selection::InlineFragment(inline) => self.size(&inline.node.selection_set.node),
                Selection::FragmentSpread(spread) => self.fragment(spread.node.fragment_name.node.as_str()),
            };
            total.fields = total.fields.saturating_add(size.fields);
            total.depth = total.depth.max(size.depth);
        }
        total
    }

    fn fragment(&mut self, name: &'d str) -> Size {
        if let Some(size) = self.sizes.get(name) {
            return *size;
        }
        let Some(fragment) = self.fragments.get(name) else { return Size::default() };
        self.sizes.insert(name, Size::default());
        let size = self.size(&fragment.node.selection_set.node);
        self.sizes.insert(name, size);
        size
    }
}

/// Step 3: what the answer may still hold, and until when: request data, put in by
/// `api::Executor`. Resolvers charge before they build.
pub struct RequestBudget {
    items: AtomicUsize,
    bytes: AtomicUsize,
    limits: Limits,
    /// `None` for a subscription's stream, which lives as long as its client wants.
    deadline: Option<Instant>,
}

impl RequestBudget {
    pub fn new(limits: Limits, deadline: Option<Instant>) -> Self {
        Self {
            items: AtomicUsize::new(limits.answer_items),
            bytes: AtomicUsize::new(limits.answer_bytes),
            limits,
            deadline,
        }
    }

    /// LIMIT_EXCEEDED once the request's time is up.
    pub fn check_time(ctx: &Context<'_>) -> async_graphql::Result<()> {
        match ctx.data_opt::<RequestBudget>() {
            Some(budget) => budget.time_left().map_err(|e| e.field_error()),
            None => Ok(()),
        }
    }

    fn time_left(&self) -> Result<(), Exceeded> {
        match self.deadline {
            Some(deadline) if Instant::now() >= deadline => Err(time_exceeded(self.limits.time)),
            _ => Ok(()),
        }
    }

    /// Count `items` list items and `bytes` of text into the answer.
    pub fn charge(ctx: &Context<'_>, items: usize, bytes: usize) -> async_graphql::Result<()> {
        let Some(budget) = ctx.data_opt::<RequestBudget>() else {
            // Outside a request (never in the server): the default limits per list.
            let limits = Limits::default();
            return if items <= limits.answer_items && bytes <= limits.answer_bytes {
                Ok(())
            } else {
                Err(items_exceeded(&limits).field_error())
            };
        };
        budget.time_left().map_err(|e| e.field_error())?;
        let take = |left: &AtomicUsize, n: usize| {
            left.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| left.checked_sub(n)).is_ok()
        };
        if !take(&budget.items, items) {
            return Err(items_exceeded(&budget.limits).field_error());
        }
        if !take(&budget.bytes, bytes) {
            let message = format!(
                "the answer would hold more than {} bytes of text (answerBytes); ask for fewer documents or sentences",
                budget.limits.answer_bytes
            );
            return Err(Exceeded::new(Limit::AnswerBytes, budget.limits.answer_bytes, message).field_error());
        }
        Ok(())
    }
}

fn items_exceeded(limits: &Limits) -> Exceeded {
    let message = format!(
        "the answer would hold more than {} list items (answerItems: entities, relations, mentions, documents, …); \
         ask for smaller pages (`first`) or nest fewer lists",
        limits.answer_items
    );
    Exceeded::new(Limit::AnswerItems, limits.answer_items, message)
}

/// The refusal of a request that ran out of time.
pub fn time_exceeded(time: Duration) -> Exceeded {
    let message = format!(
        "the request ran past the time limit of {:?} (timeMs); ask for less (smaller `first`, lower `depth`) or split it",
        time
    );
    Exceeded::new(Limit::Time, time.as_millis() as usize, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(query: &str) -> ExecutableDocument {
        async_graphql::parser::parse_query(query).expect("parses")
    }

    #[test]
    fn text_limits_count_tokens_and_nesting_without_parsing() {
        let limits = Limits { tokens: 11, nesting: 3, ..Limits::default() };
        assert!(check_text("{ a { b } }", &limits).is_ok());
        assert!(check_text("{ a(x: \"a { [ ( string\") { b } } # { { { {", &limits).is_ok());
        assert_eq!(check_text("{ a { b { c { d } } } }", &limits).map_err(|e| e.limit).err(), Some(Limit::Tokens));
        assert_eq!(check_text("{a{b{c{d}}}}", &limits).map_err(|e| e.limit).err(), Some(Limit::Tokens));
        let limits = Limits { nesting: 3, ..Limits::default() };
        assert_eq!(check_text("{a{b{c{d}}}}", &limits).map_err(|e| e.limit).err(), Some(Limit::Nesting));
    }

    #[test]
    fn fragments_that_double_are_measured_in_linear_time() {
        // F27 would expand to 2^27 fields: counted, not expanded.
        let mut query = String::from("query { ...F27 } fragment F0 on Query { stats { documents } }");
        for i in 1..=27 {
            query.push_str(&format!(" fragment F{i} on Query {{ ...F{p} ...F{p} }}", p = i - 1));
        }
        let err = check_document(&parsed(&query), &Limits::default()).expect_err("too complex");
        assert_eq!((err.limit, err.max), (Limit::Complexity, 5_000));
        assert!(err.message.contains(&(2usize.pow(28)).to_string()), "{}", err.message);
    }

    #[test]
    fn depth_counts_fields_through_fragments() {
        let query = "{ a { ...F } } fragment F on T { b { c { d } } }";
        assert!(check_document(&parsed(query), &Limits { depth: 4, ..Limits::default() }).is_ok());
        let err = check_document(&parsed(query), &Limits { depth: 3, ..Limits::default() }).expect_err("too deep");
        assert_eq!(err.limit, Limit::Depth);
        let cycle = "{ ...A } fragment A on Query { ...B } fragment B on Query { x ...A }";
        assert!(check_document(&parsed(cycle), &Limits::default()).is_ok(), "cycles are validation's to refuse");
    }

    #[test]
    fn aliases_and_spreads_are_counted_as_written() {
        let aliases = (0..11).map(|i| format!("a{i}: stats {{ documents }}")).collect::<Vec<_>>().join(" ");
        let err = check_document(&parsed(&format!("{{ {aliases} }}")), &Limits { aliases: 10, ..Limits::default() })
            .expect_err("too many aliases");
        assert_eq!(err.limit, Limit::Aliases);
        let spreads = "{ ...F ...F ...F } fragment F on Query { x }";
        let err = check_document(&parsed(spreads), &Limits { fragment_spreads: 2, ..Limits::default() })
            .expect_err("too many spreads");
        assert_eq!(err.limit, Limit::FragmentSpreads);
    }
}
