"""The bindings from Python: a worker's day across two phones through a real relay, and the
error, conflict, subscription and cancellation paths."""

import copy
import os
import tempfile
import uuid

from gridkeeper import gridkeeper_app as app
from gridkeeper import gridkeeper_ffi as gk
import support
from support import household, id_number, new_store, enrolled_store, sync


def teardown_module():
    support.stop_relay()


def test_a_workers_day_reaches_a_second_phone():
    a = enrolled_store("a", "王芳")
    elder_id = id_number("110105", "19400301", 12)
    hid = a.create_household("g1", household("李奶奶", elder_id, [gk.MemberTag.SOLITARY_ELDERLY]))
    member = a.get_household(hid).data.members[0]
    assert member.gender == gk.Gender.FEMALE
    assert member.birth_date == "1940-03-01"
    a.create_visit("g1", gk.Visit(subject=gk.Subject(kind=gk.SubjectKind.HOUSEHOLD, id=hid),
                                  purpose=gk.VisitPurpose.SPECIAL_GROUP_CARE,
                                  members_seen=[member.id], findings="身体尚好"))
    assert a.install_builtin_templates() >= 1
    pid = a.create_place("g1", gk.Place(name="好邻居便利店", place_type=gk.PlaceType.SHOP,
                                        address=gk.Address(text="幸福路12号"),
                                        contact="13912345678"))
    iid = a.create_inspection("g1", gk.Inspection(
        template_id="fire_safety", template_version=1,
        subject=gk.Subject(kind=gk.SubjectKind.PLACE, id=pid),
        answers={"ebike_indoor": gk.Answer(value=gk.AnswerValue.TEXT(text="fail"), photos=[])},
        status=gk.InspectionStatus.DRAFT))
    assert a.get_inspection(iid).failed_items == ["ebike_indoor"]
    case_id = a.raise_case_for_item(iid, "ebike_indoor", "")
    case = a.get_case(case_id)
    assert case.state == gk.CaseState.REPORTED
    assert case.data.category == gk.CaseCategory.HAZARD
    assert case.data.severity == gk.Severity.CRITICAL

    summary, progress = sync(a)
    assert summary.pushed >= 5 and progress.calls

    b = enrolled_store("b", "李强")
    summary, _ = sync(b)
    assert hid in summary.changed_records
    assert [h.id for h in b.search("lnn", None, None, 10)] == [hid]
    assert b.get_case(case_id).data.source.item == "ebike_indoor"
    assert [c.id for c in b.list_cases("g1", None)] == [case_id]


def test_an_invalid_id_number_names_the_field():
    store, _, _ = new_store("invalid")
    try:
        store.create_household("g1", household(id_no="110105194003011234"))
    except gk.GridkeeperError.Invalid as e:
        assert e.field == "members[0].id_number", e.field
        assert e.reason
    else:
        raise AssertionError("an invalid ID number was accepted")
    assert store.list_households(None, None) == []


def test_missing_records_and_bad_ids_are_typed():
    store, _, _ = new_store("missing")
    try:
        store.get_household(str(uuid.uuid4()))
        raise AssertionError("found a record that does not exist")
    except gk.GridkeeperError.NotFound:
        pass
    try:
        store.get_household("not-an-id")
        raise AssertionError("accepted a malformed id")
    except gk.GridkeeperError.Invalid as e:
        assert e.field == "id"
    pid = store.create_place("g1", gk.Place(name="店", place_type=gk.PlaceType.SHOP,
                                            address=gk.Address(text="路1号")))
    try:
        store.get_household(pid)
        raise AssertionError("read a place as a household")
    except gk.GridkeeperError.Invalid as e:
        assert e.field == "id"


def test_an_illegal_case_transition_is_refused():
    store, _, _ = new_store("case")
    cid = store.create_case("g1", gk.Case(category=gk.CaseCategory.ENVIRONMENT,
                                          description="垃圾堆放", severity=gk.Severity.LOW))
    try:
        store.case_transition(cid, gk.CaseTransition(action=gk.CaseAction.VERIFY))
        raise AssertionError("verified a case that was only reported")
    except gk.GridkeeperError.Invalid as e:
        assert e.field == "action"
    assert store.case_transition(cid, gk.CaseTransition(action=gk.CaseAction.ACCEPT)) \
        == gk.CaseState.ACCEPTED
    try:
        store.case_transition(cid, gk.CaseTransition(action=gk.CaseAction.RETURN))
        raise AssertionError("returned a case without a reason")
    except gk.GridkeeperError.Invalid as e:
        assert e.field.endswith(".reason"), e.field
    assert len(store.get_case(cid).data.timeline) == 2


def test_a_wrong_key_is_refused_and_the_store_survives():
    store, path, key = new_store("key")
    hid = store.create_household("g1", household())
    del store
    try:
        gk.GridStore.open(path, os.urandom(32), path + "-cache")
        raise AssertionError("opened with a wrong key")
    except gk.GridkeeperError.WrongKey:
        pass
    again = gk.GridStore.open(path, key, path + "-cache")
    assert again.get_household(hid).data.members[0].phone == "13812345678"


def test_concurrent_edits_become_a_conflict_that_can_be_resolved():
    a = enrolled_store("ca", "赵敏")
    b = enrolled_store("cb", "钱坤")
    hid = a.create_household("g1", household("孙立", room="602"))
    sync(a)
    sync(b)
    ra, rb = a.get_household(hid), b.get_household(hid)
    # The records as read stay as they were: the update compares them with the edit.
    ea, eb = copy.deepcopy(ra.data), copy.deepcopy(rb.data)
    ea.housing_type = gk.HousingType.RENTED
    eb.housing_type = gk.HousingType.VACANT
    assert a.update_household(ra, ea)
    assert b.update_household(rb, eb)
    sync(a)
    sync(b)
    sync(a)
    conflicts = a.conflicts(hid)
    assert [c.path for c in conflicts] == ["housing_type"], conflicts
    values = sorted(v.value_json for v in conflicts[0].values)
    assert values == ['"rented"', '"vacant"']
    pick = [v.value_json for v in conflicts[0].values].index('"vacant"')
    a.resolve_conflict(hid, "housing_type", pick)
    assert a.conflicts(hid) == []
    assert a.get_household(hid).data.housing_type == gk.HousingType.VACANT
    try:
        a.resolve_conflict(hid, "housing_type", 0)
        raise AssertionError("resolved a conflict that is gone")
    except gk.GridkeeperError.Conflict as e:
        assert e.path == "housing_type"


def test_subscriptions_hear_writes_until_cancelled():
    store, _, _ = new_store("sub")

    class Heard(gk.RecordsChanged):
        def __init__(self):
            self.ids = []

        def on_records_changed(self, record_ids):
            self.ids.extend(record_ids)

    heard = Heard()
    sub = store.subscribe(heard)
    hid = store.create_household("g1", household())
    assert heard.ids == [hid]
    sub.cancel()
    store.create_household("g1", household(room="702"))
    assert heard.ids == [hid]
    assert store.subscription_count() == 0


def test_sync_errors_are_typed():
    store, _, _ = new_store("sync-errors")
    try:
        sync(store)
        raise AssertionError("synced without enrolment")
    except gk.GridkeeperError.NotAllowed as e:
        assert e.code == "not_enrolled" and e.user_message
    enrolled = enrolled_store("cancel", "周洁")
    token = gk.CancelToken()
    token.cancel()
    try:
        enrolled.sync(support.Progress(), token)
        raise AssertionError("a cancelled sync ran")
    except gk.GridkeeperError.Cancelled:
        pass


def test_attachments_round_trip():
    store, _, _ = new_store("photo")
    ref = store.add_photo(support.png(), "image/png")
    assert ref.media_type == "image/png" and len(ref.hash) == 64
    path = store.attachment_path(ref.hash)
    with open(path, "rb") as f:
        assert f.read() == support.png()
    assert store.attachment_path("0" * 64) is None
    try:
        store.add_photo(b"not an image", None)
        raise AssertionError("accepted bytes that are no attachment type")
    except gk.GridkeeperError.Invalid:
        pass


def test_a_rescue_file_carries_unsynced_work_to_the_relay_without_a_network():
    a = enrolled_store("rescue-a", "赵雷")
    hid = a.create_household("g1", household("钱阿婆", None, [gk.MemberTag.EMPTY_NEST_ELDERLY]))
    path = os.path.join(tempfile.mkdtemp(prefix="gk-rescue-"), "work.gkrescue")
    summary = a.write_rescue(path)
    assert summary.records == 1 and summary.changes >= 1 and summary.refused == 0
    assert os.path.getsize(path) == summary.bytes
    # The administrator imports it; another phone then receives the household by sync.
    support.relay().admin("rescue", "import", path)
    b = enrolled_store("rescue-b", "孙梅")
    _, _ = sync(b)
    assert b.get_household(hid).data.members[0].name == "钱阿婆"
    # A phone that is not enrolled has no key to seal one with.
    c, _, _ = new_store("rescue-none")
    try:
        c.write_rescue(path + ".none")
        assert False, "an unenrolled phone wrote a rescue file"
    except gk.GridkeeperError.NotAllowed as e:
        assert e.code == "not_enrolled"


def test_the_household_list_screen_from_the_app_core():
    store, _, _ = new_store("screen")
    for name, building, room, tags in [("张三", "10", "101", None), ("李四", "9", "201", [gk.MemberTag.SOLITARY_ELDERLY])]:
        h = household(name, None, tags, room=room)
        h.address.building = building
        store.create_household("g1", h)
    screen = gk.HouseholdsScreen(store, "g1", app.Lang.ZH)
    v = screen.send(app.HouseholdsEvent.LOAD()).view
    assert v.place == "全部住户"
    assert [(g.key, g.label) for g in v.groups] == [("9", "9号楼"), ("10", "10号楼")]
    v = screen.send(app.HouseholdsEvent.QUERY("ls")).view
    assert [r.title for r in v.rows] == ["李四"]
    assert v.rows[0].tags == ["独居老人"]
    u = screen.send(app.HouseholdsEvent.OPEN(v.rows[0].id))
    assert len(u.effects) == 1 and isinstance(u.effects[0], app.Effect.OPEN_HOUSEHOLD)
    assert u.effects[0].id == v.rows[0].id
    en = gk.HouseholdsScreen(store, "g1", app.Lang.EN)
    assert en.send(app.HouseholdsEvent.QUERY("zz")).view.empty_text == "No household matches"


class Views(gk.HouseholdsObserver):
    def __init__(self):
        self.views = []

    def on_view(self, view):
        self.views.append(view)


def test_a_household_typed_into_the_form_reaches_the_watched_list():
    store, _, _ = new_store("screen-form")
    households = gk.HouseholdsScreen(store, "g1", app.Lang.ZH)
    households.send(app.HouseholdsEvent.LOAD())
    seen = Views()
    subscription = households.watch(seen)

    form = gk.HouseholdEditScreen(store, "g1", None, app.Lang.ZH)
    v = form.send(app.HouseholdEditEvent.LOAD()).view
    assert len(v.members) == 1, "a new household starts with its head's inputs"
    for field, value in [("address.building", "7"), ("address.room", "302")]:
        form.send(app.HouseholdEditEvent.TEXT(field, value))
    form.send(app.HouseholdEditEvent.TEXT("members[0].name", "王五"))
    good = id_number("110101", "19900307", 123)
    wrong_check_digit = good[:-1] + ("0" if good[-1] != "0" else "1")
    form.send(app.HouseholdEditEvent.TEXT("members[0].id_number", wrong_check_digit))
    u = form.send(app.HouseholdEditEvent.SAVE())
    errors = {e.field: e.message for e in u.view.errors}
    assert "members[0].id_number" in errors, errors
    assert not any(isinstance(e, app.Effect.CLOSE) for e in u.effects)
    assert seen.views == [], "nothing was saved, so nothing changed"

    form.send(app.HouseholdEditEvent.TEXT("members[0].id_number", good))
    u = form.send(app.HouseholdEditEvent.SAVE())
    assert u.view.errors == []
    opened = [e for e in u.effects if isinstance(e, app.Effect.OPEN_HOUSEHOLD)]
    assert len(opened) == 1
    # The list heard of the save through its watch, and drew the new household.
    assert seen.views and [r.title for r in seen.views[-1].rows] == ["王五"]
    assert seen.views[-1].rows[0].id == opened[0].id

    subscription.cancel()
    before = len(seen.views)
    store.create_household("g1", household("赵六", room="101"))
    assert len(seen.views) == before, "a cancelled watch hears nothing"
