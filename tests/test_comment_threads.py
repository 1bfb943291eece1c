"""Reader comment threads below a story: taken whole, while a story that quotes people stays."""

from __future__ import annotations

from cleankit.filters.furniture import DropPageFurniture
from tests.conftest import make_doc

STORY = (
    "Ferry Service Returns After Winter Repairs\n"
    "The harbour ferry returned to service on Monday after three months of repairs to its hull.\n"
    "The operator said crossings would run every half hour until the summer timetable starts.\n"
    "Commuters who waited on the pier said the queue was the longest they had seen in a year.\n"
)


def _cleaned(text: str) -> tuple[str, list[str]]:
    outcome = DropPageFurniture()(make_doc(text))
    assert outcome.doc is not None
    return outcome.doc.text, [e.why for e in outcome.edits]


def test_a_dated_thread_goes_comment_text_and_all() -> None:
    thread = (
        "Mara Quinn on March 3, 2025 at 4:47 pm said:\n"
        "Will the late crossing come back as well? It was the only one that suited my shifts.\n"
        "Pier Office on March 4, 2025 at 9:12 am said:\n"
        "Hi Mara,\n"
        "The late crossing returns with the summer timetable in May, as it did last year.\n"
    )
    text, whys = _cleaned(STORY + thread)
    assert text == STORY
    assert len(whys) == 5
    assert all(
        why.startswith("a reader comment below the article: 2 comment headers") for why in whys
    )


def test_headers_over_their_dates_with_reply_buttons_go() -> None:
    thread = (
        "harbourfan says:\n"
        "March 3, 2025 at 5:03 pm\n"
        "About time. The bus round the bay takes an hour longer than the boat ever did.\n"
        "Reply\n"
        "J. Moss says:\n"
        "March 3, 2025 at 6:12 pm\n"
        "My father worked on that hull in the nineties and it was already tired then.\n"
        "Reply\n"
    )
    text, _ = _cleaned(STORY + thread)
    assert text == STORY


def test_names_over_dates_go_only_where_reply_buttons_mark_a_thread() -> None:
    # Without reply buttons a name over a date over a sentence may be a post the story embeds.
    posts = (
        "Harbour Master\n"
        "March 3, 2025\n"
        "The ferry is back on the water and the first crossing left on time this morning.\n"
        "Pier Office\n"
        "March 3, 2025\n"
        "Tickets bought for the replacement bus remain valid on the ferry this week.\n"
        "The operator thanked passengers for their patience during the long closure.\n"
    )
    text, _ = _cleaned(STORY + posts)
    assert "The ferry is back on the water" in text
    assert "Tickets bought for the replacement bus" in text
    with_buttons = posts.replace("this morning.\n", "this morning.\nReply\n").replace(
        "this week.\n", "this week.\nReply\n"
    )
    text, _ = _cleaned(STORY + with_buttons)
    assert "The ferry is back on the water" not in text
    assert text.startswith(STORY)


def test_a_story_that_introduces_quotes_with_says_keeps_them() -> None:
    quotes = (
        "The harbour master says:\n"
        "We could not let the ferry sail another winter without a new hull, whatever it cost.\n"
        "The operator's chief engineer says:\n"
        "The repairs took longer because the yard found corrosion under the old paint.\n"
    )
    text, _ = _cleaned(STORY + quotes)
    assert text == STORY + quotes


def test_a_page_that_opens_with_comments_is_no_thread_under_a_story() -> None:
    # A forum page: the posts are the text; there is no article above them.
    forum = (
        "Mara Quinn on March 3, 2025 at 4:47 pm said:\n"
        "Will the late crossing come back as well? It was the only one that suited my shifts.\n"
        "Pier Office on March 4, 2025 at 9:12 am said:\n"
        "The late crossing returns with the summer timetable in May, as it did last year.\n"
    )
    text, _ = _cleaned(forum)
    assert "Will the late crossing come back as well?" in text
    assert "The late crossing returns with the summer timetable" in text
