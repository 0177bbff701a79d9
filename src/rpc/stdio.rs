//! stdin and stdout on dedicated threads.
//!
//! tokio's own stdin and stdout run every read and write on its blocking pool, a thread hand-off
//! per call; a request's round trip pays two of them. Here one thread blocks in `read(2)` and
//! one in `write(2)` for the whole life of the process, handing bytes over channels.

use std::io::{Read, Write};

use bytes::Bytes;
use futures::Stream;
use tokio::sync::mpsc;
use tokio_util::io::StreamReader;

/// How many chunks read ahead of the dispatcher before the reader thread waits.
const READ_AHEAD: usize = 64;
const READ_CHUNK: usize = 64 * 1024;

/// stdin as an async buffered reader, fed by a reader thread.
pub fn stdin_reader() -> StreamReader<impl Stream<Item = std::io::Result<Bytes>> + Unpin, Bytes> {
    let (tx, rx) = mpsc::channel::<std::io::Result<Bytes>>(READ_AHEAD);
    let spawned = std::thread::Builder::new()
        .name("stdin-reader".into())
        .spawn(move || {
            let mut stdin = std::io::stdin().lock();
            let mut buffer = vec![0u8; READ_CHUNK];
            loop {
                match stdin.read(&mut buffer) {
                    Ok(0) => return,
                    Ok(n) => {
                        if tx
                            .blocking_send(Ok(Bytes::copy_from_slice(&buffer[..n])))
                            .is_err()
                        {
                            return;
                        }
                    }
                    Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(err) => {
                        let _ = tx.blocking_send(Err(err));
                        return;
                    }
                }
            }
        });
    if let Err(err) = spawned {
        tracing::error!(%err, "could not start the stdin reader thread");
    }
    let mut rx = rx;
    StreamReader::new(futures::stream::poll_fn(move |cx| rx.poll_recv(cx)))
}

/// Writes every queued message to stdout on a writer thread; flushes when the queue is drained.
/// The returned handle resolves when the queue has closed and everything was written.
pub fn spawn_stdout_writer(
    mut rx: mpsc::Receiver<super::message::FramedMessage>,
) -> tokio::sync::oneshot::Receiver<()> {
    let (done_tx, done_rx) = tokio::sync::oneshot::channel();
    let spawned = std::thread::Builder::new()
        .name("stdout-writer".into())
        .spawn(move || {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::with_capacity(64 * 1024, stdout.lock());
            while let Some(message) = rx.blocking_recv() {
                if out.write_all(message.as_ref()).is_err() {
                    break;
                }
                if rx.is_empty() && out.flush().is_err() {
                    break;
                }
            }
            let _ = out.flush();
            let _ = done_tx.send(());
        });
    if let Err(err) = spawned {
        tracing::error!(%err, "could not start the stdout writer thread");
    }
    done_rx
}
