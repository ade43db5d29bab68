// Android twin: android/app/src/main/java/org/gridkeeper/app/ui/ActivityScreens.kt
import Gridkeeper
import GridkeeperShared
import SwiftUI

/// The grid's activities (宣传 / 文体活动), the latest held first; 记录活动 in the toolbar.
@MainActor
struct ActivitiesPage: View {
    @StateObject private var model: ScreenModel<ActivityListEvent, ActivityListView>

    init(env: ScreenEnv) {
        _model = StateObject(wrappedValue: ScreenModel(activities: env.store, grid: env.grid, lang: env.lang, performer: env.effects))
    }

    var body: some View {
        Drawn(model.view, failed: model.failure != nil) { v in
            List {
                if let error = v.error { Banner(text: error) }
                Button(L("new_activity")) { model.send(.new) }
                Text(v.countText).font(.headline)
                if let empty = v.emptyText { Text(empty) }
                ForEach(v.rows, id: \.id) { row in
                    Button { model.send(.open(row.id)) } label: {
                        VStack(alignment: .leading) {
                            Text(row.activityType + " · " + row.heldOn).font(.caption).foregroundStyle(.tint)
                            Text(row.topic)
                            if !row.detail.isEmpty { Text(row.detail).font(.caption).foregroundStyle(.secondary) }
                        }
                    }
                }
            }
        }
        .navigationTitle(L("activities"))
        .task { model.send(.load) }
    }
}

/// One activity: what, when, where, how many came, what was done; 编辑 to correct it.
@MainActor
struct ActivityDetailPage: View {
    @StateObject private var model: ScreenModel<ActivityDetailEvent, ActivityDetailView>

    init(env: ScreenEnv, activityId: String) {
        _model = StateObject(wrappedValue: ScreenModel(activity: env.store, id: activityId, lang: env.lang, performer: env.effects))
    }

    var body: some View {
        Drawn(model.view, failed: model.failure != nil) { v in
            List {
                if let error = v.error { Banner(text: error) }
                if let conflicts = v.conflictsText {
                    Button(conflicts) { model.send(.showConflicts) }.foregroundStyle(.red)
                }
                Section {
                    Text(v.topic).font(.headline)
                    Text(v.activityType).foregroundStyle(.tint)
                    Text(v.heldOn)
                    if !v.venue.isEmpty { Text(v.venue) }
                    if !v.participants.isEmpty { Text(v.participants) }
                    if !v.notes.isEmpty { Text(v.notes).font(.callout) }
                    if !v.photos.isEmpty { Text(L("photos_n", v.photos.count)) }
                    Button(L("edit")) { model.send(.edit) }
                }
            }
        }
        .navigationTitle(model.view?.topic ?? "")
        .task { model.send(.load) }
    }
}

/// Recording an activity, or correcting one; the labels and messages are the core's.
@MainActor
struct ActivityEditPage: View {
    @StateObject private var model: ScreenModel<ActivityEditEvent, ActivityEditView>

    init(env: ScreenEnv, activityId: String?) {
        _model = StateObject(wrappedValue: ScreenModel(activityForm: env.store, grid: env.grid, id: activityId,
                                                       lang: env.lang, performer: env.effects))
    }

    var body: some View {
        Drawn(model.view, failed: model.failure != nil) { v in
            ScrollView {
                VStack(alignment: .leading, spacing: 8) {
                    if let note = v.note { Text(note).font(.callout) }
                    Banner(text: v.banner)
                    Choices(options: v.activityTypes.map { ($0.key, $0.label) }, chosen: v.activityType) {
                        model.send(.activityType($0))
                    }
                    ForEach(v.inputs, id: \.field) { input in
                        FieldInput(label: input.label, value: input.value, error: error(v, input.field),
                                   keyboard: input.numeric ? .numberPad : .default) {
                            model.send(.text(field: input.field, value: $0))
                        }
                    }
                    FieldInput(label: v.notesLabel, value: v.notes, error: error(v, "notes"), multiline: true) {
                        model.send(.text(field: "notes", value: $0))
                    }
                    Button(L("take_photo")) { model.send(.takePhoto) }.buttonStyle(.bordered)
                    if let photos = error(v, "photos") { Text(photos).foregroundStyle(.red) }
                    ForEach(Array(v.photos.enumerated()), id: \.offset) { i, hash in
                        HStack {
                            Text(L("photo_n", i + 1))
                            Spacer()
                            Button(L("remove_photo"), role: .destructive) { model.send(.removePhoto(hash: hash)) }
                        }
                    }
                    Button {
                        model.send(.save)
                    } label: {
                        Text(L("save")).frame(maxWidth: .infinity)
                    }
                    .buttonStyle(.borderedProminent)
                    .disabled(v.loading)
                    Button(L("discard"), role: .destructive) { model.send(.discard) }
                }
                .padding()
            }
            .overlay { if v.loading { Loading() } }
        }
        .navigationTitle(model.view?.title ?? "")
        .task { model.send(.load(at: unixNow())) }
    }

    private func error(_ v: ActivityEditView, _ field: String) -> String? {
        v.errors.first { $0.field == field }?.message
    }
}
