package org.gridkeeper.robolectric

import org.junit.runner.Description
import org.junit.runner.JUnitCore
import org.junit.runner.notification.Failure
import org.junit.runner.notification.RunListener
import kotlin.system.exitProcess

/** Runs the JUnit 4 classes named on the command line; prints `N passed, N failed` last. */
fun main(args: Array<String>) {
    val core = JUnitCore()
    core.addListener(object : RunListener() {
        override fun testFinished(description: Description) {
            println("ran ${description.testClass.simpleName}.${description.methodName}")
        }

        override fun testFailure(failure: Failure) {
            println("FAIL ${failure.description.displayName}: ${failure.message}")
            println(failure.trace.lineSequence().take(20).joinToString("\n"))
        }
    })
    val result = core.run(*args.map { Class.forName(it) }.toTypedArray())
    val failed = result.failureCount
    println("${result.runCount - failed} passed, $failed failed")
    exitProcess(if (failed == 0 && result.runCount > 0) 0 else 1)
}
