// Android twin: android/app/src/main/java/org/gridkeeper/app/ui/HouseholdScreens.kt
import Gridkeeper
import GridkeeperShared
import SwiftUI

@MainActor
struct HouseholdsScreen: View {
    @StateObject private var vm: HouseholdsHolder
    @EnvironmentObject private var nav: Navigator
    @State private var query = ""
    private let lang: Lang

    init(env: ScreenEnv) {
        _vm = StateObject(wrappedValue: HouseholdsHolder(repos: env.repos, grid: env.grid, lang: env.lang))
        lang = env.lang
    }

    var body: some View {
        let s = vm.state
        List {
            Choices(options: [(MemberTag?.none, L("all"))] + MemberTag.allCases.map { (Optional($0), Strings.label("tag", $0, lang)) },
                    chosen: s.tag) { vm.post(.tag($0)) }
            if let error = s.error { Banner(text: error) }
            if s.building != nil {
                Button(L("up") + " · " + [s.building, s.unit].compactMap { $0 }.joined(separator: " / ")) { vm.post(.up) }
            }
            ForEach(s.groups, id: \.self) { group in
                Button(group) { vm.post(.browse(group)) }
            }
            ForEach(s.rows) { row in
                Button { vm.post(.open(row.id)) } label: {
                    VStack(alignment: .leading) {
                        Text(row.title)
                        Text(row.address).font(.caption).foregroundStyle(.secondary)
                        if !row.tags.isEmpty {
                            Text(row.tags.joined(separator: " · ")).font(.caption)
                        }
                    }
                }
            }
        }
        .navigationTitle(L("nav_households"))
        .searchable(text: $query, prompt: L("search_hint"))
        .onChange(of: query) { vm.post(.query($0)) }
        .toolbar {
            Button { vm.post(.add) } label: { Label(L("add_household"), systemImage: "plus") }
        }
        .task { await vm.send(.load) }
        .effects(of: vm) { effect in
            switch effect {
            case let .openHousehold(id): nav.push(.household(id))
            case .newHousehold: nav.push(.householdEdit(nil))
            }
        }
    }
}

@MainActor
struct HouseholdDetailScreen: View {
    @StateObject private var vm: HouseholdDetailHolder
    @EnvironmentObject private var nav: Navigator

    init(env: ScreenEnv, householdId: String) {
        _vm = StateObject(wrappedValue: HouseholdDetailHolder(repos: env.repos, householdId: householdId, lang: env.lang))
    }

    var body: some View {
        let s = vm.state
        List {
            if let error = s.error { Banner(text: error) }
            if s.conflictCount > 0 {
                Button(L("conflicts_n", s.conflictCount)) { vm.post(.showConflicts) }.foregroundStyle(.red)
            }
            Section {
                Text(s.address).font(.headline)
                if !s.tags.isEmpty { Text(s.tags.joined(separator: " · ")) }
                if !s.notes.isEmpty { Text(s.notes).font(.callout) }
                Button(L("start_visit")) { vm.post(.visit(memberId: nil)) }
            }
            Section(L("members")) {
                ForEach(s.members) { m in
                    VStack(alignment: .leading, spacing: 4) {
                        Text("\(m.name) · \(m.relation)").font(.body)
                        if let id = m.idNumber { Text(id).font(.callout.monospacedDigit()) }
                        if let phone = m.phone { Text(phone).font(.callout.monospacedDigit()) }
                        if !m.tags.isEmpty { Text(m.tags.joined(separator: " · ")).font(.caption) }
                        HStack {
                            Button(m.revealed ? L("hide_full") : L("show_full")) { vm.post(.reveal(memberId: m.id)) }
                            Spacer()
                            Button(L("start_visit")) { vm.post(.visit(memberId: m.id)) }
                        }
                        .buttonStyle(.borderless)
                    }
                }
            }
            Section(L("visits")) {
                ForEach(s.visits) { v in
                    Text("\(v.whenText) · \(v.purpose) · \(v.worker)").font(.callout)
                }
            }
        }
        .overlay { if s.loading { Loading() } }
        .toolbar { Button(L("edit")) { vm.post(.edit) } }
        // Back from an edit or a visit: show what was saved.
        .onAppear { vm.post(.load) }
        .effects(of: vm) { effect in
            switch effect {
            case let .editHousehold(id): nav.push(.householdEdit(id))
            case let .startVisit(householdId, memberId): nav.push(.visit(householdId: householdId, memberId: memberId))
            case let .openConflicts(recordId): nav.push(.conflicts(recordId))
            }
        }
    }
}

@MainActor
struct HouseholdEditScreen: View {
    @StateObject private var vm: HouseholdEditHolder
    @EnvironmentObject private var nav: Navigator
    private let lang: Lang
    private let householdId: String?

    init(env: ScreenEnv, householdId: String?) {
        _vm = StateObject(wrappedValue: HouseholdEditHolder(repos: env.repos, drafts: env.drafts, grid: env.grid,
                                                            householdId: householdId, lang: env.lang))
        lang = env.lang
        self.householdId = householdId
    }

    var body: some View {
        let s = vm.state
        let f = s.form
        ScrollView {
            VStack(alignment: .leading, spacing: 8) {
                if s.restoredDraft { Text(L("draft_restored")).font(.callout) }
                Banner(text: s.banner)
                if let address = s.errors["address"] { Text(address).foregroundStyle(.red) }
                field("address_compound", "address.compound", f.compound)
                HStack {
                    field("address_building", "address.building", f.building)
                    field("address_unit", "address.unit", f.unit)
                    field("address_room", "address.room", f.room)
                }
                field("address_text", "address.text", f.text)
                Choices(options: HousingType.allCases.map { ($0, Strings.label("housing", $0, lang)) }, chosen: f.housingType) {
                    vm.post(.housingTypeChosen($0))
                }
                SectionTitle(text: L("members"))
                ForEach(Array(f.members.enumerated()), id: \.offset) { i, m in
                    memberCard(i, m)
                }
                Button(L("add_member")) { vm.post(.addMember) }
                FieldInput(label: L("notes"), value: f.notes, error: s.errors["notes"], multiline: true) {
                    vm.post(.field(path: "notes", value: $0))
                }
                Button {
                    vm.post(.save)
                } label: {
                    Text(L("save")).frame(maxWidth: .infinity)
                }
                .buttonStyle(.borderedProminent)
                .disabled(s.saving)
                Button(L("discard"), role: .destructive) { vm.post(.discard) }
            }
            .padding()
        }
        .overlay { if s.loading { Loading() } }
        .task { await vm.send(.load) }
        .effects(of: vm) { effect in
            switch effect {
            case let .saved(id):
                nav.pop()
                if householdId == nil { nav.push(.household(id)) }
            case .closed:
                nav.pop()
            }
        }
    }

    private func field(_ label: String, _ path: String, _ value: String) -> some View {
        FieldInput(label: L(label), value: value, error: vm.state.errors[path]) { vm.post(.field(path: path, value: $0)) }
    }

    private func memberCard(_ i: Int, _ m: MemberForm) -> some View {
        let errors = vm.state.errors
        return VStack(alignment: .leading, spacing: 6) {
            FieldInput(label: L("member_name"), value: m.name, error: errors["members[\(i)].name"]) {
                vm.post(.field(path: "members[\(i)].name", value: $0))
            }
            FieldInput(label: L("member_id_number"), value: m.idNumber, error: errors["members[\(i)].id_number"], keyboard: .asciiCapable) {
                vm.post(.field(path: "members[\(i)].id_number", value: $0))
            }
            FieldInput(label: L("member_phone"), value: m.phone, error: errors["members[\(i)].phone"], keyboard: .phonePad) {
                vm.post(.field(path: "members[\(i)].phone", value: $0))
            }
            Choices(options: Relation.allCases.map { ($0, Strings.label("relation", $0, lang)) }, chosen: m.relation) {
                vm.post(.relationChosen(member: i, relation: $0))
            }
            // Tags toggle: each tap adds or removes one.
            LazyVGrid(columns: [GridItem(.adaptive(minimum: 110), spacing: 6)], alignment: .leading, spacing: 6) {
                ForEach(MemberTag.allCases, id: \.self) { tag in
                    Toggle(Strings.label("tag", tag, lang), isOn: Binding(
                        get: { m.tags.contains(tag) },
                        set: { _ in vm.post(.toggleTag(member: i, tag: tag)) }
                    ))
                    .toggleStyle(.button)
                }
            }
            // Core may name a member as a whole (`members[1]`).
            if let whole = errors["members[\(i)]"] { Text(whole).foregroundStyle(.red) }
            if vm.state.form.members.count > 1 {
                Button(L("remove_member"), role: .destructive) { vm.post(.removeMember(i)) }
            }
        }
        .padding(10)
        .background(Color.secondary.opacity(0.08), in: RoundedRectangle(cornerRadius: 8))
    }
}
