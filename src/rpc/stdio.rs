//! stdin and stdout on dedicated threads.
//!
//! tokio's own stdin and stdout run every read and write on its blocking pool, a thread hand-off
//! per call; a request's round trip pays two of them. Here one thread blocks in `read(2)` and
//! one in `write(2)` for the whole life of the process, handing bytes over channels.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures::Stream;
use tokio::sync::mpsc;
use tokio_util::io::StreamReader;

use super::message::FramedMessage;

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

/// While notifications stream, the writer holds them until this long after its previous write,
/// so a 10,000-delta chat costs a few hundred `write(2)` calls instead of 10,000. A message someone
/// waits on (a response) is written at once, and so are the first notifications after a quiet
/// spell (see [`STREAK_BEFORE_COALESCING`]): time to first delta does not change.
const COALESCE_WINDOW: Duration = Duration::from_micros(200);
/// Writes in a row, each within the window of the one before, after which the writer starts
/// holding notifications: a stream's `text-start` and first `text-delta` still go out at once.
const STREAK_BEFORE_COALESCING: u32 = 3;

/// Writes every queued message to stdout on a writer thread.
/// The returned handle resolves when the queue has closed and everything was written.
pub fn spawn_stdout_writer(
    mut rx: mpsc::Receiver<FramedMessage>,
) -> tokio::sync::oneshot::Receiver<()> {
    let (done_tx, done_rx) = tokio::sync::oneshot::channel();
    let spawned = std::thread::Builder::new()
        .name("stdout-writer".into())
        .spawn(move || {
            let mut out = std::io::BufWriter::with_capacity(64 * 1024, raw_stdout());
            if let Err(err) = write_queued(&mut rx, &mut out) {
                tracing::warn!(%err, "writing to stdout failed; stopping the writer");
            }
            let _ = out.flush();
            let _ = done_tx.send(());
        });
    if let Err(err) = spawned {
        tracing::error!(%err, "could not start the stdout writer thread");
    }
    done_rx
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

/// Elsewhere (Windows) through std's handle: correct, only with more writes per message.
#[cfg(not(unix))]
fn raw_stdout() -> Box<dyn Write + Send> {
    Box::new(std::io::stdout())
}

/// Writes messages until the queue closes, flushing whenever it is drained, except that
/// notifications arriving within [`COALESCE_WINDOW`] of the previous flush wait out the window.
fn write_queued<W: Write>(
    rx: &mut mpsc::Receiver<FramedMessage>,
    out: &mut std::io::BufWriter<W>,
) -> std::io::Result<()> {
    let mut last_flush: Option<Instant> = None;
    let mut streak = 0u32;
    while let Some(first) = rx.blocking_recv() {
        let mut urgent = !first.is_deferrable();
        first.write_to(out)?;
        let soon_after_last = last_flush.is_some_and(|at| at.elapsed() < COALESCE_WINDOW);
        streak = if soon_after_last { streak + 1 } else { 0 };
        loop {
            while let Ok(message) = rx.try_recv() {
                urgent |= !message.is_deferrable();
                message.write_to(out)?;
            }
            let wait = match last_flush {
                Some(flushed) if !urgent && streak >= STREAK_BEFORE_COALESCING => {
                    COALESCE_WINDOW.checked_sub(flushed.elapsed())
                }
                _ => None,
            };
            match wait {
                Some(wait) if !wait.is_zero() => std::thread::sleep(wait),
                _ => break,
            }
        }
        out.flush()?;
        last_flush = Some(Instant::now());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rpc::framing::Framing;
    use crate::rpc::message::OutgoingMessage;

    /// Records each write that reaches the "pipe" (one per flush of the BufWriter).
    type WriteLog = Vec<(Instant, Vec<u8>)>;

    #[derive(Default, Clone)]
    struct Writes(std::sync::Arc<std::sync::Mutex<WriteLog>>);

    impl Write for Writes {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            let mut writes = self.0.lock().expect("writes");
            writes.push((Instant::now(), buf.to_vec()));
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn message(text: &str, deferrable: bool) -> FramedMessage {
        let framed = OutgoingMessage::from_body(text.as_bytes()).frame(Framing::Line);
        if deferrable {
            framed.deferrable()
        } else {
            framed
        }
    }

    #[test]
    fn streamed_notifications_share_writes_and_responses_go_at_once() {
        let (tx, mut rx) = mpsc::channel(4096);
        let writes = Writes::default();
        let sink = writes.clone();
        let writer = std::thread::spawn(move || {
            let mut out = std::io::BufWriter::with_capacity(64 * 1024, sink);
            write_queued(&mut rx, &mut out).expect("writes");
        });
        let started = Instant::now();
        tx.blocking_send(message("first", true)).expect("send");
        // The first notification after a quiet spell is written at once.
        while writes.0.lock().expect("writes").is_empty() {
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "first write never came"
            );
            std::thread::yield_now();
        }
        let first_latency = writes.0.lock().expect("writes")[0].0 - started;
        for i in 0..2000 {
            tx.blocking_send(message(&format!("delta {i}"), true))
                .expect("send");
        }
        tx.blocking_send(message("answer", false)).expect("send");
        drop(tx);
        writer.join().expect("writer thread");
        let writes = writes.0.lock().expect("writes");
        let text: Vec<u8> = writes.iter().flat_map(|(_, bytes)| bytes.clone()).collect();
        let text = String::from_utf8(text).expect("utf8");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2002, "every message written once, in order");
        assert_eq!(lines[0], "first");
        assert_eq!(lines[1], "delta 0");
        assert_eq!(lines[2001], "answer");
        assert!(
            writes.len() < 200,
            "2,000 streamed notifications took {} writes",
            writes.len()
        );
        assert!(
            first_latency < Duration::from_millis(100),
            "{first_latency:?}"
        );
    }
}
