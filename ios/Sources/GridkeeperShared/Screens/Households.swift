// Kotlin twin: android/shared/src/main/kotlin/org/gridkeeper/app/shared/screens/Households.kt
import Foundation
import Gridkeeper

public struct HouseholdLine: Equatable, Hashable, Identifiable {
    public var id: String
    public var title: String
    public var address: String
    public var tags: [String]
}

public struct HouseholdsState: Equatable {
    public var query = ""
    public var tag: MemberTag?
    /// Browsing: 楼栋, then 单元 within it; nil shows every household.
    public var building: String?
    public var unit: String?
    /// The buildings (or a building's units) to browse into, when not searching.
    public var groups: [String] = []
    public var rows: [HouseholdLine] = []
    public var error: String?
    public init() {}
}

public enum HouseholdsEvent {
    case load
    case query(String)
    case tag(MemberTag?)
    case browse(String)
    case up
    case open(String)
    case add
}

public enum HouseholdsEffect: Equatable {
    case openHousehold(id: String)
    case newHousehold
}

/// The household list: search by 汉字 or pinyin initials (core's index), a tag filter, and
/// building → unit → room browsing over the list's address parts.
public final class HouseholdsHolder: StateHolder<HouseholdsState, HouseholdsEvent, HouseholdsEffect> {
    private let repos: Repositories
    private let grid: String?
    private let lang: Lang

    public init(repos: Repositories, grid: String?, lang: Lang = .zh) {
        self.repos = repos
        self.grid = grid
        self.lang = lang
        super.init(HouseholdsState())
    }

    public override func handle(_ event: HouseholdsEvent) async {
        var s = state
        switch event {
        case .load:
            await reload(s)
        case let .query(text):
            s.query = text
            await reload(s)
        case let .tag(tag):
            s.tag = tag
            await reload(s)
        case let .browse(group):
            if s.building == nil { s.building = group } else { s.unit = group }
            await reload(s)
        case .up:
            if s.unit != nil { s.unit = nil } else { s.building = nil }
            await reload(s)
        case let .open(id):
            emit(.openHousehold(id: id))
        case .add:
            emit(.newHousehold)
        }
    }

    private func reload(_ next: HouseholdsState) async {
        let found: [HouseholdSummary]
        do {
            found = try await io { try self.repos.households.list(self.grid, next.query) }
        } catch {
            update { $0 = next; $0.error = Messages.plainWords(error, lang) }
            return
        }
        let tagName = next.tag?.name
        let tagged = found.filter { tagName == nil || $0.memberTags.contains(tagName!) }
        let searching = !next.query.trimmingCharacters(in: .whitespaces).isEmpty
        let inPlace = tagged.filter { h in
            searching || ((next.building == nil || h.building == next.building) && (next.unit == nil || h.unit == next.unit))
        }
        let groups: [String]
        if searching {
            groups = []
        } else if next.building == nil {
            groups = Self.distinctSorted(inPlace.map(\.building))
        } else if next.unit == nil {
            groups = Self.distinctSorted(inPlace.map(\.unit))
        } else {
            groups = []
        }
        let ordered = next.building != nil && !searching
            ? inPlace.sorted { Self.naturalOrder($0.room, $1.room) }
            : inPlace
        let rows = ordered.map { line($0) }
        update { $0 = next; $0.groups = groups; $0.rows = rows; $0.error = nil }
    }

    private func line(_ h: HouseholdSummary) -> HouseholdLine {
        HouseholdLine(id: h.id, title: h.headName ?? h.address, address: h.address,
                      tags: h.memberTags.map { Strings.label("tag", $0, lang) })
    }

    nonisolated private static func distinctSorted(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { !$0.isEmpty && seen.insert($0).inserted }.sorted(by: naturalOrder)
    }

    /// Building "10" after "9", as on the doors; names that are not numbers after numbers.
    nonisolated public static func naturalOrder(_ a: String, _ b: String) -> Bool {
        let x = Int(a) ?? Int.max
        let y = Int(b) ?? Int.max
        return x != y ? x < y : a < b
    }
}
