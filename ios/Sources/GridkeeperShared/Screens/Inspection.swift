// Kotlin twin: android/shared/src/main/kotlin/org/gridkeeper/app/shared/screens/Inspection.kt
import Foundation
import Gridkeeper

public enum InspectionStage: Equatable {
    case pickPlace, pickTemplate, run, done
}

public struct PlaceLine: Equatable, Hashable, Identifiable {
    public var id: String
    public var name: String
    public var address: String
    public var placeType: String
}

public struct TemplateLine: Equatable, Hashable, Identifiable {
    public var id: String
    public var version: UInt32
    public var title: String
}

public struct ChoiceLine: Equatable, Hashable {
    public var value: String
    public var label: String
}

/// One shown checklist item with its answer and what the rules say about it.
public struct ItemView: Equatable, Identifiable {
    public var id: String
    public var section: String
    public var label: String
    public var type: ItemType
    public var required: Bool
    public var photoRequired: Bool
    public var min: Double?
    public var max: Double?
    /// Kotlin: `List<Pair<value, label>>`.
    public var choices: [ChoiceLine]
    public var answer: AnswerValue?
    public var photos: [String]
    public var failed: Bool
    /// Why this item stops completion, in the worker's language; nil when it does not.
    public var problem: String?
    public var caseId: String?
    public var note: String?
}

public struct InspectionState: Equatable {
    public var stage: InspectionStage = .pickPlace
    public var places: [PlaceLine] = []
    public var templates: [TemplateLine] = []
    public var placeName = ""
    public var title = ""
    public var inspectionId: String?
    public var items: [ItemView] = []
    /// The 完成 button: enabled only when core's rules hold.
    public var canComplete = false
    public var banner: String?
    public init() {}
}

public enum InspectionEvent {
    /// Lists places, or resumes the run the app was killed in.
    case load
    case pickPlace(String)
    case pickTemplate(templateId: String, version: UInt32)
    /// pass / fail / na, a choice, or free text.
    case answerText(itemId: String, text: String)
    case answerNumber(itemId: String, number: Double)
    case answerChoices(itemId: String, values: [String])
    case photo(itemId: String, bytes: Data, mediaType: String?)
    /// Why no case is needed for a failed item (当场整改).
    case note(itemId: String, text: String)
    case raiseCase(itemId: String, description: String)
    case complete
}

public enum InspectionEffect: Equatable {
    case caseRaised(caseId: String)
    case completed(inspectionId: String)
}

/// Running a checklist (巡查): pick a place, pick a template that fits it, answer. The run is
/// stored as a draft inspection from the first tap and saved on every answer, so it survives
/// the app being killed; which items show, which failed and what still blocks completion all
/// come from core (`checkInspection`), and core refuses to complete a run that breaks them.
/// Text and number inputs should send their answer when the input loses focus, not per key.
public final class InspectionHolder: StateHolder<InspectionState, InspectionEvent, InspectionEffect> {
    /// The run in progress, so a killed app reopens it.
    public static let draft = "inspection:open"

    private let repos: Repositories
    private let drafts: DraftStore
    private let grid: String
    private let lang: Lang
    private var placeId: String?
    private var template: ChecklistTemplate?
    private var record: InspectionRecord?

    public init(repos: Repositories, drafts: DraftStore, grid: String, lang: Lang = .zh) {
        self.repos = repos
        self.drafts = drafts
        self.grid = grid
        self.lang = lang
        super.init(InspectionState())
    }

    public override func handle(_ event: InspectionEvent) async {
        do {
            switch event {
            case .load:
                try await load()
            case let .pickPlace(id):
                try await pickPlace(id)
            case let .pickTemplate(templateId, version):
                try await start(templateId, version)
            case let .answerText(itemId, text):
                try await answer(itemId, .text(text: text))
            case let .answerNumber(itemId, number):
                try await answer(itemId, .number(number: number))
            case let .answerChoices(itemId, values):
                try await answer(itemId, .items(items: values))
            case let .photo(itemId, bytes, mediaType):
                try await photo(itemId, bytes, mediaType)
            case let .note(itemId, text):
                try await edit { d in
                    var action = d.actions[itemId] ?? FailAction()
                    action.note = text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : text
                    d.actions[itemId] = action
                }
            case let .raiseCase(itemId, description):
                guard let id = record?.id else { return }
                let caseId = try await io { try self.repos.inspections.raiseCase(id, itemId, description) }
                try await refresh(id)
                emit(.caseRaised(caseId: caseId))
            case .complete:
                try await complete()
            }
        } catch {
            update { $0.banner = Messages.plainWords(error, lang) }
        }
    }

    private func load() async throws {
        if let open = drafts.load(Self.draft)?["id"] {
            let r: InspectionRecord?
            do {
                r = try await io { try self.repos.inspections.get(open) }
            } catch GridkeeperError.NotFound {
                r = nil
            }
            if let r, r.data.status == .draft {
                placeId = r.data.subject.id
                template = try await io { try self.repos.inspections.templates() }
                    .first { $0.id == r.data.templateId && $0.version == r.data.templateVersion }
                let place = try await io { try self.repos.inspections.place(r.data.subject.id) }
                update { $0.placeName = place.data.name }
                try await refresh(r.id)
                return
            }
            drafts.clear(Self.draft)
        }
        let places = try await io { try self.repos.inspections.places(self.grid) }.map {
            PlaceLine(id: $0.id, name: $0.name, address: $0.address, placeType: $0.placeType?.name ?? "")
        }
        var next = InspectionState()
        next.places = places
        update { $0 = next }
    }

    private func pickPlace(_ id: String) async throws {
        guard let place = state.places.first(where: { $0.id == id }) else { return }
        placeId = id
        let templates = try await io { try self.repos.inspections.templates() }
            .filter { $0.placeTypes.isEmpty || $0.placeTypes.contains(place.placeType) }
            .map { TemplateLine(id: $0.id, version: $0.version, title: titleOf($0)) }
        update { $0.stage = .pickTemplate; $0.placeName = place.name; $0.templates = templates }
    }

    private func start(_ templateId: String, _ version: UInt32) async throws {
        guard let place = placeId else { return }
        template = try await io { try self.repos.inspections.templates() }.first { $0.id == templateId && $0.version == version }
        let run = Inspection(templateId: templateId, templateVersion: version,
                             subject: Gridkeeper.Subject(kind: .place, id: place), status: .draft)
        let id = try await io { try self.repos.inspections.start(self.grid, run) }
        drafts.save(Self.draft, ["id": id])
        try await refresh(id)
    }

    private func answer(_ itemId: String, _ value: AnswerValue) async throws {
        try await edit { d in
            let photos = d.answers[itemId]?.photos ?? []
            d.answers[itemId] = Answer(value: value, photos: photos)
        }
    }

    private func photo(_ itemId: String, _ bytes: Data, _ mediaType: String?) async throws {
        guard let item = template?.sections.flatMap(\.items).first(where: { $0.id == itemId }) else { return }
        let current = record?.data.answers[itemId]
        if item.itemType != .photo && current == nil {
            update { $0.banner = Strings.get("problem.unanswered", lang) }
            return
        }
        let hash = try await io { try self.repos.attachments.add(bytes, mediaType) }
        try await edit { d in
            if item.itemType == .photo {
                var have: [String] = []
                if case let .items(items)? = current?.value { have = items }
                d.answers[itemId] = Answer(value: .items(items: have + [hash]), photos: [])
            } else if let current {
                d.answers[itemId] = Answer(value: current.value, photos: current.photos + [hash])
            }
        }
    }

    private func edit(_ change: (inout Inspection) -> Void) async throws {
        guard let r = record else { return }
        var edited = r.data
        change(&edited)
        let next = edited
        try await io { try self.repos.inspections.save(r, next) }
        try await refresh(r.id)
    }

    private func complete() async throws {
        guard let r = record else { return }
        if !state.canComplete {
            update { $0.banner = Strings.get("reason.complete_blocked", lang) }
            return
        }
        var done = r.data
        done.status = .completed
        let finished = done
        try await io { try self.repos.inspections.save(r, finished) }
        drafts.clear(Self.draft)
        update { $0.stage = .done; $0.canComplete = false; $0.banner = nil }
        emit(.completed(inspectionId: r.id))
    }

    private func refresh(_ id: String) async throws {
        let r = try await io { try self.repos.inspections.get(id) }
        record = r
        guard let t = template else {
            update { $0.stage = .run; $0.inspectionId = id; $0.banner = Strings.get("inspection.no_template", lang) }
            return
        }
        let check = try await io { try self.repos.inspections.check(r.data) }
        let problems = Dictionary(grouping: check.problems, by: \.item)
        let shown = Set(check.visibleItems)
        let en = lang == .en
        let items: [ItemView] = t.sections.flatMap { section in
            section.items.filter { shown.contains($0.id) }.map { item in
                let answer = r.data.answers[item.id]
                let action = r.data.actions[item.id]
                var photos = answer?.photos ?? []
                if item.itemType == .photo, case let .items(hashes)? = answer?.value { photos = hashes }
                return ItemView(
                    id: item.id,
                    section: en ? (section.titleEn ?? section.title) : section.title,
                    label: en ? (item.labelEn ?? item.label) : item.label,
                    type: item.itemType, required: item.required, photoRequired: item.photoRequired,
                    min: item.min, max: item.max,
                    choices: item.choices.map { ChoiceLine(value: $0.value, label: en ? ($0.labelEn ?? $0.label) : $0.label) },
                    answer: answer?.value,
                    photos: photos,
                    failed: check.failedItems.contains(item.id),
                    problem: problems[item.id].map { $0.map { Strings.label("problem", $0.kind, lang) }.joined(separator: "；") },
                    caseId: action?.caseId,
                    note: action?.note
                )
            }
        }
        let title = titleOf(t)
        let canComplete = check.problems.isEmpty
        update {
            $0.stage = .run; $0.inspectionId = id; $0.title = title; $0.items = items
            $0.canComplete = canComplete; $0.banner = nil
        }
    }

    private func titleOf(_ t: ChecklistTemplate) -> String {
        lang == .en ? (t.titleEn ?? t.title) : t.title
    }
}
