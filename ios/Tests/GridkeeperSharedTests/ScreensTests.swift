// Two screens driven through the adapters as the SwiftUI pages drive them: events in order
// off the main thread, views published, effects handed to the performer and answered. What
// the screens decide is tested in app/tests/*.rs; here, that the Swift side carries it.
import Foundation
import Gridkeeper
import GridkeeperShared
import XCTest

@MainActor
final class ScreensTests: XCTestCase {
    func testAHouseholdTypedIntoTheFormReachesTheWatchedList() async throws {
        let p = try Phone("screens-household")
        let app = Performed()
        let list = ScreenModel<HouseholdsEvent, HouseholdsView>(households: p.store, grid: GRID, lang: .zh, performer: app)
        await list.send(.load).value
        XCTAssertEqual(list.view?.rows.count, 0)
        XCTAssertNotNil(list.view?.emptyText)

        let form = ScreenModel<HouseholdEditEvent, HouseholdEditView>(householdForm: p.store, grid: GRID, id: nil, lang: .zh, performer: app)
        await form.send(.load).value
        XCTAssertEqual(form.view?.members.count, 1, "a new household starts with its head's inputs")
        let good = idNumber("110101", "19900307", 123)
        let wrongCheckDigit = String(good.dropLast()) + (good.last == "0" ? "1" : "0")
        for event: HouseholdEditEvent in [
            .text(field: "address.building", value: "7"),
            .text(field: "address.room", value: "302"),
            .text(field: "members[0].name", value: "王五"),
            .text(field: "members[0].id_number", value: wrongCheckDigit),
        ] {
            form.send(event)
        }
        // Sent without waiting, as a page does: handled in order all the same.
        await form.send(.save).value
        // Under the field: the error names the input it belongs to.
        XCTAssertEqual(form.view?.errors.first { $0.field == "members[0].id_number" }?.message,
                       "身份证号：校验位不对，请核对是否输错")
        XCTAssertFalse(app.effects.contains(.close))
        XCTAssertEqual(list.view?.rows.count, 0, "nothing was saved")

        await form.send(.text(field: "members[0].id_number", value: good)).value
        XCTAssertEqual(form.view?.errors, [], "typing in the input takes its message away")
        await form.send(.save).value
        guard case let .openHousehold(id)? = app.effects.last else {
            return XCTFail("saved: \(app.effects)")
        }
        XCTAssertTrue(app.effects.contains(.close))
        XCTAssertTrue(app.effects.contains(.recordsChanged(ids: [id])))

        // The list is sent nothing: its watch hands it the new view.
        let row = try await eventually { list.view?.rows.first }
        XCTAssertEqual(row.id, id)
        XCTAssertEqual(row.title, "王五")
    }

    func testAVisitTakesAPhotoAndALocationFromTheAppAndCloses() async throws {
        let p = try Phone("screens-visit")
        let hid = try p.store.createHousehold(grid: GRID, data: household("陈奶奶", "4", "1", "202", .emptyNestElderly))
        let file = p.dir.appendingPathComponent("camera.png")
        try png.write(to: file)
        let app = Performed()
        app.photo = file.path
        app.location = (lat: 39.9087, lon: 116.3975, accuracyM: 12)

        let visit = ScreenModel<VisitFormEvent, VisitFormView>(visit: p.store, subject: .household, subjectId: hid, memberId: nil, lang: .zh, performer: app)
        await visit.send(.load).value
        XCTAssertEqual(visit.view?.members.map(\.name), ["陈奶奶"])
        await visit.send(.findings(text: "身体尚好，叮嘱注意用电安全")).value

        await visit.send(.takePhoto).value
        XCTAssertEqual(app.effects.last, .takePhoto(forField: "photos"))
        await app.answered()
        XCTAssertEqual(visit.view?.photos.count, 1, "the app's file became the visit's photo")

        await visit.send(.locate).value
        XCTAssertEqual(app.effects.last, .getLocation)
        await app.answered()
        XCTAssertEqual(visit.view?.location?.text, "已定位，误差约 12 米")
        XCTAssertEqual(visit.view?.locating, false)

        await visit.send(.submit).value
        XCTAssertEqual(app.effects.last, .close)
        XCTAssertNil(visit.failure)
    }

    func testAScreenThatCannotOpenSaysSoInsteadOfAView() async throws {
        let p = try Phone("screens-bad-id")
        let detail = ScreenModel<HouseholdDetailEvent, HouseholdDetailView>(household: p.store, id: "not a record id", lang: .zh, performer: nil)
        XCTAssertNotNil(detail.failure)
        await detail.send(.load).value
        XCTAssertNil(detail.view)
    }
}
