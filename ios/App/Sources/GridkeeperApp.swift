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
        BackgroundSync.shared.register(model: AppModel.shared)
        BackgroundSync.shared.scheduleRefresh()
    }

    var body: some Scene {
        WindowGroup {
            RootView(model: model)
                // A scanned enrolment QR code (gridkeeper:enrol?…) opened the app.
                .onOpenURL { url in model.enrolLink = url.absoluteString }
        }
        .onChange(of: scenePhase) { phase in
            if phase == .background {
                // The forms' last keystrokes, held between draft writes, before iOS suspends us.
                _ = try? model.store?.flushDrafts()
                BackgroundSync.shared.scheduleRefresh()
            }
            // Back in front of the worker: iOS runs a BGTask only when it chooses.
            if phase == .active { model.syncIfDue(.resume) }
        }
    }
}

/// The phone's one store for the whole process, and the one sync line: screens, the sync bar
/// and the background task share them. It performs the effects that are the app's rather than
/// a tab's: sync, enrolment.
@MainActor
final class AppModel: ObservableObject, EffectPerformer {
    static let shared = AppModel()

    enum Phase: Equatable {
        case opening
        case failed(StoreProblem)
        case needsEnrolment
        case ready(grid: String)
    }

    @Published var phase: Phase = .opening
    @Published var enrolLink: String?

    /// Records are read in the language the app's chrome is shown in, so a screen never mixes
    /// the two.
    let lang: Lang = (Bundle.main.preferredLocalizations.first ?? "zh-Hans").hasPrefix("en") ? .en : .zh
    private(set) var store: GridStore?
    private(set) var sync: ScreenModel<SyncEvent, SyncView>?
    private let keys = KeychainKeys()
    private var writes: Gridkeeper.Subscription?
    private var opening: Task<GridStore?, Never>?
    /// The running sync's token: `CancelSync` and a background task's expiry cancel it.
    private var running: CancelToken?

    // Sync while the app is in front of the worker, not only when iOS grants a BGTask. When
    // is the core's `SyncTrigger` (the same on Android); this reports events and does what
    // it says.
    private let trigger = SyncTrigger()
    private let paths = NWPathMonitor()
    private var wasOnline = false
    private var online = false
    private var watching = false

    /// Opens the store off the main thread (the first open creates the Keychain key and the
    /// SQLCipher file) and decides between enrolment and the tabs.
    func start() async {
        guard let store = await openForBackground() else { return }
        let status = await Task.detached { try? store.syncStatus() }.value
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
    /// A sync starts as the 立即同步 button starts one, through the sync line, so the bar
    /// shows it running.
    func syncIfDue(_ reason: SyncReason) {
        guard let store, let sync else { return }
        let online = self.online || paths.currentPath.status == .satisfied
        Task { @MainActor in
            guard let status = await Task.detached(operation: { try? store.syncStatus() }).value,
                  status.enrolled else { return }
            guard let decision = try? trigger.decide(reason: reason, online: online, running: running != nil,
                                                     pending: status.pendingChanges + status.pendingUploads,
                                                     nowMs: Int64(Date().timeIntervalSince1970 * 1000)) else { return }
            switch decision {
            case .now:
                sync.send(.syncNow)
            case let .later(delayMs):
                try? await Task.sleep(nanoseconds: UInt64(max(delayMs, 0)) * 1_000_000)
                syncIfDue(reason)
            case .no:
                break
            }
        }
    }

    func perform(_ effect: Effect, for source: EffectSource) {
        switch effect {
        case .startSync:
            if let sync = source as? ScreenModel<SyncEvent, SyncView> { runSync(sync, cancel: CancelToken()) }
        case .cancelSync:
            running?.cancel()
        case let .enrol(server, code):
            (source as? ScreenModel<EnrolEvent, EnrolView>)?.runEnrol(server: server, code: code)
        case let .enrolled(grids):
            if let grid = grids.first { phase = .ready(grid: grid) }
        case .signOut:
            if let sync = source as? ScreenModel<SyncEvent, SyncView>,
               let slots = try? AppModel.directories().slots.path {
                sync.signOut(slotsDir: slots)
            }
        case .signedOut:
            // The store is closed; the next worker enrols into a store of their own.
            store = nil
            sync = nil
            opening = nil
            phase = .needsEnrolment
            Task { await start() }
        default:
            // RecordsChanged: watched screens read their records again by themselves.
            // ShareRescue: the sync bar's ShareLink already points at the file it asked the
            // core to write. The rest are a tab's (TabEffects).
            break
        }
    }

    /// Runs the sync line's sync, then pushes the work of workers who signed out on this phone
    /// before it went up. Returns once both are done (the background task waits for it).
    @discardableResult
    func runSync(_ sync: ScreenModel<SyncEvent, SyncView>, cancel: CancelToken) -> Task<Void, Never> {
        guard running == nil else { return Task {} }
        running = cancel
        let slots = try? AppModel.directories().slots.path
        let key = try? keys.storeKey()
        return Task { @MainActor in
            await sync.runSync(cancel: cancel).value
            await Task.detached(priority: .utility) {
                guard let slots, let key, let kept = try? keptStorePaths(slotsDir: slots) else { return }
                for path in kept {
                    _ = try? syncKeptStore(slotsDir: slots, path: path, key: key, cancel: cancel)
                }
            }.value
            self.running = nil
        }
    }

    /// The buttons of the "cannot be opened" screen: try again, or (a lost key) start over with
    /// a new key, the old store and key kept aside on the phone.
    func retryOpening(startingOver: Bool) {
        if startingOver { try? keys.startOver() }
        opening = nil
        phase = .opening
    }

    /// The store, opened once; nil when it cannot be opened (the phase then says so).
    func openForBackground() async -> GridStore? {
        if let store { return store }
        if opening == nil {
            let keys = self.keys
            opening = Task.detached(priority: .userInitiated) { () -> GridStore? in
                do {
                    // Opened by the Rust library through openOrRecover: a damaged store is moved
                    // aside intact, never deleted.
                    let dirs = try AppModel.directories()
                    return try StoreOpener.openActive(slotsDir: dirs.slots.path, attachmentCacheDir: dirs.attachments.path,
                                                      keys: keys, legacy: dirs.store.path)
                } catch {
                    // The error may name a path; it is not logged. The screen says what to do.
                    let problem: StoreProblem
                    switch error {
                    case GridkeeperError.StorageFull: problem = .storageFull
                    case is KeychainKeys.Failure: problem = .keyLost
                    default: problem = .storage
                    }
                    await MainActor.run { AppModel.shared.phase = .failed(problem) }
                    return nil
                }
            }
        }
        guard let opened = await opening?.value else { return nil }
        if store == nil {
            store = opened
            sync = ScreenModel<SyncEvent, SyncView>(sync: opened, lang: lang, performer: self)
            sync?.send(.refresh)
            writes = opened.subscribe(listener: LocalWrites(store: opened, scheduler: BackgroundSync.shared))
        }
        return opened
    }

    private struct Directories {
        /// The single store of versions before several workers (adopted into a slot).
        let store: URL
        /// One store per worker who signs in on this phone, named by a random id.
        let slots: URL
        let attachments: URL
    }

    /// The store lives in Application Support, kept out of backups: the key is this device's
    /// only, so a restored copy could not be opened anyway.
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
            attachments: caches.appendingPathComponent("attachments", isDirectory: true)
        )
    }
}

/// A local write asks for a sync once there is a connection. A sync's own changes notify too,
/// so only pending outgoing work asks (no sync loop).
private final class LocalWrites: RecordsChanged, @unchecked Sendable {
    private let store: GridStore
    private let scheduler: SyncScheduling
    init(store: GridStore, scheduler: SyncScheduling) {
        self.store = store
        self.scheduler = scheduler
    }

    func onRecordsChanged(recordIds: [String]) {
        if let status = try? store.syncStatus(), status.pendingChanges > 0 {
            Task { @MainActor in AppModel.shared.syncIfDue(.saved) }
            scheduler.scheduleSoon()
        }
    }
}
