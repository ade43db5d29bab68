//! The app core's screens for the shells. Each screen is an object over one store: the shell
//! sends the events a person causes and draws the view it gets back, performs the effects,
//! and may `watch` the screen to be handed a new view whenever the records it shows change
//! (a sync, another screen's save). The events, views and effects are `gridkeeper-app`'s own
//! types, crossing as they are; nothing here decides anything a worker sees.

use std::sync::{Arc, Mutex, Weak};

use gridkeeper_app::activities::{
    ActivityDetail, ActivityDetailEvent, ActivityDetailView, ActivityEdit, ActivityEditEvent,
    ActivityEditView, ActivityList, ActivityListEvent, ActivityListView,
};
use gridkeeper_app::cases::{
    CaseDetail, CaseDetailEvent, CaseDetailView, CaseList, CaseListEvent, CaseListView, CaseReport,
    CaseReportEvent, CaseReportSubjectKind, CaseReportView,
};
use gridkeeper_app::conflict_list::{ConflictList, ConflictListEvent, ConflictListView};
use gridkeeper_app::conflicts::{Conflicts, ConflictsEvent, ConflictsView};
use gridkeeper_app::diary::{DiaryEvent, DiaryScreen as Diary, DiaryView};
use gridkeeper_app::draft_list::{DraftList, DraftListEvent, DraftListView};
use gridkeeper_app::enrol::{Enrol, EnrolEvent, EnrolView};
use gridkeeper_app::household_detail::{
    HouseholdDetail, HouseholdDetailEvent, HouseholdDetailView,
};
use gridkeeper_app::household_edit::{HouseholdEdit, HouseholdEditEvent, HouseholdEditView};
use gridkeeper_app::households::{Households, HouseholdsEvent, HouseholdsView};
use gridkeeper_app::inspection::{Inspection, InspectionEvent, InspectionView};
use gridkeeper_app::mediation::{Mediation, MediationEvent, MediationView};
use gridkeeper_app::mediations::{MediationList, MediationListEvent, MediationListView};
use gridkeeper_app::places::{
    PlaceDetail, PlaceDetailEvent, PlaceDetailView, PlaceEdit, PlaceEditEvent, PlaceEditView,
    PlaceList, PlaceListEvent, PlaceListView,
};
use gridkeeper_app::search::{Search, SearchEvent, SearchView};
use gridkeeper_app::sync_status::{SyncEvent, SyncScreen as SyncLine, SyncView};
use gridkeeper_app::sync_trigger::{SyncDecision, SyncReason};
use gridkeeper_app::today::{Today, TodayEvent, TodayView};
use gridkeeper_app::visit_form::{VisitForm, VisitFormEvent, VisitFormSubject, VisitFormView};
use gridkeeper_app::{Effect, Lang};
use gridkeeper_core::Store;
use gridkeeper_core::sync::{SyncError, SyncOptions};

use crate::errors::{Result, poisoned};
use crate::store::GridStore;
use crate::store::record_id;
use crate::subscription::{RecordsChanged, Subscription};
use crate::sync::CancelToken;

/// Records a screen's effects changed, so every subscriber (other screens, the shell's
/// repositories) hears of a save made through a screen as of any other write.
fn changed_by(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::RecordsChanged { ids } => Some(ids.clone()),
            _ => None,
        })
        .flatten()
        .collect()
}

fn now_unix() -> i64 {
    chrono::Utc::now().timestamp()
}

/// One screen object: `send` and `view`, and a `<Screen>Update` typed for it. `update_with`
/// calls the app core's `update` with the store.
macro_rules! screen {
    (
        $(#[$doc:meta])*
        $object:ident over $screen:ty,
        event $event:ty, view $view:ty, update $result:ident,
        update_with |$s:ident, $store:ident, $e:ident| $call:expr $(,)?
    ) => {
        /// A view and the effects the event asked the shell to perform.
        #[derive(Debug, Clone, PartialEq, uniffi::Record)]
        pub struct $result {
            pub view: $view,
            pub effects: Vec<Effect>,
        }

        $(#[$doc])*
        #[derive(uniffi::Object)]
        pub struct $object {
            store: Arc<GridStore>,
            screen: Mutex<$screen>,
        }

        impl std::fmt::Debug for $object {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($object)).finish_non_exhaustive()
            }
        }

        impl $object {
            fn wrap(store: Arc<GridStore>, screen: $screen) -> Arc<Self> {
                Arc::new($object {
                    store,
                    screen: Mutex::new(screen),
                })
            }

            fn apply(&self, $e: $event) -> Result<$result> {
                let (view, effects) = {
                    let mut guard = self.screen.lock().map_err(|_| poisoned())?;
                    let $s = &mut *guard;
                    let effects = self.store.screen_write(|$store: &mut Store| $call)?;
                    ($s.view().clone(), effects)
                };
                // After the screen's lock is released: a watcher of this very screen reloads.
                self.store.notify(&changed_by(&effects));
                Ok($result { view, effects })
            }
        }

        #[uniffi::export]
        impl $object {
            /// Handles one event; returns the new view and what the shell must do.
            pub fn send(&self, event: $event) -> Result<$result> {
                self.apply(event)
            }

            /// The view as it stands, without an event.
            pub fn view(&self) -> Result<$view> {
                Ok(self.screen.lock().map_err(|_| poisoned())?.view().clone())
            }
        }
    };
}

/// `watch` for a screen that shows records others change (lists, details, the sync line);
/// forms have none, since what is typed into them must not move under the worker's thumb.
/// `$reload` is the event that reads the screen's records again.
macro_rules! watched {
    ($object:ident, view $view:ty, observer $observer:ident, reload $reload:expr $(,)?) => {
        /// Implemented by the shell to be handed the screen's new view when records change.
        /// Called on the thread that changed them, with no lock held: post to the UI thread.
        #[uniffi::export(foreign)]
        pub trait $observer: Send + Sync {
            fn on_view(&self, view: $view);
        }

        #[uniffi::export]
        impl $object {
            /// Hands `observer` a new view whenever records change, until the returned
            /// handle is cancelled or released. The screen itself is held weakly: a screen
            /// the shell lets go of stops being watched.
            pub fn watch(self: Arc<Self>, observer: Arc<dyn $observer>) -> Arc<Subscription> {
                struct Watcher {
                    screen: Weak<$object>,
                    observer: Arc<dyn $observer>,
                }
                impl RecordsChanged for Watcher {
                    fn on_records_changed(&self, _record_ids: Vec<String>) {
                        if let Some(screen) = self.screen.upgrade()
                            && let Ok(update) = screen.apply($reload)
                        {
                            self.observer.on_view(update.view);
                        }
                    }
                }
                self.store.subscribe(Arc::new(Watcher {
                    screen: Arc::downgrade(&self),
                    observer,
                }))
            }
        }
    };
}

screen! {
    /// The household list: search (汉字, pinyin initials), special-group filter, browsing by
    /// building and unit.
    HouseholdsScreen over Households,
    event HouseholdsEvent, view HouseholdsView,
    update HouseholdsUpdate,
    update_with |s, store, e| s.update(store, e),
}

watched!(HouseholdsScreen, view HouseholdsView, observer HouseholdsObserver, reload HouseholdsEvent::Load);

#[uniffi::export]
impl HouseholdsScreen {
    /// The list of `grid` (all grids in reach when `None`); send `Load` to fill it.
    #[uniffi::constructor]
    pub fn new(store: Arc<GridStore>, grid: Option<String>, lang: Lang) -> Arc<Self> {
        Self::wrap(store, Households::new(grid, lang))
    }
}

screen! {
    /// Today's work (今日工作): visits, inspections, cases and follow-ups due.
    TodayScreen over Today,
    event TodayEvent, view TodayView,
    update TodayUpdate,
    update_with |s, store, e| s.update(store, e),
}

watched!(TodayScreen, view TodayView, observer TodayObserver, reload TodayEvent::Refresh { at: now_unix() });

#[uniffi::export]
impl TodayScreen {
    #[uniffi::constructor]
    pub fn new(store: Arc<GridStore>, grid: Option<String>, lang: Lang) -> Arc<Self> {
        Self::wrap(store, Today::new(grid, lang))
    }
}

screen! {
    /// One household: members (numbers masked until revealed), who left, visits, conflicts.
    HouseholdDetailScreen over HouseholdDetail,
    event HouseholdDetailEvent, view HouseholdDetailView,
    update HouseholdDetailUpdate,
    update_with |s, store, e| s.update(store, e),
}

watched!(HouseholdDetailScreen, view HouseholdDetailView, observer HouseholdDetailObserver, reload HouseholdDetailEvent::Load);

#[uniffi::export]
impl HouseholdDetailScreen {
    #[uniffi::constructor]
    pub fn new(store: Arc<GridStore>, household_id: String, lang: Lang) -> Result<Arc<Self>> {
        Ok(Self::wrap(
            store,
            HouseholdDetail::new(record_id(&household_id)?, lang),
        ))
    }
}

screen! {
    /// The household form: a new household, or one edited; kept as a draft on every edit.
    HouseholdEditScreen over HouseholdEdit,
    event HouseholdEditEvent, view HouseholdEditView,
    update HouseholdEditUpdate,
    update_with |s, store, e| s.update(store, e),
}

#[uniffi::export]
impl HouseholdEditScreen {
    /// A new household in `grid` (`household_id` = `None`), or that household edited.
    #[uniffi::constructor]
    pub fn new(
        store: Arc<GridStore>,
        grid: String,
        household_id: Option<String>,
        lang: Lang,
    ) -> Arc<Self> {
        Self::wrap(store, HouseholdEdit::new(grid, household_id, lang))
    }
}

screen! {
    /// A visit to a household or a place: members seen, findings, photos, location, a case
    /// raised from it; kept as a draft on every edit.
    VisitFormScreen over VisitForm,
    event VisitFormEvent, view VisitFormView,
    update VisitFormUpdate,
    update_with |s, store, e| s.update(store, e),
}

#[uniffi::export]
impl VisitFormScreen {
    #[uniffi::constructor]
    pub fn new(
        store: Arc<GridStore>,
        subject: VisitFormSubject,
        subject_id: String,
        member_id: Option<String>,
        lang: Lang,
    ) -> Arc<Self> {
        Self::wrap(store, VisitForm::new(subject, subject_id, member_id, lang))
    }
}

screen! {
    /// An inspection of a place on a checklist: required items, photos, a failed item's
    /// hazard case or note, completion; kept as a draft on every answer.
    InspectionScreen over Inspection,
    event InspectionEvent, view InspectionView, update InspectionUpdate,
    update_with |s, store, e| s.update(store, e),
}

#[uniffi::export]
impl InspectionScreen {
    /// Inspections in `grid`: of `place_id`, or a place picked first when `None`.
    #[uniffi::constructor]
    pub fn new(
        store: Arc<GridStore>,
        grid: String,
        place_id: Option<String>,
        lang: Lang,
    ) -> Arc<Self> {
        Self::wrap(store, Inspection::new(grid, place_id, lang))
    }
}

screen! {
    /// Open cases: state filter, deadlines, overdue.
    CaseListScreen over CaseList,
    event CaseListEvent, view CaseListView, update CaseListUpdate,
    update_with |s, store, e| s.update(store, e),
}

watched!(CaseListScreen, view CaseListView, observer CaseListObserver, reload CaseListEvent::Load { at: now_unix() });

#[uniffi::export]
impl CaseListScreen {
    #[uniffi::constructor]
    pub fn new(store: Arc<GridStore>, grid: Option<String>, lang: Lang) -> Arc<Self> {
        Self::wrap(store, CaseList::new(grid, lang))
    }
}

screen! {
    /// One case: its timeline in order, deadline, and the actions a worker may take now.
    CaseDetailScreen over CaseDetail,
    event CaseDetailEvent, view CaseDetailView, update CaseDetailUpdate,
    update_with |s, store, e| s.update(store, e),
}

watched!(CaseDetailScreen, view CaseDetailView, observer CaseDetailObserver, reload CaseDetailEvent::Load { at: now_unix() });

#[uniffi::export]
impl CaseDetailScreen {
    #[uniffi::constructor]
    pub fn new(store: Arc<GridStore>, case_id: String, lang: Lang) -> Result<Arc<Self>> {
        Ok(Self::wrap(
            store,
            CaseDetail::new(record_id(&case_id)?, lang),
        ))
    }

    /// Performs `FetchPhotos`: call it on a background thread. The store is held only to
    /// read what to fetch and to keep what arrived, not during the download, so other
    /// screens go on while photos come over a slow network. Returns the view with the
    /// photos, or why they did not come, in words.
    pub fn fetch_photos(&self) -> Result<CaseDetailUpdate> {
        let record = self.screen.lock().map_err(|_| poisoned())?.record();
        // One try: a person tapped and waits; a failure is shown and the button offered again.
        let opts = SyncOptions {
            max_attempts: 1,
            ..SyncOptions::default()
        };
        let planned = self
            .store
            .screen_write(|store| store.plan_blob_fetch(record))?;
        let outcome = match planned.and_then(|plan| plan.download(&opts)) {
            Ok(got) => self.store.screen_write(|store| -> Result<u64, SyncError> {
                for (hash, bytes) in &got {
                    store.store_fetched_blob(hash, bytes)?;
                }
                Ok(got.len() as u64)
            })?,
            Err(e) => Err(e),
        };
        let view = {
            let mut screen = self.screen.lock().map_err(|_| poisoned())?;
            self.store
                .screen_write(|store| screen.photos_fetched(store, outcome))?;
            screen.view().clone()
        };
        Ok(CaseDetailUpdate {
            view,
            effects: Vec::new(),
        })
    }
}

screen! {
    /// A case reported on its own (a problem seen in the street, an appeal, an errand), about
    /// a household or place or nothing; kept as a draft on every edit.
    CaseReportScreen over CaseReport,
    event CaseReportEvent, view CaseReportView, update CaseReportUpdate,
    update_with |s, store, e| s.update(store, e),
}

#[uniffi::export]
impl CaseReportScreen {
    #[uniffi::constructor]
    pub fn new(
        store: Arc<GridStore>,
        grid: String,
        subject_kind: Option<CaseReportSubjectKind>,
        subject_id: Option<String>,
        lang: Lang,
    ) -> Arc<Self> {
        Self::wrap(store, CaseReport::new(grid, subject_kind, subject_id, lang))
    }
}

screen! {
    /// A mediation: parties, sessions, narrative, agreement, signatures, result; kept as a
    /// draft on every edit.
    MediationScreen over Mediation,
    event MediationEvent, view MediationView, update MediationUpdate,
    update_with |s, store, e| s.update(store, e),
}

#[uniffi::export]
impl MediationScreen {
    /// A new mediation in `grid` (`mediation_id` = `None`), or that one continued.
    #[uniffi::constructor]
    pub fn new(
        store: Arc<GridStore>,
        grid: String,
        mediation_id: Option<String>,
        lang: Lang,
    ) -> Result<Arc<Self>> {
        let id = mediation_id.as_deref().map(record_id).transpose()?;
        Ok(Self::wrap(store, Mediation::new(grid, id, lang)))
    }
}

screen! {
    /// The grid's places (shops, rental housing, firms, venues): search, a filter by type.
    PlaceListScreen over PlaceList,
    event PlaceListEvent, view PlaceListView, update PlaceListUpdate,
    update_with |s, store, e| s.update(store, e),
}

watched!(PlaceListScreen, view PlaceListView, observer PlaceListObserver, reload PlaceListEvent::Load);

#[uniffi::export]
impl PlaceListScreen {
    #[uniffi::constructor]
    pub fn new(store: Arc<GridStore>, grid: Option<String>, lang: Lang) -> Arc<Self> {
        Self::wrap(store, PlaceList::new(grid, lang))
    }
}

screen! {
    /// One place: who is responsible, its visits and inspections, a visit or inspection
    /// started from it.
    PlaceDetailScreen over PlaceDetail,
    event PlaceDetailEvent, view PlaceDetailView, update PlaceDetailUpdate,
    update_with |s, store, e| s.update(store, e),
}

watched!(PlaceDetailScreen, view PlaceDetailView, observer PlaceDetailObserver, reload PlaceDetailEvent::Load);

#[uniffi::export]
impl PlaceDetailScreen {
    #[uniffi::constructor]
    pub fn new(store: Arc<GridStore>, place_id: String, lang: Lang) -> Result<Arc<Self>> {
        Ok(Self::wrap(
            store,
            PlaceDetail::new(record_id(&place_id)?, lang),
        ))
    }
}

screen! {
    /// The place form: a place registered, or one edited; kept as a draft on every edit.
    PlaceEditScreen over PlaceEdit,
    event PlaceEditEvent, view PlaceEditView, update PlaceEditUpdate,
    update_with |s, store, e| s.update(store, e),
}

#[uniffi::export]
impl PlaceEditScreen {
    /// A new place in `grid` (`place_id` = `None`), or that place edited.
    #[uniffi::constructor]
    pub fn new(
        store: Arc<GridStore>,
        grid: String,
        place_id: Option<String>,
        lang: Lang,
    ) -> Arc<Self> {
        Self::wrap(store, PlaceEdit::new(grid, place_id, lang))
    }
}

screen! {
    /// The mediations of the grid, those under way first.
    MediationListScreen over MediationList,
    event MediationListEvent, view MediationListView, update MediationListUpdate,
    update_with |s, store, e| s.update(store, e),
}

watched!(MediationListScreen, view MediationListView, observer MediationListObserver, reload MediationListEvent::Load);

#[uniffi::export]
impl MediationListScreen {
    #[uniffi::constructor]
    pub fn new(store: Arc<GridStore>, grid: Option<String>, lang: Lang) -> Arc<Self> {
        Self::wrap(store, MediationList::new(grid, lang))
    }
}

screen! {
    /// The activities of the grid (宣传 / 文体活动), the latest held first.
    ActivityListScreen over ActivityList,
    event ActivityListEvent, view ActivityListView, update ActivityListUpdate,
    update_with |s, store, e| s.update(store, e),
}

watched!(ActivityListScreen, view ActivityListView, observer ActivityListObserver, reload ActivityListEvent::Load);

#[uniffi::export]
impl ActivityListScreen {
    #[uniffi::constructor]
    pub fn new(store: Arc<GridStore>, grid: Option<String>, lang: Lang) -> Arc<Self> {
        Self::wrap(store, ActivityList::new(grid, lang))
    }
}

screen! {
    /// One activity: what, when, where, who came, what was done.
    ActivityDetailScreen over ActivityDetail,
    event ActivityDetailEvent, view ActivityDetailView, update ActivityDetailUpdate,
    update_with |s, store, e| s.update(store, e),
}

watched!(ActivityDetailScreen, view ActivityDetailView, observer ActivityDetailObserver, reload ActivityDetailEvent::Load);

#[uniffi::export]
impl ActivityDetailScreen {
    #[uniffi::constructor]
    pub fn new(store: Arc<GridStore>, activity_id: String, lang: Lang) -> Result<Arc<Self>> {
        Ok(Self::wrap(
            store,
            ActivityDetail::new(record_id(&activity_id)?, lang),
        ))
    }
}

screen! {
    /// The activity form: an activity recorded, or one corrected; kept as a draft on every
    /// edit.
    ActivityEditScreen over ActivityEdit,
    event ActivityEditEvent, view ActivityEditView, update ActivityEditUpdate,
    update_with |s, store, e| s.update(store, e),
}

#[uniffi::export]
impl ActivityEditScreen {
    /// A new activity in `grid` (`activity_id` = `None`), or that activity corrected.
    #[uniffi::constructor]
    pub fn new(
        store: Arc<GridStore>,
        grid: String,
        activity_id: Option<String>,
        lang: Lang,
    ) -> Arc<Self> {
        Self::wrap(store, ActivityEdit::new(grid, activity_id, lang))
    }
}

screen! {
    /// The worker's 民情日志 for today: written from the day's records, corrected, submitted.
    DiaryScreen over Diary,
    event DiaryEvent, view DiaryView, update DiaryUpdate,
    update_with |s, store, e| s.update(store, e),
}

#[uniffi::export]
impl DiaryScreen {
    /// The signed-in worker's log; a new entry is filed in `grid`.
    #[uniffi::constructor]
    pub fn new(store: Arc<GridStore>, grid: String, lang: Lang) -> Arc<Self> {
        Self::wrap(store, Diary::new(grid, lang))
    }
}

screen! {
    /// Unfinished forms of every kind, to resume or throw away.
    DraftListScreen over DraftList,
    event DraftListEvent, view DraftListView, update DraftListUpdate,
    update_with |s, store, e| s.update(store, e),
}

#[uniffi::export]
impl DraftListScreen {
    #[uniffi::constructor]
    pub fn new(store: Arc<GridStore>, lang: Lang) -> Arc<Self> {
        Self::wrap(store, DraftList::new(lang))
    }
}

screen! {
    /// One search over households, places, cases and mediations.
    SearchScreen over Search,
    event SearchEvent, view SearchView, update SearchUpdate,
    update_with |s, store, e| s.update(store, e),
}

#[uniffi::export]
impl SearchScreen {
    #[uniffi::constructor]
    pub fn new(store: Arc<GridStore>, grid: Option<String>, lang: Lang) -> Arc<Self> {
        Self::wrap(store, Search::new(grid, lang))
    }
}

screen! {
    /// A record's conflicts: both values, who set each and when, and a pick.
    ConflictsScreen over Conflicts,
    event ConflictsEvent, view ConflictsView,
    update ConflictsUpdate,
    update_with |s, store, e| s.update(store, e),
}

watched!(ConflictsScreen, view ConflictsView, observer ConflictsObserver, reload ConflictsEvent::Load);

#[uniffi::export]
impl ConflictsScreen {
    #[uniffi::constructor]
    pub fn new(store: Arc<GridStore>, record_id: String, lang: Lang) -> Result<Arc<Self>> {
        Ok(Self::wrap(
            store,
            Conflicts::new(crate::store::record_id(&record_id)?, lang),
        ))
    }
}

screen! {
    /// Every record of the grid with unresolved conflicts; a line opens its conflicts.
    ConflictListScreen over ConflictList,
    event ConflictListEvent, view ConflictListView, update ConflictListUpdate,
    update_with |s, store, e| s.update(store, e),
}

watched!(ConflictListScreen, view ConflictListView, observer ConflictListObserver, reload ConflictListEvent::Load);

#[uniffi::export]
impl ConflictListScreen {
    #[uniffi::constructor]
    pub fn new(store: Arc<GridStore>, grid: Option<String>, lang: Lang) -> Arc<Self> {
        Self::wrap(store, ConflictList::new(grid, lang))
    }
}

screen! {
    /// The sync line every screen shows, and sync on demand with progress and cancel.
    SyncScreen over SyncLine,
    event SyncEvent, view SyncView,
    update SyncUpdate,
    update_with |s, store, e| s.update(store, e),
}

watched!(SyncScreen, view SyncView, observer SyncObserver, reload SyncEvent::Refresh);

#[uniffi::export]
impl SyncScreen {
    #[uniffi::constructor]
    pub fn new(store: Arc<GridStore>, lang: Lang) -> Arc<Self> {
        Self::wrap(store, SyncLine::new(lang))
    }

    /// Performs `StartSync`: call it on a background thread. `progress` is handed the view
    /// after each round (progress text and percentage); `cancel` stops it between rounds.
    /// Returns the view with what came of it.
    pub fn run(
        &self,
        progress: Arc<dyn SyncObserver>,
        cancel: Arc<CancelToken>,
    ) -> Result<SyncUpdate> {
        let outcome = self.store.sync_outcome(
            &mut |p| {
                let view = match self.screen.lock() {
                    Ok(mut screen) => {
                        screen.progress(p);
                        screen.view().clone()
                    }
                    Err(_) => return,
                };
                progress.on_view(view);
            },
            &cancel,
        )?;
        let (view, effects) = {
            let mut screen = self.screen.lock().map_err(|_| poisoned())?;
            let effects = self
                .store
                .read(|store| Ok(screen.finished(store, outcome)))?;
            (screen.view().clone(), effects)
        };
        Ok(SyncUpdate { view, effects })
    }
}

#[uniffi::export]
impl SyncScreen {
    /// Performs `SignOut` (confirmed by then, or nothing was unsent): closes the store — kept
    /// on the phone when work is unsent, removed when all of it is on the server — and
    /// returns the view saying which, with `SignedOut` for the shell to go to enrolment.
    /// `slots_dir` is the directory `activeStorePath` was given.
    pub fn sign_out(&self, slots_dir: String) -> Result<SyncUpdate> {
        let out = self.store.sign_out(slots_dir, true)?;
        let mut screen = self.screen.lock().map_err(|_| poisoned())?;
        let effects = screen.signed_out(out.removed);
        Ok(SyncUpdate {
            view: screen.view().clone(),
            effects,
        })
    }
}

/// The enrolment screen: server and one-time code, typed or from the supervisor's QR code.
#[derive(uniffi::Object)]
pub struct EnrolScreen {
    store: Arc<GridStore>,
    screen: Mutex<Enrol>,
}

impl std::fmt::Debug for EnrolScreen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EnrolScreen").finish_non_exhaustive()
    }
}

/// The enrolment view and the effects an event asked for.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct EnrolUpdate {
    pub view: EnrolView,
    pub effects: Vec<Effect>,
}

#[uniffi::export]
impl EnrolScreen {
    #[uniffi::constructor]
    pub fn new(store: Arc<GridStore>, lang: Lang) -> Arc<Self> {
        Arc::new(EnrolScreen {
            store,
            screen: Mutex::new(Enrol::new(lang)),
        })
    }

    pub fn send(&self, event: EnrolEvent) -> Result<EnrolUpdate> {
        let mut screen = self.screen.lock().map_err(|_| poisoned())?;
        let effects = screen.update(event);
        Ok(EnrolUpdate {
            view: screen.view().clone(),
            effects,
        })
    }

    /// Performs `Enrol { server, code }`: call it on a background thread.
    pub fn run(&self, server: String, code: String) -> Result<EnrolUpdate> {
        let outcome = self.store.enrol_outcome(&server, &code)?;
        let mut screen = self.screen.lock().map_err(|_| poisoned())?;
        let effects = screen.finished(outcome);
        Ok(EnrolUpdate {
            view: screen.view().clone(),
            effects,
        })
    }
}

/// When the app syncs by itself (start, resume, after a save, a connection back): the shell
/// reports the moment and does what comes back. One per process.
#[derive(Debug, uniffi::Object)]
pub struct SyncTrigger {
    trigger: Mutex<gridkeeper_app::sync_trigger::SyncTrigger>,
}

#[uniffi::export]
impl SyncTrigger {
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        Arc::new(SyncTrigger {
            trigger: Mutex::new(Default::default()),
        })
    }

    /// `now_ms`: the phone's clock, Unix milliseconds; `pending`: changes waiting to go up.
    pub fn decide(
        &self,
        reason: SyncReason,
        online: bool,
        running: bool,
        pending: u64,
        now_ms: i64,
    ) -> Result<SyncDecision> {
        let mut trigger = self.trigger.lock().map_err(|_| poisoned())?;
        Ok(trigger.decide(reason, online, running, pending, now_ms))
    }
}
