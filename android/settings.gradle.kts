// Gridkeeper for Android. Open this directory in Android Studio, or `./gradlew :app:assembleDebug`
// (with the NDK, cargo-ndk and the Rust Android targets installed; see README.md).
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}

rootProject.name = "Gridkeeper"
include(":bindings", ":shared", ":app")
