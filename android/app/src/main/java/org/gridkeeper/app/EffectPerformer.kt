package org.gridkeeper.app

import org.gridkeeper.screens.CaseReportSubjectKind
import org.gridkeeper.screens.Effect
import org.gridkeeper.screens.Target
import java.io.File

/**
 * How a screen hears back from an effect that has an answer: each builds that screen's own
 * event. A screen leaves out what it never asks for.
 */
class Answers<E>(
    val photoTaken: ((field: String, path: String) -> E)? = null,
    val located: ((lat: Double, lon: Double, accuracyM: Double?) -> E)? = null,
    val locationUnavailable: E? = null,
    val signed: ((party: String, path: String) -> E)? = null,
    /** Enrol { server, code }: the enrolment screen runs it on its own model. */
    val enrol: (suspend (server: String, code: String) -> Unit)? = null,
    /** FetchPhotos: the screen fetches on its own model, off the main thread. */
    val fetchPhotos: (suspend () -> Unit)? = null,
)

/** Moving between screens (the NavHost). */
interface Navigator {
    fun open(route: String)
    fun close()
}

/** A photo from the camera or the picker, written to a file; null when the worker cancels. */
fun interface PhotoTaker {
    suspend fun take(): File?
}

class Fix(val lat: Double, val lon: Double, val accuracyM: Double?)

/** One location fix; null when there is none (no permission, no provider, no signal). */
fun interface Locator {
    suspend fun locate(): Fix?
}

/** The signature pad shown to one party, the drawing as a PNG file; null when dismissed. */
fun interface SignatureTaker {
    suspend fun sign(party: String): File?
}

/** Work that outlives a screen: the process-wide sync, moving on after enrolment, signing
 *  out (the store closes), and handing a rescue file to the share sheet. */
interface Background {
    fun startSync()
    fun cancelSync()
    fun enrolled(grids: List<String>)
    fun signOut()
    fun signedOut(removed: Boolean)
    fun shareRescue(path: String)
}

/** Where each of the core's targets is shown. */
object Routes {
    fun household(id: String) = "household/$id"
    const val NEW_HOUSEHOLD = "household/new/edit"
    fun editHousehold(id: String) = "household/$id/edit"
    fun visit(householdId: String, memberId: String?) = "visit/$householdId" + (memberId?.let { "?member=$it" } ?: "")
    fun conflicts(recordId: String) = "conflicts/$recordId"
    fun inspection(placeId: String) = "inspection?place=$placeId"
    fun case(id: String) = "case/$id"
    const val NEW_CASE = "case/new/report"
    fun mediation(id: String) = "mediation/$id"
    const val NEW_MEDIATION = "mediation/new"
    const val MEDIATIONS = "mediations"
    const val PLACES = "places"
    fun place(id: String) = "place/$id"
    const val NEW_PLACE = "place/new/edit"
    fun editPlace(id: String) = "place/$id/edit"
    fun placeVisit(placeId: String) = "placevisit/$placeId"
    const val DRAFTS = "drafts"
    const val SEARCH = "search"
    // Activities (宣传 / 文体活动)
    const val ACTIVITIES = "activities"
    // The worker's 民情日志
    const val DIARY = "diary"
    fun activity(id: String) = "activity/$id"
    const val NEW_ACTIVITY = "activity/new/edit"
    fun editActivity(id: String) = "activity/$id/edit"
    // The grid-wide conflicts list, and a case reported about a household or place.
    const val CONFLICT_LIST = "conflicts"
    fun reportCase(kind: CaseReportSubjectKind, subjectId: String) =
        "$NEW_CASE?about=${kind.name.lowercase()}&subject=$subjectId"

    fun of(target: Target): String = when (target) {
        is Target.Household -> household(target.id)
        is Target.Place -> inspection(target.id)
        is Target.Case -> case(target.id)
        is Target.Mediation -> mediation(target.id)
        is Target.Activity -> activity(target.id)
    }
}

/**
 * Performs what the core's screens ask of the phone. Everything Android-only sits behind the
 * small interfaces above, so this stays plain Kotlin; the answers go back to the screen that
 * asked, in its event order.
 */
class EffectPerformer(
    private val nav: Navigator,
    private val photos: PhotoTaker,
    private val location: Locator,
    private val signatures: SignatureTaker,
    private val background: Background,
) {
    suspend fun <E> perform(effect: Effect, answers: Answers<E>, answer: suspend (E) -> Unit) {
        when (effect) {
            is Effect.OpenHousehold -> nav.open(Routes.household(effect.id))
            Effect.NewHousehold -> nav.open(Routes.NEW_HOUSEHOLD)
            is Effect.EditHousehold -> nav.open(Routes.editHousehold(effect.id))
            is Effect.StartVisit -> nav.open(Routes.visit(effect.householdId, effect.memberId))
            is Effect.OpenConflicts -> nav.open(Routes.conflicts(effect.recordId))
            is Effect.Open -> nav.open(Routes.of(effect.target))
            is Effect.OpenCase -> nav.open(Routes.case(effect.id))
            Effect.NewCase -> nav.open(Routes.NEW_CASE)
            Effect.OpenPlaces -> nav.open(Routes.PLACES)
            Effect.OpenDrafts -> nav.open(Routes.DRAFTS)
            Effect.OpenSearch -> nav.open(Routes.SEARCH)
            Effect.OpenConflictList -> nav.open(Routes.CONFLICT_LIST)
            is Effect.ReportCase -> nav.open(Routes.reportCase(effect.subjectKind, effect.subjectId))
            is Effect.OpenPlace -> nav.open(Routes.place(effect.id))
            Effect.NewPlace -> nav.open(Routes.NEW_PLACE)
            is Effect.EditPlace -> nav.open(Routes.editPlace(effect.id))
            is Effect.StartPlaceVisit -> nav.open(Routes.placeVisit(effect.placeId))
            is Effect.StartInspection -> nav.open(Routes.inspection(effect.placeId))
            is Effect.OpenMediation -> nav.open(Routes.mediation(effect.id))
            Effect.NewMediation -> nav.open(Routes.NEW_MEDIATION)
            Effect.OpenActivities -> nav.open(Routes.ACTIVITIES)
            Effect.OpenDiary -> nav.open(Routes.DIARY)
            is Effect.OpenActivity -> nav.open(Routes.activity(effect.id))
            Effect.NewActivity -> nav.open(Routes.NEW_ACTIVITY)
            is Effect.EditActivity -> nav.open(Routes.editActivity(effect.id))
            Effect.Close -> nav.close()
            Effect.StartSync -> background.startSync()
            Effect.CancelSync -> background.cancelSync()
            is Effect.Enrol -> answers.enrol?.invoke(effect.server, effect.code)
            is Effect.FetchPhotos -> answers.fetchPhotos?.invoke()
            is Effect.Enrolled -> background.enrolled(effect.grids)
            Effect.SignOut -> background.signOut()
            is Effect.SignedOut -> background.signedOut(effect.removed)
            is Effect.ShareRescue -> background.shareRescue(effect.path)
            // Watched screens reload by themselves; the app's own subscription asks for a sync.
            is Effect.RecordsChanged -> Unit
            is Effect.TakePhoto -> {
                val make = answers.photoTaken ?: return
                val file = photos.take() ?: return
                // The core has copied the photo into the store once the answer is handled.
                try { answer(make(effect.forField, file.path)) } finally { file.delete() }
            }
            Effect.GetLocation -> {
                val fix = location.locate()
                val event = if (fix != null) answers.located?.invoke(fix.lat, fix.lon, fix.accuracyM) else answers.locationUnavailable
                if (event != null) answer(event)
            }
            is Effect.AskSignature -> {
                val make = answers.signed ?: return
                val file = signatures.sign(effect.party) ?: return
                try { answer(make(effect.party, file.path)) } finally { file.delete() }
            }
        }
    }
}
