"""When each spoken word of a sentence is said: from Piper's own alignment, or by share.

Piper's model decides how many audio samples each phoneme gets and then draws
exactly those samples; a model patched with ``piper.patch_voice_with_alignment``
hands those counts back (``AudioChunk.phoneme_alignments``). What it does not
hand back is where each *word* sits in its phonemes: espeak runs short words
together ("in the" is one group, ``ɪnðə``). :func:`aligned_words` finds each
word by aligning the sentence's phonemes with the phonemes of each word said on
its own (an edit-distance alignment, so "the" said ``ðə`` or ``ðɪʲ`` in context
still lands), then reads the word's start and end off the sample counts.

``scripts/caption_timing.py`` measured this against the pauses in the audio, and
against the two other ways of timing words (synthesis per clause, and shares in
proportion to the phonemes): see the README. :func:`proportional` is what a beat
gets when no alignment exists (silent renders, recorded narration).

Pure: no Piper, no NumPy. Times are seconds from the start of the sentence's audio.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

WordTimes = tuple[tuple[float, float], ...]


def is_sound(phoneme: str) -> bool:
    """A phoneme that is a sound of its own: a letter, not a stress or length mark
    (ˈ ˌ ː ʲ are modifier letters), a space, punctuation or Piper's ^ and $."""
    return len(phoneme) > 0 and all(unicodedata.category(c) in ("Ll", "Lu", "Lo")
                                    for c in phoneme)


def _attaches_back(phoneme: str) -> bool:
    """Length marks, palatalisation and combining marks belong to the sound before them."""
    return phoneme not in ("ˈ", "ˌ") and len(phoneme) > 0 and all(
        unicodedata.category(c) in ("Lm", "Mn") for c in phoneme)


def _alignment(a: Sequence[str], b: Sequence[str]) -> list[int | None]:
    """For each item of ``a``, the index of the item of ``b`` it is matched with (or
    None), by the cheapest edit script (substitution 1, insertion and deletion 1)."""
    n, m = len(a), len(b)
    cost = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        cost[i][0] = i
    for j in range(1, m + 1):
        cost[0][j] = j
    for i in range(1, n + 1):
        row, above = cost[i], cost[i - 1]
        for j in range(1, m + 1):
            row[j] = min(above[j - 1] + (a[i - 1] != b[j - 1]), above[j] + 1, row[j - 1] + 1)
    matched: list[int | None] = [None] * n
    i, j = n, m
    while i > 0 and j > 0:
        if cost[i][j] == cost[i - 1][j - 1] + (a[i - 1] != b[j - 1]):
            matched[i - 1] = j - 1
            i, j = i - 1, j - 1
        elif cost[i][j] == cost[i - 1][j] + 1:
            i -= 1
        else:
            j -= 1
    return matched


def aligned_words(isolated: Sequence[Sequence[str]], phonemes: Sequence[str],
                  samples: Sequence[int], rate: float) -> WordTimes:
    """(start, end) of each word, from the sentence's phonemes and their sample counts.

    ``isolated`` holds each word's phonemes as espeak says the word alone;
    ``phonemes`` and ``samples`` are the sentence's, as Piper aligned them (with its
    ^ and $ and the spaces and punctuation between words). A word's span runs from its
    first sound (with a stress mark just before it) to the end of its last sound (with
    any length mark after it), so the pause at a comma lies between two words.
    """
    if len(phonemes) != len(samples):
        raise ValueError(f"{len(phonemes)} phonemes but {len(samples)} sample counts")
    edges = [0]
    for count in samples:
        edges.append(edges[-1] + int(count))
    sounds = [k for k, p in enumerate(phonemes) if is_sound(p)]
    wanted = [(w, p) for w, word in enumerate(isolated) for p in word if is_sound(p)]
    matched = _alignment([p for _, p in wanted], [phonemes[k] for k in sounds])
    first: list[int | None] = [None] * len(isolated)
    last: list[int | None] = [None] * len(isolated)
    for (word, _), j in zip(wanted, matched, strict=True):
        if j is None:
            continue
        k = sounds[j]
        first[word] = k if first[word] is None else first[word]
        last[word] = k
    spans: list[tuple[int, int] | None] = []
    for start, end in zip(first, last, strict=True):
        if start is None or end is None:
            spans.append(None)
            continue
        if start > 0 and phonemes[start - 1] in ("ˈ", "ˌ"):
            start -= 1
        while end + 1 < len(phonemes) and _attaches_back(phonemes[end + 1]):
            end += 1
        spans.append((edges[start], edges[end + 1]))
    return _fill_gaps(spans, edges, phonemes, rate)


def _fill_gaps(spans: list[tuple[int, int] | None], edges: list[int],
               phonemes: Sequence[str], rate: float) -> WordTimes:
    """Words the alignment matched to nothing share the time between their neighbours;
    spans are kept in order, never overlapping."""
    speech_start = edges[1] if phonemes and phonemes[0] == "^" else edges[0]
    speech_end = edges[-2] if phonemes and phonemes[-1] == "$" else edges[-1]
    result: list[tuple[float, float]] = []
    n = len(spans)
    i = 0
    floor = speech_start
    while i < n:
        span = spans[i]
        if span is not None:
            start, end = max(span[0], floor), max(span[1], floor)
            result.append((start / rate, end / rate))
            floor = end
            i += 1
            continue
        j = i
        while j < n and spans[j] is None:
            j += 1
        following = spans[j] if j < n else None
        ceiling = following[0] if following is not None else speech_end
        ceiling = max(ceiling, floor)
        step = (ceiling - floor) / (j - i)
        for k in range(j - i):
            result.append(((floor + k * step) / rate, (floor + (k + 1) * step) / rate))
        floor = ceiling
        i = j
    return tuple((round(s, 4), round(e, 4)) for s, e in result)


def proportional(words: Sequence[str], start: float, end: float,
                 weights: Sequence[float] | None = None) -> WordTimes:
    """Words one after another from ``start`` to ``end``, each taking a share in
    proportion to its weight (default: its letters and digits, at least one)."""
    if weights is None:
        weights = [max(1, sum(c.isalnum() for c in w)) for w in words]
    total = float(sum(weights)) or 1.0
    times, acc = [], 0.0
    for weight in weights:
        a = start + (end - start) * acc / total
        acc += weight
        times.append((round(a, 4), round(start + (end - start) * acc / total, 4)))
    return tuple(times)
