// Android twin: android/app/src/main/java/org/gridkeeper/app/ui/DiaryScreens.kt

import Gridkeeper
import GridkeeperShared
import SwiftUI

/// 民情日志: today written from the worker's records, corrected, then submitted as theirs.
@MainActor
struct DiaryPage: View {
    @StateObject private var model: ScreenModel<DiaryEvent, DiaryView>

    init(env: ScreenEnv) {
        _model = StateObject(wrappedValue: ScreenModel(diary: env.store, grid: env.grid, lang: env.lang,
                                                       performer: env.effects))
    }

    var body: some View {
        Drawn(model.view, failed: model.failure != nil) { v in
            ScrollView {
                VStack(alignment: .leading, spacing: 8) {
                    Banner(text: v.error)
                    Text(v.status).foregroundStyle(v.submitted ? Color.accentColor : Color.secondary)
                    if let empty = v.emptyText { Text(empty) }
                    part(v.visitedLabel, v.visited, .visited)
                    part(v.problemsLabel, v.problems, .problems)
                    part(v.measuresLabel, v.measures, .measures)
                    part(v.resultsLabel, v.results, .results)
                    Button {
                        model.send(.submit(at: unixNow()))
                    } label: {
                        Text(v.submitLabel).frame(maxWidth: .infinity)
                    }
                    .buttonStyle(.borderedProminent)
                    .disabled(v.loading || v.submitted)
                    Button(v.rewriteLabel) { model.send(.rewrite) }.buttonStyle(.bordered)
                }
                .padding()
            }
            .overlay { if v.loading { Loading() } }
        }
        .navigationTitle(model.view?.title ?? "")
        .task { model.send(.load(at: unixNow())) }
    }

    private func part(_ label: String, _ value: String, _ which: DiaryPart) -> some View {
        FieldInput(label: label, value: value, error: nil, multiline: true) {
            model.send(.edit(part: which, text: $0))
        }
    }
}
