// Android twins: android/app/src/main/java/org/gridkeeper/app/ui/HomeScreens.kt and the
// navigation of MainActivity.kt
import Gridkeeper
import GridkeeperShared
import SwiftUI

/// Where a screen can lead; each tab keeps its own stack of these.
enum Route: Hashable {
    case household(String)
    case householdEdit(String?)
    case visit(householdId: String, memberId: String?)
    case inspection(placeId: String?)
    case caseDetail(String)
    case mediation(String?)
    case conflicts(String)
}

@MainActor
struct RootView: View {
    @ObservedObject var model: AppModel

    var body: some View {
        switch model.phase {
        case .opening:
            Loading().task { await model.start() }
        case let .failed(message):
            Text(message).padding()
        case .needsEnrolment:
            if let repos = model.repos {
                EnrolScreen(repos: repos, lang: model.lang, link: model.enrolLink) { model.enrolled($0) }
            }
        case let .ready(grid):
            if let repos = model.repos, let drafts = model.drafts {
                Tabs(env: ScreenEnv(repos: repos, drafts: drafts, lang: model.lang, grid: grid))
            }
        }
    }
}

/// What every screen needs to build its view model.
struct ScreenEnv {
    let repos: Repositories
    let drafts: DraftStore
    let lang: Lang
    let grid: String
}

@MainActor
private struct Tabs: View {
    let env: ScreenEnv

    var body: some View {
        VStack(spacing: 0) {
            SyncBar(repos: env.repos, lang: env.lang) { removed in AppModel.shared.signedOut(removed: removed) }
            TabView {
                Stack(env: env) { TodayScreen(env: env) }
                    .tabItem { Label(L("nav_today"), systemImage: "calendar") }
                Stack(env: env) { HouseholdsScreen(env: env) }
                    .tabItem { Label(L("nav_households"), systemImage: "house") }
                Stack(env: env) { InspectionScreen(env: env, placeId: nil) }
                    .tabItem { Label(L("nav_inspection"), systemImage: "checklist") }
                Stack(env: env) { CasesScreen(env: env) }
                    .tabItem { Label(L("nav_cases"), systemImage: "exclamationmark.triangle") }
                Stack(env: env) { MediationScreen(env: env, mediationId: nil) }
                    .tabItem { Label(L("nav_mediation"), systemImage: "bubble.left.and.bubble.right") }
            }
        }
    }
}

/// A tab's navigation stack; screens push routes through `Navigator`.
@MainActor
private struct Stack<Root: View>: View {
    let env: ScreenEnv
    let root: () -> Root
    @StateObject private var nav = Navigator()

    init(env: ScreenEnv, @ViewBuilder root: @escaping () -> Root) {
        self.env = env
        self.root = root
    }

    var body: some View {
        NavigationStack(path: $nav.path) {
            root()
                .navigationDestination(for: Route.self) { route in destination(route) }
        }
        .environmentObject(nav)
    }

    @ViewBuilder
    private func destination(_ route: Route) -> some View {
        switch route {
        case let .household(id): HouseholdDetailScreen(env: env, householdId: id)
        case let .householdEdit(id): HouseholdEditScreen(env: env, householdId: id)
        case let .visit(householdId, memberId): VisitScreen(env: env, householdId: householdId, memberId: memberId)
        case let .inspection(placeId): InspectionScreen(env: env, placeId: placeId)
        case let .caseDetail(id): CaseDetailScreen(env: env, caseId: id)
        case let .mediation(id): MediationScreen(env: env, mediationId: id)
        case let .conflicts(id): ConflictsScreen(env: env, recordId: id)
        }
    }
}

@MainActor
final class Navigator: ObservableObject {
    @Published var path: [Route] = []
    func push(_ route: Route) { path.append(route) }
    func pop() { if !path.isEmpty { path.removeLast() } }
}

@MainActor
struct EnrolScreen: View {
    @StateObject private var vm: EnrolHolder
    private let link: String?
    private let onEnrolled: ([String]) -> Void

    init(repos: Repositories, lang: Lang, link: String?, onEnrolled: @escaping ([String]) -> Void) {
        _vm = StateObject(wrappedValue: EnrolHolder(repos: repos, lang: lang))
        self.link = link
        self.onEnrolled = onEnrolled
    }

    var body: some View {
        let s = vm.state
        ScrollView {
            VStack(alignment: .leading, spacing: 12) {
                SectionTitle(text: L("enrol_title"))
                Text(L("enrol_hint"))
                Banner(text: s.banner)
                FieldInput(label: L("enrol_server"), value: s.server, error: s.errors["server"], keyboard: .URL) { vm.post(.server($0)) }
                FieldInput(label: L("enrol_code"), value: s.code, error: s.errors["code"]) { vm.post(.code($0)) }
                Button {
                    vm.post(.submit)
                } label: {
                    Text(L("enrol_submit")).frame(maxWidth: .infinity)
                }
                .buttonStyle(.borderedProminent)
                .disabled(s.busy)
                if s.busy { ProgressView() }
            }
            .padding()
        }
        .textInputAutocapitalization(.never)
        .autocorrectionDisabled()
        .effects(of: vm) { effect in
            if case let .enrolled(grids) = effect { onEnrolled(grids) }
        }
        .task(id: link) {
            if let link { await vm.send(.qrScanned(link)) }
        }
    }
}

@MainActor
struct TodayScreen: View {
    @StateObject private var vm: TodayHolder
    @EnvironmentObject private var nav: Navigator

    init(env: ScreenEnv) {
        _vm = StateObject(wrappedValue: TodayHolder(repos: env.repos, grid: env.grid, lang: env.lang))
    }

    var body: some View {
        let s = vm.state
        List {
            if let error = s.error { Banner(text: error) }
            if !s.loading && s.empty { Text(L("empty_today")) }
            section(L("today_visits"), s.visits)
            section(L("today_inspections"), s.inspections)
            section(L("today_cases"), s.cases)
            section(L("today_mediations"), s.mediations)
        }
        .navigationTitle(L("nav_today"))
        .refreshable { await vm.send(.refresh) }
        .task { await vm.send(.refresh) }
        .effects(of: vm) { effect in
            guard case let .navigate(target) = effect else { return }
            switch target {
            case let .household(id, _): nav.push(.household(id))
            case let .place(id): nav.push(.inspection(placeId: id))
            case let .`case`(id): nav.push(.caseDetail(id))
            case let .mediation(id): nav.push(.mediation(id))
            }
        }
    }

    @ViewBuilder
    private func section(_ title: String, _ lines: [AgendaLine]) -> some View {
        if !lines.isEmpty {
            Section(title) {
                ForEach(lines, id: \.self) { line in
                    Button { vm.post(.open(line.target)) } label: {
                        VStack(alignment: .leading) {
                            Text(line.title)
                            Text(line.detail).font(.caption).foregroundStyle(line.overdue ? Color.red : Color.secondary)
                        }
                    }
                }
            }
        }
    }
}

@MainActor
struct CasesScreen: View {
    @StateObject private var vm: CasesHolder
    @EnvironmentObject private var nav: Navigator
    private let lang: Lang

    init(env: ScreenEnv) {
        _vm = StateObject(wrappedValue: CasesHolder(repos: env.repos, grid: env.grid, lang: env.lang))
        lang = env.lang
    }

    var body: some View {
        let s = vm.state
        List {
            Choices(options: [(CaseState?.none, L("open_cases"))] + CaseState.allCases.map { (Optional($0), Strings.label("state", $0, lang)) },
                    chosen: s.filter) { vm.post(.filter($0)) }
            if let error = s.error { Banner(text: error) }
            ForEach(s.rows) { row in
                Button { vm.post(.open(row.id)) } label: {
                    VStack(alignment: .leading) {
                        Text(row.title)
                        Text(row.stateLabel + " · " + L("deadline", row.deadline))
                            .font(.caption).foregroundStyle(row.overdue ? Color.red : Color.secondary)
                    }
                }
            }
        }
        .navigationTitle(L("nav_cases"))
        .refreshable { await vm.send(.load) }
        .task { await vm.send(.load) }
        .effects(of: vm) { effect in
            if case let .openCase(id) = effect { nav.push(.caseDetail(id)) }
        }
    }
}
