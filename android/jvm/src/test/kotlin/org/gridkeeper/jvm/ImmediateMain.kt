package org.gridkeeper.jvm

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.test.UnconfinedTestDispatcher
import kotlinx.coroutines.test.resetMain
import kotlinx.coroutines.test.setMain
import org.junit.rules.TestRule
import org.junit.runner.Description
import org.junit.runners.model.Statement

/**
 * Dispatchers.Main for the screens under test: the thread that calls, at once. On the phone,
 * a tap's ViewModel coroutine starts on the main thread and runs to its first suspension
 * (Main.immediate); here the test is the one tapping, so it must not be parked on a UI thread
 * the test itself holds — Swing's event thread, the desktop's Main, is never free while a test
 * waits on it, and a tap's event would never reach the core. androidx.lifecycle's main-thread
 * check (NavController moves its entries' lifecycles) asks Main which thread it runs on, and
 * gets the calling one.
 */
@OptIn(ExperimentalCoroutinesApi::class)
class ImmediateMain : TestRule {
    override fun apply(base: Statement, description: Description) = object : Statement() {
        override fun evaluate() {
            Dispatchers.setMain(UnconfinedTestDispatcher())
            try {
                base.evaluate()
            } finally {
                Dispatchers.resetMain()
            }
        }
    }
}
