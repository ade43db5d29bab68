package org.gridkeeper.jvm

import org.junit.runner.JUnitCore
import org.junit.runner.Result
import org.junit.runner.notification.Failure
import org.junit.runner.notification.RunListener
import kotlin.system.exitProcess

/** Runs the JUnit 4 classes named on the command line; prints `N passed, N failed` last. */
fun main(args: Array<String>) {
    val classes = args.map { Class.forName(it) }
    val core = JUnitCore()
    core.addListener(object : RunListener() {
        override fun testFinished(description: org.junit.runner.Description) {}
        override fun testFailure(failure: Failure) {
            println("FAIL ${failure.description.displayName}: ${failure.message}")
            println(failure.trace.lineSequence().take(15).joinToString("\n"))
        }
    })
    val result: Result = core.run(*classes.toTypedArray())
    val failed = result.failureCount
    val passed = result.runCount - failed
    println("$passed passed, $failed failed")
    exitProcess(if (failed == 0 && result.runCount > 0) 0 else 1)
}
