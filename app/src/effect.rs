//! What a screen asks the shell to do. Each is data; the shell performs it and, where there
//! is an answer, sends it back as the screen's event.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
#[serde(tag = "effect", rename_all = "snake_case")]
pub enum Effect {
    /// Show a household's detail screen.
    OpenHousehold { id: String },
    /// Show the form for a new household.
    NewHousehold,
    /// Show the household form filled with this household.
    EditHousehold { id: String },
    /// Start a visit form for the household (and the member it is for, if any).
    StartVisit {
        household_id: String,
        member_id: Option<String>,
    },
    /// Show a record's conflicts.
    OpenConflicts { record_id: String },
    /// Show every record of the grid with unresolved conflicts.
    OpenConflictList,
    /// Fetch the record's photos this phone lacks, off the main thread (the bindings'
    /// `fetchPhotos` on the screen that asked), which answers the screen.
    FetchPhotos { record_id: String },
    /// Show the screen of what an agenda line points at.
    Open { target: crate::today::Target },
    /// Run a sync on a background thread, then send `SyncFinished` to the sync screen.
    StartSync,
    /// Stop the running sync between rounds (the bindings' `CancelToken`).
    CancelSync,
    /// Enrol with the server on a background thread, then send `Finished` to the enrolment
    /// screen.
    Enrol { server: String, code: String },
    /// Enrolled: the app moves on to its work, in these grids.
    Enrolled { grids: Vec<String> },
    /// Records changed (by a sync or a resolution): screens showing them reload.
    RecordsChanged { ids: Vec<String> },
    /// Leave this screen (saved, or abandoned); no answer.
    Close,
    /// Take a photo (camera or picker) for the form's field `for_field` (`photos`, or an
    /// inspection item's id); answered by the screen's `PhotoTaken` with the file the shell
    /// wrote, nothing if the worker cancels.
    TakePhoto { for_field: String },
    /// Find where the phone is; answered by the screen's `Located { lat, lon, accuracy_m }`
    /// or `LocationUnavailable`.
    GetLocation,
    /// Show the signature pad to this party (its id); answered by the mediation screen's
    /// `Signed { party, path }` with the PNG file drawn.
    AskSignature { party: String },
    /// Show the grid's places.
    OpenPlaces,
    /// Show the forms left unfinished.
    OpenDrafts,
    /// Show the search across kinds.
    OpenSearch,
    /// Show a place's screen.
    OpenPlace { id: String },
    /// Show the form for registering a place.
    NewPlace,
    /// Show the place form filled with this place.
    EditPlace { id: String },
    /// Start a visit form for the place.
    StartPlaceVisit { place_id: String },
    /// Start an inspection of the place (its checklist picked first).
    StartInspection { place_id: String },
    /// Show a mediation, to continue it.
    OpenMediation { id: String },
    /// Show the form for a new mediation.
    NewMediation,
    /// Show a case's detail screen.
    OpenCase { id: String },
    /// Show the form for reporting a case on its own.
    NewCase,
    /// Show the grid's activities (宣传 / 文体活动).
    OpenActivities,
    /// Show the worker's 民情日志 for today.
    OpenDiary,
    /// Show one activity.
    OpenActivity { id: String },
    /// Show the form for recording an activity.
    NewActivity,
    /// Show the activity form filled with this activity, to correct it.
    EditActivity { id: String },
    /// Show the form for reporting a case about this household or place.
    ReportCase {
        subject_kind: crate::cases::CaseReportSubjectKind,
        subject_id: String,
    },
    /// Sign the worker out (the shell closes the store: `SyncScreen.signOut` in the
    /// bindings), then hand `SignedOut` on.
    SignOut,
    /// Signed out: back to enrolment; `removed` when nothing was left on the phone.
    SignedOut { removed: bool },
    /// A rescue file is ready at `path`: offer to share it (USB, another phone).
    ShareRescue { path: String },
}
