"""Caption cues to broadcast rules, cut from spoken sentences and timed by their words.

The rules (Netflix's English timed-text guide, the BBC's subtitle guidelines):

- at most :data:`MAX_LINE` characters a line and :data:`MAX_LINES` lines a cue;
- two lines only when one will not do, and then as even as the words allow;
- at most :data:`MAX_CPS` characters a second (spaces counted, the line break not);
- every cue on screen at least :data:`MIN_SECONDS`, and where the silence after it allows,
  :data:`COMFORT_SECONDS` and no faster than :data:`COMFORT_CPS` (never by moving
  another cue); a sentence is not cut to leave a piece on screen less than
  :data:`COMFORT_SECONDS`;
- a sentence too long for one cue is cut where a reader pauses: after punctuation
  first, then before a conjunction or relative pronoun, then before a preposition,
  a determiner or a verb of being; never after an article, a preposition, an
  adjective-looking word or a numeral that qualifies the next word, never beside a
  formula's operator, and never inside a caption chunk (a value such as "10.005" or
  "x² + 1" is one chunk, see :mod:`lessonreel.authoring.spoken`);
- each piece appears when its first word is said, and stays until the next piece
  of the sentence appears (so nothing flickers off at a comma's pause).

Pure: no Manim, no files. Times in seconds on whatever clock the caller uses.

Over 400 lines because the caption rules above are one algorithm: where to cut, how
to time and how to line-break all weigh the same costs.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

MAX_LINE = 42
MAX_LINES = 2
MAX_CPS = 20.0
MIN_SECONDS = 5 / 6
#: Two cues closer than this are chained: the first stays until the second appears.
CHAIN_GAP = 0.5
#: Above the rules' floor, what reads at ease (mathematics is read slower than prose):
#: a cue is not cut so that a piece shows for less than this, and a cue said faster
#: stays on into the silence after it, never delaying the next cue, until it has
#: shown this long...
COMFORT_SECONDS = 1.5
#: ... and is read at no more than this many characters a second.
COMFORT_CPS = 15.0
#: Of two lines, the shorter is at least this share of the longer wherever a line break
#: allows it; above it, the more even the better.
BALANCE = 0.4

_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")
_CLAUSE_END = re.compile(r"[,;:\u2013\u2014)\]][\"'”’]*$")
_OPERATORS = frozenset("= + - − × · / ÷ < > ≤ ≥ ≈ ≠ → ± ^ *".split())

_CONJUNCTIONS = frozenset("""and but or nor so yet because while until unless although
though whereas if when whenever since before after then once whether""".split())
_RELATIVES = frozenset("which that who whom whose where what how why".split())
_PREPOSITIONS = frozenset("""of to in on at by for with from into onto over under
between through toward towards along across about against around as per without
within than like near beyond past upon among behind below above""".split())
#: After a verb these belong to it ("blows up", "came down", "pick up"): never a line's start.
_PARTICLES = frozenset("up down off out".split())
#: A subject a line should not leave its verb behind from ("there | is", "it | says").
_SUBJECTS = frozenset("there here it that this what which who we you they i he she".split())
_DETERMINERS = frozenset("""the a an this these those that each every its their our
your his her my some any no all both either neither another other such""".split())
_VERBS = frozenset("""is are was were be been being has have had does do did can
could will would should may might must says tells gives means shows stays moves""".split())
_PRONOUNS = frozenset("we you they i he she it".split())
_NUMBER_WORDS = frozenset("""one two three four five six seven eight nine ten eleven
twelve twenty hundred thousand million half""".split())
#: Words that lean on the word after them so hard a break there is never made.
_ARTICLES = frozenset("""the a an this these those each every its their our your his
her my some any no another such many few several both""".split())
#: Common adjectives the endings below miss.
_ADJECTIVES = frozenset("""real small big new old same other whole single simple
straight tiny round upright large larger little first second third last next flat
long short high low good bad great fixed rounded""".split())
#: Endings of words that, before a noun, qualify it ("partial derivative", "learning
#: system"); a verb so ended keeps its object on its line, which is no loss. Not "-ed":
#: a verb in the past ("computed | came") is as often a fine place to break.
_ADJECTIVE_ENDINGS = ("al", "ive", "ous", "ful", "less", "able", "ible", "ic", "ary", "est",
                      "ian", "ing")
#: Words a line had better not end on: the phrase they open goes on after them.
_SOFT_LEANING = _PREPOSITIONS | _CONJUNCTIONS | _RELATIVES | frozenset(
    """we you they i he she can could will would should may might must is are was were
    be has have had very more most less least too""".split())
_FUNCTION_WORDS = _CONJUNCTIONS | _RELATIVES | _PREPOSITIONS | _DETERMINERS | _VERBS \
    | _PRONOUNS


@dataclass(frozen=True)
class Cue:
    """One caption on screen: its lines and when it shows."""

    start: float
    end: float
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def characters(self) -> int:
        """Characters a reader reads: spaces counted, the line break not."""
        return len(" ".join(self.lines))

    @property
    def seconds(self) -> float:
        return self.end - self.start

    @property
    def cps(self) -> float:
        return self.characters / self.seconds if self.seconds > 0 else float("inf")


@dataclass(frozen=True)
class TimedSentence:
    """A caption sentence as chunks (never cut), each with the time its words are said."""

    chunks: tuple[str, ...]
    times: tuple[tuple[float, float], ...]

    @property
    def start(self) -> float:
        return self.times[0][0]

    @property
    def end(self) -> float:
        return self.times[-1][1]


def timed_sentence(caption: str, start: float, end: float,
                   chunks: Sequence[Sequence[str]] | None = None,
                   words: Sequence[Sequence[float]] | None = None) -> TimedSentence:
    """The sentence's caption chunks timed by the spoken words said for each.

    ``chunks`` pairs each caption chunk with its spoken words (default: the caption's
    words, spoken as written); ``words`` is (start, end) of each spoken word. Where
    the words do not match the chunks (an older record), each chunk gets a share of
    the sentence by its length.
    """
    pairs = [(str(c), str(s)) for c, s in chunks] if chunks else []
    if not pairs or " ".join(c for c, _ in pairs) != " ".join(caption.split()):
        pairs = [(w, w) for w in caption.split()]
    counts = [len(spoken.split()) for _, spoken in pairs]
    times: list[tuple[float, float]] = []
    if words is not None and len(words) == sum(counts) and words:
        i = 0
        for count in counts:
            if count:
                times.append((float(words[i][0]), float(words[i + count - 1][1])))
                i += count
            else:
                at = times[-1][1] if times else float(words[0][0])
                times.append((at, at))
    else:
        weights = [max(1, len(c)) for c, _ in pairs]
        total = sum(weights)
        acc = 0
        for weight in weights:
            a = start + (end - start) * acc / total
            acc += weight
            times.append((a, start + (end - start) * acc / total))
    return TimedSentence(tuple(c for c, _ in pairs), tuple(times))


# --- where a line or a cue may break ------------------------------------------------

FORBIDDEN = 99
#: What one more cue costs, against 4 a step of a cut's badness (see break_cost).
CUE_PRICE = 6.0


def _bare(chunk: str) -> str:
    return chunk.strip("\"'“”‘’()[]{}.,;:!?").lower()


def _is_numeral(chunk: str) -> bool:
    bare = chunk.strip("\"'()[],;:.!?")
    if bare.lower() in _NUMBER_WORDS:
        return True
    return bool(bare) and any(c.isdigit() for c in bare) and not any(c.isalpha() for c in bare)


def _is_formula_piece(chunk: str) -> bool:
    """An operator standing alone, or a chunk that opens or closes on one ("x+", "=1")."""
    bare = chunk.strip(",;:.")
    return bare in _OPERATORS or bare[:1] in _OPERATORS - {"-"} or bare[-1:] in _OPERATORS


def _looks_adjective(word: str) -> bool:
    return word in _ADJECTIVES or (len(word) > 4 and word.endswith(_ADJECTIVE_ENDINGS))


def break_cost(before: str, after: str) -> int:
    """How good a break between two chunks is, 0 (after punctuation) to 7 (after a word
    that opens a phrase), or FORBIDDEN (inside a noun phrase or a formula)."""
    if _is_formula_piece(before) or _is_formula_piece(after):
        return FORBIDDEN
    # An aside opens with a bracket or a dash; a value such as "(2, 2)" is no aside.
    aside = after[:1] in "\u2014\u2013" or (after[:1] == "(" and after[1:2].isalpha())
    if _CLAUSE_END.search(before) or _SENTENCE_END.search(before) or aside:
        return 0
    word, following = _bare(before), _bare(after)
    qualifies = following.isalpha() and following not in _FUNCTION_WORDS
    if word in _ARTICLES:
        return FORBIDDEN  # "the | slope"
    if qualifies and (_is_numeral(before) or _looks_adjective(word)):
        return FORBIDDEN  # "2 | inputs", "partial | derivative"
    if following in _CONJUNCTIONS or following in _RELATIVES:
        cost = 1
    elif following in _PREPOSITIONS or following in _DETERMINERS or following in _VERBS \
            or following in _PRONOUNS:
        cost = 2
    else:
        cost = 4
    # "from | (2, 1)", "blows | up", "there | is", "out | of"
    if (word in _SOFT_LEANING or following in _PARTICLES
            or (word in _SUBJECTS and following in _VERBS)
            or (word in _PARTICLES and following == "of")):
        return max(cost, 7)
    return cost


# --- lines -------------------------------------------------------------------------

def _join(chunks: Sequence[str]) -> str:
    return " ".join(chunks)


def line_layout(chunks: Sequence[str]) -> tuple[tuple[str, ...], float] | None:
    """The best way to show ``chunks`` as one cue, with its cost; None if they cannot
    fit in MAX_LINES lines of MAX_LINE characters."""
    return _line_layout(tuple(chunks))


@lru_cache(maxsize=4096)
def _line_layout(chunks: tuple[str, ...]) -> tuple[tuple[str, ...], float] | None:
    whole = _join(chunks)
    if len(whole) <= MAX_LINE:
        return (whole,), 0.0
    options = []
    for k in range(1, len(chunks)):
        top, bottom = _join(chunks[:k]), _join(chunks[k:])
        if len(top) > MAX_LINE or len(bottom) > MAX_LINE:
            continue
        cost = break_cost(chunks[k - 1], chunks[k])
        shorter, longer = sorted((len(top), len(bottom)))
        options.append((cost, shorter / longer, len(top) - len(bottom), (top, bottom)))
    if not options:
        return None
    allowed = [o for o in options if o[0] < FORBIDDEN] or options
    balanced = [o for o in allowed if o[1] >= BALANCE] or allowed
    # The best break a reader would choose among even-enough lines, weighed against
    # how uneven it leaves them; of equals, the one with the longer bottom line.
    best = min(balanced, key=lambda o: (_line_cost(o[0], o[1]), o[2] > 0))
    return best[3], _line_cost(best[0], best[1])


def _line_cost(kind: int, evenness: float) -> float:
    return 1.0 + 2.0 * kind + 8.0 * (1 - evenness) ** 2 + (0 if evenness >= BALANCE else 10.0)


# --- cues of one sentence ------------------------------------------------------------

def _piece_cost(sentence: TimedSentence, i: int, j: int) -> tuple[tuple[str, ...], float] | None:
    layout = line_layout(sentence.chunks[i:j])
    if layout is None:
        return None
    lines, cost = layout
    chars = len(" ".join(lines))
    spoken = sentence.times[j - 1][1] - sentence.times[i][0]
    if spoken < MIN_SECONDS:
        cost += 20.0 * (MIN_SECONDS - spoken) / MIN_SECONDS
    # A piece of a longer sentence shown briefly reads as an orphan ("and it ends at 8."):
    # dearer than a cut a step worse, so it joins its neighbour where the lines allow.
    if spoken < COMFORT_SECONDS and (i > 0 or j < len(sentence.chunks)):
        cost += 12.0 * (COMFORT_SECONDS - spoken) / COMFORT_SECONDS
    if chars / max(spoken, 1e-3) > MAX_CPS:
        cost += 10.0 * (chars / max(spoken, 1e-3) / MAX_CPS - 1)
    return lines, cost


def sentence_pieces(sentence: TimedSentence) -> list[tuple[int, int, tuple[str, ...]]]:
    """The sentence cut into cues: (first chunk, chunk after the last, lines) each.

    One cue when it fits; else the cuts with the least cost: each cut's kind (see
    :func:`break_cost`), each cue's lines, reading speed and time on screen, and a
    price per cue, so a sentence is not cut more than it needs.
    """
    n = len(sentence.chunks)
    whole = _piece_cost(sentence, 0, n)
    if whole is not None and whole[1] < CUE_PRICE:
        return [(0, n, whole[0])]
    best: list[tuple[float, int, tuple[str, ...]] | None] = [None] * (n + 1)
    best[0] = (0.0, 0, ())
    for j in range(1, n + 1):
        for i in range(j):
            if best[i] is None:
                continue
            piece = _piece_cost(sentence, i, j)
            if piece is None:
                continue
            cut = 0.0 if i == 0 else 4.0 * break_cost(sentence.chunks[i - 1], sentence.chunks[i])
            total = best[i][0] + cut + piece[1] + CUE_PRICE  # type: ignore[index]
            if best[j] is None or total < best[j][0]:  # type: ignore[index]
                best[j] = (total, i, piece[0])
    if best[n] is None:
        # A chunk longer than a line: it goes on a line of its own, whatever its length.
        return [(k, k + 1, (c,)) for k, c in enumerate(sentence.chunks)]
    pieces = []
    j = n
    while j > 0:
        entry = best[j]
        assert entry is not None
        pieces.append((entry[1], j, entry[2]))
        j = entry[1]
    return pieces[::-1]


def sentence_cues(sentence: TimedSentence) -> list[Cue]:
    """The sentence's cues, each from its first word until the next piece's first word
    (the last until the sentence's last word ends)."""
    pieces = sentence_pieces(sentence)
    cues = []
    for k, (i, j, lines) in enumerate(pieces):
        start = sentence.times[i][0]
        end = sentence.times[pieces[k + 1][0]][0] if k + 1 < len(pieces) \
            else sentence.times[j - 1][1]
        cues.append(Cue(start, max(end, start), lines))
    return cues


# --- timing across a scene -----------------------------------------------------------

def needed_seconds(cue: Cue) -> float:
    """How long ``cue`` must stay on screen, with a millisecond to spare for rounding."""
    return max(MIN_SECONDS, cue.characters / MAX_CPS) + 0.001


def fit_times(cues: Sequence[Cue], limit: float | None = None) -> list[Cue]:
    """Cues in order, each long enough to read (MIN_SECONDS, MAX_CPS), none overlapping,
    none past ``limit``.

    A cue too short for its text stays on into the silence after it; if the next
    cue comes too soon it appears earlier, into the silence before it; only then does
    it push the next cue later. Cues less than CHAIN_GAP apart are chained.
    """
    ordered = sorted(cues, key=lambda c: c.start)
    starts = [c.start for c in ordered]
    ends = [c.end for c in ordered]
    n = len(ordered)
    for k in range(n):
        floor = ends[k - 1] if k else 0.0
        starts[k] = max(starts[k], floor)
        ends[k] = max(ends[k], starts[k])
        natural_next = starts[k + 1] if k + 1 < n else (limit if limit is not None
                                                        else float("inf"))
        cap = limit if limit is not None else float("inf")
        need = needed_seconds(ordered[k])
        if ends[k] - starts[k] < need:
            ends[k] = min(starts[k] + need, max(natural_next, ends[k]))
        if ends[k] - starts[k] < need:
            starts[k] = max(floor, ends[k] - need)
        if ends[k] - starts[k] < need:
            ends[k] = min(starts[k] + need, cap)
        # At ease: into the silence after it, up to where the next cue would appear.
        ease = max(COMFORT_SECONDS, ordered[k].characters / COMFORT_CPS)
        if ends[k] - starts[k] < ease:
            ends[k] = max(ends[k], min(starts[k] + ease, natural_next, cap))
        if k + 1 < n and 0 < starts[k + 1] - ends[k] < CHAIN_GAP:
            ends[k] = starts[k + 1]
        if limit is not None and ends[k] > limit:
            ends[k] = limit
            starts[k] = min(starts[k], max(floor, limit - need))
    return [Cue(round(s, 3), round(e, 3), c.lines)
            for s, e, c in zip(starts, ends, ordered, strict=True) if e > s]


def cues_for(sentences: Sequence[TimedSentence], limit: float | None = None) -> list[Cue]:
    """Every sentence's cues, timed for reading (see :func:`fit_times`)."""
    return fit_times([cue for s in sentences for cue in sentence_cues(s)], limit)


# --- checks and counts -------------------------------------------------------------------

def problems(cue: Cue) -> list[str]:
    """What in ``cue`` breaks the rules (empty when it meets them all)."""
    found = []
    if len(cue.lines) > MAX_LINES:
        found.append(f"{len(cue.lines)} lines")
    for line in cue.lines:
        if len(line) > MAX_LINE:
            found.append(f"a line of {len(line)} characters: {line!r}")
    if cue.seconds < MIN_SECONDS - 1e-3:
        found.append(f"{cue.seconds:.3f} s on screen")
    if cue.cps > MAX_CPS + 0.05:
        found.append(f"{cue.cps:.1f} characters a second")
    if len(cue.lines) == 2:
        shorter, longer = sorted(len(line) for line in cue.lines)
        if shorter < BALANCE * longer:
            found.append(f"unbalanced lines ({shorter} and {longer} characters)")
    return found


def ends_sentence(text: str) -> bool:
    """Whether a caption's text ends a sentence (. ! ? or …, a closing quote after it)."""
    return bool(_SENTENCE_END.search(text.rstrip()))


_WORD = re.compile(r"[^\W_]", re.UNICODE)


def word_count(text: str) -> int:
    """Words as a reader counts them in a caption: every space-separated token with a
    letter or a digit in it. A numeral ("2.001", "10.005") is one word, as it is read
    at a glance; an operator standing alone ("+", "=") is none, so "x² + 1" is two."""
    return sum(1 for token in text.split() if _WORD.search(token))


def summary(cues: Sequence[Cue]) -> dict[str, float | int]:
    """The figures a render reports for its captions."""
    if not cues:
        return {"cues": 0}
    return {
        "cues": len(cues),
        "longest_line": max(len(line) for c in cues for line in c.lines),
        "most_lines": max(len(c.lines) for c in cues),
        "max_cps": round(max(c.cps for c in cues), 2),
        "shortest_seconds": round(min(c.seconds for c in cues), 3),
        "problems": sum(1 for c in cues if problems(c)),
    }


def webvtt(cues: Iterable[tuple[str, float, float, str]]) -> str:
    """A WebVTT file of ``(identifier, start, end, text)`` cues, times in seconds: the
    lesson's captions and the site's chapters alike."""
    blocks = ["WEBVTT", ""]
    for identifier, start, end, text in cues:
        # Cue text is markup in WebVTT: a bare "<" or "&" would break it or inject a tag,
        # and a blank line would end the cue.
        lines = [html.escape(line, quote=False) for line in text.split("\n") if line.strip()]
        blocks += [identifier, f"{vtt_time(start)} --> {vtt_time(end)}", *lines, ""]
    return "\n".join(blocks)


def vtt_time(seconds: float) -> str:
    """``HH:MM:SS.mmm``, rounded to the millisecond."""
    ms = round(seconds * 1000)
    hours, ms = divmod(ms, 3_600_000)
    minutes, ms = divmod(ms, 60_000)
    secs, ms = divmod(ms, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{ms:03d}"
