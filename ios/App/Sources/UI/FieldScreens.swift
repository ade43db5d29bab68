// Android twin: android/app/src/main/java/org/gridkeeper/app/ui/FieldScreens.kt
import Gridkeeper
import GridkeeperShared
import SwiftUI

/// The core's error when the page has no input to show it under (a single-error view names
/// its field in `errorField`): above the form instead, so it is never lost.
func unplaced(_ error: String?, _ field: String?, _ shown: Set<String>) -> String? {
    guard let error else { return nil }
    guard let field else { return error }
    return shown.contains(field) ? nil : error
}

@MainActor
struct VisitPage: View {
    @StateObject private var model: ScreenModel<VisitFormEvent, VisitFormView>

    init(env: ScreenEnv, householdId: String, memberId: String?) {
        _model = StateObject(wrappedValue: ScreenModel(visit: env.store, subject: .household, subjectId: householdId,
                                                       memberId: memberId, lang: env.lang, performer: env.effects))
    }

    /// A visit to a place (a shop, rental housing): no members to tick.
    init(env: ScreenEnv, placeId: String) {
        _model = StateObject(wrappedValue: ScreenModel(visit: env.store, subject: .place, subjectId: placeId,
                                                       memberId: nil, lang: env.lang, performer: env.effects))
    }

    var body: some View {
        Drawn(model.view, failed: model.failure != nil) { v in
            ScrollView {
                VStack(alignment: .leading, spacing: 8) {
                    if let note = v.note { Text(note).font(.callout) }
                    Banner(text: v.banner)
                    ForEach(v.errors.filter { !Self.shown.contains($0.field) }, id: \.field) { e in
                        Text(e.message).foregroundStyle(.red)
                    }
                    SectionTitle(text: v.title)
                    Text(L("visit_purpose"))
                    Choices(options: v.purposes.map { ($0.key, $0.label) }, chosen: v.purpose) { model.send(.purpose(key: $0)) }
                    if let purpose = error(v, "purpose") { Text(purpose).foregroundStyle(.red) }
                    if !v.members.isEmpty {
                        Text(L("visit_members_seen"))
                        ForEach(v.members, id: \.id) { m in
                            Toggle("\(m.name) · \(m.relation)", isOn: Binding(
                                get: { m.seen },
                                set: { _ in model.send(.toggleMember(memberId: m.id)) }
                            ))
                        }
                    }
                    FieldInput(label: L("visit_findings"), value: v.findings, error: error(v, "findings"), multiline: true) {
                        model.send(.findings(text: $0))
                    }
                    Button(L("take_photo")) { model.send(.takePhoto) }.buttonStyle(.bordered)
                    if !v.photos.isEmpty { Text(L("photos_n", v.photos.count)) }
                    Button(L("locate")) { model.send(.locate) }.buttonStyle(.bordered).disabled(v.locating)
                    if let location = v.location { Text(location.text) }
                    if let note = v.locationNote { Text(note).font(.caption) }
                    if let location = error(v, "location") { Text(location).foregroundStyle(.red) }
                    Toggle(L("raise_case"), isOn: Binding(get: { v.raiseCase }, set: { model.send(.raiseCase(on: $0)) }))
                    if v.raiseCase {
                        Choices(options: v.caseCategories.map { ($0.key, $0.label) }, chosen: v.caseCategory) {
                            model.send(.caseCategory(key: $0))
                        }
                        Choices(options: v.caseSeverities.map { ($0.key, $0.label) }, chosen: v.caseSeverity) {
                            model.send(.caseSeverity(key: $0))
                        }
                        FieldInput(label: L("case_description"), value: v.caseDescription, error: error(v, "case.description"),
                                   multiline: true) {
                            model.send(.caseDescription(text: $0))
                        }
                    }
                    Button {
                        model.send(.submit)
                    } label: {
                        Text(L("save")).frame(maxWidth: .infinity)
                    }
                    .buttonStyle(.borderedProminent)
                    Button(L("discard"), role: .destructive) { model.send(.discard) }
                }
                .padding()
            }
            .overlay { if v.loading { Loading() } }
        }
        .navigationTitle(L("visit_title"))
        .task { model.send(.load) }
    }

    private func error(_ v: VisitFormView, _ field: String) -> String? {
        v.errors.first { $0.field == field }?.message
    }

    /// The fields this page shows an error under; the others' errors go above the form.
    private static let shown: Set<String> = ["purpose", "findings", "location", "case.description"]
}

@MainActor
struct InspectionPage: View {
    @StateObject private var model: ScreenModel<InspectionEvent, InspectionView>

    init(env: ScreenEnv, placeId: String?) {
        _model = StateObject(wrappedValue: ScreenModel(inspection: env.store, grid: env.grid, placeId: placeId,
                                                       lang: env.lang, performer: env.effects))
    }

    var body: some View {
        Drawn(model.view, failed: model.failure != nil) { v in
            ScrollView {
                VStack(alignment: .leading, spacing: 8) {
                    Banner(text: v.banner)
                    switch v.stage {
                    case .pickPlace:
                        SectionTitle(text: L("inspection_pick_place"))
                        ForEach(v.places, id: \.id) { p in
                            Button("\(p.name) · \(p.address)") { model.send(.pickPlace(placeId: p.id)) }.buttonStyle(.bordered)
                        }
                    case .pickTemplate:
                        SectionTitle(text: L("inspection_pick_template") + " · " + v.placeName)
                        ForEach(v.templates, id: \.id) { t in
                            Button(t.title) { model.send(.pickTemplate(templateId: t.id, version: t.version)) }.buttonStyle(.bordered)
                        }
                    case .run:
                        SectionTitle(text: v.title + " · " + v.placeName)
                        ForEach(Array(v.items.enumerated()), id: \.element.id) { i, item in
                            if i == 0 || v.items[i - 1].section != item.section {
                                Text(item.section).font(.subheadline.bold()).padding(.top, 8)
                            }
                            ChecklistItemCard(item: item) { model.send($0) }
                        }
                        // Enabled once the core's rules hold; a typed answer counts once its field is left.
                        Button {
                            model.send(.complete)
                        } label: {
                            Text(L("complete")).frame(maxWidth: .infinity)
                        }
                        .buttonStyle(.borderedProminent)
                        .disabled(!v.canComplete)
                    case .done:
                        SectionTitle(text: L("inspection_done"))
                        ForEach(v.items.filter { $0.caseText != nil }, id: \.id) { item in
                            Text(item.label + " · " + (item.caseText ?? ""))
                        }
                    }
                }
                .padding()
            }
        }
        .navigationTitle(L("nav_inspection"))
        // The decimal pad has no return key: 完成 above it leaves the field, which sends its answer.
        .toolbar {
            ToolbarItemGroup(placement: .keyboard) {
                Spacer()
                Button(L("done")) {
                    UIApplication.shared.sendAction(#selector(UIResponder.resignFirstResponder), to: nil, from: nil, for: nil)
                }
            }
        }
        .task { model.send(.load) }
    }
}

@MainActor
private struct ChecklistItemCard: View {
    let item: InspectionItem
    let send: (InspectionEvent) -> Void
    @State private var text = ""
    @State private var note = ""
    @State private var caseDescription = ""
    @FocusState private var editing: Bool
    @FocusState private var editingNote: Bool

    init(item: InspectionItem, send: @escaping (InspectionEvent) -> Void) {
        self.item = item
        self.send = send
    }

    var body: some View {
        VStack(alignment: .leading, spacing: 6) {
            Text(item.label + (item.required ? " *" : ""))
            switch item.kind {
            case .passFailNa:
                Choices(options: [("pass", L("answer_pass")), ("fail", L("answer_fail")), ("na", L("answer_na"))], chosen: item.text) {
                    send(.answerText(itemId: item.id, text: $0))
                }
            case .singleChoice:
                Choices(options: item.choices.map { ($0.value, $0.label) }, chosen: item.text) {
                    send(.answerText(itemId: item.id, text: $0))
                }
            case .multiChoice:
                ForEach(item.choices, id: \.value) { c in
                    Toggle(c.label, isOn: Binding(
                        get: { item.values.contains(c.value) },
                        set: { on in
                            let chosen = item.values.filter { $0 != c.value } + (on ? [c.value] : [])
                            send(.answerChoices(itemId: item.id, values: chosen))
                        }
                    ))
                }
            case .number:
                // Sent when the worker is done typing (leaving the field), not per key.
                let range = [item.min.map { "≥ \(Self.plain($0))" }, item.max.map { "≤ \(Self.plain($0))" }].compactMap { $0 }.joined(separator: " ")
                if !range.isEmpty { Text(L("number_range", range)).font(.caption) }
                TextField(item.label, text: $text)
                    .keyboardType(.decimalPad)
                    .textFieldStyle(.roundedBorder)
                    .focused($editing)
                    .onAppear { text = item.number.map(Self.plain) ?? "" }
                    .onChange(of: editing) { on in
                        if !on, let n = Double(text.replacingOccurrences(of: ",", with: ".")), n != item.number {
                            send(.answerNumber(itemId: item.id, number: n))
                        }
                    }
            case .text:
                TextField(item.label, text: $text, axis: .vertical)
                    .textFieldStyle(.roundedBorder)
                    .focused($editing)
                    .onAppear { text = item.text ?? "" }
                    .onChange(of: editing) { on in
                        if !on && text != (item.text ?? "") { send(.answerText(itemId: item.id, text: text)) }
                    }
            case .photo:
                EmptyView()
            }
            if item.kind == .photo || item.photoRequired || !item.photos.isEmpty {
                Button(L("take_photo")) { send(.takePhoto(itemId: item.id)) }.buttonStyle(.bordered)
                if !item.photos.isEmpty { Text(L("photos_n", item.photos.count)).font(.caption) }
            }
            if item.failed && item.caseId == nil {
                if let caseText = item.caseText {
                    Text(caseText).foregroundStyle(Color.accentColor)
                    Button(L("cancel")) { send(.dropCase(itemId: item.id)) }.buttonStyle(.bordered)
                } else {
                    TextField(L("case_description"), text: $caseDescription)
                        .textFieldStyle(.roundedBorder)
                    Button(L("raise_hazard")) { send(.raiseCase(itemId: item.id, description: caseDescription)) }.buttonStyle(.bordered)
                    TextField(L("fail_note"), text: $note)
                        .textFieldStyle(.roundedBorder)
                        .focused($editingNote)
                        .onAppear { note = item.note ?? "" }
                        .onChange(of: editingNote) { on in
                            if !on && note != (item.note ?? "") { send(.note(itemId: item.id, text: note)) }
                        }
                }
            } else if let caseText = item.caseText {
                Text(caseText).foregroundStyle(Color.accentColor)
            }
            if let problem = item.problem { Text(problem).foregroundStyle(.red) }
        }
        .padding(10)
        .background(Color.secondary.opacity(0.08), in: RoundedRectangle(cornerRadius: 8))
    }

    /// 2.0 → "2", 2.5 → "2.5".
    private static func plain(_ n: Double) -> String {
        n == n.rounded() && abs(n) < 1e15 ? String(Int(n)) : String(n)
    }
}

@MainActor
struct CaseDetailPage: View {
    @StateObject private var model: ScreenModel<CaseDetailEvent, CaseDetailView>
    private let store: GridStore

    init(env: ScreenEnv, caseId: String) {
        store = env.store
        _model = StateObject(wrappedValue: ScreenModel(caseDetail: env.store, id: caseId, lang: env.lang, performer: env.effects))
    }

    var body: some View {
        Drawn(model.view, failed: model.failure != nil) { v in
            ScrollView {
                VStack(alignment: .leading, spacing: 8) {
                    Banner(text: unplaced(v.error, v.errorField, ["note", "reason", "escalate_to"]))
                    SectionTitle(text: v.title)
                    Text(v.description)
                    Text(v.stateLabel + " · " + v.deadlineText).foregroundStyle(v.overdue ? Color.red : Color.primary)
                    if !v.thumbsBefore.isEmpty {
                        Text(L("photos_before") + " · " + L("photos_n", v.thumbsBefore.count))
                        PhotoRow(store: store, thumbs: v.thumbsBefore)
                    }
                    if !v.thumbsAfter.isEmpty {
                        Text(L("photos_after") + " · " + L("photos_n", v.thumbsAfter.count))
                        PhotoRow(store: store, thumbs: v.thumbsAfter)
                    }
                    PhotoFetchLine(fetch: v.photoFetch) { model.send(.fetchPhotos) }
                    SectionTitle(text: L("timeline"))
                    ForEach(Array(v.timeline.enumerated()), id: \.offset) { _, t in
                        Text("\(t.at) · \(t.action) · \(t.by)" + [t.note, t.reason].filter { !$0.isEmpty }.map { " " + $0 }.joined(separator: "；"))
                            .font(.callout)
                            .foregroundStyle(t.superseded ? Color.secondary : Color.primary)
                    }
                    if !v.actions.isEmpty {
                        FieldInput(label: L("case_note"), value: v.note, error: error(v, "note"), multiline: true) { model.send(.note($0)) }
                        FieldInput(label: L("case_reason"), value: v.reason, error: error(v, "reason")) { model.send(.reason($0)) }
                        Choices(options: Self.escalations, chosen: v.escalateTo) { model.send(.escalateTo($0)) }
                        if let escalate = error(v, "escalate_to") { Text(escalate).foregroundStyle(.red) }
                        Button(L("add_case_photo")) { model.send(.takePhoto) }.buttonStyle(.bordered)
                        if !v.photos.isEmpty { Text(L("photos_n", v.photos.count)) }
                        LazyVGrid(columns: [GridItem(.adaptive(minimum: 96), spacing: 8)], alignment: .leading, spacing: 8) {
                            ForEach(v.actions, id: \.action) { choice in
                                Button(choice.label) { model.send(.act(action: choice.action)) }.buttonStyle(.borderedProminent)
                            }
                        }
                    }
                }
                .padding()
            }
            .overlay { if v.loading { Loading() } }
        }
        .task { model.send(.load(at: unixNow())) }
    }

    private func error(_ v: CaseDetailView, _ field: String) -> String? {
        v.errorField == field ? v.error : nil
    }

    private static let escalations: [(CaseEscalation?, String)] = [
        (nil, L("escalate_none")),
        (.community, L("escalate_community")),
        (.street, L("escalate_street")),
    ]
}

@MainActor
struct CaseReportPage: View {
    @StateObject private var model: ScreenModel<CaseReportEvent, CaseReportView>

    /// On its own (the cases tab), or about a household or place (from its page).
    init(env: ScreenEnv, subjectKind: CaseReportSubjectKind? = nil, subjectId: String? = nil) {
        _model = StateObject(wrappedValue: ScreenModel(caseReport: env.store, grid: env.grid, subjectKind: subjectKind, subjectId: subjectId,
                                                       lang: env.lang, performer: env.effects))
    }

    var body: some View {
        Drawn(model.view, failed: model.failure != nil) { v in
            ScrollView {
                VStack(alignment: .leading, spacing: 8) {
                    if v.restoredDraft { Text(L("draft_restored")).font(.callout) }
                    Banner(text: unplaced(v.error, v.errorField, ["category", "severity", "description"]))
                    if let subject = v.subject { Text(subject).font(.headline) }
                    Choices(options: v.categories.map { ($0.category, $0.label) }, chosen: v.category) { model.send(.category($0)) }
                    if let category = error(v, "category") { Text(category).foregroundStyle(.red) }
                    Choices(options: v.severities.map { ($0.severity, $0.label) }, chosen: v.severity) { model.send(.severity($0)) }
                    if let severity = error(v, "severity") { Text(severity).foregroundStyle(.red) }
                    FieldInput(label: L("case_description"), value: v.description, error: error(v, "description"), multiline: true) {
                        model.send(.description($0))
                    }
                    Button(L("add_case_photo")) { model.send(.takePhoto) }.buttonStyle(.bordered)
                    ForEach(Array(v.photos.enumerated()), id: \.offset) { i, _ in
                        HStack {
                            Text(L("photo_n", i + 1))
                            Spacer()
                            Button(L("remove_photo"), role: .destructive) { model.send(.removePhoto(index: UInt32(i))) }
                        }
                    }
                    Button {
                        model.send(.submit)
                    } label: {
                        Text(L("report_case")).frame(maxWidth: .infinity)
                    }
                    .buttonStyle(.borderedProminent)
                }
                .padding()
            }
        }
        .navigationTitle(L("report_case"))
        .task { model.send(.load) }
    }

    private func error(_ v: CaseReportView, _ field: String) -> String? {
        v.errorField == field ? v.error : nil
    }
}

@MainActor
struct MediationPage: View {
    @StateObject private var model: ScreenModel<MediationEvent, MediationView>
    private let mediationId: String?

    init(env: ScreenEnv, mediationId: String?) {
        _model = StateObject(wrappedValue: ScreenModel(mediation: env.store, grid: env.grid, id: mediationId,
                                                       lang: env.lang, performer: env.effects))
        self.mediationId = mediationId
    }

    var body: some View {
        Drawn(model.view, failed: model.failure != nil) { v in
            ScrollView {
                VStack(alignment: .leading, spacing: 8) {
                    if v.restoredDraft { Text(L("draft_restored")).font(.callout) }
                    Banner(text: unplaced(v.error, v.errorField, Self.paths(v)))
                    if v.savedId != nil { Text(L("saved")).foregroundStyle(Color.accentColor) }
                    // The core labels the chosen value; the others are the app's chrome.
                    Choices(options: Self.disputes(v), chosen: v.disputeType) { model.send(.disputeType($0)) }
                    Choices(options: Self.risks(v), chosen: v.riskLevel) { model.send(.risk($0)) }
                    field(v, L("session_date"), "opened_on", v.openedOn)
                    SectionTitle(text: L("parties"))
                    if let parties = error(v, "parties") { Text(parties).foregroundStyle(.red) }
                    ForEach(Array(v.parties.enumerated()), id: \.offset) { i, p in
                        VStack(alignment: .leading, spacing: 6) {
                            field(v, L("party_name"), "parties[\(i)].name", p.name)
                            field(v, L("party_phone"), "parties[\(i)].phone", p.phone, keyboard: .phonePad)
                            HStack {
                                Button(p.signed ? L("signed") : L("sign")) { model.send(.askSignature(partyId: p.id)) }
                                    .buttonStyle(.bordered)
                                    .accessibilityValue(p.signed ? L("signed") : "")
                                Spacer()
                                Button(L("remove_party"), role: .destructive) { model.send(.removeParty(index: UInt32(i))) }
                            }
                        }
                        .padding(10)
                        .background(Color.secondary.opacity(0.08), in: RoundedRectangle(cornerRadius: 8))
                    }
                    Button(L("add_party")) { model.send(.addParty) }.buttonStyle(.bordered)
                    field(v, L("narrative"), "narrative", v.narrative, multiline: true)
                    SectionTitle(text: L("sessions"))
                    ForEach(Array(v.sessions.enumerated()), id: \.offset) { i, x in
                        field(v, L("session_date"), "sessions[\(i)].date", x.date)
                        field(v, L("session_outcome"), "sessions[\(i)].outcome", x.outcome, multiline: true)
                    }
                    Button(L("add_session")) { model.send(.addSession) }.buttonStyle(.bordered)
                    SectionTitle(text: L("result"))
                    Choices(options: Self.results(v), chosen: v.result) { model.send(.result($0)) }
                    if let result = error(v, "result") { Text(result).foregroundStyle(.red) }
                    field(v, L("agreement"), "agreement_text", v.agreementText, multiline: true)
                    Button {
                        model.send(.save)
                    } label: {
                        Text(L("save")).frame(maxWidth: .infinity)
                    }
                    .buttonStyle(.borderedProminent)
                }
                .padding()
            }
            .overlay { if v.loading { Loading() } }
        }
        .navigationTitle(mediationId == nil ? L("mediation_new") : L("nav_mediation"))
        .task { model.send(.load(at: unixNow())) }
    }

    private func error(_ v: MediationView, _ field: String) -> String? {
        v.errorField == field ? v.error : nil
    }

    private static func disputes(_ v: MediationView) -> [(MediationDispute, String)] {
        v.disputeChoices.map { ($0.value, $0.label) }
    }

    private static func risks(_ v: MediationView) -> [(MediationRisk, String)] {
        v.riskChoices.map { ($0.value, $0.label) }
    }

    private static func results(_ v: MediationView) -> [(MediationOutcome?, String)] {
        [(nil, L("result_none"))] + v.resultChoices.map { (Optional($0.value), $0.label) }
    }

    /// The paths this page shows an error under.
    private static func paths(_ v: MediationView) -> Set<String> {
        var paths: Set<String> = ["opened_on", "parties", "narrative", "result", "agreement_text"]
        for i in v.parties.indices { paths.formUnion(["parties[\(i)].name", "parties[\(i)].phone"]) }
        for i in v.sessions.indices { paths.formUnion(["sessions[\(i)].date", "sessions[\(i)].outcome"]) }
        return paths
    }

    private func field(_ v: MediationView, _ label: String, _ path: String, _ value: String, multiline: Bool = false,
                       keyboard: UIKeyboardType = .default) -> some View {
        FieldInput(label: label, value: value, error: error(v, path), multiline: multiline, keyboard: keyboard) {
            model.send(.field(path: path, value: $0))
        }
    }
}

@MainActor
struct ConflictsPage: View {
    @StateObject private var model: ScreenModel<ConflictsEvent, ConflictsView>

    init(env: ScreenEnv, recordId: String) {
        _model = StateObject(wrappedValue: ScreenModel(conflicts: env.store, recordId: recordId, lang: env.lang, performer: env.effects))
    }

    var body: some View {
        Drawn(model.view, failed: model.failure != nil) { v in
            List {
                if let error = v.error { Banner(text: error) }
                if let empty = v.emptyText { Text(empty) }
                ForEach(v.items, id: \.path) { item in
                    Section(item.title) {
                        ForEach(Array(item.choices.enumerated()), id: \.offset) { i, c in
                            VStack(alignment: .leading, spacing: 4) {
                                Text(c.text).font(.body.monospacedDigit())
                                Text(c.by).font(.caption).foregroundStyle(.secondary)
                                HStack {
                                    if c.shown { Text(L("conflict_shown")).font(.caption) }
                                    Spacer()
                                    Button(c.action) { model.send(.pick(path: item.path, choice: UInt32(i))) }
                                        .buttonStyle(.bordered)
                                }
                            }
                        }
                    }
                }
            }
        }
        .navigationTitle(L("conflicts_title"))
        .task { model.send(.load) }
    }
}
