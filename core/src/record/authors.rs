//! How many devices wrote a saved document, read from its header without loading it.
//!
//! A bootstrap stores thousands of documents unread, and reading each one for conflicts was
//! most of a cheap phone's bootstrap. A document written under one actor cannot hold a
//! conflict: an actor's changes each depend on its previous one, so its history is a single
//! line and no two values of a field are concurrent. Nor can it hold a supervisor's review,
//! which the relay writes under a fresh actor of its own. So only documents with more than
//! one author need reading.
//!
//! Automerge's saved form (its binary format's document chunk) starts with a header — magic
//! bytes, checksum, chunk type, length — then the chunk's table of actors, count first. Only
//! a single, whole document chunk is answered; anything else (changes appended after it, an
//! unknown chunk, bytes that do not parse) is "not known", and the caller reads the document.

/// The first four bytes of every Automerge chunk.
const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
/// The chunk type of a whole document (1 is a change, 2 a compressed change, 3 a bundle).
const DOCUMENT_CHUNK: u8 = 0;

/// Whether `saved` is one document chunk whose table of actors holds exactly one actor.
/// `false` when that cannot be told from the header.
pub fn single_author(saved: &[u8]) -> bool {
    actor_count(saved) == Some(1)
}

/// The number of actors in the table of a saved document that is a single document chunk.
pub fn actor_count(saved: &[u8]) -> Option<u64> {
    let rest = saved.strip_prefix(&MAGIC)?;
    let rest = rest.get(4..)?; // the checksum, which loading verifies
    let (&kind, rest) = rest.split_first()?;
    if kind != DOCUMENT_CHUNK {
        return None;
    }
    let (len, rest) = uleb128(rest)?;
    // Changes saved incrementally after the document would bring their own actors.
    if u64::try_from(rest.len()).ok()? != len {
        return None;
    }
    let (count, _) = uleb128(rest)?;
    Some(count)
}

/// An unsigned LEB128 number and the bytes after it; `None` if it runs off the end or
/// overflows 64 bits.
fn uleb128(bytes: &[u8]) -> Option<(u64, &[u8])> {
    let mut value: u64 = 0;
    for (i, &b) in bytes.iter().enumerate().take(10) {
        let low = u64::from(b & 0x7f);
        let shift = 7 * i as u32;
        if shift == 63 && low > 1 {
            return None;
        }
        value |= low << shift;
        if b & 0x80 == 0 {
            return Some((value, &bytes[i + 1..]));
        }
    }
    None
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // test documents built here, not outside data
mod tests {
    use super::*;
    use automerge::{ActorId, AutoCommit, ROOT, transaction::Transactable};

    fn doc_by(actor: u8) -> AutoCommit {
        let mut doc = AutoCommit::new().with_actor(ActorId::from(vec![actor; 16]));
        doc.put(ROOT, "head", "张三").unwrap();
        doc.put(ROOT, "phone", "1").unwrap();
        doc
    }

    #[test]
    fn one_device_many_edits_is_one_author() {
        let mut doc = doc_by(1);
        for i in 0..50 {
            doc.put(ROOT, "visits", i as i64).unwrap();
            doc.commit();
        }
        assert_eq!(actor_count(&doc.save()), Some(1));
        assert!(single_author(&doc.save()));
    }

    #[test]
    fn a_second_device_is_seen_with_or_without_a_conflict() {
        let mut a = doc_by(1);
        let mut b = a.fork().with_actor(ActorId::from(vec![2; 16]));
        b.put(ROOT, "phone", "2").unwrap();
        let mut c = a.fork().with_actor(ActorId::from(vec![3; 16]));
        c.put(ROOT, "phone", "3").unwrap();
        a.merge(&mut b).unwrap();
        assert_eq!(actor_count(&a.save()), Some(2));
        assert!(crate::record::conflicts::list(&mut a).is_empty());
        a.merge(&mut c).unwrap();
        assert!(!crate::record::conflicts::list(&mut a).is_empty());
        assert_eq!(actor_count(&a.save()), Some(3));
        assert!(!single_author(&a.save()));
    }

    #[test]
    fn anything_but_one_whole_document_chunk_is_not_known() {
        let mut doc = doc_by(1);
        let saved = doc.save();
        // Changes appended after the document, as an incremental save writes them.
        doc.put(ROOT, "head", "李四").unwrap();
        let mut appended = saved.clone();
        appended.extend(doc.save_incremental());
        assert_eq!(actor_count(&appended), None);
        // A lone change chunk.
        let mut fresh = doc_by(3);
        let change = fresh
            .get_changes(&[])
            .first()
            .map(|c| c.raw_bytes().to_vec())
            .unwrap();
        assert_eq!(actor_count(&change), None);
        // Truncated, empty, garbage, and a length that overflows.
        assert_eq!(actor_count(&saved[..saved.len() - 1]), None);
        assert_eq!(actor_count(&saved[..6]), None);
        assert_eq!(actor_count(&[]), None);
        assert_eq!(actor_count(b"not a document at all"), None);
        let mut huge = MAGIC.to_vec();
        huge.extend([0, 0, 0, 0, DOCUMENT_CHUNK]);
        huge.extend([0xff; 11]);
        assert_eq!(actor_count(&huge), None);
    }

    #[test]
    fn uleb128_reads_multi_byte_numbers() {
        assert_eq!(uleb128(&[0x00]), Some((0, &[][..])));
        assert_eq!(uleb128(&[0xe5, 0x8e, 0x26, 9]), Some((624_485, &[9u8][..])));
        assert_eq!(uleb128(&[0x80]), None);
    }
}
