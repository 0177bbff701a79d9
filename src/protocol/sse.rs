//! Incremental Server-Sent Events decoder: bytes in any split → events (WHATWG rules: LF, CRLF or CR line
//! ends, `:` comments, multi-line `data`, one optional space after the colon, a blank line dispatches).

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SseEvent {
    /// The `event:` field, if any.
    pub event: Option<String>,
    /// The `data:` lines joined with `\n`.
    pub data: String,
    pub id: Option<String>,
}

#[derive(Debug, Default)]
pub struct SseDecoder {
    buffer: Vec<u8>,
    /// The previous chunk ended in CR: a leading LF in the next one belongs to that line end.
    after_cr: bool,
    started: bool,
    event: Option<String>,
    data: String,
    has_data: bool,
    id: Option<String>,
}

impl SseDecoder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds a chunk; complete events are appended to `out`.
    pub fn feed(&mut self, chunk: &[u8], out: &mut Vec<SseEvent>) {
        let mut chunk = chunk;
        if self.after_cr && chunk.first() == Some(&b'\n') {
            chunk = &chunk[1..];
        }
        self.after_cr = false;
        let mut start = 0;
        while let Some(offset) = memchr::memchr2(b'\n', b'\r', &chunk[start..]) {
            let line_end = start + offset;
            let mut next = line_end + 1;
            if chunk[line_end] == b'\r' {
                if next == chunk.len() {
                    self.after_cr = true;
                } else if chunk[next] == b'\n' {
                    next += 1;
                }
            }
            if self.buffer.is_empty() {
                self.process_line(&chunk[start..line_end], out);
            } else {
                let mut line = std::mem::take(&mut self.buffer);
                line.extend_from_slice(&chunk[start..line_end]);
                self.process_line(&line, out);
                // Keep the allocation for the next line that spans chunks.
                line.clear();
                self.buffer = line;
            }
            start = next;
        }
        self.buffer.extend_from_slice(&chunk[start..]);
    }

    /// Call at end of input: a last event without its blank line is still dispatched (lenient).
    pub fn finish(&mut self, out: &mut Vec<SseEvent>) {
        if !self.buffer.is_empty() {
            let line = std::mem::take(&mut self.buffer);
            self.process_line(&line, out);
        }
        self.dispatch(out);
    }

    fn process_line(&mut self, mut line: &[u8], out: &mut Vec<SseEvent>) {
        if !self.started {
            self.started = true;
            if let Some(rest) = line.strip_prefix(b"\xEF\xBB\xBF") {
                line = rest;
            }
        }
        if line.is_empty() {
            self.dispatch(out);
            return;
        }
        if line[0] == b':' {
            return;
        }
        let (field, value) = match line.iter().position(|b| *b == b':') {
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &b""[..]),
        };
        // Valid UTF-8 (the norm) is borrowed after the fast check; only broken bytes take the lossy path.
        let value = match std::str::from_utf8(value) {
            Ok(text) => std::borrow::Cow::Borrowed(text),
            Err(_) => String::from_utf8_lossy(value),
        };
        match field {
            b"data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(&value);
                self.has_data = true;
            }
            b"event" => self.event = Some(value.into_owned()),
            b"id" => self.id = Some(value.into_owned()),
            _ => {}
        }
    }

    fn dispatch(&mut self, out: &mut Vec<SseEvent>) {
        let event = self.event.take();
        if !self.has_data {
            return;
        }
        self.has_data = false;
        out.push(SseEvent {
            event,
            data: std::mem::take(&mut self.data),
            id: self.id.clone(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_in_pieces(input: &[u8], piece: usize) -> Vec<SseEvent> {
        let mut decoder = SseDecoder::new();
        let mut out = Vec::new();
        for chunk in input.chunks(piece) {
            decoder.feed(chunk, &mut out);
        }
        decoder.finish(&mut out);
        out
    }

    #[test]
    fn any_split_gives_the_same_events() {
        let input = "\u{feff}: comment\r\nevent: message_start\r\ndata: {\"a\":1}\r\n\r\n\
                     data: line one\ndata:line two\n\n\
                     event: ping\rdata: x\r\r\
                     id: 7\ndata: é🙂\n\n";
        let expected = decode_in_pieces(input.as_bytes(), input.len());
        assert_eq!(
            expected,
            vec![
                SseEvent {
                    event: Some("message_start".into()),
                    data: "{\"a\":1}".into(),
                    id: None
                },
                SseEvent {
                    event: None,
                    data: "line one\nline two".into(),
                    id: None
                },
                SseEvent {
                    event: Some("ping".into()),
                    data: "x".into(),
                    id: None
                },
                SseEvent {
                    event: None,
                    data: "é🙂".into(),
                    id: Some("7".into())
                },
            ]
        );
        for piece in 1..input.len() {
            assert_eq!(
                decode_in_pieces(input.as_bytes(), piece),
                expected,
                "piece size {piece}"
            );
        }
    }

    #[test]
    fn events_without_data_are_not_dispatched_and_trailing_event_is_flushed() {
        let events = decode_in_pieces(b"event: a\n\n: keepalive\n\ndata: [DONE]", 3);
        assert_eq!(
            events,
            vec![SseEvent {
                event: None,
                data: "[DONE]".into(),
                id: None
            }]
        );
    }

    #[test]
    fn empty_data_line_dispatches_an_empty_event() {
        let events = decode_in_pieces(b"data\n\ndata:\n\n", 1);
        assert_eq!(events.len(), 2);
        assert!(events.iter().all(|e| e.data.is_empty()));
    }
}
