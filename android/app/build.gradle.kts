// The phone app: Compose screens and Android glue over :shared. Before every build the Rust
// library is cross-compiled with cargo-ndk into jniLibs and the Kotlin bindings are generated
// in their Android flavour (uniffi `android = true`), so one Gradle build does everything.
// Needs: the NDK (ANDROID_NDK_HOME or the SDK's ndk/), `cargo install cargo-ndk`, and
// `rustup target add aarch64-linux-android armv7-linux-androideabi x86_64-linux-android`.
plugins {
    alias(libs.plugins.android.application)
    alias(libs.plugins.kotlin.android)
    alias(libs.plugins.kotlin.compose)
}

val repoRoot: File = rootDir.parentFile
val jniLibsDir = layout.buildDirectory.dir("generated/jniLibs")
val uniffiDir = layout.buildDirectory.dir("generated/uniffi")


val cargoNdk by tasks.registering(Exec::class) {
    description = "Cross-compiles gridkeeper-ffi for arm64-v8a, armeabi-v7a and x86_64 into jniLibs."
    workingDir = repoRoot
    inputs.dir(File(repoRoot, "bindings/src"))
    inputs.dir(File(repoRoot, "core/src"))
    inputs.file(File(repoRoot, "Cargo.lock"))
    outputs.dir(jniLibsDir)
    commandLine(
        "cargo", "ndk",
        "-t", "arm64-v8a", "-t", "armeabi-v7a", "-t", "x86_64",
        "--platform", "24",
        "-o", jniLibsDir.get().asFile.path,
        // The workspace's `mobile` profile: size-optimised, fat LTO, stripped (Cargo.toml).
        "build", "--profile", "mobile", "--locked", "-p", "gridkeeper-ffi", "--lib",
    )
}

val uniffiAndroid by tasks.registering(Exec::class) {
    description = "Generates the Android flavour of the Kotlin bindings from the host library."
    workingDir = repoRoot
    inputs.dir(File(repoRoot, "bindings/src"))
    inputs.file(File(rootDir, "uniffi-android.toml"))
    outputs.dir(uniffiDir)
    val cargoTarget = System.getenv("CARGO_TARGET_DIR") ?: File(repoRoot, "target").path
    val hostLib = File(cargoTarget, "release/" + System.mapLibraryName("gridkeeper_ffi"))
    commandLine(
        "bash", "-c",
        "cargo build --release --locked -p gridkeeper-ffi --lib --bin uniffi-bindgen && " +
            "'$cargoTarget/release/uniffi-bindgen' generate --library '${hostLib.path}' --language kotlin " +
            "--config '${File(rootDir, "uniffi-android.toml").path}' --out-dir '${uniffiDir.get().asFile.path}'",
    )
}

android {
    namespace = "org.gridkeeper.app"
    compileSdk = 35

    defaultConfig {
        applicationId = "org.gridkeeper.app"
        minSdk = 24
        targetSdk = 35
        versionCode = 1
        versionName = "0.1.0"
        ndk { abiFilters += listOf("arm64-v8a", "armeabi-v7a", "x86_64") }
        // Chinese is the default (res/values), English the second language (res/values-en).
        resourceConfigurations += listOf("zh", "en")
    }

    buildTypes {
        release {
            isMinifyEnabled = true
            proguardFiles(getDefaultProguardFile("proguard-android-optimize.txt"), "proguard-rules.pro")
        }
    }

    compileOptions {
        // minSdk 24: java.time and java.nio.file arrived in API 26. Desugaring (the nio flavour,
        // which carries java.nio.file too) gives Android 7 phones both, so a date format or a
        // file write anywhere in the app or a library cannot crash them. Checked on the JVM by
        // android/jvm DesugaringTest.
        isCoreLibraryDesugaringEnabled = true
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
    kotlinOptions { jvmTarget = "17" }

    buildFeatures { compose = true }

    sourceSets["main"].apply {
        jniLibs.srcDir(jniLibsDir)
        java.srcDir(uniffiDir)
    }

}

tasks.named("preBuild") { dependsOn(cargoNdk, uniffiAndroid) }

dependencies {
    coreLibraryDesugaring(libs.desugar.jdk.libs.nio)
    implementation(project(":shared"))
    // JNA's Android build carries its own libjnidispatch.so per ABI.
    implementation("net.java.dev.jna:jna:${libs.versions.jna.get()}@aar")
    implementation(libs.kotlinx.coroutines.android)
    implementation(libs.compose.ui)
    implementation(libs.compose.ui.graphics)
    implementation(libs.compose.ui.tooling.preview)
    implementation(libs.compose.material3)
    implementation(libs.compose.material.icons)
    implementation(libs.activity.compose)
    implementation(libs.lifecycle.viewmodel.compose)
    implementation(libs.lifecycle.runtime.compose)
    implementation(libs.navigation.compose)
    implementation(libs.work.runtime.ktx)
    implementation(libs.core.ktx)
    debugImplementation(libs.compose.ui.tooling)
}
