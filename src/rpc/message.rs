//! Outgoing messages, serialized once into the buffer they are written from.
//!
//! A body is written after [`HEADER_ROOM`] spare bytes; framing it puts the LSP header into the
//! tail of that room (or a newline after the body) instead of copying the body behind a header.
//! For a 5 MB `model/list` answer that copy was a few milliseconds and 1,200 page faults.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::{Arc, Mutex};

use serde::Serialize;

use super::framing::Framing;

/// Room for `Content-Length: <u64>\r\n\r\n` (16 + 20 + 4 bytes).
const HEADER_ROOM: usize = 40;

/// Bytes another owner keeps (a render cache) that a message sends without copying them.
#[derive(Clone)]
pub struct SharedBytes {
    owner: Arc<dyn AsRef<[u8]> + Send + Sync>,
    range: Range<usize>,
}

impl SharedBytes {
    /// `range` of `owner`'s bytes; `None` when the range is out of bounds.
    pub fn new(owner: Arc<dyn AsRef<[u8]> + Send + Sync>, range: Range<usize>) -> Option<Self> {
        let bytes: &[u8] = (*owner).as_ref();
        bytes.get(range.clone())?;
        Some(Self { owner, range })
    }

    fn bytes(&self) -> &[u8] {
        &(*self.owner).as_ref()[self.range.clone()]
    }
}

/// A piece of a body after its first buffer.
enum Segment {
    Shared(SharedBytes),
    Owned(Vec<u8>),
}

impl Segment {
    fn bytes(&self) -> &[u8] {
        match self {
            Segment::Shared(shared) => shared.bytes(),
            Segment::Owned(bytes) => bytes,
        }
    }
}

/// A JSON-RPC message body with room for its frame header in front. A body may go on in shared
/// segments (written straight from their owner) after the first buffer.
pub struct OutgoingMessage {
    buf: Vec<u8>,
    tail: Vec<Segment>,
}

impl OutgoingMessage {
    /// An empty body with capacity for `body_capacity` bytes.
    pub fn with_capacity(body_capacity: usize) -> Self {
        let mut buf = Vec::with_capacity(HEADER_ROOM + body_capacity + 1);
        buf.resize(HEADER_ROOM, 0);
        Self {
            buf,
            tail: Vec::new(),
        }
    }

    /// A message holding a copy of `body`.
    pub fn from_body(body: &[u8]) -> Self {
        let mut message = Self::with_capacity(body.len());
        message.push_bytes(body);
        message
    }

    /// `value` serialized as the body.
    pub fn serialize<T: Serialize + ?Sized>(
        value: &T,
        body_capacity: usize,
    ) -> serde_json::Result<Self> {
        let mut message = Self::with_capacity(body_capacity);
        serde_json::to_writer(message.writer(), value)?;
        Ok(message)
    }

    /// The buffer the body goes on in: serde_json writes into a `Vec` much faster than through
    /// a `Write` impl of its own (it writes many pieces of a few bytes each).
    pub fn writer(&mut self) -> &mut Vec<u8> {
        if matches!(self.tail.last(), Some(Segment::Shared(_))) {
            self.tail.push(Segment::Owned(Vec::new()));
        }
        match self.tail.last_mut() {
            Some(Segment::Owned(owned)) => owned,
            _ => &mut self.buf,
        }
    }

    /// Appends a copy of `bytes` to the body.
    pub fn push_bytes(&mut self, bytes: &[u8]) {
        self.writer().extend_from_slice(bytes);
    }

    /// Appends shared bytes to the body without copying them.
    pub fn push_shared(&mut self, shared: SharedBytes) {
        self.tail.push(Segment::Shared(shared));
    }

    pub fn body_len(&self) -> usize {
        self.buf.len() - HEADER_ROOM + self.tail.iter().map(|s| s.bytes().len()).sum::<usize>()
    }

    /// The whole body (copied together when it has shared segments).
    pub fn body(&self) -> Cow<'_, [u8]> {
        let head = &self.buf[HEADER_ROOM..];
        if self.tail.is_empty() {
            return Cow::Borrowed(head);
        }
        let mut body = Vec::with_capacity(self.body_len());
        body.extend_from_slice(head);
        for segment in &self.tail {
            body.extend_from_slice(segment.bytes());
        }
        Cow::Owned(body)
    }

    /// The message ready for the wire in `framing`.
    pub fn frame(mut self, framing: Framing) -> FramedMessage {
        match framing {
            Framing::Lsp => {
                let header = format!("Content-Length: {}\r\n\r\n", self.body_len());
                let start = HEADER_ROOM - header.len();
                self.buf[start..HEADER_ROOM].copy_from_slice(header.as_bytes());
                FramedMessage {
                    buf: self.buf,
                    start,
                    tail: self.tail,
                    deferrable: false,
                    recycle: None,
                }
            }
            Framing::Line => {
                self.push_bytes(b"\n");
                FramedMessage {
                    buf: self.buf,
                    start: HEADER_ROOM,
                    tail: self.tail,
                    deferrable: false,
                    recycle: None,
                }
            }
        }
    }
}

/// A framed message: exactly the bytes to write, in one or more pieces.
pub struct FramedMessage {
    buf: Vec<u8>,
    start: usize,
    tail: Vec<Segment>,
    deferrable: bool,
    /// Where `buf` goes once the message is written (dropped), for the next batch to reuse.
    recycle: Option<BufferPool>,
}

impl Drop for FramedMessage {
    fn drop(&mut self) {
        if let Some(pool) = self.recycle.take() {
            pool.put(std::mem::take(&mut self.buf));
        }
    }
}

/// Buffers a batch's messages hand back once written: a stream's batches reuse a few buffers
/// instead of allocating each on its thread and freeing it on the writer's.
#[derive(Clone, Default)]
pub struct BufferPool(Arc<Mutex<Vec<Vec<u8>>>>);

impl BufferPool {
    /// Buffers kept; more in flight at once (a client that reads slowly) are freed when written.
    const KEEP: usize = 4;

    fn take(&self) -> Option<Vec<u8>> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .pop()
    }

    fn put(&self, mut buf: Vec<u8>) {
        buf.clear();
        let mut kept = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if kept.len() < Self::KEEP {
            kept.push(buf);
        }
    }
}

impl FramedMessage {
    /// Marks a message nobody waits on (a notification): the writer may hold it briefly to
    /// write it together with the ones that follow.
    pub fn deferrable(mut self) -> Self {
        self.deferrable = true;
        self
    }

    pub fn is_deferrable(&self) -> bool {
        self.deferrable
    }

    /// Writes the whole message.
    pub fn write_to(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        out.write_all(&self.buf[self.start..])?;
        for segment in &self.tail {
            out.write_all(segment.bytes())?;
        }
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.buf.len() - self.start + self.tail.iter().map(|s| s.bytes().len()).sum::<usize>()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Several messages framed back to back in one buffer, queued and written as one [`FramedMessage`]:
/// a stream's notifications from one network read cost one queue hand-off and one write, not one each.
/// Each message's bytes are exactly those [`OutgoingMessage::frame`] would give it.
#[derive(Default)]
pub struct FramedBatch {
    buf: Vec<u8>,
    /// An LSP body is serialized here first: its header, written before it, needs its length.
    body: Vec<u8>,
    pool: BufferPool,
}

impl FramedBatch {
    /// Appends one message whose body `write` puts into the buffer it is given; on an error nothing of
    /// the message stays in the batch.
    pub fn push_with<E>(
        &mut self,
        framing: Framing,
        write: impl FnOnce(&mut Vec<u8>) -> Result<(), E>,
    ) -> Result<(), E> {
        match framing {
            Framing::Line => {
                let start = self.buf.len();
                if let Err(err) = write(&mut self.buf) {
                    self.buf.truncate(start);
                    return Err(err);
                }
                self.buf.push(b'\n');
            }
            Framing::Lsp => {
                self.body.clear();
                write(&mut self.body)?;
                use std::io::Write as _;
                write!(self.buf, "Content-Length: {}\r\n\r\n", self.body.len())
                    .expect("writing into a Vec cannot fail");
                self.buf.extend_from_slice(&self.body);
            }
        }
        Ok(())
    }

    /// Bytes in the batch.
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// The batch so far as one deferrable message (`None` when empty); the batch goes on in a buffer
    /// an earlier message gave back, or a new one with room for `capacity` bytes.
    pub fn take(&mut self, capacity: usize) -> Option<FramedMessage> {
        if self.buf.is_empty() {
            return None;
        }
        let next = self
            .pool
            .take()
            .unwrap_or_else(|| Vec::with_capacity(capacity));
        let buf = std::mem::replace(&mut self.buf, next);
        Some(FramedMessage {
            buf,
            start: 0,
            tail: Vec::new(),
            deferrable: true,
            recycle: Some(self.pool.clone()),
        })
    }
}

/// Lengths only: a body may be anything a method returns.
impl std::fmt::Debug for OutgoingMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutgoingMessage")
            .field("body_len", &self.body_len())
            .finish()
    }
}

impl std::fmt::Debug for FramedMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FramedMessage")
            .field("len", &self.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wire(message: &FramedMessage) -> Vec<u8> {
        let mut bytes = Vec::new();
        message.write_to(&mut bytes).expect("a Vec takes it");
        assert_eq!(bytes.len(), message.len());
        bytes
    }

    #[test]
    fn frames_in_place_in_both_framings() {
        let lsp = OutgoingMessage::from_body(b"{}").frame(Framing::Lsp);
        assert_eq!(wire(&lsp), b"Content-Length: 2\r\n\r\n{}");
        let line = OutgoingMessage::from_body(b"{}").frame(Framing::Line);
        assert_eq!(wire(&line), b"{}\n");
        let value = serde_json::json!({"a": [1, 2], "b": "x"});
        let message = OutgoingMessage::serialize(&value, 0).expect("serializes");
        assert_eq!(&*message.body(), value.to_string().as_bytes());
        let framed = message.frame(Framing::Lsp);
        let bytes = wire(&framed);
        let text = std::str::from_utf8(&bytes).expect("utf8");
        let body = value.to_string();
        assert_eq!(
            text,
            format!("Content-Length: {}\r\n\r\n{body}", body.len())
        );
    }

    #[test]
    fn shared_segments_are_part_of_the_body_and_its_length() {
        let owner: Arc<dyn AsRef<[u8]> + Send + Sync> = Arc::new(String::from("xx[1,2,3]yy"));
        assert!(SharedBytes::new(Arc::clone(&owner), 5..20).is_none());
        let mut message = OutgoingMessage::with_capacity(8);
        message.push_bytes(br#"{"a":"#);
        message.push_shared(SharedBytes::new(owner, 2..9).expect("in bounds"));
        message.push_bytes(b"}");
        assert_eq!(&*message.body(), br#"{"a":[1,2,3]}"#);
        assert_eq!(message.body_len(), 13);
        let lsp = message.frame(Framing::Lsp);
        assert_eq!(
            wire(&lsp),
            b"Content-Length: 13\r\n\r\n{\"a\":[1,2,3]}".as_slice()
        );
    }

    #[test]
    fn a_batch_holds_each_message_framed_as_alone() {
        let bodies = [r#"{"a":1}"#, r#"{"b":"two"}"#];
        for framing in [Framing::Line, Framing::Lsp] {
            let mut batch = FramedBatch::default();
            assert!(batch.take(64).is_none(), "an empty batch is no message");
            let mut expected = Vec::new();
            for body in bodies {
                batch
                    .push_with(framing, |buf| {
                        buf.extend_from_slice(body.as_bytes());
                        Ok::<(), ()>(())
                    })
                    .expect("pushes");
                expected.extend(wire(
                    &OutgoingMessage::from_body(body.as_bytes()).frame(framing),
                ));
            }
            let failed = batch.push_with(framing, |buf| {
                buf.extend_from_slice(b"{\"half");
                Err(())
            });
            assert!(failed.is_err());
            assert_eq!(
                batch.len(),
                expected.len(),
                "a failed message leaves nothing"
            );
            let message = batch.take(64).expect("a message");
            assert!(message.is_deferrable());
            assert_eq!(wire(&message), expected);
            assert!(batch.is_empty(), "taking starts the batch over");
            let (first_capacity, first_data) = (message.buf.capacity(), message.buf.as_ptr());
            drop(message);
            batch
                .push_with(framing, |buf| {
                    buf.extend_from_slice(b"{}");
                    Ok::<(), ()>(())
                })
                .expect("pushes");
            let _second = batch.take(64).expect("a message");
            assert_eq!(batch.buf.capacity(), first_capacity);
            assert_eq!(
                batch.buf.as_ptr(),
                first_data,
                "the written message's buffer is reused"
            );
        }
    }

    #[test]
    fn the_largest_length_fits_the_room() {
        let header = format!("Content-Length: {}\r\n\r\n", u64::MAX);
        assert!(header.len() <= HEADER_ROOM);
    }
}
