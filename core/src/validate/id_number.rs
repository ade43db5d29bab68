//! Resident ID numbers (居民身份证号码) per GB 11643-1999: 6-digit region code, 8-digit birth
//! date, 3-digit sequence (odd = male), and an ISO 7064 MOD 11-2 check character. First
//! generation 15-digit numbers are still seen on old paperwork: accepted, expanded and flagged.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::Invalid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Male,
    Female,
}

/// What an ID number tells once it is known to be valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdNumber {
    /// 18 characters, check character upper-case; a 15-digit number is kept as given.
    pub normalized: String,
    pub birth_date: NaiveDate,
    pub gender: Gender,
    /// A first-generation 15-digit number: the person should be asked for their current card.
    pub legacy: bool,
}

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// The ISO 7064 MOD 11-2 check character for the first 17 digits.
pub fn check_char(first17: &[u8]) -> Option<char> {
    if first17.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (byte, weight) in first17.iter().zip(WEIGHTS) {
        let digit = char::from(*byte).to_digit(10)?;
        sum += digit * weight;
    }
    Some(CHECK_CHARS[(sum % 11) as usize])
}

/// Parses and checks an ID number; `field` is the path used in the error.
/// `today` bounds the birth date so a number cannot claim a birth in the future.
///
/// The number is first folded the way a worker typed it: full-width digits and `Ｘ`/`ｘ` from a
/// Chinese input method become ASCII, every space (ASCII, tab, NBSP, the ideographic space
/// U+3000) is dropped — a card is often read out and typed in groups — and the check character
/// is upper-cased. That folded form is what `normalized` holds and what gets stored.
pub fn parse(field: &str, raw: &str, today: NaiveDate) -> Result<IdNumber, Invalid> {
    let value = super::compact_number(raw).to_ascii_uppercase();
    // Characters, not bytes: a worker counts what they see on the card.
    match value.chars().count() {
        18 => {
            let bytes = value.as_bytes();
            if !value.chars().take(17).all(|c| c.is_ascii_digit()) {
                return Err(Invalid::new(
                    field,
                    "the first 17 characters must be digits",
                ));
            }
            // The first 17 are ASCII, so the last character starts at byte 17.
            let last = value[17..].chars().next().unwrap_or_default();
            if !(last.is_ascii_digit() || last == 'X') {
                return Err(Invalid::new(
                    field,
                    "the last character must be a digit or X",
                ));
            }
            check_region(field, bytes)?;
            let birth_date = birth(field, &value[6..10], &value[10..12], &value[12..14], today)?;
            let expected = check_char(&bytes[..17]);
            if expected != Some(last) {
                return Err(Invalid::new(field, "check digit does not match (typo?)"));
            }
            Ok(IdNumber {
                gender: gender_of(bytes[16]),
                normalized: value,
                birth_date,
                legacy: false,
            })
        }
        15 => {
            if !value.chars().all(|c| c.is_ascii_digit()) {
                return Err(Invalid::new(
                    field,
                    "a 15-digit ID number must be all digits",
                ));
            }
            let bytes = value.as_bytes();
            check_region(field, bytes)?;
            let year = format!("19{}", &value[6..8]);
            let birth_date = birth(field, &year, &value[8..10], &value[10..12], today)?;
            Ok(IdNumber {
                gender: gender_of(bytes[14]),
                normalized: value,
                birth_date,
                legacy: true,
            })
        }
        n => Err(Invalid::new(
            field,
            format!("must be 18 characters (or a legacy 15-digit number), got {n}"),
        )),
    }
}

fn check_region(field: &str, bytes: &[u8]) -> Result<(), Invalid> {
    // Province codes run from 11 (Beijing) to 91; a leading 0 is never issued.
    if bytes[0] == b'0' || bytes[0] == b'1' && bytes[1] == b'0' {
        return Err(Invalid::new(field, "region code is not a valid province"));
    }
    Ok(())
}

fn birth(
    field: &str,
    year: &str,
    month: &str,
    day: &str,
    today: NaiveDate,
) -> Result<NaiveDate, Invalid> {
    let bad = || Invalid::new(field, "birth date in the number is not a real date");
    let y: i32 = year.parse().map_err(|_| bad())?;
    let m: u32 = month.parse().map_err(|_| bad())?;
    let d: u32 = day.parse().map_err(|_| bad())?;
    let date = NaiveDate::from_ymd_opt(y, m, d).ok_or_else(bad)?;
    if date > today {
        return Err(Invalid::new(
            field,
            "birth date in the number is in the future",
        ));
    }
    if date.year() < 1880 {
        return Err(Invalid::new(
            field,
            "birth date in the number is before 1880",
        ));
    }
    Ok(date)
}

fn gender_of(digit: u8) -> Gender {
    if (digit - b'0') % 2 == 1 {
        Gender::Male
    } else {
        Gender::Female
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap_or_default()
    }

    #[test]
    fn check_char_matches_the_standard_example() {
        // The worked example printed in GB 11643-1999, appendix A.
        assert_eq!(check_char(b"11010519491231002"), Some('X'));
    }

    #[test]
    fn derives_birth_date_and_gender() {
        let id =
            parse("id_number", "11010519491231002x", today()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(id.normalized, "11010519491231002X");
        assert_eq!(
            id.birth_date,
            NaiveDate::from_ymd_opt(1949, 12, 31).unwrap_or_default()
        );
        assert_eq!(id.gender, Gender::Female);
        assert!(!id.legacy);
    }

    #[test]
    fn full_width_and_spaced_numbers_are_folded_before_checking() {
        let typed = "\u{3000}１１０１０５ １９４９１２３１\u{a0}００２ｘ\t";
        let id = parse("id_number", typed, today()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(id.normalized, "11010519491231002X");
        // 17 full-width digits are 51 bytes: the message counts the 17 characters.
        let short = "１".repeat(17);
        let err = parse("id_number", &short, today()).err();
        assert_eq!(
            err.map(|e| e.reason),
            Some("must be 18 characters (or a legacy 15-digit number), got 17".to_string())
        );
    }

    #[test]
    fn eighteen_characters_that_are_not_ascii_are_refused_by_rule() {
        let err = parse("id_number", "一二三四五六七八九十一二三四五六七八", today()).err();
        assert_eq!(
            err.map(|e| e.reason),
            Some("the first 17 characters must be digits".to_string())
        );
        let err = parse("id_number", "11010519491231002甲", today()).err();
        assert_eq!(
            err.map(|e| e.reason),
            Some("the last character must be a digit or X".to_string())
        );
    }
}
