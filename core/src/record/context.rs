//! What a kind's `prepare` may consult besides the value itself: the clock, who is signed in,
//! and the community's configured policies. Passed in, never read from globals, so tests pin
//! the clock and the same input always prepares the same way.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use std::sync::Arc;

use crate::checklist::Templates;
use crate::policy::Policies;

#[derive(Debug, Clone)]
pub struct Context {
    pub now: DateTime<Utc>,
    pub user: Option<String>,
    pub policies: Policies,
    /// Checklist templates installed on this device, by (id, version).
    pub templates: Arc<Templates>,
}

impl Context {
    pub fn new(now: DateTime<Utc>, user: Option<String>, policies: Policies) -> Self {
        Context {
            now,
            user,
            policies,
            templates: Arc::default(),
        }
    }

    /// Today in the product's default zone (Asia/Shanghai, UTC+8, no daylight saving).
    pub fn today(&self) -> NaiveDate {
        (self.now + Duration::hours(8)).date_naive()
    }

    pub fn now_text(&self) -> String {
        self.now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    }
}

impl Default for Context {
    fn default() -> Self {
        Context::new(Utc::now(), None, Policies::default())
    }
}
