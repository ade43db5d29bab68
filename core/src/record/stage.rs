//! Writing new field values into a record's document: the kind's rules for edits first,
//! then validation, then fields a newer app wrote put back, then the differences written —
//! uncommitted. The store does this for a phone's edits; the relay for the edits it writes
//! for a person (a case dispatched to a handling party from the supervisor pages).

use automerge::{AutoCommit, ROOT, transaction::Transactable};
use serde_json::Value as Json;

use super::{Context, Envelope, json_doc, read_data};
use crate::error::{Error, Invalid, Result};
use crate::ids::RecordId;

fn doc_err(id: RecordId) -> impl Fn(automerge::AutomergeError) -> Error {
    move |e| Error::Document {
        id: id.to_string(),
        reason: e.to_string(),
    }
}

/// Validates new field values and writes their differences into a loaded document,
/// uncommitted; returns the prepared value.
pub fn stage_fields(
    doc: &mut AutoCommit,
    env: &Envelope,
    data: Json,
    ctx: &Context,
) -> Result<Json> {
    let id = env.id;
    let ops = env.kind.ops();
    // Rules about what may change come first: "this cannot be changed" says more than a
    // validation error inside the change would.
    if ops.checks_edits() {
        let old = ops.load(env, read_data(doc))?;
        ops.check_edit(old, data.clone(), ctx)?;
    }
    let mut data = ops.prepare(data, ctx)?;
    // Fields a newer app wrote stay: the diff below would otherwise delete them.
    let unknown = ops.unknown(read_data(doc));
    if !unknown.is_empty() {
        unknown.restore(&mut data);
    }
    let Json::Object(map) = &data else {
        return Err(Invalid::new("data", "must be an object").into());
    };
    let data_obj = match automerge::ReadDoc::get(&*doc, ROOT, "data") {
        Ok(Some((automerge::Value::Object(_), obj))) => obj,
        _ => doc
            .put_object(ROOT, "data", automerge::ObjType::Map)
            .map_err(doc_err(id))?,
    };
    json_doc::write_map(doc, &data_obj, map, "", ops.text_fields()).map_err(doc_err(id))?;
    if env.schema_version < ops.schema_version() {
        doc.put(
            ROOT,
            "schema_version",
            automerge::ScalarValue::Uint(ops.schema_version()),
        )
        .map_err(doc_err(id))?;
    }
    Ok(data)
}
