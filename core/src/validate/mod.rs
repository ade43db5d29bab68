//! Validation at the boundary: every value a person types or a device sends is checked here
//! before it reaches a document. Errors name the field path and the rule, never the value.

pub mod id_number;
pub mod phone;

use crate::error::Invalid;

/// Trims a required text field; empty after trimming is an error naming the field.
pub fn required(field: &str, value: &str) -> Result<String, Invalid> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(Invalid::new(field, "is required"));
    }
    Ok(trimmed.to_string())
}

/// Trims free text and caps its length so one field cannot bloat every device's copy.
pub fn text(field: &str, value: &str, max_chars: usize) -> Result<String, Invalid> {
    let trimmed = value.trim();
    if trimmed.chars().count() > max_chars {
        return Err(Invalid::new(
            field,
            format!("is longer than {max_chars} characters"),
        ));
    }
    Ok(trimmed.to_string())
}

/// A required name of a person (a member, a party): trimmed, at most `max_chars` characters,
/// and free of control characters.
pub fn name(field: &str, value: &str, max_chars: usize) -> Result<String, Invalid> {
    let value = required(field, value)?;
    person(field, &value, max_chars)
}

/// A person field that may be empty (the responsible person, the worker, the inspector):
/// trimmed, capped, and free of control characters. A NUL or an escape sequence pasted into
/// a name would show up on every device, in every list and export, and break what is printed;
/// a tab or line break inside a name is refused too (at either end they are trimmed away as
/// stray whitespace). The value is never echoed in the error.
pub fn person(field: &str, value: &str, max_chars: usize) -> Result<String, Invalid> {
    let value = text(field, value, max_chars)?;
    no_controls(field, &value)?;
    Ok(value)
}

/// Refuses control characters (C0, DEL, C1 — NUL, tab, line break, escape …) in a value that
/// is kept as it is, such as a name in an append-only case timeline.
pub fn no_controls(field: &str, value: &str) -> Result<(), Invalid> {
    if value.chars().any(char::is_control) {
        return Err(Invalid::new(
            field,
            "must not contain control characters (NUL, tab, line break and the like)",
        ));
    }
    Ok(())
}

/// What a Chinese input method types for a number, folded to what the number is: full-width
/// forms (U+FF01–FF5E: `１２３`, `Ｘ`, `ｘ`, `＋`, `－`) become their ASCII twins, and every
/// space is dropped — ASCII spaces and tabs, the ideographic space U+3000, NBSP, line breaks —
/// along with the invisible zero-width characters a copy from a chat message brings along.
/// For ID and phone numbers only: no digit of them is ever a space, so grouping spaces carry
/// nothing.
pub(crate) fn compact_number(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '\u{200b}' | '\u{2060}' | '\u{feff}'))
        .map(|c| match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_number_folds_full_width_forms_and_drops_every_space() {
        assert_eq!(
            compact_number("\u{3000}１１０１０５\u{a0}１９４９\t1231 002ｘ\u{200b}"),
            "11010519491231002x"
        );
        assert_eq!(compact_number("＋８６ １３８－００１３"), "+86138-0013");
    }

    #[test]
    fn person_fields_refuse_control_characters_without_echoing_them() {
        assert_eq!(
            name("members[0].name", "\u{3000}张三\t", 50),
            Ok("张三".to_string())
        );
        for bad in ["张\u{0}三", "张\u{1b}[31m三", "张\t三", "张\u{85}三"] {
            let err = name("members[0].name", bad, 50).err();
            assert_eq!(err.map(|e| e.field), Some("members[0].name".to_string()));
        }
        assert!(person("responsible", "", 50).is_ok());
    }
}
