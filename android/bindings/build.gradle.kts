// The Kotlin bindings in their plain JVM flavour, generated from the host build of
// gridkeeper-ffi. `:shared` compiles against this module and runs its JVM tests with it;
// the app carries the Android flavour of the same classes instead (see app/build.gradle.kts).
plugins {
    alias(libs.plugins.kotlin.jvm)
}

val repoRoot: File = rootDir.parentFile
val generatedDir = layout.buildDirectory.dir("generated/uniffi")

val generateJvmBindings by tasks.registering(Exec::class) {
    description = "Builds the host library and generates the JVM Kotlin bindings (scripts/bindings)."
    workingDir = repoRoot
    commandLine("bash", "scripts/bindings")
    inputs.dir(File(repoRoot, "bindings/src"))
    inputs.dir(File(repoRoot, "core/src"))
    outputs.dir(generatedDir)
    doLast {
        copy {
            from(File(repoRoot, "bindings/generated/kotlin"))
            into(generatedDir)
        }
    }
}

kotlin {
    jvmToolchain(17)
    sourceSets["main"].kotlin.srcDir(generateJvmBindings.map { generatedDir.get() })
}

dependencies {
    api(libs.jna)
}
