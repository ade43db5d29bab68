// Android twin: android/app/src/main/java/org/gridkeeper/app/ui/SyncBar.kt
import GridkeeperShared
import SwiftUI

/// Always on screen: what is waiting to be sent, the last sync, and the last failure in words.
@MainActor
struct SyncBar: View {
    @StateObject private var vm: SyncHolder

    init(repos: Repositories, lang: Lang) {
        _vm = StateObject(wrappedValue: SyncHolder(repos: repos, lang: lang))
    }

    var body: some View {
        let s = vm.state
        VStack(alignment: .leading, spacing: 4) {
            HStack {
                VStack(alignment: .leading) {
                    Text(s.pendingText).font(.subheadline)
                    Text(s.lastSyncText).font(.caption).foregroundStyle(.secondary)
                }
                .accessibilityElement(children: .combine)
                Spacer()
                if s.running {
                    Button(L("cancel")) { vm.cancelNow() }
                } else {
                    Button(L("sync_now")) { vm.post(.syncNow) }
                }
            }
            if s.running {
                if let p = s.progress, p.recordsTotal > 0 {
                    ProgressView(value: Double(p.recordsDone), total: Double(p.recordsTotal))
                } else {
                    ProgressView().frame(maxWidth: .infinity)
                }
            }
            if let error = s.error {
                Text(error).font(.caption).foregroundStyle(.red)
            }
        }
        .padding(.horizontal, 12)
        .padding(.vertical, 6)
        .background(.bar)
        // The background task syncs without this view knowing; look again now and then.
        .task {
            while !Task.isCancelled {
                await vm.send(.refresh)
                try? await Task.sleep(nanoseconds: 30_000_000_000)
            }
        }
    }
}
