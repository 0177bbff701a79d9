//! openai_responses (in progress)

use super::{PartCollector, StreamParser, WireEvent, parse_json, pass_raw};

#[derive(Debug, Default)]
pub struct ResponsesParser;

impl StreamParser for ResponsesParser {
    fn on_event(&mut self, event: &WireEvent, out: &mut PartCollector) {
        if let Some(value) = parse_json(event, out) {
            pass_raw(&value, out);
        }
    }
    fn close(&mut self, _complete: bool, _out: &mut PartCollector) {}
    fn is_complete(&self) -> bool {
        true
    }
}
