//! Fields from a newer app. Phones update on their own schedule, so a record may carry
//! fields this version's kind does not know (a newer phone marked a member as moved out, say).
//! Reading such a record must not fail, and an edit made here must not drop them: typed
//! reading sets them aside, and a write puts them back where they were before the diff is
//! written, so the document keeps them and passes them on untouched.
//!
//! Input from a person (`create_json`, a patch) is still checked strictly: a field unknown in
//! what someone typed is a mistake to name, not data to keep.

use serde::de::DeserializeOwned;
use serde_json::Value as Json;
use serde_path_to_error::Segment;

use crate::error::Invalid;

/// One step from the fields' root to an unknown field. List items are found again by their
/// `id` after an edit (which may have moved or removed them), by position otherwise.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(String),
    Item(String),
    Index(usize),
}

/// The fields set aside while reading, with where each was.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Unknown(Vec<(Vec<Step>, String, Json)>);

/// More unknown fields than any real schema change adds: past this, the data is not a newer
/// version of the kind but something else, and is refused as such.
const MOST: usize = 64;

impl Unknown {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Puts the set-aside fields back into `data` (the new value of the same record) where
    /// their parent still exists and the field was not set meanwhile.
    pub fn restore(&self, data: &mut Json) {
        for (steps, key, value) in &self.0 {
            if let Some(Json::Object(parent)) = walk(data, steps) {
                parent.entry(key.clone()).or_insert_with(|| value.clone());
            }
        }
    }
}

/// Reads a kind's fields, setting aside fields it does not know instead of failing on them.
/// Any other mismatch (a wrong type, a missing required field) is still an error.
pub fn read_lenient<T: DeserializeOwned>(mut data: Json) -> Result<(T, Unknown), Invalid> {
    let mut unknown = Unknown::default();
    loop {
        let err = match serde_path_to_error::deserialize::<_, T>(data.clone()) {
            Ok(typed) => return Ok((typed, unknown)),
            Err(e) => e,
        };
        let is_unknown = err.inner().to_string().starts_with("unknown field ");
        let segments: Vec<Segment> = err.path().iter().cloned().collect();
        let set_aside =
            is_unknown && unknown.0.len() < MOST && take(&mut data, &segments, &mut unknown);
        if !set_aside {
            // The strict reader names the field and the rule, never the value.
            return super::from_json(data).map(|typed| (typed, unknown));
        }
    }
}

/// Removes the field at `segments` from `data`, recording it; false when the path does not
/// lead to an object's key (then the error is not about an unknown field after all).
fn take(data: &mut Json, segments: &[Segment], unknown: &mut Unknown) -> bool {
    let Some((Segment::Map { key }, parents)) = segments.split_last() else {
        return false;
    };
    let mut steps = Vec::with_capacity(parents.len());
    let mut here = &mut *data;
    for segment in parents {
        here = match (segment, here) {
            (Segment::Map { key }, Json::Object(map)) => {
                steps.push(Step::Key(key.clone()));
                match map.get_mut(key) {
                    Some(next) => next,
                    None => return false,
                }
            }
            (Segment::Seq { index }, Json::Array(items)) => {
                let Some(item) = items.get_mut(*index) else {
                    return false;
                };
                steps.push(match item.get("id").and_then(Json::as_str) {
                    Some(id) if !id.is_empty() => Step::Item(id.to_string()),
                    _ => Step::Index(*index),
                });
                item
            }
            _ => return false,
        };
    }
    let Json::Object(map) = here else {
        return false;
    };
    match map.remove(key) {
        Some(value) => {
            unknown.0.push((steps, key.clone(), value));
            true
        }
        None => false,
    }
}

fn walk<'a>(data: &'a mut Json, steps: &[Step]) -> Option<&'a mut Json> {
    let mut here = data;
    for step in steps {
        here = match (step, here) {
            (Step::Key(k), Json::Object(map)) => map.get_mut(k)?,
            (Step::Item(id), Json::Array(items)) => items
                .iter_mut()
                .find(|i| i.get("id").and_then(Json::as_str) == Some(id.as_str()))?,
            (Step::Index(i), Json::Array(items)) => items.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(here)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::kinds::Household;
    use serde_json::json;

    #[test]
    fn unknown_fields_are_set_aside_and_put_back_where_they_were() {
        let stored = json!({
            "address": {"building": "1", "room": "101", "plot": "A-3"},
            "members": [
                {"id": "m1", "name": "赵敏", "left_school": true},
                {"id": "m2", "name": "周芷若", "photo": {"hash": "ab"}}
            ],
            "energy_label": "B"
        });
        let (typed, unknown): (Household, Unknown) = read_lenient(stored).unwrap();
        assert_eq!(typed.members.len(), 2);
        assert_eq!(unknown.0.len(), 4);

        // An edit made without knowing them: the members swapped places, one renamed.
        let mut edited = typed.clone();
        edited.members.swap(0, 1);
        edited.members[1].name = "赵敏敏".into();
        let mut json = serde_json::to_value(&edited).unwrap();
        unknown.restore(&mut json);
        assert_eq!(json["energy_label"], "B");
        assert_eq!(json["address"]["plot"], "A-3");
        assert_eq!(json["members"][1]["id"], "m1");
        assert_eq!(
            json["members"][1]["left_school"], true,
            "found by id after a move"
        );
        assert_eq!(json["members"][0]["photo"]["hash"], "ab");
    }

    #[test]
    fn a_wrong_type_is_still_an_error_and_names_the_field() {
        let stored =
            json!({"address": {"building": "1", "room": "101"}, "members": "many", "x": 1});
        let err = read_lenient::<Household>(stored).unwrap_err();
        assert_eq!(err.field, "members");
    }

    #[test]
    fn an_item_removed_by_the_edit_takes_its_unknown_fields_with_it() {
        let stored = json!({
            "address": {"building": "1", "room": "101"},
            "members": [{"id": "m1", "name": "赵敏", "extra": 1}]
        });
        let (mut typed, unknown): (Household, Unknown) = read_lenient(stored).unwrap();
        typed.members.clear();
        let mut json = serde_json::to_value(&typed).unwrap();
        unknown.restore(&mut json);
        assert_eq!(json["members"], json!([]));
    }
}
