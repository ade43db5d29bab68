// Android twin: android/app/src/main/java/org/gridkeeper/app/ui/HouseholdScreens.kt
import Gridkeeper
import GridkeeperShared
import SwiftUI

@MainActor
struct HouseholdsPage: View {
    @StateObject private var model: ScreenModel<HouseholdsEvent, HouseholdsView>
    @State private var query = ""

    init(env: ScreenEnv) {
        _model = StateObject(wrappedValue: ScreenModel(households: env.store, grid: env.grid, lang: env.lang, performer: env.effects))
    }

    var body: some View {
        Drawn(model.view, failed: model.failure != nil) { v in
            List {
                if let error = v.error { Banner(text: error) }
                // Filter by the special groups the worker looks after; a second tap clears it.
                ScrollView(.horizontal, showsIndicators: false) {
                    HStack {
                        ForEach(v.tagChoices, id: \.key) { tag in
                            Button(tag.label) { model.send(.tag(v.tag == tag.key ? nil : tag.key)) }
                                .buttonStyle(.bordered)
                                .tint(v.tag == tag.key ? .accentColor : .secondary)
                        }
                    }
                }
                if v.canGoUp {
                    Button(L("up") + " · " + v.place) { model.send(.up) }
                } else {
                    Text(v.place).font(.headline)
                }
                ForEach(v.groups, id: \.key) { group in
                    Button(group.label) { model.send(.browse(group.key)) }
                }
                if let empty = v.emptyText { Text(empty) }
                ForEach(v.rows, id: \.id) { row in
                    Button { model.send(.open(row.id)) } label: {
                        VStack(alignment: .leading) {
                            Text(row.title)
                            Text(row.address + " · " + row.members).font(.caption).foregroundStyle(.secondary)
                            if !row.tags.isEmpty {
                                Text(row.tags.joined(separator: " · ")).font(.caption)
                            }
                        }
                    }
                }
            }
        }
        .navigationTitle(L("nav_households"))
        .searchable(text: $query, prompt: L("search_hint"))
        .onChange(of: query) { model.send(.query($0)) }
        .toolbar {
            Button { model.send(.add) } label: { Label(L("add_household"), systemImage: "plus") }
        }
        .task { model.send(.load) }
    }
}

@MainActor
struct HouseholdDetailPage: View {
    @StateObject private var model: ScreenModel<HouseholdDetailEvent, HouseholdDetailView>

    init(env: ScreenEnv, householdId: String) {
        _model = StateObject(wrappedValue: ScreenModel(household: env.store, id: householdId, lang: env.lang, performer: env.effects))
    }

    var body: some View {
        Drawn(model.view, failed: model.failure != nil) { v in
            List {
                if let error = v.error { Banner(text: error) }
                if let conflicts = v.conflictsText {
                    Button(conflicts) { model.send(.showConflicts) }.foregroundStyle(.red)
                }
                Section {
                    Text(v.address).font(.headline)
                    if !v.tags.isEmpty { Text(v.tags.joined(separator: " · ")) }
                    if !v.notes.isEmpty { Text(v.notes).font(.callout) }
                    Button(L("start_visit")) { model.send(.visit(memberId: nil)) }
                    Button(L("report_case")) { model.send(.reportCase) }
                }
                Section(L("members")) {
                    ForEach(v.members, id: \.id) { m in
                        VStack(alignment: .leading, spacing: 4) {
                            Text("\(m.name) · \(m.relation)").font(.body)
                            if let left = m.left { Text(left).font(.caption).foregroundStyle(.secondary) }
                            if let id = m.idNumber { Text(id).font(.callout.monospacedDigit()) }
                            if let phone = m.phone { Text(phone).font(.callout.monospacedDigit()) }
                            if !m.tags.isEmpty { Text(m.tags.joined(separator: " · ")).font(.caption) }
                            if m.left == nil {
                                HStack {
                                    Button(m.revealed ? L("hide_full") : L("show_full")) { model.send(.reveal(memberId: m.id)) }
                                    Spacer()
                                    Button(L("start_visit")) { model.send(.visit(memberId: m.id)) }
                                }
                                .buttonStyle(.borderless)
                            }
                        }
                    }
                }
                Section(L("visits")) {
                    ForEach(v.visits, id: \.id) { visit in
                        Text("\(visit.when) · \(visit.purpose) · \(visit.worker)").font(.callout)
                    }
                }
            }
            .overlay { if v.loading { Loading() } }
        }
        .toolbar { Button(L("edit")) { model.send(.edit) } }
        // Watched: a sync or another screen's save shows here by itself.
        .task { model.send(.load) }
    }
}

@MainActor
struct HouseholdEditPage: View {
    @StateObject private var model: ScreenModel<HouseholdEditEvent, HouseholdEditView>

    init(env: ScreenEnv, householdId: String?) {
        _model = StateObject(wrappedValue: ScreenModel(householdForm: env.store, grid: env.grid, id: householdId,
                                                       lang: env.lang, performer: env.effects))
    }

    var body: some View {
        Drawn(model.view, failed: model.failure != nil) { v in
            ScrollView {
                VStack(alignment: .leading, spacing: 8) {
                    if let note = v.note { Text(note).font(.callout) }
                    Banner(text: v.banner)
                    ForEach(v.errors.filter { !Self.shown(v).contains($0.field) }, id: \.field) { e in
                        Text(e.message).foregroundStyle(.red)
                    }
                    if let address = error(v, "address") { Text(address).foregroundStyle(.red) }
                    ForEach(v.address, id: \.field) { input in
                        FieldInput(label: input.label, value: input.value, error: error(v, input.field)) {
                            model.send(.text(field: input.field, value: $0))
                        }
                    }
                    Choices(options: v.housingTypes.map { ($0.key, $0.label) }, chosen: v.housingType) {
                        model.send(.housingType(key: $0))
                    }
                    SectionTitle(text: L("members"))
                    ForEach(Array(v.members.enumerated()), id: \.offset) { i, m in
                        memberCard(v, UInt32(i), m)
                    }
                    Button(L("add_member")) { model.send(.addMember) }
                    FieldInput(label: L("notes"), value: v.notes, error: error(v, "notes"), multiline: true) {
                        model.send(.text(field: "notes", value: $0))
                    }
                    Button {
                        model.send(.save)
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
        .navigationTitle(model.view?.isNew == true ? L("add_household") : L("edit"))
        .task { model.send(.load) }
    }

    private func error(_ v: HouseholdEditView, _ field: String) -> String? {
        v.errors.first { $0.field == field }?.message
    }

    /// The fields this page shows an error under; the others' errors go above the form.
    private static func shown(_ v: HouseholdEditView) -> Set<String> {
        var fields = Set(["address", "notes"] + v.address.map(\.field))
        for m in v.members {
            fields.formUnion([m.path, m.path + ".name", m.path + ".id_number", m.path + ".phone", m.path + ".birth_date"])
        }
        return fields
    }

    private func memberCard(_ v: HouseholdEditView, _ i: UInt32, _ m: HouseholdEditMember) -> some View {
        VStack(alignment: .leading, spacing: 6) {
            Text(m.heading).font(.subheadline.bold())
            if let left = m.left { Text(left).font(.caption).foregroundStyle(.secondary) }
            FieldInput(label: L("member_name"), value: m.name, error: error(v, m.path + ".name")) {
                model.send(.text(field: m.path + ".name", value: $0))
            }
            FieldInput(label: L("member_id_number"), value: m.idNumber, error: error(v, m.path + ".id_number"), keyboard: .asciiCapable) {
                model.send(.text(field: m.path + ".id_number", value: $0))
            }
            FieldInput(label: L("member_phone"), value: m.phone, error: error(v, m.path + ".phone"), keyboard: .phonePad) {
                model.send(.text(field: m.path + ".phone", value: $0))
            }
            // An ID number gives the birth date on saving, so the input is only shown.
            if m.birthDateFromIdNumber {
                Text(L("member_birth_date") + " " + m.birthDate).font(.callout)
            } else {
                FieldInput(label: L("member_birth_date"), value: m.birthDate, error: error(v, m.path + ".birth_date")) {
                    model.send(.text(field: m.path + ".birth_date", value: $0))
                }
            }
            Choices(options: v.relations.map { ($0.key, $0.label) }, chosen: m.relation) {
                model.send(.relation(member: i, key: $0))
            }
            Choices(options: v.registrations.map { ($0.key, $0.label) }, chosen: m.registration) {
                model.send(.registration(member: i, key: $0))
            }
            // Each tap adds or removes one group.
            LazyVGrid(columns: [GridItem(.adaptive(minimum: 110), spacing: 6)], alignment: .leading, spacing: 6) {
                ForEach(v.tagChoices, id: \.key) { tag in
                    Toggle(tag.label, isOn: Binding(
                        get: { m.tags.contains(tag.key) },
                        set: { _ in model.send(.toggleTag(member: i, key: tag.key)) }
                    ))
                    .toggleStyle(.button)
                }
            }
            // The core may name a member as a whole (`members[1]`).
            if let whole = error(v, m.path) { Text(whole).foregroundStyle(.red) }
            if m.removable {
                Button(L("remove_member"), role: .destructive) { model.send(.removeMember(member: i)) }
            }
        }
        .padding(10)
        .background(Color.secondary.opacity(0.08), in: RoundedRectangle(cornerRadius: 8))
    }
}
