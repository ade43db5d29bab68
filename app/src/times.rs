//! Times as a worker reads them: stored in UTC, shown in China's time (UTC+8, no summer time).

use chrono::{DateTime, FixedOffset, Offset, Utc};

fn china() -> FixedOffset {
    // Eight hours is within FixedOffset's range, so the fallback is never taken.
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| Utc.fix())
}

/// `2026-11-29 14:30` for an RFC 3339 time; the text itself when it is not one.
pub fn local(rfc3339: &str) -> String {
    match DateTime::parse_from_rfc3339(rfc3339) {
        Ok(t) => t
            .with_timezone(&china())
            .format("%Y-%m-%d %H:%M")
            .to_string(),
        Err(_) => rfc3339.to_string(),
    }
}

/// The same for seconds since the Unix epoch (an Automerge change's time).
pub fn local_secs(secs: i64) -> String {
    match DateTime::from_timestamp(secs, 0) {
        Some(t) => t
            .with_timezone(&china())
            .format("%Y-%m-%d %H:%M")
            .to_string(),
        None => String::new(),
    }
}

/// `YYYY-MM-DD` in China's time for Unix seconds: the day a new form opens on. Empty for a
/// time outside chrono's range, which no phone's clock gives.
pub fn china_date(at: i64) -> String {
    match DateTime::from_timestamp(at, 0) {
        Some(t) => t.with_timezone(&china()).format("%Y-%m-%d").to_string(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_is_shown_in_china_time() {
        assert_eq!(local("2026-11-29T06:30:00Z"), "2026-11-29 14:30");
        assert_eq!(local("2026-11-29T18:30:00+00:00"), "2026-11-30 02:30");
        assert_eq!(local_secs(0), "1970-01-01 08:00");
    }
}
