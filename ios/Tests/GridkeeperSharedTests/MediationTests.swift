// Kotlin twin: android/shared/src/test/kotlin/org/gridkeeper/app/shared/MediationTest.kt
import Foundation
import Gridkeeper
import GridkeeperShared
import XCTest

final class MediationTests: XCTestCase {
    @MainActor
    func testPartiesSessionsResultAndSignaturesAreSaved() async throws {
        let p = try Phone("mediation")
        let h = MediationHolder(repos: p.repos, drafts: p.drafts, grid: GRID, mediationId: nil)
        let s = await sendAll(h, .load,
                          .disputeTypeChosen(.neighbour),
                          .field(path: "parties[0].name", value: "王建国"),
                          .addParty,
                          .field(path: "parties[1].name", value: "李红"),
                          .field(path: "narrative", value: "楼上漏水影响楼下"),
                          .addSession,
                          .field(path: "sessions[0].outcome", value: "双方同意维修"),
                          .resultChosen(.agreement),
                          .save)
        XCTAssertEqual(s.errors, ["agreement_text": "协议内容：达成协议时必须填写协议内容"])
        let parties = s.parties.map(\.id)
        await sendAll(h, .field(path: "agreement_text", value: "王建国负责维修，费用各半"),
                  .sign(partyId: parties[0], png: png), .sign(partyId: parties[1], png: png), .save)
        guard case let .saved(id)? = h.pollEffect() else { return XCTFail("not saved") }
        let m = try p.store.getMediation(id: id).data
        XCTAssertEqual(m.parties.map(\.name), ["王建国", "李红"])
        XCTAssertEqual(Set(m.signatures.map(\.partyId)), Set(parties))
        XCTAssertNotNil(try p.store.attachmentBytes(hash: m.signatures[0].blob))
        XCTAssertEqual(m.sessions.map(\.outcome), ["双方同意维修"])
        XCTAssertEqual(m.result, .agreement)
    }

    @MainActor
    func testAnUnsavedMediationSurvivesTheAppBeingKilled() async throws {
        let p = try Phone("mediation-draft")
        let first = MediationHolder(repos: p.repos, drafts: p.drafts, grid: GRID, mediationId: nil)
        let typed = await sendAll(first, .load, .field(path: "parties[0].name", value: "周强"),
                              .field(path: "narrative", value: "工资拖欠"), .disputeTypeChosen(.labour),
                              .sign(partyId: "x", png: png))
        let s = await sendAll(MediationHolder(repos: p.repos, drafts: p.reopenedDrafts(), grid: GRID, mediationId: nil), .load)
        XCTAssertTrue(s.restoredDraft)
        XCTAssertEqual(s.parties, typed.parties)
        XCTAssertEqual(s.narrative, "工资拖欠")
        XCTAssertEqual(s.disputeType, .labour)
        XCTAssertEqual(s.signatures, typed.signatures)
    }
}
