// Kotlin twin: android/shared/src/main/kotlin/org/gridkeeper/app/shared/SyncTrigger.kt
import Foundation

/// Why the app thinks of syncing now.
public enum SyncReason {
    case appStart, resume, saved, connected
}

/// What the glue does: sync now, ask again after `delayMillis`, or nothing.
public enum SyncDecision: Equatable {
    case now
    case later(delayMillis: Int64)
    case no
}

/// When the app syncs by itself. Some phones stop an app's background work (and iOS runs a
/// BGTask only when it chooses), so the app also syncs whenever it is in front of the worker —
/// on start, on resume, after a save, when a connection comes back. The glue (scenePhase and
/// NWPathMonitor in App/) only reports events here and does what comes back; the rules live in
/// this one tested place, with a Kotlin twin.
///
/// - Nothing without a connection or while a sync runs (the running one takes what is queued).
/// - Start and a connection coming back: always.
/// - Resume: when work is waiting, or the last sync this process started is `resumeAfterMillis`
///   old — coming back from the camera must not sync every time.
/// - Save: when work is waiting; saves within `debounceMillis` of the last start are gathered
///   into one sync, asked for again once the quiet period is over.
public final class SyncTrigger: @unchecked Sendable {
    private let clock: () -> Int64
    private let debounceMillis: Int64
    private let resumeAfterMillis: Int64
    private var lastStart: Int64?
    private let lock = NSLock()

    public init(clock: @escaping () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) },
                debounceMillis: Int64 = 20_000, resumeAfterMillis: Int64 = 15 * 60_000) {
        self.clock = clock
        self.debounceMillis = debounceMillis
        self.resumeAfterMillis = resumeAfterMillis
    }

    public func decide(_ reason: SyncReason, online: Bool, running: Bool, pending: Int64) -> SyncDecision {
        lock.lock()
        defer { lock.unlock() }
        if !online || running { return .no }
        let now = clock()
        let since = lastStart.map { now - $0 }
        let decision: SyncDecision
        switch reason {
        case .appStart, .connected:
            decision = .now
        case .resume:
            if pending > 0 || since == nil || since! >= resumeAfterMillis {
                decision = .now
            } else {
                decision = .no
            }
        case .saved:
            if pending <= 0 {
                decision = .no
            } else if let since, since >= 0, since < debounceMillis {
                decision = .later(delayMillis: debounceMillis - since)
            } else {
                decision = .now
            }
        }
        if decision == .now { lastStart = now }
        return decision
    }
}
