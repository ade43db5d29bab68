//! Shared helpers for core's integration tests: real SQLite files in a temporary directory.

#![allow(dead_code)]

use gridkeeper_core::Store;
use serde_json::{Value, json};

pub fn store(dir: &tempfile::TempDir, name: &str) -> Store {
    Store::init(dir.path().join(format!("{name}.db")), Some(name))
        .unwrap_or_else(|e| panic!("init {name}: {e}"))
}

/// A valid 18-digit ID number for a birth date and sequence (check digit computed).
pub fn id_number(region: &str, birth: &str, seq: u32) -> String {
    let first17 = format!("{region}{birth}{seq:03}");
    let check = gridkeeper_core::validate::id_number::check_char(first17.as_bytes()).unwrap_or('?');
    format!("{first17}{check}")
}

pub fn household(
    building: &str,
    room: &str,
    members: &[(&str, Option<String>, Option<&str>)],
) -> Value {
    let members: Vec<Value> = members
        .iter()
        .map(|(name, id, phone)| {
            let mut m = json!({"name": name});
            if let Some(id) = id {
                m["id_number"] = json!(id);
            }
            if let Some(p) = phone {
                m["phone"] = json!(p);
            }
            m
        })
        .collect();
    json!({
        "address": {"community": "幸福社区", "compound": "幸福里", "building": building, "unit": "1", "room": room},
        "housing_type": "owner_occupied",
        "members": members,
    })
}

/// Two devices trade every change they hold, as two phones do through any number of syncs.
pub fn exchange(a: &mut Store, b: &mut Store) {
    let from_a = a.changes(None).unwrap_or_else(|e| panic!("{e}"));
    let from_b = b.changes(None).unwrap_or_else(|e| panic!("{e}"));
    b.apply_changes(&from_a).unwrap_or_else(|e| panic!("{e}"));
    a.apply_changes(&from_b).unwrap_or_else(|e| panic!("{e}"));
}
