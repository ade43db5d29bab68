// Kotlin twin: android/shared/src/main/kotlin/org/gridkeeper/app/shared/screens/Enrol.kt
import Foundation
import Gridkeeper

public struct EnrolState: Equatable {
    public var server = ""
    public var code = ""
    /// By input: `server` or `code`.
    public var errors: [String: String] = [:]
    public var busy = false
    public var banner: String?
    public var enrolment: Enrolment?
    public init() {}
}

public enum EnrolEvent {
    case server(String)
    case code(String)
    /// The text of a QR code the supervisor showed: `gridkeeper:enrol?server=…&code=…`.
    case qrScanned(String)
    case submit
}

public enum EnrolEffect: Equatable {
    case enrolled(grids: [String])
}

public final class EnrolHolder: StateHolder<EnrolState, EnrolEvent, EnrolEffect> {
    private let repos: Repositories
    private let lang: Lang

    public init(repos: Repositories, lang: Lang = .zh) {
        self.repos = repos
        self.lang = lang
        super.init(EnrolState())
    }

    public override func handle(_ event: EnrolEvent) async {
        switch event {
        case let .server(text):
            update { $0.server = text.trimmingCharacters(in: .whitespacesAndNewlines); $0.errors["server"] = nil }
        case let .code(text):
            update { $0.code = text.trimmingCharacters(in: .whitespacesAndNewlines); $0.errors["code"] = nil }
        case let .qrScanned(text):
            guard let parsed = Self.parseQr(text) else {
                update { $0.banner = Strings.get("enrol.qr_invalid", lang) }
                return
            }
            update { $0.server = parsed.server; $0.code = parsed.code; $0.errors = [:]; $0.banner = nil }
            await submit()
        case .submit:
            await submit()
        }
    }

    private func submit() async {
        let s = state
        var errors: [String: String] = [:]
        if !(s.server.hasPrefix("https://") || s.server.hasPrefix("http://")) {
            errors["server"] = Messages.fieldMessage("server", "is required", lang)
        }
        if s.code.isEmpty { errors["code"] = Messages.fieldMessage("code", "is required", lang) }
        if !errors.isEmpty {
            update { $0.errors = errors }
            return
        }
        update { $0.busy = true; $0.banner = nil }
        do {
            let enrolment = try await io { try self.repos.sync.enroll(s.server, s.code) }
            update { $0.busy = false; $0.enrolment = enrolment }
            emit(.enrolled(grids: enrolment.grids))
        } catch {
            update { $0.busy = false; $0.banner = Messages.plainWords(error, lang) }
        }
    }

    nonisolated public static func parseQr(_ text: String) -> (server: String, code: String)? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let prefix = "gridkeeper:enrol?"
        guard trimmed.hasPrefix(prefix) else { return nil }
        var params: [String: String] = [:]
        for pair in trimmed.dropFirst(prefix.count).split(separator: "&") {
            guard let eq = pair.firstIndex(of: "="), eq > pair.startIndex else { continue }
            let raw = pair[pair.index(after: eq)...].replacingOccurrences(of: "+", with: " ")
            params[String(pair[..<eq])] = raw.removingPercentEncoding ?? raw
        }
        guard let server = params["server"], let code = params["code"] else { return nil }
        return (server, code)
    }
}
