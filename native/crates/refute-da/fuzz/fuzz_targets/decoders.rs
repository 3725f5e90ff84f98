//! Every refute-da decoder on arbitrary bytes: it may reject, never panic, hang or
//! allocate past its cap. The first byte picks the layer so one corpus covers all.
#![no_main]

use libfuzzer_sys::fuzz_target;
use refute_da::{batch, blob, compress, eigenda, frame, wire};

/// A small cap so an allocation bug shows up as an out-of-memory report at once.
const MAX_OUTPUT: usize = 1 << 20;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    match selector % 7 {
        0 => {
            // OP blob v0: a full blob is 131072 bytes; pad the input to that size too.
            let _ = blob::decode(rest);
            let mut full = rest.to_vec();
            full.resize(131072, 0);
            if let Ok(payload) = blob::decode(&full) {
                let again = blob::encode(&payload).expect("a decoded payload re-encodes");
                assert_eq!(blob::decode(&again).expect("round trip"), payload);
            }
        }
        1 => {
            if let Ok(payload) = eigenda::decode(rest) {
                let again = eigenda::encode(&payload).expect("a decoded payload re-encodes");
                assert_eq!(eigenda::decode(&again).expect("round trip"), payload);
            }
        }
        2 => {
            if let Ok(frames) = frame::parse_frames(rest) {
                assert_eq!(frame::parse_frames(&frame::encode_frames(&frames)).expect("round trip"), frames);
            }
        }
        3 => {
            if let Ok(out) = compress::decompress(rest, MAX_OUTPUT, true) {
                assert!(out.data.len() <= MAX_OUTPUT);
            }
        }
        4 => {
            let _ = batch::read_batches(rest, true, true);
        }
        5 => {
            let _ = batch::decode_batch(rest, 0);
        }
        _ => {
            let _ = wire::run_request(rest);
        }
    }
});
