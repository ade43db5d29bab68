//! Why the relay refused a change or an attachment, in an administrator's words: the codes of
//! `/v1/sync` and of the blob upload, as a rescue import counts them. The phone says the
//! same refusals to its worker in its own words (`core::store::refusals`), with what to do.

/// A change's refusal code in words; a code this build does not know is "other reasons".
pub fn change(code: &str, zh: bool) -> &'static str {
    let (c, e) = match code {
        "grid_mismatch" => ("记录不属于所报网格", "record in another grid"),
        "out_of_scope" => ("超出该网格员的负责范围", "outside the worker's area"),
        "record_erased" => ("记录已按个人信息保护删除", "record erased (PIPL)"),
        "record_moved" => ("记录已迁到其他网格", "record moved to another grid"),
        "not_permitted" => ("手机不能新建任务", "a task made on a phone"),
        "reused_seq" => (
            "手机从备份恢复后重复的修改",
            "repeated after the phone was restored",
        ),
        "actor_mismatch" | "invalid_actor" | "actor_taken" => {
            ("不是该手机身份写的修改", "not written as this phone")
        }
        "missing_dependencies" => ("缺少此前的修改", "earlier edits missing"),
        "kind_mismatch" | "wrong_record" | "bad_envelope" | "bad_change" | "malformed_change"
        | "unknown_kind" | "invalid_record_id" | "duplicate_record" => (
            "修改无法读取或与记录对不上",
            "unreadable or not matching the record",
        ),
        "stored_document_damaged" => ("服务器上的记录副本损坏", "server's copy damaged"),
        _ => ("其他原因", "other reasons"),
    };
    if zh { c } else { e }
}

/// An attachment's refusal code in words.
pub fn attachment(code: &str, zh: bool) -> &'static str {
    let (c, e) = match code {
        "too_large" => ("文件过大", "too large"),
        "hash_mismatch" | "invalid_hash" => ("内容与校验值不符", "content does not match its hash"),
        "unsupported_media_type" => ("不支持的文件类型", "unsupported file type"),
        "media_type_mismatch" => ("文件类型与所报不符", "file type not as declared"),
        "missing_record" | "not_found" => {
            ("所属记录不在服务器上", "its record is not on the server")
        }
        "record_erased" => (
            "所属记录已按个人信息保护删除",
            "its record was erased (PIPL)",
        ),
        "forbidden" => ("超出该网格员的负责范围", "outside the worker's area"),
        _ => ("其他原因", "other reasons"),
    };
    if zh { c } else { e }
}

/// Counts by code as `words × n`, codes with the same words added together.
pub fn counted(
    by_code: &std::collections::BTreeMap<String, usize>,
    words: fn(&str, bool) -> &'static str,
    zh: bool,
) -> String {
    let mut by_words: Vec<(&'static str, usize)> = Vec::new();
    for (code, n) in by_code {
        let w = words(code, zh);
        match by_words.iter_mut().find(|(seen, _)| *seen == w) {
            Some((_, total)) => *total += n,
            None => by_words.push((w, *n)),
        }
    }
    let sep = if zh { "，" } else { ", " };
    by_words
        .iter()
        .map(|(w, n)| format!("{w} × {n}"))
        .collect::<Vec<_>>()
        .join(sep)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn codes_with_the_same_words_are_counted_together() {
        let m: BTreeMap<String, usize> = [
            ("bad_change".to_string(), 1),
            ("malformed_change".to_string(), 2),
            ("out_of_scope".to_string(), 3),
            ("from_a_newer_relay".to_string(), 1),
        ]
        .into();
        assert_eq!(
            counted(&m, change, true),
            "修改无法读取或与记录对不上 × 3，其他原因 × 1，超出该网格员的负责范围 × 3"
        );
        assert_eq!(
            counted(&m, change, false),
            "unreadable or not matching the record × 3, other reasons × 1, outside the worker's area × 3"
        );
        let blobs: BTreeMap<String, usize> = [("hash_mismatch".to_string(), 2)].into();
        assert_eq!(counted(&blobs, attachment, true), "内容与校验值不符 × 2");
    }
}
