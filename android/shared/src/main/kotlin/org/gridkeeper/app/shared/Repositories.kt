package org.gridkeeper.app.shared

import org.gridkeeper.*
import java.io.File
import java.time.Instant
import java.time.OffsetDateTime
import java.time.ZoneId
import java.time.format.DateTimeFormatter

/** The 32-byte store key; on Android it is kept wrapped by a key in the AndroidKeyStore. */
fun interface StoreKeyProvider {
    fun storeKey(): ByteArray
}

/**
 * Opens the signed-in worker's store. Each worker who signs in on a phone has a store file of
 * their own in [slotsDir] (named by a random id, never by the person), so a second worker
 * never sees the first one's records. Always through [GridStore.openOrRecover]: a damaged
 * store is moved aside intact, never deleted, and [GridStore.lastRecovery] says what happened.
 */
object StoreOpener {
    fun open(path: String, attachmentCacheDir: String, keys: StoreKeyProvider): GridStore {
        val key = keys.storeKey()
        if (File(path).exists() && isPlaintextStore(path)) encryptPlaintextStore(path, key)
        return GridStore.openOrRecover(path, key, attachmentCacheDir)
    }

    /** The signed-in worker's store; a fresh one when nobody is signed in. [legacy] is the one
     *  store file of app versions before several workers: it becomes the first worker's. */
    fun openActive(slotsDir: String, attachmentCacheDir: String, keys: StoreKeyProvider, legacy: File? = null): GridStore {
        val path = activeStorePath(slotsDir)
        if (legacy != null && legacy.exists() && !File(path).exists()) adopt(legacy, File(path))
        return open(path, attachmentCacheDir, keys)
    }

    /** Moves the old single store (with its WAL, which may hold the last commits) into a slot.
     *  A rename keeps the file itself, so its history and actor stay as they were. */
    private fun adopt(legacy: File, slot: File) {
        for (suffix in listOf("-wal", "-shm", "")) {
            val from = File(legacy.path + suffix)
            if (from.exists() && !from.renameTo(File(slot.path + suffix))) {
                throw GridkeeperException.Storage("cannot move the store into its slot")
            }
        }
    }
}

/**
 * Thin repositories over the bindings: the calls each screen needs, named as the screen
 * thinks of them. All block (run them on an IO dispatcher); every rule is core's.
 */
class Repositories(val store: GridStore, val slotsDir: String? = null) {
    val households = HouseholdRepository(store)
    val visits = VisitRepository(store)
    val inspections = InspectionRepository(store)
    val cases = CaseRepository(store)
    val mediations = MediationRepository(store)
    val sync = SyncRepository(store, slotsDir)
    val conflicts = ConflictRepository(store)
    val attachments = AttachmentRepository(store)

    fun agenda(grid: String?): Agenda = store.agenda(grid)
}

class HouseholdRepository(private val store: GridStore) {
    fun list(grid: String?, query: String?): List<HouseholdSummary> =
        store.listHouseholds(grid, query?.trim()?.takeIf { it.isNotEmpty() })
    fun get(id: String): HouseholdRecord = store.getHousehold(id)
    fun create(grid: String, data: Household): String = store.createHousehold(grid, data)
    fun update(original: HouseholdRecord, edited: Household): Boolean = store.updateHousehold(original, edited)
}

class VisitRepository(private val store: GridStore) {
    /** Visits to one household or place, newest first. */
    fun of(subjectId: String, grid: String?): List<VisitSummary> =
        store.listVisits(grid, null).filter { it.subjectId == subjectId }.sortedByDescending { it.visitedAt }
    fun create(grid: String, visit: Visit): String = store.createVisit(grid, visit)
    fun createRaisingCase(grid: String, visit: Visit, case: Case): VisitAndCase =
        store.createVisitRaisingCase(grid, visit, case)
}

class InspectionRepository(private val store: GridStore) {
    fun places(grid: String?): List<PlaceSummary> = store.listPlaces(grid, null)
    fun place(id: String): PlaceRecord = store.getPlace(id)
    /** The checklists shipped with the app, installed on first use (idempotent). */
    fun templates(): List<ChecklistTemplate> {
        store.installBuiltinTemplates()
        return store.templates()
    }
    fun start(grid: String, inspection: Inspection): String = store.createInspection(grid, inspection)
    fun get(id: String): InspectionRecord = store.getInspection(id)
    fun save(original: InspectionRecord, edited: Inspection): Boolean = store.updateInspection(original, edited)
    fun check(inspection: Inspection): InspectionCheck = store.checkInspection(inspection)
    fun raiseCase(inspectionId: String, itemId: String, description: String): String =
        store.raiseCaseForItem(inspectionId, itemId, description)
}

class CaseRepository(private val store: GridStore) {
    fun list(grid: String?): List<CaseSummary> = store.listCases(grid, null)
    fun get(id: String): CaseRecord = store.getCase(id)
    fun create(grid: String, case: Case): String = store.createCase(grid, case)
    fun legalActions(state: CaseState): List<CaseAction> = caseActions(state)
    fun transition(id: String, transition: CaseTransition): CaseState = store.caseTransition(id, transition)
}

class MediationRepository(private val store: GridStore) {
    fun list(grid: String?): List<MediationSummary> = store.listMediations(grid, null)
    fun get(id: String): MediationRecord = store.getMediation(id)
    fun create(grid: String, data: Mediation): String = store.createMediation(grid, data)
    fun update(original: MediationRecord, edited: Mediation): Boolean = store.updateMediation(original, edited)
}

class SyncRepository(private val store: GridStore, private val slotsDir: String?) {
    fun status(): SyncStatus = store.syncStatus()
    /** How old the oldest unsynced work is at [nowMillis]; core decides, the same on iOS. */
    fun unsyncedAge(status: SyncStatus, nowMillis: Long): UnsyncedAge? =
        status.oldestUnsyncedAt?.let { org.gridkeeper.unsyncedAge(it, nowMillis) }
    fun lastRecovery(): StoreRecovery? = store.lastRecovery()
    fun dismissRecovery() = store.dismissRecovery()
    /** Throws [GridkeeperException.UnsyncedWork] unless [confirmed] when work is unsynced. */
    fun signOut(confirmed: Boolean): SignedOut =
        store.signOut(slotsDir ?: throw GridkeeperException.Storage("no store directory to sign out of"), confirmed)
    fun enroll(server: String, code: String): Enrolment = store.enroll(server, code)
    fun sync(progress: SyncProgress, cancel: CancelToken): SyncSummary = store.sync(progress, cancel)
    fun writeRescue(path: String): RescueFileSummary = store.writeRescue(path)
}

class ConflictRepository(private val store: GridStore) {
    fun of(recordId: String): List<Conflict> = store.conflicts(recordId)
    fun resolve(recordId: String, path: String, pick: Int) = store.resolveConflict(recordId, path, pick.toUInt())
    fun history(recordId: String): List<HistoryEntry> = store.history(recordId)
}

class AttachmentRepository(private val store: GridStore) {
    /** Stores a photo or signature taken on this phone; records name it by the hash. */
    fun add(bytes: ByteArray, mediaType: String?): String = store.addPhoto(bytes, mediaType).hash
    fun path(hash: String): String? = store.attachmentPath(hash)
}

/** Times are stored in UTC and shown in the worker's zone (Asia/Shanghai by default). */
object Times {
    val china: ZoneId = ZoneId.of("Asia/Shanghai")
    private val minute = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")

    /** `2026-11-29T06:30:00Z` → `2026-11-29 14:30`; a plain date or unreadable text as is. */
    fun local(text: String?, zone: ZoneId = china): String {
        if (text.isNullOrBlank()) return ""
        return try {
            OffsetDateTime.parse(text).atZoneSameInstant(zone).format(minute)
        } catch (e: java.time.format.DateTimeParseException) {
            text
        }
    }

    fun local(millis: Long, zone: ZoneId = china): String =
        Instant.ofEpochMilli(millis).atZone(zone).format(minute)

    fun today(zone: ZoneId = china): String = java.time.LocalDate.now(zone).toString()
}
