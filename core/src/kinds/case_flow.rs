//! The closed loop of a case (事件闭环) as a pure state machine over its timeline.
//!
//! The timeline is append-only and merges by entry id, so two workers acting offline both
//! keep their entries. The state is never stored: it is folded from the merged timeline in a
//! fixed order (time, then entry id), applying each entry that is legal from the state reached
//! so far. An entry that became illegal because of a concurrent one (two people accepted and
//! returned the same case) stays in the timeline, marked superseded. Every device folds the
//! same entries the same way, so all agree on the state.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    Reported,
    Accepted,
    InProgress,
    Resolved,
    Verified,
    Closed,
    Returned,
    Escalated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseAction {
    /// The first entry: the case was reported.
    Report,
    Accept,
    Start,
    Resolve,
    Verify,
    Close,
    /// Sent back, with a reason: not valid, or rectification not good enough.
    Return,
    /// Handed up to the community or street.
    Escalate,
    /// A note or photos with no change of state.
    Comment,
}

impl CaseState {
    pub const ALL: [CaseState; 8] = [
        CaseState::Reported,
        CaseState::Accepted,
        CaseState::InProgress,
        CaseState::Resolved,
        CaseState::Verified,
        CaseState::Closed,
        CaseState::Returned,
        CaseState::Escalated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseState::Reported => "reported",
            CaseState::Accepted => "accepted",
            CaseState::InProgress => "in_progress",
            CaseState::Resolved => "resolved",
            CaseState::Verified => "verified",
            CaseState::Closed => "closed",
            CaseState::Returned => "returned",
            CaseState::Escalated => "escalated",
        }
    }

    /// Still needs someone's work: counts against its deadline.
    pub fn is_open(self) -> bool {
        !matches!(
            self,
            CaseState::Resolved | CaseState::Verified | CaseState::Closed
        )
    }
}

impl CaseAction {
    pub const ALL: [CaseAction; 9] = [
        CaseAction::Report,
        CaseAction::Accept,
        CaseAction::Start,
        CaseAction::Resolve,
        CaseAction::Verify,
        CaseAction::Close,
        CaseAction::Return,
        CaseAction::Escalate,
        CaseAction::Comment,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseAction::Report => "report",
            CaseAction::Accept => "accept",
            CaseAction::Start => "start",
            CaseAction::Resolve => "resolve",
            CaseAction::Verify => "verify",
            CaseAction::Close => "close",
            CaseAction::Return => "return",
            CaseAction::Escalate => "escalate",
            CaseAction::Comment => "comment",
        }
    }
}

/// The state `action` leads to from `from`, or `None` if it is not allowed there.
pub fn next(from: CaseState, action: CaseAction) -> Option<CaseState> {
    use CaseAction as A;
    use CaseState as S;
    match (from, action) {
        (S::Closed, _) => None,
        (_, A::Comment) => Some(from),
        (_, A::Report) => None,
        (S::Reported | S::Returned | S::Escalated, A::Accept) => Some(S::Accepted),
        (S::Accepted | S::Returned, A::Start) => Some(S::InProgress),
        (S::InProgress | S::Escalated, A::Resolve) => Some(S::Resolved),
        (S::Resolved, A::Verify) => Some(S::Verified),
        (S::Verified | S::Returned, A::Close) => Some(S::Closed),
        (S::Reported | S::Accepted | S::Resolved | S::Escalated, A::Return) => Some(S::Returned),
        (S::Reported | S::Accepted | S::InProgress, A::Escalate) => Some(S::Escalated),
        _ => None,
    }
}

/// Folds a timeline (entries given as (sort key, action)) into the state, and the indices of
/// entries that were superseded by a concurrent one.
pub fn fold<'a>(
    entries: impl IntoIterator<Item = (&'a str, &'a str, CaseAction)>,
) -> (CaseState, Vec<usize>) {
    let mut ordered: Vec<(usize, (&str, &str, CaseAction))> =
        entries.into_iter().enumerate().collect();
    ordered.sort_by(|a, b| (a.1.0, a.1.1).cmp(&(b.1.0, b.1.1)));
    let mut state = CaseState::Reported;
    let mut superseded = Vec::new();
    for (index, (_, _, action)) in ordered {
        if action == CaseAction::Report {
            continue;
        }
        match next(state, action) {
            Some(s) => state = s,
            None => superseded.push(index),
        }
    }
    superseded.sort_unstable();
    (state, superseded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_full_closed_loop() {
        let steps = [
            CaseAction::Accept,
            CaseAction::Start,
            CaseAction::Resolve,
            CaseAction::Verify,
            CaseAction::Close,
        ];
        let mut s = CaseState::Reported;
        for a in steps {
            s = next(s, a).unwrap_or_else(|| panic!("{a:?} from {s:?}"));
        }
        assert_eq!(s, CaseState::Closed);
    }

    /// Every (state, action) pair, legal or not, against the table the product promises.
    #[test]
    fn transition_table() {
        use CaseAction as A;
        use CaseState as S;
        let legal: &[(S, A, S)] = &[
            (S::Reported, A::Accept, S::Accepted),
            (S::Reported, A::Return, S::Returned),
            (S::Reported, A::Escalate, S::Escalated),
            (S::Accepted, A::Start, S::InProgress),
            (S::Accepted, A::Return, S::Returned),
            (S::Accepted, A::Escalate, S::Escalated),
            (S::InProgress, A::Resolve, S::Resolved),
            (S::InProgress, A::Escalate, S::Escalated),
            (S::Resolved, A::Verify, S::Verified),
            (S::Resolved, A::Return, S::Returned),
            (S::Verified, A::Close, S::Closed),
            (S::Returned, A::Accept, S::Accepted),
            (S::Returned, A::Start, S::InProgress),
            (S::Returned, A::Close, S::Closed),
            (S::Escalated, A::Accept, S::Accepted),
            (S::Escalated, A::Resolve, S::Resolved),
            (S::Escalated, A::Return, S::Returned),
        ];
        for from in CaseState::ALL {
            for action in CaseAction::ALL {
                let expected = if action == A::Comment && from != S::Closed {
                    Some(from)
                } else {
                    legal
                        .iter()
                        .find(|(f, a, _)| *f == from && *a == action)
                        .map(|(_, _, to)| *to)
                };
                assert_eq!(next(from, action), expected, "{from:?} --{action:?}-->");
            }
        }
    }

    #[test]
    fn concurrent_accept_and_return_fold_the_same_whichever_order_they_arrive() {
        let a = ("2026-11-28T02:00:00Z", "b", CaseAction::Accept);
        let r = ("2026-11-28T02:00:00Z", "a", CaseAction::Return);
        let report = ("2026-11-28T01:00:00Z", "0", CaseAction::Report);
        let one = fold([report, a, r]);
        let two = fold([report, r, a]);
        assert_eq!(one.0, two.0);
        assert_eq!(
            one.0,
            CaseState::Accepted,
            "return sorts first (same time, lower id), then accept from returned"
        );
        assert!(one.1.is_empty());
    }
}
