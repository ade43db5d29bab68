//! Reading the CSV files offices upload (a grid tree, a batch of work orders): RFC 4180
//! quoting, CRLF or LF line ends, a UTF-8 byte-order mark allowed, and each record with the
//! line it starts on, so a refusal can name the line a person sees in their editor.

/// The records of `text`, each with its first line; `Err(line)` for a quote left open.
pub fn records(text: &str) -> Result<Vec<(usize, Vec<String>)>, usize> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    let mut line = 1;
    let mut chars = text.chars().peekable();
    while chars.peek().is_some() {
        let start = line;
        let mut fields = vec![String::new()];
        let mut quoted = false;
        while let Some(c) = chars.next() {
            match (quoted, c) {
                (true, '"') if chars.peek() == Some(&'"') => {
                    chars.next();
                    push(&mut fields, '"');
                }
                (true, '"') => quoted = false,
                (true, c) => {
                    if c == '\n' {
                        line += 1;
                    }
                    push(&mut fields, c);
                }
                (false, '"') if fields.last().is_some_and(String::is_empty) => quoted = true,
                (false, ',') => fields.push(String::new()),
                (false, '\r') if chars.peek() == Some(&'\n') => {}
                (false, '\n') => break,
                (false, c) => push(&mut fields, c),
            }
        }
        if quoted {
            return Err(start);
        }
        line += 1;
        out.push((start, fields));
    }
    Ok(out)
}

fn push(fields: &mut [String], c: char) {
    if let Some(f) = fields.last_mut() {
        f.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_line_ends_and_the_line_each_record_starts_on() {
        let text = "\u{feff}a,b\r\n\"x, \"\"y\"\"\",\"two\nlines\"\nlast,\n";
        assert_eq!(
            records(text),
            Ok(vec![
                (1, vec!["a".into(), "b".into()]),
                (2, vec!["x, \"y\"".into(), "two\nlines".into()]),
                (4, vec!["last".into(), String::new()]),
            ])
        );
        assert_eq!(records("a\n\"open,b\n"), Err(2));
    }
}
