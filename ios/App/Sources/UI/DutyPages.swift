// Android twin: android/app/src/main/java/org/gridkeeper/app/ui/DutyScreens.kt
import Gridkeeper
import GridkeeperShared
import SwiftUI

@MainActor
struct PlacesPage: View {
    @StateObject private var model: ScreenModel<PlaceListEvent, PlaceListView>
    @State private var query = ""

    init(env: ScreenEnv) {
        _model = StateObject(wrappedValue: ScreenModel(places: env.store, grid: env.grid, lang: env.lang, performer: env.effects))
    }

    var body: some View {
        Drawn(model.view, failed: model.failure != nil) { v in
            List {
                if let error = v.error { Banner(text: error) }
                ScrollView(.horizontal, showsIndicators: false) {
                    HStack {
                        ForEach(v.typeChoices, id: \.key) { type in
                            Button(type.label) { model.send(.type(v.placeType == type.key ? nil : type.key)) }
                                .buttonStyle(.bordered)
                                .tint(v.placeType == type.key ? .accentColor : .secondary)
                        }
                    }
                }
                Text(v.countText).font(.headline)
                if let empty = v.emptyText { Text(empty) }
                ForEach(v.rows, id: \.id) { row in
                    Button { model.send(.open(row.id)) } label: {
                        VStack(alignment: .leading) {
                            Text(row.name)
                            Text(row.placeType + " · " + row.address).font(.caption).foregroundStyle(.secondary)
                            if !row.responsible.isEmpty { Text(row.responsible).font(.caption) }
                        }
                    }
                }
            }
        }
        .navigationTitle(L("places"))
        .searchable(text: $query, prompt: L("search_places"))
        .onChange(of: query) { model.send(.query($0)) }
        .toolbar {
            Button { model.send(.add) } label: { Label(L("add_place"), systemImage: "plus") }
        }
        .task { model.send(.load) }
    }
}

@MainActor
struct PlaceDetailPage: View {
    @StateObject private var model: ScreenModel<PlaceDetailEvent, PlaceDetailView>

    init(env: ScreenEnv, placeId: String) {
        _model = StateObject(wrappedValue: ScreenModel(place: env.store, id: placeId, lang: env.lang, performer: env.effects))
    }

    var body: some View {
        Drawn(model.view, failed: model.failure != nil) { v in
            List {
                if let error = v.error { Banner(text: error) }
                if let conflicts = v.conflictsText {
                    Button(conflicts) { model.send(.showConflicts) }.foregroundStyle(.red)
                }
                Section {
                    Text(v.name).font(.headline)
                    Text(v.placeType).foregroundStyle(.tint)
                    Text(v.address)
                    if !v.responsible.isEmpty { Text(v.responsible) }
                    if !v.tags.isEmpty { Text(v.tags.joined(separator: " · ")) }
                    if !v.notes.isEmpty { Text(v.notes).font(.callout) }
                    Button(L("start_visit")) { model.send(.visit) }
                    Button(L("start_inspection")) { model.send(.inspect) }
                    Button(L("report_case")) { model.send(.reportCase) }
                    Button(L("edit")) { model.send(.edit) }
                }
                Section(L("inspections")) {
                    if v.inspections.isEmpty { Text(L("none_yet")) }
                    ForEach(v.inspections, id: \.id) { line in history(line) }
                }
                Section(L("visits")) {
                    if v.visits.isEmpty { Text(L("none_yet")) }
                    ForEach(v.visits, id: \.id) { line in history(line) }
                }
            }
        }
        .navigationTitle(model.view?.name ?? "")
        .task { model.send(.load) }
    }

    private func history(_ line: PlaceHistoryLine) -> some View {
        VStack(alignment: .leading) {
            Text(line.when)
            Text(line.text).font(.caption).foregroundStyle(.secondary)
        }
    }
}

@MainActor
struct PlaceEditPage: View {
    @StateObject private var model: ScreenModel<PlaceEditEvent, PlaceEditView>

    init(env: ScreenEnv, placeId: String?) {
        _model = StateObject(wrappedValue: ScreenModel(placeForm: env.store, grid: env.grid, id: placeId,
                                                       lang: env.lang, performer: env.effects))
    }

    var body: some View {
        Drawn(model.view, failed: model.failure != nil) { v in
            ScrollView {
                VStack(alignment: .leading, spacing: 8) {
                    if let note = v.note { Text(note).font(.callout) }
                    Banner(text: v.banner)
                    Choices(options: v.placeTypes.map { ($0.key, $0.label) }, chosen: v.placeType) {
                        model.send(.placeType($0))
                    }
                    ForEach(v.inputs, id: \.field) { input in
                        // An address refused as a whole goes under the free-text line.
                        FieldInput(label: input.label, value: input.value,
                                   error: error(v, input.field) ?? (input.field == "address.text" ? error(v, "address") : nil),
                                   keyboard: input.field == "contact" ? .phonePad : .default) {
                            model.send(.text(field: input.field, value: $0))
                        }
                    }
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
        .navigationTitle(model.view?.title ?? "")
        .task { model.send(.load) }
    }

    private func error(_ v: PlaceEditView, _ field: String) -> String? {
        v.errors.first { $0.field == field }?.message
    }
}

@MainActor
struct MediationsPage: View {
    @StateObject private var model: ScreenModel<MediationListEvent, MediationListView>

    init(env: ScreenEnv) {
        _model = StateObject(wrappedValue: ScreenModel(mediations: env.store, grid: env.grid, lang: env.lang, performer: env.effects))
    }

    var body: some View {
        Drawn(model.view, failed: model.failure != nil) { v in
            List {
                if let error = v.error { Banner(text: error) }
                Text(v.openText).font(.headline)
                if let empty = v.emptyText { Text(empty) }
                ForEach(v.rows, id: \.id) { row in
                    Button { model.send(.open(row.id)) } label: {
                        HStack {
                            VStack(alignment: .leading) {
                                Text(row.title)
                                Text(row.detail).font(.caption)
                                    .foregroundStyle(row.needsEscalation ? Color.red : Color.secondary)
                            }
                            Spacer()
                            Text(row.state).foregroundStyle(row.open ? Color.accentColor : Color.secondary)
                        }
                    }
                    .accessibilityValue(row.needsEscalation ? L("needs_escalation") : "")
                }
            }
        }
        .navigationTitle(L("nav_mediation"))
        .toolbar {
            Button { model.send(.new) } label: { Label(L("new_mediation"), systemImage: "plus") }
        }
        .refreshable { await model.send(.load).value }
        .task { model.send(.load) }
    }
}

@MainActor
struct DraftsPage: View {
    @StateObject private var model: ScreenModel<DraftListEvent, DraftListView>

    init(env: ScreenEnv) {
        _model = StateObject(wrappedValue: ScreenModel(drafts: env.store, lang: env.lang, performer: env.effects))
    }

    var body: some View {
        Drawn(model.view, failed: model.failure != nil) { v in
            List {
                if let error = v.error { Banner(text: error) }
                if let empty = v.emptyText { Text(empty) }
                ForEach(v.rows, id: \.key) { row in
                    VStack(alignment: .leading) {
                        Text(row.form).font(.caption).foregroundStyle(.secondary)
                        Text(row.title)
                        Text(row.saved).font(.caption)
                        HStack {
                            if row.resumable { Button(L("resume_draft")) { model.send(.resume(row.key)) } }
                            Button(L("drop_draft"), role: .destructive) { model.send(.drop(row.key)) }
                        }
                        .buttonStyle(.borderless)
                    }
                }
            }
        }
        .navigationTitle(L("drafts_title"))
        .task { model.send(.load) }
    }
}

@MainActor
struct SearchPage: View {
    @StateObject private var model: ScreenModel<SearchEvent, SearchView>
    @State private var query = ""

    init(env: ScreenEnv) {
        _model = StateObject(wrappedValue: ScreenModel(search: env.store, grid: env.grid, lang: env.lang, performer: env.effects))
    }

    var body: some View {
        Drawn(model.view, failed: model.failure != nil) { v in
            List {
                if let error = v.error { Banner(text: error) }
                if let empty = v.emptyText { Text(empty) }
                ForEach(v.rows, id: \.id) { row in
                    Button { model.send(.open(kind: row.kind, id: row.id)) } label: {
                        VStack(alignment: .leading) {
                            Text(row.kindLabel).font(.caption).foregroundStyle(.secondary)
                            Text(row.title)
                        }
                    }
                }
            }
        }
        .navigationTitle(L("search"))
        .searchable(text: $query, prompt: L("search_all"))
        .onChange(of: query) { model.send(.query($0)) }
    }
}
