"""The shared text rules: citation markers, sentences, numbers, clipping and Markdown (pure)."""

from __future__ import annotations

from textkit.citations import citation_markers, cite, strip_citations
from textkit.clipping import clip_words
from textkit.markdown import has_markup, inner_sections, plain_text
from textkit.numbers import number_strings, number_supported, numeric_values, parse_numbers
from textkit.sentences import loose_sentences, prose_sentences, source_sentences, split_sentences


def test_markers_single_grouped_and_never_an_interval() -> None:
    assert citation_markers("A [1]. B [2, 3]. C [4;5].") == [1, 2, 3, 4, 5]
    assert citation_markers("p lies in [0, 1] and [0.2, 0.4] [2].") == [2]
    assert strip_citations("n = 20 [3].") == "n = 20  ."
    assert cite("Power is 0.8.", 3) == "Power is 0.8 [3]."
    assert cite("No stop", 1) == "No stop [1]."


def test_a_citation_after_the_stop_stays_with_its_sentence_and_abbreviations_do_not_split() -> None:
    assert split_sentences("Power rises with n. [1] It falls with noise [2].") == [
        "Power rises with n. [1]",
        "It falls with noise [2].",
    ]
    assert split_sentences("Use a guardrail, e.g. Latency. Then ship.") == [
        "Use a guardrail, e.g. Latency.",
        "Then ship.",
    ]
    assert prose_sentences("One.\n\n  Two.") == ["One.", "Two."]


def test_loose_sentences_cut_at_every_stop_so_a_calculation_quote_is_its_outputs() -> None:
    text = "power = 0.869. inputs: n per group = 20, delta = 1."
    assert loose_sentences(text) == ["power = 0.869.", "inputs: n per group = 20, delta = 1."]
    assert split_sentences(text) == [text]  # the answer splitter wants a capital after the stop


def test_a_source_passage_may_start_a_sentence_with_a_digit_and_keeps_a_lone_line_break() -> None:
    # The curated definitions are written this way ("... per group. 95% of ..."); answer plans quote them.
    text = (
        "Power is 0.8 at n = 100 per group.\n95% of intervals cover the truth,\nsee e.g. Table 3. Then stop."
    )
    assert source_sentences(text) == [
        "Power is 0.8 at n = 100 per group.",
        "95% of intervals cover the truth,\nsee e.g. Table 3.",
        "Then stop.",
    ]
    assert split_sentences(text)[1] == "95% of intervals cover the truth,"  # answers: a line break ends one
    # Markdown code or a formula opens a sentence in lower case; an abbreviation still does not end one
    coded = "Use it within a margin. statsmodels implements it. d = δ / σ. Johari et al. recommend it, e.g. for rates."
    assert source_sentences(coded) == [
        "Use it within a margin.",
        "statsmodels implements it.",
        "d = δ / σ.",
        "Johari et al. recommend it, e.g. for rates.",
    ]


def test_a_locator_abbreviation_before_its_number_ends_no_sentence() -> None:
    # "(Kohavi, Tang & Xu 2020, ch. 21)" had been cut after "ch.", and the claim before it dropped as a fragment
    text = "An SRM makes the estimate untrustworthy (Kohavi, Tang & Xu 2020, ch. 21). See pp. 12-19. Say no. 3 remain."
    assert source_sentences(text) == [
        "An SRM makes the estimate untrustworthy (Kohavi, Tang & Xu 2020, ch. 21).",
        "See pp. 12-19.",
        "Say no.",
        "3 remain.",
    ]
    # before a word, the same letters end a sentence
    assert source_sentences("Read the ch. Then the rest.") == ["Read the ch.", "Then the rest."]
    assert split_sentences("Untrustworthy (Kohavi 2020, ch. 21) [1]. Next [2].") == [
        "Untrustworthy (Kohavi 2020, ch. 21) [1].",
        "Next [2].",
    ]


def test_numbers_as_written_and_matched_to_values() -> None:
    assert number_strings("n = 57,756 users, α = 0.05, lift 5% [2], 1e-3") == ["57,756", "0.05", "5%", "1e-3"]
    [pct] = parse_numbers("a 5% lift")
    assert pct.percent and number_supported(pct, [0.05]) and number_supported(pct, [5.0])
    [rounded] = parse_numbers("power is 0.87")
    assert number_supported(rounded, [0.8689528]) and not number_supported(rounded, [0.85])
    assert numeric_values({"n": [20, 21], "ok": True, "note": "alpha 5%"}) == [20.0, 21.0, 0.05]


def test_clip_cuts_at_a_late_sentence_end_or_marks_the_cut() -> None:
    text = "One two three four. Five six seven eight nine ten."
    assert clip_words(text, 6) == "One two three four."
    assert clip_words("a b c d e f g h", 3) == "a b c …"
    assert clip_words("short  text", 10) == "short text"


def test_markdown_becomes_the_plain_text_the_model_sees() -> None:
    markdown = "## Heading\n- **Power** depends on `n`\n- see [the guide](guide.md)\n\n1. first"
    assert plain_text(markdown) == "Power depends on n see the guide first"
    glossary = "**Practical significance.** Whether the effect matters. **MDE**: the smallest effect."
    assert (
        plain_text(glossary)
        == "Practical significance: Whether the effect matters. MDE: the smallest effect."
    )
    assert plain_text("a **bold** claim. **Power** is 0.8.") == "a bold claim. Power is 0.8."
    assert has_markup("- a bullet") and has_markup("a **bold** claim") and not has_markup("Plain prose.")


def test_a_packed_chunk_splits_into_its_sections_under_long_enough_headings() -> None:
    packed = (
        "## Can we trust a test that ran for only three days?\n\nIt misses the weekend.\n\n"
        "## Should we stop a test early because it is losing?\n\nStopping for harm is fine.\n\n"
        "### Remedies\n\n1. Use a guardrail.\n"
    )
    parts = inner_sections(packed, 4)
    assert [h for h, _ in parts] == [
        "Can we trust a test that ran for only three days?",
        "Should we stop a test early because it is losing?",
    ]
    # the short heading stays inside the section it belongs to
    assert "Use a guardrail." in parts[1][1] and "Remedies" in parts[1][1]
    # text before the first heading is a part of its own, with no heading; a passage without headings is one part
    assert inner_sections("Intro.\n## A heading of five words\nBody.", 4) == [
        ("", "Intro.\n"),
        ("A heading of five words", "\nBody."),
    ]
    assert inner_sections("Just text.", 4) == [("", "Just text.")]
