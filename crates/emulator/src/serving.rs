//! Accepting connections, and outages: on request the emulator closes its port and every open
//! connection, as a killed server does, and opens the same port again after a while with its
//! state intact, as a restarted service with a database behind it would.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::connect_info::IntoMakeServiceWithConnectInfo;
use axum_server::Handle;
use axum_server::tls_rustls::RustlsConfig;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

type Service = IntoMakeServiceWithConnectInfo<Router, SocketAddr>;

/// The serving task and the handle of whichever server currently owns the port.
#[derive(Debug)]
pub(crate) struct Serving {
    pub handle: Arc<Mutex<Handle>>,
    pub task: JoinHandle<std::io::Result<()>>,
}

/// How long a reply to the request that asked for an outage gets to leave before the port
/// closes.
const LAST_WORDS: Duration = Duration::from_millis(100);

/// Serves `service` on `listener` until the current handle shuts down; each duration received
/// on `outages` is a stretch with the port closed.
pub(crate) fn spawn(
    listener: std::net::TcpListener,
    tls: Option<RustlsConfig>,
    service: Service,
    mut outages: mpsc::UnboundedReceiver<Duration>,
) -> Serving {
    let shared = Arc::new(Mutex::new(Handle::new()));
    let current = shared.clone();
    let task = tokio::spawn(async move {
        let addr = listener.local_addr()?;
        let mut listener = Some(listener);
        loop {
            let handle = current
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .clone();
            let Some(socket) = listener.take() else {
                return Ok(());
            };
            let mut server = match &tls {
                Some(config) => tokio::spawn(
                    axum_server::from_tcp_rustls(socket, config.clone())
                        .handle(handle.clone())
                        .serve(service.clone()),
                ),
                None => tokio::spawn(
                    axum_server::from_tcp(socket)
                        .handle(handle.clone())
                        .serve(service.clone()),
                ),
            };
            tokio::select! {
                ended = &mut server => {
                    return ended.unwrap_or_else(|e| Err(std::io::Error::other(e)));
                }
                Some(outage) = outages.recv() => {
                    tokio::time::sleep(LAST_WORDS).await;
                    handle.shutdown();
                    let _ = server.await;
                    tracing::info!(secs = outage.as_secs_f64(), "outage: the port is closed");
                    tokio::time::sleep(outage).await;
                    let socket = rebind(addr).await?;
                    *current
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner) = Handle::new();
                    listener = Some(socket);
                    tracing::info!("outage over: listening again");
                }
            }
        }
    });
    Serving {
        handle: shared,
        task,
    }
}

/// The same address again (the old socket may take a moment to let go of it).
async fn rebind(addr: SocketAddr) -> std::io::Result<std::net::TcpListener> {
    let mut tries = 0;
    loop {
        match std::net::TcpListener::bind(addr) {
            Ok(socket) => {
                socket.set_nonblocking(true)?;
                return Ok(socket);
            }
            Err(e) if tries < 50 => {
                tries += 1;
                tracing::debug!(error = %e, "the port is not free yet");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => return Err(e),
        }
    }
}
