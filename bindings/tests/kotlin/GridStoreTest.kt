// The bindings from Kotlin on the JVM, against the real library and a real relay process
// (its URL and data directory come from GK_RELAY_URL / GK_SERVER_BIN / GK_RELAY_DATA).

package org.gridkeeper.test

import org.gridkeeper.*
import org.junit.Assert.*
import org.junit.Test
import java.io.ByteArrayOutputStream
import java.io.File
import java.nio.file.Files
import java.security.SecureRandom
import java.util.UUID
import java.util.concurrent.atomic.AtomicInteger
import javax.imageio.ImageIO
import java.awt.image.BufferedImage

object Relay {
    val url: String = System.getenv("GK_RELAY_URL") ?: error("GK_RELAY_URL not set")
    private val bin = System.getenv("GK_SERVER_BIN") ?: error("GK_SERVER_BIN not set")
    private val data = System.getenv("GK_RELAY_DATA") ?: error("GK_RELAY_DATA not set")

    fun admin(vararg args: String): String {
        val p = ProcessBuilder(listOf(bin, "--data", data, "admin") + args).redirectErrorStream(false).start()
        val out = p.inputStream.bufferedReader().readText().trim()
        p.waitFor()
        return out
    }

    /** A worker in grid g1 and a one-time code for one of their phones. */
    fun code(worker: String): String {
        admin("user", "add", worker, "--role", "worker", "--scope", "g1")
        return admin("enroll-code", worker).lines().last().trim()
    }
}

fun key(): ByteArray = ByteArray(32).also { SecureRandom().nextBytes(it) }

fun tempDir(name: String): File = Files.createTempDirectory("gk-kt-$name").toFile()

fun openStore(dir: File, key: ByteArray): GridStore =
    GridStore.open(File(dir, "store.db").path, key, File(dir, "cache").path)

/** A valid 18-character ID number (GB 11643 check digit). */
fun idNumber(region: String, birth: String, seq: Int): String {
    val first17 = region + birth + "%03d".format(seq)
    val weights = intArrayOf(7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    val sum = first17.mapIndexed { i, c -> (c - '0') * weights[i] }.sum()
    return first17 + "10X98765432"[sum % 11]
}

fun png(): ByteArray = ByteArrayOutputStream().also {
    ImageIO.write(BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB), "png", it)
}.toByteArray()

class CountingProgress : SyncProgress {
    val calls = AtomicInteger()
    var last: SyncProgressInfo? = null
    override fun onProgress(progress: SyncProgressInfo) {
        calls.incrementAndGet()
        last = progress
    }
}

fun pass(photos: List<String> = emptyList()) = Answer(AnswerValue.Text("pass"), photos)

class GridStoreTest {
    @Test
    fun aWorkersDayReachesASecondDevice() {
        val k = key()
        openStore(tempDir("a"), k).use { a ->
            val enrolment = a.enroll(Relay.url, Relay.code("王芳"))
            assertEquals(listOf("g1"), enrolment.grids)

            val elder = Member(name = "李奶奶", idNumber = idNumber("110105", "19400301", 12),
                phone = "13812345678", relation = Relation.HEAD, registration = Registration.LOCAL,
                tags = listOf(MemberTag.SOLITARY_ELDERLY))
            val son = Member(name = "李明", phone = "13900001111", relation = Relation.CHILD,
                registration = Registration.MIGRANT)
            val hid = a.createHousehold("g1", Household(
                address = Address(compound = "幸福里", building = "3", unit = "2", room = "501"),
                housingType = HousingType.OWNER_OCCUPIED, members = listOf(elder, son)))
            val household = a.getHousehold(hid)
            val elderId = household.data.members[0].id
            assertEquals("1940-03-01", household.data.members[0].birthDate)
            assertEquals(Gender.FEMALE, household.data.members[0].gender)
            assertEquals(1, a.agenda("g1").visits.size)

            a.createVisit("g1", Visit(subject = Subject(SubjectKind.HOUSEHOLD, hid),
                purpose = VisitPurpose.SPECIAL_GROUP_CARE, membersSeen = listOf(elderId),
                findings = "老人身体尚好，叮嘱注意用电安全"))
            assertEquals(0, a.agenda("g1").visits.size)

            assertTrue(a.installBuiltinTemplates() >= 1u)
            val fire = a.templates().first { it.id == "fire_safety" }
            val pid = a.createPlace("g1", Place(name = "好邻居便利店", placeType = PlaceType.SHOP,
                address = Address(text = "幸福路12号"), contact = "13912345678"))
            val photo = a.addPhoto(png(), "image/png")
            val answers = fire.sections.flatMap { it.items }
                .filter { it.required && it.relevant == null }
                .associate { item ->
                    item.id to when {
                        item.itemType == ItemType.PHOTO -> Answer(AnswerValue.Items(listOf(photo.hash)), emptyList())
                        item.id == "ebike_indoor" -> Answer(AnswerValue.Text("fail"), emptyList())
                        item.itemType == ItemType.NUMBER -> Answer(AnswerValue.Number(3.0), emptyList())
                        item.photoRequired -> pass(listOf(photo.hash))
                        else -> pass()
                    }
                } + mapOf("ext_count" to Answer(AnswerValue.Number(3.0), emptyList()),
                    "ext_in_date" to pass(), "ext_accessible" to pass())
            val iid = a.createInspection("g1", Inspection(templateId = "fire_safety",
                templateVersion = 1u, subject = Subject(SubjectKind.PLACE, pid), answers = answers,
                status = InspectionStatus.DRAFT))
            val draft = a.getInspection(iid)
            assertEquals(listOf("ebike_indoor"), draft.failedItems)
            assertEquals(listOf("ebike_indoor"), draft.problems.map { it.item })

            val caseId = a.raiseCaseForItem(iid, "ebike_indoor", "楼道内电动车充电")
            val raised = a.getInspection(iid)
            assertEquals(caseId, raised.data.actions["ebike_indoor"]?.caseId)
            assertTrue(a.updateInspection(raised, raised.data.copy(status = InspectionStatus.COMPLETED)))
            assertEquals(InspectionStatus.COMPLETED, a.getInspection(iid).data.status)
            val case = a.getCase(caseId)
            assertEquals(CaseState.REPORTED, case.state)
            assertEquals(Severity.CRITICAL, case.data.severity)
            assertEquals(CaseState.ACCEPTED, a.caseTransition(caseId, CaseTransition(action = CaseAction.ACCEPT)))

            val progress = CountingProgress()
            val summary = a.sync(progress, CancelToken())
            assertTrue("pushed ${summary.pushed}", summary.pushed >= 6u)
            assertEquals(1uL, summary.attachmentsUploaded)
            assertTrue(progress.calls.get() >= 1)
            assertEquals(0uL, a.syncStatus().pendingChanges)

            openStore(tempDir("b"), key()).use { b ->
                b.enroll(Relay.url, Relay.code("李强"))
                val changed = mutableListOf<String>()
                b.subscribe(object : RecordsChanged {
                    override fun onRecordsChanged(recordIds: List<String>) { changed += recordIds }
                }).use {
                    val got = b.sync(CountingProgress(), CancelToken())
                    assertTrue(got.changedRecords.containsAll(listOf(hid, pid, iid, caseId)))
                    assertTrue(changed.containsAll(listOf(hid, caseId)))
                }
                assertEquals(listOf(hid), b.search("lnn", null, null, 10u).map { it.id })
                assertEquals("李奶奶", b.listHouseholds("g1", null).single().headName)
                assertEquals(CaseState.ACCEPTED, b.getCase(caseId).state)
                assertEquals(InspectionStatus.COMPLETED, b.getInspection(iid).data.status)
                assertEquals(listOf(photo.hash), b.missingAttachments(iid))
                assertNull(b.attachmentPath(photo.hash))
                assertEquals(1uL, b.fetchAttachments(iid))
                val path = b.attachmentPath(photo.hash)!!
                assertArrayEquals(png(), File(path).readBytes())
            }
        }
    }

    @Test
    fun anInvalidIdNumberArrivesAsATypedExceptionNamingTheField() {
        openStore(tempDir("invalid"), key()).use { s ->
            val e = assertThrows(GridkeeperException.Invalid::class.java) {
                s.createHousehold("g1", Household(address = Address(building = "1", room = "101"),
                    housingType = HousingType.RENTED,
                    members = listOf(
                        Member(name = "张三", relation = Relation.HEAD, registration = Registration.LOCAL),
                        Member(name = "张四", idNumber = "110105194003011234",
                            relation = Relation.CHILD, registration = Registration.LOCAL))))
            }
            assertEquals("members[1].id_number", e.field)
            assertTrue(e.reason.isNotEmpty())
            assertTrue(s.listHouseholds(null, null).isEmpty())
            assertThrows(GridkeeperException.NotFound::class.java) { s.getHousehold(UUID.randomUUID().toString()) }
        }
    }

    @Test
    fun aSyncProgressCallbackFiresAndCancellationIsTyped() {
        openStore(tempDir("progress"), key()).use { s ->
            s.enroll(Relay.url, Relay.code("周洁"))
            for (i in 1..3) {
                s.createHousehold("g1", Household(address = Address(building = "$i", room = "101"),
                    housingType = HousingType.RENTED, members = emptyList()))
            }
            val progress = CountingProgress()
            s.sync(progress, CancelToken())
            assertTrue(progress.calls.get() >= 1)
            assertEquals(0uL, progress.last!!.changesPending)
            val cancelled = CancelToken().also { it.cancel() }
            assertThrows(GridkeeperException.Cancelled::class.java) { s.sync(CountingProgress(), cancelled) }
        }
    }

    @Test
    fun aWrongKeyIsTypedAndLeavesTheStoreReadable() {
        val dir = tempDir("key")
        val k = key()
        val hid = openStore(dir, k).use { it.createHousehold("g1", Household(
            address = Address(text = "幸福村5组"), housingType = HousingType.OTHER, members = emptyList())) }
        assertThrows(GridkeeperException.WrongKey::class.java) { openStore(dir, key()) }
        openStore(dir, k).use { assertEquals(hid, it.getHousehold(hid).id) }
    }

    @Test
    fun closingObjectsReleasesThem() {
        val before = openStoreCount()
        val store = openStore(tempDir("close"), key())
        assertEquals(before + 1uL, openStoreCount())
        val heard = AtomicInteger()
        val sub = store.subscribe(object : RecordsChanged {
            override fun onRecordsChanged(recordIds: List<String>) { heard.addAndGet(recordIds.size) }
        })
        assertEquals(1uL, store.subscriptionCount())
        store.createHousehold("g1", Household(address = Address(text = "一号"), housingType = HousingType.OTHER, members = emptyList()))
        assertEquals(1, heard.get())
        sub.close()
        assertEquals(0uL, store.subscriptionCount())
        store.createHousehold("g1", Household(address = Address(text = "二号"), housingType = HousingType.OTHER, members = emptyList()))
        assertEquals(1, heard.get())
        store.close()
        assertEquals(before, openStoreCount())
    }
}
