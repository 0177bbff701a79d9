//! AWS `application/vnd.amazon.eventstream` framing (Bedrock ConverseStream): an incremental decoder with
//! prelude and message CRC32 checks, and the encoder the mock server uses.
//!
//! Frame: total length (u32 BE), headers length (u32 BE), prelude CRC32, headers, payload, message CRC32
//! (over everything before it). Header: name length (u8), name, value type (u8), value.

use thiserror::Error;

const PRELUDE_LEN: usize = 12;
const MIN_FRAME_LEN: usize = PRELUDE_LEN + 4;
/// AWS caps a frame at 16 MiB.
const MAX_FRAME_LEN: usize = 16 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq)]
pub enum HeaderValue {
    Bool(bool),
    Byte(i8),
    Short(i16),
    Int(i32),
    Long(i64),
    Bytes(Vec<u8>),
    String(String),
    Timestamp(i64),
    Uuid([u8; 16]),
}

#[derive(Debug, Clone, PartialEq)]
pub struct EventMessage {
    pub headers: Vec<(String, HeaderValue)>,
    pub payload: Vec<u8>,
}

impl EventMessage {
    pub fn header_str(&self, name: &str) -> Option<&str> {
        self.headers.iter().find_map(|(key, value)| match value {
            HeaderValue::String(text) if key == name => Some(text.as_str()),
            _ => None,
        })
    }

    /// An event message as Bedrock sends it: `:message-type=event`, `:event-type`, JSON content type.
    pub fn json_event(event_type: &str, payload: &[u8]) -> Self {
        EventMessage {
            headers: vec![
                (":event-type".into(), HeaderValue::String(event_type.into())),
                (
                    ":content-type".into(),
                    HeaderValue::String("application/json".into()),
                ),
                (":message-type".into(), HeaderValue::String("event".into())),
            ],
            payload: payload.to_vec(),
        }
    }
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum EventStreamError {
    #[error("event-stream frame length {0} is out of bounds")]
    BadLength(usize),
    #[error("event-stream prelude CRC mismatch")]
    PreludeCrc,
    #[error("event-stream message CRC mismatch")]
    MessageCrc,
    #[error("event-stream header is malformed")]
    BadHeader,
}

#[derive(Debug, Default)]
pub struct EventStreamDecoder {
    buffer: Vec<u8>,
}

impl EventStreamDecoder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds bytes; complete messages go to `out`. A framing error is fatal for the stream.
    pub fn feed(
        &mut self,
        chunk: &[u8],
        out: &mut Vec<EventMessage>,
    ) -> Result<(), EventStreamError> {
        self.buffer.extend_from_slice(chunk);
        let mut consumed = 0;
        loop {
            let rest = &self.buffer[consumed..];
            if rest.len() < PRELUDE_LEN {
                break;
            }
            let total = read_u32(&rest[0..4]) as usize;
            let headers_len = read_u32(&rest[4..8]) as usize;
            if !(MIN_FRAME_LEN..=MAX_FRAME_LEN).contains(&total)
                || headers_len > total - MIN_FRAME_LEN
            {
                return Err(EventStreamError::BadLength(total));
            }
            if crc32fast::hash(&rest[0..8]) != read_u32(&rest[8..12]) {
                return Err(EventStreamError::PreludeCrc);
            }
            if rest.len() < total {
                break;
            }
            let frame = &rest[..total];
            if crc32fast::hash(&frame[..total - 4]) != read_u32(&frame[total - 4..]) {
                return Err(EventStreamError::MessageCrc);
            }
            let headers = parse_headers(&frame[PRELUDE_LEN..PRELUDE_LEN + headers_len])?;
            let payload = frame[PRELUDE_LEN + headers_len..total - 4].to_vec();
            out.push(EventMessage { headers, payload });
            consumed += total;
        }
        self.buffer.drain(..consumed);
        Ok(())
    }

    /// Bytes of an incomplete frame still buffered (non-zero at end of input means a truncated stream).
    pub fn pending(&self) -> usize {
        self.buffer.len()
    }
}

fn read_u32(bytes: &[u8]) -> u32 {
    u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
}

fn take<'a>(input: &mut &'a [u8], n: usize) -> Result<&'a [u8], EventStreamError> {
    if input.len() < n {
        return Err(EventStreamError::BadHeader);
    }
    let (head, tail) = input.split_at(n);
    *input = tail;
    Ok(head)
}

fn parse_headers(mut input: &[u8]) -> Result<Vec<(String, HeaderValue)>, EventStreamError> {
    let mut headers = Vec::new();
    while !input.is_empty() {
        let name_len = take(&mut input, 1)?[0] as usize;
        let name = String::from_utf8(take(&mut input, name_len)?.to_vec())
            .map_err(|_| EventStreamError::BadHeader)?;
        let kind = take(&mut input, 1)?[0];
        let value = match kind {
            0 => HeaderValue::Bool(true),
            1 => HeaderValue::Bool(false),
            2 => HeaderValue::Byte(take(&mut input, 1)?[0] as i8),
            3 => HeaderValue::Short(i16::from_be_bytes(
                take(&mut input, 2)?
                    .try_into()
                    .map_err(|_| EventStreamError::BadHeader)?,
            )),
            4 => HeaderValue::Int(i32::from_be_bytes(
                take(&mut input, 4)?
                    .try_into()
                    .map_err(|_| EventStreamError::BadHeader)?,
            )),
            5 | 8 => {
                let value = i64::from_be_bytes(
                    take(&mut input, 8)?
                        .try_into()
                        .map_err(|_| EventStreamError::BadHeader)?,
                );
                if kind == 5 {
                    HeaderValue::Long(value)
                } else {
                    HeaderValue::Timestamp(value)
                }
            }
            6 | 7 => {
                let len_bytes = take(&mut input, 2)?;
                let len = u16::from_be_bytes([len_bytes[0], len_bytes[1]]) as usize;
                let bytes = take(&mut input, len)?.to_vec();
                if kind == 6 {
                    HeaderValue::Bytes(bytes)
                } else {
                    HeaderValue::String(
                        String::from_utf8(bytes).map_err(|_| EventStreamError::BadHeader)?,
                    )
                }
            }
            9 => HeaderValue::Uuid(
                take(&mut input, 16)?
                    .try_into()
                    .map_err(|_| EventStreamError::BadHeader)?,
            ),
            _ => return Err(EventStreamError::BadHeader),
        };
        headers.push((name, value));
    }
    Ok(headers)
}

/// Encodes one frame.
pub fn encode(message: &EventMessage) -> Vec<u8> {
    let mut headers = Vec::new();
    for (name, value) in &message.headers {
        let name_bytes = name.as_bytes();
        headers.push(name_bytes.len().min(255) as u8);
        headers.extend_from_slice(&name_bytes[..name_bytes.len().min(255)]);
        match value {
            HeaderValue::Bool(true) => headers.push(0),
            HeaderValue::Bool(false) => headers.push(1),
            HeaderValue::Byte(v) => {
                headers.push(2);
                headers.push(*v as u8);
            }
            HeaderValue::Short(v) => {
                headers.push(3);
                headers.extend_from_slice(&v.to_be_bytes());
            }
            HeaderValue::Int(v) => {
                headers.push(4);
                headers.extend_from_slice(&v.to_be_bytes());
            }
            HeaderValue::Long(v) => {
                headers.push(5);
                headers.extend_from_slice(&v.to_be_bytes());
            }
            HeaderValue::Timestamp(v) => {
                headers.push(8);
                headers.extend_from_slice(&v.to_be_bytes());
            }
            HeaderValue::Bytes(bytes) => {
                headers.push(6);
                headers.extend_from_slice(&(bytes.len() as u16).to_be_bytes());
                headers.extend_from_slice(bytes);
            }
            HeaderValue::String(text) => {
                headers.push(7);
                headers.extend_from_slice(&(text.len() as u16).to_be_bytes());
                headers.extend_from_slice(text.as_bytes());
            }
            HeaderValue::Uuid(bytes) => {
                headers.push(9);
                headers.extend_from_slice(bytes);
            }
        }
    }
    let total = PRELUDE_LEN + headers.len() + message.payload.len() + 4;
    let mut frame = Vec::with_capacity(total);
    frame.extend_from_slice(&(total as u32).to_be_bytes());
    frame.extend_from_slice(&(headers.len() as u32).to_be_bytes());
    let prelude_crc = crc32fast::hash(&frame);
    frame.extend_from_slice(&prelude_crc.to_be_bytes());
    frame.extend_from_slice(&headers);
    frame.extend_from_slice(&message.payload);
    let message_crc = crc32fast::hash(&frame);
    frame.extend_from_slice(&message_crc.to_be_bytes());
    frame
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_in_any_split() {
        let messages = vec![
            EventMessage::json_event("messageStart", br#"{"role":"assistant"}"#),
            EventMessage {
                headers: vec![
                    ("flag".into(), HeaderValue::Bool(false)),
                    ("n".into(), HeaderValue::Long(-5)),
                    ("b".into(), HeaderValue::Bytes(vec![1, 2, 3])),
                    ("t".into(), HeaderValue::Timestamp(1_700_000_000_000)),
                    ("u".into(), HeaderValue::Uuid([7; 16])),
                    ("s".into(), HeaderValue::Short(3)),
                    ("i".into(), HeaderValue::Int(9)),
                    ("y".into(), HeaderValue::Byte(-1)),
                ],
                payload: vec![],
            },
        ];
        let bytes: Vec<u8> = messages.iter().flat_map(encode).collect();
        for piece in [1, 2, 5, 13, bytes.len()] {
            let mut decoder = EventStreamDecoder::new();
            let mut out = Vec::new();
            for chunk in bytes.chunks(piece) {
                decoder.feed(chunk, &mut out).expect("valid frames");
            }
            assert_eq!(out, messages);
            assert_eq!(decoder.pending(), 0);
        }
        assert_eq!(messages[0].header_str(":event-type"), Some("messageStart"));
    }

    #[test]
    fn known_frame_matches_aws_layout() {
        // Prelude of an empty frame: total 16, headers 0, CRC32 of those 8 bytes.
        let frame = encode(&EventMessage {
            headers: vec![],
            payload: vec![],
        });
        assert_eq!(&frame[0..8], &[0, 0, 0, 16, 0, 0, 0, 0]);
        assert_eq!(read_u32(&frame[8..12]), 0x05C2_48EB);
        assert_eq!(read_u32(&frame[12..16]), 0x7D98_C8FF);
    }

    #[test]
    fn corruption_is_detected() {
        let mut frame = encode(&EventMessage::json_event("x", b"{}"));
        let last = frame.len() - 6;
        frame[last] ^= 0xff;
        let mut out = Vec::new();
        assert_eq!(
            EventStreamDecoder::new().feed(&frame, &mut out),
            Err(EventStreamError::MessageCrc)
        );
        let mut frame = encode(&EventMessage::json_event("x", b"{}"));
        frame[9] ^= 1;
        assert_eq!(
            EventStreamDecoder::new().feed(&frame, &mut out),
            Err(EventStreamError::PreludeCrc)
        );
    }
}
