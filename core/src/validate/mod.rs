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
