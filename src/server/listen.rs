//! Serving the router on a socket, with the limits a server on a shared
//! network needs and `axum::serve` does not set: a bounded number of
//! connections, a deadline for a request's headers (which also closes idle
//! keep-alive connections) and for its body, optional TLS (rustls), and
//! hyper's own bodiless parse errors (431, 400) answered as problem+json.

use std::future::Future;
use std::io;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use anyhow::Context as _;
use axum::Router;
use axum::body::HttpBody as _;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_rustls::TlsAcceptor;

use super::error::ApiError;

/// The limits of one server process.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Connections served at once; more wait in the listen backlog.
    pub max_connections: usize,
    /// Time for a request's headers to arrive (and for a TLS handshake);
    /// an idle keep-alive connection is closed after it too.
    pub header_timeout: Duration,
    /// Time for a request's body to arrive, once its headers are in.
    pub body_timeout: Duration,
    /// The largest request body accepted.
    pub max_body: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_connections: 1024,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            max_body: 256 * 1024,
        }
    }
}

/// A certificate chain and key for TLS, read from PEM files.
pub fn tls_acceptor(cert: &Path, key: &Path) -> anyhow::Result<TlsAcceptor> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs = CertificateDer::pem_file_iter(cert)
        .with_context(|| format!("cannot read the certificate {}", cert.display()))?
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| format!("{} holds no valid PEM certificate", cert.display()))?;
    anyhow::ensure!(!certs.is_empty(), "{} holds no certificate", cert.display());
    let key = PrivateKeyDer::from_pem_file(key)
        .with_context(|| format!("cannot read a private key from {}", key.display()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .context("the certificate and the key do not belong together")?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// Serves `app` on `listener` until `shutdown` completes, then lets the
/// requests in flight finish.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    tls: Option<TlsAcceptor>,
    shutdown: impl Future<Output = ()> + Send,
) -> io::Result<()> {
    let app = app.layer(axum::middleware::from_fn_with_state(
        limits.clone(),
        read_body_first,
    ));
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .keep_alive(true);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(Some(limits.header_timeout))
        .keep_alive_timeout(limits.header_timeout);
    let builder = Arc::new(builder);
    tokio::pin!(shutdown);
    loop {
        // At the limit, stop accepting: new connections wait in the
        // kernel's backlog instead of costing memory here.
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => permit.expect("the semaphore is never closed"),
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: wait, go on.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        // Who is at the other end, for the handlers (the refusal gate
        // bounds anonymous attempts per source address).
        let inner = TowerToHyperService::new(app.clone());
        let service = hyper::service::service_fn(move |mut request: hyper::Request<_>| {
            request
                .extensions_mut()
                .insert(axum::extract::ConnectInfo(peer));
            hyper::service::Service::call(&inner, request)
        });
        let builder = builder.clone();
        let watcher = graceful.watcher();
        let tls = tls.clone();
        let handshake = limits.header_timeout;
        tokio::spawn(async move {
            let _permit = permit;
            let result = match tls {
                None => {
                    let io = TokioIo::new(ProblemOnParseError::new(stream));
                    let connection = builder.serve_connection_with_upgrades(io, service);
                    watcher.watch(connection.into_owned()).await
                }
                Some(acceptor) => {
                    let Ok(Ok(stream)) =
                        tokio::time::timeout(handshake, acceptor.accept(stream)).await
                    else {
                        return; // no TLS within the time, or not TLS at all
                    };
                    let io = TokioIo::new(ProblemOnParseError::new(stream));
                    let connection = builder.serve_connection_with_upgrades(io, service);
                    watcher.watch(connection.into_owned()).await
                }
            };
            if let Err(error) = result {
                tracing::debug!(%error, "connection ended with an error");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// Reads the whole body before the handler runs, within the body deadline
/// and the size limit. A handler that refuses early (401, 403) thus never
/// leaves unread bytes on a keep-alive connection, which hyper would have
/// to close under a client still sending; the next request on it works.
async fn read_body_first(
    axum::extract::State(limits): axum::extract::State<Limits>,
    request: Request,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    // Nothing to read (a GET, such as every poll): straight on.
    if body.is_end_stream() {
        return next.run(Request::from_parts(parts, body)).await;
    }
    let declared = parts
        .headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limits.max_body as u64) {
        return ApiError::PayloadTooLarge.into_response();
    }
    let read = axum::body::to_bytes(body, limits.max_body);
    let bytes = match tokio::time::timeout(limits.body_timeout, read).await {
        Err(_) => return ApiError::RequestTimeout.into_response(),
        Ok(Err(error)) => {
            let too_large = std::error::Error::source(&error)
                .is_some_and(|e| e.is::<http_body_util::LengthLimitError>());
            return if too_large {
                ApiError::PayloadTooLarge.into_response()
            } else {
                tracing::debug!(%error, "request body unreadable");
                ApiError::BadRequest("de verzoekinhoud kon niet worden gelezen".into())
                    .into_response()
            };
        }
        Ok(Ok(bytes)) => bytes,
    };
    next.run(Request::from_parts(parts, axum::body::Body::from(bytes)))
        .await
}

/// A connection's byte stream that replaces hyper's own answer to a
/// request it cannot parse (431 for headers too large, 400 for a broken
/// request line) with the same status as problem+json. hyper writes those
/// as a bare head with `content-length: 0` and closes the connection, so
/// no later bytes depend on the ones replaced. Every response of the API
/// itself has a `content-type`, which is how the two are told apart.
pub struct ProblemOnParseError<S> {
    inner: S,
    /// The replacement still to be written.
    pending: Option<(Vec<u8>, usize)>,
}

impl<S> ProblemOnParseError<S> {
    pub fn new(inner: S) -> Self {
        Self {
            inner,
            pending: None,
        }
    }

    /// The problem+json response that replaces `head`, if `head` is one of
    /// hyper's bare parse-error answers.
    fn replacement(head: &[u8]) -> Option<Vec<u8>> {
        let end = head.windows(4).position(|w| w == b"\r\n\r\n")?;
        let head = std::str::from_utf8(&head[..end]).ok()?;
        let status_line = head.lines().next()?;
        let code: u16 = status_line
            .strip_prefix("HTTP/1.1 ")
            .or_else(|| status_line.strip_prefix("HTTP/1.0 "))?
            .get(..3)?
            .parse()
            .ok()?;
        let lower = head.to_ascii_lowercase();
        if !lower.contains("\r\ncontent-length: 0") || lower.contains("\r\ncontent-type:") {
            return None;
        }
        let error = match code {
            431 => ApiError::HeadersTooLarge,
            400 => ApiError::BadRequest("dit is geen geldig HTTP-verzoek".into()),
            _ => return None,
        };
        let body = serde_json::to_vec(&error.problem()).expect("a problem serialises");
        let mut response = format!(
            "{status_line}\r\ncontent-type: application/problem+json\r\ncontent-length: {}\r\n\
             cache-control: no-store\r\nconnection: close\r\n\r\n",
            body.len()
        )
        .into_bytes();
        response.extend_from_slice(&body);
        Some(response)
    }

    fn poll_pending(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>>
    where
        S: AsyncWrite + Unpin,
    {
        while let Some((bytes, written)) = &mut self.pending {
            if *written == bytes.len() {
                self.pending = None;
                break;
            }
            let n =
                std::task::ready!(Pin::new(&mut self.inner).poll_write(cx, &bytes[*written..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            *written += n;
        }
        Poll::Ready(Ok(()))
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for ProblemOnParseError<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for ProblemOnParseError<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        std::task::ready!(self.poll_pending(cx))?;
        if buf.starts_with(b"HTTP/1.")
            && let Some(replacement) = Self::replacement(buf)
        {
            self.pending = Some((replacement, 0));
            std::task::ready!(self.poll_pending(cx))?;
            return Poll::Ready(Ok(buf.len()));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        std::task::ready!(self.poll_pending(cx))?;
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        std::task::ready!(self.poll_pending(cx))?;
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    // Not vectored: hyper then hands a response's head over in one
    // contiguous buffer, which is what `replacement` reads.
    fn is_write_vectored(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hypers_bare_parse_errors_are_replaced() {
        let bare = b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\ndate: Wed, 25 Nov 2026 10:00:00 GMT\r\n\r\n";
        let replaced =
            String::from_utf8(ProblemOnParseError::<()>::replacement(bare).unwrap()).unwrap();
        assert!(replaced.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"));
        assert!(replaced.contains("content-type: application/problem+json"));
        let body = replaced.split("\r\n\r\n").nth(1).unwrap();
        let problem: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(problem["status"], 431);
        assert!(replaced.contains(&format!("content-length: {}\r\n", body.len())));

        let ours = b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/problem+json\r\ncontent-length: 120\r\n\r\n";
        assert!(ProblemOnParseError::<()>::replacement(ours).is_none());
        let ok = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n";
        assert!(ProblemOnParseError::<()>::replacement(ok).is_none());
        let not_modified = b"HTTP/1.1 304 Not Modified\r\netag: W/\"sync-1-all\"\r\n\r\n";
        assert!(ProblemOnParseError::<()>::replacement(not_modified).is_none());
    }
}
