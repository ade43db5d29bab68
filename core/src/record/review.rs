//! A supervisor's review of a record (审核): checked, or sent back to the worker with a note
//! ("ID number missing for member 2"). Written by the relay into the record's document, at
//! the root beside the envelope, so it travels in the grid's feed like any edit and merges
//! like one (two supervisors reviewing at once: one review wins, the same on every phone).
//!
//! It lives outside `data` on purpose: a kind's fields are what the worker records, checked
//! by the kind's rules; a review is about them. An app from before reviews reads the
//! envelope and `data` only, so it passes the key on untouched.

use automerge::{
    AutoCommit, ObjType, ROOT, ReadDoc, ScalarValue, Value, transaction::Transactable,
};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

const KEY: &str = "review";

/// The longest note a supervisor may leave.
pub const MAX_NOTE_CHARS: usize = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewState {
    /// Looked at and found in order.
    Checked,
    /// Sent back: the worker has something to put right.
    Returned,
}

impl ReviewState {
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewState::Checked => "checked",
            ReviewState::Returned => "returned",
        }
    }

    pub fn parse(s: &str) -> Option<ReviewState> {
        match s {
            "checked" => Some(ReviewState::Checked),
            "returned" => Some(ReviewState::Returned),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub state: ReviewState,
    /// What to put right (required when returned), or a remark.
    pub note: String,
    /// The supervisor's name as signed in.
    pub by: String,
    /// When (RFC 3339, the relay's clock).
    pub at: String,
}

/// The record's latest review, if it has one.
pub fn read(doc: &AutoCommit) -> Option<Review> {
    let (Value::Object(ObjType::Map), obj) = doc.get(ROOT, KEY).ok().flatten()? else {
        return None;
    };
    let text = |key: &str| match doc.get(&obj, key).ok().flatten() {
        Some((Value::Scalar(s), _)) => match s.as_ref() {
            ScalarValue::Str(s) => Some(s.to_string()),
            _ => None,
        },
        _ => None,
    };
    Some(Review {
        state: ReviewState::parse(&text("state")?)?,
        note: text("note").unwrap_or_default(),
        by: text("by").unwrap_or_default(),
        at: text("at").unwrap_or_default(),
    })
}

/// Writes `review` as the record's review, replacing any before it (not committed).
pub fn write(doc: &mut AutoCommit, review: &Review) -> Result<()> {
    let err = |e: automerge::AutomergeError| Error::Document {
        id: "review".into(),
        reason: e.to_string(),
    };
    let obj = doc.put_object(ROOT, KEY, ObjType::Map).map_err(err)?;
    doc.put(&obj, "state", review.state.as_str()).map_err(err)?;
    doc.put(&obj, "note", review.note.as_str()).map_err(err)?;
    doc.put(&obj, "by", review.by.as_str()).map_err(err)?;
    doc.put(&obj, "at", review.at.as_str()).map_err(err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_review_reads_back_and_the_latest_replaces_the_one_before() -> Result<()> {
        let mut doc = AutoCommit::new();
        assert_eq!(read(&doc), None);
        let returned = Review {
            state: ReviewState::Returned,
            note: "第2位成员缺身份证号".into(),
            by: "李主任".into(),
            at: "2026-12-07T08:00:00Z".into(),
        };
        write(&mut doc, &returned)?;
        doc.commit();
        assert_eq!(read(&doc), Some(returned));
        let checked = Review {
            state: ReviewState::Checked,
            note: String::new(),
            by: "李主任".into(),
            at: "2026-12-08T08:00:00Z".into(),
        };
        write(&mut doc, &checked)?;
        doc.commit();
        assert_eq!(read(&doc), Some(checked));
        Ok(())
    }

    #[test]
    fn an_unknown_state_is_no_review() -> Result<()> {
        let mut doc = AutoCommit::new();
        let obj = doc
            .put_object(ROOT, KEY, ObjType::Map)
            .map_err(|e| Error::Document {
                id: "t".into(),
                reason: e.to_string(),
            })?;
        doc.put(&obj, "state", "approved_twice")
            .map_err(|e| Error::Document {
                id: "t".into(),
                reason: e.to_string(),
            })?;
        assert_eq!(read(&doc), None);
        Ok(())
    }
}
