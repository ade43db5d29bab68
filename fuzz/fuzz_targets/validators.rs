//! The ID-number and phone validators, any text: what they accept, in its normalized form,
//! is accepted again unchanged (a stored value stays valid when read back and re-checked).
#![no_main]

use chrono::NaiveDate;
use gridkeeper_core::validate::{id_number, phone};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
    if let Ok(id) = id_number::parse("id_number", text, today) {
        let again = id_number::parse("id_number", &id.normalized, today).unwrap();
        assert_eq!(again.normalized, id.normalized);
        assert_eq!(again.birth_date, id.birth_date);
        assert!(id.birth_date <= today);
    }
    if let Ok(m) = phone::mobile("phone", text) {
        assert_eq!(phone::mobile("phone", &m).ok().as_deref(), Some(m.as_str()));
    }
    if let Ok(c) = phone::contact("phone", text) {
        assert_eq!(
            phone::contact("phone", &c).ok().as_deref(),
            Some(c.as_str())
        );
    }
});
