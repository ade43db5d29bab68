// Kotlin twin: android/shared/src/main/kotlin/org/gridkeeper/app/shared/screens/Cases.kt
import Foundation
import Gridkeeper

public struct CaseLine: Equatable, Hashable, Identifiable {
    public var id: String
    public var title: String
    public var state: CaseState
    public var stateLabel: String
    public var deadline: String
    public var overdue: Bool
}

public struct CasesState: Equatable {
    /// nil: every open case; otherwise just this state.
    public var filter: CaseState?
    public var rows: [CaseLine] = []
    public var error: String?
    public init() {}
}

public enum CasesEvent {
    case load
    case filter(CaseState?)
    case open(String)
}

public enum CasesEffect: Equatable {
    case openCase(id: String)
}

/// Cases by state and deadline: core lists open cases first, the most overdue on top.
public final class CasesHolder: StateHolder<CasesState, CasesEvent, CasesEffect> {
    private static let closedStates: Set<CaseState> = [.resolved, .verified, .closed]
    private let repos: Repositories
    private let grid: String?
    private let lang: Lang

    public init(repos: Repositories, grid: String?, lang: Lang = .zh) {
        self.repos = repos
        self.grid = grid
        self.lang = lang
        super.init(CasesState())
    }

    public override func handle(_ event: CasesEvent) async {
        switch event {
        case .load: await load(state.filter)
        case let .filter(filter): await load(filter)
        case let .open(id): emit(.openCase(id: id))
        }
    }

    private func load(_ filter: CaseState?) async {
        do {
            let all = try await io { try self.repos.cases.list(self.grid) }
            let rows = all
                .filter { c in filter.map { c.state == $0 } ?? !Self.closedStates.contains(c.state) }
                .map { c in
                    CaseLine(id: c.id,
                             title: Strings.label("category", c.category, lang) + (c.subcategory.map { " · \($0)" } ?? ""),
                             state: c.state,
                             stateLabel: Strings.label("state", c.state, lang),
                             deadline: Times.local(c.deadline),
                             overdue: c.overdue)
                }
            var next = CasesState()
            next.filter = filter
            next.rows = rows
            update { $0 = next }
        } catch {
            update { $0.filter = filter; $0.error = Messages.plainWords(error, lang) }
        }
    }
}

public struct TimelineLine: Equatable, Hashable {
    public var action: String
    public var by: String
    public var at: String
    public var note: String
    public var reason: String
    public var photos: [String]
}

public struct ActionChoice: Equatable, Hashable {
    public var action: CaseAction
    public var label: String
}

public struct CaseDetailState: Equatable {
    public var loading = true
    public var title = ""
    public var description = ""
    public var state: CaseState?
    public var stateLabel = ""
    public var deadline = ""
    public var overdue = false
    public var timeline: [TimelineLine] = []
    /// Photos of the hazard as reported (before) and of its rectification (after).
    public var photosBefore: [String] = []
    public var photosAfter: [String] = []
    /// Only the transitions core allows from the current state, each with its label
    /// (Kotlin: `List<Pair<CaseAction, String>>`).
    public var actions: [ActionChoice] = []
    public var note = ""
    public var reason = ""
    public var escalateTo: EscalationLevel?
    public var photos: [String] = []
    /// By input: `reason`, `escalate_to`, `note`.
    public var errors: [String: String] = [:]
    public var banner: String?
    public init() {}
}

public enum CaseDetailEvent {
    case load
    case note(String)
    case reason(String)
    case escalateTo(EscalationLevel)
    case photo(bytes: Data, mediaType: String?)
    case act(CaseAction)
}

public enum CaseDetailEffect: Equatable {
    case moved(CaseState)
}

public final class CaseDetailHolder: StateHolder<CaseDetailState, CaseDetailEvent, CaseDetailEffect> {
    private let repos: Repositories
    private let caseId: String
    private let lang: Lang

    public init(repos: Repositories, caseId: String, lang: Lang = .zh) {
        self.repos = repos
        self.caseId = caseId
        self.lang = lang
        super.init(CaseDetailState())
    }

    public override func handle(_ event: CaseDetailEvent) async {
        switch event {
        case .load:
            await load()
        case let .note(text):
            update { $0.note = text; $0.errors["note"] = nil }
        case let .reason(text):
            update { $0.reason = text; $0.errors["reason"] = nil }
        case let .escalateTo(level):
            update { $0.escalateTo = level; $0.errors["escalate_to"] = nil }
        case let .photo(bytes, mediaType):
            do {
                let hash = try await io { try self.repos.attachments.add(bytes, mediaType) }
                update { $0.photos.append(hash) }
            } catch {
                update { $0.banner = Messages.plainWords(error, lang) }
            }
        case let .act(action):
            await act(action)
        }
    }

    private func act(_ action: CaseAction) async {
        let s = state
        let trim = { (t: String) in t.trimmingCharacters(in: .whitespacesAndNewlines) }
        let transition = CaseTransition(action: action, note: trim(s.note), reason: trim(s.reason),
                                        escalateTo: s.escalateTo, photos: s.photos)
        do {
            let next = try await io { try self.repos.cases.transition(self.caseId, transition) }
            update { $0.note = ""; $0.reason = ""; $0.escalateTo = nil; $0.photos = []; $0.errors = [:] }
            await load()
            emit(.moved(next))
        } catch GridkeeperError.Invalid(let field, let reason) {
            // Core names the entry's field (`timeline[3].reason`); the form has one of each.
            let input = field.split(separator: ".").last.map(String.init) ?? field
            update { $0.errors[input] = Messages.fieldMessage(field, reason, lang) }
        } catch {
            update { $0.banner = Messages.plainWords(error, lang) }
        }
    }

    private func load() async {
        do {
            let id = caseId
            let (c, actions) = try await io { () throws -> (CaseRecord, [CaseAction]) in
                let c = try self.repos.cases.get(id)
                let actions = try self.repos.cases.legalActions(c.state)
                return (c, actions)
            }
            let timeline = c.data.timeline.sorted { ($0.at, $0.id) < ($1.at, $1.id) }
            let lang = self.lang
            update { s in
                s.loading = false
                s.title = Strings.label("category", c.data.category, lang) + " · " + Strings.label("severity", c.data.severity, lang)
                s.description = c.data.description
                s.state = c.state
                s.stateLabel = Strings.label("state", c.state, lang)
                s.deadline = Times.local(c.data.deadline)
                s.overdue = c.overdue
                s.timeline = timeline.map { t in
                    TimelineLine(action: Strings.label("action", t.action, lang), by: t.by, at: Times.local(t.at),
                                 note: t.note, reason: t.reason, photos: t.photos)
                }
                s.photosBefore = c.data.photos
                s.photosAfter = timeline.filter { $0.action == .resolve }.flatMap(\.photos)
                s.actions = actions.map { ActionChoice(action: $0, label: Strings.label("action", $0, lang)) }
                s.banner = nil
            }
        } catch {
            update { $0.loading = false; $0.banner = Messages.plainWords(error, lang) }
        }
    }
}
