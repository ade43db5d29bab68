// Kotlin twin: android/shared/src/test/kotlin/org/gridkeeper/app/shared/SyncTest.kt
import Foundation
import Gridkeeper
import GridkeeperShared
import XCTest

final class SyncTests: XCTestCase {
    @MainActor
    func testPendingChangesGoOutAndTheStatusSaysSoInPlainWords() async throws {
        let p = try Phone("sync")
        _ = try p.store.enroll(server: try Relay.url, code: try Relay.code("钱进"))
        let hid = try p.store.createHousehold(grid: GRID, data: household("吴阿姨", "8", "1", "101"))
        let h = SyncHolder(repos: p.repos)
        let before = await sendAll(h, .refresh)
        XCTAssertTrue(before.enrolled)
        XCTAssertGreaterThan(before.pending, 0)
        XCTAssertEqual(before.pendingText, "待上传 \(before.pending) 项")
        XCTAssertEqual(before.lastSyncText, "从未同步")
        let after = await sendAll(h, .syncNow)
        XCTAssertFalse(after.running)
        XCTAssertEqual(after.pending, 0)
        XCTAssertEqual(after.pendingText, "全部已上传")
        XCTAssertTrue(after.lastSyncText.hasPrefix("上次同步："), after.lastSyncText)
        XCTAssertNil(after.error)
        guard case .finished? = h.pollEffect() else { return XCTFail("no Finished effect") }
        // A second phone of the grid receives the household.
        let b = try Phone("sync-b")
        _ = try b.store.enroll(server: try Relay.url, code: try Relay.code("郑华"))
        guard case .done = SyncRunner(repos: b.repos).run(CancelToken()) else { return XCTFail("second phone did not sync") }
        XCTAssertEqual(try b.store.getHousehold(id: hid).data.members[0].name, "吴阿姨")
    }

    @MainActor
    func testAPhoneNotEnrolledIsToldWhatToDoAndTheTaskDoesNotRetry() async throws {
        let p = try Phone("sync-none")
        let s = await sendAll(SyncHolder(repos: p.repos), .syncNow)
        XCTAssertEqual(s.error, "本机还未注册，请先用主管给的注册码注册")
        guard case let .failed(_, retryable) = SyncRunner(repos: p.repos).run(CancelToken()) else { return XCTFail("synced") }
        XCTAssertFalse(retryable)
    }

    func testAnUnreachableServerIsANetworkFailureToRetry() throws {
        let p = try Phone("sync-down")
        XCTAssertThrowsError(try p.store.enroll(server: "http://127.0.0.1:9", code: "x")) { error in
            XCTAssertTrue(Messages.isNetwork(error), "\(error)")
            XCTAssertEqual(Messages.plainWords(error, .en), Strings.get("error.network", .en))
            XCTAssertFalse(Messages.plainWords(error, .zh).isEmpty)
        }
    }
}
