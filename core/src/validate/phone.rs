//! Phone numbers: mainland mobiles (11 digits, 13x–19x), optionally written with +86, spaces
//! or dashes; and, for a place's contact, landlines with an area code.

use crate::error::Invalid;

fn digits_only(raw: &str) -> String {
    let mut s: String = raw
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')'))
        .collect();
    if let Some(rest) = s.strip_prefix("+86") {
        s = rest.to_string();
    } else if s.len() == 13 && s.starts_with("86") {
        s = s[2..].to_string();
    }
    s
}

/// A mainland mobile number, normalized to its 11 digits.
pub fn mobile(field: &str, raw: &str) -> Result<String, Invalid> {
    let s = digits_only(raw);
    if !s.chars().all(|c| c.is_ascii_digit()) {
        return Err(Invalid::new(field, "a mobile number has digits only"));
    }
    if s.len() != 11 {
        return Err(Invalid::new(
            field,
            format!("a mobile number has 11 digits, got {}", s.len()),
        ));
    }
    let b = s.as_bytes();
    if b[0] != b'1' || !(b'3'..=b'9').contains(&b[1]) {
        return Err(Invalid::new(
            field,
            "a mainland mobile number starts with 13–19",
        ));
    }
    Ok(s)
}

/// A mobile number, or a landline with its area code (`021-63211234`, kept with one dash).
pub fn contact(field: &str, raw: &str) -> Result<String, Invalid> {
    let s = digits_only(raw);
    if s.starts_with('1') {
        return mobile(field, raw);
    }
    let ok =
        s.starts_with('0') && s.chars().all(|c| c.is_ascii_digit()) && (10..=12).contains(&s.len());
    if !ok {
        return Err(Invalid::new(
            field,
            "not a mobile number or a landline with area code",
        ));
    }
    // Two- and three-digit area codes: 010 and 02x are three characters with the 0, others four.
    let area = if s.starts_with("01") || s.starts_with("02") {
        3
    } else {
        4
    };
    Ok(format!("{}-{}", &s[..area], &s[area..]))
}
