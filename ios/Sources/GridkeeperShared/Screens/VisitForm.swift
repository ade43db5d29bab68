// Kotlin twin: android/shared/src/main/kotlin/org/gridkeeper/app/shared/screens/VisitForm.kt
import Foundation
import Gridkeeper

public struct MemberChoice: Equatable, Hashable, Identifiable {
    public var id: String
    public var name: String
}

public struct VisitFormState: Equatable {
    public var loading = true
    /// The household's members a worker ticks as seen (Kotlin: `List<Pair<id, name>>`).
    public var members: [MemberChoice] = []
    public var purpose: VisitPurpose = .routine
    public var membersSeen: Set<String> = []
    public var findings = ""
    public var photos: [String] = []
    public var location: GeoPoint?
    /// Raise a case (an appeal, an errand, a hazard seen) together with the visit.
    public var raiseCase = false
    public var caseCategory: CaseCategory = .appeal
    public var caseDescription = ""
    public var errors: [String: String] = [:]
    public var restoredDraft = false
    public var banner: String?
    public init() {}
}

public enum VisitFormEvent {
    case load
    case purpose(VisitPurpose)
    case toggleMember(String)
    case findings(String)
    /// A photo from the camera or the picker, as bytes (JPEG, PNG, HEIC).
    case photo(bytes: Data, mediaType: String?)
    case location(lat: Double, lon: Double, accuracyM: Double?)
    case raiseCase(Bool)
    case caseCategoryChosen(CaseCategory)
    case caseDescription(String)
    case save
}

public enum VisitFormEffect: Equatable {
    case saved(visitId: String, caseId: String?)
}

/// A visit to a household (or a place), started from the household or from one member.
public final class VisitFormHolder: StateHolder<VisitFormState, VisitFormEvent, VisitFormEffect> {
    private let repos: Repositories
    private let drafts: DraftStore
    private let grid: String
    private let subject: Gridkeeper.Subject
    private let memberId: String?
    private let lang: Lang
    private let draftKey: String

    public init(repos: Repositories, drafts: DraftStore, grid: String, subject: Gridkeeper.Subject, memberId: String? = nil, lang: Lang = .zh) {
        self.repos = repos
        self.drafts = drafts
        self.grid = grid
        self.subject = subject
        self.memberId = memberId
        self.lang = lang
        draftKey = "visit:\(subject.id)"
        super.init(VisitFormState())
    }

    public override func handle(_ event: VisitFormEvent) async {
        switch event {
        case .load:
            await load()
        case let .purpose(purpose):
            edit("purpose") { $0.purpose = purpose }
        case let .toggleMember(id):
            edit("members_seen") { s in
                if s.membersSeen.contains(id) { _ = s.membersSeen.remove(id) } else { _ = s.membersSeen.insert(id) }
            }
        case let .findings(text):
            edit("findings") { $0.findings = text }
        case let .photo(bytes, mediaType):
            do {
                let hash = try await io { try self.repos.attachments.add(bytes, mediaType) }
                edit("photos") { $0.photos.append(hash) }
            } catch {
                update { $0.banner = Messages.plainWords(error, lang) }
            }
        case let .location(lat, lon, accuracyM):
            edit("location") { $0.location = GeoPoint(lat: lat, lon: lon, accuracyM: accuracyM) }
        case let .raiseCase(on):
            edit("case") { $0.raiseCase = on }
        case let .caseCategoryChosen(category):
            edit("case.category") { $0.caseCategory = category }
        case let .caseDescription(text):
            edit("description") { $0.caseDescription = text }
        case .save:
            await save()
        }
    }

    private func load() async {
        do {
            var members: [MemberChoice] = []
            if subject.kind == .household {
                let id = subject.id
                members = try await io { try self.repos.households.get(id) }.data.members.map { MemberChoice(id: $0.id, name: $0.name) }
            }
            let draft = drafts.load(draftKey)
            var base = VisitFormState()
            base.loading = false
            base.members = members
            base.membersSeen = memberId.map { [$0] } ?? []
            if let draft {
                base = Self.fromDraft(base, draft)
                base.restoredDraft = true
            }
            let next = base
            update { $0 = next }
        } catch {
            update { $0.loading = false; $0.banner = Messages.plainWords(error, lang) }
        }
    }

    private func edit(_ path: String, _ change: (inout VisitFormState) -> Void) {
        update { s in
            change(&s)
            s.errors[path] = nil
        }
        drafts.save(draftKey, Self.toDraft(state))
    }

    private func save() async {
        let s = state
        let trim = { (t: String) in t.trimmingCharacters(in: .whitespacesAndNewlines) }
        let visit = Visit(subject: subject, purpose: s.purpose, membersSeen: Array(s.membersSeen).sorted(),
                          findings: trim(s.findings), location: s.location, photos: s.photos)
        do {
            let visitId: String
            let caseId: String?
            if s.raiseCase {
                let raised = Case(category: s.caseCategory, description: trim(s.caseDescription), severity: .medium)
                let both = try await io { try self.repos.visits.createRaisingCase(self.grid, visit, raised) }
                visitId = both.visitId
                caseId = both.caseId
            } else {
                visitId = try await io { try self.repos.visits.create(self.grid, visit) }
                caseId = nil
            }
            drafts.clear(draftKey)
            update { $0.errors = [:] }
            emit(.saved(visitId: visitId, caseId: caseId))
        } catch GridkeeperError.Invalid(let field, let reason) {
            update { $0.errors[field] = Messages.fieldMessage(field, reason, lang) }
        } catch {
            update { $0.banner = Messages.plainWords(error, lang) }
        }
    }

    nonisolated static func toDraft(_ s: VisitFormState) -> [String: String] {
        var d: [String: String] = [
            "purpose": s.purpose.name,
            "members_seen": s.membersSeen.sorted().joined(separator: ","),
            "findings": s.findings,
            "photos": s.photos.joined(separator: ","),
            "raise_case": s.raiseCase ? "true" : "false",
            "case.category": s.caseCategory.name,
            "case.description": s.caseDescription,
        ]
        if let l = s.location {
            d["location"] = "\(l.lat),\(l.lon),\(l.accuracyM.map { "\($0)" } ?? "")"
        }
        return d
    }

    nonisolated static func fromDraft(_ base: VisitFormState, _ d: [String: String]) -> VisitFormState {
        func list(_ key: String) -> [String] { (d[key] ?? "").split(separator: ",").map(String.init) }
        var s = base
        s.purpose = VisitPurpose.named(d["purpose"]) ?? base.purpose
        s.membersSeen = Set(list("members_seen"))
        s.findings = d["findings"] ?? ""
        s.photos = list("photos")
        if let parts = d["location"]?.split(separator: ",", omittingEmptySubsequences: false),
           parts.count >= 2, let lat = Double(parts[0]), let lon = Double(parts[1]) {
            s.location = GeoPoint(lat: lat, lon: lon, accuracyM: parts.count > 2 ? Double(parts[2]) : nil)
        } else {
            s.location = nil
        }
        s.raiseCase = d["raise_case"] == "true"
        s.caseCategory = CaseCategory.named(d["case.category"]) ?? base.caseCategory
        s.caseDescription = d["case.description"] ?? ""
        return s
    }
}
