// The app core's screens as StateFlows (ScreenModel, Screens): plain Kotlin, no Android imports,
// so the same code is tested on the JVM against the real Rust library (scripts/test-android does it without
// Gradle in CI). It compiles against the bindings' API only; the app supplies their Android
// flavour at run time, the tests the JVM flavour.
plugins {
    alias(libs.plugins.kotlin.jvm)
}

kotlin {
    jvmToolchain(17)
}

dependencies {
    compileOnly(project(":bindings"))
    implementation(libs.kotlinx.coroutines.core)
    testImplementation(project(":bindings"))
    testImplementation(libs.junit)
}

// The tests reuse the bindings' test helpers (relay, keys, stores) and need a relay process:
// run them through `scripts/test` (or scripts/test-bindings), which starts one and sets
// GK_RELAY_URL, GK_SERVER_BIN and GK_RELAY_DATA. From Gradle, set those and the library path.
kotlin.sourceSets["test"].kotlin.srcDir(File(rootDir.parentFile, "bindings/tests/kotlin"))
tasks.test {
    systemProperty("jna.library.path", File(rootDir.parentFile, "target/release").path)
    listOf("GK_RELAY_URL", "GK_SERVER_BIN", "GK_RELAY_DATA").forEach { name ->
        System.getenv(name)?.let { environment(name, it) }
    }
    filter { includeTestsMatching("org.gridkeeper.app.shared.test.*") }
}
