// Kotlin twin: android/shared/src/test/kotlin/org/gridkeeper/app/shared/CasesTest.kt
import Foundation
import Gridkeeper
import GridkeeperShared
import XCTest

final class CasesTests: XCTestCase {
    private func hazard(_ p: Phone, _ text: String) throws -> String {
        try p.store.createCase(grid: GRID, data: Case(category: .hazard, description: text, severity: .high))
    }

    @MainActor
    func testOnlyLegalTransitionsAreOfferedAndACaseWalksItsLoop() async throws {
        let p = try Phone("cases")
        let id = try hazard(p, "消防通道堵塞")
        let h = CaseDetailHolder(repos: p.repos, caseId: id)
        let s = await sendAll(h, .load)
        XCTAssertEqual(s.stateLabel, "已上报")
        XCTAssertEqual(s.actions.map(\.action), [.accept, .`return`, .escalate, .comment])
        XCTAssertEqual(s.actions.map(\.label), ["受理", "退回", "上报上级", "备注"])
        await sendAll(h, .act(.accept))
        XCTAssertEqual(h.pollEffect(), .moved(.accepted))
        let started = await sendAll(h, .act(.start))
        XCTAssertEqual(started.actions.map(\.action), [.resolve, .escalate, .comment])
        let resolved = await sendAll(h, .photo(bytes: png, mediaType: "image/png"), .note("已清理"), .act(.resolve))
        XCTAssertEqual(resolved.state, .resolved)
        XCTAssertEqual(resolved.photosAfter.count, 1)
        XCTAssertEqual(resolved.timeline.map(\.action), ["上报", "受理", "开始处置", "办结"])
        XCTAssertEqual(resolved.timeline.last?.note, "已清理")
        await sendAll(h, .act(.verify))
        let closed = await sendAll(h, .act(.close))
        XCTAssertEqual(closed.state, .closed)
        XCTAssertTrue(closed.actions.isEmpty)
    }

    @MainActor
    func testReturningWithoutAReasonIsRefusedBesideTheReasonInput() async throws {
        let p = try Phone("cases-return")
        let id = try hazard(p, "电线私拉乱接")
        let h = CaseDetailHolder(repos: p.repos, caseId: id)
        let s = await sendAll(h, .load, .act(.`return`))
        XCTAssertEqual(s.errors, ["reason": "原因：退回时必须写明原因"])
        XCTAssertEqual(try p.store.getCase(id: id).state, .reported)
        let back = await sendAll(h, .reason("不属于本网格"), .act(.`return`))
        XCTAssertEqual(back.state, .returned)
        XCTAssertEqual(back.timeline.last?.reason, "不属于本网格")
    }

    @MainActor
    func testTheListFiltersByState() async throws {
        let p = try Phone("cases-list")
        let a = try hazard(p, "一")
        let b = try hazard(p, "二")
        _ = try p.store.caseTransition(caseId: b, transition: CaseTransition(action: .accept))
        let h = CasesHolder(repos: p.repos, grid: GRID)
        let open = await sendAll(h, .load)
        XCTAssertEqual(Set(open.rows.map(\.id)), [a, b])
        let accepted = await sendAll(h, .filter(.accepted))
        XCTAssertEqual(accepted.rows.map(\.id), [b])
        XCTAssertEqual(accepted.rows.first?.stateLabel, "已受理")
        await sendAll(h, .open(b))
        XCTAssertEqual(h.pollEffect(), .openCase(id: b))
    }
}
