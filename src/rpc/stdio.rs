//! stdin and stdout on dedicated threads.
//!
//! tokio's own stdin and stdout run every read and write on its blocking pool, a thread hand-off
//! per call; a request's round trip pays two of them. Here one thread blocks in `read(2)` and
//! one in `write(2)` for the whole life of the process, handing bytes over channels.

use std::io::{Read, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use futures::Stream;
use tokio::sync::mpsc;
use tokio_util::io::StreamReader;

use super::outbound::Queued;

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

/// The writer thread's buffer: what is queued is drained into it and goes out in one `write(2)`
/// (more when a drain holds more than this).
const WRITE_BUFFER: usize = 64 * 1024;
/// At exit, how long the writer may go without writing a byte before the process gives up on a
/// host that no longer reads. While the host reads, however slowly, the wait goes on.
const EXIT_STALL_LIMIT: Duration = Duration::from_secs(10);

/// The stdout writer thread, seen from the async side.
pub struct StdoutWriter {
    /// Bytes handed to stdout so far.
    written: Arc<AtomicU64>,
}

/// Starts the thread that writes every queued message to stdout.
pub fn spawn_stdout_writer(rx: mpsc::Receiver<Queued>) -> StdoutWriter {
    let written = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&written);
    let spawned = std::thread::Builder::new()
        .name("stdout-writer".into())
        .spawn(move || {
            let out = Counting {
                inner: raw_stdout(),
                written: counter,
            };
            if let Err(err) = write_queued(rx, out) {
                tracing::warn!(%err, "writing to stdout failed; stopping the writer");
            }
        });
    if let Err(err) = spawned {
        tracing::error!(%err, "could not start the stdout writer thread");
    }
    StdoutWriter { written }
}

impl StdoutWriter {
    /// Waits until `flushed` resolves (everything queued before it was written), as long as the
    /// writer keeps making progress: a host that reads slowly gets every byte, one that stopped
    /// reading costs [`EXIT_STALL_LIMIT`]. Returns whether everything was written.
    pub async fn wait_while_writing(
        &self,
        flushed: impl std::future::Future<Output = bool>,
    ) -> bool {
        self.wait_with_limit(flushed, EXIT_STALL_LIMIT).await
    }

    async fn wait_with_limit(
        &self,
        flushed: impl std::future::Future<Output = bool>,
        stall_limit: Duration,
    ) -> bool {
        tokio::pin!(flushed);
        let check = stall_limit / 10;
        let mut last = self.written.load(Ordering::Relaxed);
        let mut stalled = Duration::ZERO;
        loop {
            match tokio::time::timeout(check, &mut flushed).await {
                Ok(done) => return done,
                Err(_) => {
                    let now = self.written.load(Ordering::Relaxed);
                    if now == last {
                        stalled += check;
                        if stalled >= stall_limit {
                            tracing::warn!("stdout is not read; exiting with output unwritten");
                            return false;
                        }
                    } else {
                        (last, stalled) = (now, Duration::ZERO);
                    }
                }
            }
        }
    }
}

/// stdout without the standard library's line buffering, which would split every LSP-framed
/// message into two `write(2)` calls at the newline ending its header.
#[cfg(unix)]
fn raw_stdout() -> Box<dyn Write + Send> {
    use std::os::fd::AsFd;
    match std::io::stdout().as_fd().try_clone_to_owned() {
        Ok(fd) => Box::new(std::fs::File::from(fd)),
        Err(err) => {
            tracing::debug!(%err, "stdout could not be duplicated; writing through std's handle");
            Box::new(std::io::stdout())
        }
    }
}

#[cfg(not(unix))]
fn raw_stdout() -> Box<dyn Write + Send> {
    Box::new(std::io::stdout())
}

/// Counts the bytes that reach the inner writer.
struct Counting<W> {
    inner: W,
    written: Arc<AtomicU64>,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.written.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Writes messages until the queue closes: takes one, drains whatever else is queued behind it into
/// the buffer, then writes. A flush marker is answered once everything queued before it is written.
fn write_queued<W: Write>(mut rx: mpsc::Receiver<Queued>, out: W) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::with_capacity(WRITE_BUFFER, out);
    let mut flushed = Vec::new();
    while let Some(first) = rx.blocking_recv() {
        let mut next = Some(first);
        while let Some(queued) = next {
            match queued {
                Queued::Message(message) => message.write_to(&mut out)?,
                Queued::Flush(done) => flushed.push(done),
            }
            next = rx.try_recv().ok();
        }
        out.flush()?;
        for done in flushed.drain(..) {
            let _ = done.send(());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rpc::framing::Framing;
    use crate::rpc::message::{FramedMessage, OutgoingMessage};

    /// Records each write that reaches the "pipe".
    #[derive(Default, Clone)]
    struct Writes(Arc<std::sync::Mutex<Vec<Vec<u8>>>>);

    impl Write for Writes {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().expect("writes").push(buf.to_vec());
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn message(text: &str) -> Queued {
        let framed: FramedMessage =
            OutgoingMessage::from_body(text.as_bytes()).frame(Framing::Line);
        Queued::Message(framed)
    }

    #[test]
    fn queued_messages_go_out_together_in_order() {
        let (tx, rx) = mpsc::channel(4096);
        for i in 0..2000 {
            tx.try_send(message(&format!("delta {i}"))).expect("room");
        }
        let (done_tx, mut done_rx) = tokio::sync::oneshot::channel();
        tx.try_send(Queued::Flush(done_tx)).expect("room");
        tx.try_send(message("answer")).expect("room");
        drop(tx);
        let writes = Writes::default();
        write_queued(rx, writes.clone()).expect("writes");
        assert!(done_rx.try_recv().is_ok(), "the flush marker was answered");
        let writes = writes.0.lock().expect("writes");
        let text = String::from_utf8(writes.concat()).expect("utf8");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2001, "every message written once, in order");
        assert_eq!(lines[0], "delta 0");
        assert_eq!(lines[1999], "delta 1999");
        assert_eq!(lines[2000], "answer");
        // ~29 KB queued at once: one drain, written in as few writes as the buffer allows.
        assert!(writes.len() <= 2, "{} writes", writes.len());
    }

    /// A pipe that takes `per_write` bytes per call, `pause` apart: a host that reads slowly.
    struct SlowPipe {
        per_write: usize,
        pause: Duration,
        received: Arc<AtomicU64>,
    }

    impl Write for SlowPipe {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            std::thread::sleep(self.pause);
            let n = buf.len().min(self.per_write);
            self.received.fetch_add(n as u64, Ordering::Relaxed);
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn spawn_writer(pipe: SlowPipe) -> (crate::rpc::outbound::Outbound, StdoutWriter) {
        crate::rpc::outbound::Outbound::with_drain(|rx| {
            let written = Arc::new(AtomicU64::new(0));
            let out = Counting {
                inner: pipe,
                written: Arc::clone(&written),
            };
            std::thread::spawn(move || write_queued(rx, out));
            StdoutWriter { written }
        })
    }

    #[tokio::test]
    async fn exit_waits_for_a_slow_reader_while_it_reads() {
        let received = Arc::new(AtomicU64::new(0));
        let (outbound, writer) = spawn_writer(SlowPipe {
            per_write: 64 * 1024,
            pause: Duration::from_millis(20),
            received: Arc::clone(&received),
        });
        let body = vec![b'x'; 1024 * 1024];
        outbound.send(Framing::Line, &body).await;
        // 17 slow writes take ~340 ms, longer than the stall limit: progress keeps the wait going.
        let done = writer
            .wait_with_limit(outbound.flushed(), Duration::from_millis(200))
            .await;
        assert!(done);
        assert_eq!(received.load(Ordering::Relaxed), body.len() as u64 + 1);
    }

    #[tokio::test]
    async fn exit_gives_up_on_a_reader_that_stopped() {
        let (outbound, writer) = spawn_writer(SlowPipe {
            per_write: 1,
            pause: Duration::from_secs(3600),
            received: Arc::default(),
        });
        outbound.send(Framing::Line, b"{}").await;
        let started = std::time::Instant::now();
        let done = writer
            .wait_with_limit(outbound.flushed(), Duration::from_millis(100))
            .await;
        assert!(!done);
        assert!(started.elapsed() < Duration::from_secs(2));
    }
}
