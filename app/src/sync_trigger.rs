//! When the app syncs by itself. Some phone makers force-stop an app swiped from Recents, so a
//! scheduled background sync may never run: the app also syncs whenever it is in front of the
//! worker — on start, on resume, after a save, when a connection comes back. The shells only
//! report these moments here and do what comes back.
//!
//! - Nothing without a connection or while a sync runs (the running one takes what is queued).
//! - Start and a connection coming back: always.
//! - Resume: when work is waiting, or the last sync this process started is `resume_after_ms`
//!   old — coming back from the camera must not sync every time.
//! - Save: when work is waiting; saves within `debounce_ms` of the last start are gathered
//!   into one sync, asked for again once the quiet period is over.

/// Why the app thinks of syncing now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum SyncReason {
    AppStart,
    Resume,
    Saved,
    Connected,
}

/// What the shell does: sync now, ask again after `delay_ms`, or nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum SyncDecision {
    Now,
    Later { delay_ms: i64 },
    No,
}

/// Gathering saves into one sync for 20 s keeps a worker typing a household from syncing on
/// every field, yet sends it before they reach the next door.
pub const DEBOUNCE_MS: i64 = 20_000;
/// A quarter of an hour: long enough that the camera and the phone's dialer do not trigger a
/// sync, short enough that a supervisor's task arrives during a morning round.
pub const RESUME_AFTER_MS: i64 = 15 * 60_000;

#[derive(Debug, Clone)]
pub struct SyncTrigger {
    debounce_ms: i64,
    resume_after_ms: i64,
    last_start_ms: Option<i64>,
}

impl Default for SyncTrigger {
    fn default() -> Self {
        SyncTrigger::new(DEBOUNCE_MS, RESUME_AFTER_MS)
    }
}

impl SyncTrigger {
    pub fn new(debounce_ms: i64, resume_after_ms: i64) -> SyncTrigger {
        SyncTrigger {
            debounce_ms,
            resume_after_ms,
            last_start_ms: None,
        }
    }

    /// `now_ms` is the phone's clock (Unix milliseconds); `pending` what waits to go up.
    pub fn decide(
        &mut self,
        reason: SyncReason,
        online: bool,
        running: bool,
        pending: u64,
        now_ms: i64,
    ) -> SyncDecision {
        if !online || running {
            return SyncDecision::No;
        }
        let since = self.last_start_ms.map(|at| now_ms - at);
        let decision = match reason {
            SyncReason::AppStart | SyncReason::Connected => SyncDecision::Now,
            SyncReason::Resume => {
                if pending > 0 || since.is_none_or(|s| s >= self.resume_after_ms) {
                    SyncDecision::Now
                } else {
                    SyncDecision::No
                }
            }
            SyncReason::Saved => match since {
                _ if pending == 0 => SyncDecision::No,
                // A clock set back (since < 0) is no reason to wait.
                Some(s) if (0..self.debounce_ms).contains(&s) => SyncDecision::Later {
                    delay_ms: self.debounce_ms - s,
                },
                _ => SyncDecision::Now,
            },
        };
        if decision == SyncDecision::Now {
            self.last_start_ms = Some(now_ms);
        }
        decision
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_000_000;

    fn trigger() -> SyncTrigger {
        SyncTrigger::new(20_000, 900_000)
    }

    #[test]
    fn nothing_happens_offline_or_while_a_sync_runs() {
        let mut t = trigger();
        assert_eq!(
            t.decide(SyncReason::AppStart, false, false, 3, T0),
            SyncDecision::No
        );
        assert_eq!(
            t.decide(SyncReason::Saved, true, true, 3, T0),
            SyncDecision::No
        );
    }

    #[test]
    fn start_and_a_connection_coming_back_always_sync() {
        let mut t = trigger();
        assert_eq!(
            t.decide(SyncReason::AppStart, true, false, 0, T0),
            SyncDecision::Now
        );
        assert_eq!(
            t.decide(SyncReason::Connected, true, false, 0, T0),
            SyncDecision::Now
        );
    }

    #[test]
    fn saves_are_gathered_into_one_sync_and_asked_for_again_after_the_quiet_period() {
        let mut t = trigger();
        assert_eq!(
            t.decide(SyncReason::Saved, true, false, 0, T0),
            SyncDecision::No
        );
        assert_eq!(
            t.decide(SyncReason::Saved, true, false, 1, T0),
            SyncDecision::Now
        );
        assert_eq!(
            t.decide(SyncReason::Saved, true, false, 2, T0 + 5_000),
            SyncDecision::Later { delay_ms: 15_000 }
        );
        assert_eq!(
            t.decide(SyncReason::Saved, true, false, 2, T0 + 20_000),
            SyncDecision::Now
        );
        assert_eq!(
            t.decide(SyncReason::Saved, true, false, 2, T0 + 10_000),
            SyncDecision::Now,
            "a clock set back does not hold a save back"
        );
    }

    #[test]
    fn resuming_syncs_only_with_work_waiting_or_after_a_while() {
        let mut t = trigger();
        assert_eq!(
            t.decide(SyncReason::Resume, true, false, 0, T0),
            SyncDecision::Now,
            "never synced"
        );
        let t1 = T0 + 60_000;
        assert_eq!(
            t.decide(SyncReason::Resume, true, false, 0, t1),
            SyncDecision::No
        );
        assert_eq!(
            t.decide(SyncReason::Resume, true, false, 1, t1),
            SyncDecision::Now
        );
        assert_eq!(
            t.decide(SyncReason::Resume, true, false, 0, t1 + 900_000),
            SyncDecision::Now
        );
    }
}
