// Kotlin twin: android/shared/src/main/kotlin/org/gridkeeper/app/shared/screens/Conflicts.kt
import Foundation
import Gridkeeper

public struct ConflictChoice: Equatable, Hashable {
    /// The index to pass back when this value is picked.
    public var index: Int
    public var value: String
    public var who: String
    public var whenText: String
    /// The value shown until someone picks one.
    public var shownNow: Bool
}

public struct ConflictLine: Equatable, Hashable {
    public var path: String
    public var field: String
    public var choices: [ConflictChoice]
}

public struct ConflictsState: Equatable {
    public var loading = true
    public var conflicts: [ConflictLine] = []
    public var banner: String?
    public init() {}
}

public enum ConflictsEvent {
    case load
    case pick(path: String, index: Int)
}

public enum ConflictsEffect: Equatable {
    case allResolved
}

/// Where two devices set one field differently: both values, who set them and when;
/// a tap keeps one (core writes it as a new change that supersedes both).
public final class ConflictsHolder: StateHolder<ConflictsState, ConflictsEvent, ConflictsEffect> {
    private let repos: Repositories
    private let recordId: String
    private let lang: Lang

    public init(repos: Repositories, recordId: String, lang: Lang = .zh) {
        self.repos = repos
        self.recordId = recordId
        self.lang = lang
        super.init(ConflictsState())
    }

    public override func handle(_ event: ConflictsEvent) async {
        switch event {
        case .load:
            await load(nil)
        case let .pick(path, index):
            do {
                try await io { try self.repos.conflicts.resolve(self.recordId, path, index) }
                await load(nil)
                if state.conflicts.isEmpty { emit(.allResolved) }
            } catch {
                // Settled elsewhere meanwhile: show what is left and say why.
                await load(Messages.plainWords(error, lang))
            }
        }
    }

    private func load(_ banner: String?) async {
        do {
            let conflicts = try await io { try self.repos.conflicts.of(self.recordId) }
            let lang = self.lang
            var next = ConflictsState()
            next.loading = false
            next.banner = banner
            next.conflicts = conflicts.map { c in
                ConflictLine(
                    path: c.path,
                    field: Messages.fieldLabel(c.path, lang),
                    choices: c.values.enumerated().map { i, v in
                        ConflictChoice(index: i, value: Self.display(v.valueJson),
                                       who: v.user ?? (Strings.get("conflict.unknown_user", lang) + " " + String(v.actor.prefix(6))),
                                       whenText: Times.local(millis: v.timeMs), shownNow: v.winner)
                    }
                )
            }
            update { $0 = next }
        } catch {
            update { $0.loading = false; $0.banner = Messages.plainWords(error, lang) }
        }
    }

    /// A JSON scalar as a person reads it: `"13812345678"` → 13812345678.
    nonisolated public static func display(_ json: String) -> String {
        let t = json.trimmingCharacters(in: .whitespacesAndNewlines)
        if t.count >= 2, t.hasPrefix("\""), t.hasSuffix("\"") {
            return String(t.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"").replacingOccurrences(of: "\\\\", with: "\\")
        }
        return t
    }
}
