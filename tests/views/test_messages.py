"""Messages shown after an action: each in its own banner, several on one page without clashing."""

from collections import Counter

from tests.conftest import normalise_spaces, page_of


def test_several_messages_on_one_page_each_have_their_own_banner_and_unique_ids(client, login_as):
    login_as("viewer")
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "You have signed out."), ("success", "Saved."), ("info", "Check your email.")]
    page = page_of(client.get("/key-roles"))
    banners = page.select(".govuk-notification-banner")
    assert [normalise_spaces(b.select_one(".govuk-notification-banner__content")) for b in banners] == [
        "You have signed out.",
        "Saved.",
        "Check your email.",
    ]
    ids = Counter(element["id"] for element in page.select("[id]"))
    assert [i for i, n in ids.items() if n > 1] == []
    for banner in banners:
        assert page.select_one(f"#{banner['aria-labelledby']}") in banner.descendants
