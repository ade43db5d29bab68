import Combine
import Foundation
import Gridkeeper

/// The platform's answer to an effect (a photo's file, a location, a signature), handed back to
/// the screen that asked; each screen turns it into its own event (`ScreenModel.answer`).
public enum EffectAnswer: Equatable {
    case photoTaken(forField: String, path: String)
    case located(lat: Double, lon: Double, accuracyM: Double?)
    case locationUnavailable
    case signed(party: String, path: String)
}

/// A screen model as the effect performer sees it: something to answer.
@MainActor
public protocol EffectSource: AnyObject {
    /// Sends the screen's event for `answer` and waits until it is handled, so the performer
    /// may delete the file it wrote afterwards. An answer the screen has no event for is dropped.
    func answer(_ answer: EffectAnswer) async
}

/// The app: navigation, camera, location, signature pad, background sync and enrolment. Every
/// rule about what to do is the core's; this only does it.
@MainActor
public protocol EffectPerformer: AnyObject {
    /// `source` is the model whose event asked for `effect`. StartSync and Enrol run on its
    /// screen object (`ScreenModel.runSync`, `ScreenModel.runEnrol`).
    func perform(_ effect: Effect, for source: EffectSource)
}

/// How a model reaches its screen object. The generated classes share no protocol (each has
/// its own event, view and update types), so each screen's binding passes its own methods.
public struct ScreenCalls<Event, View> {
    let object: AnyObject
    let send: (Event) throws -> (View, [Effect])
    let watch: ((@escaping (View) -> Void) -> Gridkeeper.Subscription)?

    public init(_ object: AnyObject, send: @escaping (Event) throws -> (View, [Effect]),
                watch: ((@escaping (View) -> Void) -> Gridkeeper.Subscription)? = nil) {
        self.object = object
        self.send = send
        self.watch = watch
    }
}

/// One per screen on the phone: the core's screen object behind an `ObservableObject`.
///
/// Events are handled one at a time, in order, off the main thread (the store's calls block),
/// so a double tap on 保存 cannot write twice and a slow save is never overtaken by the next
/// keystroke. Each handled event publishes the core's view as it is and hands its effects to
/// the performer. A screen that shows records others change is watched for as long as the
/// model lives.
@MainActor
public final class ScreenModel<Event, View>: ObservableObject, EffectSource {
    /// Nil until the first event has been handled.
    @Published public internal(set) var view: View?
    /// A call the core could not answer with a view (the store closed under it): the page
    /// says so in the app's chrome, since there is no view to carry the words.
    @Published public private(set) var failure: Error?
    public weak var performer: EffectPerformer?

    let calls: ScreenCalls<Event, View>?
    private let toEvent: (EffectAnswer) -> Event?
    private var subscription: Gridkeeper.Subscription?
    private var tail: Task<Void, Never>?

    /// `open` makes the screen object; a constructor that throws (an id that is not one)
    /// leaves the model failed rather than the page unbuildable.
    public init(performer: EffectPerformer?, initial: View? = nil,
                answers toEvent: @escaping (EffectAnswer) -> Event? = { _ in nil },
                open: () throws -> ScreenCalls<Event, View>) {
        _view = Published(wrappedValue: initial)
        self.performer = performer
        self.toEvent = toEvent
        do {
            let calls = try open()
            self.calls = calls
            // The observer is called on the thread that wrote. It holds the model weakly, and
            // the model holds the subscription: releasing the model (its page gone) releases
            // the subscription, which ends the watch.
            subscription = calls.watch?({ [weak self] view in
                Task { @MainActor in self?.view = view }
            })
        } catch {
            calls = nil
            failure = error
        }
    }

    /// Queues `event` behind those sent before it; the returned task ends once it is handled
    /// (tests and `answer` wait on it, pages need not).
    @discardableResult
    public func send(_ event: Event) -> Task<Void, Never> {
        let previous = tail
        let task = Task { @MainActor in
            await previous?.value
            guard let calls = self.calls else { return }
            let send = calls.send
            let result = await Task.detached(priority: .userInitiated) {
                Result { try send(event) }
            }.value
            self.apply(result)
        }
        tail = task
        return task
    }

    public func answer(_ answer: EffectAnswer) async {
        guard let event = toEvent(answer) else { return }
        await send(event).value
    }

    /// Runs the screen object's own background work (a sync, an enrolment) off the main
    /// thread, outside the event queue: a Cancel sent meanwhile must not wait behind it.
    @discardableResult
    func background(_ work: @escaping () throws -> (View, [Effect])) -> Task<Void, Never> {
        Task { @MainActor in
            let result = await Task.detached(priority: .utility) { Result { try work() } }.value
            self.apply(result)
        }
    }

    private func apply(_ result: Result<(View, [Effect]), Error>) {
        switch result {
        case let .success((view, effects)):
            self.view = view
            failure = nil
            for effect in effects { performer?.perform(effect, for: self) }
        case let .failure(error):
            failure = error
        }
    }
}

/// Hands a watched screen's new views to the model. One class for every screen: each
/// screen's observer protocol is met by the conditional conformances in Screens.swift.
public final class ViewRelay<View>: @unchecked Sendable {
    let deliver: (View) -> Void
    init(_ deliver: @escaping (View) -> Void) { self.deliver = deliver }
}
