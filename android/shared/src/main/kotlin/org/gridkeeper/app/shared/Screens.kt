package org.gridkeeper.app.shared

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import org.gridkeeper.*
import org.gridkeeper.screens.*

/**
 * The app core's screens bound to [ScreenModel]s over one store, in the worker's language.
 * A screen that shows records others change is watched for as long as its model lives; the
 * model closes the subscription and the screen object with it.
 */
class Screens(
    private val store: GridStore,
    private val lang: Lang,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) {
    fun households(grid: String?): ScreenModel<HouseholdsEvent, HouseholdsView> {
        val screen = HouseholdsScreen(store, grid, lang)
        return bind<HouseholdsEvent, HouseholdsView>(screen, screen.view()) { screen.send(it).let { u -> Update(u.view, u.effects) } }.also { m ->
            m.hold(screen.watch(object : HouseholdsObserver { override fun onView(view: HouseholdsView) = m.show(view) }))
        }
    }

    fun today(grid: String?): ScreenModel<TodayEvent, TodayView> {
        val screen = TodayScreen(store, grid, lang)
        return bind<TodayEvent, TodayView>(screen, screen.view()) { screen.send(it).let { u -> Update(u.view, u.effects) } }.also { m ->
            m.hold(screen.watch(object : TodayObserver { override fun onView(view: TodayView) = m.show(view) }))
        }
    }

    fun householdDetail(id: String): ScreenModel<HouseholdDetailEvent, HouseholdDetailView> {
        val screen = HouseholdDetailScreen(store, id, lang)
        return bind<HouseholdDetailEvent, HouseholdDetailView>(screen, screen.view()) { screen.send(it).let { u -> Update(u.view, u.effects) } }.also { m ->
            m.hold(screen.watch(object : HouseholdDetailObserver { override fun onView(view: HouseholdDetailView) = m.show(view) }))
        }
    }

    fun householdEdit(grid: String, id: String?): ScreenModel<HouseholdEditEvent, HouseholdEditView> {
        val screen = HouseholdEditScreen(store, grid, id, lang)
        return bind<HouseholdEditEvent, HouseholdEditView>(screen, screen.view()) { screen.send(it).let { u -> Update(u.view, u.effects) } }
    }

    fun visitForm(subject: VisitFormSubject, subjectId: String, memberId: String?): ScreenModel<VisitFormEvent, VisitFormView> {
        val screen = VisitFormScreen(store, subject, subjectId, memberId, lang)
        return bind<VisitFormEvent, VisitFormView>(screen, screen.view()) { screen.send(it).let { u -> Update(u.view, u.effects) } }
    }

    fun inspection(grid: String, placeId: String?): ScreenModel<InspectionEvent, InspectionView> {
        val screen = InspectionScreen(store, grid, placeId, lang)
        return bind<InspectionEvent, InspectionView>(screen, screen.view()) { screen.send(it).let { u -> Update(u.view, u.effects) } }
    }

    fun caseList(grid: String?): ScreenModel<CaseListEvent, CaseListView> {
        val screen = CaseListScreen(store, grid, lang)
        return bind<CaseListEvent, CaseListView>(screen, screen.view()) { screen.send(it).let { u -> Update(u.view, u.effects) } }.also { m ->
            m.hold(screen.watch(object : CaseListObserver { override fun onView(view: CaseListView) = m.show(view) }))
        }
    }

    fun caseDetail(id: String): ScreenModel<CaseDetailEvent, CaseDetailView> = caseDetailModel(id).model

    /** A case's page with its photo fetch, which runs on the screen object. */
    fun caseDetailModel(id: String): CaseDetailModel {
        val screen = CaseDetailScreen(store, id, lang)
        val model = bind<CaseDetailEvent, CaseDetailView>(screen, screen.view()) { screen.send(it).let { u -> Update(u.view, u.effects) } }.also { m ->
            m.hold(screen.watch(object : CaseDetailObserver { override fun onView(view: CaseDetailView) = m.show(view) }))
        }
        return CaseDetailModel(screen, model)
    }

    /** An attachment's bytes, or null while only its reference is on the phone. */
    fun photoBytes(hash: String): ByteArray? = store.attachmentBytes(hash)

    fun caseReport(grid: String, kind: CaseReportSubjectKind?, subjectId: String?): ScreenModel<CaseReportEvent, CaseReportView> {
        val screen = CaseReportScreen(store, grid, kind, subjectId, lang)
        return bind<CaseReportEvent, CaseReportView>(screen, screen.view()) { screen.send(it).let { u -> Update(u.view, u.effects) } }
    }

    fun mediation(grid: String, id: String?): ScreenModel<MediationEvent, MediationView> {
        val screen = MediationScreen(store, grid, id, lang)
        return bind<MediationEvent, MediationView>(screen, screen.view()) { screen.send(it).let { u -> Update(u.view, u.effects) } }
    }

    fun placeList(grid: String?): ScreenModel<PlaceListEvent, PlaceListView> {
        val screen = PlaceListScreen(store, grid, lang)
        return bind<PlaceListEvent, PlaceListView>(screen, screen.view()) { screen.send(it).let { u -> Update(u.view, u.effects) } }.also { m ->
            m.hold(screen.watch(object : PlaceListObserver { override fun onView(view: PlaceListView) = m.show(view) }))
        }
    }

    fun placeDetail(id: String): ScreenModel<PlaceDetailEvent, PlaceDetailView> {
        val screen = PlaceDetailScreen(store, id, lang)
        return bind<PlaceDetailEvent, PlaceDetailView>(screen, screen.view()) { screen.send(it).let { u -> Update(u.view, u.effects) } }.also { m ->
            m.hold(screen.watch(object : PlaceDetailObserver { override fun onView(view: PlaceDetailView) = m.show(view) }))
        }
    }

    fun placeEdit(grid: String, id: String?): ScreenModel<PlaceEditEvent, PlaceEditView> {
        val screen = PlaceEditScreen(store, grid, id, lang)
        return bind<PlaceEditEvent, PlaceEditView>(screen, screen.view()) { screen.send(it).let { u -> Update(u.view, u.effects) } }
    }

    fun mediationList(grid: String?): ScreenModel<MediationListEvent, MediationListView> {
        val screen = MediationListScreen(store, grid, lang)
        return bind<MediationListEvent, MediationListView>(screen, screen.view()) { screen.send(it).let { u -> Update(u.view, u.effects) } }.also { m ->
            m.hold(screen.watch(object : MediationListObserver { override fun onView(view: MediationListView) = m.show(view) }))
        }
    }

    // Activities (宣传 / 文体活动): the list and one activity are watched; the form is not.
    fun activityList(grid: String?): ScreenModel<ActivityListEvent, ActivityListView> {
        val screen = ActivityListScreen(store, grid, lang)
        return bind<ActivityListEvent, ActivityListView>(screen, screen.view()) { screen.send(it).let { u -> Update(u.view, u.effects) } }.also { m ->
            m.hold(screen.watch(object : ActivityListObserver { override fun onView(view: ActivityListView) = m.show(view) }))
        }
    }

    fun activityDetail(id: String): ScreenModel<ActivityDetailEvent, ActivityDetailView> {
        val screen = ActivityDetailScreen(store, id, lang)
        return bind<ActivityDetailEvent, ActivityDetailView>(screen, screen.view()) { screen.send(it).let { u -> Update(u.view, u.effects) } }.also { m ->
            m.hold(screen.watch(object : ActivityDetailObserver { override fun onView(view: ActivityDetailView) = m.show(view) }))
        }
    }

    fun activityEdit(grid: String, id: String?): ScreenModel<ActivityEditEvent, ActivityEditView> {
        val screen = ActivityEditScreen(store, grid, id, lang)
        return bind<ActivityEditEvent, ActivityEditView>(screen, screen.view()) { screen.send(it).let { u -> Update(u.view, u.effects) } }
    }

    // 民情日志: today's entry, written from the day's records; not watched (it is the
    // worker's own text while they type).
    fun diary(grid: String): ScreenModel<DiaryEvent, DiaryView> {
        val screen = DiaryScreen(store, grid, lang)
        return bind<DiaryEvent, DiaryView>(screen, screen.view()) { screen.send(it).let { u -> Update(u.view, u.effects) } }
    }

    fun draftList(): ScreenModel<DraftListEvent, DraftListView> {
        val screen = DraftListScreen(store, lang)
        return bind<DraftListEvent, DraftListView>(screen, screen.view()) { screen.send(it).let { u -> Update(u.view, u.effects) } }
    }

    fun search(grid: String?): ScreenModel<SearchEvent, SearchView> {
        val screen = SearchScreen(store, grid, lang)
        return bind<SearchEvent, SearchView>(screen, screen.view()) { screen.send(it).let { u -> Update(u.view, u.effects) } }
    }

    fun conflicts(recordId: String): ScreenModel<ConflictsEvent, ConflictsView> {
        val screen = ConflictsScreen(store, recordId, lang)
        return bind<ConflictsEvent, ConflictsView>(screen, screen.view()) { screen.send(it).let { u -> Update(u.view, u.effects) } }.also { m ->
            m.hold(screen.watch(object : ConflictsObserver { override fun onView(view: ConflictsView) = m.show(view) }))
        }
    }

    fun conflictList(grid: String?): ScreenModel<ConflictListEvent, ConflictListView> {
        val screen = ConflictListScreen(store, grid, lang)
        return bind<ConflictListEvent, ConflictListView>(screen, screen.view()) { screen.send(it).let { u -> Update(u.view, u.effects) } }.also { m ->
            m.hold(screen.watch(object : ConflictListObserver { override fun onView(view: ConflictListView) = m.show(view) }))
        }
    }

    fun sync(): SyncModel = SyncModel(SyncScreen(store, lang), io)

    fun enrol(): EnrolModel = EnrolModel(EnrolScreen(store, lang), io)

    private fun <E, V> bind(screen: AutoCloseable, initial: V, core: (E) -> Update<V>): ScreenModel<E, V> =
        ScreenModel(initial, io, core).also { it.hold(screen) }
}

/** The sync line, and the sync itself when the line (or the app) asks for one. */
class SyncModel(val screen: SyncScreen, io: CoroutineDispatcher) : AutoCloseable {
    val model: ScreenModel<SyncEvent, SyncView> =
        ScreenModel(screen.view(), io) { e: SyncEvent -> screen.send(e).let { Update(it.view, it.effects) } }.also { m ->
            m.hold(screen)
            m.hold(screen.watch(object : SyncObserver { override fun onView(view: SyncView) = m.show(view) }))
        }

    // The token of the sync under way, so CancelSync reaches it.
    @Volatile private var cancel: CancelToken? = null

    /** Performs StartSync; blocks its caller's IO thread for the whole sync, progress shown
     *  as it comes. */
    suspend fun run() {
        val token = CancelToken().also { cancel = it }
        try {
            model.perform {
                screen.run(object : SyncObserver { override fun onView(view: SyncView) = model.show(view) }, token)
                    .let { Update(it.view, it.effects) }
            }
        } finally {
            cancel = null
            token.close()
        }
    }

    /** Performs CancelSync: the sync stops between rounds. */
    fun cancel() {
        cancel?.cancel()
    }

    /** Performs SignOut (asked and answered on the sync line by then): closes the store,
     *  kept on the phone with unsent work or removed when all of it is on the server. */
    suspend fun signOut(slotsDir: String) {
        model.perform { screen.signOut(slotsDir).let { Update(it.view, it.effects) } }
    }

    override fun close() = model.close()
}

/** Enrolment: the form, and the enrolment itself on a background thread. */
/** A case's page: its model, and FetchPhotos performed on its screen object. */
class CaseDetailModel(private val screen: CaseDetailScreen, val model: ScreenModel<CaseDetailEvent, CaseDetailView>) : AutoCloseable {
    /** Performs FetchPhotos: the download runs outside the event order, as a sync does. */
    suspend fun fetchPhotos() = model.perform { screen.fetchPhotos().let { Update(it.view, it.effects) } }

    override fun close() = model.close()
}

class EnrolModel(val screen: EnrolScreen, io: CoroutineDispatcher) : AutoCloseable {
    val model: ScreenModel<EnrolEvent, EnrolView> =
        // The enrolment screen has no view() to start from; a blank form is what it starts as.
        ScreenModel(EnrolView("", "", null, null, false, null, emptyList()), io) { e: EnrolEvent -> screen.send(e).let { Update(it.view, it.effects) } }
            .also { it.hold(screen) }

    /** Performs Enrol { server, code }. */
    suspend fun run(server: String, code: String) =
        model.perform { screen.run(server, code).let { Update(it.view, it.effects) } }

    override fun close() = model.close()
}
