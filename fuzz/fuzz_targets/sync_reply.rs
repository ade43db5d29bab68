//! A phone taking in a sync reply, any bytes: decode (gzip → CBOR → `SyncResponse`), then
//! apply it to a real store — snapshots, changes, erasures, templates. A reply the phone
//! cannot use is an error; nothing may panic.
#![no_main]

use std::cell::RefCell;

use gridkeeper_core::wire::{self, SyncResponse};
use gridkeeper_fuzz::{Phone, as_body};
use libfuzzer_sys::fuzz_target;

thread_local! {
    static PHONE: RefCell<Phone> = RefCell::new(Phone::new());
}

fuzz_target!(|data: &[u8]| {
    let Some(body) = as_body(data) else { return };
    let Ok(reply) = wire::decode::<SyncResponse>(&body, 16 << 20) else {
        return;
    };
    PHONE.with(|phone| {
        let _ = phone.borrow_mut().store.apply_sync_response(&reply);
    });
});
