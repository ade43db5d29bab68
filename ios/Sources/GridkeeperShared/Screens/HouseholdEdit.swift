// Kotlin twin: android/shared/src/main/kotlin/org/gridkeeper/app/shared/screens/HouseholdEdit.kt
import Foundation
import Gridkeeper

public struct MemberForm: Equatable, Hashable {
    /// Empty for a member not saved yet; the store gives the id.
    public var id = ""
    public var name = ""
    public var idNumber = ""
    public var phone = ""
    public var relation: Relation = .other
    public var registration: Registration = .local
    public var tags: Set<MemberTag> = []

    public init(id: String = "", name: String = "", idNumber: String = "", phone: String = "",
                relation: Relation = .other, registration: Registration = .local, tags: Set<MemberTag> = []) {
        self.id = id
        self.name = name
        self.idNumber = idNumber
        self.phone = phone
        self.relation = relation
        self.registration = registration
        self.tags = tags
    }
}

public struct HouseholdForm: Equatable {
    public var compound = ""
    public var building = ""
    public var unit = ""
    public var room = ""
    public var text = ""
    public var housingType: HousingType = .ownerOccupied
    public var notes = ""
    public var members: [MemberForm] = []
    public init(members: [MemberForm] = []) { self.members = members }
}

public struct HouseholdEditState: Equatable {
    public var loading = true
    public var isNew = true
    public var form = HouseholdForm()
    /// By core's field path (`address.building`, `members[1].id_number`): the message shown
    /// beside that input. `address` is the whole address block.
    public var errors: [String: String] = [:]
    public var restoredDraft = false
    public var saving = false
    public var banner: String?
    public init() {}
}

public enum HouseholdEditEvent {
    case load
    /// A text input changed; `path` is core's field path, as in `HouseholdEditState.errors`.
    case field(path: String, value: String)
    case housingTypeChosen(HousingType)
    case relationChosen(member: Int, relation: Relation)
    case registrationChosen(member: Int, registration: Registration)
    case toggleTag(member: Int, tag: MemberTag)
    case addMember
    case removeMember(Int)
    case save
    case discard
}

public enum HouseholdEditEffect: Equatable {
    case saved(id: String)
    case closed
}

/// Add or edit a household. Every change is written to the draft store at once, so the form
/// comes back as it was after the app is killed; the draft is cleared when the record saves.
/// Validation is core's: a refused save puts core's message beside the input it names.
public final class HouseholdEditHolder: StateHolder<HouseholdEditState, HouseholdEditEvent, HouseholdEditEffect> {
    private let repos: Repositories
    private let drafts: DraftStore
    private let grid: String
    private let householdId: String?
    private let lang: Lang
    private var original: HouseholdRecord?
    private let draftKey: String

    public init(repos: Repositories, drafts: DraftStore, grid: String, householdId: String?, lang: Lang = .zh) {
        self.repos = repos
        self.drafts = drafts
        self.grid = grid
        self.householdId = householdId
        self.lang = lang
        draftKey = "household:" + (householdId ?? "new")
        super.init(HouseholdEditState())
    }

    public override func handle(_ event: HouseholdEditEvent) async {
        switch event {
        case .load:
            await load()
        case let .field(path, value):
            edit(path) { Self.setField($0, path, value) }
        case let .housingTypeChosen(type):
            edit("housing_type") { var f = $0; f.housingType = type; return f }
        case let .relationChosen(member, relation):
            editMember(member, "relation") { $0.relation = relation }
        case let .registrationChosen(member, registration):
            editMember(member, "registration") { $0.registration = registration }
        case let .toggleTag(member, tag):
            editMember(member, "tags") { m in
                if m.tags.contains(tag) { _ = m.tags.remove(tag) } else { _ = m.tags.insert(tag) }
            }
        case .addMember:
            edit("members") { var f = $0; f.members.append(MemberForm()); return f }
        case let .removeMember(index):
            // Member paths shift when one is removed, so old messages would point at the wrong row.
            edit("members") { f in
                var f = f
                if f.members.indices.contains(index) { f.members.remove(at: index) }
                return f
            }
            update { $0.errors = [:] }
        case .save:
            await save()
        case .discard:
            drafts.clear(draftKey)
            emit(.closed)
        }
    }

    private func load() async {
        do {
            let record: HouseholdRecord?
            if let id = householdId {
                record = try await io { try self.repos.households.get(id) }
            } else {
                record = nil
            }
            original = record
            let draft = drafts.load(draftKey)
            let form: HouseholdForm
            if let draft {
                form = Self.fromDraft(draft)
            } else if let record {
                form = Self.fromRecord(record.data)
            } else {
                form = HouseholdForm(members: [MemberForm(relation: .head)])
            }
            var next = HouseholdEditState()
            next.loading = false
            next.isNew = record == nil
            next.form = form
            next.restoredDraft = draft != nil
            update { $0 = next }
        } catch {
            update { $0.loading = false; $0.banner = Messages.plainWords(error, lang) }
        }
    }

    private func edit(_ path: String, _ change: (HouseholdForm) -> HouseholdForm) {
        update { s in
            s.form = change(s.form)
            s.errors[path] = nil
            s.errors["address"] = nil
        }
        drafts.save(draftKey, Self.toDraft(state.form))
    }

    private func editMember(_ index: Int, _ field: String, _ change: (inout MemberForm) -> Void) {
        edit("members[\(index)].\(field)") { f in
            var f = f
            if f.members.indices.contains(index) { change(&f.members[index]) }
            return f
        }
    }

    private func save() async {
        let form = state.form
        update { $0.saving = true; $0.banner = nil }
        do {
            let id: String
            if let base = original {
                let edited = Self.toHousehold(form, base.data)
                try await io { try self.repos.households.update(base, edited) }
                id = base.id
            } else {
                let data = Self.toHousehold(form, nil)
                id = try await io { try self.repos.households.create(self.grid, data) }
            }
            drafts.clear(draftKey)
            update { $0.saving = false; $0.errors = [:] }
            emit(.saved(id: id))
        } catch GridkeeperError.Invalid(let field, let reason) {
            update { $0.saving = false; $0.errors[field] = Messages.fieldMessage(field, reason, lang) }
        } catch {
            update { $0.saving = false; $0.banner = Messages.plainWords(error, lang) }
        }
    }

    /// `members[12].id_number` → (12, "id_number").
    nonisolated static func memberPath(_ path: String) -> (Int, String)? {
        guard path.hasPrefix("members["), let close = path.firstIndex(of: "]") else { return nil }
        let number = path[path.index(path.startIndex, offsetBy: 8)..<close]
        let rest = path[path.index(after: close)...]
        guard let index = Int(number), rest.hasPrefix("."), rest.count > 1 else { return nil }
        return (index, String(rest.dropFirst()))
    }

    nonisolated public static func setField(_ form: HouseholdForm, _ path: String, _ value: String) -> HouseholdForm {
        var form = form
        if let member = memberPath(path) {
            let (index, field) = member
            while form.members.count <= index { form.members.append(MemberForm()) }
            var m = form.members[index]
            switch field {
            case "name": m.name = value
            case "id_number": m.idNumber = value
            case "phone": m.phone = value
            case "id": m.id = value
            case "relation": m.relation = Relation.named(value) ?? m.relation
            case "registration": m.registration = Registration.named(value) ?? m.registration
            case "tags": m.tags = Set(value.split(separator: ",").compactMap { MemberTag.named(String($0)) })
            default: break
            }
            form.members[index] = m
            return form
        }
        switch path {
        case "address.compound": form.compound = value
        case "address.building": form.building = value
        case "address.unit": form.unit = value
        case "address.room": form.room = value
        case "address.text": form.text = value
        case "notes": form.notes = value
        case "housing_type": form.housingType = HousingType.named(value) ?? form.housingType
        default: break
        }
        return form
    }

    nonisolated public static func toDraft(_ form: HouseholdForm) -> [String: String] {
        var d: [String: String] = [
            "address.compound": form.compound,
            "address.building": form.building,
            "address.unit": form.unit,
            "address.room": form.room,
            "address.text": form.text,
            "notes": form.notes,
            "housing_type": form.housingType.name,
            "member_count": String(form.members.count),
        ]
        for (i, m) in form.members.enumerated() {
            d["members[\(i)].id"] = m.id
            d["members[\(i)].name"] = m.name
            d["members[\(i)].id_number"] = m.idNumber
            d["members[\(i)].phone"] = m.phone
            d["members[\(i)].relation"] = m.relation.name
            d["members[\(i)].registration"] = m.registration.name
            // In the declared order, so a draft is stable byte for byte.
            d["members[\(i)].tags"] = MemberTag.allCases.filter { m.tags.contains($0) }.map(\.name).joined(separator: ",")
        }
        return d
    }

    nonisolated public static func fromDraft(_ draft: [String: String]) -> HouseholdForm {
        let count = Int(draft["member_count"] ?? "") ?? 0
        let start = HouseholdForm(members: Array(repeating: MemberForm(), count: count))
        // Member rows first (they size the list), then the rest; the count key is not a field.
        let ordered = draft.sorted { a, b in
            let am = a.key.hasPrefix("members["), bm = b.key.hasPrefix("members[")
            return am != bm ? am : a.key < b.key
        }
        return ordered.reduce(start) { f, kv in setField(f, kv.key, kv.value) }
    }

    nonisolated public static func fromRecord(_ h: Household) -> HouseholdForm {
        var f = HouseholdForm()
        f.compound = h.address.compound
        f.building = h.address.building
        f.unit = h.address.unit
        f.room = h.address.room
        f.text = h.address.text
        f.housingType = h.housingType
        f.notes = h.notes
        f.members = h.members.map { m in
            MemberForm(id: m.id, name: m.name, idNumber: m.idNumber ?? "", phone: m.phone ?? "",
                       relation: m.relation, registration: m.registration, tags: Set(m.tags))
        }
        return f
    }

    /// The form as the record to save; fields the form does not show (derived or custom
    /// tags) are kept from the record as read, matched by member id.
    nonisolated public static func toHousehold(_ form: HouseholdForm, _ before: Household?) -> Household {
        func trim(_ s: String) -> String { s.trimmingCharacters(in: .whitespacesAndNewlines) }
        func orNil(_ s: String) -> String? { trim(s).isEmpty ? nil : trim(s) }
        var address = before?.address ?? Address()
        address.compound = trim(form.compound)
        address.building = trim(form.building)
        address.unit = trim(form.unit)
        address.room = trim(form.room)
        address.text = trim(form.text)
        let members: [Member] = form.members.map { m in
            let old = before?.members.first { !$0.id.isEmpty && $0.id == m.id }
            var out = old ?? Member(name: "", relation: m.relation, registration: m.registration)
            out.id = m.id
            out.name = trim(m.name)
            out.idNumber = orNil(m.idNumber)
            out.phone = orNil(m.phone)
            out.relation = m.relation
            out.registration = m.registration
            // Keep the record's order of tags so an untouched list is not rewritten; new ones
            // follow in the declared order.
            let kept = (old?.tags ?? []).filter { m.tags.contains($0) }
            let added = MemberTag.allCases.filter { m.tags.contains($0) && !(old?.tags.contains($0) ?? false) }
            out.tags = kept + added
            return out
        }
        var h = before ?? Household(address: address, housingType: form.housingType)
        h.address = address
        h.housingType = form.housingType
        h.notes = trim(form.notes)
        h.members = members
        return h
    }
}
