// Kotlin twin: none — Kotlin's enums carry `.name` and `values()`; uniffi's Swift enums do not.
import Foundation
import Gridkeeper

/// A bindings enum with the snake_case name core uses (`left_behind_child`), so labels and
/// drafts work as in the Kotlin holders (which lowercase `LEFT_BEHIND_CHILD`).
///
/// Both lists are written out: `CaseIterable` cannot be synthesised for an enum declared in
/// another module (the generated bindings), and a name from reflection would depend on
/// reflection metadata being kept.
public protocol NamedCase: Hashable {
    static var allCases: [Self] { get }
    var name: String { get }
}

extension NamedCase {
    /// The case with this snake_case name, as a draft stored it.
    public static func named(_ name: String?) -> Self? {
        guard let name else { return nil }
        return allCases.first { $0.name == name }
    }
}

extension MemberTag: NamedCase {
    public static let allCases: [MemberTag] = [.solitaryElderly, .emptyNestElderly, .leftBehindChild, .disabled, .subsistenceAllowance, .veteran, .keyPerson]

    public var name: String {
        switch self {
        case .solitaryElderly: return "solitary_elderly"
        case .emptyNestElderly: return "empty_nest_elderly"
        case .leftBehindChild: return "left_behind_child"
        case .disabled: return "disabled"
        case .subsistenceAllowance: return "subsistence_allowance"
        case .veteran: return "veteran"
        case .keyPerson: return "key_person"
        }
    }
}

extension CaseState: NamedCase {
    public static let allCases: [CaseState] = [.reported, .accepted, .inProgress, .resolved, .verified, .closed, .returned, .escalated]

    public var name: String {
        switch self {
        case .reported: return "reported"
        case .accepted: return "accepted"
        case .inProgress: return "in_progress"
        case .resolved: return "resolved"
        case .verified: return "verified"
        case .closed: return "closed"
        case .returned: return "returned"
        case .escalated: return "escalated"
        }
    }
}

extension CaseAction: NamedCase {
    public static let allCases: [CaseAction] = [.report, .accept, .start, .resolve, .verify, .close, .`return`, .escalate, .comment]

    public var name: String {
        switch self {
        case .report: return "report"
        case .accept: return "accept"
        case .start: return "start"
        case .resolve: return "resolve"
        case .verify: return "verify"
        case .close: return "close"
        case .`return`: return "return"
        case .escalate: return "escalate"
        case .comment: return "comment"
        }
    }
}

extension CaseCategory: NamedCase {
    public static let allCases: [CaseCategory] = [.hazard, .environment, .appeal, .errand]

    public var name: String {
        switch self {
        case .hazard: return "hazard"
        case .environment: return "environment"
        case .appeal: return "appeal"
        case .errand: return "errand"
        }
    }
}

extension Severity: NamedCase {
    public static let allCases: [Severity] = [.low, .medium, .high, .critical]

    public var name: String {
        switch self {
        case .low: return "low"
        case .medium: return "medium"
        case .high: return "high"
        case .critical: return "critical"
        }
    }
}

extension VisitPurpose: NamedCase {
    public static let allCases: [VisitPurpose] = [.routine, .specialGroupCare, .policyPublicity, .opinionCollection, .errandFollowUp, .other]

    public var name: String {
        switch self {
        case .routine: return "routine"
        case .specialGroupCare: return "special_group_care"
        case .policyPublicity: return "policy_publicity"
        case .opinionCollection: return "opinion_collection"
        case .errandFollowUp: return "errand_follow_up"
        case .other: return "other"
        }
    }
}

extension DisputeType: NamedCase {
    public static let allCases: [DisputeType] = [.neighbour, .family, .marriage, .labour, .property, .land, .other]

    public var name: String {
        switch self {
        case .neighbour: return "neighbour"
        case .family: return "family"
        case .marriage: return "marriage"
        case .labour: return "labour"
        case .property: return "property"
        case .land: return "land"
        case .other: return "other"
        }
    }
}

extension MediationResult: NamedCase {
    public static let allCases: [MediationResult] = [.agreement, .partial, .failed, .referredJudicialOffice, .referredCourt, .referredPolice]

    public var name: String {
        switch self {
        case .agreement: return "agreement"
        case .partial: return "partial"
        case .failed: return "failed"
        case .referredJudicialOffice: return "referred_judicial_office"
        case .referredCourt: return "referred_court"
        case .referredPolice: return "referred_police"
        }
    }
}

extension Relation: NamedCase {
    public static let allCases: [Relation] = [.head, .spouse, .child, .parent, .grandchild, .grandparent, .sibling, .tenant, .other]

    public var name: String {
        switch self {
        case .head: return "head"
        case .spouse: return "spouse"
        case .child: return "child"
        case .parent: return "parent"
        case .grandchild: return "grandchild"
        case .grandparent: return "grandparent"
        case .sibling: return "sibling"
        case .tenant: return "tenant"
        case .other: return "other"
        }
    }
}

extension Registration: NamedCase {
    public static let allCases: [Registration] = [.local, .migrant, .foreign]

    public var name: String {
        switch self {
        case .local: return "local"
        case .migrant: return "migrant"
        case .foreign: return "foreign"
        }
    }
}

extension HousingType: NamedCase {
    public static let allCases: [HousingType] = [.ownerOccupied, .rented, .vacant, .other]

    public var name: String {
        switch self {
        case .ownerOccupied: return "owner_occupied"
        case .rented: return "rented"
        case .vacant: return "vacant"
        case .other: return "other"
        }
    }
}

extension RiskLevel: NamedCase {
    public static let allCases: [RiskLevel] = [.low, .medium, .high]

    public var name: String {
        switch self {
        case .low: return "low"
        case .medium: return "medium"
        case .high: return "high"
        }
    }
}

extension EscalationLevel: NamedCase {
    public static let allCases: [EscalationLevel] = [.community, .street]

    public var name: String {
        switch self {
        case .community: return "community"
        case .street: return "street"
        }
    }
}

extension PlaceType: NamedCase {
    public static let allCases: [PlaceType] = [.shop, .rental, .firm, .venue]

    public var name: String {
        switch self {
        case .shop: return "shop"
        case .rental: return "rental"
        case .firm: return "firm"
        case .venue: return "venue"
        }
    }
}

extension ProblemKind: NamedCase {
    public static let allCases: [ProblemKind] = [.unanswered, .missingPhoto, .failedWithoutAction, .invalidAnswer]

    public var name: String {
        switch self {
        case .unanswered: return "unanswered"
        case .missingPhoto: return "missing_photo"
        case .failedWithoutAction: return "failed_without_action"
        case .invalidAnswer: return "invalid_answer"
        }
    }
}
