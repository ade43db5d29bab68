// Android twin: android/app/src/main/java/org/gridkeeper/app/glue/SyncWork.kt
import BackgroundTasks
import Foundation
import Gridkeeper
import GridkeeperShared

/// What the app asks of the background scheduler, so the rest does not depend on
/// BGTaskScheduler.
protocol SyncScheduling {
    func scheduleRefresh()
    func scheduleSoon()
}

/// Background sync through BGTaskScheduler. iOS decides when either task runs; both need the
/// identifiers in Info.plist (BGTaskSchedulerPermittedIdentifiers) and are registered before
/// launch ends (GridkeeperApp.init).
///
/// - `refresh` (BGAppRefreshTask): the periodic sync, asked for every 30 minutes.
/// - `soon` (BGProcessingTask, requiresNetworkConnectivity): after a local write, so a sync
///   starts once there is a connection — the WorkManager one-time job on Android.
final class BackgroundSync: SyncScheduling {
    static let shared = BackgroundSync()
    let refresh = "org.gridkeeper.app.sync.refresh"
    let soon = "org.gridkeeper.app.sync.soon"

    func register(model: AppModel) {
        BGTaskScheduler.shared.register(forTaskWithIdentifier: refresh, using: nil) { task in
            self.scheduleRefresh()
            self.run(task, model: model)
        }
        BGTaskScheduler.shared.register(forTaskWithIdentifier: soon, using: nil) { task in
            self.run(task, model: model)
        }
    }

    func scheduleRefresh() {
        let request = BGAppRefreshTaskRequest(identifier: refresh)
        request.earliestBeginDate = Date(timeIntervalSinceNow: 30 * 60)
        submit(request)
    }

    /// A short delay gathers a form's several writes into one sync; a request already
    /// waiting is replaced by this one (same identifier).
    func scheduleSoon() {
        let request = BGProcessingTaskRequest(identifier: soon)
        request.requiresNetworkConnectivity = true
        request.requiresExternalPower = false
        request.earliestBeginDate = Date(timeIntervalSinceNow: 15)
        submit(request)
    }

    private func submit(_ request: BGTaskRequest) {
        do {
            try BGTaskScheduler.shared.submit(request)
        } catch {
            // Not permitted in the simulator, or too many pending: the next foreground
            // 立即同步 or refresh covers it. The error carries no personal data.
            NSLog("gridkeeper: background sync not scheduled: %@", String(describing: error))
        }
    }

    private func run(_ task: BGTask, model: AppModel) {
        let cancel = CancelToken()
        // iOS ending the task (time up, connection lost) stops the sync between rounds.
        task.expirationHandler = { cancel.cancel() }
        Task { @MainActor in
            guard await model.openForBackground() != nil, let sync = model.sync else {
                task.setTaskCompleted(success: false)
                return
            }
            await model.runSync(sync, cancel: cancel).value
            let failed = sync.view?.error != nil || sync.failure != nil
            // Tried again once there is a connection; a phone not enrolled waits for a person.
            // (The view says what failed only in words, so a revoked phone is asked again too;
            // iOS keeps that rare.)
            if failed && sync.view?.enrolled == true { self.scheduleSoon() }
            task.setTaskCompleted(success: !failed)
        }
    }
}
