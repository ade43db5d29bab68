//! Pinyin search keys: every Chinese phone app lets you type `zs` or `zhangs` to find 张三,
//! and grid workers expect the same. For each name we index its initials (`zs`) and its full
//! spelling (`zhangsan`); a query matches a key it is a prefix of. Polyphonic characters
//! (单 shan/dan, 曾 zeng/ceng) contribute each reading, up to a bound on combinations.

use pinyin::ToPinyinMulti;

/// Readings kept per character and keys kept per name: bounds the index for long names full
/// of polyphones while covering the surnames that matter.
const READINGS_PER_CHAR: usize = 3;
const MAX_KEYS: usize = 16;

/// The set of lower-case ASCII keys for one name: initials and full spellings.
pub fn keys(name: &str) -> Vec<String> {
    // Each position: its possible spellings (ASCII letters of a Latin name count as themselves).
    let mut positions: Vec<Vec<&'static str>> = Vec::new();
    let mut latin: Vec<String> = Vec::new();
    for ch in name.chars() {
        if let Some(multi) = ch.to_pinyin_multi() {
            let mut readings: Vec<&'static str> = multi.into_iter().map(|p| p.plain()).collect();
            readings.dedup();
            readings.truncate(READINGS_PER_CHAR);
            positions.push(readings);
        } else if ch.is_ascii_alphanumeric() {
            latin.push(ch.to_ascii_lowercase().to_string());
        }
    }
    let mut out: Vec<String> = Vec::new();
    if !latin.is_empty() && positions.is_empty() {
        out.push(latin.concat());
    }
    if positions.is_empty() {
        return out;
    }
    let mut full: Vec<String> = vec![String::new()];
    let mut initials: Vec<String> = vec![String::new()];
    for readings in &positions {
        full = extend(&full, readings.iter().map(|r| r.to_string()));
        initials = extend(
            &initials,
            readings.iter().filter_map(|r| r.get(..1)).map(String::from),
        );
    }
    out.extend(initials);
    out.extend(full);
    out.sort();
    out.dedup();
    out
}

fn extend(prefixes: &[String], options: impl Iterator<Item = String> + Clone) -> Vec<String> {
    let mut next = Vec::new();
    for p in prefixes {
        for o in options.clone() {
            if next.len() >= MAX_KEYS {
                return next;
            }
            next.push(format!("{p}{o}"));
        }
    }
    next.sort();
    next.dedup();
    next
}

/// Whether a query should be tried against pinyin keys: ASCII letters only.
pub fn is_pinyin_query(q: &str) -> bool {
    !q.is_empty() && q.chars().all(|c| c.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_and_full_spelling() {
        let k = keys("张三");
        assert!(k.contains(&"zs".to_string()), "{k:?}");
        assert!(k.contains(&"zhangsan".to_string()), "{k:?}");
    }

    #[test]
    fn polyphonic_surname_has_both_readings() {
        let k = keys("曾国");
        assert!(k.iter().any(|s| s.starts_with("zeng")), "{k:?}");
        assert!(k.iter().any(|s| s.starts_with("ceng")), "{k:?}");
    }

    #[test]
    fn latin_names_are_their_own_key() {
        assert_eq!(keys("Anna"), vec!["anna".to_string()]);
    }
}
