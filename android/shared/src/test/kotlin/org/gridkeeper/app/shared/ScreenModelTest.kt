package org.gridkeeper.app.shared.test

import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.runBlocking
import org.gridkeeper.*
import org.gridkeeper.app.shared.*
import org.gridkeeper.screens.*
import org.gridkeeper.test.Relay
import org.gridkeeper.test.idNumber
import org.gridkeeper.test.png
import org.junit.Assert.*
import org.junit.Test
import java.io.File

/**
 * The adapters over the real library and store: what the screens decide is tested in Rust
 * (app/tests); here, that events reach the core in order, views and effects come back, and a
 * watched list hears of another screen's save.
 */
class ScreenModelTest {
    @Test
    fun aHouseholdSavedByTheFormReachesTheWatchedList() = phone("households") { p ->
        p.store.createHousehold(GRID, household("张三", "10", "1", "101"))
        p.screens.households(GRID).use { list ->
            assertEquals(listOf("张三"), list.run(HouseholdsEvent.Load).rows.map { it.title })
            p.screens.householdEdit(GRID, null).use { form ->
                assertEquals(1, form.run(HouseholdEditEvent.Load).members.size)
                val good = idNumber("110101", "19900307", 123)
                val wrong = good.dropLast(1) + (if (good.last() == '0') "1" else "0")
                val refused = form.run(
                    HouseholdEditEvent.Text("address.building", "7"),
                    HouseholdEditEvent.Text("address.room", "302"),
                    HouseholdEditEvent.Text("members[0].name", "王五"),
                    HouseholdEditEvent.Text("members[0].id_number", wrong),
                    HouseholdEditEvent.Save,
                )
                // The message is the core's, under the field it is about; nothing was written.
                assertEquals(listOf("members[0].id_number"), refused.errors.map { it.field })
                assertTrue(refused.errors[0].message.isNotBlank())
                assertTrue(form.drainEffects().none { it is Effect.Close })
                assertEquals(1, list.view.value.rows.size)

                val saved = form.run(HouseholdEditEvent.Text("members[0].id_number", good), HouseholdEditEvent.Save)
                assertEquals(emptyList<HouseholdEditFieldError>(), saved.errors)
                val effects = form.drainEffects()
                val opened = effects.filterIsInstance<Effect.OpenHousehold>().single()
                assertTrue(effects.any { it is Effect.Close })
                // The list was not sent anything: its watch drew the new household.
                val rows = awaitView(list, "王五") { v -> v.rows.any { it.title == "王五" } }.rows
                assertEquals(opened.id, rows.first { it.title == "王五" }.id)
            }
        }
    }

    @Test
    fun aDoubleTapOnSaveWritesOneHousehold() = phone("double-tap") { p ->
        p.screens.householdEdit(GRID, null).use { form ->
            form.run(
                HouseholdEditEvent.Load,
                HouseholdEditEvent.Text("address.building", "3"),
                HouseholdEditEvent.Text("address.room", "101"),
                HouseholdEditEvent.Text("members[0].name", "赵六"),
            )
            runBlocking { (1..2).map { async { form.send(HouseholdEditEvent.Save) } }.awaitAll() }
            assertEquals(1, p.store.listHouseholds(GRID, null).size)
            assertEquals(1, form.drainEffects().filterIsInstance<Effect.OpenHousehold>().size)
        }
    }

    @Test
    fun aVisitIsAnsweredThroughItsEffectsAndSubmitted() = phone("visit") { p ->
        val hid = p.store.createHousehold(GRID, household("陈奶奶", "4", "1", "202"))
        p.screens.visitForm(VisitFormSubject.HOUSEHOLD, hid, null).use { form ->
            val loaded = form.run(VisitFormEvent.Load)
            assertEquals("陈奶奶", loaded.members.single().name)
            // What the shell does with the effects, as EffectPerformer does on the phone.
            val taken = File(p.dir, "taken.png").apply { writeBytes(png()) }
            form.run(VisitFormEvent.Purpose("special_group_care"), VisitFormEvent.Findings("身体尚好"), VisitFormEvent.TakePhoto)
            assertEquals(Effect.TakePhoto("photos"), form.drainEffects().single())
            form.run(VisitFormEvent.PhotoTaken(taken.path), VisitFormEvent.Locate)
            assertEquals(Effect.GetLocation, form.drainEffects().single())
            assertTrue(form.view.value.locating)
            val located = form.run(VisitFormEvent.Located(39.9087, 116.3975, 12.0))
            assertEquals(1, located.photos.size)
            assertNotNull(located.location)

            val submitted = form.run(VisitFormEvent.Submit)
            assertNull(submitted.banner)
            val effects = form.drainEffects()
            assertTrue(effects.last() is Effect.Close)
            val visitId = (effects.first() as Effect.RecordsChanged).ids.single()
            val visit = p.store.getVisit(visitId).data
            assertEquals(located.photos, visit.photos)
            assertEquals(39.9087, visit.location!!.lat, 1e-9)
        }
    }

    @Test
    fun enrolmentAndASyncRunOffTheEventOrder() = phone("sync") { p ->
        p.screens.enrol().use { enrol ->
            enrol.model.run(EnrolEvent.Server(Relay.url), EnrolEvent.Code(Relay.code("周敏")), EnrolEvent.Submit)
            val asked = enrol.model.drainEffects().single() as Effect.Enrol
            assertTrue(enrol.model.view.value.busy)
            runBlocking { enrol.run(asked.server, asked.code) }
            assertEquals(listOf("g1"), (enrol.model.drainEffects().single() as Effect.Enrolled).grids)
        }
        p.store.createHousehold(GRID, household("吴伯", "2", "1", "301"))
        p.screens.sync().use { sync ->
            val before = sync.model.run(SyncEvent.Refresh)
            assertTrue(before.enrolled)
            assertTrue(before.pending > 0u)
            sync.model.run(SyncEvent.SyncNow)
            assertEquals(Effect.StartSync, sync.model.drainEffects().single())
            runBlocking { sync.run() }
            val after = sync.model.view.value
            assertNull(after.error)
            assertFalse(after.running)
            assertEquals(0uL, after.pending)
        }
    }
}
