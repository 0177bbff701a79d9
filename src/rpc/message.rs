//! Outgoing messages, serialized once into the buffer they are written from.
//!
//! A body is written after [`HEADER_ROOM`] spare bytes; framing it puts the LSP header into the
//! tail of that room (or a newline after the body) instead of copying the body behind a header.

use serde::Serialize;

use super::framing::Framing;

/// Room for `Content-Length: <u64>\r\n\r\n` (16 + 20 + 4 bytes).
const HEADER_ROOM: usize = 40;

/// A JSON-RPC message body with room for its frame header in front.
pub struct OutgoingMessage {
    buf: Vec<u8>,
}

impl OutgoingMessage {
    /// An empty body with capacity for `body_capacity` bytes.
    pub fn with_capacity(body_capacity: usize) -> Self {
        let mut buf = Vec::with_capacity(HEADER_ROOM + body_capacity + 1);
        buf.resize(HEADER_ROOM, 0);
        Self { buf }
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
        &mut self.buf
    }

    /// Appends a copy of `bytes` to the body.
    pub fn push_bytes(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    pub fn body_len(&self) -> usize {
        self.buf.len() - HEADER_ROOM
    }

    pub fn body(&self) -> &[u8] {
        &self.buf[HEADER_ROOM..]
    }

    /// A batch's response: `[a,b,...]` of the answers' bodies.
    pub fn batch(answers: &[OutgoingMessage]) -> Self {
        let size = answers.iter().map(|a| a.body_len() + 1).sum::<usize>() + 1;
        let mut batch = Self::with_capacity(size);
        batch.push_bytes(b"[");
        for (index, answer) in answers.iter().enumerate() {
            if index > 0 {
                batch.push_bytes(b",");
            }
            batch.push_bytes(answer.body());
        }
        batch.push_bytes(b"]");
        batch
    }

    /// The message ready for the wire in `framing`.
    pub fn frame(mut self, framing: Framing) -> FramedMessage {
        let start = match framing {
            Framing::Lsp => {
                let header = format!("Content-Length: {}\r\n\r\n", self.body_len());
                let start = HEADER_ROOM - header.len();
                self.buf[start..HEADER_ROOM].copy_from_slice(header.as_bytes());
                start
            }
            Framing::Line => {
                self.buf.push(b'\n');
                HEADER_ROOM
            }
        };
        FramedMessage {
            buf: self.buf,
            start,
        }
    }
}

/// Exactly the bytes to write: one framed message, or several framed back to back.
pub struct FramedMessage {
    buf: Vec<u8>,
    start: usize,
}

impl FramedMessage {
    /// Bytes already framed (for example several messages, each framed as [`OutgoingMessage::frame`]
    /// would frame it).
    pub fn from_framed(buf: Vec<u8>) -> Self {
        Self { buf, start: 0 }
    }

    pub fn bytes(&self) -> &[u8] {
        &self.buf[self.start..]
    }

    /// The bytes to write, as a buffer of their own.
    pub fn into_bytes(mut self) -> Vec<u8> {
        self.buf.drain(..self.start);
        self.buf
    }

    /// Writes the whole message.
    pub fn write_to(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        out.write_all(self.bytes())
    }

    pub fn len(&self) -> usize {
        self.buf.len() - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Appends one message framed as [`OutgoingMessage::frame`] would frame it, its body written by
/// `write`; on an error nothing of the message stays in `buf`. `scratch` holds an LSP body while
/// its header, which needs the length, goes first.
pub fn push_framed<E>(
    buf: &mut Vec<u8>,
    scratch: &mut Vec<u8>,
    framing: Framing,
    write: impl FnOnce(&mut Vec<u8>) -> Result<(), E>,
) -> Result<(), E> {
    match framing {
        Framing::Line => {
            let start = buf.len();
            if let Err(err) = write(buf) {
                buf.truncate(start);
                return Err(err);
            }
            buf.push(b'\n');
        }
        Framing::Lsp => {
            scratch.clear();
            write(scratch)?;
            use std::io::Write as _;
            write!(buf, "Content-Length: {}\r\n\r\n", scratch.len())
                .expect("writing into a Vec cannot fail");
            buf.extend_from_slice(scratch);
        }
    }
    Ok(())
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
        assert_eq!(message.body(), value.to_string().as_bytes());
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
    fn pushed_messages_are_framed_as_alone() {
        let bodies = [r#"{"a":1}"#, r#"{"b":"two"}"#];
        for framing in [Framing::Line, Framing::Lsp] {
            let (mut buf, mut scratch) = (Vec::new(), Vec::new());
            let mut expected = Vec::new();
            for body in bodies {
                push_framed(&mut buf, &mut scratch, framing, |out| {
                    out.extend_from_slice(body.as_bytes());
                    Ok::<(), ()>(())
                })
                .expect("pushes");
                expected.extend(wire(
                    &OutgoingMessage::from_body(body.as_bytes()).frame(framing),
                ));
            }
            let failed = push_framed(&mut buf, &mut scratch, framing, |out| {
                out.extend_from_slice(b"{\"half");
                Err(())
            });
            assert!(failed.is_err());
            assert_eq!(buf, expected, "a failed message leaves nothing");
            assert_eq!(wire(&FramedMessage::from_framed(buf)), expected);
        }
    }

    #[test]
    fn a_batch_holds_its_answers_in_order() {
        let answers = [
            OutgoingMessage::from_body(br#"{"id":1}"#),
            OutgoingMessage::from_body(br#"{"id":"b"}"#),
        ];
        let batch = OutgoingMessage::batch(&answers);
        assert_eq!(batch.body(), br#"[{"id":1},{"id":"b"}]"#);
        assert_eq!(
            OutgoingMessage::batch(&answers[..1]).body(),
            br#"[{"id":1}]"#
        );
    }

    #[test]
    fn the_largest_length_fits_the_room() {
        let header = format!("Content-Length: {}\r\n\r\n", u64::MAX);
        assert!(header.len() <= HEADER_ROOM);
    }
}
