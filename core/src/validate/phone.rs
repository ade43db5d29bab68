//! Phone numbers: mainland mobiles (11 digits, 13x–19x), optionally written with +86, spaces
//! or dashes; and, for a place's contact, landlines with an area code.
//!
//! What is stored is the number a grid office dials and writes on its forms: the 11 digits of
//! a mobile, or `0` + area code, a dash, the local number for a landline. So the ways a worker
//! types or pastes a number are folded away first — full-width digits from a Chinese input
//! method, spaces of any kind (ASCII, NBSP, the ideographic U+3000), grouping dashes
//! (`138-0013-8000`, `138 0013 8000`) and brackets around an area code. A leading `+86`,
//! `0086` or `86` (as a phone's contact list or a WeChat card shows a number) is the mainland's
//! own country code and is dropped, so one person is not stored as two numbers; any other
//! country code is refused, because the rest of the rules are mainland rules.

use crate::error::Invalid;

/// What people group a number with besides spaces: dashes (ASCII, hyphen, non-breaking hyphen,
/// figure, en and em dash; the full-width `－` is already `-` after `compact_number`), dots, and
/// brackets around an area code or country code.
fn is_separator(c: char) -> bool {
    matches!(
        c,
        '-' | '(' | ')' | '.' | '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}'
    )
}

/// The digits of a number and whether it carried the mainland country code.
fn digits_only(raw: &str) -> (String, bool) {
    let s: String = super::compact_number(raw)
        .chars()
        .filter(|c| !is_separator(*c))
        .collect();
    if let Some(rest) = s.strip_prefix("+86").or_else(|| s.strip_prefix("0086")) {
        (rest.to_string(), true)
    } else if s.chars().count() == 13 && s.starts_with("861") {
        (s[2..].to_string(), true)
    } else {
        (s, false)
    }
}

/// A mainland mobile number, normalized to its 11 digits.
pub fn mobile(field: &str, raw: &str) -> Result<String, Invalid> {
    let (s, _) = digits_only(raw);
    if !s.chars().all(|c| c.is_ascii_digit()) {
        return Err(Invalid::new(field, "a mobile number has digits only"));
    }
    let n = s.chars().count();
    if n != 11 {
        return Err(Invalid::new(
            field,
            format!("a mobile number has 11 digits, got {n}"),
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
    let (mut s, international) = digits_only(raw);
    if s.starts_with('1') {
        return mobile(field, raw);
    }
    // Dialled from abroad a landline loses its trunk 0 (+86 21 6321 1234): put it back.
    if international && !s.starts_with('0') {
        s.insert(0, '0');
    }
    // `00` opens an international number, never an area code: what is left after the
    // mainland's own `0086` must not start with it (`0086 0086 …` read as area code `0086`
    // was stored, then refused when the record was next checked — found by fuzz/validators).
    let ok = s.starts_with('0')
        && !s.starts_with("00")
        && s.chars().all(|c| c.is_ascii_digit())
        && (10..=12).contains(&s.len());
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ways_a_mobile_is_typed_fold_to_its_eleven_digits() {
        for typed in [
            "13800138000",
            "138-0013-8000",
            "138 0013 8000",
            "１３８\u{3000}００１３\u{3000}８０００",
            "\u{a0}138\t0013 8000 ",
            "+86 138 0013 8000",
            "＋８６－１３８－００１３－８０００",
            "0086 13800138000",
            "8613800138000",
            "(+86) 138—0013—8000",
        ] {
            assert_eq!(
                mobile("phone", typed),
                Ok("13800138000".to_string()),
                "{typed:?}"
            );
        }
    }

    #[test]
    fn landlines_keep_their_area_code_and_refuse_other_countries() {
        assert_eq!(
            contact("contact", "(021) 6321 1234"),
            Ok("021-63211234".to_string())
        );
        assert_eq!(
            contact("contact", "+86 21 6321 1234"),
            Ok("021-63211234".to_string())
        );
        assert_eq!(
            contact("contact", "０７５５－８８８８８８８８"),
            Ok("0755-88888888".to_string())
        );
        assert!(contact("contact", "+1 415 555 0100").is_err());
        assert!(mobile("phone", "+852 9123 4567").is_err());
    }

    /// Found by fuzz/validators: a doubled country code was taken as area code `0086` and
    /// stored, then refused when the stored value was checked again.
    #[test]
    fn what_a_contact_is_stored_as_is_accepted_again() {
        assert!(contact("contact", "00860086010-1123").is_err());
        for typed in [
            "(021) 6321 1234",
            "+86 21 6321 1234",
            "0571-87654321",
            "13800138000",
        ] {
            let stored = contact("contact", typed).unwrap_or_else(|e| panic!("{typed}: {e}"));
            assert_eq!(contact("contact", &stored), Ok(stored.clone()), "{typed}");
        }
    }
}
