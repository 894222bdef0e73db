"""Every state, step, pause cause, outcome and level has its words for applicants, in Chinese
and in English: a new member of a vocabulary cannot ship unexplained."""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from service.engine.states import (
    ApplicationState,
    AutomaticTrigger,
    Bookkeeping,
    ClockStop,
    DeliveryMethod,
    ItemState,
    Level,
    Outcome,
    Trigger,
)
from service.portal import wording

CATALOG = Path(wording.__file__).parents[1] / "translations/en/LC_MESSAGES/messages.po"
SHOWN_STEPS = {*Trigger, *AutomaticTrigger, Bookkeeping.SUBMIT,  # the rest is staff bookkeeping
               Bookkeeping.MIGRATE_VERSION}

VOCABULARIES = [
    (wording.APPLICATION_STATES, set(ApplicationState)),
    (wording.ITEM_STATES, set(ItemState)),
    (wording.STEPS, SHOWN_STEPS),
    (wording.PAUSE_CAUSES, set(ClockStop)),
    (wording.OUTCOMES, set(Outcome)),
    (wording.DELIVERY, set(DeliveryMethod)),
    (wording.LEVELS, set(Level)),
]


@pytest.fixture(scope="module")
def english() -> dict[str, str]:
    with CATALOG.open("rb") as file:
        catalog = read_po(file)
    return {message.id: message.string for message in catalog
            if message.id and not message.fuzzy}


@pytest.mark.parametrize(("words", "members"), VOCABULARIES,
                         ids=["application states", "item states", "steps", "pause causes",
                              "outcomes", "delivery", "levels"])
def test_each_member_has_chinese_words_and_their_english(words, members, english):
    assert set(words) == {member.value for member in members}
    for member, text in words.items():
        chinese = text._args[0]  # the lazy string's message id: the Chinese words
        assert chinese.strip(), member
        assert english.get(chinese, "").strip(), f"{member}: no English for {chinese!r}"
