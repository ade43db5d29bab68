//! Change sets: a record's Automerge changes grouped by record, and a small binary file form
//! (`gk changes` / `gk merge`) so two stores can exchange work before any server exists.
//!
//! File layout (all integers little-endian u32):
//! `GKCHG1` · records · for each: id length · id · change count · for each: length · bytes.

use crate::error::{Error, Result};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordChanges {
    pub record_id: String,
    pub changes: Vec<Vec<u8>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeSet {
    pub records: Vec<RecordChanges>,
}

const MAGIC: &[u8] = b"GKCHG1";
/// A change larger than this is not something a worker typed: refuse it before allocating.
const MAX_CHANGE: usize = 64 << 20;

impl ChangeSet {
    pub fn change_count(&self) -> usize {
        self.records.iter().map(|r| r.changes.len()).sum()
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        put_u32(&mut out, self.records.len());
        for r in &self.records {
            put_u32(&mut out, r.record_id.len());
            out.extend_from_slice(r.record_id.as_bytes());
            put_u32(&mut out, r.changes.len());
            for c in &r.changes {
                put_u32(&mut out, c.len());
                out.extend_from_slice(c);
            }
        }
        out
    }

    pub fn decode(bytes: &[u8]) -> Result<ChangeSet> {
        let mut r = Reader { bytes, pos: 0 };
        if r.take(MAGIC.len())? != MAGIC {
            return Err(Error::BadChanges("not a Gridkeeper change file".into()));
        }
        let n = r.u32()?;
        let mut records = Vec::new();
        for _ in 0..n {
            let len = r.u32()?;
            let id = String::from_utf8(r.take(len)?.to_vec())
                .map_err(|_| Error::BadChanges("record id is not UTF-8".into()))?;
            let count = r.u32()?;
            let mut changes = Vec::new();
            for _ in 0..count {
                let len = r.u32()?;
                if len > MAX_CHANGE {
                    return Err(Error::BadChanges(format!(
                        "a change of {len} bytes is too large"
                    )));
                }
                changes.push(r.take(len)?.to_vec());
            }
            records.push(RecordChanges {
                record_id: id,
                changes,
            });
        }
        if r.pos != bytes.len() {
            return Err(Error::BadChanges(
                "trailing bytes after the last record".into(),
            ));
        }
        Ok(ChangeSet { records })
    }

    pub fn is_change_file(bytes: &[u8]) -> bool {
        bytes.starts_with(MAGIC)
    }
}

fn put_u32(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(&(n as u32).to_le_bytes());
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8]> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|e| *e <= self.bytes.len())
            .ok_or_else(|| Error::BadChanges(format!("truncated at byte {}", self.pos)))?;
        let s = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn u32(&mut self) -> Result<usize> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_truncation() {
        let set = ChangeSet {
            records: vec![RecordChanges {
                record_id: "a".into(),
                changes: vec![vec![1, 2, 3], vec![]],
            }],
        };
        let bytes = set.encode();
        assert_eq!(ChangeSet::decode(&bytes).ok(), Some(set));
        for cut in 0..bytes.len() {
            assert!(ChangeSet::decode(&bytes[..cut]).is_err(), "cut at {cut}");
        }
    }
}
