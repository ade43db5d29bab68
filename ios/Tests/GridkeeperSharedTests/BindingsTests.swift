// The bindings from Swift, without the view models: open, add, search, sync against the real
// relay. Kotlin twin in spirit: bindings/tests/kotlin/GridStoreTest.kt.
import Foundation
import Gridkeeper
import XCTest

final class BindingsTests: XCTestCase {
    func testAStoreOpensOnlyWithItsKeyAndKeepsWhatWasAdded() throws {
        let dir = try tempDir("bind-open")
        let path = dir.appendingPathComponent("store.db").path
        let cache = dir.appendingPathComponent("cache").path
        let key = randomKey()
        var hid = ""
        do {
            let store = try GridStore.open(path: path, key: key, attachmentCacheDir: cache)
            hid = try store.createHousehold(grid: GRID, data: household("李奶奶", "3", "2", "501", .solitaryElderly))
        }
        let again = try GridStore.open(path: path, key: key, attachmentCacheDir: cache)
        XCTAssertEqual(try again.getHousehold(id: hid).data.members.map(\.name), ["李奶奶"])
        XCTAssertFalse(try isPlaintextStore(path: path))
        XCTAssertThrowsError(try GridStore.open(path: path, key: randomKey(), attachmentCacheDir: cache)) { error in
            guard case GridkeeperError.WrongKey = error else { return XCTFail("\(error)") }
        }
    }

    func testSearchFindsChineseNamesByPinyinInitialsAndMasksNumbers() throws {
        let p = try Phone("bind-search")
        let hid = try p.store.createHousehold(grid: GRID, data: household("张三", "1", "1", "101", phone: "13812345678"))
        _ = try p.store.createHousehold(grid: GRID, data: household("李四", "1", "2", "201"))
        XCTAssertEqual(try p.store.listHouseholds(grid: GRID, search: "zs").map(\.id), [hid])
        XCTAssertEqual(try p.store.search(query: "zs", kind: nil, grid: nil, limit: 10).map(\.id), [hid])
        XCTAssertEqual(maskPhone(value: "13812345678"), "138****5678")
    }

    func testInvalidInputNamesItsFieldPath() throws {
        let p = try Phone("bind-invalid")
        XCTAssertThrowsError(try p.store.createHousehold(grid: GRID, data: household("王五", "1", "1", "101", phone: "12345"))) { error in
            guard case let GridkeeperError.Invalid(field, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(field, "members[0].phone")
        }
    }

    func testAHouseholdReachesASecondPhoneThroughTheRelay() throws {
        let a = try Phone("bind-sync-a")
        let b = try Phone("bind-sync-b")
        let enrolment = try a.store.enroll(server: try Relay.url, code: try Relay.code("王芳"))
        XCTAssertEqual(enrolment.grids, [GRID])
        let hid = try a.store.createHousehold(grid: GRID, data: household("刘大爷", "2", "1", "101"))
        XCTAssertGreaterThan(try a.store.syncStatus().pendingChanges, 0)
        let progress = CountingProgress()
        let pushed = try a.store.sync(progress: progress, cancel: CancelToken())
        XCTAssertGreaterThan(pushed.pushed, 0)
        XCTAssertGreaterThan(progress.calls, 0)
        XCTAssertEqual(try a.store.syncStatus().pendingChanges, 0)
        _ = try b.store.enroll(server: try Relay.url, code: try Relay.code("李强"))
        let pulled = try b.store.sync(progress: CountingProgress(), cancel: CancelToken())
        XCTAssertTrue(pulled.changedRecords.contains(hid))
        XCTAssertEqual(try b.store.getHousehold(id: hid).data.members[0].name, "刘大爷")
    }

    func testACancelledSyncSaysSo() throws {
        let p = try Phone("bind-cancel")
        _ = try p.store.enroll(server: try Relay.url, code: try Relay.code("周敏"))
        let token = CancelToken()
        token.cancel()
        XCTAssertThrowsError(try p.store.sync(progress: CountingProgress(), cancel: token)) { error in
            guard case GridkeeperError.Cancelled = error else { return XCTFail("\(error)") }
        }
    }
}

final class CountingProgress: SyncProgress, @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    var calls: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }

    func onProgress(progress: SyncProgressInfo) {
        lock.lock()
        count += 1
        lock.unlock()
    }
}
