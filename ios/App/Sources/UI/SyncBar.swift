// Android twin: android/app/src/main/java/org/gridkeeper/app/ui/SyncBar.kt
import Gridkeeper
import GridkeeperShared
import SwiftUI

/// Always on screen: what is waiting to be sent, the last sync, and the last failure in words.
/// The model is the app's one sync line (AppModel), watched, so a background sync shows too.
@MainActor
struct SyncBar: View {
    @ObservedObject var model: ScreenModel<SyncEvent, SyncView>
    @State private var rescueURL: URL?

    var body: some View {
        Group {
            if let v = model.view { bar(v) }
        }
        // A sync with nothing to bring changes no record, so the watch stays quiet; the last
        // sync's time is read again now and then.
        .task {
            while !Task.isCancelled {
                await model.send(.refresh).value
                try? await Task.sleep(nanoseconds: 30_000_000_000)
            }
        }
    }

    private func bar(_ v: SyncView) -> some View {
        VStack(alignment: .leading, spacing: 4) {
            HStack {
                VStack(alignment: .leading) {
                    Text(v.progressText ?? v.pendingText).font(.subheadline)
                    Text(v.lastSyncText).font(.caption).foregroundStyle(.secondary)
                }
                .accessibilityElement(children: .combine)
                Spacer()
                if v.running {
                    Button(L("cancel")) { model.send(.cancel) }
                } else if v.enrolled {
                    Button(L("sync_now")) { model.send(.syncNow) }
                }
            }
            if v.running {
                if let percent = v.progressPercent {
                    ProgressView(value: Double(percent), total: 100)
                } else {
                    ProgressView().frame(maxWidth: .infinity)
                }
            }
            if let error = v.error {
                Text(error).font(.caption).foregroundStyle(.red)
            }
            if let unsynced = v.unsyncedText {
                Text(unsynced).font(.caption)
            }
            // Said plainly: a background sync the system never ran says nothing by itself.
            if let overdue = v.overdueWarning {
                Text(overdue).font(.subheadline).foregroundStyle(.red)
            }
            if let recovery = v.recovery {
                Text(recovery).font(.caption)
                Button(L("understood")) { model.send(.dismissRecovery) }
            }
            // Edits lost to an administrator's erasure: told once, until the worker has read it.
            if let erased = v.erasureNotice {
                Text(erased).font(.subheadline).foregroundStyle(.red)
                Button(L("understood")) { model.send(.dismissErasureNotices) }
            }
            if let rescue = v.rescueText {
                Text(rescue).font(.caption)
                if let url = rescueURL { ShareLink(item: url) }
            }
            if v.enrolled && !v.running && v.pending > 0 {
                Button(L("write_rescue")) {
                    let url = FileManager.default.temporaryDirectory.appendingPathComponent("gridkeeper-rescue.gkr")
                    rescueURL = url
                    model.send(.writeRescue(path: url.path))
                }
                .font(.caption)
            }
            if v.enrolled {
                Button(L("sign_out"), role: .destructive) { model.send(.signOut) }.font(.caption)
            }
            // Edits the server refused for good are never hidden.
            if let refused = v.refusedText {
                Text(refused).font(.subheadline).foregroundStyle(.red)
                ForEach(v.refused, id: \.recordId) { line in
                    Text(line.text).font(.caption)
                }
            }
        }
        .padding(.horizontal, 12)
        .padding(.vertical, 6)
        .background(.bar)
        // The core asks before a sign-out that would leave work unsent on the phone.
        .alert(L("sign_out"), isPresented: .constant(v.signOutQuestion != nil)) {
            Button(L("sign_out"), role: .destructive) { model.send(.confirmSignOut) }
            Button(L("cancel"), role: .cancel) { model.send(.keepSignedIn) }
        } message: {
            Text(v.signOutQuestion ?? "")
        }
    }
}
