// Android twins: android/app/src/main/java/org/gridkeeper/app/GridkeeperApp.kt and MainActivity.kt
import Gridkeeper
import GridkeeperShared
import SwiftUI

@main
struct GridkeeperApp: App {
    @StateObject private var model = AppModel.shared
    @Environment(\.scenePhase) private var scenePhase

    init() {
        // BGTaskScheduler wants its handlers before launch ends; the periodic sync is asked
        // for from the first launch, as Android schedules its periodic work in onCreate.
        BackgroundSync.register(model: AppModel.shared)
        BackgroundSync.scheduleRefresh()
    }

    var body: some Scene {
        WindowGroup {
            RootView(model: model)
                // A scanned enrolment QR code (gridkeeper:enrol?…) opened the app.
                .onOpenURL { url in model.enrolLink = url.absoluteString }
        }
        .onChange(of: scenePhase) { phase in
            if phase == .background { BackgroundSync.scheduleRefresh() }
        }
    }
}

/// The phone's one store for the whole process: screens and the background sync share it.
@MainActor
final class AppModel: ObservableObject {
    static let shared = AppModel()

    enum Phase: Equatable {
        case opening
        case failed(String)
        case needsEnrolment
        case ready(grid: String)
    }

    @Published var phase: Phase = .opening
    @Published var enrolLink: String?

    /// The worker reads records in the language the app's chrome is shown in.
    let lang = Lang.of(localization: Bundle.main.preferredLocalizations.first)
    private(set) var repos: Repositories?
    private(set) var drafts: DraftStore?
    private let keys = KeychainKeys()
    private var subscription: Gridkeeper.Subscription?
    private var opening: Task<Repositories?, Never>?

    /// Opens the store off the main thread (the first open creates the Keychain key and the
    /// SQLCipher file) and decides between enrolment and the tabs.
    func start() async {
        guard let repos = await openForBackground() else { return }
        let status = await Task.detached { try? repos.sync.status() }.value
        if let grid = status?.grids.first {
            phase = .ready(grid: grid)
        } else {
            phase = .needsEnrolment
        }
    }

    func enrolled(_ grids: [String]) {
        if let grid = grids.first { phase = .ready(grid: grid) }
    }

    /// The repositories, opening the store once; nil when it cannot be opened (the phase
    /// then says why, in words).
    func openForBackground() async -> Repositories? {
        if let repos { return repos }
        if opening == nil {
            let keys = self.keys
            opening = Task.detached(priority: .userInitiated) { () -> Repositories? in
                do {
                    let dirs = try AppModel.directories()
                    let store = try StoreOpener.open(path: dirs.store.path, attachmentCacheDir: dirs.attachments.path, keys: keys)
                    return Repositories(store)
                } catch {
                    await MainActor.run { AppModel.shared.phase = .failed(Messages.plainWords(error, AppModel.shared.lang)) }
                    return nil
                }
            }
        }
        guard let opened = await opening?.value else { return nil }
        if repos == nil {
            repos = opened
            if let key = try? keys.storeKey(), let dirs = try? AppModel.directories() {
                drafts = FileDraftStore(dir: dirs.drafts, cipher: AesGcmDraftCipher.fromStoreKey(key))
            }
            watchLocalWrites(opened)
        }
        return opened
    }

    /// A local write asks for a sync once there is a connection. A sync's own changes notify
    /// too, so only pending outgoing work schedules one (no sync loop).
    private func watchLocalWrites(_ repos: Repositories) {
        subscription = repos.store.subscribe(listener: LocalWrites(repos: repos))
    }

    private struct Directories {
        let store: URL
        let attachments: URL
        let drafts: URL
    }

    /// The store and drafts live in Application Support, kept out of backups: the key is
    /// this device's only, so a restored copy could not be opened anyway.
    nonisolated private static func directories() throws -> Directories {
        let fm = FileManager.default
        var support = try fm.url(for: .applicationSupportDirectory, in: .userDomainMask, appropriateFor: nil, create: true)
            .appendingPathComponent("Gridkeeper", isDirectory: true)
        try fm.createDirectory(at: support, withIntermediateDirectories: true)
        var values = URLResourceValues()
        values.isExcludedFromBackup = true
        try support.setResourceValues(values)
        let caches = try fm.url(for: .cachesDirectory, in: .userDomainMask, appropriateFor: nil, create: true)
        return Directories(
            store: support.appendingPathComponent("gridkeeper.db"),
            attachments: caches.appendingPathComponent("attachments", isDirectory: true),
            drafts: support.appendingPathComponent("drafts", isDirectory: true)
        )
    }
}

private final class LocalWrites: RecordsChanged, @unchecked Sendable {
    private let repos: Repositories
    init(repos: Repositories) { self.repos = repos }

    func onRecordsChanged(recordIds: [String]) {
        if let status = try? repos.sync.status(), status.pendingChanges > 0 {
            BackgroundSync.scheduleSoon()
        }
    }
}
