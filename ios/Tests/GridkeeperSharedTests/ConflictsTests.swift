// Kotlin twin: android/shared/src/test/kotlin/org/gridkeeper/app/shared/ConflictsTest.kt
import Foundation
import Gridkeeper
import GridkeeperShared
import XCTest

final class ConflictsTests: XCTestCase {
    @MainActor
    func testTwoPhonesSettingOnePhoneNumberShowBothValuesAndATapSettlesIt() async throws {
        let a = try Phone("conflict-a")
        let b = try Phone("conflict-b")
        _ = try a.store.enroll(server: try Relay.url, code: try Relay.code("冯刚"))
        _ = try b.store.enroll(server: try Relay.url, code: try Relay.code("陈静"))
        let runA = SyncRunner(repos: a.repos)
        let runB = SyncRunner(repos: b.repos)
        let hid = try a.store.createHousehold(grid: GRID, data: household("何伯", "9", "1", "101", phone: "13800000000"))
        _ = runA.run(CancelToken())
        _ = runB.run(CancelToken())
        func setPhone(_ store: GridStore, _ phone: String) throws {
            let r = try store.getHousehold(id: hid)
            var edited = r.data
            edited.members = edited.members.map { var m = $0; m.phone = phone; return m }
            _ = try store.updateHousehold(original: r, edited: edited)
        }
        try setPhone(a.store, "13811111111")
        try setPhone(b.store, "13822222222")
        _ = runA.run(CancelToken())
        _ = runB.run(CancelToken())

        let h = ConflictsHolder(repos: b.repos, recordId: hid)
        let s = await sendAll(h, .load)
        XCTAssertEqual(s.conflicts.count, 1)
        let line = try XCTUnwrap(s.conflicts.first)
        XCTAssertEqual(line.field, "手机号")
        XCTAssertEqual(Set(line.choices.map(\.value)), ["13811111111", "13822222222"])
        XCTAssertEqual(Set(line.choices.map(\.who)), ["冯刚", "陈静"])
        XCTAssertEqual(line.choices.filter(\.shownNow).count, 1)
        let mine = try XCTUnwrap(line.choices.first { $0.value == "13822222222" })
        let after = await sendAll(h, .pick(path: line.path, index: mine.index))
        XCTAssertTrue(after.conflicts.isEmpty)
        XCTAssertEqual(h.pollEffect(), .allResolved)
        XCTAssertEqual(try b.store.getHousehold(id: hid).data.members[0].phone, "13822222222")
    }

    func testJsonScalarsReadAsPeopleWriteThem() {
        XCTAssertEqual(ConflictsHolder.display("\"13812345678\""), "13812345678")
        XCTAssertEqual(ConflictsHolder.display("3"), "3")
    }
}
