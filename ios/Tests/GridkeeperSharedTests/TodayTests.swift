// Kotlin twin: android/shared/src/test/kotlin/org/gridkeeper/app/shared/TodayTest.kt
import Foundation
import Gridkeeper
import GridkeeperShared
import XCTest

final class TodayTests: XCTestCase {
    @MainActor
    func testTheAgendaListsWhoIsDueAndATapOpensIt() async throws {
        let p = try Phone("today")
        let hid = try p.store.createHousehold(grid: GRID, data: household("刘大爷", "2", "1", "101", .solitaryElderly))
        let cid = try p.store.createCase(grid: GRID, data: Case(category: .hazard, description: "楼道堆放杂物", severity: .high))
        let h = TodayHolder(repos: p.repos, grid: GRID)
        let s = await sendAll(h, .refresh)
        XCTAssertEqual(s.visits.count, 1)
        XCTAssertEqual(s.visits.first?.title, "刘大爷 · 独居老人")
        let memberId = try p.store.getHousehold(id: hid).data.members[0].id
        XCTAssertEqual(s.visits.first?.target, .household(id: hid, memberId: memberId))
        XCTAssertEqual(s.cases.first?.title, "隐患 · 严重")
        XCTAssertTrue(s.cases.first?.detail.hasPrefix("已上报") ?? false)
        await sendAll(h, .open(.`case`(id: cid)))
        XCTAssertEqual(h.pollEffect(), .navigate(.`case`(id: cid)))
    }
}
