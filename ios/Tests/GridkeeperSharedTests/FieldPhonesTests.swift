// Kotlin twin: android/shared/src/test/kotlin/org/gridkeeper/app/shared/FieldPhonesTest.kt
import Foundation
import Gridkeeper
import GridkeeperShared
import XCTest

private struct FixedKey: StoreKeyProvider {
    let key: Data
    func storeKey() throws -> Data { key }
}

/// A phone as the app opens it: one store per signed-in worker in a slots directory.
private final class SharedPhone {
    let dir: URL
    let key: Data
    let slots: String
    var store: GridStore
    var repos: Repositories

    init(_ name: String) throws {
        dir = try tempDir(name)
        key = randomKey()
        slots = dir.appendingPathComponent("stores").path
        store = try StoreOpener.openActive(slotsDir: slots, attachmentCacheDir: dir.appendingPathComponent("cache").path,
                                           keys: FixedKey(key: key))
        repos = Repositories(store, slotsDir: slots)
    }

    /// What the app does after a sign-out: open whoever signs in next.
    func reopen() throws {
        store = try StoreOpener.openActive(slotsDir: slots, attachmentCacheDir: dir.appendingPathComponent("cache").path,
                                           keys: FixedKey(key: key))
        repos = Repositories(store, slotsDir: slots)
    }
}

private let hour: Int64 = 3_600_000

final class FieldPhonesTests: XCTestCase {
    @MainActor
    func testUnsyncedWorkShowsItsAgeAndWarnsPlainlyAfterADay() async throws {
        let p = try Phone("field-age")
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        _ = try p.store.createHousehold(grid: GRID, data: household("陈伯", "7", "1", "101"))
        let fresh = await sendAll(SyncHolder(repos: p.repos, clock: { now }), .refresh)
        XCTAssertEqual(fresh.unsyncedText, "\(fresh.pending) 项未上传，最早的在 1 小时内")
        XCTAssertNil(fresh.overdueWarning)

        let later = await sendAll(SyncHolder(repos: p.repos, clock: { now + 5 * hour + 60_000 }), .refresh)
        XCTAssertEqual(later.unsyncedText, "\(later.pending) 项未上传，最早的在 5 小时前")
        XCTAssertNil(later.overdueWarning)

        let dayLater = await sendAll(SyncHolder(repos: p.repos, clock: { now + 30 * hour }), .refresh)
        XCTAssertEqual(dayLater.unsyncedText, "\(dayLater.pending) 项未上传，最早的在 30 小时前")
        XCTAssertTrue(dayLater.overdueWarning?.contains("超过一天没有上传") == true)
        let english = await sendAll(SyncHolder(repos: p.repos, lang: .en, clock: { now + 30 * hour }), .refresh)
        XCTAssertEqual(english.unsyncedText, "\(english.pending) not sent yet, the oldest 30 hours ago")
        XCTAssertTrue(english.overdueWarning?.hasPrefix("Work on this phone has not reached the server") == true)
        // Core judged the status with the real clock: a fresh edit is not overdue.
        XCTAssertFalse(try p.store.syncStatus().unsyncedOverdue)

        // Sent: no count, no age, no warning — whatever the clock says.
        _ = try p.store.enroll(server: try Relay.url, code: try Relay.code("陈静"))
        let sent = await sendAll(SyncHolder(repos: p.repos, clock: { now + 30 * hour }), .syncNow)
        XCTAssertEqual(sent.pending, 0)
        XCTAssertNil(sent.unsyncedText)
        XCTAssertNil(sent.overdueWarning)
    }

    @MainActor
    func testSigningOutWithUnsyncedWorkAsksFirstAndTheNextWorkerSeesNoneOfIt() async throws {
        let p = try SharedPhone("field-signout")
        _ = try p.store.enroll(server: try Relay.url, code: try Relay.code("周红"))
        let first = try p.store.createHousehold(grid: GRID, data: household("何奶奶", "5", "2", "202"))
        let h = SyncHolder(repos: p.repos)
        let asked = await sendAll(h, .signOut)
        let pending = Int64(try p.store.syncStatus().pendingChanges)
        XCTAssertEqual(asked.signOutQuestion,
                       "本机还有 \(pending) 项没有上传到服务器（其中 0 项被服务器退回）。退出后这些内容仍保留在手机上，有网时会继续上传，但其他人登录看不到。确定退出吗？")
        XCTAssertNil(h.pollEffect())
        // Not now: still signed in, the store still works.
        let kept = await sendAll(h, .keepSignedIn)
        XCTAssertNil(kept.signOutQuestion)
        XCTAssertEqual(try p.store.getHousehold(id: first).data.members[0].name, "何奶奶")

        let out = await sendAll(h, .signOut, .confirmSignOut)
        XCTAssertNil(out.signOutQuestion)
        XCTAssertEqual(out.signedOutText, "已退出。未上传的内容保留在手机上，有网时会继续上传。")
        XCTAssertEqual(h.pollEffect(), .signedOut(removed: false))
        let keptStores = try keptStorePaths(slotsDir: p.slots)
        XCTAssertEqual(keptStores.count, 1)
        XCTAssertThrowsError(try p.store.syncStatus())

        // The next worker gets a store of their own: nothing of the first one's is there.
        try p.reopen()
        XCTAssertFalse(try p.store.syncStatus().enrolled)
        XCTAssertTrue(try p.store.listHouseholds(grid: nil, query: nil).isEmpty)
        _ = try p.store.enroll(server: try Relay.url, code: try Relay.code("吴刚"))
        XCTAssertFalse(try p.store.listHouseholds(grid: nil, query: nil).contains { $0.id == first })

        // The first worker's kept work still goes up, and then its store goes.
        XCTAssertTrue(try syncKeptStore(slotsDir: p.slots, path: keptStores[0], key: p.key, cancel: CancelToken()))
        XCTAssertTrue(try keptStorePaths(slotsDir: p.slots).isEmpty)
        XCTAssertFalse(FileManager.default.fileExists(atPath: keptStores[0]))
    }

    @MainActor
    func testAWorkerWithEverythingSentSignsOutWithoutAQuestion() async throws {
        let p = try SharedPhone("field-clean")
        _ = try p.store.enroll(server: try Relay.url, code: try Relay.code("郑伟"))
        _ = try p.store.createHousehold(grid: GRID, data: household("钱叔", "6", "1", "301"))
        let path = try activeStorePath(slotsDir: p.slots)
        let h = SyncHolder(repos: p.repos)
        await sendAll(h, .syncNow)
        _ = h.pollEffect()
        let out = await sendAll(h, .signOut)
        XCTAssertNil(out.signOutQuestion)
        XCTAssertEqual(out.signedOutText, "已退出。所有记录都已在服务器上。")
        XCTAssertEqual(h.pollEffect(), .signedOut(removed: true))
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
        XCTAssertNotEqual(try activeStorePath(slotsDir: p.slots), path)
    }

    @MainActor
    func testADamagedStoreIsSetAsideNotDeletedAndTheWorkerIsTold() async throws {
        let dir = try tempDir("field-damaged")
        let slots = dir.appendingPathComponent("stores").path
        let key = randomKey()
        let path = try activeStorePath(slotsDir: slots)
        try Data((0..<8192).map { UInt8($0 % 251) }).write(to: URL(fileURLWithPath: path))
        let store = try StoreOpener.openActive(slotsDir: slots, attachmentCacheDir: dir.appendingPathComponent("cache").path,
                                               keys: FixedKey(key: key))
        let h = SyncHolder(repos: Repositories(store, slotsDir: slots))
        let s = await sendAll(h, .refresh)
        XCTAssertTrue(s.recovery?.contains("原文件已原样保留") == true, s.recovery ?? "no notice")
        let moved = try XCTUnwrap(try store.lastRecovery()).movedTo
        let size = try FileManager.default.attributesOfItem(atPath: moved)[.size] as? Int
        XCTAssertEqual(size, 8192, "the damaged file is kept")
        let dismissed = await sendAll(h, .dismissRecovery)
        XCTAssertNil(dismissed.recovery)
        XCTAssertNil(try store.lastRecovery())
    }

    func testTheOldSingleStoreBecomesTheFirstWorkersSlot() throws {
        let dir = try tempDir("field-legacy")
        let key = randomKey()
        let legacy = dir.appendingPathComponent("gridkeeper.db").path
        let hid = try GridStore.open(path: legacy, key: key, attachmentCacheDir: dir.appendingPathComponent("cache").path)
            .createHousehold(grid: GRID, data: household("孙婆婆", "1", "1", "102"))
        let slots = dir.appendingPathComponent("stores").path
        let store = try StoreOpener.openActive(slotsDir: slots, attachmentCacheDir: dir.appendingPathComponent("cache").path,
                                               keys: FixedKey(key: key), legacy: legacy)
        XCTAssertEqual(try store.getHousehold(id: hid).data.members[0].name, "孙婆婆")
        XCTAssertFalse(FileManager.default.fileExists(atPath: legacy))
        XCTAssertTrue(FileManager.default.fileExists(atPath: try activeStorePath(slotsDir: slots)))
    }
}

final class SyncTriggerTests: XCTestCase {
    private var now: Int64 = 1_000_000
    private lazy var trigger = SyncTrigger(clock: { [unowned self] in self.now }, debounceMillis: 20_000, resumeAfterMillis: 900_000)

    func testNothingHappensOfflineOrWhileASyncRuns() {
        XCTAssertEqual(trigger.decide(.appStart, online: false, running: false, pending: 3), .no)
        XCTAssertEqual(trigger.decide(.saved, online: true, running: true, pending: 3), .no)
    }

    func testStartAndAConnectionComingBackAlwaysSync() {
        XCTAssertEqual(trigger.decide(.appStart, online: true, running: false, pending: 0), .now)
        XCTAssertEqual(trigger.decide(.connected, online: true, running: false, pending: 0), .now)
    }

    func testSavesAreGatheredIntoOneSyncAndAskedForAgainAfterTheQuietPeriod() {
        XCTAssertEqual(trigger.decide(.saved, online: true, running: false, pending: 0), .no)
        XCTAssertEqual(trigger.decide(.saved, online: true, running: false, pending: 1), .now)
        now += 5_000
        XCTAssertEqual(trigger.decide(.saved, online: true, running: false, pending: 2), .later(delayMillis: 15_000))
        now += 15_000
        XCTAssertEqual(trigger.decide(.saved, online: true, running: false, pending: 2), .now)
    }

    func testResumingSyncsOnlyWithWorkWaitingOrAfterAWhile() {
        XCTAssertEqual(trigger.decide(.appStart, online: true, running: false, pending: 0), .now)
        now += 60_000
        XCTAssertEqual(trigger.decide(.resume, online: true, running: false, pending: 0), .no)
        XCTAssertEqual(trigger.decide(.resume, online: true, running: false, pending: 1), .now)
        now += 900_000
        XCTAssertEqual(trigger.decide(.resume, online: true, running: false, pending: 0), .now)
    }
}
