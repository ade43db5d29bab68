// Kotlin twin: android/shared/src/test/kotlin/org/gridkeeper/app/shared/VisitFormTest.kt
import Foundation
import Gridkeeper
import GridkeeperShared
import XCTest

final class VisitFormTests: XCTestCase {
    @MainActor
    func testAVisitFromAMemberWithPhotoAndLocationTakesThemOffTheAgenda() async throws {
        let p = try Phone("visit")
        let hid = try p.store.createHousehold(grid: GRID, data: household("陈奶奶", "4", "1", "202", .emptyNestElderly))
        let memberId = try p.store.getHousehold(id: hid).data.members[0].id
        XCTAssertEqual(try p.store.agenda(grid: GRID).visits.count, 1)
        let h = VisitFormHolder(repos: p.repos, drafts: p.drafts, grid: GRID, subject: Gridkeeper.Subject(kind: .household, id: hid), memberId: memberId)
        let s = await sendAll(h, .load,
                          .purpose(.specialGroupCare),
                          .findings("身体尚好，叮嘱注意用电安全"),
                          .photo(bytes: png, mediaType: "image/png"),
                          .location(lat: 39.9087, lon: 116.3975, accuracyM: 12.0))
        XCTAssertEqual(s.membersSeen, [memberId])
        XCTAssertEqual(s.members.map(\.id), [memberId])
        XCTAssertEqual(s.members.map(\.name), ["陈奶奶"])
        XCTAssertEqual(s.photos.count, 1)
        await sendAll(h, .save)
        guard case let .saved(visitId, caseId)? = h.pollEffect() else { return XCTFail("not saved") }
        XCTAssertNil(caseId)
        let visit = try p.store.getVisit(id: visitId).data
        XCTAssertEqual(visit.photos, s.photos)
        XCTAssertEqual(visit.location?.lat ?? 0, 39.9087, accuracy: 1e-9)
        XCTAssertEqual(visit.membersSeen, [memberId])
        XCTAssertEqual(try p.store.agenda(grid: GRID).visits.count, 0)
        XCTAssertNil(p.drafts.load("visit:\(hid)"))
    }

    @MainActor
    func testAVisitCanRaiseACaseAndACaseWithoutDescriptionIsRefused() async throws {
        let p = try Phone("visit-case")
        let hid = try p.store.createHousehold(grid: GRID, data: household("黄先生", "4", "1", "203"))
        let h = VisitFormHolder(repos: p.repos, drafts: p.drafts, grid: GRID, subject: Gridkeeper.Subject(kind: .household, id: hid))
        let refused = await sendAll(h, .load, .raiseCase(true), .caseCategoryChosen(.errand), .save)
        XCTAssertEqual(Array(refused.errors.keys), ["description"])
        XCTAssertEqual(refused.errors["description"], "描述：必须填写")
        await sendAll(h, .caseDescription("帮办老年证"), .save)
        guard case let .saved(visitId, raisedId)? = h.pollEffect(), let caseId = raisedId else { return XCTFail("not saved") }
        let raised = try p.store.getCase(id: caseId)
        XCTAssertEqual(raised.data.category, .errand)
        XCTAssertEqual(raised.data.source?.id, visitId)
    }
}
