// Android twin: android/app/src/main/java/org/gridkeeper/app/ui/SyncBar.kt
import GridkeeperShared
import SwiftUI

/// Always on screen: what is waiting to be sent, the last sync, and the last failure in words.
@MainActor
struct SyncBar: View {
    @StateObject private var vm: SyncHolder
    @State private var rescueFile: URL?
    private let onSignedOut: (Bool) -> Void

    init(repos: Repositories, lang: Lang, onSignedOut: @escaping (Bool) -> Void = { _ in }) {
        _vm = StateObject(wrappedValue: SyncHolder(repos: repos, lang: lang))
        self.onSignedOut = onSignedOut
    }

    var body: some View {
        let s = vm.state
        VStack(alignment: .leading, spacing: 4) {
            HStack {
                VStack(alignment: .leading) {
                    // "3 项未上传，最早的在 5 小时前" says more than the count alone.
                    Text(s.unsyncedText ?? s.pendingText).font(.subheadline)
                    Text(s.lastSyncText).font(.caption).foregroundStyle(.secondary)
                }
                .accessibilityElement(children: .combine)
                Spacer()
                if s.pending > 0 && !s.running {
                    // No signal for days: the work leaves by another phone or a computer instead.
                    Button(L("write_rescue")) {
                        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rescue", isDirectory: true)
                        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
                        let name = "gridkeeper-\(Int(Date().timeIntervalSince1970 * 1000)).gkrescue"
                        vm.post(.writeRescue(path: dir.appendingPathComponent(name).path))
                    }
                }
                Button(L("sign_out")) { vm.post(.signOut) }.disabled(s.running)
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
            if let warning = s.overdueWarning {
                Text(warning).font(.subheadline).foregroundStyle(.red)
            }
            if let error = s.error {
                Text(error).font(.caption).foregroundStyle(.red)
            }
            if let rescue = s.rescueText {
                Text(rescue).font(.caption)
            }
            if let recovery = s.recovery {
                HStack {
                    Text(recovery).font(.caption).foregroundStyle(.red)
                    Button(L("understood")) { vm.post(.dismissRecovery) }
                }
            }
        }
        .padding(.horizontal, 12)
        .padding(.vertical, 6)
        .background(.bar)
        .alert(s.signOutQuestion ?? "", isPresented: Binding(
            get: { vm.state.signOutQuestion != nil },
            set: { shown in if !shown { vm.post(.keepSignedIn) } }
        )) {
            Button(L("sign_out"), role: .destructive) { vm.post(.confirmSignOut) }
            Button(L("keep_signed_in"), role: .cancel) { vm.post(.keepSignedIn) }
        }
        .effects(of: vm) { effect in
            switch effect {
            case let .signedOut(removed): onSignedOut(removed)
            case let .shareRescue(path): rescueFile = URL(fileURLWithPath: path)
            case .finished: break
            }
        }
        .sheet(isPresented: Binding(get: { rescueFile != nil }, set: { if !$0 { rescueFile = nil } })) {
            if let rescueFile {
                ShareLink(item: rescueFile) { Label(L("write_rescue"), systemImage: "square.and.arrow.up") }
                    .padding()
            }
        }
        // The background task syncs without this view knowing; look again now and then.
        .task {
            while !Task.isCancelled {
                await vm.send(.refresh)
                try? await Task.sleep(nanoseconds: 30_000_000_000)
            }
        }
    }
}
