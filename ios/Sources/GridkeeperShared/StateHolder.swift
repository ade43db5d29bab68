// Kotlin twin: android/shared/src/main/kotlin/org/gridkeeper/app/shared/StateHolder.kt
import Combine
import Foundation

/// One per screen: state as an immutable value, events in, one-shot effects out (navigate, a
/// toast). Events are handled one at a time, in order, so a double tap on 保存 cannot write
/// twice and a slow save cannot be overtaken by the next keystroke's draft.
///
/// The store's calls block, so they run through `io` on a background queue; a view calls
/// `post(_:)` and a test awaits `send(_:)`.
@MainActor
open class StateHolder<S, E, F>: ObservableObject {
    @Published public private(set) var state: S
    /// Bumped when an effect is queued; a view watches it and drains `pollEffect()`.
    @Published public private(set) var effectSerial: Int = 0
    private var effectQueue: [F] = []
    /// The last queued event; each new one waits for it, which is the Kotlin holder's Mutex.
    private var tail: Task<Void, Never>?

    public init(_ initial: S) {
        state = initial
    }

    /// Queues an event behind those sent before it. The task holds the holder until the
    /// event is handled, so a save under way finishes even if the screen has gone.
    @discardableResult
    public func post(_ event: E) -> Task<Void, Never> {
        let previous = tail
        let task = Task { @MainActor in
            await previous?.value
            await self.handle(event)
        }
        tail = task
        return task
    }

    /// Queues an event and waits until it has been handled.
    public func send(_ event: E) async {
        await post(event).value
    }

    open func handle(_ event: E) async {
        fatalError("a state holder handles its events")
    }

    /// Kotlin's `update { it.copy(x = …) }` is `update { $0.x = … }` here; the state is a
    /// value, so the screen sees one change per call.
    public func update(_ change: (inout S) -> Void) {
        var next = state
        change(&next)
        state = next
    }

    public func emit(_ effect: F) {
        effectQueue.append(effect)
        effectSerial &+= 1
    }

    /// The next effect not yet taken, if any (for a view's one-shot read and tests).
    public func pollEffect() -> F? {
        effectQueue.isEmpty ? nil : effectQueue.removeFirst()
    }

    /// Runs a blocking store call off the main thread and resumes here with its result.
    @discardableResult
    public func io<T>(_ block: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(with: Result { try block() })
            }
        }
    }
}
