//! A loopback HTTP/1.1 proxy between phones and the relay that misbehaves on purpose, the way
//! a phone's network does: connections dropped before the request reaches the server or after
//! the server acted but before the phone heard back, responses cut short, requests delivered
//! twice. Decisions come from a seeded RNG, so a failing run can be replayed.
//!
//! It forwards each request on a fresh upstream connection and reads one response by its
//! `Content-Length` — enough for the relay, which never streams.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Probabilities per request; the rest pass untouched.
#[derive(Debug, Clone, Copy, Default)]
pub struct Faults {
    pub drop_before: f64,
    pub drop_after: f64,
    pub truncate: f64,
    pub duplicate: f64,
}

impl Faults {
    pub fn none() -> Faults {
        Faults::default()
    }

    pub fn rough() -> Faults {
        Faults {
            drop_before: 0.08,
            drop_after: 0.08,
            truncate: 0.08,
            duplicate: 0.10,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub forwarded: u64,
    pub dropped_before: u64,
    pub dropped_after: u64,
    pub truncated: u64,
    pub duplicated: u64,
    pub upstream_down: u64,
}

#[derive(Debug)]
struct Shared {
    upstream: SocketAddr,
    faults: Faults,
    rng: StdRng,
    stats: Stats,
}

#[derive(Debug)]
pub struct Proxy {
    pub addr: SocketAddr,
    shared: Arc<Mutex<Shared>>,
    _runtime: tokio::runtime::Runtime,
}

#[derive(Clone, Copy)]
enum Fault {
    None,
    DropBefore,
    DropAfter,
    Truncate,
    Duplicate,
}

impl Proxy {
    /// Starts on its own runtime, so tests driving blocking phones need none.
    pub fn start(upstream: SocketAddr, seed: u64) -> std::io::Result<Proxy> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        let listener = runtime.block_on(TcpListener::bind("127.0.0.1:0"))?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Mutex::new(Shared {
            upstream,
            faults: Faults::none(),
            rng: StdRng::seed_from_u64(seed),
            stats: Stats::default(),
        }));
        let accept_shared = shared.clone();
        runtime.spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let shared = accept_shared.clone();
                tokio::spawn(async move {
                    let _ = serve(client, shared).await;
                });
            }
        });
        Ok(Proxy {
            addr,
            shared,
            _runtime: runtime,
        })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn set_upstream(&self, upstream: SocketAddr) {
        if let Ok(mut s) = self.shared.lock() {
            s.upstream = upstream;
        }
    }

    pub fn set_faults(&self, faults: Faults) {
        if let Ok(mut s) = self.shared.lock() {
            s.faults = faults;
        }
    }

    pub fn stats(&self) -> Stats {
        self.shared.lock().map(|s| s.stats).unwrap_or_default()
    }
}

fn choose(shared: &Mutex<Shared>) -> (Fault, SocketAddr) {
    let Ok(mut s) = shared.lock() else {
        return (Fault::DropBefore, SocketAddr::from(([127, 0, 0, 1], 9)));
    };
    let f = s.faults;
    let x: f64 = s.rng.random();
    let fault = if x < f.drop_before {
        s.stats.dropped_before += 1;
        Fault::DropBefore
    } else if x < f.drop_before + f.drop_after {
        s.stats.dropped_after += 1;
        Fault::DropAfter
    } else if x < f.drop_before + f.drop_after + f.truncate {
        s.stats.truncated += 1;
        Fault::Truncate
    } else if x < f.drop_before + f.drop_after + f.truncate + f.duplicate {
        s.stats.duplicated += 1;
        Fault::Duplicate
    } else {
        Fault::None
    };
    s.stats.forwarded += 1;
    (fault, s.upstream)
}

async fn serve(mut client: TcpStream, shared: Arc<Mutex<Shared>>) -> std::io::Result<()> {
    let mut pending = Vec::new();
    loop {
        let Some((request, head_only)) = read_message(&mut client, &mut pending, false).await?
        else {
            return Ok(());
        };
        let (fault, upstream) = choose(&shared);
        if matches!(fault, Fault::DropBefore) {
            return Ok(());
        }
        let mut response = forward(upstream, &request, head_only).await;
        if matches!(fault, Fault::Duplicate) && response.is_some() {
            response = forward(upstream, &request, head_only).await;
        }
        let Some(response) = response else {
            if let Ok(mut s) = shared.lock() {
                s.stats.upstream_down += 1;
            }
            return Ok(());
        };
        match fault {
            Fault::DropAfter => return Ok(()),
            Fault::Truncate => {
                let cut = response.len() / 2;
                client.write_all(&response[..cut]).await?;
                return Ok(());
            }
            _ => client.write_all(&response).await?,
        }
    }
}

async fn forward(upstream: SocketAddr, request: &[u8], head_only: bool) -> Option<Vec<u8>> {
    let mut conn = TcpStream::connect(upstream).await.ok()?;
    conn.write_all(request).await.ok()?;
    let mut pending = Vec::new();
    read_message(&mut conn, &mut pending, head_only)
        .await
        .ok()
        .flatten()
        .map(|(m, _)| m)
}

/// Reads one HTTP message (head and `Content-Length` body). Returns the raw bytes and, for a
/// request, whether it is a HEAD (whose response has no body).
async fn read_message(
    stream: &mut TcpStream,
    pending: &mut Vec<u8>,
    no_body: bool,
) -> std::io::Result<Option<(Vec<u8>, bool)>> {
    let mut buf = [0u8; 64 * 1024];
    let head_end = loop {
        if let Some(i) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(None);
        }
        pending.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&pending[..head_end]).to_ascii_lowercase();
    let is_head = head.starts_with("head ");
    let length: usize = if no_body {
        0
    } else {
        head.lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0)
    };
    while pending.len() < head_end + length {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(None);
        }
        pending.extend_from_slice(&buf[..n]);
    }
    let message: Vec<u8> = pending.drain(..head_end + length).collect();
    Ok(Some((message, is_head)))
}
