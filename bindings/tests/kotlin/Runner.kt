// Runs the JUnit 4 tests and prints `N passed, N failed` on its own line.

package org.gridkeeper.test

import org.junit.runner.JUnitCore
import org.junit.runner.notification.Failure
import kotlin.system.exitProcess

fun main() {
    val result = JUnitCore.runClasses(GridStoreTest::class.java)
    result.failures.forEach { f: Failure ->
        println("FAIL ${f.testHeader}: ${f.message}")
        println(f.trace)
    }
    val failed = result.failureCount
    println("${result.runCount - failed} passed, $failed failed")
    exitProcess(if (failed == 0) 0 else 1)
}
