//! `gk merge FILE` of a change file carried on a USB stick, any bytes: decode the file, then
//! apply its changes to a real store. A file that is not one is an error; nothing may panic.
#![no_main]

use std::cell::RefCell;

use gridkeeper_core::exchange::ChangeSet;
use gridkeeper_fuzz::Phone;
use libfuzzer_sys::fuzz_target;

thread_local! {
    static PHONE: RefCell<Phone> = RefCell::new(Phone::new());
}

fuzz_target!(|data: &[u8]| {
    let Ok(set) = ChangeSet::decode(data) else {
        return;
    };
    PHONE.with(|phone| {
        let _ = phone.borrow_mut().store.apply_changes(&set);
    });
});
