//! stdin and stdout on dedicated threads.
//!
//! tokio's own stdin and stdout run every read and write on its blocking pool, a thread hand-off
//! per call; a request's round trip pays two of them. Here one thread blocks in `read(2)` and
//! one in `write(2)` for the whole life of the process, handing bytes over channels. A small
//! message may skip the writer thread ([`WriteNow`]) when nothing queued is unwritten.

use std::io::{Read, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use futures::Stream;
use tokio::sync::{mpsc, oneshot};
use tokio_util::io::StreamReader;

use super::outbound::{Queued, WriteNow};

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
/// The most [`WriteNow::write_now`] writes: `PIPE_BUF`, what a pipe that polls writable takes
/// whole without blocking (4096 bytes on Linux, 512 on macOS).
#[cfg(unix)]
const WRITE_NOW_LIMIT: usize = libc::PIPE_BUF;
#[cfg(not(unix))]
const WRITE_NOW_LIMIT: usize = 0;

/// The stdout writer thread, seen from the async side.
pub struct StdoutWriter {
    /// Bytes handed to stdout so far.
    written: Arc<AtomicU64>,
    output: Arc<dyn WriteNow>,
}

/// Starts the thread that writes every queued message to stdout.
pub fn spawn_stdout_writer(rx: mpsc::Receiver<Queued>) -> StdoutWriter {
    start_writer(rx, raw_stdout(), stdout_room())
}

/// Starts the thread that writes every queued message to `out`; `has_room` tells whether a
/// [`WRITE_NOW_LIMIT`]-byte write to it would not block now.
fn start_writer<W: Write + Send + 'static>(
    rx: mpsc::Receiver<Queued>,
    out: W,
    has_room: fn() -> bool,
) -> StdoutWriter {
    let written = Arc::new(AtomicU64::new(0));
    let out = Counting {
        inner: out,
        written: Arc::clone(&written),
    };
    let output = Arc::new(SharedOutput::new(rx, out, has_room));
    let writer = Arc::clone(&output);
    let spawned = std::thread::Builder::new()
        .name("stdout-writer".into())
        .spawn(move || {
            if let Err(err) = writer.write_queued() {
                tracing::warn!(%err, "writing to stdout failed; stopping the writer");
            }
        });
    if let Err(err) = spawned {
        tracing::error!(%err, "could not start the stdout writer thread");
    }
    StdoutWriter { written, output }
}

impl StdoutWriter {
    /// What writes a small message at once from the calling thread, when that keeps the order
    /// and cannot block (see [`WriteNow`]).
    pub fn write_now(&self) -> Arc<dyn WriteNow> {
        Arc::clone(&self.output)
    }

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

/// Whether stdout takes [`WRITE_NOW_LIMIT`] bytes without blocking right now: `poll(2)` reports
/// it writable (for a pipe: a free buffer slot, which holds a write of up to `PIPE_BUF` whole).
#[cfg(unix)]
fn stdout_room() -> fn() -> bool {
    || {
        let mut stdout = libc::pollfd {
            fd: libc::STDOUT_FILENO,
            events: libc::POLLOUT,
            revents: 0,
        };
        // SAFETY: `poll` reads and writes the one `pollfd` passed, which lives on this stack frame
        // for the duration of the call; a zero timeout never blocks.
        let ready = unsafe { libc::poll(&mut stdout, 1, 0) };
        ready == 1 && stdout.revents & libc::POLLOUT != 0
    }
}

#[cfg(not(unix))]
fn stdout_room() -> fn() -> bool {
    || false
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

/// The queue and the output, behind one lock: the writer takes messages from the queue only while
/// it holds the lock and writes them before letting go, so whoever holds the lock and finds the
/// queue empty knows that everything queued so far is written.
struct SharedOutput<W: Write> {
    state: Mutex<Output<W>>,
    /// Whether a [`WRITE_NOW_LIMIT`]-byte write would not block now.
    has_room: fn() -> bool,
}

struct Output<W: Write> {
    rx: mpsc::Receiver<Queued>,
    out: std::io::BufWriter<W>,
    /// Flush markers of the current drain, answered once it is written.
    flushed: Vec<oneshot::Sender<()>>,
}

enum Drained {
    /// The queue is empty; the thread is woken when something is queued.
    Waiting,
    /// Every sender is gone and everything was written.
    Closed,
}

impl<W: Write> SharedOutput<W> {
    fn new(rx: mpsc::Receiver<Queued>, out: W, has_room: fn() -> bool) -> Self {
        SharedOutput {
            state: Mutex::new(Output {
                rx,
                out: std::io::BufWriter::with_capacity(WRITE_BUFFER, out),
                flushed: Vec::new(),
            }),
            has_room,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Output<W>> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The writer thread: drains the queue whenever it is woken, until the queue closes.
    fn write_queued(&self) -> std::io::Result<()> {
        let waker = std::task::Waker::from(Arc::new(Unpark(std::thread::current())));
        let mut cx = std::task::Context::from_waker(&waker);
        loop {
            if let Drained::Closed = self.lock().drain(&mut cx)? {
                return Ok(());
            }
            // Woken by the next message queued (or spuriously: the drain then finds nothing).
            std::thread::park();
        }
    }
}

impl<W: Write + Send> WriteNow for SharedOutput<W> {
    fn write_now(&self, framed: &[u8]) -> bool {
        if framed.len() > WRITE_NOW_LIMIT || !(self.has_room)() {
            return false;
        }
        // Not `lock`: the writer may be blocked in a write to a host that reads slowly.
        let Ok(mut output) = self.state.try_lock() else {
            return false;
        };
        if !output.rx.is_empty() {
            return false;
        }
        let written = output
            .out
            .write_all(framed)
            .and_then(|()| output.out.flush());
        if let Err(err) = written {
            // The writer meets the same error at its next write and stops.
            tracing::debug!(%err, "writing to stdout failed");
        }
        true
    }
}

impl<W: Write> Output<W> {
    /// Writes every queued message (one `write(2)` per buffer's worth), then flushes and answers
    /// the flush markers, until the queue is empty (the waker registered) or closed.
    fn drain(&mut self, cx: &mut std::task::Context<'_>) -> std::io::Result<Drained> {
        use std::task::Poll;
        loop {
            match self.rx.poll_recv(cx) {
                Poll::Ready(Some(Queued::Message(message))) => message.write_to(&mut self.out)?,
                Poll::Ready(Some(Queued::Flush(done))) => self.flushed.push(done),
                Poll::Ready(None) => {
                    self.finish()?;
                    return Ok(Drained::Closed);
                }
                Poll::Pending => {
                    self.finish()?;
                    return Ok(Drained::Waiting);
                }
            }
        }
    }

    fn finish(&mut self) -> std::io::Result<()> {
        self.out.flush()?;
        for done in self.flushed.drain(..) {
            let _ = done.send(());
        }
        Ok(())
    }
}

/// Wakes the writer thread.
struct Unpark(std::thread::Thread);

impl std::task::Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
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
        SharedOutput::new(rx, writes.clone(), || true)
            .write_queued()
            .expect("writes");
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
        crate::rpc::outbound::Outbound::with_drain(|rx| start_writer(rx, pipe, || true))
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

    fn text_of(writes: &Writes) -> String {
        String::from_utf8(writes.0.lock().expect("writes").concat()).expect("utf8")
    }

    #[test]
    fn a_message_is_written_now_only_when_nothing_queued_is_unwritten() {
        let (tx, rx) = mpsc::channel(16);
        let writes = Writes::default();
        let output = SharedOutput::new(rx, writes.clone(), || true);
        assert!(
            output.write_now(b"first\n"),
            "nothing queued: written at once"
        );
        assert_eq!(text_of(&writes), "first\n");

        tx.try_send(message("queued")).expect("room");
        assert!(
            !output.write_now(b"later\n"),
            "it would overtake a queued message"
        );
        drop(tx);
        output.write_queued().expect("writes");
        assert_eq!(text_of(&writes), "first\nqueued\n");
    }

    #[test]
    fn a_message_that_could_block_is_not_written_now() {
        let (_tx, rx) = mpsc::channel(16);
        let writes = Writes::default();
        let full = SharedOutput::new(rx, writes.clone(), || false);
        assert!(!full.write_now(b"x\n"), "stdout has no room");
        let (_tx, rx) = mpsc::channel(16);
        let roomy = SharedOutput::new(rx, writes.clone(), || true);
        let long = vec![b'x'; WRITE_NOW_LIMIT + 1];
        assert!(!roomy.write_now(&long), "longer than a pipe takes whole");
        assert_eq!(text_of(&writes), "");
    }

    /// Oracle for the fast path: one producer queues `q<i>` and then tries to write `n<i>` at
    /// once, while the writer thread drains; every `n<i>` written comes after `q<i>`, and every
    /// message comes out whole exactly once.
    #[test]
    fn messages_written_now_never_overtake_queued_ones() {
        let (tx, rx) = mpsc::channel(8);
        let writes = Writes::default();
        let writer = start_writer(rx, writes.clone(), || true);
        let output = writer.write_now();
        let mut written_now = Vec::new();
        for i in 0..3000 {
            tx.blocking_send(message(&format!("q{i}")))
                .expect("writer runs");
            if output.write_now(format!("n{i}\n").as_bytes()) {
                written_now.push(i);
            }
        }
        let (done, flushed) = oneshot::channel();
        tx.blocking_send(Queued::Flush(done)).expect("writer runs");
        flushed.blocking_recv().expect("flushed");
        let text = text_of(&writes);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines.len(),
            3000 + written_now.len(),
            "each message once, whole"
        );
        let position = |line: &str| lines.iter().position(|l| *l == line);
        for i in &written_now {
            let queued = position(&format!("q{i}")).expect("queued message written");
            let now = position(&format!("n{i}")).expect("message written now");
            assert!(queued < now, "n{i} overtook q{i}");
        }
        // Once the writer has caught up and let go of the output, a message goes out at once.
        // (Whether any did during the loop depends on scheduling: under a loaded test run the
        // writer may never have been idle.)
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while !output.write_now(b"last\n") {
            assert!(
                std::time::Instant::now() < deadline,
                "the idle writer never let a message go out at once"
            );
            std::thread::yield_now();
        }
        assert!(text_of(&writes).ends_with("\nlast\n"));
    }
}
