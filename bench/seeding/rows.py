"""Stories as rows, in COPY's text format: ``applications``, ``application_items``, ``events``
(chained as ``service.applications.events.record`` chains them: see ``events.py``),
``paused_spans``, ``extension_requests``, ``item_results`` and ``visits``: what the app's
operations write at each step of a story, up to now.

What the clock makes of a story (deadlines from limits, pauses and extensions; the warnings
the sweep announced when a running item reached its yellow day, passed its committed or its
statutory deadline) is the engine's, through ``clock.Clock``.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter

from service.engine.calendar import Unit
from service.engine.deadlines import ItemProgress, predicted_completion
from service.engine.states import (
    ApplicationState,
    Channel,
    ClockStop,
    DeliveryMethod,
    ItemState,
    Level,
    VisitKind,
)

from .clock import DAY, SHANGHAI_OFFSET, Clock, local_day, midnight
from .county import EXTENSION_REASON, ITEM_NOTICE, PAUSE_CAUSES, PAUSES, Kind, Staff
from .events import CANCELLED, DENIED, NULL, Seal, Templates, chain, serial
from .shapes import BundleShape
from .story import Story

# Each table's columns in the order of its rows; ids the database numbers are left out.
COLUMNS = {
    "applications": (
        "bundle_version_id", "bundle_code", "applicant_kind", "form", "query_code_hash",
        "correction_notice_late", "id", "number", "state", "outcome", "channel",
        "delivery_method", "applicant_name", "applicant_id_number", "contact_phone",
        "materials_handed_in", "materials_missing", "tracking_number", "created_at",
        "updated_at", "accepted_on", "committed_due", "statutory_due", "yellow_on",
        "due_provisional", "predicted_on", "paused_days", "concluded_on", "turnaround_days",
        "concluded_at", "lock_version", "chain_seq", "chain_head", "visit_count",
        "correction_notices"),
    "application_items": (
        "id", "application_id", "item_code", "department_code", "position", "state",
        "opened_at", "decided_at", "reason", "clock_started_on", "committed_due",
        "statutory_due", "yellow_on", "due_provisional", "paused_days", "extension_days",
        "warned_level", "assignee_user_id", "assigned_at"),
    "events": ("application_id", "seq", "created_at", "actor_user_id", "chain_hash", "data",
               "item_code", "trigger", "from_state", "to_state", "actor_kind", "reason"),
    "paused_spans": ("application_id", "item_id", "cause", "note", "started_at", "started_on",
                     "ended_at", "ended_on", "days"),
    "extension_requests": ("application_id", "item_id", "days", "reason",
                           "requested_by_user_id", "requested_at", "state",
                           "decided_by_user_id", "decided_at", "decision_note"),
    "item_results": ("application_id", "item_id", "document", "number", "valid_from",
                     "valid_until", "issued_at"),
    "visits": ("application_id", "kind", "at", "clerk_user_id"),
}
LEVELS = (Level.YELLOW, Level.RED, Level.STATUTORY)
SWEEP_DELAY = 300  # the sweep announces a day's warnings in the first minutes of the day
DECIDED = {Kind.APPROVE: (ItemState.APPROVED, NULL), Kind.DENY: (ItemState.DENIED, DENIED)}
_first = itemgetter(0)


class Rows:
    """Rows of the applications added since the last ``take``, as COPY text per table."""

    def __init__(self, shapes: Sequence[BundleShape], clock: Clock, staff: Staff, now: int,
                 audit_key: bytes, query_code_hash: str, correction_days: int, remedies: str):
        self.shapes, self.clock, self.staff, self.now = shapes, clock, staff, now
        self.seal = Seal(audit_key)
        self.templates = Templates(list(shapes), clock, correction_days, remedies)
        self.prefixes = [f"{shape.version_id}\t{shape.code}\t{shape.bundle.audience}\t"
                         f"{shape.form}\t{query_code_hash}\tf\t" for shape in shapes]
        self.all_handed_in = [_codes(shape.materials) for shape in shapes]
        # An item's row while it waits, after its id and its application's.
        self.pending = [[f"{item.code}\t{item.department}\t{item.position}\t{ItemState.PENDING}"
                         "\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\tf\t0\t0\t\\N\t\\N\t\\N\n"
                         for item in shape.items] for shape in shapes]
        self.users = [str(user_id) for user_id in range(max(*staff.clerks, *staff.reviewers,
                                                            staff.supervisor) + 1)]
        self.out: dict[str, list[str]] = {table: [] for table in COLUMNS}
        # Deadlines by (start, limits, pauses, extension), the limits by a number of their own.
        self.deadlines: dict[tuple, tuple] = {}
        numbers: dict = {}
        self.limits = [[numbers.setdefault(item.limits, len(numbers)) for item in shape.items]
                       + [numbers.setdefault(shape.bundle.limits, len(numbers))]
                       for shape in shapes]
        self.longest = (0, "")  # the longest history: its events, its number
        day_parts, second_parts, first = clock.day_parts, clock.second_parts, clock.first
        self.day_parts, self.second_parts = day_parts, second_parts
        self._timestamp = lambda instant: (day_parts[instant // DAY - first]
                                           + second_parts[instant % DAY])
        # Per bundle and item: the start of its row, its steps' templates, its limits' number,
        # its approval's data and its certificate's number (split where the serial goes).
        steps = self.templates.steps
        self.made = [[(f"{item.code}\t{item.department}\t{item.position}\t",
                       *(steps[shape.index][kind][item.position]
                         for kind in (Kind.OPEN, Kind.START_REVIEW, Kind.APPROVE, Kind.CANCEL)),
                       self.limits[shape.index][item.position], item.approval, item.number)
                      for item in shape.items] for shape in shapes]

    def take(self) -> dict[str, bytes]:
        taken = {table: "".join(lines).encode() for table, lines in self.out.items()}
        for lines in self.out.values():
            lines.clear()
        return taken

    def add(self, application_id: int, first_item_id: int, number: str, received: int,
            shape: BundleShape, story: Story, applicant: tuple[str, str, str]) -> None:
        story.settle(received)
        state, channel, templates, users = story.state, story.channel, self.templates, self.users
        timestamp, visits = self._timestamp, self.out["visits"]
        visited = len(visits)
        steps = templates.steps[shape.index]
        who = story.handed_in_by
        handed_in_by = users[who] if who > 0 else ""
        when = timestamp(received)
        events = [(received, when, templates.varying(shape, Kind.SUBMIT, -1, channel),
                   handed_in_by, None)]
        if channel == Channel.WINDOW:
            visits.append(f"{application_id}\t{VisitKind.INTAKE}\t{when}\t{handed_in_by}\n")
        if story.notice:
            at, clerk = story.notice
            events.append((at, timestamp(at), steps[Kind.NOTICE], users[clerk],
                           templates.notice(at, story.asked)))
        if story.supplied is not None:
            at = story.supplied
            when = timestamp(at)
            events.append((at, when, templates.varying(shape, Kind.SUPPLEMENT, -1, channel),
                           handed_in_by, templates.supplement(channel, story.asked)))
            if channel == Channel.WINDOW:  # handed in at the window
                visits.append(f"{application_id}\t{VisitKind.CORRECTION}\t{when}\t"
                              f"{handed_in_by}\n")
        if story.closing:
            at, actor = story.closing
            kind = Kind.WITHDRAW if state == ApplicationState.WITHDRAWN else Kind.REFUSE
            events.append((at, timestamp(at), templates.varying(shape, kind, -1,
                                                                bool(story.asked)),
                           users[actor] if actor > 0 else "", None))
        clock_columns, outcome, concluded = "\\N\t\\N\t\\N\t\\N\tf\t\\N\t0\t\\N\t\\N", NULL, NULL
        warnings: list[tuple] = []
        if story.accepted:
            at, clerk = story.accepted
            events.append((at, timestamp(at), steps[Kind.ACCEPT], users[clerk], None))
            clock_columns = self._work(application_id, first_item_id, shape, story, events,
                                       warnings)
            if state != ApplicationState.PROCESSING:  # concluded by its last decision
                at, outcome = story.concluded, story.outcome
                concluded = timestamp(at)
                events.append((at, concluded, templates.varying(shape, Kind.CONCLUDE, -1,
                                                                outcome), "", None))
        else:  # every item waits for the application's acceptance
            items = self.out["application_items"]
            for item in shape.items:
                items.append(f"{first_item_id + item.position}\t{application_id}\t"
                             f"{self.pending[shape.index][item.position]}")
        tracking = None
        if story.delivered:
            at, clerk = story.delivered
            when, data = timestamp(at), None
            if story.delivery == DeliveryMethod.POST:
                tracking = f"SF{application_id:013d}"
                data = f'{{"method":"post","tracking_number":"{tracking}"}}'
            elif story.delivery == DeliveryMethod.WINDOW:
                visits.append(f"{application_id}\t{VisitKind.DELIVERY}\t{when}\t{users[clerk]}\n")
            events.append((at, when, templates.varying(shape, Kind.DELIVER, -1, story.delivery),
                           users[clerk], data))
        updated = max(events, key=_first)[1]  # a warning adds to the history, not to the row
        events += warnings
        events.sort(key=_first)
        head = chain(self.out["events"], self.seal, application_id, events)
        if state in (ApplicationState.CORRECTION, ApplicationState.REFUSED) and story.asked:
            handed_in = _codes(code for code in shape.materials if code not in story.asked)
            outstanding = _codes(story.asked)
        else:
            handed_in, outstanding = self.all_handed_in[shape.index], "[]"
        name, id_number, phone = applicant
        self.out["applications"].append(
            f"{self.prefixes[shape.index]}{application_id}\t{number}\t{state}\t{outcome}\t"
            f"{channel}\t{story.delivery}\t{name}\t{id_number}\t{phone}\t{handed_in}\t"
            f"{outstanding}\t{tracking or NULL}\t{timestamp(received)}\t{updated}\t"
            f"{clock_columns}\t{concluded}\t{len(events)}\t{len(events)}\t{head}\t"
            f"{len(visits) - visited}\t{1 if story.notice else 0}\n")
        if len(events) > self.longest[0]:
            self.longest = (len(events), number)

    def _work(self, application_id: int, first_item_id: int, shape: BundleShape,
              story: Story, events: list, warnings: list) -> str:
        """The items' rows and events up to now; the application's clock columns (its
        conclusion's day and turnaround in working days, once concluded)."""
        accepted_on = local_day(story.accepted[0])
        ended: list[tuple[int, int]] = []
        dues: dict[int, int] = {}
        number = serial(application_id)
        for item in shape.order:  # prerequisites first: an approval before what it opens
            self._item(application_id, first_item_id, shape, story, item, accepted_on, events,
                       warnings, ended, dues, number)
        pauses = tuple(sorted(ended))
        limits, clock, text = shape.bundle.limits, self.clock, self.clock.text
        committed, statutory, yellow, provisional = self._deadlines(
            (accepted_on, self.limits[shape.index][-1], pauses, 0), limits)
        if story.state == ApplicationState.PROCESSING:  # as predicted today
            predicted = self._predicted(shape, story, accepted_on, dues)
        else:  # as predicted when it was concluded: its last decision
            predicted = max((local_day(story.items[item.position][3]) for item in shape.items
                             if story.items[item.position][4] != Kind.CANCEL),
                            default=accepted_on)
        if story.state == ApplicationState.PROCESSING:
            concluded = "\\N\t\\N"
        else:
            concluded_on = local_day(story.concluded)
            concluded = (f"{text(concluded_on)}\t"
                         f"{clock.count_days(accepted_on, concluded_on, Unit.WORKING_DAYS)}")
        return (f"{text(accepted_on)}\t{text(committed)}\t{clock.text_or_null(statutory)}\t"
                f"{text(yellow)}\t{'t' if provisional else 'f'}\t{text(predicted)}\t"
                f"{clock.paused_days(pauses, limits.unit) if pauses else 0}\t{concluded}")

    def _predicted(self, shape: BundleShape, story: Story, accepted_on: int,
                   dues: dict[int, int]) -> int:
        """The completion the app predicts today for an application under review."""
        clock, now = self.clock, self.now
        progress = {}
        for item in shape.items:
            opened, reviewed, _, decided, decision, stop, _ = story.items[item.position]
            if decided <= now:
                state = ItemState.CANCELLED if decision == Kind.CANCEL else DECIDED[decision][0]
            elif opened is None or opened > now:
                state = ItemState.PENDING
            elif stop is not None and stop[0] <= now < stop[1]:
                state = ItemState.PAUSED
            else:
                state = ItemState.OPEN
            progress[item.code] = ItemProgress(
                state, clock.date(dues[item.position]) if item.position in dues else None,
                clock.date(local_day(decided)) if decided <= now else None)
        return clock.day_of(predicted_completion(clock.calendar, shape.bundle,
                                                 clock.date(accepted_on), progress,
                                                 clock.date(local_day(now))))

    def _item(self, application_id: int, first_item_id: int, shape: BundleShape,
              story: Story, item, accepted_on: int, events: list, warnings: list,
              ended: list, dues: dict, serial: str) -> None:
        """An item's row, its events, spans, result and extension request, up to now. The
        hottest code of the seed: a few million items."""
        now, position = self.now, item.position
        (prefix, opening, reviewing, approving, cancelling, limits_number, approval,
         number) = self.made[shape.index][position]
        day_parts, second_parts, first = self.day_parts, self.second_parts, self.clock.first
        item_id = first_item_id + position
        opened, reviewed, reviewer, decided, decision, stop, extension = story.items[position]
        if opened is None or opened > now:  # cancelled before it opened, or still pending
            if decision == Kind.CANCEL and decided <= now:
                when = day_parts[decided // DAY - first] + second_parts[decided % DAY]
                events.append((decided, when, cancelling, "", None))
                row = f"{ItemState.CANCELLED}\t\\N\t{when}\t{CANCELLED}"
            else:
                row = f"{ItemState.PENDING}\t\\N\t\\N\t\\N"
            self.out["application_items"].append(
                f"{item_id}\t{application_id}\t{prefix}{row}\t\\N\t\\N\t\\N\t\\N\tf\t0\t0\t"
                "\\N\t\\N\t\\N\n")
            return
        opened_at = day_parts[opened // DAY - first] + second_parts[opened % DAY]
        events.append((opened, opened_at, opening, "", None))
        if reviewed <= now:
            state = ItemState.REVIEWING
            reviewed_at = day_parts[reviewed // DAY - first] + second_parts[reviewed % DAY]
            assignee = self.users[reviewer]
            events.append((reviewed, reviewed_at, reviewing, assignee, None))
        else:
            state, reviewed_at, assignee = ItemState.OPEN, NULL, NULL
        pauses, paused_days, extended = (), 0, 0
        if stop is not None and stop[0] <= now:
            state, paused_days, pauses = self._stop(application_id, item_id, shape, item, stop,
                                                    assignee, events)
            ended += pauses
        if extension is not None:
            extended = self._extension(application_id, item_id, shape, position, extension,
                                       events)
        if decided <= now:
            decided_at = day_parts[decided // DAY - first] + second_parts[decided % DAY]
            if decision == Kind.APPROVE:
                state, reason = ItemState.APPROVED, NULL
                events.append((decided, decided_at, approving, assignee,
                               approval[0] if len(approval) == 1 else
                               f"{approval[0]}{serial}{approval[1]}"))
                self.out["item_results"].append(
                    f"{application_id}\t{item_id}\t{item.document}\t"
                    f"{number[0] + serial + number[1] if number else NULL}\t\\N\t\\N\t"
                    f"{decided_at}\n")
            else:
                state, reason = ItemState.DENIED, DENIED
                events.append((decided, decided_at, self.templates.varying(
                    shape, decision, position, None), assignee, None))
            end = decided
        else:
            decided_at = reason = NULL
            end = now
        # Items open at acceptance run from the acceptance day; the others from their opening.
        started = (opened + SHANGHAI_OFFSET) // DAY if item.prerequisites else accepted_on
        key = (started, limits_number, pauses, extended)
        found = self.deadlines.get(key)
        if found is None:
            found = self.deadlines[key] = self.clock.deadlines(started, item.limits, pauses,
                                                               extended)
        committed, statutory, yellow, provisional = found
        dues[position] = committed
        # Most items are decided before their yellow day: no warning.
        if yellow * DAY - SHANGHAI_OFFSET + SWEEP_DELAY < end and opened + 60 < end:
            warned = self._warnings(shape, position, opened, reviewed, end, stop, committed,
                                    statutory, yellow, warnings)
        else:
            warned = NULL
        texts = self.clock.date_texts
        self.out["application_items"].append(
            f"{item_id}\t{application_id}\t{prefix}{state}\t{opened_at}\t{decided_at}\t"
            f"{reason}\t{texts[started - first]}\t{texts[committed - first]}\t"
            f"{NULL if statutory is None else texts[statutory - first]}\t"
            f"{texts[yellow - first]}\t{'t' if provisional else 'f'}\t{paused_days}\t"
            f"{extended}\t{warned}\t{assignee}\t{reviewed_at}\n")

    def _stop(self, application_id: int, item_id: int, shape: BundleShape, item, stop: list,
              reviewer: str, events: list) -> tuple[ItemState, int, tuple]:
        """A pause or a department's correction notice: its events and its span. The item's
        state, the days the ended span counts, and the span as a pause of its clock."""
        started, resumed, kind, detail = stop
        clock, templates, timestamp = self.clock, self.templates, self._timestamp
        steps = templates.steps[shape.index]
        position, started_at = item.position, timestamp(started)
        if kind == Kind.PAUSE:
            cause = PAUSE_CAUSES[detail]
            state, note = ItemState.PAUSED, PAUSES[cause]
            events.append((started, started_at, templates.varying(shape, kind, position, detail),
                           reviewer, None))
        else:
            cause, state, note = ClockStop.CORRECTION, ItemState.CORRECTION, ITEM_NOTICE
            events.append((started, started_at, steps[kind][position], reviewer,
                           templates.notice(started, (detail,))))
        started_on = local_day(started)
        if resumed > self.now:
            end, days, pauses = "\\N\t\\N\t\\N", 0, ()
        else:
            resumed_at, resumed_on = timestamp(resumed), local_day(resumed)
            days = clock.count_days(started_on, resumed_on, item.limits.unit)
            end, pauses = f"{resumed_at}\t{clock.text(resumed_on)}\t{days}", (
                (started_on, resumed_on),)
            if kind == Kind.PAUSE:
                events.append((resumed, resumed_at, steps[Kind.RESUME][position], reviewer,
                               None))
            else:
                events.append((resumed, resumed_at, steps[Kind.ITEM_SUPPLEMENT][position],
                               reviewer, templates.supplement("online", (detail,))))
            state = ItemState.REVIEWING
        self.out["paused_spans"].append(
            f"{application_id}\t{item_id}\t{cause}\t{note}\t{started_at}\t"
            f"{clock.text(started_on)}\t{end}\n")
        return state, days, pauses

    def _extension(self, application_id: int, item_id: int, shape: BundleShape, position: int,
                   extension: list, events: list) -> int:
        """The extension's request, approved by the supervisor (and its event) or still waiting
        for the supervisor; the days it added."""
        extended, days, asked, reviewer = extension
        if asked > self.now:
            return 0
        if extended <= self.now:
            when = self._timestamp(extended)
            events.append((extended, when, self.templates.steps[shape.index][Kind.EXTEND][position],
                           self.users[self.staff.supervisor], f'{{"days":{days}}}'))
            settled = f"approved\t{self.staff.supervisor}\t{when}"
        else:
            settled, days = "pending\t\\N\t\\N", 0
        self.out["extension_requests"].append(
            f"{application_id}\t{item_id}\t{extension[1]}\t{EXTENSION_REASON}\t{reviewer}\t"
            f"{self._timestamp(asked)}\t{settled}\t\\N\n")
        return days

    def _deadlines(self, key: tuple, limits) -> tuple:
        found = self.deadlines.get(key)
        if found is None:
            started, _, pauses, extension = key
            found = self.deadlines[key] = self.clock.deadlines(started, limits, pauses,
                                                               extension)
        return found

    def _warnings(self, shape: BundleShape, position: int, opened: int, reviewed: int,
                  end: int, stop, committed: int, statutory: int | None, yellow: int,
                  warnings: list) -> str:
        """What the sweep (every minute) announced on a running item until ``end`` (its
        decision, or now): each rise of its level, once. Its highest level, or NULL."""
        days = (yellow, committed + 1) if statutory is None else (yellow, committed + 1,
                                                                  statutory + 1)
        rises = []
        for rank, day in enumerate(days):
            at = max(midnight(day) + SWEEP_DELAY, opened + 60)
            if stop is not None and stop[0] <= at < stop[1]:  # a stopped clock is not swept
                at = stop[1] + 60
            if at < end:
                rises.append((at, -rank))
        announced, templates = -1, self.templates
        for at, rank in sorted(rises):
            if -rank > announced:
                announced = -rank
                level = LEVELS[announced]
                state = ItemState.REVIEWING if at >= reviewed else ItemState.OPEN
                warnings.append((at, self._timestamp(at), templates.varying(
                    shape, Kind.WARN, position, (level, state)), "",
                    templates.warning(level, committed, statutory)))
        return LEVELS[announced] if announced >= 0 else NULL


def _codes(codes) -> str:
    return "[" + ",".join(f'"{code}"' for code in codes) + "]"
