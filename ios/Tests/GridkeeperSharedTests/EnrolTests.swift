// Kotlin twin: android/shared/src/test/kotlin/org/gridkeeper/app/shared/EnrolTest.kt
import Foundation
import Gridkeeper
import GridkeeperShared
import XCTest

final class EnrolTests: XCTestCase {
    @MainActor
    func testEnrollingWithACodeFromTheSupervisorGivesTheWorkersGrid() async throws {
        let p = try Phone("enrol")
        let h = EnrolHolder(repos: p.repos)
        let url = try Relay.url
        let code = try Relay.code("赵敏")
        let s = await sendAll(h, .server(url), .code(code), .submit)
        XCTAssertEqual(s.enrolment?.grids, [GRID])
        XCTAssertNil(s.banner)
        XCTAssertEqual(h.pollEffect(), .enrolled(grids: [GRID]))
        XCTAssertTrue(try p.store.syncStatus().enrolled)
    }

    @MainActor
    func testAScannedQrCodeEnrolsInOneStep() async throws {
        let p = try Phone("enrol-qr")
        let server = try Relay.url.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let code = try Relay.code("孙丽")
        let qr = "gridkeeper:enrol?server=\(server)&code=\(code)"
        let s = await sendAll(EnrolHolder(repos: p.repos), .qrScanned(qr))
        XCTAssertEqual(s.enrolment?.grids, [GRID])
        let bad = await sendAll(EnrolHolder(repos: p.repos, lang: .zh), .qrScanned("https://example.com/"))
        XCTAssertEqual(bad.banner, "二维码不是网格管家的注册码")
    }

    @MainActor
    func testEmptyInputsAndAWrongCodeAreExplainedInWords() async throws {
        let p = try Phone("enrol-bad")
        let h = EnrolHolder(repos: p.repos)
        let empty = await sendAll(h, .submit)
        XCTAssertEqual(empty.errors["server"], "服务器地址：必须填写")
        XCTAssertEqual(empty.errors["code"], "注册码：必须填写")
        let url = try Relay.url
        let wrong = await sendAll(h, .server(url), .code("not-a-code"), .submit)
        XCTAssertTrue(wrong.errors.isEmpty)
        XCTAssertNil(wrong.enrolment)
        XCTAssertFalse(wrong.busy)
        XCTAssertFalse((wrong.banner ?? "").isEmpty, "banner: \(wrong.banner ?? "nil")")
        XCTAssertNil(h.pollEffect())
    }

    func testQrLinksAreParsedWithPercentEncoding() {
        let parsed = EnrolHolder.parseQr("gridkeeper:enrol?server=https%3A%2F%2Fgk.example.cn&code=AB12")
        XCTAssertEqual(parsed?.server, "https://gk.example.cn")
        XCTAssertEqual(parsed?.code, "AB12")
        XCTAssertNil(EnrolHolder.parseQr("gridkeeper:enrol?server=https://x"))
    }
}
