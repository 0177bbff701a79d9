//! Message framing on a byte stream: LSP base-protocol headers or newline-delimited JSON.
//!
//! Each message picks its own framing from its first significant byte: `{` or `[` starts a
//! newline-delimited JSON message, anything else is read as an LSP header block
//! (`Content-Length: N\r\n\r\n<body>`). Both may be mixed on one stream.
//!
//! Nothing read here is ever trusted for size: a body larger than the limit is skipped without
//! being buffered, garbage between messages is reported and skipped, and after a header block
//! without a usable `Content-Length` the reader resynchronises at the next `Content-Length:`.

use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWriteExt};

/// How one message was framed; answers go out in the framing of the request they answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// `Content-Length: N\r\n\r\n` followed by N bytes of JSON.
    Lsp,
    /// One JSON value on one line, terminated by `\n`.
    Line,
}

impl Framing {
    /// Frames one serialized message for the wire.
    pub fn encode(self, body: &[u8]) -> Vec<u8> {
        match self {
            Framing::Lsp => {
                let header = format!("Content-Length: {}\r\n\r\n", body.len());
                let mut out = Vec::with_capacity(header.len() + body.len());
                out.extend_from_slice(header.as_bytes());
                out.extend_from_slice(body);
                out
            }
            Framing::Line => {
                let mut out = Vec::with_capacity(body.len() + 1);
                out.extend_from_slice(body);
                out.push(b'\n');
                out
            }
        }
    }

    /// Writes one framed message and flushes it.
    pub async fn write<W: tokio::io::AsyncWrite + Unpin>(
        self,
        writer: &mut W,
        body: &[u8],
    ) -> std::io::Result<()> {
        writer.write_all(&self.encode(body)).await?;
        writer.flush().await
    }
}

/// One complete message body as read from the stream.
#[derive(Debug)]
pub struct Frame {
    pub framing: Framing,
    pub body: Vec<u8>,
}

/// A problem with the byte stream itself (not with the JSON inside a frame).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FrameError {
    #[error("message of {size} bytes exceeds the limit of {limit} bytes; it was skipped")]
    TooLarge {
        framing: Framing,
        size: u64,
        limit: usize,
    },
    #[error("invalid header block: {detail}")]
    BadHeader { detail: String },
    #[error("{skipped} unexpected bytes between messages were skipped")]
    Garbage { skipped: usize },
}

impl FrameError {
    /// Stable identifier carried in the error's `data.kind`.
    pub fn kind(&self) -> &'static str {
        match self {
            FrameError::TooLarge { .. } => "message_too_large",
            FrameError::BadHeader { .. } => "bad_header",
            FrameError::Garbage { .. } => "garbage_input",
        }
    }
}

/// What the reader produced next.
#[derive(Debug)]
pub enum ReadEvent {
    Message(Frame),
    Error(FrameError),
    Eof,
}

const MAX_HEADER_LINE: usize = 8 * 1024;
const MAX_HEADER_LINES: usize = 32;
const CONTENT_LENGTH: &[u8] = b"content-length:";

/// Reads framed messages from a buffered byte stream.
pub struct FrameReader<R> {
    reader: R,
    max_message: usize,
    /// Set after a header block that could not be used: skip to the next `Content-Length:`.
    resync: bool,
    /// A header line found inside garbage, to be parsed before reading further.
    pending_header: Option<Vec<u8>>,
}

enum Line {
    Complete(Vec<u8>),
    /// The line exceeded the limit; this many bytes (up to and including `\n`) were discarded.
    TooLong(u64),
    /// EOF in the middle of a line; holds the bytes read so far.
    Partial(Vec<u8>),
}

impl<R: AsyncBufRead + Unpin> FrameReader<R> {
    pub fn new(reader: R, max_message: usize) -> Self {
        Self {
            reader,
            max_message,
            resync: false,
            pending_header: None,
        }
    }

    /// Reads the next message, or reports a stream problem. I/O errors end the stream.
    pub async fn next(&mut self) -> std::io::Result<ReadEvent> {
        if let Some(first) = self.pending_header.take() {
            return self.read_lsp_message(first).await;
        }
        if self.resync {
            self.resync = false;
            return match self.skip_to_content_length().await? {
                Some(first) => self.read_lsp_message(first).await,
                None => Ok(ReadEvent::Eof),
            };
        }
        let Some(first_byte) = self.skip_whitespace().await? else {
            return Ok(ReadEvent::Eof);
        };
        if first_byte == b'{' || first_byte == b'[' {
            return Ok(match self.read_line(self.max_message).await? {
                Line::Complete(body) | Line::Partial(body) => ReadEvent::Message(Frame {
                    framing: Framing::Line,
                    body,
                }),
                Line::TooLong(size) => ReadEvent::Error(FrameError::TooLarge {
                    framing: Framing::Line,
                    size,
                    limit: self.max_message,
                }),
            });
        }
        match self.read_line(MAX_HEADER_LINE).await? {
            Line::Complete(line) | Line::Partial(line) if is_header_line(&line) => {
                self.read_lsp_message(line).await
            }
            Line::Complete(line) | Line::Partial(line) => {
                if let Some(at) = find_content_length(&line) {
                    self.pending_header = Some(line[at..].to_vec());
                    return Ok(ReadEvent::Error(FrameError::Garbage { skipped: at }));
                }
                Ok(ReadEvent::Error(FrameError::Garbage {
                    skipped: line.len(),
                }))
            }
            Line::TooLong(size) => Ok(ReadEvent::Error(FrameError::Garbage {
                skipped: usize::try_from(size).unwrap_or(usize::MAX),
            })),
        }
    }

    /// Parses a header block whose first line is given, then reads (or skips) the body.
    async fn read_lsp_message(&mut self, first: Vec<u8>) -> std::io::Result<ReadEvent> {
        let mut content_length: Option<Result<u64, String>> = None;
        let mut line = first;
        let mut lines = 0;
        loop {
            let text = String::from_utf8_lossy(trim_line_end(&line)).into_owned();
            if text.is_empty() {
                break;
            }
            lines += 1;
            if lines > MAX_HEADER_LINES {
                self.resync = true;
                return Ok(ReadEvent::Error(FrameError::BadHeader {
                    detail: format!("more than {MAX_HEADER_LINES} header lines"),
                }));
            }
            match text.split_once(':') {
                Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                    let value = value.trim();
                    content_length =
                        Some(value.parse::<u64>().map_err(|_| {
                            format!("Content-Length value {value:?} is not a number")
                        }));
                }
                Some(_) => {}
                None => {
                    self.resync = true;
                    return Ok(ReadEvent::Error(FrameError::BadHeader {
                        detail: format!("header line without a colon: {:?}", truncate(&text, 80)),
                    }));
                }
            }
            line = match self.read_line(MAX_HEADER_LINE).await? {
                Line::Complete(line) => line,
                Line::Partial(_) => return Ok(ReadEvent::Eof),
                Line::TooLong(_) => {
                    self.resync = true;
                    return Ok(ReadEvent::Error(FrameError::BadHeader {
                        detail: format!("header line longer than {MAX_HEADER_LINE} bytes"),
                    }));
                }
            };
        }
        let length = match content_length {
            Some(Ok(length)) => length,
            Some(Err(detail)) => {
                self.resync = true;
                return Ok(ReadEvent::Error(FrameError::BadHeader { detail }));
            }
            None => {
                self.resync = true;
                return Ok(ReadEvent::Error(FrameError::BadHeader {
                    detail: "header block has no Content-Length".to_string(),
                }));
            }
        };
        if length > self.max_message as u64 {
            self.discard(length).await?;
            return Ok(ReadEvent::Error(FrameError::TooLarge {
                framing: Framing::Lsp,
                size: length,
                limit: self.max_message,
            }));
        }
        let length = usize::try_from(length).expect("length is below max_message, a usize");
        let mut body = vec![0u8; length];
        match tokio::io::AsyncReadExt::read_exact(&mut self.reader, &mut body).await {
            Ok(_) => Ok(ReadEvent::Message(Frame {
                framing: Framing::Lsp,
                body,
            })),
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Ok(ReadEvent::Eof),
            Err(e) => Err(e),
        }
    }

    /// Skips spaces and line breaks; returns the next byte without consuming it.
    async fn skip_whitespace(&mut self) -> std::io::Result<Option<u8>> {
        loop {
            let buf = self.reader.fill_buf().await?;
            if buf.is_empty() {
                return Ok(None);
            }
            let skip = buf
                .iter()
                .take_while(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
                .count();
            if skip < buf.len() {
                let next = buf[skip];
                self.reader.consume(skip);
                return Ok(Some(next));
            }
            let all = buf.len();
            self.reader.consume(all);
        }
    }

    /// Reads up to and including `\n`, never holding more than `limit` bytes.
    async fn read_line(&mut self, limit: usize) -> std::io::Result<Line> {
        let mut line = Vec::new();
        let mut total: u64 = 0;
        let mut too_long = false;
        loop {
            let buf = self.reader.fill_buf().await?;
            if buf.is_empty() {
                return Ok(if too_long {
                    Line::TooLong(total)
                } else {
                    Line::Partial(line)
                });
            }
            let (chunk, done) = match buf.iter().position(|&b| b == b'\n') {
                Some(at) => (&buf[..=at], true),
                None => (buf, false),
            };
            total += chunk.len() as u64;
            if !too_long {
                if line.len() + chunk.len() > limit.saturating_add(2) {
                    too_long = true;
                    line = Vec::new();
                } else {
                    line.extend_from_slice(chunk);
                }
            }
            let used = chunk.len();
            self.reader.consume(used);
            if done {
                if too_long {
                    return Ok(Line::TooLong(total));
                }
                let body_len = trim_line_end(&line).len();
                line.truncate(body_len);
                return Ok(Line::Complete(line));
            }
        }
    }

    async fn discard(&mut self, mut remaining: u64) -> std::io::Result<()> {
        while remaining > 0 {
            let buf = self.reader.fill_buf().await?;
            if buf.is_empty() {
                return Ok(());
            }
            let n = buf
                .len()
                .min(usize::try_from(remaining).unwrap_or(usize::MAX));
            self.reader.consume(n);
            remaining -= n as u64;
        }
        Ok(())
    }

    /// Discards bytes up to the next `Content-Length:` (any case) and returns that header line.
    async fn skip_to_content_length(&mut self) -> std::io::Result<Option<Vec<u8>>> {
        let mut matched = 0;
        loop {
            let buf = self.reader.fill_buf().await?;
            if buf.is_empty() {
                return Ok(None);
            }
            let mut consumed = 0;
            let mut found = false;
            for &byte in buf {
                consumed += 1;
                let byte = byte.to_ascii_lowercase();
                if byte == CONTENT_LENGTH[matched] {
                    matched += 1;
                    if matched == CONTENT_LENGTH.len() {
                        found = true;
                        break;
                    }
                } else {
                    matched = usize::from(byte == CONTENT_LENGTH[0]);
                }
            }
            self.reader.consume(consumed);
            if found {
                let rest = match self.read_line(MAX_HEADER_LINE).await? {
                    Line::Complete(rest) | Line::Partial(rest) => rest,
                    Line::TooLong(_) => Vec::new(),
                };
                let mut line = b"Content-Length:".to_vec();
                line.extend_from_slice(&rest);
                return Ok(Some(line));
            }
        }
    }
}

fn trim_line_end(line: &[u8]) -> &[u8] {
    let mut end = line.len();
    while end > 0 && matches!(line[end - 1], b'\n' | b'\r') {
        end -= 1;
    }
    &line[..end]
}

fn is_header_line(line: &[u8]) -> bool {
    let lower = line.to_ascii_lowercase();
    lower.starts_with(CONTENT_LENGTH) || lower.starts_with(b"content-type:")
}

fn find_content_length(line: &[u8]) -> Option<usize> {
    let lower = line.to_ascii_lowercase();
    lower
        .windows(CONTENT_LENGTH.len())
        .position(|window| window == CONTENT_LENGTH)
}

fn truncate(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((at, _)) => &text[..at],
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn read_all(input: &[u8], limit: usize) -> Vec<ReadEvent> {
        let mut reader = FrameReader::new(input, limit);
        let mut events = Vec::new();
        loop {
            match reader
                .next()
                .await
                .expect("reading from a slice cannot fail")
            {
                ReadEvent::Eof => return events,
                event => events.push(event),
            }
        }
    }

    fn bodies(events: &[ReadEvent]) -> Vec<(Framing, String)> {
        events
            .iter()
            .filter_map(|e| match e {
                ReadEvent::Message(f) => {
                    Some((f.framing, String::from_utf8_lossy(&f.body).into_owned()))
                }
                _ => None,
            })
            .collect()
    }

    #[tokio::test]
    async fn reads_both_framings_mixed() {
        let input = b"Content-Length: 7\r\n\r\n{\"a\":1}\n{\"b\":2}\r\nContent-Type: x\r\ncontent-length: 2\r\n\r\n[]";
        let events = read_all(input, 1024).await;
        assert_eq!(
            bodies(&events),
            vec![
                (Framing::Lsp, "{\"a\":1}".to_string()),
                (Framing::Line, "{\"b\":2}".to_string()),
                (Framing::Lsp, "[]".to_string()),
            ]
        );
        assert_eq!(events.len(), 3);
    }

    #[tokio::test]
    async fn oversized_bodies_are_skipped_in_both_framings() {
        let big = "x".repeat(100);
        let input = format!(
            "Content-Length: 100\r\n\r\n{big}{{\"big\":\"{big}\"}}\nContent-Length: 2\r\n\r\n{{}}"
        );
        let events = read_all(input.as_bytes(), 50).await;
        assert!(matches!(
            events[0],
            ReadEvent::Error(FrameError::TooLarge {
                framing: Framing::Lsp,
                size: 100,
                ..
            })
        ));
        assert!(matches!(
            events[1],
            ReadEvent::Error(FrameError::TooLarge {
                framing: Framing::Line,
                ..
            })
        ));
        assert_eq!(bodies(&events), vec![(Framing::Lsp, "{}".to_string())]);
    }

    #[tokio::test]
    async fn garbage_is_reported_and_reader_resyncs_inside_the_line() {
        let input = b"hello there\nnoiseContent-Length: 2\r\n\r\n{}";
        let events = read_all(input, 1024).await;
        assert!(matches!(
            events[0],
            ReadEvent::Error(FrameError::Garbage { skipped: 11 })
        ));
        assert!(matches!(
            events[1],
            ReadEvent::Error(FrameError::Garbage { skipped: 5 })
        ));
        assert_eq!(bodies(&events), vec![(Framing::Lsp, "{}".to_string())]);
    }

    #[tokio::test]
    async fn bad_content_length_resyncs_at_next_header() {
        let input =
            b"Content-Length: abc\r\n\r\n{\"lost\":true}Content-Length: 8\r\n\r\n{\"ok\":1}";
        let events = read_all(input, 1024).await;
        assert!(matches!(
            &events[0],
            ReadEvent::Error(FrameError::BadHeader { detail }) if detail.contains("abc")
        ));
        assert_eq!(
            bodies(&events),
            vec![(Framing::Lsp, "{\"ok\":1}".to_string())]
        );
    }

    #[tokio::test]
    async fn missing_content_length_is_a_bad_header() {
        let input = b"Content-Type: application/json\r\n\r\n{}\n";
        let events = read_all(input, 1024).await;
        assert!(matches!(
            &events[0],
            ReadEvent::Error(FrameError::BadHeader { .. })
        ));
        assert_eq!(events.len(), 1);
    }

    #[tokio::test]
    async fn truncated_body_is_eof() {
        let events = read_all(b"Content-Length: 10\r\n\r\n{}", 1024).await;
        assert!(events.is_empty());
    }

    #[test]
    fn encodes_both_framings() {
        assert_eq!(Framing::Lsp.encode(b"{}"), b"Content-Length: 2\r\n\r\n{}");
        assert_eq!(Framing::Line.encode(b"{}"), b"{}\n");
    }
}
