// Android twin: android/app/src/main/java/org/gridkeeper/app/glue/SyncWork.kt
import BackgroundTasks
import Foundation
import Gridkeeper
import GridkeeperShared

/// Background sync through BGTaskScheduler. iOS decides when either task runs; both need the
/// identifiers in Info.plist (BGTaskSchedulerPermittedIdentifiers) and are registered before
/// launch ends (GridkeeperApp.init).
///
/// - `refresh` (BGAppRefreshTask): the periodic sync, asked for every 30 minutes.
/// - `soon` (BGProcessingTask, requiresNetworkConnectivity): after a local write, so a sync
///   starts once there is a connection — the WorkManager one-time job on Android.
enum BackgroundSync {
    static let refresh = "org.gridkeeper.app.sync.refresh"
    static let soon = "org.gridkeeper.app.sync.soon"

    static func register(model: AppModel) {
        BGTaskScheduler.shared.register(forTaskWithIdentifier: refresh, using: nil) { task in
            scheduleRefresh()
            run(task, model: model)
        }
        BGTaskScheduler.shared.register(forTaskWithIdentifier: soon, using: nil) { task in
            run(task, model: model)
        }
    }

    static func scheduleRefresh() {
        let request = BGAppRefreshTaskRequest(identifier: refresh)
        request.earliestBeginDate = Date(timeIntervalSinceNow: 30 * 60)
        submit(request)
    }

    /// A short delay gathers a form's several writes into one sync; a request already
    /// waiting is replaced by this one (same identifier).
    static func scheduleSoon() {
        let request = BGProcessingTaskRequest(identifier: soon)
        request.requiresNetworkConnectivity = true
        request.requiresExternalPower = false
        request.earliestBeginDate = Date(timeIntervalSinceNow: 15)
        submit(request)
    }

    private static func submit(_ request: BGTaskRequest) {
        do {
            try BGTaskScheduler.shared.submit(request)
        } catch {
            // Not permitted in the simulator, or too many pending: the next foreground
            // 立即同步 or refresh covers it. The error carries no personal data.
            NSLog("gridkeeper: background sync not scheduled: %@", String(describing: error))
        }
    }

    private static func run(_ task: BGTask, model: AppModel) {
        let cancel = CancelToken()
        // iOS ending the task (time up, connection lost) stops the sync between rounds.
        task.expirationHandler = { cancel.cancel() }
        Task { @MainActor in
            guard let repos = await model.openForBackground() else {
                task.setTaskCompleted(success: false)
                return
            }
            let outcome = await Task.detached(priority: .utility) { SyncRunner(repos: repos).run(cancel) }.value
            switch outcome {
            case .done:
                task.setTaskCompleted(success: true)
            case let .failed(_, retryable):
                // A network failure is tried again once there is a connection; a refusal (not
                // enrolled, revoked) waits for a person.
                if retryable { scheduleSoon() }
                task.setTaskCompleted(success: false)
            }
        }
    }
}
