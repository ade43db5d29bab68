// Kotlin twin: android/shared/src/main/kotlin/org/gridkeeper/app/shared/Repositories.kt
import Foundation
import Gridkeeper

/// The 32-byte store key; on iOS it is kept in the Keychain (App/Sources/Keychain.swift).
public protocol StoreKeyProvider {
    func storeKey() throws -> Data
}

/// Opens the signed-in worker's store. Each worker who signs in on a phone has a store file of
/// their own in `slotsDir` (named by a random id, never by the person), so a second worker
/// never sees the first one's records. Always through `GridStore.openOrRecover`: a damaged
/// store is moved aside intact, never deleted, and `lastRecovery()` says what happened.
public enum StoreOpener {
    public static func open(path: String, attachmentCacheDir: String, keys: StoreKeyProvider) throws -> GridStore {
        let key = try keys.storeKey()
        if FileManager.default.fileExists(atPath: path), try isPlaintextStore(path: path) {
            try encryptPlaintextStore(path: path, key: key)
        }
        return try GridStore.openOrRecover(path: path, key: key, attachmentCacheDir: attachmentCacheDir)
    }

    /// The signed-in worker's store; a fresh one when nobody is signed in. `legacy` is the one
    /// store file of app versions before several workers: it becomes the first worker's.
    public static func openActive(slotsDir: String, attachmentCacheDir: String, keys: StoreKeyProvider, legacy: String? = nil) throws -> GridStore {
        let path = try activeStorePath(slotsDir: slotsDir)
        let files = FileManager.default
        if let legacy, files.fileExists(atPath: legacy), !files.fileExists(atPath: path) {
            try adopt(legacy, path)
        }
        return try open(path: path, attachmentCacheDir: attachmentCacheDir, keys: keys)
    }

    /// Moves the old single store (with its WAL, which may hold the last commits) into a slot.
    /// A rename keeps the file itself, so its history and actor stay as they were.
    private static func adopt(_ legacy: String, _ slot: String) throws {
        for suffix in ["-wal", "-shm", ""] where FileManager.default.fileExists(atPath: legacy + suffix) {
            do {
                try FileManager.default.moveItem(atPath: legacy + suffix, toPath: slot + suffix)
            } catch {
                throw GridkeeperError.Storage(detail: "cannot move the store into its slot")
            }
        }
    }
}

/// Thin repositories over the bindings: the calls each screen needs, named as the screen
/// thinks of them. All block (view models run them through `io`); every rule is core's.
/// `GridStore` is thread-safe (Sendable), and these hold nothing else.
public final class Repositories: @unchecked Sendable {
    public let store: GridStore
    public let households: HouseholdRepository
    public let visits: VisitRepository
    public let inspections: InspectionRepository
    public let cases: CaseRepository
    public let mediations: MediationRepository
    public let sync: SyncRepository
    public let conflicts: ConflictRepository
    public let attachments: AttachmentRepository

    public let slotsDir: String?

    public init(_ store: GridStore, slotsDir: String? = nil) {
        self.store = store
        self.slotsDir = slotsDir
        households = HouseholdRepository(store)
        visits = VisitRepository(store)
        inspections = InspectionRepository(store)
        cases = CaseRepository(store)
        mediations = MediationRepository(store)
        sync = SyncRepository(store, slotsDir)
        conflicts = ConflictRepository(store)
        attachments = AttachmentRepository(store)
    }

    public func agenda(_ grid: String?) throws -> Agenda { try store.agenda(grid: grid) }
}

public final class HouseholdRepository: @unchecked Sendable {
    private let store: GridStore
    init(_ store: GridStore) { self.store = store }

    public func list(_ grid: String?, _ query: String?) throws -> [HouseholdSummary] {
        let q = query?.trimmingCharacters(in: .whitespacesAndNewlines)
        return try store.listHouseholds(grid: grid, search: (q?.isEmpty ?? true) ? nil : q)
    }
    public func get(_ id: String) throws -> HouseholdRecord { try store.getHousehold(id: id) }
    public func create(_ grid: String, _ data: Household) throws -> String { try store.createHousehold(grid: grid, data: data) }
    @discardableResult
    public func update(_ original: HouseholdRecord, _ edited: Household) throws -> Bool {
        try store.updateHousehold(original: original, edited: edited)
    }
}

public final class VisitRepository: @unchecked Sendable {
    private let store: GridStore
    init(_ store: GridStore) { self.store = store }

    /// Visits to one household or place, newest first.
    public func of(_ subjectId: String, _ grid: String?) throws -> [VisitSummary] {
        try store.listVisits(grid: grid, search: nil).filter { $0.subjectId == subjectId }.sorted { $0.visitedAt > $1.visitedAt }
    }
    public func create(_ grid: String, _ visit: Visit) throws -> String { try store.createVisit(grid: grid, data: visit) }
    public func createRaisingCase(_ grid: String, _ visit: Visit, _ raised: Case) throws -> VisitAndCase {
        try store.createVisitRaisingCase(grid: grid, visit: visit, case: raised)
    }
}

public final class InspectionRepository: @unchecked Sendable {
    private let store: GridStore
    init(_ store: GridStore) { self.store = store }

    public func places(_ grid: String?) throws -> [PlaceSummary] { try store.listPlaces(grid: grid, search: nil) }
    public func place(_ id: String) throws -> PlaceRecord { try store.getPlace(id: id) }
    /// The checklists shipped with the app, installed on first use (idempotent).
    public func templates() throws -> [ChecklistTemplate] {
        _ = try store.installBuiltinTemplates()
        return try store.templates()
    }
    public func start(_ grid: String, _ inspection: Inspection) throws -> String { try store.createInspection(grid: grid, data: inspection) }
    public func get(_ id: String) throws -> InspectionRecord { try store.getInspection(id: id) }
    @discardableResult
    public func save(_ original: InspectionRecord, _ edited: Inspection) throws -> Bool {
        try store.updateInspection(original: original, edited: edited)
    }
    public func check(_ inspection: Inspection) throws -> InspectionCheck { try store.checkInspection(inspection: inspection) }
    public func raiseCase(_ inspectionId: String, _ itemId: String, _ description: String) throws -> String {
        try store.raiseCaseForItem(inspectionId: inspectionId, itemId: itemId, description: description)
    }
}

public final class CaseRepository: @unchecked Sendable {
    private let store: GridStore
    init(_ store: GridStore) { self.store = store }

    public func list(_ grid: String?) throws -> [CaseSummary] { try store.listCases(grid: grid, search: nil) }
    public func get(_ id: String) throws -> CaseRecord { try store.getCase(id: id) }
    public func create(_ grid: String, _ data: Case) throws -> String { try store.createCase(grid: grid, data: data) }
    public func legalActions(_ state: CaseState) throws -> [CaseAction] { try caseActions(state: state) }
    public func transition(_ id: String, _ transition: CaseTransition) throws -> CaseState {
        try store.caseTransition(caseId: id, transition: transition)
    }
}

public final class MediationRepository: @unchecked Sendable {
    private let store: GridStore
    init(_ store: GridStore) { self.store = store }

    public func list(_ grid: String?) throws -> [MediationSummary] { try store.listMediations(grid: grid, search: nil) }
    public func get(_ id: String) throws -> MediationRecord { try store.getMediation(id: id) }
    public func create(_ grid: String, _ data: Mediation) throws -> String { try store.createMediation(grid: grid, data: data) }
    @discardableResult
    public func update(_ original: MediationRecord, _ edited: Mediation) throws -> Bool {
        try store.updateMediation(original: original, edited: edited)
    }
}

public final class SyncRepository: @unchecked Sendable {
    private let store: GridStore
    private let slotsDir: String?
    init(_ store: GridStore, _ slotsDir: String?) { self.store = store; self.slotsDir = slotsDir }

    public func status() throws -> SyncStatus { try store.syncStatus() }
    /// How old the oldest unsynced work is at `nowMillis`; core decides, the same on Android.
    public func unsyncedAge(_ status: SyncStatus, _ nowMillis: Int64) -> UnsyncedAge? {
        status.oldestUnsyncedAt.flatMap { Gridkeeper.unsyncedAge(oldestUnsyncedAt: $0, nowUnixMs: nowMillis) }
    }
    public func lastRecovery() throws -> StoreRecovery? { try store.lastRecovery() }
    public func dismissRecovery() throws { try store.dismissRecovery() }
    /// Throws `GridkeeperError.UnsyncedWork` unless `confirmed` when work is unsynced.
    public func signOut(_ confirmed: Bool) throws -> SignedOut {
        guard let slotsDir else { throw GridkeeperError.Storage(detail: "no store directory to sign out of") }
        return try store.signOut(slotsDir: slotsDir, confirmed: confirmed)
    }
    public func enroll(_ server: String, _ code: String) throws -> Enrolment { try store.enroll(server: server, code: code) }
    public func sync(_ progress: SyncProgress, _ cancel: CancelToken) throws -> SyncSummary {
        try store.sync(progress: progress, cancel: cancel)
    }
    public func writeRescue(_ path: String) throws -> RescueFileSummary { try store.writeRescue(path: path) }
}

public final class ConflictRepository: @unchecked Sendable {
    private let store: GridStore
    init(_ store: GridStore) { self.store = store }

    public func of(_ recordId: String) throws -> [Conflict] { try store.conflicts(id: recordId) }
    public func resolve(_ recordId: String, _ path: String, _ pick: Int) throws {
        try store.resolveConflict(id: recordId, path: path, pick: UInt32(pick))
    }
    public func history(_ recordId: String) throws -> [HistoryEntry] { try store.history(id: recordId) }
}

public final class AttachmentRepository: @unchecked Sendable {
    private let store: GridStore
    init(_ store: GridStore) { self.store = store }

    /// Stores a photo or signature taken on this phone; records name it by the hash.
    public func add(_ bytes: Data, _ mediaType: String?) throws -> String { try store.addPhoto(bytes: bytes, mediaType: mediaType).hash }
    public func path(_ hash: String) throws -> String? { try store.attachmentPath(hash: hash) }
}

/// Times are stored in UTC and shown in the worker's zone (Asia/Shanghai by default).
public enum Times {
    public static let china = TimeZone(identifier: "Asia/Shanghai")!

    private static func minuteFormatter(_ zone: TimeZone) -> DateFormatter {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = zone
        f.dateFormat = "yyyy-MM-dd HH:mm"
        return f
    }

    /// `2026-11-29T06:30:00Z` → `2026-11-29 14:30`; a plain date or unreadable text as is.
    public static func local(_ text: String?, zone: TimeZone = china) -> String {
        guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else { return "" }
        let plain = ISO8601DateFormatter()
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let date = plain.date(from: text) ?? fractional.date(from: text) else { return text }
        return minuteFormatter(zone).string(from: date)
    }

    public static func local(millis: Int64, zone: TimeZone = china) -> String {
        minuteFormatter(zone).string(from: Date(timeIntervalSince1970: TimeInterval(millis) / 1000))
    }

    public static func today(zone: TimeZone = china) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day], from: Date())
        return String(format: "%04ld-%02ld-%02ld", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }
}
