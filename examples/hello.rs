//! The yardstick for an idle poll (docs/benchmarks.md, P2): the smallest
//! axum server, on the same runtime, answering "hello" on every path.
//!
//! `cargo run --release --example hello -- 127.0.0.1:7979`

use axum::Router;
use axum::routing::get;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let bind = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:7979".into());
    let listener = tokio::net::TcpListener::bind(&bind).await?;
    let app = Router::new().fallback(get(|| async { "hello" }));
    axum::serve(listener, app).await
}
