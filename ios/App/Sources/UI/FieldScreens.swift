// Android twin: android/app/src/main/java/org/gridkeeper/app/ui/FieldScreens.kt
import CoreLocation
import Gridkeeper
import GridkeeperShared
import SwiftUI

@MainActor
struct VisitScreen: View {
    @StateObject private var vm: VisitFormHolder
    @EnvironmentObject private var nav: Navigator
    @State private var locator: Locator?
    private let lang: Lang

    init(env: ScreenEnv, householdId: String, memberId: String?) {
        _vm = StateObject(wrappedValue: VisitFormHolder(repos: env.repos, drafts: env.drafts, grid: env.grid,
                                                        subject: Gridkeeper.Subject(kind: .household, id: householdId),
                                                        memberId: memberId, lang: env.lang))
        lang = env.lang
    }

    var body: some View {
        let s = vm.state
        ScrollView {
            VStack(alignment: .leading, spacing: 8) {
                if s.restoredDraft { Text(L("draft_restored")).font(.callout) }
                Banner(text: s.banner)
                Text(L("visit_purpose"))
                Choices(options: VisitPurpose.allCases.map { ($0, Strings.label("purpose", $0, lang)) }, chosen: s.purpose) {
                    vm.post(.purpose($0))
                }
                if !s.members.isEmpty {
                    Text(L("visit_members_seen"))
                    ForEach(s.members) { m in
                        Toggle(m.name, isOn: Binding(get: { s.membersSeen.contains(m.id) }, set: { _ in vm.post(.toggleMember(m.id)) }))
                    }
                }
                FieldInput(label: L("visit_findings"), value: s.findings, error: s.errors["findings"], multiline: true) {
                    vm.post(.findings($0))
                }
                PhotoButtons { vm.post(.photo(bytes: $0, mediaType: "image/jpeg")) }
                if !s.photos.isEmpty { Text(L("photos_n", s.photos.count)) }
                Button(L("locate")) { locate() }.buttonStyle(.bordered)
                if let l = s.location { Text(L("located", Int(l.accuracyM ?? 0))) }
                if let error = s.errors["location"] { Text(error).foregroundStyle(.red) }
                Toggle(L("raise_case"), isOn: Binding(get: { s.raiseCase }, set: { vm.post(.raiseCase($0)) }))
                if s.raiseCase {
                    Choices(options: CaseCategory.allCases.map { ($0, Strings.label("category", $0, lang)) }, chosen: s.caseCategory) {
                        vm.post(.caseCategoryChosen($0))
                    }
                    FieldInput(label: L("case_description"), value: s.caseDescription, error: s.errors["description"], multiline: true) {
                        vm.post(.caseDescription($0))
                    }
                }
                Button {
                    vm.post(.save)
                } label: {
                    Text(L("save")).frame(maxWidth: .infinity)
                }
                .buttonStyle(.borderedProminent)
            }
            .padding()
        }
        .navigationTitle(L("visit_title"))
        .overlay { if s.loading { Loading() } }
        .task { await vm.send(.load) }
        .effects(of: vm) { effect in
            if case .saved = effect { nav.pop() }
        }
    }

    private func locate() {
        let locator = self.locator ?? Locator()
        self.locator = locator
        Task {
            guard let fix = await locator.current() else { return }
            await vm.send(.location(lat: fix.coordinate.latitude, lon: fix.coordinate.longitude,
                                    accuracyM: fix.horizontalAccuracy >= 0 ? fix.horizontalAccuracy : nil))
        }
    }
}

@MainActor
struct InspectionScreen: View {
    @StateObject private var vm: InspectionHolder
    @EnvironmentObject private var nav: Navigator
    private let placeId: String?

    init(env: ScreenEnv, placeId: String?) {
        _vm = StateObject(wrappedValue: InspectionHolder(repos: env.repos, drafts: env.drafts, grid: env.grid, lang: env.lang))
        self.placeId = placeId
    }

    var body: some View {
        let s = vm.state
        ScrollView {
            VStack(alignment: .leading, spacing: 8) {
                Banner(text: s.banner)
                switch s.stage {
                case .pickPlace:
                    SectionTitle(text: L("inspection_pick_place"))
                    ForEach(s.places) { p in
                        Button("\(p.name) · \(p.address)") { vm.post(.pickPlace(p.id)) }.buttonStyle(.bordered)
                    }
                case .pickTemplate:
                    SectionTitle(text: L("inspection_pick_template") + " · " + s.placeName)
                    ForEach(s.templates) { t in
                        Button(t.title) { vm.post(.pickTemplate(templateId: t.id, version: t.version)) }.buttonStyle(.bordered)
                    }
                case .run:
                    SectionTitle(text: s.title + " · " + s.placeName)
                    ForEach(Array(s.items.enumerated()), id: \.element.id) { i, item in
                        if i == 0 || s.items[i - 1].section != item.section {
                            Text(item.section).font(.subheadline.bold()).padding(.top, 8)
                        }
                        ChecklistItemCard(item: item) { vm.post($0) }
                    }
                    // Enabled once core's rules hold; a typed answer counts once its field is left.
                    Button {
                        vm.post(.complete)
                    } label: {
                        Text(L("complete")).frame(maxWidth: .infinity)
                    }
                    .buttonStyle(.borderedProminent)
                    .disabled(!s.canComplete)
                case .done:
                    SectionTitle(text: L("inspection_done"))
                }
            }
            .padding()
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
        .task(id: placeId) {
            await vm.send(.load)
            if let placeId { await vm.send(.pickPlace(placeId)) }
        }
        .effects(of: vm) { effect in
            if case let .caseRaised(caseId) = effect { nav.push(.caseDetail(caseId)) }
        }
    }
}

@MainActor
private struct ChecklistItemCard: View {
    let item: ItemView
    let send: (InspectionEvent) -> Void
    @State private var text = ""
    @State private var note = ""
    @FocusState private var editing: Bool
    @FocusState private var editingNote: Bool

    init(item: ItemView, send: @escaping (InspectionEvent) -> Void) {
        self.item = item
        self.send = send
    }

    private var answerText: String? {
        if case let .text(t)? = item.answer { return t }
        return nil
    }

    private var answerNumber: Double? {
        if case let .number(n)? = item.answer { return n }
        return nil
    }

    private var answerItems: [String] {
        if case let .items(items)? = item.answer { return items }
        return []
    }

    var body: some View {
        VStack(alignment: .leading, spacing: 6) {
            Text(item.label + (item.required ? " *" : ""))
            switch item.type {
            case .passFailNa:
                Choices(options: [("pass", L("answer_pass")), ("fail", L("answer_fail")), ("na", L("answer_na"))], chosen: answerText) {
                    send(.answerText(itemId: item.id, text: $0))
                }
            case .singleChoice:
                Choices(options: item.choices.map { ($0.value, $0.label) }, chosen: answerText) {
                    send(.answerText(itemId: item.id, text: $0))
                }
            case .multiChoice:
                ForEach(item.choices, id: \.value) { c in
                    Toggle(c.label, isOn: Binding(
                        get: { answerItems.contains(c.value) },
                        set: { on in
                            let chosen = answerItems.filter { $0 != c.value } + (on ? [c.value] : [])
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
                    .onAppear { text = answerNumber.map(Self.plain) ?? "" }
                    .onChange(of: editing) { on in
                        if !on, let n = Double(text.replacingOccurrences(of: ",", with: ".")), n != answerNumber {
                            send(.answerNumber(itemId: item.id, number: n))
                        }
                    }
            case .text:
                TextField(item.label, text: $text, axis: .vertical)
                    .textFieldStyle(.roundedBorder)
                    .focused($editing)
                    .onAppear { text = answerText ?? "" }
                    .onChange(of: editing) { on in
                        if !on && text != (answerText ?? "") { send(.answerText(itemId: item.id, text: text)) }
                    }
            case .photo:
                EmptyView()
            }
            if item.type == .photo || item.photoRequired || item.answer != nil {
                PhotoButtons { send(.photo(itemId: item.id, bytes: $0, mediaType: "image/jpeg")) }
                if !item.photos.isEmpty { Text(L("photos_n", item.photos.count)).font(.caption) }
            }
            if item.failed {
                if item.caseId != nil {
                    Text(L("hazard_raised")).foregroundStyle(Color.accentColor)
                } else {
                    Button(L("raise_hazard")) { send(.raiseCase(itemId: item.id, description: "")) }.buttonStyle(.bordered)
                    TextField(L("fail_note"), text: $note)
                        .textFieldStyle(.roundedBorder)
                        .focused($editingNote)
                        .onAppear { note = item.note ?? "" }
                        .onChange(of: editingNote) { on in
                            if !on && note != (item.note ?? "") { send(.note(itemId: item.id, text: note)) }
                        }
                }
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
struct CaseDetailScreen: View {
    @StateObject private var vm: CaseDetailHolder

    init(env: ScreenEnv, caseId: String) {
        _vm = StateObject(wrappedValue: CaseDetailHolder(repos: env.repos, caseId: caseId, lang: env.lang))
    }

    var body: some View {
        let s = vm.state
        ScrollView {
            VStack(alignment: .leading, spacing: 8) {
                Banner(text: s.banner)
                SectionTitle(text: s.title)
                Text(s.description)
                Text(s.stateLabel + " · " + L("deadline", s.deadline)).foregroundStyle(s.overdue ? Color.red : Color.primary)
                if !s.photosBefore.isEmpty { Text(L("photos_before") + " · " + L("photos_n", s.photosBefore.count)) }
                if !s.photosAfter.isEmpty { Text(L("photos_after") + " · " + L("photos_n", s.photosAfter.count)) }
                SectionTitle(text: L("timeline"))
                ForEach(Array(s.timeline.enumerated()), id: \.offset) { _, t in
                    Text("\(t.at) · \(t.action) · \(t.by)" + [t.note, t.reason].filter { !$0.isEmpty }.map { " " + $0 }.joined(separator: "；"))
                        .font(.callout)
                }
                if !s.actions.isEmpty {
                    FieldInput(label: L("case_note"), value: s.note, error: s.errors["note"], multiline: true) { vm.post(.note($0)) }
                    FieldInput(label: L("case_reason"), value: s.reason, error: s.errors["reason"]) { vm.post(.reason($0)) }
                    Choices(options: [(EscalationLevel.community, L("escalate_community")), (EscalationLevel.street, L("escalate_street"))],
                            chosen: s.escalateTo) { vm.post(.escalateTo($0)) }
                    if let error = s.errors["escalate_to"] { Text(error).foregroundStyle(.red) }
                    PhotoButtons { vm.post(.photo(bytes: $0, mediaType: "image/jpeg")) }
                    if !s.photos.isEmpty { Text(L("photos_n", s.photos.count)) }
                    LazyVGrid(columns: [GridItem(.adaptive(minimum: 96), spacing: 8)], alignment: .leading, spacing: 8) {
                        ForEach(s.actions, id: \.self) { choice in
                            Button(choice.label) { vm.post(.act(choice.action)) }.buttonStyle(.borderedProminent)
                        }
                    }
                }
            }
            .padding()
        }
        .overlay { if s.loading { Loading() } }
        .task { await vm.send(.load) }
    }
}

@MainActor
struct MediationScreen: View {
    @StateObject private var vm: MediationHolder
    @EnvironmentObject private var nav: Navigator
    @State private var signing: String?
    private let lang: Lang
    private let mediationId: String?

    init(env: ScreenEnv, mediationId: String?) {
        _vm = StateObject(wrappedValue: MediationHolder(repos: env.repos, drafts: env.drafts, grid: env.grid,
                                                        mediationId: mediationId, lang: env.lang))
        lang = env.lang
        self.mediationId = mediationId
    }

    var body: some View {
        let s = vm.state
        ScrollView {
            VStack(alignment: .leading, spacing: 8) {
                if s.restoredDraft { Text(L("draft_restored")).font(.callout) }
                Banner(text: s.banner)
                Choices(options: DisputeType.allCases.map { ($0, Strings.label("dispute", $0, lang)) }, chosen: s.disputeType) {
                    vm.post(.disputeTypeChosen($0))
                }
                Choices(options: RiskLevel.allCases.map { ($0, Strings.label("risk", $0, lang)) }, chosen: s.riskLevel) {
                    vm.post(.riskChosen($0))
                }
                field(L("session_date"), "opened_on", s.openedOn)
                SectionTitle(text: L("parties"))
                Banner(text: s.errors["parties"])
                ForEach(Array(s.parties.enumerated()), id: \.offset) { i, p in
                    VStack(alignment: .leading, spacing: 6) {
                        field(L("party_name"), "parties[\(i)].name", p.name)
                        field(L("party_phone"), "parties[\(i)].phone", p.phone, keyboard: .phonePad)
                        let signed = s.signatures[p.id] != nil
                        Button(signed ? L("signed") : L("sign")) { signing = p.id }
                            .buttonStyle(.bordered)
                            .accessibilityValue(signed ? L("signed") : "")
                    }
                    .padding(10)
                    .background(Color.secondary.opacity(0.08), in: RoundedRectangle(cornerRadius: 8))
                }
                Button(L("add_party")) { vm.post(.addParty) }.buttonStyle(.bordered)
                field(L("narrative"), "narrative", s.narrative, multiline: true)
                SectionTitle(text: L("sessions"))
                ForEach(Array(s.sessions.enumerated()), id: \.offset) { i, x in
                    field(L("session_date"), "sessions[\(i)].date", x.date)
                    field(L("session_outcome"), "sessions[\(i)].outcome", x.outcome, multiline: true)
                }
                Button(L("add_session")) { vm.post(.addSession) }.buttonStyle(.bordered)
                SectionTitle(text: L("result"))
                Choices(options: MediationResult.allCases.map { ($0, Strings.label("result", $0, lang)) }, chosen: s.result) {
                    vm.post(.resultChosen($0))
                }
                field(L("agreement"), "agreement_text", s.agreementText, multiline: true)
                Button {
                    vm.post(.save)
                } label: {
                    Text(L("save")).frame(maxWidth: .infinity)
                }
                .buttonStyle(.borderedProminent)
            }
            .padding()
        }
        .navigationTitle(mediationId == nil ? L("mediation_new") : L("nav_mediation"))
        .overlay { if s.loading { Loading() } }
        .sheet(item: Binding(get: { signing.map(PartyRef.init) }, set: { signing = $0?.id })) { party in
            SignaturePad(onDone: { png in
                vm.post(.sign(partyId: party.id, png: png))
                signing = nil
            }, onCancel: { signing = nil })
        }
        .task { await vm.send(.load) }
        .effects(of: vm) { effect in
            // The mediation tab's root stays, ready for the next one; a pushed one closes.
            if case .saved = effect, mediationId != nil { nav.pop() }
            if case .saved = effect, mediationId == nil { vm.post(.load) }
        }
    }

    private func field(_ label: String, _ path: String, _ value: String, multiline: Bool = false,
                       keyboard: UIKeyboardType = .default) -> some View {
        FieldInput(label: label, value: value, error: vm.state.errors[path], multiline: multiline, keyboard: keyboard) {
            vm.post(.field(path: path, value: $0))
        }
    }
}

private struct PartyRef: Identifiable {
    let id: String
}

@MainActor
struct ConflictsScreen: View {
    @StateObject private var vm: ConflictsHolder
    @EnvironmentObject private var nav: Navigator

    init(env: ScreenEnv, recordId: String) {
        _vm = StateObject(wrappedValue: ConflictsHolder(repos: env.repos, recordId: recordId, lang: env.lang))
    }

    var body: some View {
        let s = vm.state
        List {
            if let banner = s.banner { Banner(text: banner) }
            ForEach(s.conflicts, id: \.path) { line in
                Section(line.field) {
                    ForEach(line.choices, id: \.index) { c in
                        VStack(alignment: .leading, spacing: 4) {
                            Text(c.value).font(.body.monospacedDigit())
                            Text(L("conflict_by", c.who, c.whenText)).font(.caption).foregroundStyle(.secondary)
                            HStack {
                                if c.shownNow { Text(L("conflict_shown")).font(.caption) }
                                Spacer()
                                Button(L("conflict_pick")) { vm.post(.pick(path: line.path, index: c.index)) }
                                    .buttonStyle(.bordered)
                            }
                        }
                    }
                }
            }
        }
        .navigationTitle(L("conflicts_title"))
        .overlay { if s.loading { Loading() } }
        .task { await vm.send(.load) }
        .effects(of: vm) { effect in
            if case .allResolved = effect { nav.pop() }
        }
    }
}
