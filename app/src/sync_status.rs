//! The sync line every screen shows, and sync on demand. The sync itself runs where the shell
//! runs background work (WorkManager, BGTask, a thread): the screen asks for it with
//! `Effect::StartSync` and hears back through `SyncScreen::finished`. Here too is what a
//! worker far from signal or leaving the phone needs: how old the unsent work is (said plainly
//! after a day, since a background sync the phone maker killed never says so), what a
//! recovered store brought back, a rescue file of the unsent work, and signing out — asked
//! first when anything would stay behind.

use chrono::{DateTime, Utc};
use gridkeeper_core::Store;
use gridkeeper_core::rescue::RescueError;
use gridkeeper_core::store::RECORD_ERASED;
use gridkeeper_core::sync::{Progress, SyncError, SyncSummary};
use serde::Serialize;

use crate::effect::Effect;
use crate::lang::{Lang, error_words, sync_words, t, t1, t2};
use crate::times;

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum SyncEvent {
    Refresh,
    SyncNow,
    Cancel,
    /// The worker has read what a recovered store brought back.
    DismissRecovery,
    /// The worker has read that edits of records an administrator erased could not be kept;
    /// the notices go (they would otherwise count as refused work for ever).
    DismissErasureNotices,
    /// Signs out; asks first when work would stay on the phone unsent.
    SignOut,
    /// The worker answered the question: sign out, the work stays on the phone.
    ConfirmSignOut,
    KeepSignedIn,
    /// Far from signal: write the unsent work to a sealed rescue file at `path`, for USB or
    /// another phone; an administrator imports it as if this phone had synced.
    WriteRescue {
        path: String,
    },
}

/// One record with edits the server refused, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct SyncRefusedLine {
    pub record_id: String,
    pub kind: String,
    pub text: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct SyncView {
    pub enrolled: bool,
    pub running: bool,
    /// `待上传 3 项` / `全部已上传` / `正在同步…`.
    pub pending_text: String,
    pub pending: u64,
    /// `上次同步：2026-11-29 14:30` / `从未同步`.
    pub last_sync_text: String,
    /// What went wrong last, in words; `None` when the last attempt worked.
    pub error: Option<String>,
    /// Edits the server refused for good: never hidden.
    pub refused_text: Option<String>,
    pub refused: Vec<SyncRefusedLine>,
    /// While a sync runs: `正在接收记录 120/1420`, or what went each way so far.
    pub progress_text: Option<String>,
    /// While a grid's records arrive whole (a first sync), how far along, 0–100.
    pub progress_percent: Option<u32>,
    /// `3 项未上传，最早的在 5 小时前`; `None` when everything is sent.
    pub unsynced_text: Option<String>,
    /// Said plainly when work has waited over a day.
    pub overdue_warning: Option<String>,
    /// What opening a damaged store did, until the worker has read it (`DismissRecovery`).
    pub recovery: Option<String>,
    /// Edits lost because an administrator erased their records (PIPL), said once in plain
    /// words until the worker has read it (`DismissErasureNotices`); the records are listed
    /// in `refused` with the same reason.
    pub erasure_notice: Option<String>,
    /// Asked before signing out with unsent work; `None` when not asking.
    pub sign_out_question: Option<String>,
    /// After a sign-out: what became of the work.
    pub signed_out_text: Option<String>,
    /// After writing a rescue file: what it holds and what to do with it.
    pub rescue_text: Option<String>,
}

#[derive(Debug)]
pub struct SyncScreen {
    lang: Lang,
    running: bool,
    failure: Option<String>,
    /// The phone's clock unless a test sets it, to see work age.
    clock: Option<DateTime<Utc>>,
    question: Option<String>,
    rescue_text: Option<String>,
    signed_out_text: Option<String>,
    view: SyncView,
}

impl SyncScreen {
    pub fn new(lang: Lang) -> SyncScreen {
        SyncScreen {
            lang,
            running: false,
            failure: None,
            clock: None,
            question: None,
            rescue_text: None,
            signed_out_text: None,
            view: SyncView::default(),
        }
    }

    /// Reads work age as if it were `now` (tests).
    pub fn at(&mut self, now: DateTime<Utc>) {
        self.clock = Some(now);
    }

    pub fn view(&self) -> &SyncView {
        &self.view
    }

    pub fn update(&mut self, store: &mut Store, event: SyncEvent) -> Vec<Effect> {
        let mut effects = Vec::new();
        match event {
            SyncEvent::Refresh => {}
            SyncEvent::SyncNow if self.running => return effects,
            SyncEvent::SyncNow => {
                self.running = true;
                self.failure = None;
                effects.push(Effect::StartSync);
            }
            SyncEvent::Cancel if self.running => effects.push(Effect::CancelSync),
            SyncEvent::Cancel => {}
            SyncEvent::DismissRecovery => {
                if let Err(e) = store.clear_last_recovery() {
                    self.failure = Some(error_words(&e, self.lang));
                }
            }
            SyncEvent::DismissErasureNotices => {
                if let Err(e) = store.dismiss_erasure_notices() {
                    self.failure = Some(error_words(&e, self.lang));
                }
            }
            SyncEvent::SignOut => match store.unsynced() {
                Ok(u) if u.any() => {
                    self.question = Some(match self.lang {
                        Lang::Zh => u.message_zh(),
                        Lang::En => u.message_en(),
                    })
                }
                Ok(_) => effects.push(Effect::SignOut),
                Err(e) => self.failure = Some(error_words(&e, self.lang)),
            },
            SyncEvent::ConfirmSignOut => {
                self.question = None;
                effects.push(Effect::SignOut);
            }
            SyncEvent::KeepSignedIn => self.question = None,
            SyncEvent::WriteRescue { path } => match store.write_rescue(&path) {
                Ok(sum) => {
                    self.rescue_text = Some(
                        t("sync.rescue_written", self.lang)
                            .replacen("%d", &sum.records.to_string(), 1)
                            .replacen("%d", &sum.changes.to_string(), 1)
                            .replacen("%d", &sum.blobs.to_string(), 1),
                    );
                    effects.push(Effect::ShareRescue { path });
                }
                Err(e) => {
                    self.rescue_text = None;
                    let key = match e {
                        RescueError::NotEnrolled => "sync.not_enrolled",
                        _ => "sync.rescue_failed",
                    };
                    self.failure = Some(t(key, self.lang));
                }
            },
        }
        self.refresh(store);
        effects
    }

    /// What came of `Effect::SignOut`, which the shell performs (it closes the store): whether
    /// the store was removed (all of it on the server) or kept with unsent work.
    pub fn signed_out(&mut self, removed: bool) -> Vec<Effect> {
        let key = if removed {
            "sync.signed_out_removed"
        } else {
            "sync.signed_out_kept"
        };
        self.signed_out_text = Some(t(key, self.lang));
        self.view.signed_out_text = self.signed_out_text.clone();
        self.view.enrolled = false;
        self.view.sign_out_question = None;
        vec![Effect::SignedOut { removed }]
    }

    /// A round of the running sync finished (called from the sync's thread).
    pub fn progress(&mut self, p: &Progress) {
        let lang = self.lang;
        self.view.running = true;
        if p.records_total > 0 && p.records_done < p.records_total {
            let pair = format!("{}/{}", p.records_done, p.records_total);
            self.view.progress_text = Some(t1("sync.receiving", lang, pair));
            self.view.progress_percent = Some((p.records_done * 100 / p.records_total) as u32);
        } else {
            self.view.progress_text = Some(t2(
                "sync.exchanging",
                lang,
                &p.changes_pushed.to_string(),
                &p.changes_pulled.to_string(),
            ));
            self.view.progress_percent = None;
        }
    }

    /// What came of `Effect::StartSync`, from the thread that ran it.
    pub fn finished(
        &mut self,
        store: &Store,
        outcome: Result<SyncSummary, SyncError>,
    ) -> Vec<Effect> {
        let mut effects = Vec::new();
        self.running = false;
        match outcome {
            Ok(summary) => {
                self.failure = None;
                if !summary.changed_records.is_empty() {
                    effects.push(Effect::RecordsChanged {
                        ids: summary.changed_records,
                    });
                }
            }
            Err(e) => self.failure = Some(sync_words(&e, self.lang)),
        }
        self.refresh(store);
        effects
    }

    fn refresh(&mut self, store: &Store) {
        let lang = self.lang;
        let status = match store.sync_status() {
            Ok(s) => s,
            Err(e) => {
                self.view.running = self.running;
                self.view.error = Some(error_words(&e, lang));
                return;
            }
        };
        let pending = status.pending_changes + status.pending_uploads;
        // An error recorded before the last success is history, not the state now; one the
        // successful attempt itself recorded (edits refused) is current: core clears the error
        // on a clean success, and both times are then the same second.
        let error_is_current = match (&status.last_success_at, &status.last_attempt_at) {
            (None, _) => true,
            (Some(ok), Some(tried)) => tried >= ok,
            (Some(_), None) => false,
        };
        let error = if !status.enrolled {
            Some(t("sync.not_enrolled", lang))
        } else if let Some(f) = &self.failure {
            Some(f.clone())
        } else if status.last_error_code.is_some() && error_is_current {
            match lang {
                Lang::Zh => status.last_error_message.clone(),
                Lang::En => None,
            }
            .or_else(|| status.last_error_code.clone())
        } else {
            None
        };
        let now = self.clock.unwrap_or_else(Utc::now);
        let age = status.unsynced_age(now).filter(|_| pending > 0);
        // Edits of erased records are gone from the phone, unlike every other refused edit:
        // they are told apart, so "kept on this phone" is never said of them.
        let erased: u64 = status
            .refused
            .iter()
            .filter(|r| r.code == RECORD_ERASED)
            .map(|r| r.changes)
            .sum();
        let kept = status.refused_changes.saturating_sub(erased);
        let refused: Vec<SyncRefusedLine> = status
            .refused
            .into_iter()
            .map(|r| SyncRefusedLine {
                record_id: r.record_id,
                kind: r.kind,
                text: match lang {
                    Lang::Zh => r.reason_zh,
                    Lang::En => r.reason_en,
                },
            })
            .collect();
        let (progress_text, progress_percent) = if self.running {
            (self.view.progress_text.take(), self.view.progress_percent)
        } else {
            (None, None)
        };
        let recovery = match store.last_recovery() {
            Ok(r) => r.map(|r| match lang {
                Lang::Zh => r.message_zh(),
                Lang::En => r.message_en(),
            }),
            Err(_) => None,
        };
        self.view = SyncView {
            unsynced_text: age.map(|a| {
                if a.hours == 0 {
                    t1("sync.unsynced_fresh", lang, pending)
                } else {
                    t("sync.unsynced_age", lang)
                        .replacen("%d", &pending.to_string(), 1)
                        .replacen("%d", &a.hours.to_string(), 1)
                }
            }),
            overdue_warning: age.filter(|a| a.overdue).map(|_| t("sync.overdue", lang)),
            recovery,
            sign_out_question: self.question.clone(),
            signed_out_text: self.signed_out_text.clone(),
            rescue_text: self.rescue_text.clone(),
            progress_text,
            progress_percent,
            enrolled: status.enrolled,
            running: self.running,
            pending_text: if self.running {
                t("sync.running", lang)
            } else if pending == 0 {
                t("sync.all_sent", lang)
            } else {
                t1("sync.pending", lang, pending)
            },
            pending,
            last_sync_text: status
                .last_success_at
                .map(|at| t1("sync.last", lang, times::local(&at)))
                .unwrap_or_else(|| t("sync.never", lang)),
            error,
            refused_text: (kept > 0).then(|| t1("sync.refused_count", lang, kept)),
            erasure_notice: (erased > 0).then(|| t1("sync.erased_edits", lang, erased)),
            refused,
        };
    }
}
