package org.gridkeeper.jvm

import org.junit.rules.TestRule
import org.junit.runner.Description
import org.junit.runners.model.Statement
import java.awt.EventQueue
import java.lang.reflect.InvocationTargetException

/**
 * Runs each test, the Compose rule's set-up and tear-down included, on AWT's event thread: the
 * "main thread" of Compose on the desktop (Dispatchers.Main with kotlinx-coroutines-swing).
 * The desktop UI test API delivers clicks on the thread that calls performClick, and
 * androidx.lifecycle checks that a LifecycleRegistry is moved only on the main thread, so a
 * click that navigates (NavController moves its back stack entries' lifecycles) fails with
 * "Method setCurrentState must be called on the main thread" when the test runs on JUnit's.
 * Use as the outer rule: `@get:Rule(order = 0) val main = OnMainThread()`.
 */
class OnMainThread : TestRule {
    override fun apply(base: Statement, description: Description) = object : Statement() {
        override fun evaluate() {
            if (EventQueue.isDispatchThread()) return base.evaluate()
            try {
                EventQueue.invokeAndWait { base.evaluate() }
            } catch (e: InvocationTargetException) {
                throw e.cause ?: e
            }
        }
    }
}
