package org.gridkeeper.jvm

import org.gridkeeper.app.AppServices
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test
import java.io.File

/**
 * The app runs on Android 7 (minSdk 24); java.time and java.nio.file exist only from API 26,
 * so every class the app ships that uses them would crash an Android 7 phone unless the build
 * desugars. The classes here are the app's own, compiled as they ship (ui/, :shared, the
 * bindings); the build file is the one Android Studio builds.
 */
class DesugaringTest {
    private val root = generateSequence(File("").absoluteFile) { it.parentFile }.first { File(it, "android/app/build.gradle.kts").exists() }
    private val gradle = File(root, "android/app/build.gradle.kts").readText()
    private val catalog = File(root, "android/gradle/libs.versions.toml").readText()

    /** Classes of the shipped app (not the tests) that name java.time or java.nio.file. */
    private fun usersOfNewerApis(): List<String> {
        val classes = File(AppServices::class.java.protectionDomain.codeSource.location.toURI())
        val tests = File(classes, "org/gridkeeper/jvm")
        return classes.walk()
            .filter { it.isFile && it.name.endsWith(".class") && !it.startsWith(tests) }
            .filter { f -> String(f.readBytes(), Charsets.ISO_8859_1).let { "java/time/" in it || "java/nio/file/" in it } }
            .map { it.relativeTo(classes).path }
            .toList()
    }

    @Test
    fun theBuildDesugarsForMinSdk24() {
        val minSdk = Regex("""minSdk\s*=\s*(\d+)""").find(gradle)?.groupValues?.get(1)?.toInt()
        assertEquals("minSdk the app is built for", 24, minSdk)
        assertTrue("core-library desugaring enabled", Regex("""isCoreLibraryDesugaringEnabled\s*=\s*true""").containsMatchIn(gradle))
        assertTrue("the nio flavour (java.nio.file as well as java.time)", "coreLibraryDesugaring(libs.desugar.jdk.libs.nio)" in gradle)
        assertTrue("desugar_jdk_libs_nio in the version catalog", "com.android.tools:desugar_jdk_libs_nio" in catalog)
    }

    @Test
    fun theAppsClassesThatNeedItAreListed() {
        // Says which classes would crash an Android 7 phone without the build setting above.
        val users = usersOfNewerApis()
        println("classes naming java.time or java.nio.file: ${users.ifEmpty { listOf("none") }}")
        if (users.isNotEmpty()) theBuildDesugarsForMinSdk24()
    }
}
