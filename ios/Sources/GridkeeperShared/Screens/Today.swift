// Kotlin twin: android/shared/src/main/kotlin/org/gridkeeper/app/shared/screens/Today.kt
import Foundation
import Gridkeeper

/// Where a tap on an agenda line goes.
public enum AgendaTarget: Equatable, Hashable {
    case household(id: String, memberId: String? = nil)
    case place(id: String)
    case `case`(id: String)
    case mediation(id: String)
}

public struct AgendaLine: Equatable, Hashable {
    public var title: String
    public var detail: String
    public var overdue: Bool
    public var target: AgendaTarget
}

public struct TodayState: Equatable {
    public var loading = true
    public var visits: [AgendaLine] = []
    public var inspections: [AgendaLine] = []
    public var cases: [AgendaLine] = []
    public var mediations: [AgendaLine] = []
    public var error: String?
    public init() {}

    public var empty: Bool { visits.isEmpty && inspections.isEmpty && cases.isEmpty && mediations.isEmpty }
}

public enum TodayEvent {
    case refresh
    case open(AgendaTarget)
}

public enum TodayEffect: Equatable {
    case navigate(AgendaTarget)
}

public final class TodayHolder: StateHolder<TodayState, TodayEvent, TodayEffect> {
    private let repos: Repositories
    private let grid: String?
    private let lang: Lang

    public init(repos: Repositories, grid: String?, lang: Lang = .zh) {
        self.repos = repos
        self.grid = grid
        self.lang = lang
        super.init(TodayState())
    }

    public override func handle(_ event: TodayEvent) async {
        switch event {
        case .refresh: await refresh()
        case let .open(target): emit(.navigate(target))
        }
    }

    private func due(_ dueOn: String, _ daysOverdue: Int64) -> String {
        if daysOverdue > 0 {
            return lang == .zh ? "已超期 \(daysOverdue) 天" : "\(daysOverdue) days overdue"
        }
        return lang == .zh ? "应于 \(dueOn) 前" : "due by \(dueOn)"
    }

    private func refresh() async {
        do {
            let agenda = try await io { try self.repos.agenda(self.grid) }
            var next = TodayState()
            next.loading = false
            next.visits = agenda.visits.map { v in
                AgendaLine(title: "\(v.name) · \(Strings.label("tag", v.tag, lang))", detail: due(v.dueOn, v.daysOverdue),
                           overdue: v.daysOverdue > 0, target: .household(id: v.householdId, memberId: v.memberId))
            }
            next.inspections = agenda.inspections.map { i in
                AgendaLine(title: i.name, detail: due(i.dueOn, i.daysOverdue), overdue: i.daysOverdue > 0, target: .place(id: i.placeId))
            }
            next.cases = agenda.cases.map { c in
                let title = Strings.label("category", c.category, lang) + " · " + Strings.label("severity", c.severity, lang)
                let detail = Strings.label("state", c.state, lang) + " · " + (lang == .zh ? "期限 " : "deadline ") + Times.local(c.deadline)
                return AgendaLine(title: title, detail: detail, overdue: c.overdue, target: .`case`(id: c.caseId))
            }
            next.mediations = agenda.mediations.map { m in
                AgendaLine(title: Strings.label("dispute", m.disputeType, lang),
                           detail: (lang == .zh ? "回访 " : "follow up ") + m.dueOn,
                           overdue: m.needsEscalation, target: .mediation(id: m.mediationId))
            }
            update { $0 = next }
        } catch {
            update { $0.loading = false; $0.error = Messages.plainWords(error, lang) }
        }
    }
}
