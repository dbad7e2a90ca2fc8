//! The HTTP server: GraphiQL at `/`, GraphQL at `/graphql` (GET and POST), subscriptions
//! at `/graphql/ws` (graphql-transport-ws, and the older graphql-ws), the explorer
//! at `/explore`, exports at `/export/{format}`, `/health`.
//! Only this module knows axum. `app` builds the whole service so tests can drive it
//! directly or bind it to `127.0.0.1:0`.

mod connection;

use crate::api::{self, Caller};
use crate::export;
use crate::pipeline::Kennisgraaf;
use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::body::Body;
use axum::extract::ws::{Message as WsMessage, WebSocketUpgrade};
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::sync::Arc;
use std::time::Duration;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
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

/// Three linked nodes: the browser tab's icon.
const FAVICON_SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><path d="M8 24L16 8L25 22Z" fill="none" stroke="#557" stroke-width="2"/><circle cx="8" cy="24" r="5" fill="#e63"/><circle cx="16" cy="8" r="5" fill="#36c"/><circle cx="25" cy="22" r="5" fill="#3a6"/></svg>"##;

/// Largest request body (and WebSocket message) accepted.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

#[derive(Debug, Clone, Default)]
pub struct ServerConfig {
    /// Bearer token for mutations; `None` disables mutations.
    pub token: Option<String>,
    /// Browser origins allowed besides the server's own (CORS, and WebSocket `Origin`).
    pub cors_origins: Vec<String>,
    /// `Host` headers accepted besides the served address (`name` or `name:port`).
    pub allowed_hosts: Vec<String>,
    /// What one GraphQL request may cost, on every transport.
    pub limits: api::Limits,
    /// How long connections may wait and how many may be open.
    pub connections: ConnectionLimits,
}

/// Limits on connections, so that slow or idle clients cannot lock others out.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// Connections open at once; past it a new one gets 503 and is closed.
    pub max_open: usize,
    /// Time for a request's headers to arrive (also the idle time of a kept-alive connection).
    pub header_read: Duration,
    /// Time for a request's body to arrive.
    pub body_read: Duration,
    /// Time a WebSocket may take to send `connection_init`.
    pub ws_init: Duration,
    /// Time a write may wait on a client that does not read (an export, a large answer).
    pub write_stall: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            max_open: 512,
            header_read: Duration::from_secs(10),
            body_read: Duration::from_secs(30),
            ws_init: Duration::from_secs(10),
            write_stall: Duration::from_secs(30),
        }
    }
}

#[derive(Clone)]
struct AppState {
    kg: Arc<Kennisgraaf>,
    /// Shared, not cloned per request: it holds two schemas and the document cache.
    api: Arc<api::Executor>,
    token: Option<Arc<str>>,
    connections: ConnectionLimits,
}

/// The service and the limits it is served with (`Server::serve`).
pub struct Server {
    router: Router,
    cors_origins: Arc<[String]>,
    allowed_hosts: Vec<String>,
    connections: ConnectionLimits,
}

pub fn app(kg: Arc<Kennisgraaf>, config: ServerConfig) -> Server {
    let state = AppState {
        api: Arc::new(api::Executor::new(kg.clone(), config.limits)),
        kg,
        token: config.token.map(Arc::from),
        connections: config.connections,
    };
    let origins: Vec<HeaderValue> = config.cors_origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()).collect();
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION]);
    let router = Router::new()
        .route("/", get(graphiql))
        .route("/graphql", get(graphql).post(graphql))
        .route("/graphql/ws", get(graphql_ws))
        .route("/health", get(health))
        .route(
            "/favicon.ico",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, "public, max-age=86400")],
                    FAVICON_SVG,
                )
            }),
        )
        .route("/explore", get(|| async { Html(EXPLORE_HTML) }))
        // The same page: it shows the article when its path names a document.
        .route("/explore/document/{id}", get(|| async { Html(EXPLORE_HTML) }))
        .route("/graphiql/{file}", get(graphiql_asset))
        .route(
            "/explore/cytoscape.min.js",
            get(|| async { ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], CYTOSCAPE_JS) }),
        )
        .route("/export/{format}", get(export))
        .with_state(state)
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        // gzip for clients that accept it (answers, pages, exports; not tiny bodies).
        .layer(CompressionLayer::new())
        .layer(cors)
        .layer(TraceLayer::new_for_http());
    Server {
        router,
        cors_origins: config.cors_origins.into(),
        allowed_hosts: config.allowed_hosts,
        connections: config.connections,
    }
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
/// The request runs through `api::Executor`, as WebSocket requests do.
async fn graphql(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    RawQuery(url_query): RawQuery,
    body: Body,
) -> Response {
    let body = match tokio::time::timeout(state.connections.body_read, axum::body::to_bytes(body, MAX_BODY_BYTES)).await
    {
        Ok(Ok(body)) => body,
        Ok(Err(e)) => {
            let message = format!("cannot read the request body ({e}); send at most {MAX_BODY_BYTES} bytes");
            return (StatusCode::PAYLOAD_TOO_LARGE, message).into_response();
        }
        Err(_) => {
            let message = format!("the request body did not arrive within {:?}", state.connections.body_read);
            return (StatusCode::REQUEST_TIMEOUT, message).into_response();
        }
    };
    let request = match read_request(&method, &headers, url_query.as_deref(), &body) {
        Ok(request) => request,
        Err(refusal) => return refusal.into_response(),
    };
    let prepared = state.api.prepare(&request);
    if method == Method::GET && prepared.is_mutation(&request) {
        return (StatusCode::METHOD_NOT_ALLOWED, [(header::ALLOW, "POST")], "mutations need POST; GET is for reads")
            .into_response();
    }
    // Read before the request runs, so an answer is never labelled newer than it is.
    let etag = (method == Method::GET).then(|| graph_etag(state.kg.graph().version(), &headers));
    if let Some(etag) = &etag {
        let matches = headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|tag| tag.trim() == etag || tag.trim() == "*"));
        if matches {
            return (StatusCode::NOT_MODIFIED, cache_headers(etag)).into_response();
        }
    }
    let who = caller(state.token.as_deref(), &headers);
    let answer = state.api.answer(request.data(who), prepared).await;
    let mut out = graphql_http_response(&headers, &answer);
    match etag {
        Some(etag) if answer.response.errors.is_empty() => out.headers_mut().extend(cache_headers(&etag)),
        _ => {
            out.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
    }
    out
}

/// The `ETag` of a GET answer: the graph's version, and the content type it is in (the
/// same URL answers in another type to another `Accept`).
fn graph_etag(version: u64, headers: &HeaderMap) -> String {
    let kind = if accepts_graphql_json(headers) { "gr" } else { "j" };
    format!("\"g{version}-{kind}\"")
}

/// The headers that let caches keep a GET answer until the graph changes: stored, but
/// checked again (`If-None-Match`) before each use.
fn cache_headers(etag: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    if let Ok(etag) = HeaderValue::from_str(etag) {
        h.insert(header::ETAG, etag);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, no-cache"));
    h.insert(header::VARY, HeaderValue::from_static("Accept"));
    h
}

/// A GET's GraphQL request, as the GraphQL-over-HTTP spec names its parameters.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct GetRequest {
    #[serde(default)]
    query: String,
    operation_name: Option<String>,
    variables: Option<String>,
    extensions: Option<String>,
}

/// The GraphQL request in an HTTP request: a GET's URL query (`query`, `variables`,
/// `operationName`, `extensions`), a POST's JSON body, or a POST's bare query
/// (`application/graphql`). Anything else is refused with the status and a message that
/// says what to send.
fn read_request(
    method: &Method,
    headers: &HeaderMap,
    url_query: Option<&str>,
    body: &[u8],
) -> Result<async_graphql::Request, (StatusCode, String)> {
    if method == Method::GET {
        let bad =
            |what: String| (StatusCode::BAD_REQUEST, format!("cannot read a GraphQL request from the URL: {what}"));
        let uri: axum::http::Uri =
            format!("/?{}", url_query.unwrap_or_default()).parse().map_err(|e| bad(format!("{e}")))?;
        let Query(get) = Query::<GetRequest>::try_from_uri(&uri).map_err(|e| bad(e.body_text()))?;
        let json = |name: &str, text: Option<String>| -> Result<serde_json::Value, (StatusCode, String)> {
            text.map_or(Ok(serde_json::Value::Null), |t| {
                serde_json::from_str(&t).map_err(|e| bad(format!("`{name}` is not JSON ({e})")))
            })
        };
        let variables = json("variables", get.variables)?;
        let extensions = json("extensions", get.extensions)?;
        let mut request =
            async_graphql::Request::new(get.query).variables(async_graphql::Variables::from_json(variables));
        request.operation_name = get.operation_name;
        request.extensions = serde_json::from_value(extensions).unwrap_or_default();
        return Ok(request);
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

/// `/graphql/ws`: GraphQL over WebSocket (graphql-transport-ws, and the older graphql-ws),
/// every message run through `api::Executor` with the same budget as HTTP. A message may
/// be at most `MAX_BODY_BYTES`; a connection that sends nothing within
/// `ConnectionLimits::ws_init` is closed.
async fn graphql_ws(State(state): State<AppState>, protocol: GraphQLProtocol, upgrade: WebSocketUpgrade) -> Response {
    let executor = (*state.api).clone();
    let init = state.connections.ws_init;
    upgrade
        .max_message_size(MAX_BODY_BYTES)
        .max_frame_size(MAX_BODY_BYTES)
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| {
            let (sink, stream) = futures_util::StreamExt::split(socket);
            GraphQLWebSocket::new_with_pair(sink, first_message_within(stream, init), executor, protocol).serve()
        })
}

/// `stream`, ended unless its first text or binary message arrives within `limit`.
fn first_message_within<S>(stream: S, limit: Duration) -> impl futures_util::Stream<Item = S::Item>
where
    S: futures_util::Stream<Item = Result<WsMessage, axum::Error>> + Unpin,
{
    use futures_util::StreamExt;
    let deadline = tokio::time::Instant::now() + limit;
    futures_util::stream::unfold((stream, true), move |(mut stream, waiting)| async move {
        if !waiting {
            return stream.next().await.map(|item| (item, (stream, false)));
        }
        let item = tokio::time::timeout_at(deadline, stream.next()).await.ok().flatten()?;
        let data = matches!(item, Ok(WsMessage::Text(_) | WsMessage::Binary(_)));
        Some((item, (stream, !data)))
    })
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

fn graphql_http_response(headers: &HeaderMap, answer: &api::Answer) -> Response {
    let graphql_json = accepts_graphql_json(headers);
    let response = &answer.response;
    // The request itself failed (parse, validation, variables): it never ran.
    let request_failed = !answer.executed && response.is_err();
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
    (status, [(header::CONTENT_TYPE, json_content_type(headers))], body).into_response()
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
    let mut selection = match params.selection() {
        Ok(s) => s,
        Err(msg) => return (StatusCode::BAD_REQUEST, msg).into_response(),
    };
    if params.with_evidence && format == export::Format::Dot {
        let msg = "with_evidence is for graphml, gexf, cytoscape, json and the neo4j files: DOT has no place for it";
        return (StatusCode::BAD_REQUEST, msg).into_response();
    }
    // Copy the selection out so a slow client never holds the graph's lock.
    let (nodes, edges) = {
        let graph = state.kg.graph();
        match export::resolve_around(&mut selection, &graph) {
            Ok(()) => {}
            Err(e @ export::AroundError::Missing(_)) => return (StatusCode::NOT_FOUND, e.to_string()).into_response(),
            Err(e @ export::AroundError::Ambiguous { .. }) => {
                return (StatusCode::BAD_REQUEST, e.to_string()).into_response()
            }
        }
        let (n, e) = graph.select(&selection);
        (n.into_iter().cloned().collect::<Vec<_>>(), e.into_iter().cloned().collect::<Vec<_>>())
    };
    // The evidence is read from the store before the answer starts, so that a read error
    // is a 500 rather than a cut-off body. The Neo4j evidence files always need it.
    let evidence = if params.with_evidence || format.is_evidence() {
        let kg = state.kg.clone();
        let (nodes, edges) = (nodes.clone(), edges.clone());
        let loaded = tokio::task::spawn_blocking(move || {
            let nodes: Vec<_> = nodes.iter().collect();
            let edges: Vec<_> = edges.iter().collect();
            export::load_evidence(kg.store(), &nodes, &edges, format.needs_mentions())
        })
        .await;
        match loaded {
            Ok(Ok(evidence)) => Some(evidence),
            Ok(Err(e)) => {
                tracing::error!(error = %e, "cannot read the evidence of an export");
                return (StatusCode::INTERNAL_SERVER_ERROR, format!("cannot read the evidence: {e}")).into_response();
            }
            Err(e) => {
                tracing::error!(error = %e, "evidence task failed");
                return (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response();
            }
        }
    } else {
        None
    };
    let (tx, rx) = tokio::sync::mpsc::channel::<Vec<u8>>(4);
    tokio::task::spawn_blocking(move || {
        let nodes: Vec<_> = nodes.iter().collect();
        let edges: Vec<_> = edges.iter().collect();
        let mut w = ChunkWriter { tx, buf: Vec::new() };
        if let Err(e) = export::write(format, &nodes, &edges, evidence.as_ref(), &mut w)
            .and_then(|()| std::io::Write::flush(&mut w))
        {
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

impl Server {
    /// Serve on `listener` until `shutdown` completes: only `Host` headers naming the served
    /// address, only browser origins of the server itself or `cors_origins`, and the
    /// connection limits.
    pub async fn serve(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl std::future::Future<Output = ()> + Send,
    ) -> std::io::Result<()> {
        let addr = listener.local_addr()?;
        let guard = Guard {
            hosts: served_hosts(addr, &self.allowed_hosts),
            any_ip: addr.ip().is_unspecified(),
            origins: self.cors_origins,
        };
        let router = self.router.layer(axum::middleware::from_fn_with_state(Arc::new(guard), guard_request));
        connection::serve(listener, router, self.connections, shutdown).await
    }

    /// Serve until Ctrl-C.
    pub async fn serve_until_ctrl_c(self, listener: tokio::net::TcpListener) -> std::io::Result<()> {
        self.serve(listener, async {
            let _ = tokio::signal::ctrl_c().await;
            tracing::info!("shutting down");
        })
        .await
    }
}

/// Which `Host` headers and `Origin`s a request may carry.
struct Guard {
    hosts: Vec<String>,
    /// Listening on every address: any IP literal with the port names this server.
    any_ip: bool,
    origins: Arc<[String]>,
}

/// The `Host` values that name the served address: the address itself, its loopback names
/// when it is a loopback address, any IP literal with its port when it listens on every
/// address (an IP cannot be rebound by DNS), and those the user allowed.
fn served_hosts(addr: std::net::SocketAddr, allowed: &[String]) -> Vec<String> {
    let port = addr.port();
    let mut hosts = vec![addr.to_string()];
    if addr.ip().is_loopback() || addr.ip().is_unspecified() {
        hosts.extend([format!("localhost:{port}"), format!("127.0.0.1:{port}"), format!("[::1]:{port}")]);
    }
    hosts.extend(allowed.iter().flat_map(|h| [h.to_ascii_lowercase(), format!("{}:{port}", h.to_ascii_lowercase())]));
    hosts
}

impl Guard {
    fn host_allowed(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        self.hosts.contains(&host)
            || (self.any_ip
                && host.rsplit_once(':').is_some_and(|(ip, _)| {
                    ip.trim_start_matches('[').trim_end_matches(']').parse::<std::net::IpAddr>().is_ok()
                }))
    }
}

/// Refuse requests whose `Host` does not name this server (DNS rebinding) and browser
/// requests (and WebSocket upgrades) from other sites, before any route sees them.
async fn guard_request(
    State(guard): State<Arc<Guard>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let headers = request.headers();
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string)
        .or_else(|| request.uri().authority().map(|a| a.to_string()));
    let Some(host) = host else {
        return (StatusCode::BAD_REQUEST, "a Host header is required").into_response();
    };
    if !guard.host_allowed(&host) {
        let message = format!(
            "this server does not answer to Host {host:?}; start it with --allowed-host {} to allow that name",
            host.split(':').next().unwrap_or_default()
        );
        return (StatusCode::MISDIRECTED_REQUEST, message).into_response();
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) {
        let own = origin.strip_prefix("http://").or_else(|| origin.strip_prefix("https://"));
        let same_origin = own.is_some_and(|o| o.eq_ignore_ascii_case(&host));
        if !same_origin && !guard.origins.iter().any(|o| o == origin) {
            let message = format!(
                "requests from the web page at {origin} are refused; start the server with --cors-origin {origin} to allow it"
            );
            return (StatusCode::FORBIDDEN, message).into_response();
        }
    }
    next.run(request).await
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
