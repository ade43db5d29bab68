//! The attachment type sniffer, any bytes: a type is named only from the file's own magic
//! numbers, and that type's own media type name is accepted as its declaration.
#![no_main]

use gridkeeper_core::blob_type::{MediaType, declared_matches, sniff};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(kind) = sniff(data) {
        assert!(declared_matches(kind.as_str(), kind));
        assert_eq!(MediaType::parse(kind.as_str()), Some(kind));
    }
});
