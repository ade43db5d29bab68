// Android twin: android/app/src/main/java/org/gridkeeper/app/ui/Common.kt
import SwiftUI

/// Screen chrome from Localizable.strings (zh-Hans first, en second); every word about
/// records comes in the core's views, already in the worker's language.
func L(_ key: String) -> String {
    NSLocalizedString(key, comment: "")
}

func L(_ key: String, _ args: CVarArg...) -> String {
    String(format: NSLocalizedString(key, comment: ""), arguments: args)
}

/// A text input with its label and, beneath it, the message core gave for this field.
///
/// The text is held here while the worker types and sent to the view model on each change;
/// the model's value is taken back only when the field is not being edited, so a 拼音
/// composition is never overwritten by a value one keystroke behind.
@MainActor
struct FieldInput: View {
    let label: String
    let value: String
    let error: String?
    var multiline = false
    var keyboard: UIKeyboardType = .default
    /// Each change as typed (a View's own `onChange` is a modifier, hence the name).
    let send: (String) -> Void

    @State private var text = ""
    @FocusState private var focused: Bool

    // Written out: private state would make the synthesized initializer file-private.
    init(label: String, value: String, error: String?, multiline: Bool = false,
         keyboard: UIKeyboardType = .default, send: @escaping (String) -> Void) {
        self.label = label
        self.value = value
        self.error = error
        self.multiline = multiline
        self.keyboard = keyboard
        self.send = send
    }

    var body: some View {
        VStack(alignment: .leading, spacing: 2) {
            Text(label).font(.subheadline).foregroundStyle(.secondary)
            Group {
                if multiline {
                    TextField(label, text: $text, axis: .vertical).lineLimit(3...8)
                } else {
                    TextField(label, text: $text)
                }
            }
            .textFieldStyle(.roundedBorder)
            .keyboardType(keyboard)
            .focused($focused)
            .accessibilityHint(error ?? "")
            if let error {
                Text(error).font(.footnote).foregroundStyle(.red)
            }
        }
        .onAppear { text = value }
        .onChange(of: text) { new in
            if new != value { send(new) }
        }
        .onChange(of: value) { new in
            if !focused && new != text { text = new }
        }
    }
}

@MainActor
struct SectionTitle: View {
    let text: String
    var body: some View {
        Text(text).font(.headline).padding(.top, 12).accessibilityAddTraits(.isHeader)
    }
}

/// A message VoiceOver reads out when it appears (a refused save, a failed sync).
@MainActor
struct Banner: View {
    let text: String?
    var body: some View {
        if let text {
            Text(text)
                .padding(12)
                .frame(maxWidth: .infinity, alignment: .leading)
                .background(Color.red.opacity(0.12), in: RoundedRectangle(cornerRadius: 8))
                .onAppear { UIAccessibility.post(notification: .announcement, argument: text) }
        }
    }
}

/// Choices as wrapping buttons; the chosen one is marked for VoiceOver and by colour.
@MainActor
struct Choices<T: Hashable>: View {
    let options: [(T, String)]
    let chosen: T?
    let onChoose: (T) -> Void

    var body: some View {
        LazyVGrid(columns: [GridItem(.adaptive(minimum: 96), spacing: 6)], alignment: .leading, spacing: 6) {
            ForEach(options, id: \.0) { value, label in
                let selected = value == chosen
                Button(label) { onChoose(value) }
                    .buttonStyle(.bordered)
                    .tint(selected ? .accentColor : .secondary)
                    .accessibilityAddTraits(selected ? .isSelected : [])
            }
        }
    }
}

/// Loading text while a screen has not answered its first event yet.
@MainActor
struct Loading: View {
    var body: some View {
        ProgressView(L("loading")).frame(maxWidth: .infinity, maxHeight: .infinity)
    }
}

/// A screen's view once the core has given one; until then, loading, or the app's own words
/// when the screen could not be opened at all (its view would have carried the core's).
@MainActor
struct Drawn<V, Content: View>: View {
    let view: V?
    let failed: Bool
    let content: (V) -> Content

    init(_ view: V?, failed: Bool, @ViewBuilder content: @escaping (V) -> Content) {
        self.view = view
        self.failed = failed
        self.content = content
    }

    var body: some View {
        if let view {
            VStack(spacing: 0) {
                if failed { Banner(text: L("screen_failed")) }
                content(view)
            }
        } else if failed {
            Text(L("screen_failed")).padding()
        } else {
            Loading()
        }
    }
}
