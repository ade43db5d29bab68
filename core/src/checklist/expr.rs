//! The few XLSForm expressions a checklist can hold: simple conditions (`relevant`) and
//! numeric bounds (`constraint`). Anything richer is rejected, for the importer to report.

/// A relevant expression of one of the two supported forms: `${item} = 'value'` or
/// `selected(${item}, 'value')`. Returns `(item, value)`, or `None` for any other form.
pub(crate) fn parse_relevant(expr: &str) -> Option<(String, String)> {
    let expr = expr.trim();
    if let Some(args) = strip_call(expr, "selected") {
        let (reference, literal) = args.split_once(',')?;
        return Some((parse_ref(reference)?, parse_quoted(literal)?));
    }
    let (lhs, rhs) = expr.split_once('=')?;
    let item = parse_ref(lhs)?;
    let rhs = rhs.trim();
    let value = parse_quoted(rhs).or_else(|| {
        rhs.parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .map(|_| rhs.to_owned())
    })?;
    Some((item, value))
}

/// `name( … )` → the text between the parentheses.
fn strip_call<'a>(expr: &'a str, name: &str) -> Option<&'a str> {
    let rest = expr.strip_prefix(name)?.trim_start();
    rest.strip_prefix('(')?.strip_suffix(')')
}

/// `${name}`, alone (surrounding spaces aside).
fn parse_ref(s: &str) -> Option<String> {
    let name = s.trim().strip_prefix("${")?.strip_suffix('}')?;
    super::template::is_identifier(name).then(|| name.to_owned())
}

/// `'text'` or `"text"`, with no quote of the same kind inside.
fn parse_quoted(s: &str) -> Option<String> {
    let s = s.trim();
    for quote in ['\'', '"'] {
        if let Some(inner) = s.strip_prefix(quote).and_then(|r| r.strip_suffix(quote))
            && !inner.contains(quote)
        {
            return Some(inner.to_owned());
        }
    }
    None
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Bound {
    AtLeast(f64),
    Above(f64),
    AtMost(f64),
    Below(f64),
}

/// A constraint made only of numeric bounds on `.`, joined by `and`: `. >= 0 and . <= 100`,
/// `. > 0`, `.<=5`. `None` for any other form.
pub(crate) fn parse_bounds(expr: &str) -> Option<Vec<Bound>> {
    let words: Vec<&str> = expr.split_whitespace().collect();
    let normalised = words.join(" ");
    let mut bounds = Vec::new();
    for clause in normalised.split(" and ") {
        let rest = clause.trim().strip_prefix('.')?.trim_start();
        let (make, number): (fn(f64) -> Bound, &str) = if let Some(n) = rest.strip_prefix(">=") {
            (Bound::AtLeast, n)
        } else if let Some(n) = rest.strip_prefix("<=") {
            (Bound::AtMost, n)
        } else if let Some(n) = rest.strip_prefix('>') {
            (Bound::Above, n)
        } else if let Some(n) = rest.strip_prefix('<') {
            (Bound::Below, n)
        } else {
            return None;
        };
        let n: f64 = number.trim().parse().ok().filter(|n: &f64| n.is_finite())?;
        bounds.push(make(n));
    }
    (!bounds.is_empty()).then_some(bounds)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(s: &str) -> Option<(String, String)> {
        parse_relevant(s)
    }

    fn pair(a: &str, b: &str) -> Option<(String, String)> {
        Some((a.to_owned(), b.to_owned()))
    }

    #[test]
    fn simple_relevant_forms() {
        assert_eq!(rel("${a} = 'yes'"), pair("a", "yes"));
        assert_eq!(rel("  ${has_gas}='fail' "), pair("has_gas", "fail"));
        assert_eq!(rel("${a} = \"x y\""), pair("a", "x y"));
        assert_eq!(rel("${count} = 3"), pair("count", "3"));
        assert_eq!(rel("selected(${kinds}, 'lpg')"), pair("kinds", "lpg"));
        assert_eq!(rel("selected( ${kinds} ,\"lpg\" )"), pair("kinds", "lpg"));
    }

    #[test]
    fn other_relevant_forms_are_refused() {
        for s in [
            "${a} > 3 and ${b} = 'x'",
            "${a} != 'x'",
            "${a} >= 3",
            "${a} = 'x' or ${a} = 'y'",
            "not(selected(${a}, 'x'))",
            "selected(${a}, 'x') and ${b} = 'y'",
            "${a} = 'it's'",
            "${a} = ${b}",
            "${a.b} = 'x'",
            "'x' = ${a}",
            "${a} = x",
            "",
        ] {
            assert_eq!(rel(s), None, "{s}");
        }
    }

    #[test]
    fn numeric_bounds() {
        use Bound::*;
        assert_eq!(
            parse_bounds(". >= 0 and . <= 100"),
            Some(vec![AtLeast(0.0), AtMost(100.0)])
        );
        assert_eq!(parse_bounds(". > 0"), Some(vec![Above(0.0)]));
        assert_eq!(parse_bounds(".<=5"), Some(vec![AtMost(5.0)]));
        assert_eq!(parse_bounds(".  < -1.5"), Some(vec![Below(-1.5)]));
        for s in [
            ". = 3",
            ". >= 0 or . <= 5",
            "regex(., '^[0-9]+$')",
            ". >= ${other}",
            "${x} > 3",
            ". >= 0 and",
            "",
        ] {
            assert_eq!(parse_bounds(s), None, "{s}");
        }
    }
}
