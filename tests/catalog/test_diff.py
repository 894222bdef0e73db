"""Two versions of a bundle compared: items, prerequisite edges, limits, fields, materials."""

import copy

from service.catalog.definitions import load_catalog
from service.catalog.diff import Change, Difference, Part, differences
from tests.conftest import TEST_WORKFLOWS


def restaurant() -> dict:
    return copy.deepcopy(load_catalog(TEST_WORKFLOWS).bundles["restaurant"])


def test_a_version_equal_to_itself_has_no_differences():
    assert differences(restaurant(), restaurant()) == []


def test_every_kind_of_change_is_named():
    old, new = restaurant(), restaurant()
    removed = new["items"].pop()  # the fire safety inspection, after business establishment
    new["limits"]["committed"] += 2
    signboard = next(item for item in new["items"] if item["code"] == "outdoor_signboard")
    signboard["limits"] = {**signboard["limits"], "committed": 3}
    signboard["prerequisites"] = []
    new["form"].append({"code": "seats", "label": "座位数", "type": "number", "required": False})
    new["materials"] = new["materials"][1:]

    found = differences(old, new)
    assert Difference(Part.ITEM, Change.REMOVED, removed["code"]) in found
    assert Difference(Part.EDGE, Change.REMOVED,
                      "business_establishment → outdoor_signboard") in found
    assert Difference(Part.EDGE, Change.REMOVED,
                      f"business_establishment → {removed['code']}") in found
    bundle_limits = next(each for each in found if each.part == Part.LIMITS and not each.subject)
    assert bundle_limits.before.startswith("7/") and bundle_limits.after.startswith("9/")
    assert any(each.part == Part.LIMITS and each.subject == "outdoor_signboard"
               and each.after.startswith("3/") for each in found)
    assert Difference(Part.FIELD, Change.ADDED, "seats") in found
    assert Difference(Part.MATERIAL, Change.REMOVED, old["materials"][0]["code"]) in found
    assert differences(new, old)[0].change == Change.ADDED  # the other way round
