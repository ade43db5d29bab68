// Kotlin twin: android/shared/src/main/kotlin/org/gridkeeper/app/shared/Messages.kt
import Foundation
import Gridkeeper

/// Turns core's typed errors into words for the worker. Core names the field by its path
/// (`members[1].id_number`) and the rule in English without any value, so a form can place
/// the message beside the right input and a log never holds personal data.
public enum Messages {
    /// Core's reason wording → the string key a worker reads; first match wins.
    private static let reasons: [(String, String)] = [
        ("is required when returning", "reason.returning"),
        ("is required when escalating", "reason.escalating"),
        ("is required when the result is an agreement", "reason.agreement"),
        ("at least one party", "reason.one_party"),
        ("is required", "reason.required"),
        ("must be answered", "reason.required"),
        ("check digit", "reason.check_digit"),
        ("must be 18 characters", "reason.id_length"),
        ("first 17 characters", "reason.id_digits"),
        ("last character must be", "reason.id_digits"),
        ("region code", "reason.id_region"),
        ("birth date in the number", "reason.id_birth"),
        ("mobile number", "reason.phone"),
        ("landline", "reason.phone"),
        ("building and room", "reason.building_room"),
        ("is in the future", "reason.future"),
        ("must be a date", "reason.date"),
        ("must be a time", "reason.date"),
        ("appears twice", "reason.duplicate"),
        ("cannot complete the inspection", "reason.complete_blocked"),
        ("is not allowed from", "reason.illegal_transition"),
        ("not allowed", "reason.illegal_transition"),
    ]

    /// The label of the input a field path points at: `members[1].id_number` → 身份证号.
    public static func fieldLabel(_ path: String, _ lang: Lang) -> String {
        let afterDot = path.split(separator: ".", omittingEmptySubsequences: false).last.map(String.init) ?? path
        let last = afterDot.split(separator: "[", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? afterDot
        let key = "field.\(last)"
        return Strings.has(key) ? Strings.get(key, lang) : last
    }

    public static func reasonText(_ reason: String, _ lang: Lang) -> String {
        let lower = reason.lowercased()
        if let key = reasons.first(where: { lower.contains($0.0.lowercased()) })?.1 {
            return Strings.get(key, lang)
        }
        // English readers get core's own wording, which names a rule and never a value.
        return lang == .en ? reason : Strings.get("reason.other", lang)
    }

    /// The message shown beside the input: 身份证号：校验位不对，请核对是否输错.
    public static func fieldMessage(_ path: String, _ reason: String, _ lang: Lang) -> String {
        fieldLabel(path, lang) + (lang == .zh ? "：" : ": ") + reasonText(reason, lang)
    }

    /// Any failure in plain words, for a banner or the sync status line.
    public static func plainWords(_ error: Error, _ lang: Lang) -> String {
        guard let error = error as? GridkeeperError else { return Strings.get("error.storage", lang) }
        switch error {
        case let .Invalid(field, reason):
            return fieldMessage(field, reason, lang)
        // The relay's message is already written for the worker in Chinese.
        case let .Network(_, _, userMessage):
            return lang == .zh && !userMessage.trimmingCharacters(in: .whitespaces).isEmpty ? userMessage : Strings.get("error.network", lang)
        case let .NotAllowed(_, _, userMessage):
            return lang == .zh && !userMessage.trimmingCharacters(in: .whitespaces).isEmpty ? userMessage : Strings.get("error.not_allowed", lang)
        case .NotFound:
            return Strings.get("error.not_found", lang)
        case .Conflict:
            return Strings.get("error.conflict", lang)
        case .WrongKey:
            return Strings.get("error.wrong_key", lang)
        case .Cancelled:
            return Strings.get("error.cancelled", lang)
        case .StorageFull:
            return Strings.get("error.storage_full", lang)
        case let .UnsyncedWork(changes, uploads, refused, _, _):
            return Strings.format("signout.question", lang, Int(changes + uploads + refused), Int(refused))
        case .Storage:
            return Strings.get("error.storage", lang)
        }
    }

    /// Whether a failure is the network's, which the background sync retries.
    public static func isNetwork(_ error: Error) -> Bool {
        if let error = error as? GridkeeperError, case .Network = error { return true }
        return false
    }
}
