// swift-tools-version:5.9
// The Swift side of Gridkeeper: the generated bindings over the Rust library (the core and the
// app core's screens, one module), and GridkeeperShared, the thin adapters the SwiftUI app in
// App/ draws through: one generic ObservableObject over a screen object, a few lines per
// screen, and the store opener. Every rule and word of a screen is the Rust app core's.
// `scripts/build-ios-xcframework` must run first: it builds the XCFramework into Frameworks/
// and copies the generated Swift into Sources/Gridkeeper/ (both gitignored).
import PackageDescription

let package = Package(
    name: "GridkeeperKit",
    // macOS only so that `swift test` runs the adapters and bindings on a Mac; the app is iOS.
    platforms: [.iOS(.v16), .macOS(.v13)],
    products: [
        .library(name: "Gridkeeper", targets: ["Gridkeeper"]),
        .library(name: "GridkeeperShared", targets: ["GridkeeperShared"]),
    ],
    targets: [
        // The static library for iOS devices, the arm64 simulator and arm64 macOS, with the
        // uniffi C header and module map (module GridkeeperFFI).
        .binaryTarget(name: "GridkeeperFFI", path: "Frameworks/GridkeeperFFI.xcframework"),
        // Gridkeeper.swift as uniffi-bindgen-swift wrote it; never edited by hand.
        .target(
            name: "Gridkeeper",
            dependencies: ["GridkeeperFFI"],
            path: "Sources/Gridkeeper",
            exclude: ["README.md"],
            linkerSettings: [
                // What the Rust static library calls into: reqwest's proxy lookup
                // (SystemConfiguration, CoreFoundation) and the OS random source / keychain
                // types some crates reference (Security).
                .linkedFramework("SystemConfiguration"),
                .linkedFramework("CoreFoundation"),
                .linkedFramework("Security"),
            ]
        ),
        // No UIKit or SwiftUI here, so it builds and tests on macOS as well as iOS.
        .target(name: "GridkeeperShared", dependencies: ["Gridkeeper"], path: "Sources/GridkeeperShared"),
        .testTarget(
            name: "GridkeeperSharedTests",
            dependencies: ["GridkeeperShared", "Gridkeeper"],
            path: "Tests/GridkeeperSharedTests"
        ),
    ]
)
