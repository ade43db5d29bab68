//! A phone's `POST /v1/sync`, any bytes: gzip → CBOR → the wire types → the whole-request
//! check (version, ids, kinds, scope, cursors, actors) → change parsing → `materialize::plan`
//! against what the relay holds → storage. Whatever arrives, the relay answers with a
//! status below 500: a refusal, never a crash or a server error.
#![no_main]

use std::sync::OnceLock;

use gridkeeper_fuzz::{Relay, as_body};
use libfuzzer_sys::fuzz_target;

static RELAY: OnceLock<Relay> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let relay = RELAY.get_or_init(Relay::start);
    let Some(body) = as_body(data) else { return };
    let (status, reply) = relay.sync(body);
    assert!(
        status < 500,
        "the relay answered {status}: {}",
        String::from_utf8_lossy(&reply)
    );
});
