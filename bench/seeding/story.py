"""What happened to one application, drawn to fit where it stands now.

Drawn in seconds after receipt: submitted; for some a correction notice, then the material;
accepted; each item opened once its prerequisites are approved, reviewed (some paused for an
inspection or an expert review, some waiting on a correction the department asked for, some
extended by the supervisor on the reviewer's request), decided within about its committed
limit (some late, a few past the statutory limit; one application in twelve with an item denied
and what depends on it cancelled); concluded; delivered. A history that does not fit the time
since receipt (an application received last week cannot have been delivered after a month's
work) is drawn again, and after a few tries made faster or slower as a whole: every step keeps
its order. Then ``settle`` makes every time an instant (whole seconds since the epoch).

What is kept are the facts (when each step was taken, by whom); the events, the clock and the
rows are made from them (``rows.py``). An application under review is drawn whole: the steps
after now are left out when it is written.
"""

from __future__ import annotations

import random
from bisect import bisect
from itertools import accumulate

from service.demo.history import DELIVERY_SHARES, ONLINE_SHARE
from service.engine.states import ApplicationState, Channel, Outcome

from .county import (
    APPLICANT,
    CORRECTED_SHARE,
    DENIED_SHARE,
    EXTENDED_SHARE,
    ITEM_CORRECTION_SHARE,
    LATE_SHARE,
    PAUSE_CAUSES,
    PAUSED_SHARE,
    REFUSED_AFTER_NOTICE_SHARE,
    STUCK_SHARE,
    TRIES,
    Kind,
    Staff,
)
from .shapes import DAY, BundleShape

_DELIVERIES = {channel: (tuple(shares), tuple(accumulate(shares.values())))
               for channel, shares in DELIVERY_SHARES.items()}
# An item's facts, by index: when it opened (None: never), its review began, by whom, when it
# was decided, how (Kind.APPROVE, DENY or CANCEL), its stop ([paused, resumed, Kind.PAUSE or
# ITEM_NOTICE, the cause's index or the material]) and its extension ([extended, days, asked,
# asked by]), or None.
OPENED, REVIEWED, REVIEWER, DECIDED, DECISION, STOP, EXTENSION = range(7)


class Story:
    __slots__ = ("state", "channel", "delivery", "handed_in_by", "asked", "notice", "supplied",
                 "closing", "accepted", "concluded", "delivered", "items", "outcome")

    def __init__(self, rng: random.Random, shape: BundleShape, state: ApplicationState,
                 since: float, staff: Staff):
        self.state = state
        for _ in range(TRIES):
            self._draw(rng, shape, state, staff)
            if self._fits(since):
                break
        else:
            self._fit(rng, since)

    # Facts of the application: (time, by whom) or a time; None where the step was not taken.
    def _draw(self, rng: random.Random, shape: BundleShape, state: ApplicationState,
              staff: Staff) -> None:
        draw, clerks = rng.random, staff.clerks
        window = draw() >= ONLINE_SHARE
        self.channel = Channel.WINDOW if window else Channel.ONLINE
        methods, cumulative = _DELIVERIES[self.channel]
        self.delivery = methods[bisect(cumulative, draw() * cumulative[-1])]
        # What is handed in at the window the clerk records; online, the applicant.
        self.handed_in_by = clerks[int(draw() * len(clerks))] if window else APPLICANT
        self.notice = self.supplied = self.closing = self.accepted = None
        self.concluded = self.delivered = self.items = self.outcome = None
        self.asked = self._asked(rng, shape, state)
        at = 0.0
        if self.asked:
            at = 600 + draw() * 6600
            self.notice = (at, clerks[int(draw() * len(clerks))])
        if state in (ApplicationState.SUBMITTED, ApplicationState.CORRECTION):
            return
        if state in (ApplicationState.REFUSED, ApplicationState.WITHDRAWN):
            at += (0.1 + 2.9 * draw()) * DAY
            self.closing = (at, APPLICANT if state == ApplicationState.WITHDRAWN
                            else clerks[int(draw() * len(clerks))])
            return
        if self.asked:
            at += (0.5 + 4.5 * draw()) * DAY
            self.supplied = at
        at += draw() * DAY
        self.accepted = (at, clerks[int(draw() * len(clerks))])
        self.concluded = at = self._work(rng, shape, at, staff)
        if state == ApplicationState.DELIVERED:
            # Most collect within days; some leave their results waiting for weeks.
            wait = 0.5 + 4.5 * draw() if draw() < 0.9 else 5 + 25 * draw()
            self.delivered = (at + wait * DAY, clerks[int(draw() * len(clerks))])

    @staticmethod
    def _asked(rng: random.Random, shape: BundleShape, state: ApplicationState) -> tuple:
        """What a correction notice at intake asked for; () if there was none."""
        if state == ApplicationState.CORRECTION:
            noticed = True
        elif state == ApplicationState.REFUSED:
            noticed = rng.random() < REFUSED_AFTER_NOTICE_SHARE
        else:
            noticed = state not in (ApplicationState.SUBMITTED, ApplicationState.WITHDRAWN) and (
                rng.random() < CORRECTED_SHARE)
        if not noticed or not shape.required:
            return ()
        return tuple(rng.sample(shape.required, min(len(shape.required),
                                                    rng.choice((1, 1, 2)))))

    def _work(self, rng: random.Random, shape: BundleShape, accepted: float,
              staff: Staff) -> float:
        """Each item's facts from ``accepted``; when the last was decided."""
        draw, reviewers = rng.random, staff.reviewers
        count = len(shape.items)
        items: list = [None] * count
        finished, failed = [0.0] * count, [False] * count
        denied = shape.order[int(draw() * len(shape.order))].position if (
            draw() < DENIED_SHARE) else -1
        approved = 0
        for item in shape.order:
            position, start = item.position, accepted
            if item.prerequisites:
                blocked = [finished[each] for each in item.prerequisites if failed[each]]
                if blocked:  # cancelled as soon as a prerequisite was not approved
                    failed[position], finished[position] = True, min(blocked)
                    items[position] = [None, None, 0, finished[position], Kind.CANCEL, None,
                                       None]
                    continue
                start = max(finished[each] for each in item.prerequisites)
            reviewer = reviewers[int(draw() * len(reviewers))]
            review = start + 300 + draw() * 5100
            took = draw() * item.committed
            chance = draw()
            if chance < STUCK_SHARE and item.statutory is not None:
                took = item.statutory * (1.05 + 0.45 * draw())
            elif chance < STUCK_SHARE + LATE_SHARE:
                took += (1 + 2 * draw()) * DAY
            took = max(took, 1800.0)
            stop, stopped = None, 0.0
            chance = draw()
            if chance < PAUSED_SHARE + ITEM_CORRECTION_SHARE:
                at = review + took * (0.2 + 0.5 * draw())
                if chance < PAUSED_SHARE:
                    stopped = (2 + 18 * draw()) * DAY
                    stop = [at, at + stopped, Kind.PAUSE, int(draw() * len(PAUSE_CAUSES))]
                else:
                    stopped = (1 + 7 * draw()) * DAY
                    stop = [at, at + stopped, Kind.ITEM_NOTICE,
                            shape.materials[int(draw() * len(shape.materials))]]
            extension = None
            if item.extension and item.committed >= 2 * DAY and draw() < EXTENDED_SHARE:
                # Asked for and approved well before the committed deadline: once overdue, an
                # item can no longer be extended.
                extended = review + (0.2 + 0.4 * draw()) * min(took, item.committed)
                asked = max(extended - (3600 + draw() * 2 * DAY), review + 60)
                if stop is not None and stop[0] <= extended:
                    extended += stopped
                    asked = max(asked, stop[1] + 30)
                days = 1 + int(draw() * item.extension)
                took += draw() * days * item.committed / item.limits.committed
                extension = [extended, days, asked, reviewer]
            decided = review + took + stopped
            if position == denied:
                failed[position] = True
                decision = Kind.DENY
            else:
                approved += 1
                decision = Kind.APPROVE
            items[position] = [start, review, reviewer, decided, decision, stop, extension]
            finished[position] = decided
        self.items = items
        self.outcome = (Outcome.APPROVED if approved == count else
                        Outcome.PARTLY_APPROVED if approved else Outcome.DENIED)
        return max(finished, default=accepted)

    def _last(self) -> float:
        """When the step that put the application in its state was taken."""
        if self.delivered:
            return self.delivered[0]
        if self.concluded is not None:
            return self.concluded
        if self.closing:
            return self.closing[0]
        return self.notice[0] if self.notice else 0.0

    def _fits(self, since: float) -> bool:
        if self.state == ApplicationState.PROCESSING:
            return self.accepted[0] <= since < self.concluded
        return self._last() <= since

    def _fit(self, rng: random.Random, since: float) -> None:
        """Every step sooner or later by one factor, so that the state holds ``since`` after
        receipt."""
        if self.state == ApplicationState.PROCESSING:
            accepted = self.accepted[0]
            now_at = accepted + rng.uniform(0.05, 0.95) * (self.concluded - accepted)
            factor = since / now_at if now_at > 0 else 1.0
        else:
            factor = since * rng.uniform(0.5, 0.95) / max(self._last(), 1.0)
        self._move(lambda at: at * factor)

    def settle(self, received: int) -> None:
        """Every time from seconds after receipt to an instant."""
        self._move(lambda at: received + int(at))

    def _move(self, move) -> None:
        for name in ("notice", "closing", "accepted", "delivered"):
            fact = getattr(self, name)
            if fact is not None:
                setattr(self, name, (move(fact[0]), fact[1]))
        if self.supplied is not None:
            self.supplied = move(self.supplied)
        if self.concluded is not None:
            self.concluded = move(self.concluded)
        for facts in self.items or ():
            if facts[OPENED] is not None:
                facts[OPENED], facts[REVIEWED] = move(facts[OPENED]), move(facts[REVIEWED])
            facts[DECIDED] = move(facts[DECIDED])
            if facts[STOP] is not None:
                facts[STOP][0], facts[STOP][1] = move(facts[STOP][0]), move(facts[STOP][1])
            if facts[EXTENSION] is not None:
                extension = facts[EXTENSION]
                extension[0], extension[2] = move(extension[0]), move(extension[2])
