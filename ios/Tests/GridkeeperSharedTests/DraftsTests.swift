// Kotlin twin: android/shared/src/test/kotlin/org/gridkeeper/app/shared/DraftsTest.kt
import Foundation
import Gridkeeper
import GridkeeperShared
import XCTest

final class DraftsTests: XCTestCase {
    @MainActor
    func testAFormTypedIntoSurvivesTheProcessBeingKilled() async throws {
        let p = try Phone("drafts")
        let first = HouseholdEditHolder(repos: p.repos, drafts: p.drafts, grid: GRID, householdId: nil)
        await sendAll(first, .load,
                  .field(path: "address.building", value: "7"),
                  .field(path: "address.room", value: "302"),
                  .field(path: "members[0].name", value: "陈秀英"),
                  .toggleTag(member: 0, tag: .solitaryElderly),
                  .addMember,
                  .field(path: "members[1].name", value: "陈小明"))
        // The process dies: nothing of `first` is used again; a new draft store reads the files.
        let second = HouseholdEditHolder(repos: p.repos, drafts: p.reopenedDrafts(), grid: GRID, householdId: nil)
        let s = await sendAll(second, .load)
        XCTAssertTrue(s.restoredDraft)
        XCTAssertEqual(s.form.building, "7")
        XCTAssertEqual(s.form.room, "302")
        XCTAssertEqual(s.form.members.map(\.name), ["陈秀英", "陈小明"])
        XCTAssertEqual(s.form.members[0].tags, [.solitaryElderly])
        XCTAssertEqual(s.form.members[0].relation, .head)
    }

    func testDraftsAreEncryptedAtRestAndUnreadableUnderAnotherKey() throws {
        let dir = try tempDir("drafts-key")
        let key = randomKey()
        FileDraftStore(dir: dir, cipher: AesGcmDraftCipher.fromStoreKey(key)).save("household:new", ["members[0].name": "陈秀英"])
        let files = try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)
        XCTAssertEqual(files.count, 1)
        let bytes = try Data(contentsOf: files[0])
        XCTAssertNil(bytes.range(of: Data("陈秀英".utf8)))
        XCTAssertNil(bytes.range(of: Data("\\u9648".utf8)))
        XCTAssertEqual(FileDraftStore(dir: dir, cipher: AesGcmDraftCipher.fromStoreKey(key)).load("household:new"),
                       ["members[0].name": "陈秀英"])
        XCTAssertNil(FileDraftStore(dir: dir, cipher: AesGcmDraftCipher.fromStoreKey(randomKey())).load("household:new"))
    }

    @MainActor
    func testASavedRecordClearsItsDraft() async throws {
        let p = try Phone("drafts-clear")
        let h = HouseholdEditHolder(repos: p.repos, drafts: p.drafts, grid: GRID, householdId: nil)
        await sendAll(h, .load, .field(path: "address.building", value: "1"), .field(path: "address.room", value: "101"),
                  .field(path: "members[0].name", value: "周平"), .save)
        guard case .saved? = h.pollEffect() else { return XCTFail("not saved") }
        XCTAssertNil(p.drafts.load("household:new"))
        let again = await sendAll(HouseholdEditHolder(repos: p.repos, drafts: p.drafts, grid: GRID, householdId: nil), .load)
        XCTAssertFalse(again.restoredDraft)
    }

    func testEnumNamesAreCoresSnakeCase() {
        XCTAssertEqual(MemberTag.leftBehindChild.name, "left_behind_child")
        XCTAssertEqual(CaseAction.`return`.name, "return")
        XCTAssertEqual(CaseState.inProgress.name, "in_progress")
        XCTAssertEqual(MediationResult.named("referred_judicial_office"), .referredJudicialOffice)
        XCTAssertEqual(Strings.label("tag", MemberTag.leftBehindChild, .zh), "留守儿童")
    }
}
