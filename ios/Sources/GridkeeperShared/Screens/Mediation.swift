// Kotlin twin: android/shared/src/main/kotlin/org/gridkeeper/app/shared/screens/Mediation.kt
import Foundation
import Gridkeeper

public struct PartyForm: Equatable, Hashable {
    public var id: String
    public var name = ""
    public var phone = ""
    public init(id: String, name: String = "", phone: String = "") {
        self.id = id
        self.name = name
        self.phone = phone
    }
}

public struct SessionForm: Equatable, Hashable {
    public var id = ""
    public var date = ""
    public var outcome = ""
    public init(id: String = "", date: String = "", outcome: String = "") {
        self.id = id
        self.date = date
        self.outcome = outcome
    }
}

public struct MediationState: Equatable {
    public var loading = true
    public var isNew = true
    public var disputeType: DisputeType = .neighbour
    public var riskLevel: RiskLevel = .low
    public var openedOn = ""
    public var narrative = ""
    public var parties: [PartyForm] = []
    public var sessions: [SessionForm] = []
    public var result: MediationResult?
    public var agreementText = ""
    /// Party id → attachment hash of the signature drawn on screen.
    public var signatures: [String: String] = [:]
    /// By core's field path (`parties[0].name`, `agreement_text`).
    public var errors: [String: String] = [:]
    public var restoredDraft = false
    public var banner: String?
    public init() {}
}

public enum MediationEvent {
    case load
    case field(path: String, value: String)
    case disputeTypeChosen(DisputeType)
    case riskChosen(RiskLevel)
    case resultChosen(MediationResult?)
    case addParty
    case addSession
    /// A party's signature as PNG bytes from the signature pad.
    case sign(partyId: String, png: Data)
    case save
}

public enum MediationEffect: Equatable {
    case saved(id: String)
}

/// A mediation (矛盾调解): parties, the narrative, sessions, the result and the parties'
/// signatures. New parties get their id here so a signature can name its party before the
/// record is first saved; the draft keeps everything typed until it is.
public final class MediationHolder: StateHolder<MediationState, MediationEvent, MediationEffect> {
    private let repos: Repositories
    private let drafts: DraftStore
    private let grid: String
    private let mediationId: String?
    private let lang: Lang
    private var original: MediationRecord?
    private let draftKey: String

    public init(repos: Repositories, drafts: DraftStore, grid: String, mediationId: String?, lang: Lang = .zh) {
        self.repos = repos
        self.drafts = drafts
        self.grid = grid
        self.mediationId = mediationId
        self.lang = lang
        draftKey = "mediation:" + (mediationId ?? "new")
        super.init(MediationState())
    }

    nonisolated private static func newId() -> String { UUID().uuidString.lowercased() }

    public override func handle(_ event: MediationEvent) async {
        switch event {
        case .load:
            await load()
        case let .field(path, value):
            edit(path) { $0 = Self.setField($0, path, value) }
        case let .disputeTypeChosen(type):
            edit("dispute_type") { $0.disputeType = type }
        case let .riskChosen(level):
            edit("risk_level") { $0.riskLevel = level }
        case let .resultChosen(result):
            edit("result") { $0.result = result }
        case .addParty:
            edit("parties") { $0.parties.append(PartyForm(id: Self.newId())) }
        case .addSession:
            edit("sessions") { $0.sessions.append(SessionForm(date: Times.today())) }
        case let .sign(partyId, png):
            do {
                let hash = try await io { try self.repos.attachments.add(png, "image/png") }
                edit("signatures") { $0.signatures[partyId] = hash }
            } catch {
                update { $0.banner = Messages.plainWords(error, lang) }
            }
        case .save:
            await save()
        }
    }

    private func load() async {
        do {
            let record: MediationRecord?
            if let id = mediationId {
                record = try await io { try self.repos.mediations.get(id) }
            } else {
                record = nil
            }
            original = record
            var base: MediationState
            if let record {
                base = Self.fromRecord(record.data)
            } else {
                base = MediationState()
                base.openedOn = Times.today()
                base.parties = [PartyForm(id: Self.newId())]
            }
            if let draft = drafts.load(draftKey) {
                base = Self.fromDraft(draft)
                base.restoredDraft = true
            }
            base.loading = false
            base.isNew = record == nil
            let next = base
            update { $0 = next }
        } catch {
            update { $0.loading = false; $0.banner = Messages.plainWords(error, lang) }
        }
    }

    private func edit(_ path: String, _ change: (inout MediationState) -> Void) {
        update { s in
            change(&s)
            s.errors[path] = nil
        }
        drafts.save(draftKey, Self.toDraft(state))
    }

    private func save() async {
        let s = state
        do {
            let id: String
            if let base = original {
                let data = Self.toMediation(s, base.data)
                try await io { try self.repos.mediations.update(base, data) }
                id = base.id
            } else {
                let data = Self.toMediation(s, nil)
                id = try await io { try self.repos.mediations.create(self.grid, data) }
            }
            drafts.clear(draftKey)
            update { $0.errors = [:] }
            emit(.saved(id: id))
        } catch GridkeeperError.Invalid(let field, let reason) {
            update { $0.errors[field] = Messages.fieldMessage(field, reason, lang) }
        } catch {
            update { $0.banner = Messages.plainWords(error, lang) }
        }
    }

    /// `parties[2].name` → ("parties", 2, "name").
    nonisolated static func indexed(_ path: String) -> (String, Int, String)? {
        for list in ["parties", "sessions"] where path.hasPrefix(list + "[") {
            guard let close = path.firstIndex(of: "]") else { return nil }
            let number = path[path.index(path.startIndex, offsetBy: list.count + 1)..<close]
            let rest = path[path.index(after: close)...]
            guard let i = Int(number), rest.hasPrefix("."), rest.count > 1 else { return nil }
            return (list, i, String(rest.dropFirst()))
        }
        return nil
    }

    nonisolated public static func setField(_ s: MediationState, _ path: String, _ value: String) -> MediationState {
        var s = s
        if let hit = indexed(path) {
            let (list, i, field) = hit
            if list == "parties" {
                while s.parties.count <= i { s.parties.append(PartyForm(id: "")) }
                switch field {
                case "id": s.parties[i].id = value
                case "name": s.parties[i].name = value
                case "phone": s.parties[i].phone = value
                default: break
                }
            } else {
                while s.sessions.count <= i { s.sessions.append(SessionForm()) }
                switch field {
                case "id": s.sessions[i].id = value
                case "date": s.sessions[i].date = value
                case "outcome": s.sessions[i].outcome = value
                default: break
                }
            }
            return s
        }
        switch path {
        case "opened_on": s.openedOn = value
        case "narrative": s.narrative = value
        case "agreement_text": s.agreementText = value
        case "dispute_type": s.disputeType = DisputeType.named(value) ?? s.disputeType
        case "risk_level": s.riskLevel = RiskLevel.named(value) ?? s.riskLevel
        case "result": s.result = MediationResult.named(value)
        default:
            if path.hasPrefix("signature.") { s.signatures[String(path.dropFirst("signature.".count))] = value }
        }
        return s
    }

    nonisolated public static func toDraft(_ s: MediationState) -> [String: String] {
        var d: [String: String] = [
            "opened_on": s.openedOn,
            "narrative": s.narrative,
            "agreement_text": s.agreementText,
            "dispute_type": s.disputeType.name,
            "risk_level": s.riskLevel.name,
            "result": s.result?.name ?? "",
        ]
        for (i, p) in s.parties.enumerated() {
            d["parties[\(i)].id"] = p.id
            d["parties[\(i)].name"] = p.name
            d["parties[\(i)].phone"] = p.phone
        }
        for (i, x) in s.sessions.enumerated() {
            d["sessions[\(i)].id"] = x.id
            d["sessions[\(i)].date"] = x.date
            d["sessions[\(i)].outcome"] = x.outcome
        }
        for (party, hash) in s.signatures { d["signature.\(party)"] = hash }
        return d
    }

    nonisolated public static func fromDraft(_ d: [String: String]) -> MediationState {
        d.sorted { $0.key < $1.key }.reduce(MediationState()) { s, kv in setField(s, kv.key, kv.value) }
    }

    nonisolated public static func fromRecord(_ m: Mediation) -> MediationState {
        var s = MediationState()
        s.disputeType = m.disputeType
        s.riskLevel = m.riskLevel
        s.openedOn = m.openedOn
        s.narrative = m.narrative
        s.parties = m.parties.map { PartyForm(id: $0.id, name: $0.name, phone: $0.phone ?? "") }
        s.sessions = m.sessions.map { SessionForm(id: $0.id, date: $0.date, outcome: $0.outcome) }
        s.result = m.result
        s.agreementText = m.agreementText
        s.signatures = Dictionary(m.signatures.map { ($0.partyId, $0.blob) }, uniquingKeysWith: { _, last in last })
        return s
    }

    /// Fields the form does not show (a party's household link, follow-ups) are kept.
    nonisolated public static func toMediation(_ s: MediationState, _ before: Mediation?) -> Mediation {
        func trim(_ t: String) -> String { t.trimmingCharacters(in: .whitespacesAndNewlines) }
        let parties: [Party] = s.parties.map { p in
            var out = before?.parties.first { $0.id == p.id } ?? Party(name: "")
            out.id = p.id
            out.name = trim(p.name)
            out.phone = trim(p.phone).isEmpty ? nil : trim(p.phone)
            return out
        }
        let sessions: [MediationSession] = s.sessions.map { x in
            var out = before?.sessions.first { !$0.id.isEmpty && $0.id == x.id } ?? MediationSession(date: "")
            out.id = x.id
            out.date = trim(x.date)
            out.outcome = trim(x.outcome)
            return out
        }
        var m = before ?? Mediation(disputeType: s.disputeType, riskLevel: s.riskLevel, openedOn: s.openedOn)
        m.disputeType = s.disputeType
        m.riskLevel = s.riskLevel
        m.openedOn = trim(s.openedOn)
        m.narrative = s.narrative
        m.parties = parties
        m.sessions = sessions
        m.result = s.result
        m.agreementText = s.agreementText
        m.signatures = s.signatures.map { Signature(partyId: $0.key, blob: $0.value) }.sorted { $0.partyId < $1.partyId }
        return m
    }
}
