//! The HTTP server: GraphiQL at `/`, GraphQL at `/graphql` (GET and POST), subscriptions
//! at `/graphql/ws` (graphql-transport-ws, and the older graphql-ws), the explorer
//! at `/explore`, exports at `/export/{format}`, `/health`.
//! Only this module knows axum. `app` builds the whole service so tests can drive it
//! directly or bind it to `127.0.0.1:0`.

use crate::api::{self, Caller};
use crate::export;
use crate::pipeline::Kennisgraaf;
use async_graphql_axum::GraphQLSubscription;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::sync::Arc;
use std::time::Duration;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// The graph explorer: one page, bundled into the binary with the cytoscape.js it uses
/// (no CDN; see assets/vendor/cytoscape/README.md).
const EXPLORE_HTML: &str = include_str!("../assets/explore.html");
const CYTOSCAPE_JS: &str = include_str!("../assets/vendor/cytoscape/cytoscape.min.js");
/// GraphiQL with its React, bundled likewise (assets/vendor/graphiql/README.md).
const GRAPHIQL_HTML: &str = include_str!("../assets/graphiql.html");
const GRAPHIQL_JS: &str = include_str!("../assets/vendor/graphiql/graphiql.min.js");
const GRAPHIQL_CSS: &str = include_str!("../assets/vendor/graphiql/graphiql.min.css");
const REACT_JS: &str = include_str!("../assets/vendor/graphiql/react.production.min.js");
const GRAPHQL_WS_JS: &str = include_str!("../assets/vendor/graphiql/graphql-ws.min.js");
const REACT_DOM_JS: &str = include_str!("../assets/vendor/graphiql/react-dom.production.min.js");

/// Largest request body accepted.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Longest a request may run.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, Default)]
pub struct ServerConfig {
    /// Bearer token for mutations; `None` disables mutations.
    pub token: Option<String>,
    /// Browser origins allowed by CORS; empty means none.
    pub cors_origins: Vec<String>,
    /// Longest a GraphQL request may run (`REQUEST_TIMEOUT` when `None`).
    pub request_timeout: Option<Duration>,
}

#[derive(Clone)]
struct AppState {
    kg: Arc<Kennisgraaf>,
    /// Shared, not cloned per request: it holds two schemas and the document cache.
    api: Arc<api::Executor>,
    token: Option<Arc<str>>,
    timeout: Duration,
}

pub fn app(kg: Arc<Kennisgraaf>, config: ServerConfig) -> Router {
    let timeout = config.request_timeout.unwrap_or(REQUEST_TIMEOUT);
    let state =
        AppState { api: Arc::new(api::Executor::new(kg.clone())), kg, token: config.token.map(Arc::from), timeout };
    let origins: Vec<HeaderValue> = config.cors_origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()).collect();
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION]);
    Router::new()
        .route("/", get(graphiql))
        .route("/graphql", get(graphql).post(graphql))
        .route_service("/graphql/ws", GraphQLSubscription::new(state.api.schema().clone()))
        .route("/health", get(health))
        .route("/explore", get(|| async { Html(EXPLORE_HTML) }))
        .route("/graphiql/{file}", get(graphiql_asset))
        .route(
            "/explore/cytoscape.min.js",
            get(|| async { ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], CYTOSCAPE_JS) }),
        )
        .route("/export/{format}", get(export))
        .with_state(state)
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(cors)
        // A backstop for requests that never reach the GraphQL handler's own time limit.
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            timeout + Duration::from_secs(5),
        ))
        .layer(TraceLayer::new_for_http())
}

/// 200 `ok` while the store takes writes; 503 saying since when and why it does not.
async fn health(State(state): State<AppState>) -> Response {
    let kg = state.kg.clone();
    match tokio::task::spawn_blocking(move || kg.store_health()).await {
        Ok(crate::pipeline::StoreHealth::Healthy) => "ok".into_response(),
        Ok(unhealthy) => (StatusCode::SERVICE_UNAVAILABLE, unhealthy.to_string()).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

async fn graphiql() -> impl IntoResponse {
    Html(GRAPHIQL_HTML)
}

/// GraphiQL's scripts and styles, served from the binary so it works offline.
async fn graphiql_asset(Path(file): Path<String>) -> Response {
    let (body, content_type) = match file.as_str() {
        "graphiql.min.js" => (GRAPHIQL_JS, "text/javascript; charset=utf-8"),
        "graphiql.min.css" => (GRAPHIQL_CSS, "text/css; charset=utf-8"),
        "react.production.min.js" => (REACT_JS, "text/javascript; charset=utf-8"),
        "react-dom.production.min.js" => (REACT_DOM_JS, "text/javascript; charset=utf-8"),
        "graphql-ws.min.js" => (GRAPHQL_WS_JS, "text/javascript; charset=utf-8"),
        _ => return (StatusCode::NOT_FOUND, "no such file").into_response(),
    };
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "public, max-age=86400")], body).into_response()
}

/// Compare without an early exit, so timing does not reveal how much of a guess matched.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn caller(token: Option<&str>, headers: &HeaderMap) -> Caller {
    let Some(expected) = token else {
        return Caller::NoTokenConfigured;
    };
    let given =
        headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    match given {
        Some(g) if constant_time_eq(g.trim().as_bytes(), expected.as_bytes()) => Caller::Authorised,
        _ => Caller::Anonymous,
    }
}

/// GraphQL over HTTP (GET and POST), following the GraphQL-over-HTTP spec: a POST must
/// say its content type; the answer is `application/graphql-response+json` when the
/// client accepts it (then a request that could not run — unparsable, invalid, bad
/// variables — gets status 400 and no `data`), else `application/json` with status 200.
async fn graphql(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    RawQuery(url_query): RawQuery,
    body: Bytes,
) -> Response {
    let request = match read_request(&method, &headers, url_query.as_deref(), &body) {
        Ok(request) => request,
        Err(refusal) => return refusal.into_response(),
    };
    let prepared = state.api.prepare(&request);
    if method == Method::GET && prepared.is_mutation(&request) {
        return (StatusCode::METHOD_NOT_ALLOWED, [(header::ALLOW, "POST")], "mutations need POST; GET is for reads")
            .into_response();
    }
    let who = caller(state.token.as_deref(), &headers);
    let response = match tokio::time::timeout(state.timeout, state.api.execute(request.data(who), prepared)).await {
        Ok(api::Answer::Executed(response)) => response,
        Ok(api::Answer::Direct(body)) => {
            return (StatusCode::OK, [(header::CONTENT_TYPE, json_content_type(&headers))], body).into_response()
        }
        Err(_) => {
            let message = format!("the request ran past the time limit of {:?}; ask for less (smaller `first`, lower `depth`) or split it", state.timeout);
            async_graphql::Response::from_errors(vec![api::limit_error(message)])
        }
    };
    graphql_http_response(&headers, &response)
}

/// The GraphQL request in an HTTP request: a GET's URL query (`query`, `variables`,
/// `operationName`), a POST's JSON body, or a POST's bare query (`application/graphql`).
/// Anything else is refused with the status and a message that says what to send.
fn read_request(
    method: &Method,
    headers: &HeaderMap,
    url_query: Option<&str>,
    body: &[u8],
) -> Result<async_graphql::Request, (StatusCode, String)> {
    if method == Method::GET {
        return async_graphql::http::parse_query_string(url_query.unwrap_or_default())
            .map_err(|e| (StatusCode::BAD_REQUEST, format!("cannot read a GraphQL request from the URL query: {e}")));
    }
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if content_type.starts_with("application/json") {
        serde_json::from_slice(body).map_err(|e| {
            let message = format!(
                "the body is not a GraphQL request ({e}); send one JSON object {{\"query\": \"…\", \"variables\": {{…}}}}"
            );
            (StatusCode::BAD_REQUEST, message)
        })
    } else if content_type.starts_with("application/graphql") {
        let query = std::str::from_utf8(body)
            .map_err(|_| (StatusCode::BAD_REQUEST, "the query is not UTF-8 text".to_string()))?;
        Ok(async_graphql::Request::new(query))
    } else {
        Err((
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("a GraphQL POST needs Content-Type: application/json, not {content_type:?}"),
        ))
    }
}

const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";

/// Does the client accept `application/graphql-response+json`?
fn accepts_graphql_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains(GRAPHQL_RESPONSE_JSON))
}

/// The content type of a GraphQL answer to the client that sent `headers`.
fn json_content_type(headers: &HeaderMap) -> &'static str {
    if accepts_graphql_json(headers) {
        "application/graphql-response+json; charset=utf-8"
    } else {
        "application/json; charset=utf-8"
    }
}

fn graphql_http_response(headers: &HeaderMap, response: &async_graphql::Response) -> Response {
    let graphql_json = accepts_graphql_json(headers);
    // No data at all and errors: the request itself failed (parse, validation, variables).
    let request_failed = response.data == async_graphql::Value::Null && response.is_err();
    let (status, body) = if graphql_json && request_failed {
        // The spec's 400 answer carries the errors and no `data` key at all.
        (StatusCode::BAD_REQUEST, serde_json::to_vec(&serde_json::json!({ "errors": response.errors })))
    } else {
        // Written into a buffer the size of a typical answer: growing from empty copies it
        // over and over.
        let mut body = Vec::with_capacity(8 * 1024);
        (StatusCode::OK, serde_json::to_writer(&mut body, response).map(|()| body))
    };
    let body = match body {
        Ok(body) => body,
        Err(e) => {
            tracing::error!(error = %e, "cannot serialise a GraphQL response");
            return (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response();
        }
    };
    let mut out = (status, [(header::CONTENT_TYPE, json_content_type(headers))], body).into_response();
    if let Some(cache) = response.cache_control.value().and_then(|v| HeaderValue::from_str(&v).ok()) {
        out.headers_mut().insert(header::CACHE_CONTROL, cache);
    }
    out
}

/// Sends what an exporter writes to the HTTP body in chunks.
struct ChunkWriter {
    tx: tokio::sync::mpsc::Sender<Vec<u8>>,
    buf: Vec<u8>,
}

impl std::io::Write for ChunkWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= 64 * 1024 {
            self.flush()?;
        }
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        if !self.buf.is_empty() {
            let chunk = std::mem::take(&mut self.buf);
            self.tx
                .blocking_send(chunk)
                .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "client went away"))?;
        }
        Ok(())
    }
}

/// `GET /export/{format}`: the (selected) graph in a visualisation format, streamed.
async fn export(
    State(state): State<AppState>,
    Path(format): Path<String>,
    Query(params): Query<export::ExportParams>,
) -> Response {
    let Some(format) = export::Format::parse(&format) else {
        let msg = format!("unknown export format {format:?}; use one of {}", export::Format::NAMES);
        return (StatusCode::NOT_FOUND, msg).into_response();
    };
    let selection = match params.selection() {
        Ok(s) => s,
        Err(msg) => return (StatusCode::BAD_REQUEST, msg).into_response(),
    };
    // Copy the selection out so a slow client never holds the graph's lock.
    let (nodes, edges) = {
        let graph = state.kg.graph();
        if let Some((id, _)) = &selection.around {
            if graph.entity(id).is_none() {
                return (StatusCode::NOT_FOUND, format!("no entity with id {id:?}")).into_response();
            }
        }
        let (n, e) = graph.select(&selection);
        (n.into_iter().cloned().collect::<Vec<_>>(), e.into_iter().cloned().collect::<Vec<_>>())
    };
    let (tx, rx) = tokio::sync::mpsc::channel::<Vec<u8>>(4);
    tokio::task::spawn_blocking(move || {
        let nodes: Vec<_> = nodes.iter().collect();
        let edges: Vec<_> = edges.iter().collect();
        let mut w = ChunkWriter { tx, buf: Vec::new() };
        if let Err(e) = export::write(format, &nodes, &edges, &mut w).and_then(|()| std::io::Write::flush(&mut w)) {
            tracing::debug!(error = %e, "export stopped");
        }
    });
    let stream =
        futures_util::stream::unfold(
            rx,
            |mut rx| async move { rx.recv().await.map(|c| (Ok::<_, std::io::Error>(c), rx)) },
        );
    (
        [
            (header::CONTENT_TYPE, format.content_type()),
            (header::CONTENT_DISPOSITION, &format!("inline; filename=\"{}\"", format.file_name())),
        ],
        Body::from_stream(stream),
    )
        .into_response()
}

/// Serve until Ctrl-C.
pub async fn serve(listener: tokio::net::TcpListener, app: Router) -> std::io::Result<()> {
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
            tracing::info!("shutting down");
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_must_match_exactly() {
        let mut h = HeaderMap::new();
        assert_eq!(caller(None, &h), Caller::NoTokenConfigured);
        assert_eq!(caller(Some("s3cret"), &h), Caller::Anonymous);
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer s3cre"));
        assert_eq!(caller(Some("s3cret"), &h), Caller::Anonymous);
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer s3cret"));
        assert_eq!(caller(Some("s3cret"), &h), Caller::Authorised);
    }
}
