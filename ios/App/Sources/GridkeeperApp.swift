// Android twins: android/app/src/main/java/org/gridkeeper/app/GridkeeperApp.kt and MainActivity.kt
import Gridkeeper
import GridkeeperShared
import Network
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
            // Back in front of the worker: iOS runs a BGTask only when it chooses.
            if phase == .active { model.syncIfDue(.resume) }
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
    /// The open store's slot id (its file name without `.db`): nothing about the person.
    private var slot: String?

    // Sync while the app is in front of the worker, not only when iOS grants a BGTask. The
    // rules are SyncTrigger's (GridkeeperShared, tested); this reports events and runs it.
    private let trigger = SyncTrigger()
    private var syncing = false
    private let paths = NWPathMonitor()
    private var wasOnline = false
    private var online = false
    private var watching = false

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
        watchConnectivity()
        syncIfDue(.appStart)
    }

    /// Only a connection coming back counts: the path is reported again on every change.
    private func watchConnectivity() {
        // start() runs again after a sign-out; the monitor is started once per process.
        guard !watching else { return }
        watching = true
        paths.pathUpdateHandler = { path in
            let now = path.status == .satisfied
            Task { @MainActor in
                let model = AppModel.shared
                model.online = now
                if now && !model.wasOnline { model.syncIfDue(.connected) }
                model.wasOnline = now
            }
        }
        paths.start(queue: DispatchQueue(label: "org.gridkeeper.app.paths"))
    }

    /// Called on start, on becoming active, after a save and when a connection comes back.
    func syncIfDue(_ reason: SyncReason) {
        guard let repos else { return }
        let online = self.online || paths.currentPath.status == .satisfied
        Task { @MainActor in
            guard let status = await Task.detached(operation: { try? repos.sync.status() }).value,
                  status.enrolled else { return }
            let pending = Int64(status.pendingChanges) + Int64(status.pendingUploads)
            switch trigger.decide(reason, online: online, running: syncing, pending: pending) {
            case .now:
                await runSync(repos)
            case let .later(delayMillis):
                try? await Task.sleep(nanoseconds: UInt64(delayMillis) * 1_000_000)
                syncIfDue(reason)
            case .no:
                break
            }
        }
    }

    private func runSync(_ repos: Repositories) async {
        guard !syncing else { return }
        syncing = true
        defer { syncing = false }
        let slots = try? AppModel.directories().slots.path
        let key = try? keys.storeKey()
        _ = await Task.detached(priority: .utility) { () -> Bool in
            _ = SyncRunner(repos: repos).run(CancelToken())
            // Work of workers who signed out before it went up: pushed, then their store goes.
            if let slots, let key, let kept = try? keptStorePaths(slotsDir: slots) {
                for path in kept {
                    _ = try? syncKeptStore(slotsDir: slots, path: path, key: key, cancel: CancelToken())
                }
            }
            return true
        }.value
    }

    /// After `SyncEffect.signedOut`: forget the closed store and go back to enrolment, with
    /// whoever signs in next in a store of their own. Drafts go only with a removed store.
    func signedOut(removed: Bool) {
        subscription = nil
        repos = nil
        drafts = nil
        opening = nil
        if removed, let slot, let dirs = try? AppModel.directories() {
            try? FileManager.default.removeItem(at: dirs.workerDrafts.appendingPathComponent(slot, isDirectory: true))
        }
        slot = nil
        phase = .opening
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
                    // Opened by the Rust library through openOrRecover: a damaged store is moved
                    // aside intact, never deleted, and the sync bar tells the worker.
                    let dirs = try AppModel.directories()
                    let store = try StoreOpener.openActive(slotsDir: dirs.slots.path, attachmentCacheDir: dirs.attachments.path,
                                                           keys: keys, legacy: dirs.store.path)
                    return Repositories(store, slotsDir: dirs.slots.path)
                } catch {
                    await MainActor.run { AppModel.shared.phase = .failed(Messages.plainWords(error, AppModel.shared.lang)) }
                    return nil
                }
            }
        }
        guard let opened = await opening?.value else { return nil }
        if repos == nil {
            repos = opened
            if let key = try? keys.storeKey(), let dirs = try? AppModel.directories(),
               let path = try? activeStorePath(slotsDir: dirs.slots.path) {
                // Drafts belong to the worker too: one directory per store slot; the drafts of
                // the single-store versions go with the adopted store.
                let slot = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
                self.slot = slot
                let dir = dirs.workerDrafts.appendingPathComponent(slot, isDirectory: true)
                let fm = FileManager.default
                if !fm.fileExists(atPath: dir.path), fm.fileExists(atPath: dirs.drafts.path) {
                    try? fm.createDirectory(at: dirs.workerDrafts, withIntermediateDirectories: true)
                    try? fm.moveItem(at: dirs.drafts, to: dir)
                }
                drafts = FileDraftStore(dir: dir, cipher: AesGcmDraftCipher.fromStoreKey(key))
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
        /// The single store of versions before several workers (adopted into a slot).
        let store: URL
        /// One store per worker who signs in on this phone, named by a random id.
        let slots: URL
        let attachments: URL
        /// The drafts of the single-store versions (adopted with the store).
        let drafts: URL
        let workerDrafts: URL
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
            slots: support.appendingPathComponent("stores", isDirectory: true),
            attachments: caches.appendingPathComponent("attachments", isDirectory: true),
            drafts: support.appendingPathComponent("drafts", isDirectory: true),
            workerDrafts: support.appendingPathComponent("worker-drafts", isDirectory: true)
        )
    }
}

private final class LocalWrites: RecordsChanged, @unchecked Sendable {
    private let repos: Repositories
    init(repos: Repositories) { self.repos = repos }

    func onRecordsChanged(recordIds: [String]) {
        if let status = try? repos.sync.status(), status.pendingChanges > 0 {
            Task { @MainActor in AppModel.shared.syncIfDue(.saved) }
            BackgroundSync.scheduleSoon()
        }
    }
}
