//! Any bytes on stdin, through the whole server (framing, envelope, params, handlers): the
//! reader reaches the end, and everything written is well-framed JSON-RPC with no handler panic.

#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if common::is_unsafe_to_fuzz(data) {
        return;
    }
    common::harness().run(data);
});
