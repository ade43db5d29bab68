// Runs the shared module's JUnit 4 tests and prints `N passed, N failed` on its own line.

package org.gridkeeper.app.shared.test

import org.junit.runner.JUnitCore
import kotlin.system.exitProcess

fun main() {
    val result = JUnitCore.runClasses(
        ScreenModelTest::class.java,
        StoreOpenerTest::class.java,
    )
    result.failures.forEach { f ->
        println("FAIL ${f.testHeader}: ${f.message}")
        println(f.trace)
    }
    val failed = result.failureCount
    println("${result.runCount - failed} passed, $failed failed")
    exitProcess(if (failed == 0) 0 else 1)
}
