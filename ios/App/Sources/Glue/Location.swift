// Android twin: android/app/src/main/java/org/gridkeeper/app/glue/Location.kt
import CoreLocation

/// Where the phone is, for `GetLocation`; nil when it cannot be had.
@MainActor
protocol LocationFinding {
    func current() async -> CLLocation?
}

/// One location fix, asked for when the worker taps 记录位置: permission "when in use" is
/// requested on the first tap, and nothing runs in the background.
@MainActor
final class Locator: NSObject, CLLocationManagerDelegate, LocationFinding {
    private let manager = CLLocationManager()
    private var waiting: CheckedContinuation<CLLocation?, Never>?

    override init() {
        super.init()
        manager.delegate = self
        manager.desiredAccuracy = kCLLocationAccuracyNearestTenMeters
    }

    /// The current location, or nil when refused, unavailable, or another fix is under way.
    func current() async -> CLLocation? {
        guard waiting == nil else { return nil }
        return await withCheckedContinuation { continuation in
            waiting = continuation
            switch manager.authorizationStatus {
            case .notDetermined:
                // The answer arrives in locationManagerDidChangeAuthorization.
                manager.requestWhenInUseAuthorization()
            case .authorizedWhenInUse, .authorizedAlways:
                manager.requestLocation()
            default:
                finish(nil)
            }
        }
    }

    private func finish(_ location: CLLocation?) {
        let continuation = waiting
        waiting = nil
        continuation?.resume(returning: location)
    }

    nonisolated func locationManagerDidChangeAuthorization(_ manager: CLLocationManager) {
        Task { @MainActor in
            guard self.waiting != nil else { return }
            switch self.manager.authorizationStatus {
            case .authorizedWhenInUse, .authorizedAlways: self.manager.requestLocation()
            case .notDetermined: break
            default: self.finish(nil)
            }
        }
    }

    nonisolated func locationManager(_ manager: CLLocationManager, didUpdateLocations locations: [CLLocation]) {
        let last = locations.last
        Task { @MainActor in self.finish(last) }
    }

    nonisolated func locationManager(_ manager: CLLocationManager, didFailWithError error: Error) {
        Task { @MainActor in self.finish(nil) }
    }
}
