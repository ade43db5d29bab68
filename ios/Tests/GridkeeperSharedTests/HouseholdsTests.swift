// Kotlin twin: android/shared/src/test/kotlin/org/gridkeeper/app/shared/HouseholdsTest.kt
// (HouseholdsTest, HouseholdDetailTest, HouseholdEditTest).
import Foundation
import Gridkeeper
import GridkeeperShared
import XCTest

final class HouseholdsTests: XCTestCase {
    private func seed(_ p: Phone) throws -> [String: String] {
        [
            "张三": try p.store.createHousehold(grid: GRID, data: household("张三", "1", "1", "101", .solitaryElderly)),
            "李四": try p.store.createHousehold(grid: GRID, data: household("李四", "1", "2", "201")),
            "王五": try p.store.createHousehold(grid: GRID, data: household("王五", "10", "1", "102", .leftBehindChild)),
            "赵六": try p.store.createHousehold(grid: GRID, data: household("赵六", "2", "1", "301")),
        ]
    }

    @MainActor
    func testSearchFindsByChineseAndPinyinInitials() async throws {
        let p = try Phone("hh-search")
        let ids = try seed(p)
        let h = HouseholdsHolder(repos: p.repos, grid: GRID)
        let zs = await sendAll(h, .query("zs"))
        XCTAssertEqual(zs.rows.map(\.id), [ids["张三"]!])
        let ls = await sendAll(h, .query("李四"))
        XCTAssertEqual(ls.rows.map(\.id), [ids["李四"]!])
        let all = await sendAll(h, .query(""))
        XCTAssertEqual(all.rows.count, 4)
    }

    @MainActor
    func testATagFilterKeepsOnlyThatGroup() async throws {
        let p = try Phone("hh-tag")
        let ids = try seed(p)
        let s = await sendAll(HouseholdsHolder(repos: p.repos, grid: GRID), .load, .tag(.leftBehindChild))
        XCTAssertEqual(s.rows.map(\.id), [ids["王五"]!])
        XCTAssertEqual(s.rows.first?.tags, ["留守儿童"])
    }

    @MainActor
    func testBrowsingGoesBuildingThenUnitThenRooms() async throws {
        let p = try Phone("hh-browse")
        let ids = try seed(p)
        let h = HouseholdsHolder(repos: p.repos, grid: GRID)
        let top = await sendAll(h, .load)
        XCTAssertEqual(top.groups, ["1", "2", "10"])
        let building = await sendAll(h, .browse("1"))
        XCTAssertEqual(building.groups, ["1", "2"])
        XCTAssertEqual(Set(building.rows.map(\.id)), [ids["张三"]!, ids["李四"]!])
        let unit = await sendAll(h, .browse("2"))
        XCTAssertEqual(unit.rows.map(\.id), [ids["李四"]!])
        XCTAssertTrue(unit.groups.isEmpty)
        let up = await sendAll(h, .up)
        XCTAssertEqual(up.groups, ["1", "2"])
        await sendAll(h, .open(ids["李四"]!))
        XCTAssertEqual(h.pollEffect(), .openHousehold(id: ids["李四"]!))
    }

    @MainActor
    func testMembersShowMaskedUntilRevealedWithTagsAndVisits() async throws {
        let p = try Phone("hh-detail")
        let id = idNumber("110105", "19400301", 12)
        let hid = try p.store.createHousehold(grid: GRID, data: household("李奶奶", "3", "2", "501", .solitaryElderly,
                                                                        idNumber: id, phone: "13812345678"))
        _ = try p.store.createVisit(grid: GRID, data: Visit(subject: Gridkeeper.Subject(kind: .household, id: hid), purpose: .specialGroupCare))
        let h = HouseholdDetailHolder(repos: p.repos, householdId: hid)
        let s = await sendAll(h, .load)
        let m = try XCTUnwrap(s.members.first)
        XCTAssertEqual(m.phone, "138****5678")
        XCTAssertEqual(m.idNumber, String(id.prefix(6)) + "********" + String(id.suffix(4)))
        XCTAssertEqual(m.tags, ["独居老人"])
        XCTAssertEqual(m.relation, "户主")
        XCTAssertEqual(s.address, "幸福里 3栋 2单元 501")
        XCTAssertEqual(s.visits.map(\.purpose), ["特殊群体关爱"])
        let open = await sendAll(h, .reveal(memberId: m.id)).members.first
        XCTAssertEqual(open?.idNumber, id)
        XCTAssertEqual(open?.phone, "13812345678")
        await sendAll(h, .visit(memberId: m.id))
        XCTAssertEqual(h.pollEffect(), .startVisit(householdId: hid, memberId: m.id))
    }

    @MainActor
    func testAWrongIdNumberIsShownBesideThatMembersInput() async throws {
        let p = try Phone("hh-edit")
        let h = HouseholdEditHolder(repos: p.repos, drafts: MemoryDraftStore(), grid: GRID, householdId: nil)
        let s = await sendAll(h, .load,
                          .field(path: "address.building", value: "5"), .field(path: "address.room", value: "101"),
                          .field(path: "members[0].name", value: "张三"),
                          .addMember,
                          .field(path: "members[1].name", value: "张四"),
                          .field(path: "members[1].id_number", value: "110105194003011234"),
                          .save)
        XCTAssertEqual(s.errors, ["members[1].id_number": "身份证号：校验位不对，请核对是否输错"])
        XCTAssertNil(h.pollEffect())
        XCTAssertTrue(try p.store.listHouseholds(grid: nil, search: nil).isEmpty)
        // Typing in the input clears its message; a valid number saves.
        let fixed = await sendAll(h, .field(path: "members[1].id_number", value: idNumber("110105", "19400301", 12)))
        XCTAssertTrue(fixed.errors.isEmpty)
        await sendAll(h, .save)
        guard case let .saved(id)? = h.pollEffect() else { return XCTFail("not saved") }
        XCTAssertEqual(try p.store.getHousehold(id: id).data.members.map(\.name), ["张三", "张四"])
    }

    @MainActor
    func testMessagesNameTheFieldInEnglishToo() async throws {
        let p = try Phone("hh-edit-en")
        let h = HouseholdEditHolder(repos: p.repos, drafts: MemoryDraftStore(), grid: GRID, householdId: nil, lang: .en)
        let s = await sendAll(h, .load, .field(path: "address.building", value: "5"), .field(path: "address.room", value: "101"),
                          .field(path: "members[0].name", value: "张三"), .field(path: "members[0].phone", value: "12345"), .save)
        XCTAssertEqual(Array(s.errors.keys), ["members[0].phone"])
        XCTAssertTrue(s.errors.values.first?.hasPrefix("Phone: ") ?? false, s.errors.values.first ?? "")
    }

    @MainActor
    func testAHouseholdWithoutAnAddressIsRefusedOnTheAddress() async throws {
        let p = try Phone("hh-edit-addr")
        let s = await sendAll(HouseholdEditHolder(repos: p.repos, drafts: MemoryDraftStore(), grid: GRID, householdId: nil),
                          .load, .field(path: "members[0].name", value: "张三"), .save)
        XCTAssertEqual(s.errors.count, 1)
        let (path, message) = try XCTUnwrap(s.errors.first)
        XCTAssertTrue(path.hasPrefix("address"), path)
        XCTAssertTrue(message.hasSuffix("请填写楼栋和户室，或填写完整地址"), message)
    }

    @MainActor
    func testEditingKeepsWhatTheFormDoesNotShow() async throws {
        let p = try Phone("hh-edit-keep")
        let hid = try p.store.createHousehold(grid: GRID, data: household("李奶奶", "3", "2", "501",
                                                                        idNumber: idNumber("110105", "19400301", 12)))
        let h = HouseholdEditHolder(repos: p.repos, drafts: MemoryDraftStore(), grid: GRID, householdId: hid)
        let s = await sendAll(h, .load)
        XCTAssertFalse(s.isNew)
        XCTAssertEqual(s.form.members.map(\.name), ["李奶奶"])
        await sendAll(h, .field(path: "members[0].phone", value: "13900001111"), .save)
        XCTAssertEqual(h.pollEffect(), .saved(id: hid))
        let m = try p.store.getHousehold(id: hid).data.members[0]
        XCTAssertEqual(m.phone, "13900001111")
        XCTAssertEqual(m.birthDate, "1940-03-01")
        XCTAssertEqual(m.gender, .female)
    }
}
