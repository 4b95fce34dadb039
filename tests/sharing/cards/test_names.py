"""Every name on the image: a corpus of real names in many scripts, drawn with nothing lost.

Per name and weight: cleaning keeps every character, the runs keep every grapheme cluster,
the font of each run maps every code point of each of its clusters (so no ``.notdef``), and
each run has a width. Rare hanzi, Hangul and emoji need the system fonts of
``sharing.cards.fonts.INSTALL_HINT``: skipped without them on a developer's machine, required
in CI (``.ci/run`` installs them).
"""

from __future__ import annotations

import io
import logging
import os
import unicodedata

import pytest
from PIL import Image, ImageChops

from sharing.cards import fonts, render, text
from sharing.cards.fonts import (
    clusters_split,
    font_chain,
    font_get,
    is_emoji,
    run_length,
    runs_split,
)
from sharing.cards.render import LAYOUTS, CardSpec, card_layout, card_render
from sharing.cards.text import emoji_image, text_clean

pytestmark = pytest.mark.pure

# Shipped in sharing/fonts: drawn on any machine.
SHIPPED = {
    "latin": ["Zoë Saldaña", "François Lefèvre", "Łukasz Żółć", "Nguyễn Thị Ánh", "Søren Ødegård",
              "Ångström Øyvind", "Şükrü Öztürk", "Dvořák Jiří", "Bjørk Guðmundsdóttir"],
    "greek": ["Γιώργος Παπαδόπουλος", "Ψυχή Ελένη"],
    "cyrillic": ["Дарья Щербакова", "Олександр Їжак", "Ђорђе Јовановић"],
    "arabic": ["محمد عبد الله", "فاطمة الزهراء"],
    "hebrew": ["שָׁלוֹם כהן", "יעל אברהם"],
    "devanagari": ["प्रिया शर्मा", "अर्जुन क्षत्रिय"],
    "thai": ["สมชาย ใจดี", "ประยุทธ์"],
    "chinese (GB2312)": ["王小明", "李娜", "张伟"],
    "japanese kana": ["さくら", "ナオミ"],
}  # fmt: skip
# Need the system's Noto Sans CJK and Noto Color Emoji.
SYSTEM = {
    "chinese (rare)": ["王喆", "李堃", "陈昇", "林禕", "黄峯"],
    "japanese kanji": ["髙橋 さくら", "渡邊 恵", "𠮷野 家"],
    "korean": ["김민준", "이서연", "박지훈"],
    "emoji": ["Anna 😀", "🎉🎉", "👍🏽", "👩‍👩‍👧‍👦 family", "🇺🇦 🇯🇵 🇧🇷", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "1️⃣ ❤️ ☕️",
              "👨🏾‍💻", "🧑‍🤝‍🧑"],
    "mixed": ["Zoë 王喆 😀", "김민준 & 髙橋 🇰🇷🇯🇵"],
}  # fmt: skip


def _have_system_fonts(weight: str) -> bool:
    chain = font_chain(weight)
    return any(f.color for f in chain) and any(f.covers(ord("喆")) for f in chain)


def _cases(groups: dict[str, list[str]], system: bool) -> list:
    return [
        pytest.param(name, weight, system, id=f"{script}-{weight}-{n}")
        for script, names in groups.items()
        for n, name in enumerate(names)
        for weight in ("bold", "regular")
    ]


CASES = _cases(SHIPPED, False) + _cases(SYSTEM, True)


@pytest.mark.parametrize(("name", "weight", "system"), CASES)
def test_every_cluster_of_a_name_is_drawn_by_a_font_that_has_it(name, weight, system):
    if system and not _have_system_fonts(weight):
        if os.environ.get("CI"):
            pytest.fail(f"CI must have the card fonts: {fonts.INSTALL_HINT}")
        pytest.skip(f"system card fonts not installed: {fonts.INSTALL_HINT}")
    clean = text_clean(name, max_chars=200)
    assert clean == unicodedata.normalize("NFC", name)
    runs = runs_split(clean, weight)
    assert "".join(t for _i, t in runs) == clean  # no cluster dropped
    chain = font_chain(weight)
    for idx, run in runs:
        for cluster in clusters_split(run):
            assert chain[idx].covers_all(cluster), (cluster, chain[idx].path.name)
            assert chain[idx].color == is_emoji(cluster), cluster
        assert run_length(weight, idx, run, 40) > 0, run
        if chain[idx].color:
            picture, _ascent = emoji_image(weight, idx, run, 40)
            assert picture.getchannel("A").getbbox() is not None  # not blank
        elif run.strip():
            assert font_get(weight, idx, 40).getbbox(run)[2] > 0


def test_the_whole_corpus_is_drawn_on_every_layout():
    names = [n for group in (SHIPPED, SYSTEM) for ns in group.values() for n in ns]
    for layout in LAYOUTS:
        spec = CardSpec(layout=layout, headline=" ".join(names[:12]), subline=" ".join(names[12:]),
                        name=names[-1], quiz_title="Names", site_name="Quizbuilder",
                        share_url="", background="#1e3a8a")  # fmt: skip
        card = card_render(spec, formats=("png",))
        assert Image.open(io.BytesIO(card.data)).size == LAYOUTS[layout]
        blocks = {t.role: t.block for t in card_layout(spec).texts}
        if _have_system_fonts("bold"):
            assert blocks["name"].text == text_clean(names[-1], max_chars=200)


def test_an_emoji_is_pasted_in_colour():
    if not _have_system_fonts("bold"):
        pytest.skip(f"system card fonts not installed: {fonts.INSTALL_HINT}")
    spec = CardSpec(layout="og", headline="🟥🟥🟥🟥🟥🟥", subline="", name="", quiz_title="",
                    site_name="", share_url="", background="#000000")  # fmt: skip
    im = Image.open(io.BytesIO(card_render(spec, formats=("png",)).data)).convert("RGB")
    r, g, b = (im.getchannel(c) for c in "RGB")
    red = ImageChops.multiply(
        r.point(lambda v: 255 if v > 180 else 0),
        ImageChops.multiply(g.point(lambda v: 255 if v < 90 else 0),
                            b.point(lambda v: 255 if v < 90 else 0)),
    )  # fmt: skip
    reds = red.histogram()[255]
    assert reds > 10_000  # the red squares, not white text or nothing


@pytest.fixture
def no_system_fonts(monkeypatch):
    def clear():
        for cached in (font_chain, font_get, text._ref_width, text.text_fit, emoji_image,
                       render._text_mask):  # fmt: skip
            cached.cache_clear()

    monkeypatch.setattr(fonts, "system_font_find", lambda name: None)
    clear()
    yield
    monkeypatch.undo()
    clear()


def test_without_the_system_fonts_it_logs_how_to_install_them_and_drops_what_it_cannot_draw(
    no_system_fonts, caplog
):
    with caplog.at_level(logging.WARNING, logger="sharing.cards.fonts"):
        runs = runs_split("Zoë 王喆 😀 김민준 さくら", "bold")
    assert "".join(t for _i, t in runs) == "Zoë 王 さくら"
    assert not any(f.color for f in font_chain("bold"))
    assert fonts.INSTALL_HINT in caplog.text
    spec = CardSpec(layout="og", headline="王喆 😀", subline="", name="", quiz_title="",
                    site_name="", share_url="", background="#000000")  # fmt: skip
    assert card_render(spec, formats=("png",)).data  # still a card
    assert "NotoColorEmoji.ttf" not in fonts.fonts_signature()


def test_a_card_is_named_anew_when_the_system_fonts_change(monkeypatch):
    spec = CardSpec(layout="og", headline="王喆 😀", subline="", name="", quiz_title="",
                    site_name="", share_url="", background="#000000")  # fmt: skip
    before = render.card_inputs_hash(spec)
    monkeypatch.setattr(render, "fonts_signature", lambda: ["NotoSans-Bold.subset.ttf"])
    assert render.card_inputs_hash(spec) != before


def test_the_cmap_reader_agrees_with_the_shipped_coverage():
    for face in font_chain("bold"):
        if face.path.parent == fonts.FONT_DIR:
            ranges = fonts.cmap_ranges(face.path)
            assert tuple(lo for lo, _hi in ranges) == face.starts
            assert tuple(hi for _lo, hi in ranges) == face.ends


def test_clusters_keep_emoji_sequences_whole():
    assert clusters_split("a\u0301b👩‍👩‍👧‍👦🇺🇦🇯🇵1️⃣👍🏽") == [
        "a\u0301", "b", "👩‍👩‍👧‍👦", "🇺🇦", "🇯🇵", "1️⃣", "👍🏽"
    ]  # fmt: skip
    assert text_clean("a\u200db 😀\u200d🔥", max_chars=20) == "ab 😀\u200d🔥"
