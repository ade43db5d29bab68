// Kotlin twin: android/shared/src/main/kotlin/org/gridkeeper/app/shared/screens/Sync.kt
import Foundation
import Gridkeeper

/// What one sync attempt came to; the background task reschedules sooner only when
/// `retryable`.
public enum SyncOutcome {
    case done(SyncSummary)
    case failed(Error, retryable: Bool)
}

/// Hands each round's progress to a closure; the sync waits for it, so it must be short.
final class ProgressRelay: SyncProgress, @unchecked Sendable {
    private let onProgressBlock: @Sendable (SyncProgressInfo) -> Void
    init(_ block: @escaping @Sendable (SyncProgressInfo) -> Void) { onProgressBlock = block }
    func onProgress(progress: SyncProgressInfo) { onProgressBlock(progress) }
}

/// One sync, the same for the BGTaskScheduler task and the 立即同步 button. Blocks.
public struct SyncRunner: Sendable {
    private let repos: Repositories

    public init(repos: Repositories) { self.repos = repos }

    public func run(_ cancel: CancelToken, onProgress: @escaping @Sendable (SyncProgressInfo) -> Void = { _ in }) -> SyncOutcome {
        do {
            return .done(try repos.sync.sync(ProgressRelay(onProgress), cancel))
        } catch {
            // A network failure passes; a refusal (not enrolled, revoked) waits for a person.
            return .failed(error, retryable: Messages.isNetwork(error))
        }
    }
}

public struct SyncState: Equatable {
    public var enrolled = false
    public var running = false
    /// 待上传 3 项 / 全部已上传.
    public var pendingText = ""
    public var pending: Int64 = 0
    /// 上次同步：2026-11-29 14:30 / 从未同步.
    public var lastSyncText = ""
    /// The last failure in plain words; nil when the last attempt worked.
    public var error: String?
    public var progress: SyncProgressInfo?
    /// Edits the server refused for good, per record, with what to do: never hidden.
    public var refused: [RefusedLine] = []
    /// 3 项未上传，最早的在 5 小时前; nil when everything is sent.
    public var unsyncedText: String?
    /// Said plainly when work has waited over a day: background sync may never have run.
    public var overdueWarning: String?
    /// What opening a damaged store did, until the worker has read it.
    public var recovery: String?
    /// Asked before signing out with unsynced work; nil when not asking.
    public var signOutQuestion: String?
    /// After a sign-out: what happened to the work, in words.
    public var signedOutText: String?
    /// After writing a rescue file: what it holds and what to do with it.
    public var rescueText: String?
    public init() {}
}

/// One record whose edits the server refused; `text` says why and what to do.
public struct RefusedLine: Equatable {
    public let recordId: String
    public let kind: String
    public let changes: Int64
    public let text: String
}

public enum SyncEvent {
    case refresh
    case syncNow
    case cancel
    /// The worker has read the recovery notice.
    case dismissRecovery
    /// Signs out, asking first when work is unsynced.
    case signOut
    /// The worker answered the question: sign out, the work stays on the phone.
    case confirmSignOut
    case keepSignedIn
    /// Far from signal: write the unsynced work to a sealed rescue file at `path`, for USB or
    /// another phone; an administrator imports it as if this phone had synced.
    case writeRescue(path: String)
}

public enum SyncEffect: Equatable {
    case finished(changedRecords: [String])
    /// The store is closed: the app goes back to enrolment (and drops drafts when `removed`).
    case signedOut(removed: Bool)
    /// A rescue file is ready at `path`: offer to share it (AirDrop, Files, another phone).
    case shareRescue(path: String)
}

/// The sync status line every screen shows, and sync on demand.
public final class SyncHolder: StateHolder<SyncState, SyncEvent, SyncEffect> {
    private static let transientCodes: Set<String> = ["network", "protocol"]
    private let repos: Repositories
    private let lang: Lang
    private let runner: SyncRunner
    private var cancel: CancelToken?
    /// Milliseconds since the epoch; a test moves it to see work age.
    private let clock: () -> Int64

    public init(repos: Repositories, lang: Lang = .zh,
                clock: @escaping () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }) {
        self.repos = repos
        self.lang = lang
        self.clock = clock
        runner = SyncRunner(repos: repos)
        super.init(SyncState())
    }

    /// Cancel does not queue behind a running sync: it runs at once on the main actor, which
    /// the running sync does not hold while it waits for the store.
    public func cancelNow() {
        cancel?.cancel()
    }

    public override func handle(_ event: SyncEvent) async {
        switch event {
        case .refresh:
            await refresh(nil)
        case .cancel:
            cancelNow()
        case .dismissRecovery:
            do {
                try await io { try self.repos.sync.dismissRecovery() }
            } catch {
                update { $0.error = Messages.plainWords(error, lang) }
                return
            }
            update { $0.recovery = nil }
        case .signOut:
            await signOut(confirmed: false)
        case .confirmSignOut:
            await signOut(confirmed: true)
        case .keepSignedIn:
            update { $0.signOutQuestion = nil }
        case let .writeRescue(path):
            let written: RescueFileSummary
            do {
                written = try await io { try self.repos.sync.writeRescue(path) }
            } catch {
                update { $0.rescueText = nil; $0.error = Messages.plainWords(error, lang) }
                return
            }
            let text = Strings.format("rescue.written", lang, Int(written.records), Int(written.changes), Int(written.photos))
            update { $0.rescueText = text }
            emit(.shareRescue(path: path))
        case .syncNow:
            let token = CancelToken()
            cancel = token
            let running = Strings.get("sync.running", lang)
            update { $0.running = true; $0.error = nil; $0.pendingText = running }
            let runner = self.runner
            let outcome = (try? await io {
                runner.run(token) { p in
                    Task { @MainActor [weak self] in self?.update { $0.progress = p } }
                }
            }) ?? .failed(GridkeeperError.Cancelled, retryable: false)
            cancel = nil
            switch outcome {
            case let .done(summary):
                await refresh(nil)
                emit(.finished(changedRecords: summary.changedRecords))
            case let .failed(error, _):
                await refresh(error)
            }
        }
    }

    private func signOut(confirmed: Bool) async {
        let out: SignedOut
        do {
            out = try await io { try self.repos.sync.signOut(confirmed) }
        } catch let error as GridkeeperError {
            let words = Messages.plainWords(error, lang)
            if case .UnsyncedWork = error {
                update { $0.signOutQuestion = words }
            } else {
                update { $0.signOutQuestion = nil; $0.error = words }
            }
            return
        } catch {
            let words = Messages.plainWords(error, lang)
            update { $0.signOutQuestion = nil; $0.error = words }
            return
        }
        let text = Strings.get(out.removed ? "signout.removed" : "signout.kept", lang)
        update { $0.signOutQuestion = nil; $0.enrolled = false; $0.signedOutText = text }
        emit(.signedOut(removed: out.removed))
    }

    private func refresh(_ failure: Error?) async {
        let status: SyncStatus
        let recovery: StoreRecovery?
        do {
            let read = try await io { (try self.repos.sync.status(), try self.repos.sync.lastRecovery()) }
            status = read.0
            recovery = read.1
        } catch {
            update { $0.running = false; $0.error = Messages.plainWords(error, lang) }
            return
        }
        let age = repos.sync.unsyncedAge(status, clock())
        let pending = Int64(status.pendingChanges) + Int64(status.pendingUploads)
        let message: String?
        if !status.enrolled {
            message = Strings.get("sync.not_enrolled", lang)
        } else if let failure {
            message = Messages.plainWords(failure, lang)
        } else if let code = status.lastErrorCode, Self.lastErrorAfterSuccess(status) {
            if lang == .zh, let relayWords = status.lastErrorMessage, !relayWords.trimmingCharacters(in: .whitespaces).isEmpty {
                // The relay's message is already written for the worker in Chinese.
                message = relayWords
            } else {
                message = Strings.get(Self.transientCodes.contains(code) ? "error.network" : "error.not_allowed", lang)
            }
        } else {
            message = nil
        }
        let pendingText = pending == 0 ? Strings.get("sync.all_sent", lang) : Strings.format("sync.pending", lang, Int(pending))
        let refused = status.refused.map { r in
            RefusedLine(recordId: r.recordId, kind: r.kind, changes: Int64(r.changes), text: lang == .zh ? r.reasonZh : r.reasonEn)
        }
        let lastSyncText = status.lastSuccessAt.map { Strings.format("sync.last", lang, Times.local($0)) } ?? Strings.get("sync.never", lang)
        let unsyncedText: String?
        if pending == 0 || age == nil {
            unsyncedText = nil
        } else if let age, age.hours == 0 {
            unsyncedText = Strings.format("sync.unsynced_fresh", lang, Int(pending))
        } else {
            unsyncedText = Strings.format("sync.unsynced_age", lang, Int(pending), Int(age?.hours ?? 0))
        }
        let overdueWarning = pending > 0 && age?.overdue == true ? Strings.get("sync.overdue", lang) : nil
        let recoveryText = recovery.map { lang == .zh ? $0.messageZh : $0.messageEn }
        update {
            $0.enrolled = status.enrolled
            $0.running = false
            $0.pending = pending
            $0.pendingText = pendingText
            $0.lastSyncText = lastSyncText
            $0.error = message
            $0.progress = nil
            $0.refused = refused
            $0.unsyncedText = unsyncedText
            $0.overdueWarning = overdueWarning
            $0.recovery = recoveryText
        }
    }

    /// An error recorded before the last success is history, not the current state. One
    /// recorded by the successful attempt itself (some edits refused) is current: core clears
    /// the error on a clean success, and both times are then the same second.
    private static func lastErrorAfterSuccess(_ s: SyncStatus) -> Bool {
        guard let success = s.lastSuccessAt else { return true }
        guard let attempt = s.lastAttemptAt else { return false }
        return attempt >= success
    }
}
