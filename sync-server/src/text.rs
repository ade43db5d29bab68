//! Free text that people type into the relay's requests: names, reasons and notes.
//!
//! The length is counted as sent, before trimming. The OpenAPI description gives each field a
//! `maxLength`, and a client (or schemathesis) reads that as a rule on the bytes it sends; a
//! 66-character name that trims to 63 must be refused, not quietly stored.

/// The text trimmed, if it was at most `max` characters as sent. May be empty: whether a field
/// may be left blank is the caller's rule.
pub fn within(raw: &str, max: usize) -> Option<&str> {
    (raw.chars().count() <= max).then(|| raw.trim())
}

/// A name on one line: at most `max` characters as sent, not blank, no control characters
/// (a user, grid or party name is printed in lists, ledgers and the audit log).
pub fn name(raw: &str, max: usize) -> Option<&str> {
    within(raw, max).filter(|n| !n.is_empty() && !n.chars().any(char::is_control))
}

/// A required reason or note: at most `max` characters as sent and not blank. Line breaks are
/// kept; a note may run to several lines.
pub fn required(raw: &str, max: usize) -> Option<&str> {
    within(raw, max).filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_is_counted_before_trimming() {
        let padded = format!(" \r{} ", "名".repeat(63));
        assert_eq!(within(&padded, 64), None);
        assert_eq!(within(&padded, 66), Some("名".repeat(63).as_str()));
    }

    #[test]
    fn names_refuse_blanks_and_control_characters() {
        assert_eq!(name("  王芳 ", 64), Some("王芳"));
        assert_eq!(name("   ", 64), None);
        assert_eq!(name("a\u{3}b", 64), None);
        assert_eq!(name("a\nb", 64), None);
    }

    #[test]
    fn notes_keep_line_breaks_but_not_blanks() {
        assert_eq!(
            required("line one\nline two", 100),
            Some("line one\nline two")
        );
        assert_eq!(required(" \n ", 100), None);
        assert_eq!(within(" \n ", 100), Some(""));
    }
}
