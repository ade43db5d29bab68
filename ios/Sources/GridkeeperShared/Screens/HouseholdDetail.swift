// Kotlin twin: android/shared/src/main/kotlin/org/gridkeeper/app/shared/screens/HouseholdDetail.kt
import Foundation
import Gridkeeper

public struct MemberLine: Equatable, Hashable, Identifiable {
    public var id: String
    public var name: String
    public var relation: String
    /// Masked unless the worker asked to see it in full (PIPL: no more than the task needs).
    public var idNumber: String?
    public var phone: String?
    public var tags: [String]
    public var revealed: Bool
}

public struct VisitLine: Equatable, Hashable, Identifiable {
    public var id: String
    public var whenText: String
    public var worker: String
    public var purpose: String
}

public struct HouseholdDetailState: Equatable {
    public var loading = true
    public var address = ""
    public var members: [MemberLine] = []
    public var tags: [String] = []
    public var notes = ""
    public var visits: [VisitLine] = []
    public var conflictCount = 0
    public var error: String?
    public init() {}
}

public enum HouseholdDetailEvent {
    case load
    case reveal(memberId: String)
    case edit
    case visit(memberId: String?)
    case showConflicts
}

public enum HouseholdDetailEffect: Equatable {
    case editHousehold(id: String)
    case startVisit(householdId: String, memberId: String?)
    case openConflicts(recordId: String)
}

public final class HouseholdDetailHolder: StateHolder<HouseholdDetailState, HouseholdDetailEvent, HouseholdDetailEffect> {
    private let repos: Repositories
    private let householdId: String
    private let lang: Lang
    private var record: HouseholdRecord?
    private var revealed: Set<String> = []

    public init(repos: Repositories, householdId: String, lang: Lang = .zh) {
        self.repos = repos
        self.householdId = householdId
        self.lang = lang
        super.init(HouseholdDetailState())
    }

    public override func handle(_ event: HouseholdDetailEvent) async {
        switch event {
        case .load:
            await load()
        case let .reveal(memberId):
            if revealed.contains(memberId) { _ = revealed.remove(memberId) } else { _ = revealed.insert(memberId) }
            if let r = record {
                let lines = members(r)
                update { $0.members = lines }
            }
        case .edit:
            emit(.editHousehold(id: householdId))
        case let .visit(memberId):
            emit(.startVisit(householdId: householdId, memberId: memberId))
        case .showConflicts:
            emit(.openConflicts(recordId: householdId))
        }
    }

    private func load() async {
        do {
            let id = householdId
            let (r, visits, conflicts) = try await io { () throws -> (HouseholdRecord, [VisitSummary], Int) in
                let r = try self.repos.households.get(id)
                let visits = try self.repos.visits.of(id, r.grid)
                let conflicts = try self.repos.conflicts.of(id).count
                return (r, visits, conflicts)
            }
            record = r
            let a = r.data.address
            var next = HouseholdDetailState()
            next.loading = false
            next.address = [a.compound, suffix(a.building, "栋", "Bldg "), suffix(a.unit, "单元", "Unit "), a.room, a.text]
                .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
                .joined(separator: " ")
            next.members = members(r)
            next.tags = r.data.tags
            next.notes = r.data.notes
            next.visits = visits.map { v in
                VisitLine(id: v.id, whenText: Times.local(v.visitedAt), worker: v.worker,
                          purpose: v.purpose.map { Strings.label("purpose", $0, lang) } ?? "")
            }
            next.conflictCount = conflicts
            update { $0 = next }
        } catch {
            update { $0.loading = false; $0.error = Messages.plainWords(error, lang) }
        }
    }

    private func members(_ r: HouseholdRecord) -> [MemberLine] {
        r.data.members.map { m in
            let open = revealed.contains(m.id)
            return MemberLine(
                id: m.id,
                name: m.name,
                relation: Strings.label("relation", m.relation, lang),
                idNumber: m.idNumber.map { open ? $0 : maskIdNumber(value: $0) },
                phone: m.phone.map { open ? $0 : maskPhone(value: $0) },
                tags: m.tags.map { Strings.label("tag", $0, lang) },
                revealed: open
            )
        }
    }

    private func suffix(_ value: String, _ zh: String, _ en: String) -> String {
        if value.trimmingCharacters(in: .whitespaces).isEmpty { return "" }
        return lang == .zh ? value + zh : en + value
    }
}
