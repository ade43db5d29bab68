//! Generates the Swift sources, C header and modulemap from the built library — the pieces
//! an XCFramework needs (scripts/bindings, scripts/build-ios-xcframework).
fn main() {
    uniffi::uniffi_bindgen_swift()
}
