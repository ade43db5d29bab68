// Kotlin twin: none — Kotlin's enums carry `.name` and `values()`; uniffi's Swift enums do not.
import Foundation
import Gridkeeper

/// A bindings enum with the snake_case name core uses (`left_behind_child`), so labels and
/// drafts work as in the Kotlin holders (which lowercase `LEFT_BEHIND_CHILD`).
///
/// `allCases` is listed by hand: `CaseIterable` cannot be synthesised for an enum declared in
/// another module (the generated bindings).
public protocol NamedCase: Hashable {
    static var allCases: [Self] { get }
}

extension NamedCase {
    /// The case name as written in the generated Swift (`leftBehindChild`, `return`), turned
    /// into core's snake_case. Payload-free enums print their case name.
    public var name: String {
        var out = ""
        for ch in String(describing: self) {
            if ch.isUppercase {
                out += "_" + ch.lowercased()
            } else {
                out.append(ch)
            }
        }
        return out
    }

    /// The case with this snake_case name, as a draft stored it.
    public static func named(_ name: String?) -> Self? {
        guard let name else { return nil }
        return allCases.first { $0.name == name }
    }
}

extension MemberTag: NamedCase {
    public static let allCases: [MemberTag] = [
        .solitaryElderly, .emptyNestElderly, .leftBehindChild, .disabled, .subsistenceAllowance, .veteran, .keyPerson,
    ]
}

extension CaseState: NamedCase {
    public static let allCases: [CaseState] = [.reported, .accepted, .inProgress, .resolved, .verified, .closed, .returned, .escalated]
}

extension CaseAction: NamedCase {
    public static let allCases: [CaseAction] = [.report, .accept, .start, .resolve, .verify, .close, .`return`, .escalate, .comment]
}

extension CaseCategory: NamedCase {
    public static let allCases: [CaseCategory] = [.hazard, .environment, .appeal, .errand]
}

extension Severity: NamedCase {
    public static let allCases: [Severity] = [.low, .medium, .high, .critical]
}

extension VisitPurpose: NamedCase {
    public static let allCases: [VisitPurpose] = [.routine, .specialGroupCare, .policyPublicity, .opinionCollection, .errandFollowUp, .other]
}

extension DisputeType: NamedCase {
    public static let allCases: [DisputeType] = [.neighbour, .family, .marriage, .labour, .property, .land, .other]
}

extension MediationResult: NamedCase {
    public static let allCases: [MediationResult] = [.agreement, .partial, .failed, .referredJudicialOffice, .referredCourt, .referredPolice]
}

extension Relation: NamedCase {
    public static let allCases: [Relation] = [.head, .spouse, .child, .parent, .grandchild, .grandparent, .sibling, .tenant, .other]
}

extension Registration: NamedCase {
    public static let allCases: [Registration] = [.local, .migrant, .foreign]
}

extension HousingType: NamedCase {
    public static let allCases: [HousingType] = [.ownerOccupied, .rented, .vacant, .other]
}

extension RiskLevel: NamedCase {
    public static let allCases: [RiskLevel] = [.low, .medium, .high]
}

extension EscalationLevel: NamedCase {
    public static let allCases: [EscalationLevel] = [.community, .street]
}

extension PlaceType: NamedCase {
    public static let allCases: [PlaceType] = [.shop, .rental, .firm, .venue]
}

extension ProblemKind: NamedCase {
    public static let allCases: [ProblemKind] = [.unanswered, .missingPhoto, .failedWithoutAction, .invalidAnswer]
}
