"""Keep a notebook's stored outputs wherever a fresh run gives the same thing (``make notebooks``).

Re-running a chapter reproduces its outputs only up to noise the chapter did not cause: NumPy
computes ``exp`` and ``tanh`` with different vector instructions on different CPUs, so trained
weights differ in their last bits, a curve moves by a small fraction of a pixel, and the PNG
bytes change. ``git diff`` after ``make notebooks`` should show a contributor what *they*
changed, so ``keep_equivalent_outputs`` puts the stored output back wherever the fresh one is
equivalent:

* **Text** (printed output, ``text/plain``, ``text/html``, ...) is equivalent when it is equal
  after the rules in ``tools/nbval_sanitize.cfg``, the same rules nbval applies when it compares.
* **Numbers in cells tagged nbval-ignore-output** (training logs, whose last digits depend on
  the machine) are equivalent when the text around them is equal and each number is within
  ``NUMBER_RTOL`` of the stored one, plus one unit in the last digit printed. Durations (a number
  followed by a unit of time: s, ms, µs, min, ...) are not compared at all: they change on
  every run.
* **Numbers in cells tagged timing** (measurements such as "backpropagation is 12,094× faster",
  which change on every run; such cells are tagged nbval-ignore-output too) are not compared at
  all; the text around them still is.
* **PNG images** (figures, and the frames of an animation) are equivalent when they have the
  same size and every pixel that changed lies on the edge of something drawn and changed by at
  most ``EDGE_TOLERANCE``: the mark an outline leaves when it moves by a fraction of a pixel.
* **Cells tagged trained** show the results of long training (learning curves, confusion
  matrices, accuracies over seeds). Training amplifies the last-bit differences between CPUs
  until whole curves move, so no tolerance on the numbers or pixels separates noise from a real
  change. Their outputs are equivalent when the text around the numbers is equal and every
  figure has the same size; the chapter must assert what matters (an accuracy above a bar) in
  a later cell, and that assert runs at every refresh and under nbval. After *editing* such a
  cell, refresh with ``make notebooks FRESH=1`` (``run_notebooks.py --fresh``), which keeps
  nothing, and read the diff.

Why these tolerances:

``NUMBER_RTOL = 1e-3``. The cell after an ignored one asserts the result with a tolerance that
must hold on every learner's machine, so it is a percent or more (an accuracy above a bar, a
loss within 10 %). Keeping a stored log is a different question: is the log still a faithful
record of this run? Agreement to three significant figures answers yes, and is ten times tighter
than any such assert, so a kept log can never contradict the assert below it. It is still far
above the noise: switching NumPy's AVX2/AVX-512 paths off moves the parameters of chapter 2's
networks by less than 5e-5 and their outputs by about 1e-5. One unit in the last printed digit
is added because rounding to the printed digits turns any noise, however small, into a change
of one in the last digit (0.01235 prints as 0.0123 or 0.0124).

``EDGE_TOLERANCE = 32 / 255``. Anti-aliasing paints a pixel on an outline in proportion to how
much of it the shape covers, so an outline that moves by a fraction f of a pixel changes the
pixels along it by at most f times the contrast. Allowing 32 of 255 levels, only on edges,
accepts moves of up to an eighth of a pixel: invisible, and the largest move seen from NumPy's
CPU paths changed no pixel by more than 12 levels (chapter 3's random networks). Anything a
reader could notice fails: a line or a label moved by a pixel (its outline pixels change by up
to the full contrast), a changed colour or transparency of a filled area (pixels inside a
uniform area are not edges), a different size. We do not tolerate "a few pixels, by any
amount": a figure whose pixels jump because a grid point sits on a decision boundary is fixed
at its cause instead (see ``nnlib.plots.plot_decision_boundary``), and such jumps must keep
showing up in a diff.
"""

import base64
import copy
import io
import re
from pathlib import Path

import numpy as np

SANITIZE_FILE = Path(__file__).resolve().parent / "nbval_sanitize.cfg"
IGNORE_OUTPUT_TAG = "nbval-ignore-output"
TIMING_TAG = "timing"
TRAINED_TAG = "trained"
NUMBER_RTOL = 1e-3
EDGE_TOLERANCE = 32 / 255

# A decimal number not glued to a word ("x1", "v2.0" stay text); "784-128" is two numbers,
# "12,094" is one (a comma followed by exactly three digits groups thousands).
NUMBER = re.compile(
    r"(?<![\w.])-?(?:\d{1,3}(?:,\d{3})+(?![\d,])(?:\.\d*)?|\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
)
SPACES = re.compile(r"[ \t]+")
BRACKET_SPACE = re.compile(r" ?([\[\]]) ?")
DURATION_UNIT = re.compile(r"\s?(?:s|ms|µs|us|ns|sec|seconds?|min|minutes?|hours?)\b")
# An animation's frames inside its HTML (matplotlib breaks long base64 lines with "\" + newline).
FRAME = re.compile(r"data:image/png;base64,([A-Za-z0-9+/=\\\n]+)")
# What Jupyter does to printed text before showing it: \r returns to the line start, \b erases.
CARRIAGE_RETURN = re.compile(r"^.*\r(?=[^\n])", re.MULTILINE)
BACKSPACE = re.compile(r"[^\n]\x08")


def sanitize_rules(path=SANITIZE_FILE):
    """The (regex, replacement) pairs of an nbval sanitize file, in order.

    The file format is nbval's: a line ``regex: ...`` directly followed by ``replace: ...``.
    """
    text = Path(path).read_text(encoding="utf-8")
    pairs = re.findall(r"^regex: (.*)$\n^replace: (.*)$", text, flags=re.MULTILINE)
    if not pairs:
        raise ValueError(f"{path} holds no 'regex: ' line followed by a 'replace: ' line.")
    return [(re.compile(regex), replace) for regex, replace in pairs]


def sanitize(text, rules):
    for regex, replace in rules:
        text = regex.sub(replace, text)
    return text


# -- figures -------------------------------------------------------------------------------


def png_pixels(png):
    """Decode a PNG (bytes, or base64 text as stored in a notebook) to an (h, w, channels)
    float array with values 0–1."""
    import matplotlib.image

    if isinstance(png, str):
        png = base64.b64decode(png)
    pixels = matplotlib.image.imread(io.BytesIO(png), format="png")
    return pixels.reshape(*pixels.shape[:2], -1)


def edge_pixels(pixels):
    """(h, w) bool: True where a pixel differs from one of its eight neighbours."""
    h, w = pixels.shape[:2]
    padded = np.pad(pixels, ((1, 1), (1, 1), (0, 0)), mode="edge")
    edges = np.zeros((h, w), dtype=bool)
    for dy in range(3):
        for dx in range(3):
            edges |= np.any(padded[dy : dy + h, dx : dx + w] != pixels, axis=-1)
    return edges


def same_png(stored, fresh, size_only=False):
    """Whether two PNGs show the same figure up to outlines moved by a fraction of a pixel
    (or, with size_only, whether they have the same size)."""
    if stored == fresh:
        return True
    a, b = png_pixels(stored), png_pixels(fresh)
    if a.shape != b.shape or size_only:
        return a.shape == b.shape
    change = np.abs(a - b).max(axis=-1)
    changed = change > 0
    if not changed.any():
        return True
    if change.max() > EDGE_TOLERANCE + 1e-6:  # imread gives k/255 in float32
        return False
    return bool(np.all((edge_pixels(a) | edge_pixels(b))[changed]))


def _frames(html):
    return [base64.b64decode(f.replace("\\\n", "")) for f in FRAME.findall(html)]


# -- text ----------------------------------------------------------------------------------


def _last_digit_unit(number):
    mantissa, _, exponent = number.lower().replace(",", "").partition("e")
    if "." not in mantissa:
        return 0.0  # an integer (a count, an epoch) is exact: it is not rounded for printing
    decimals = len(mantissa.split(".")[1])
    return 10.0 ** (int(exponent or 0) - decimals)


def same_numbers(stored, fresh, any_value=False):
    """Whether two texts differ only in numbers that agree within NUMBER_RTOL (plus one unit in
    the last printed digit) or are durations. any_value=True: in numbers of any value."""
    if stored == fresh:
        return True
    if NUMBER.split(stored) != NUMBER.split(fresh):
        return False
    if any_value:
        return True
    old, new = list(NUMBER.finditer(stored)), list(NUMBER.finditer(fresh))
    for a, b in zip(old, new):
        if DURATION_UNIT.match(stored, a.end()) and DURATION_UNIT.match(fresh, b.end()):
            continue
        x, y = float(a.group().replace(",", "")), float(b.group().replace(",", ""))
        allowed = NUMBER_RTOL * max(abs(x), abs(y))
        allowed += max(_last_digit_unit(a.group()), _last_digit_unit(b.group()))
        if abs(x - y) > allowed * (1 + 1e-9):
            return False
    return True


def same_text(stored, fresh, rules, numbers="exact"):
    """Whether two texts are equal after sanitizing. numbers: "exact"; "close" (up to noise, see
    same_numbers); "any" (only the text around them counts); or "trained" (like "any", with runs
    of spaces counted as one, and figures compared by size). PNG frames embedded in HTML are
    compared as images."""
    if stored == fresh:
        return True
    old_frames, new_frames = _frames(stored), _frames(fresh)
    if len(old_frames) != len(new_frames):
        return False
    size_only = numbers == "trained"
    if not all(same_png(a, b, size_only) for a, b in zip(old_frames, new_frames)):
        return False
    stored, fresh = sanitize(stored, rules), sanitize(fresh, rules)
    if numbers == "exact":
        return stored == fresh
    if numbers == "trained":  # NumPy pads printed arrays to their widest number
        stored, fresh = (BRACKET_SPACE.sub(r"\1", SPACES.sub(" ", t)) for t in (stored, fresh))
    return same_numbers(stored, fresh, any_value=numbers in ("any", "trained"))


def _as_text(value):
    return "".join(value) if isinstance(value, list) else value


def same_output(stored, fresh, rules, numbers="exact"):
    """Whether one stored output (a notebook output dict) and one fresh output are equivalent.
    Like nbval, execution counts and tracebacks are not compared."""
    if stored.get("output_type") != fresh.get("output_type"):
        return False
    kind = stored["output_type"]
    if kind == "stream":
        return stored["name"] == fresh["name"] and same_text(
            _as_text(stored["text"]), _as_text(fresh["text"]), rules, numbers
        )
    if kind == "error":
        return stored["ename"] == fresh["ename"] and same_text(
            stored["evalue"], fresh["evalue"], rules, numbers
        )
    if stored.get("metadata", {}) != fresh.get("metadata", {}):
        return False
    old, new = stored.get("data", {}), fresh.get("data", {})
    if old.keys() != new.keys():
        return False
    for mime in old:
        a, b = old[mime], new[mime]
        if mime == "image/png":
            if not same_png(_as_text(a), _as_text(b), size_only=numbers == "trained"):
                return False
        elif isinstance(a, (str, list)) and isinstance(b, (str, list)):
            if not same_text(_as_text(a), _as_text(b), rules, numbers):
                return False
        elif a != b:  # JSON data
            return False
    return True


# -- notebooks -----------------------------------------------------------------------------


def merge_streams(outputs):
    """Outputs as Jupyter shows them: consecutive printed text of one stream in one output,
    with carriage returns and backspaces applied. (How the kernel splits printed text into
    messages depends on timing, not on the code.)"""
    merged = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (
            output.get("output_type") == "stream"
            and previous is not None
            and previous.get("output_type") == "stream"
            and previous["name"] == output["name"]
        ):
            previous["text"] = _as_text(previous["text"]) + _as_text(output["text"])
        else:
            merged.append(copy.deepcopy(output))
    for output in merged:
        if output.get("output_type") == "stream":
            text = _as_text(output["text"])
            while BACKSPACE.search(text):
                text = BACKSPACE.sub("", text)
            output["text"] = CARRIAGE_RETURN.sub("", text)
    return merged


def _numbers_rule(tags):
    if TRAINED_TAG in tags:
        return "trained"
    if TIMING_TAG in tags:
        return "any"
    return "close" if IGNORE_OUTPUT_TAG in tags else "exact"


def keep_equivalent_outputs(stored_nb, fresh_nb, rules=None):
    """Put the stored output back into ``fresh_nb`` (in place) wherever it is equivalent to the
    fresh one. Both notebooks must have the same cells (``fresh_nb`` is ``stored_nb`` run again).

    Returns one status per code cell, in order: "same" (the fresh outputs were identical),
    "kept" (equivalent: the stored outputs are kept) or "changed" (the fresh outputs are kept;
    outputs that are individually equivalent keep their stored form).
    """
    rules = sanitize_rules() if rules is None else rules
    if len(stored_nb.cells) != len(fresh_nb.cells):
        raise ValueError("The fresh notebook must have the same cells as the stored one.")
    statuses = []
    for old_cell, new_cell in zip(stored_nb.cells, fresh_nb.cells):
        if new_cell.cell_type != "code":
            continue
        if old_cell.source != new_cell.source:
            raise ValueError("The fresh notebook must have the same cells as the stored one.")
        old, new = old_cell.get("outputs", []), merge_streams(new_cell.get("outputs", []))
        if old == new:
            new_cell.outputs = new
            statuses.append("same")
            continue
        numbers = _numbers_rule(old_cell.get("metadata", {}).get("tags", []))
        shown = merge_streams(old)
        same = [
            len(shown) == len(new) and same_output(a, b, rules, numbers) for a, b in zip(shown, new)
        ]
        if len(shown) == len(new) and all(same):
            new_cell.outputs = copy.deepcopy(old)
            statuses.append("kept")
        else:
            new_cell.outputs = [
                copy.deepcopy(a) if keep else b for a, b, keep in zip(shown, new, same)
            ] + new[len(same) :]
            statuses.append("changed")
    return statuses
