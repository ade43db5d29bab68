// Runs the shared module's JUnit 4 tests and prints `N passed, N failed` on its own line.

package org.gridkeeper.app.shared.test

import org.junit.runner.JUnitCore
import kotlin.system.exitProcess

fun main() {
    val result = JUnitCore.runClasses(
        DraftsTest::class.java,
        EnrolTest::class.java,
        TodayTest::class.java,
        HouseholdsTest::class.java,
        HouseholdDetailTest::class.java,
        HouseholdEditTest::class.java,
        VisitFormTest::class.java,
        InspectionTest::class.java,
        CasesTest::class.java,
        MediationTest::class.java,
        SyncTest::class.java,
        ConflictsTest::class.java,
        FieldPhonesTest::class.java,
        SyncTriggerTest::class.java,
    )
    result.failures.forEach { f ->
        println("FAIL ${f.testHeader}: ${f.message}")
        println(f.trace)
    }
    val failed = result.failureCount
    println("${result.runCount - failed} passed, $failed failed")
    exitProcess(if (failed == 0) 0 else 1)
}
