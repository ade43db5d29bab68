//! The checklist expression parser (XLSForm `relevant` and `constraint`), any text: what it
//! accepts, written back out in its plain form, parses to the same thing.
#![no_main]

use gridkeeper_core::checklist::fuzzing::{bounds, relevant};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(expr) = std::str::from_utf8(data) else {
        return;
    };
    if let Some((item, value)) = relevant(expr) {
        let quote = if value.contains('\'') { '"' } else { '\'' };
        let plain = format!("${{{item}}} = {quote}{value}{quote}");
        assert_eq!(relevant(&plain), Some((item, value)), "{plain}");
    }
    if let Some(parsed) = bounds(expr) {
        let plain = parsed
            .iter()
            .map(|(op, n)| format!(". {op} {n}"))
            .collect::<Vec<_>>()
            .join(" and ");
        assert_eq!(bounds(&plain), Some(parsed), "{plain}");
    }
});
