// Android twins: android/app/src/main/java/org/gridkeeper/app/ui/HomeScreens.kt and the
// navigation of MainActivity.kt
import CoreLocation
import Gridkeeper
import GridkeeperShared
import SwiftUI

/// Where a screen can lead; each tab keeps its own stack of these.
enum Route: Hashable {
    case household(String)
    case householdEdit(String?)
    case visit(householdId: String, memberId: String?)
    case placeVisit(String)
    case places
    case place(String)
    case placeEdit(String?)
    case mediations
    case drafts
    case search
    case inspection(placeId: String?)
    case caseDetail(String)
    case caseReport
    /// A case reported about a household or place, from its page.
    case caseReportAbout(CaseReportSubjectKind, String)
    case conflictList
    case mediation(String?)
    case conflicts(String)
    // Activities (宣传 / 文体活动)
    case activities
    case activity(String)
    case activityEdit(String?)
    // The worker's 民情日志
    case diary
}

@MainActor
struct RootView: View {
    @ObservedObject var model: AppModel

    var body: some View {
        switch model.phase {
        case .opening:
            Loading().task { await model.start() }
        case let .failed(problem):
            StoreProblemPage(view: storeProblemView(problem: problem, lang: model.lang),
                             retry: { model.retryOpening(startingOver: false) },
                             startOver: { model.retryOpening(startingOver: true) })
        case .needsEnrolment:
            if let store = model.store {
                EnrolPage(store: store, lang: model.lang, link: model.enrolLink, performer: model)
            }
        case let .ready(grid):
            if let store = model.store, let sync = model.sync {
                VStack(spacing: 0) {
                    SyncBar(model: sync)
                    Tabs(base: ScreenEnv(store: store, lang: model.lang, grid: grid, effects: nil), app: model)
                }
            }
        }
    }
}

/// What every screen needs to open its screen object; `effects` is the tab's performer.
struct ScreenEnv {
    let store: GridStore
    let lang: Lang
    let grid: String
    let effects: TabEffects?

    func with(_ effects: TabEffects) -> ScreenEnv {
        ScreenEnv(store: store, lang: lang, grid: grid, effects: effects)
    }
}

@MainActor
private struct Tabs: View {
    let base: ScreenEnv
    let app: AppModel

    var body: some View {
        TabView {
            Stack(base, app) { TodayPage(env: $0) }
                .tabItem { Label(L("nav_today"), systemImage: "calendar") }
            Stack(base, app) { HouseholdsPage(env: $0) }
                .tabItem { Label(L("nav_households"), systemImage: "house") }
            Stack(base, app) { InspectionPage(env: $0, placeId: nil) }
                .tabItem { Label(L("nav_inspection"), systemImage: "checklist") }
            Stack(base, app) { CaseListPage(env: $0) }
                .tabItem { Label(L("nav_cases"), systemImage: "exclamationmark.triangle") }
            Stack(base, app) { MediationsPage(env: $0) }
                .tabItem { Label(L("nav_mediation"), systemImage: "bubble.left.and.bubble.right") }
        }
    }
}

/// A tab's navigation stack, and the sheets its screens' effects ask for.
@MainActor
private struct Stack<Root: View>: View {
    let base: ScreenEnv
    let root: (ScreenEnv) -> Root
    @StateObject private var effects: TabEffects

    init(_ base: ScreenEnv, _ app: AppModel, @ViewBuilder root: @escaping (ScreenEnv) -> Root) {
        self.base = base
        self.root = root
        _effects = StateObject(wrappedValue: TabEffects(app: app, locator: Locator(), files: TemporaryAnswerFiles()))
    }

    var body: some View {
        let env = base.with(effects)
        NavigationStack(path: $effects.path) {
            root(env)
                .navigationDestination(for: Route.self) { route in destination(route, env) }
        }
        .sheet(item: $effects.photo) { request in
            PhotoSheet { data in effects.photoTaken(data, for: request) }
        }
        .sheet(item: $effects.signature) { request in
            SignaturePad(onDone: { png in effects.signed(png, for: request) },
                         onCancel: { effects.signature = nil })
        }
    }

    @ViewBuilder
    private func destination(_ route: Route, _ env: ScreenEnv) -> some View {
        switch route {
        case let .household(id): HouseholdDetailPage(env: env, householdId: id)
        case let .householdEdit(id): HouseholdEditPage(env: env, householdId: id)
        case let .visit(householdId, memberId): VisitPage(env: env, householdId: householdId, memberId: memberId)
        case let .placeVisit(placeId): VisitPage(env: env, placeId: placeId)
        case .places: PlacesPage(env: env)
        case let .place(id): PlaceDetailPage(env: env, placeId: id)
        case let .placeEdit(id): PlaceEditPage(env: env, placeId: id)
        case .mediations: MediationsPage(env: env)
        case .drafts: DraftsPage(env: env)
        case .search: SearchPage(env: env)
        case let .inspection(placeId): InspectionPage(env: env, placeId: placeId)
        case let .caseDetail(id): CaseDetailPage(env: env, caseId: id)
        case .caseReport: CaseReportPage(env: env)
        case let .caseReportAbout(kind, id): CaseReportPage(env: env, subjectKind: kind, subjectId: id)
        case .conflictList: ConflictListPage(env: env)
        case let .mediation(id): MediationPage(env: env, mediationId: id)
        case let .conflicts(id): ConflictsPage(env: env, recordId: id)
        case .activities: ActivitiesPage(env: env)
        case let .activity(id): ActivityDetailPage(env: env, activityId: id)
        case let .activityEdit(id): ActivityEditPage(env: env, activityId: id)
        case .diary: DiaryPage(env: env)
        }
    }
}

/// A photo or signature asked for by a screen, while its sheet is shown.
struct AnswerRequest: Identifiable {
    let id = UUID()
    /// `TakePhoto`'s field, or `AskSignature`'s party.
    let key: String
    let source: EffectSource
}

/// Performs a tab's effects: navigation on the tab's stack, camera, location and signature
/// pad, each answered back to the screen that asked. Sync and enrolment go to the app.
@MainActor
final class TabEffects: ObservableObject, EffectPerformer {
    @Published var path: [Route] = []
    @Published var photo: AnswerRequest?
    @Published var signature: AnswerRequest?
    private let app: AppModel
    private let locator: LocationFinding
    private let files: AnswerFiles

    init(app: AppModel, locator: LocationFinding, files: AnswerFiles) {
        self.app = app
        self.locator = locator
        self.files = files
    }

    func perform(_ effect: Effect, for source: EffectSource) {
        switch effect {
        case let .openHousehold(id): path.append(.household(id))
        case .newHousehold: path.append(.householdEdit(nil))
        case let .editHousehold(id): path.append(.householdEdit(id))
        case let .startVisit(householdId, memberId): path.append(.visit(householdId: householdId, memberId: memberId))
        case let .openConflicts(recordId): path.append(.conflicts(recordId))
        case let .open(target): show(target)
        case let .openCase(id): path.append(.caseDetail(id))
        case .newCase: path.append(.caseReport)
        case .openPlaces: path.append(.places)
        case .openDrafts: path.append(.drafts)
        case .openSearch: path.append(.search)
        case .openConflictList: path.append(.conflictList)
        case let .reportCase(subjectKind, subjectId): path.append(.caseReportAbout(subjectKind, subjectId))
        case let .openPlace(id): path.append(.place(id))
        case .newPlace: path.append(.placeEdit(nil))
        case let .editPlace(id): path.append(.placeEdit(id))
        case let .startPlaceVisit(placeId): path.append(.placeVisit(placeId))
        case let .startInspection(placeId): path.append(.inspection(placeId: placeId))
        case let .openMediation(id): path.append(.mediation(id))
        case .newMediation: path.append(.mediation(nil))
        case .openActivities: path.append(.activities)
        case let .openActivity(id): path.append(.activity(id))
        case .newActivity: path.append(.activityEdit(nil))
        case let .editActivity(id): path.append(.activityEdit(id))
        case .openDiary: path.append(.diary)
        case .close: if !path.isEmpty { path.removeLast() }
        case let .takePhoto(forField): photo = AnswerRequest(key: forField, source: source)
        case .getLocation: locate(for: source)
        case let .askSignature(party): signature = AnswerRequest(key: party, source: source)
        case .fetchPhotos: (source as? ScreenModel<CaseDetailEvent, CaseDetailView>)?.fetchPhotos()
        // The app's own effects: the sync line's sign-out and rescue file act on the whole
        // app, not on this tab's stack.
        case .startSync, .cancelSync, .enrol, .enrolled, .recordsChanged, .signOut, .signedOut, .shareRescue:
            app.perform(effect, for: source)
        }
    }

    private func show(_ target: Target) {
        switch target {
        case let .household(id, _): path.append(.household(id))
        case let .place(id): path.append(.inspection(placeId: id))
        case let .`case`(id): path.append(.caseDetail(id))
        case let .mediation(id): path.append(.mediation(id))
        case let .activity(id): path.append(.activity(id))
        }
    }

    private func locate(for source: EffectSource) {
        Task { @MainActor in
            if let fix = await locator.current() {
                await source.answer(.located(lat: fix.coordinate.latitude, lon: fix.coordinate.longitude,
                                             accuracyM: fix.horizontalAccuracy >= 0 ? fix.horizontalAccuracy : nil))
            } else {
                await source.answer(.locationUnavailable)
            }
        }
    }

    /// Nil (cancelled) is no answer: the core's `TakePhoto` expects none then.
    func photoTaken(_ jpeg: Data?, for request: AnswerRequest) {
        photo = nil
        guard let jpeg else { return }
        hand(jpeg, suffix: ".jpg", to: request.source) { .photoTaken(forField: request.key, path: $0) }
    }

    func signed(_ png: Data, for request: AnswerRequest) {
        signature = nil
        hand(png, suffix: ".png", to: request.source) { .signed(party: request.key, path: $0) }
    }

    private func hand(_ data: Data, suffix: String, to source: EffectSource, _ answer: @escaping (String) -> EffectAnswer) {
        guard let url = try? files.write(data, suffix: suffix) else { return }
        Task { @MainActor in
            await source.answer(answer(url.path))
            try? FileManager.default.removeItem(at: url)
        }
    }
}

@MainActor
struct EnrolPage: View {
    @StateObject private var model: ScreenModel<EnrolEvent, EnrolView>
    private let link: String?

    init(store: GridStore, lang: Lang, link: String?, performer: EffectPerformer) {
        _model = StateObject(wrappedValue: ScreenModel(enrol: store, lang: lang, performer: performer))
        self.link = link
    }

    var body: some View {
        Drawn(model.view, failed: model.failure != nil) { v in
            ScrollView {
                VStack(alignment: .leading, spacing: 12) {
                    SectionTitle(text: L("enrol_title"))
                    Text(L("enrol_hint"))
                    Banner(text: v.banner)
                    FieldInput(label: L("enrol_server"), value: v.server, error: v.serverError, keyboard: .URL) { model.send(.server($0)) }
                    FieldInput(label: L("enrol_code"), value: v.code, error: v.codeError) { model.send(.code($0)) }
                    Button {
                        model.send(.submit)
                    } label: {
                        Text(L("enrol_submit")).frame(maxWidth: .infinity)
                    }
                    .buttonStyle(.borderedProminent)
                    .disabled(v.busy)
                    if v.busy { ProgressView() }
                }
                .padding()
            }
        }
        .textInputAutocapitalization(.never)
        .autocorrectionDisabled()
        .task(id: link) {
            if let link { await model.send(.qrScanned(link)).value }
        }
    }
}

@MainActor
struct TodayPage: View {
    @StateObject private var model: ScreenModel<TodayEvent, TodayView>

    init(env: ScreenEnv) {
        _model = StateObject(wrappedValue: ScreenModel(today: env.store, grid: env.grid, lang: env.lang, performer: env.effects))
    }

    var body: some View {
        Drawn(model.view, failed: model.failure != nil) { v in
            List {
                if let error = v.error { Banner(text: error) }
                // The worker's other duties, one tap from the home screen.
                Button(L("search")) { model.send(.search) }
                Button(L("places")) { model.send(.places) }
                if let drafts = v.draftsText { Button(drafts) { model.send(.drafts) } }
                Button(L("activities")) { model.send(.activities) }
                Button(L("diary")) { model.send(.diary) }
                // Values two phones set differently wait for a person.
                if let conflicts = v.conflictsText { Button(conflicts) { model.send(.conflicts) }.foregroundStyle(.red) }
                if let empty = v.emptyText { Text(empty) }
                section(L("today_tasks"), v.tasks)
                section(L("today_visits"), v.visits)
                section(L("today_inspections"), v.inspections)
                section(L("today_cases"), v.cases)
                section(L("today_mediations"), v.mediations)
                section(L("today_returned"), v.returned)
            }
        }
        .navigationTitle(L("nav_today"))
        .refreshable { await model.send(.refresh(at: unixNow())).value }
        .task { model.send(.refresh(at: unixNow())) }
    }

    @ViewBuilder
    private func section(_ title: String, _ lines: [TodayLine]) -> some View {
        if !lines.isEmpty {
            Section(title) {
                ForEach(Array(lines.enumerated()), id: \.offset) { _, line in
                    HStack {
                        Button { model.send(.open(line.target)) } label: {
                            VStack(alignment: .leading) {
                                Text(line.title)
                                Text(line.detail).font(.caption).foregroundStyle(line.overdue ? Color.red : Color.secondary)
                            }
                        }
                        // An errand's next household or place, marked done where the worker stands.
                        if let mark = line.markDone {
                            Spacer()
                            Button(L("task_mark_done")) {
                                model.send(.markTaskTarget(taskId: mark.taskId, targetId: mark.targetId, at: Int64(Date().timeIntervalSince1970)))
                            }
                            .buttonStyle(.borderless)
                        }
                    }
                }
            }
        }
    }
}

/// Every record of the grid with unresolved conflicts; a line opens that record's conflicts.
@MainActor
struct ConflictListPage: View {
    @StateObject private var model: ScreenModel<ConflictListEvent, ConflictListView>

    init(env: ScreenEnv) {
        _model = StateObject(wrappedValue: ScreenModel(conflictList: env.store, grid: env.grid, lang: env.lang, performer: env.effects))
    }

    var body: some View {
        Drawn(model.view, failed: model.failure != nil) { v in
            List {
                if let error = v.error { Banner(text: error) }
                if let empty = v.emptyText { Text(empty) }
                ForEach(v.rows, id: \.id) { row in
                    Button { model.send(.open(row.id)) } label: {
                        VStack(alignment: .leading) {
                            Text(row.kind).font(.caption).foregroundStyle(.secondary)
                            Text(row.title)
                            Text(row.count).font(.caption).foregroundStyle(.red)
                        }
                    }
                }
            }
        }
        .navigationTitle(L("conflict_list_title"))
        .task { model.send(.load) }
    }
}

@MainActor
struct CaseListPage: View {
    @StateObject private var model: ScreenModel<CaseListEvent, CaseListView>

    init(env: ScreenEnv) {
        _model = StateObject(wrappedValue: ScreenModel(cases: env.store, grid: env.grid, lang: env.lang, performer: env.effects))
    }

    var body: some View {
        Drawn(model.view, failed: model.failure != nil) { v in
            List {
                // Open cases, then each state; the filter's words are the rows' own labels.
                Choices(options: [(CaseFlowState?.none, L("open_cases"))] + Self.states(v), chosen: v.filter) {
                    model.send(.filter(state: $0))
                }
                if let error = v.error { Banner(text: error) }
                if let overdue = v.overdueText { Text(overdue).foregroundStyle(.red) }
                if let empty = v.emptyText { Text(empty) }
                ForEach(v.rows, id: \.id) { row in
                    Button { model.send(.open(id: row.id)) } label: {
                        VStack(alignment: .leading) {
                            Text(row.title)
                            Text([row.stateLabel, row.severity, row.deadlineText].filter { !$0.isEmpty }.joined(separator: " · "))
                                .font(.caption).foregroundStyle(row.overdue ? Color.red : Color.secondary)
                        }
                    }
                }
            }
        }
        .navigationTitle(L("nav_cases"))
        .toolbar {
            Button { model.send(.report) } label: { Label(L("report_case"), systemImage: "plus") }
        }
        .refreshable { await model.send(.load(at: unixNow())).value }
        .task { model.send(.load(at: unixNow())) }
    }

    /// The states the rows are in, each once, for the filter (the core labels them).
    private static func states(_ v: CaseListView) -> [(CaseFlowState?, String)] {
        var seen: [CaseFlowState] = []
        var out: [(CaseFlowState?, String)] = []
        for row in v.rows where !seen.contains(row.state) {
            seen.append(row.state)
            out.append((row.state, row.stateLabel))
        }
        if let f = v.filter, !seen.contains(f) { out.append((f, L("filtered"))) }
        return out
    }
}

/// Shown instead of the app when the store cannot be opened at all: what happened and what to
/// do, in the core's words (Android twin: ui/StoreProblemScreen.kt).
struct StoreProblemPage: View {
    let view: StoreProblemView
    let retry: () -> Void
    let startOver: () -> Void

    var body: some View {
        ScrollView {
            VStack(alignment: .leading, spacing: 12) {
                Text(view.title).font(.title2).accessibilityAddTraits(.isHeader)
                Text(view.detail).foregroundColor(.red)
                ForEach(Array(view.steps.enumerated()), id: \.offset) { i, step in
                    Text("\(i + 1). \(step)")
                }
                Button(view.retry, action: retry).buttonStyle(.borderedProminent)
                if let label = view.startOver {
                    Button(label, action: startOver).buttonStyle(.bordered)
                }
            }
            .padding(24)
        }
    }
}
