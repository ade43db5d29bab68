// Kotlin twin: android/shared/src/test/kotlin/org/gridkeeper/app/shared/InspectionTest.kt
import Foundation
import Gridkeeper
import GridkeeperShared
import XCTest

final class InspectionTests: XCTestCase {
    private let passes = ["exits_clear", "window_bars", "emergency_lighting", "ebike_flying_wire",
                          "three_in_one", "wiring", "flammable_storage", "smoke_alarm", "safety_person"]

    private func shop(_ p: Phone) throws -> String {
        try p.store.createPlace(grid: GRID, data: Place(name: "好邻居便利店", placeType: .shop, address: Address(text: "幸福路12号")))
    }

    @MainActor
    func testARunCompletesOnlyOnceTheChecklistRulesHold() async throws {
        let p = try Phone("insp")
        let pid = try shop(p)
        let h = InspectionHolder(repos: p.repos, drafts: p.drafts, grid: GRID)
        let listed = await sendAll(h, .load)
        XCTAssertEqual(listed.places.map(\.name), ["好邻居便利店"])
        let picked = await sendAll(h, .pickPlace(pid))
        XCTAssertEqual(picked.stage, .pickTemplate)
        let fire = try XCTUnwrap(picked.templates.first { $0.id == "fire_safety" })
        let started = await sendAll(h, .pickTemplate(templateId: fire.id, version: fire.version))
        XCTAssertEqual(started.stage, .run)
        XCTAssertFalse(started.canComplete)
        // Conditions: the extinguisher count shows only once extinguishers are present.
        XCTAssertFalse(started.items.contains { $0.id == "ext_count" })
        let present = await sendAll(h, .answerText(itemId: "ext_present", text: "pass"))
        XCTAssertTrue(present.items.contains { $0.id == "ext_count" })
        // Numeric bounds: fewer than 2 extinguishers is a failed reading.
        let lowRun = await sendAll(h, .answerNumber(itemId: "ext_count", number: 1))
        let low = try XCTUnwrap(lowRun.items.first { $0.id == "ext_count" })
        XCTAssertTrue(low.failed)
        XCTAssertEqual(low.problem, "不合格：请上报隐患或填写说明")
        let enough = await sendAll(h, .answerNumber(itemId: "ext_count", number: 3))
        XCTAssertEqual(enough.items.first { $0.id == "ext_count" }?.failed, false)
        await sendAll(h, .answerText(itemId: "ext_in_date", text: "pass"), .answerText(itemId: "ext_accessible", text: "pass"))
        for item in passes { await sendAll(h, .answerText(itemId: item, text: "pass")) }
        await sendAll(h, .answerText(itemId: "ebike_indoor", text: "fail"))
        // Required photos: the exits item and the site photos still block completion.
        let beforePhotos = h.state
        XCTAssertEqual(beforePhotos.items.first { $0.id == "exits_clear" }?.problem, "此项必须拍照")
        XCTAssertEqual(beforePhotos.items.first { $0.id == "site_photos" }?.problem, "此项必须拍照")
        await sendAll(h, .photo(itemId: "exits_clear", bytes: png, mediaType: "image/png"),
                  .photo(itemId: "site_photos", bytes: png, mediaType: "image/png"))
        XCTAssertEqual(h.state.items.first { $0.id == "ebike_indoor" }?.failed, true)
        XCTAssertFalse(h.state.canComplete)
        XCTAssertEqual(h.state.items.filter { $0.problem != nil }.map(\.id), ["ebike_indoor"])
        // Completing now is refused and nothing is written.
        let blocked = await sendAll(h, .complete)
        XCTAssertEqual(blocked.stage, .run)
        XCTAssertEqual(blocked.banner, "还有未完成的检查项，不能完成巡查")
        XCTAssertEqual(try p.store.getInspection(id: try XCTUnwrap(blocked.inspectionId)).data.status, .draft)
        // The failed item raises a hazard case; then the run completes.
        let raised = await sendAll(h, .raiseCase(itemId: "ebike_indoor", description: "楼道内电动车充电"))
        guard case let .caseRaised(caseId)? = h.pollEffect() else { return XCTFail("no case raised") }
        XCTAssertEqual(raised.items.first { $0.id == "ebike_indoor" }?.caseId, caseId)
        XCTAssertTrue(raised.canComplete)
        XCTAssertEqual(try p.store.getCase(id: caseId).data.category, .hazard)
        let done = await sendAll(h, .complete)
        XCTAssertEqual(done.stage, .done)
        let doneId = try XCTUnwrap(done.inspectionId)
        XCTAssertEqual(h.pollEffect(), .completed(inspectionId: doneId))
        XCTAssertEqual(try p.store.getInspection(id: doneId).data.status, .completed)
    }

    @MainActor
    func testARunInProgressReopensAfterTheAppIsKilled() async throws {
        let p = try Phone("insp-resume")
        let pid = try shop(p)
        let first = InspectionHolder(repos: p.repos, drafts: p.drafts, grid: GRID)
        await sendAll(first, .load, .pickPlace(pid), .pickTemplate(templateId: "fire_safety", version: 1),
                  .answerText(itemId: "ext_present", text: "fail"), .note(itemId: "ext_present", text: "当场购置灭火器"))
        let s = await sendAll(InspectionHolder(repos: p.repos, drafts: p.reopenedDrafts(), grid: GRID), .load)
        XCTAssertEqual(s.stage, .run)
        XCTAssertEqual(s.placeName, "好邻居便利店")
        let item = try XCTUnwrap(s.items.first { $0.id == "ext_present" })
        XCTAssertEqual(item.answer, .text(text: "fail"))
        XCTAssertEqual(item.note, "当场购置灭火器")
        XCTAssertNil(item.problem, "a note is an action for a failed item")
    }
}
