//! The record kinds. Each is a typed struct with its rules ([`RecordKind`]); [`Kind`] names
//! them at run time, and [`KindOps`] lets the store handle any kind by name (the terminal
//! client's `add KIND --json`, merging remote changes, rebuilding projections).

pub mod activity;
pub mod address;
pub mod case;
pub mod case_flow;
pub mod common;
pub mod diary;
pub mod household;
pub mod inspection;
pub mod mediation;
pub mod place;
pub mod task;
pub mod visit;

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use serde_json::Value as Json;

use crate::error::{Invalid, Result};
use crate::record::unknown::{self, Unknown};
use crate::record::{self, Context, Envelope, RecordKind, SearchEntry};

pub use activity::Activity;
pub use case::Case;
pub use diary::Diary;
pub use household::Household;
pub use inspection::Inspection;
pub use mediation::Mediation;
pub use place::Place;
pub use task::Task;
pub use visit::Visit;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Household,
    Place,
    Visit,
    Inspection,
    Case,
    Mediation,
    Activity,
    Task,
    Diary,
}

impl Kind {
    pub const ALL: [Kind; 9] = [
        Kind::Household,
        Kind::Place,
        Kind::Visit,
        Kind::Inspection,
        Kind::Case,
        Kind::Mediation,
        Kind::Activity,
        Kind::Task,
        Kind::Diary,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Household => "household",
            Kind::Place => "place",
            Kind::Visit => "visit",
            Kind::Inspection => "inspection",
            Kind::Case => "case",
            Kind::Mediation => "mediation",
            Kind::Activity => "activity",
            Kind::Task => "task",
            Kind::Diary => "diary",
        }
    }

    pub fn ops(self) -> &'static dyn KindOps {
        match self {
            Kind::Household => &Ops::<Household>(PhantomData),
            Kind::Place => &Ops::<Place>(PhantomData),
            Kind::Visit => &Ops::<Visit>(PhantomData),
            Kind::Inspection => &Ops::<Inspection>(PhantomData),
            Kind::Case => &Ops::<Case>(PhantomData),
            Kind::Mediation => &Ops::<Mediation>(PhantomData),
            Kind::Activity => &Ops::<Activity>(PhantomData),
            Kind::Task => &Ops::<Task>(PhantomData),
            Kind::Diary => &Ops::<Diary>(PhantomData),
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Kind {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                Invalid::new(
                    "kind",
                    "must be one of: household, place, visit, inspection, case, mediation, activity, task, diary",
                )
            })
    }
}

/// A kind's rules, reachable by name. Implemented once, generically, for every [`RecordKind`].
pub trait KindOps: Send + Sync {
    fn schema_version(&self) -> u64;
    fn tables(&self) -> &'static [&'static str];
    fn checks_edits(&self) -> bool;
    fn text_fields(&self) -> &'static [&'static str];
    /// Validates and normalizes the kind's fields given as JSON.
    fn prepare(&self, data: Json, ctx: &Context) -> Result<Json>;
    /// Upgrades (if needed) and checks fields read from a document; fields from a newer
    /// app are left out (the document keeps them).
    fn load(&self, env: &Envelope, data: Json) -> Result<Json>;
    /// The fields of a document's data this version does not know, to put back on a write.
    fn unknown(&self, data: Json) -> Unknown;
    fn mask(&self, data: Json) -> Result<Json>;
    /// Checks an edit against the value before it (append-only timelines).
    fn check_edit(&self, old: Json, new: Json, ctx: &Context) -> Result<()>;
    /// Values computed from the fields (a case's state), shown beside them.
    fn derived(&self, data: Json, ctx: &Context) -> Result<Json>;
    fn project(
        &self,
        env: &Envelope,
        data: Json,
        tx: &rusqlite::Transaction<'_>,
    ) -> Result<SearchEntry>;
}

struct Ops<T>(PhantomData<fn() -> T>);

impl<T: RecordKind> KindOps for Ops<T> {
    fn schema_version(&self) -> u64 {
        T::SCHEMA_VERSION
    }

    fn tables(&self) -> &'static [&'static str] {
        T::TABLES
    }

    fn checks_edits(&self) -> bool {
        T::CHECKS_EDITS
    }

    fn text_fields(&self) -> &'static [&'static str] {
        T::TEXT_FIELDS
    }

    fn prepare(&self, data: Json, ctx: &Context) -> Result<Json> {
        record::prepare_json::<T>(data, ctx).map(|(_, json)| json)
    }

    fn load(&self, env: &Envelope, mut data: Json) -> Result<Json> {
        if env.schema_version < T::SCHEMA_VERSION {
            T::upgrade(env.schema_version, &mut data);
        }
        let (typed, _): (T, _) =
            unknown::read_lenient(data).map_err(|e| crate::Error::Document {
                id: env.id.to_string(),
                reason: e.to_string(),
            })?;
        Ok(serde_json::to_value(&typed).unwrap_or_default())
    }

    fn unknown(&self, data: Json) -> Unknown {
        unknown::read_lenient::<T>(data)
            .map(|(_, u)| u)
            .unwrap_or_default()
    }

    fn mask(&self, data: Json) -> Result<Json> {
        let mut typed: T = record::from_json(data)?;
        typed.mask();
        Ok(serde_json::to_value(&typed).unwrap_or_default())
    }

    fn check_edit(&self, old: Json, new: Json, ctx: &Context) -> Result<()> {
        let old: T = record::from_json(old)?;
        let new: T = record::from_json(new)?;
        Ok(T::check_edit(&old, &new, ctx)?)
    }

    fn derived(&self, data: Json, ctx: &Context) -> Result<Json> {
        let typed: T = record::from_json(data)?;
        Ok(typed.derived(ctx))
    }

    fn project(
        &self,
        env: &Envelope,
        data: Json,
        tx: &rusqlite::Transaction<'_>,
    ) -> Result<SearchEntry> {
        let (typed, _): (T, _) =
            unknown::read_lenient(data).map_err(|e| crate::Error::Document {
                id: env.id.to_string(),
                reason: e.to_string(),
            })?;
        Ok(typed.project(env, tx)?)
    }
}
