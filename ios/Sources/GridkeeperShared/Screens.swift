import Foundation
import Gridkeeper

// Each screen: its object's constructor, `send` unpacked into view and effects, `watch` where
// the core has one, and which of its events answer which effect. Nothing else: what a screen
// shows and does is the core's (app/src/*.rs).

/// The phone's time as the core's `Refresh { at }` / `Load { at }` events take it.
public func unixNow() -> Int64 {
    Int64(Date().timeIntervalSince1970)
}

extension ViewRelay: HouseholdsObserver where View == HouseholdsView {
    public func onView(view: HouseholdsView) { deliver(view) }
}

extension ViewRelay: TodayObserver where View == TodayView {
    public func onView(view: TodayView) { deliver(view) }
}

extension ViewRelay: HouseholdDetailObserver where View == HouseholdDetailView {
    public func onView(view: HouseholdDetailView) { deliver(view) }
}

extension ViewRelay: CaseListObserver where View == CaseListView {
    public func onView(view: CaseListView) { deliver(view) }
}

extension ViewRelay: CaseDetailObserver where View == CaseDetailView {
    public func onView(view: CaseDetailView) { deliver(view) }
}

extension ViewRelay: ConflictsObserver where View == ConflictsView {
    public func onView(view: ConflictsView) { deliver(view) }
}

extension ViewRelay: PlaceListObserver where View == PlaceListView {
    public func onView(view: PlaceListView) { deliver(view) }
}

extension ViewRelay: PlaceDetailObserver where View == PlaceDetailView {
    public func onView(view: PlaceDetailView) { deliver(view) }
}

extension ViewRelay: ActivityListObserver where View == ActivityListView {
    public func onView(view: ActivityListView) { deliver(view) }
}

extension ViewRelay: ActivityDetailObserver where View == ActivityDetailView {
    public func onView(view: ActivityDetailView) { deliver(view) }
}

extension ViewRelay: MediationListObserver where View == MediationListView {
    public func onView(view: MediationListView) { deliver(view) }
}

extension ViewRelay: ConflictListObserver where View == ConflictListView {
    public func onView(view: ConflictListView) { deliver(view) }
}

extension ViewRelay: SyncObserver where View == SyncView {
    public func onView(view: SyncView) { deliver(view) }
}

public extension ScreenModel where Event == HouseholdsEvent, View == HouseholdsView {
    /// The households of `grid`, or of every grid in reach when nil.
    convenience init(households store: GridStore, grid: String?, lang: Lang, performer: EffectPerformer?) {
        self.init(performer: performer, open: {
            let screen = HouseholdsScreen(store: store, grid: grid, lang: lang)
            return ScreenCalls(screen, send: { let u = try screen.send(event: $0); return (u.view, u.effects) },
                               watch: { screen.watch(observer: ViewRelay<HouseholdsView>($0)) })
        })
    }
}

public extension ScreenModel where Event == TodayEvent, View == TodayView {
    convenience init(today store: GridStore, grid: String?, lang: Lang, performer: EffectPerformer?) {
        self.init(performer: performer, open: {
            let screen = TodayScreen(store: store, grid: grid, lang: lang)
            return ScreenCalls(screen, send: { let u = try screen.send(event: $0); return (u.view, u.effects) },
                               watch: { screen.watch(observer: ViewRelay<TodayView>($0)) })
        })
    }
}

public extension ScreenModel where Event == HouseholdDetailEvent, View == HouseholdDetailView {
    convenience init(household store: GridStore, id: String, lang: Lang, performer: EffectPerformer?) {
        self.init(performer: performer, open: {
            let screen = try HouseholdDetailScreen(store: store, householdId: id, lang: lang)
            return ScreenCalls(screen, send: { let u = try screen.send(event: $0); return (u.view, u.effects) },
                               watch: { screen.watch(observer: ViewRelay<HouseholdDetailView>($0)) })
        })
    }
}

public extension ScreenModel where Event == HouseholdEditEvent, View == HouseholdEditView {
    /// A new household in `grid` (`id` nil), or that household edited.
    convenience init(householdForm store: GridStore, grid: String, id: String?, lang: Lang, performer: EffectPerformer?) {
        self.init(performer: performer, open: {
            let screen = HouseholdEditScreen(store: store, grid: grid, householdId: id, lang: lang)
            return ScreenCalls(screen, send: { let u = try screen.send(event: $0); return (u.view, u.effects) })
        })
    }
}

public extension ScreenModel where Event == VisitFormEvent, View == VisitFormView {
    convenience init(visit store: GridStore, subject: VisitFormSubject, subjectId: String, memberId: String?,
                     lang: Lang, performer: EffectPerformer?) {
        self.init(performer: performer, answers: { answer in
            switch answer {
            case let .photoTaken(_, path): return .photoTaken(path: path)
            case let .located(lat, lon, accuracyM): return .located(lat: lat, lon: lon, accuracyM: accuracyM)
            case .locationUnavailable: return .locationUnavailable
            case .signed: return nil
            }
        }, open: {
            let screen = VisitFormScreen(store: store, subject: subject, subjectId: subjectId, memberId: memberId, lang: lang)
            return ScreenCalls(screen, send: { let u = try screen.send(event: $0); return (u.view, u.effects) })
        })
    }
}

public extension ScreenModel where Event == InspectionEvent, View == InspectionView {
    /// Inspections in `grid`: of `placeId`, or of a place picked first when nil.
    convenience init(inspection store: GridStore, grid: String, placeId: String?, lang: Lang, performer: EffectPerformer?) {
        self.init(performer: performer, answers: { answer in
            // The inspection asks for a photo for one item: `forField` is its id.
            if case let .photoTaken(itemId, path) = answer { return .photoTaken(itemId: itemId, path: path) }
            return nil
        }, open: {
            let screen = InspectionScreen(store: store, grid: grid, placeId: placeId, lang: lang)
            return ScreenCalls(screen, send: { let u = try screen.send(event: $0); return (u.view, u.effects) })
        })
    }
}

public extension ScreenModel where Event == CaseListEvent, View == CaseListView {
    convenience init(cases store: GridStore, grid: String?, lang: Lang, performer: EffectPerformer?) {
        self.init(performer: performer, open: {
            let screen = CaseListScreen(store: store, grid: grid, lang: lang)
            return ScreenCalls(screen, send: { let u = try screen.send(event: $0); return (u.view, u.effects) },
                               watch: { screen.watch(observer: ViewRelay<CaseListView>($0)) })
        })
    }
}

public extension ScreenModel where Event == CaseDetailEvent, View == CaseDetailView {
    convenience init(caseDetail store: GridStore, id: String, lang: Lang, performer: EffectPerformer?) {
        self.init(performer: performer, answers: { answer in
            if case let .photoTaken(_, path) = answer { return .photoTaken(path: path) }
            return nil
        }, open: {
            let screen = try CaseDetailScreen(store: store, caseId: id, lang: lang)
            return ScreenCalls(screen, send: { let u = try screen.send(event: $0); return (u.view, u.effects) },
                               watch: { screen.watch(observer: ViewRelay<CaseDetailView>($0)) })
        })
    }
}

public extension ScreenModel where Event == CaseReportEvent, View == CaseReportView {
    /// A case reported on its own in `grid`, about a household or place or nothing.
    convenience init(caseReport store: GridStore, grid: String, subjectKind: CaseReportSubjectKind?, subjectId: String?,
                     lang: Lang, performer: EffectPerformer?) {
        self.init(performer: performer, answers: { answer in
            if case let .photoTaken(_, path) = answer { return .photoTaken(path: path) }
            return nil
        }, open: {
            let screen = CaseReportScreen(store: store, grid: grid, subjectKind: subjectKind, subjectId: subjectId, lang: lang)
            return ScreenCalls(screen, send: { let u = try screen.send(event: $0); return (u.view, u.effects) })
        })
    }
}

public extension ScreenModel where Event == MediationEvent, View == MediationView {
    /// A new mediation in `grid` (`id` nil), or that one continued.
    convenience init(mediation store: GridStore, grid: String, id: String?, lang: Lang, performer: EffectPerformer?) {
        self.init(performer: performer, answers: { answer in
            if case let .signed(party, path) = answer { return .signed(party: party, path: path) }
            return nil
        }, open: {
            let screen = try MediationScreen(store: store, grid: grid, mediationId: id, lang: lang)
            return ScreenCalls(screen, send: { let u = try screen.send(event: $0); return (u.view, u.effects) })
        })
    }
}

public extension ScreenModel where Event == ConflictsEvent, View == ConflictsView {
    convenience init(conflicts store: GridStore, recordId: String, lang: Lang, performer: EffectPerformer?) {
        self.init(performer: performer, open: {
            let screen = try ConflictsScreen(store: store, recordId: recordId, lang: lang)
            return ScreenCalls(screen, send: { let u = try screen.send(event: $0); return (u.view, u.effects) },
                               watch: { screen.watch(observer: ViewRelay<ConflictsView>($0)) })
        })
    }
}

public extension ScreenModel where Event == ConflictListEvent, View == ConflictListView {
    /// Every record of `grid` with unresolved conflicts.
    convenience init(conflictList store: GridStore, grid: String?, lang: Lang, performer: EffectPerformer?) {
        self.init(performer: performer, open: {
            let screen = ConflictListScreen(store: store, grid: grid, lang: lang)
            return ScreenCalls(screen, send: { let u = try screen.send(event: $0); return (u.view, u.effects) },
                               watch: { screen.watch(observer: ViewRelay<ConflictListView>($0)) })
        })
    }
}

public extension ScreenModel where Event == CaseDetailEvent, View == CaseDetailView {
    /// Performs `FetchPhotos` off the main thread on this screen's object: the download runs
    /// without holding the store, and the view comes back with the photos or why not.
    @discardableResult
    func fetchPhotos() -> Task<Void, Never> {
        guard let screen = calls?.object as? CaseDetailScreen else { return Task {} }
        return background {
            let u = try screen.fetchPhotos()
            return (u.view, u.effects)
        }
    }
}

public extension ScreenModel where Event == SyncEvent, View == SyncView {
    /// The sync line; one per process, so every screen shows the same run.
    convenience init(sync store: GridStore, lang: Lang, performer: EffectPerformer?) {
        self.init(performer: performer, open: {
            let screen = SyncScreen(store: store, lang: lang)
            return ScreenCalls(screen, send: { let u = try screen.send(event: $0); return (u.view, u.effects) },
                               watch: { screen.watch(observer: ViewRelay<SyncView>($0)) })
        })
    }

    /// Performs `StartSync` on this screen's object, off the main thread; `cancel` is what
    /// `CancelSync` (and a background task's expiry) cancels.
    @discardableResult
    func runSync(cancel: CancelToken) -> Task<Void, Never> {
        guard let screen = calls?.object as? SyncScreen else { return Task {} }
        let progress = ViewRelay<SyncView> { [weak self] view in
            Task { @MainActor in
                // A round's view that hops over after the finished one must not bring the
                // progress bar back.
                guard let self, self.view?.running == true else { return }
                self.view = view
            }
        }
        return background {
            let u = try screen.run(progress: progress, cancel: cancel)
            return (u.view, u.effects)
        }
    }
}

public extension ScreenModel where Event == SyncEvent, View == SyncView {
    /// Performs `SignOut` off the main thread: the store is closed (kept on the phone with
    /// unsent work, removed when all of it is on the server) and the view says which; the
    /// `SignedOut` effect that follows takes the app back to enrolment.
    @discardableResult
    func signOut(slotsDir: String) -> Task<Void, Never> {
        guard let screen = calls?.object as? SyncScreen else { return Task {} }
        return background {
            let u = try screen.signOut(slotsDir: slotsDir)
            return (u.view, u.effects)
        }
    }
}

public extension ScreenModel where Event == EnrolEvent, View == EnrolView {
    convenience init(enrol store: GridStore, lang: Lang, performer: EffectPerformer?) {
        // The enrolment screen has no `view()`: it starts empty.
        self.init(performer: performer,
                  initial: EnrolView(server: "", code: "", serverError: nil, codeError: nil, busy: false, banner: nil, grids: []),
                  open: {
                      let screen = EnrolScreen(store: store, lang: lang)
                      return ScreenCalls(screen, send: { let u = try screen.send(event: $0); return (u.view, u.effects) })
                  })
    }

    /// Performs `Enrol { server, code }` on this screen's object, off the main thread.
    @discardableResult
    func runEnrol(server: String, code: String) -> Task<Void, Never> {
        guard let screen = calls?.object as? EnrolScreen else { return Task {} }
        return background {
            let u = try screen.run(server: server, code: code)
            return (u.view, u.effects)
        }
    }
}

public extension ScreenModel where Event == PlaceListEvent, View == PlaceListView {
    convenience init(places store: GridStore, grid: String?, lang: Lang, performer: EffectPerformer?) {
        self.init(performer: performer, open: {
            let screen = PlaceListScreen(store: store, grid: grid, lang: lang)
            return ScreenCalls(screen, send: { let u = try screen.send(event: $0); return (u.view, u.effects) },
                               watch: { screen.watch(observer: ViewRelay<PlaceListView>($0)) })
        })
    }
}

public extension ScreenModel where Event == PlaceDetailEvent, View == PlaceDetailView {
    convenience init(place store: GridStore, id: String, lang: Lang, performer: EffectPerformer?) {
        self.init(performer: performer, open: {
            let screen = try PlaceDetailScreen(store: store, placeId: id, lang: lang)
            return ScreenCalls(screen, send: { let u = try screen.send(event: $0); return (u.view, u.effects) },
                               watch: { screen.watch(observer: ViewRelay<PlaceDetailView>($0)) })
        })
    }
}

public extension ScreenModel where Event == PlaceEditEvent, View == PlaceEditView {
    /// A new place in `grid` (`id` nil), or that place edited.
    convenience init(placeForm store: GridStore, grid: String, id: String?, lang: Lang, performer: EffectPerformer?) {
        self.init(performer: performer, open: {
            let screen = PlaceEditScreen(store: store, grid: grid, placeId: id, lang: lang)
            return ScreenCalls(screen, send: { let u = try screen.send(event: $0); return (u.view, u.effects) })
        })
    }
}

public extension ScreenModel where Event == MediationListEvent, View == MediationListView {
    convenience init(mediations store: GridStore, grid: String?, lang: Lang, performer: EffectPerformer?) {
        self.init(performer: performer, open: {
            let screen = MediationListScreen(store: store, grid: grid, lang: lang)
            return ScreenCalls(screen, send: { let u = try screen.send(event: $0); return (u.view, u.effects) },
                               watch: { screen.watch(observer: ViewRelay<MediationListView>($0)) })
        })
    }
}

// Activities (宣传 / 文体活动): the list and one activity are watched; the form is not.
public extension ScreenModel where Event == ActivityListEvent, View == ActivityListView {
    convenience init(activities store: GridStore, grid: String?, lang: Lang, performer: EffectPerformer?) {
        self.init(performer: performer, open: {
            let screen = ActivityListScreen(store: store, grid: grid, lang: lang)
            return ScreenCalls(screen, send: { let u = try screen.send(event: $0); return (u.view, u.effects) },
                               watch: { screen.watch(observer: ViewRelay<ActivityListView>($0)) })
        })
    }
}

public extension ScreenModel where Event == ActivityDetailEvent, View == ActivityDetailView {
    convenience init(activity store: GridStore, id: String, lang: Lang, performer: EffectPerformer?) {
        self.init(performer: performer, open: {
            let screen = try ActivityDetailScreen(store: store, activityId: id, lang: lang)
            return ScreenCalls(screen, send: { let u = try screen.send(event: $0); return (u.view, u.effects) },
                               watch: { screen.watch(observer: ViewRelay<ActivityDetailView>($0)) })
        })
    }
}

public extension ScreenModel where Event == DiaryEvent, View == DiaryView {
    /// The signed-in worker's 民情日志 for today; a new entry is filed in `grid`.
    convenience init(diary store: GridStore, grid: String, lang: Lang, performer: EffectPerformer?) {
        self.init(performer: performer, open: {
            let screen = DiaryScreen(store: store, grid: grid, lang: lang)
            return ScreenCalls(screen, send: { let u = try screen.send(event: $0); return (u.view, u.effects) })
        })
    }
}

public extension ScreenModel where Event == ActivityEditEvent, View == ActivityEditView {
    /// A new activity in `grid` (`id` nil), or that activity corrected.
    convenience init(activityForm store: GridStore, grid: String, id: String?, lang: Lang, performer: EffectPerformer?) {
        self.init(performer: performer, answers: { answer in
            switch answer {
            case let .photoTaken(_, path): return .photoTaken(path: path)
            case .located, .locationUnavailable, .signed: return nil
            }
        }, open: {
            let screen = ActivityEditScreen(store: store, grid: grid, activityId: id, lang: lang)
            return ScreenCalls(screen, send: { let u = try screen.send(event: $0); return (u.view, u.effects) })
        })
    }
}

public extension ScreenModel where Event == DraftListEvent, View == DraftListView {
    convenience init(drafts store: GridStore, lang: Lang, performer: EffectPerformer?) {
        self.init(performer: performer, open: {
            let screen = DraftListScreen(store: store, lang: lang)
            return ScreenCalls(screen, send: { let u = try screen.send(event: $0); return (u.view, u.effects) })
        })
    }
}

public extension ScreenModel where Event == SearchEvent, View == SearchView {
    convenience init(search store: GridStore, grid: String?, lang: Lang, performer: EffectPerformer?) {
        self.init(performer: performer, open: {
            let screen = SearchScreen(store: store, grid: grid, lang: lang)
            return ScreenCalls(screen, send: { let u = try screen.send(event: $0); return (u.view, u.effects) })
        })
    }
}
