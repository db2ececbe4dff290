"""Student copies: the chapters as plain Jupyter Markdown, with the solutions folded away.

The chapters in ``chapters/`` are written in MyST, the Markdown dialect of the website: exercise
blocks, ``{note}`` boxes, ``{py:func}`` roles, ``(label)=`` targets. JupyterLab, VS Code and
Colab show all of that as raw text. A student copy is the same chapter in the Markdown every
notebook program understands:

- an exercise block becomes a heading with the exercise's number and title, as on the website
  ("Exercise 2.3 (ReLU)"); chapters are numbered in the order of ``_toc.yml``;
- roles become code (``nnlib.activations.relu()``) or links: to the other copies, and for
  pages that have no copy (the appendices) to their file in the repository;
- note, tip and warning boxes become quotes, and ``(label)=`` targets disappear;
- answers and hints are folded: ``<details><summary>Answer</summary> … </details>``;
- the solution becomes a folded block under the stub, holding its code as text (not a cell, so
  it never runs by accident); outputs are cleared; maths is left as it is.

The stored chapters keep their MyST; only the copies are converted. Markup the conversion does
not know raises :class:`UnsupportedMarkup` naming the cell and what to do, rather than leaving
raw text for a learner to puzzle over.

Used by ``nnfs-lab`` (:mod:`nnlib.exercises.lab`), the website build (which offers the copies
for download) and Binder. Needs nbformat and PyYAML (the ``lab`` extra).
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}

# A fenced block: ``` or ~~~ (code, or a MyST directive) and ::: (a MyST directive).
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,}|:{3,})\s*(?P<info>.*?)\s*$")
DIRECTIVE = re.compile(r"^\{(?P<name>[\w:.-]+)\}\s*(?P<arg>.*)$")
OPTION = re.compile(r"^:(?P<key>[\w-]+):\s*(?P<value>.*)$")
TARGET = re.compile(r"^\s*\((?P<label>[^()\s]+)\)=\s*$")
HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.+?)\s*#*\s*$")
LABELLED_MATH_END = re.compile(r"\$\$\s*\([\w:-]+\)\s*$")
# A role ({name}`text`) or a plain code span, whichever comes first.
ROLE_OR_CODE = re.compile(r"\{(?P<role>[\w:.+-]+)\}(?P<ticks>`+)|(?P<code>`+)")
MATH = re.compile(r"\$\$.+?\$\$|\$[^$]+\$", re.DOTALL)
LINK = re.compile(r"(?P<text>\[[^\]]*\])\((?P<target>[^()\s<][^()\s]*)\)")

# Boxes shown as quotes (or folded, with :class: dropdown); the default title of each.
ADMONITIONS = {
    "note": "Note",
    "tip": "Tip",
    "important": "Important",
    "warning": "Warning",
    "caution": "Caution",
    "attention": "Attention",
    "danger": "Danger",
    "error": "Error",
    "seealso": "See also",
    "margin": "",
    "sidebar": "",
    "topic": "",
    "admonition": "",
}
# Boxes that are always folded: their point is that the reader tries first.
FOLDED = {"hint": "Hint", "dropdown": "Details", "solution": "Solution"}
CODE_DIRECTIVES = {"code", "code-block", "sourcecode"}
PYTHON_OBJECT_ROLES = {"class", "mod", "data", "attr", "obj", "exc", "const", "type"}
PYTHON_CALL_ROLES = {"func", "meth"}
SOLUTION_START, SOLUTION_END = "solution-start", "solution-end"


class UnsupportedMarkup(ValueError):
    """The chapter uses MyST markup that the student copies cannot show yet."""


# -- the book: which pages exist, how they are numbered, where labels point ----------------


@dataclass
class Target:
    """Where a ``(label)=`` or an exercise label points: a page and the heading there."""

    docname: str
    text: str


@dataclass
class Book:
    """What the conversion needs to know about the whole book, read from ``_toc.yml``.

    ``exercise_numbers[docname]`` lists, in page order, the number each exercise of the page
    gets on the website (``"2.3"``; ``None`` for one marked ``:nonumber:``). Sphinx numbers
    exercises per chapter ("2.1", "2.2", ...) in the numbered parts of the book, chapters
    counting on across numbered parts; pages outside them share one running count ("1", "2").
    """

    root: Path
    pages: dict = field(default_factory=dict)  # docname -> source file, in book order
    toc: list = field(default_factory=list)  # the docnames of _toc.yml (the rest are drafts)
    exercise_numbers: dict = field(default_factory=dict)
    targets: dict = field(default_factory=dict)  # label -> Target
    label_numbers: dict = field(default_factory=dict)  # exercise label -> "2.3"
    titles: dict = field(default_factory=dict)  # docname -> its first heading
    source_url: str = ""  # where the repository shows its files, from _config.yml

    @classmethod
    def load(cls, root):
        """Read ``root/_toc.yml`` and every page it lists."""
        import yaml

        root = Path(root)
        toc_file = root / "_toc.yml"
        if not toc_file.exists():
            raise FileNotFoundError(
                f"{toc_file} is missing: student copies are made from a clone of the course "
                "repository, which has _toc.yml and chapters/ at its top level."
            )
        book = cls(root, source_url=_source_url(root / "_config.yml"))
        counters = {}  # the running count of exercises per chapter number
        for docname, secnum in _toc_pages(yaml.safe_load(toc_file.read_text(encoding="utf-8"))):
            path = _page_source(root, docname)
            if path is not None:
                texts = _markdown_of(path)
                book.toc.append(docname)
                book._add(docname, path, texts, _numbers(texts, secnum, counters))
        for docname, path in book.notebooks():
            if docname not in book.pages:  # a draft, not in _toc.yml yet: unnumbered
                texts = _markdown_of(path)
                book._add(docname, path, texts, [None] * len(_exercise_nonumber_flags(texts)))
        return book

    def _add(self, docname, path, texts, numbers):
        self.pages[docname] = path
        self.exercise_numbers[docname] = numbers
        self._collect_targets(docname, texts, numbers)

    def _collect_targets(self, docname, texts, numbers):
        numbers = iter(numbers)
        for text in texts:
            lines = text.splitlines()
            for i, line in enumerate(lines):
                heading = HEADING.match(line)
                if heading and docname not in self.titles:
                    self.titles[docname] = heading["text"]
                target = TARGET.match(line)
                if target:
                    following = [rest for rest in lines[i + 1 :] if rest.strip()]
                    heading = HEADING.match(following[0]) if following else None
                    title = heading["text"] if heading else target["label"]
                    self.targets[target["label"]] = Target(docname, title)
                block = FENCE.match(line)
                directive = DIRECTIVE.match(block["info"]) if block else None
                if directive and directive["name"] in ("exercise-start", "exercise"):
                    options = _options(lines[i + 1 :])
                    number = next(numbers)
                    title = exercise_heading(number, directive["arg"])
                    if "label" in options:
                        self.targets[options["label"]] = Target(docname, title)
                        self.label_numbers[options["label"]] = number

    def docname_of(self, nb):
        """The page a notebook belongs to, found by its title (the first heading)."""
        for cell in nb.cells:
            if cell.cell_type != "markdown":
                continue
            for line in cell.source.splitlines():
                heading = HEADING.match(line)
                if heading:
                    for docname, title in self.titles.items():
                        if title == heading["text"]:
                            return docname
                    raise LookupError(
                        f"no page of _toc.yml has the title {heading['text']!r}: pass the "
                        "notebook's docname (e.g. 'chapters/02-activation-functions')"
                    )
        raise LookupError("the notebook has no heading: pass its docname")

    def notebooks(self):
        """Every chapter notebook in ``chapters/`` (in file-name order), as (docname, path)."""
        folder = self.root / "chapters"
        return [
            (path.relative_to(self.root).with_suffix("").as_posix(), path)
            for path in sorted(folder.glob("*.ipynb"))
        ]


def _source_url(config_file):
    """The address of the book's files in its repository ("https://github.com/o/r/blob/main/"),
    from _config.yml's ``repository`` section; empty if it has none."""
    import yaml

    if not config_file.exists():
        return ""
    config = yaml.safe_load(config_file.read_text(encoding="utf-8")) or {}
    repository = config.get("repository") or {}
    if not repository.get("url"):
        return ""
    folder = (repository.get("path_to_book") or "").strip("/")
    branch = repository.get("branch") or "main"
    return f"{repository['url'].rstrip('/')}/blob/{branch}/" + (f"{folder}/" if folder else "")


def _toc_pages(toc):
    """(docname, section number prefix) for every page of a jb-book ``_toc.yml``, in order.

    The prefix is ``(chapter,)`` in numbered parts and ``()`` elsewhere, which is how Sphinx
    numbers exercises with ``numfig_secnum_depth: 1``.
    """
    yield toc["root"], ()
    default = bool((toc.get("defaults") or {}).get("numbered", False))
    parts = toc.get("parts") or [{"chapters": toc.get("chapters", []), "numbered": default}]
    chapter = 0
    for part in parts:
        numbered = bool(part.get("numbered", default))
        for entry in part.get("chapters", []):
            if "file" not in entry:
                continue
            if numbered:
                chapter += 1
            yield from _toc_entry(entry, (chapter,) if numbered else ())


def _toc_entry(entry, secnum):
    if "file" in entry:
        yield entry["file"], secnum
    for section in entry.get("sections", []):
        yield from _toc_entry(section, secnum)


def _page_source(root, docname):
    for suffix in (".ipynb", ".md"):
        path = root / f"{docname}{suffix}"
        if path.exists():
            return path
    return None


def _markdown_of(path):
    """The Markdown texts of a page: the markdown cells of a notebook, or a .md file."""
    if path.suffix == ".md":
        return [path.read_text(encoding="utf-8")]
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    return [cell.source for cell in nb.cells if cell.cell_type == "markdown"]


def _numbers(texts, secnum, counters):
    """The number the website gives each exercise of a page: "2.3", or None (:nonumber:)."""
    numbers = []
    for nonumber in _exercise_nonumber_flags(texts):
        if nonumber:
            numbers.append(None)
            continue
        counters[secnum] = counters.get(secnum, 0) + 1
        numbers.append(".".join(str(n) for n in (*secnum, counters[secnum])))
    return numbers


def _exercise_nonumber_flags(texts):
    """For each exercise of the page, in order: True if it is marked ``:nonumber:``."""
    flags = []
    for text in texts:
        lines = text.splitlines()
        for i, line in enumerate(lines):
            block = FENCE.match(line)
            directive = DIRECTIVE.match(block["info"]) if block else None
            if directive and directive["name"] in ("exercise-start", "exercise"):
                flags.append("nonumber" in _options(lines[i + 1 :]))
    return flags


def _options(lines):
    """The ``:key: value`` lines that open a directive's body."""
    options = {}
    for line in lines:
        option = OPTION.match(line.strip())
        if not option:
            break
        options[option["key"]] = option["value"]
    return options


def exercise_heading(number, title):
    """The title the website gives an exercise: "Exercise 2.3 (ReLU)"."""
    name = f"Exercise {number}" if number else "Exercise"
    return f"{name} ({typographic_quotes(title)})" if title else name


def typographic_quotes(text):
    """Straight quotes turned curly, as Sphinx's smartquotes shows them in the built book:
    "the set's" becomes "the set’s", 'a' becomes ‘a’ and "a" becomes “a”. (Code in backticks
    keeps its quotes on the site too, so text inside backticks is left alone.)"""
    parts = re.split(r"(`[^`]*`)", text)
    for i in range(0, len(parts), 2):  # the even parts are outside backticks
        part = re.sub(r"(?<=\w)'", "’", parts[i])
        part = re.sub(r"'(?=\w)", "‘", part)
        part = part.replace("'", "’")
        part = re.sub(r'"(?=\w)', "“", part)
        parts[i] = part.replace('"', "”")
    return "".join(parts)


def _anchor(heading_text):
    """The id JupyterLab gives a heading: its text with spaces replaced by dashes."""
    return heading_text.replace(" ", "-")


def _github_anchor(heading_text):
    """The id GitHub gives a heading of a Markdown file: lower case, punctuation dropped."""
    return re.sub(r"[^\w\- ]", "", heading_text.strip().lower()).replace(" ", "-")


# -- converting MyST text into plain Jupyter Markdown ----------------------------------------


@dataclass
class Page:
    """The state of one notebook's conversion: where it is and what it has seen so far."""

    book: Book
    docname: str
    where: str = ""  # the cell being converted, for error messages
    heading_level: int = 1
    exercise_numbers: list = field(default_factory=list)

    def next_exercise_number(self):
        if not self.exercise_numbers:
            return None  # a notebook that is not in _toc.yml has unnumbered exercises
        return self.exercise_numbers.pop(0)

    def unsupported(self, what, fix):
        return UnsupportedMarkup(
            f"{self.docname} ({self.where}): the student copies cannot show {what}. {fix} "
            "(the conversion is in nnlib/exercises/student.py)."
        )


def parse_blocks(lines):
    """Split MyST lines into ("text", lines), ("code", lines) and ("directive", d) blocks."""
    blocks, text = [], []
    i = 0
    while i < len(lines):
        block = FENCE.match(lines[i])
        if not block:
            text.append(lines[i])
            i += 1
            continue
        end = _closing_fence(lines, i + 1, block["fence"])
        if text:
            blocks.append(("text", text))
            text = []
        directive = DIRECTIVE.match(block["info"])
        if directive:
            indent = block["indent"]
            body = [_dedent(line, indent) for line in lines[i + 1 : end]]
            blocks.append(("directive", Directive.parse(directive, body, indent)))
        else:
            blocks.append(("code", lines[i : end + 1]))
        i = end + 1
    if text:
        blocks.append(("text", text))
    return blocks


def _closing_fence(lines, start, fence):
    """Index of the line that closes ``fence`` (the end of the text if nothing does)."""
    closer = re.compile(rf"^\s*{re.escape(fence[0])}{{{len(fence)},}}\s*$")
    for j in range(start, len(lines)):
        if closer.match(lines[j]):
            return j
    return len(lines)


def _dedent(line, indent):
    return line[len(indent) :] if line.startswith(indent) else line.lstrip()


@dataclass
class Directive:
    name: str
    argument: str
    options: dict
    content: list
    indent: str

    @classmethod
    def parse(cls, match, body, indent):
        """A directive from its opening line's match and the lines of its body."""
        if body and body[0].strip() == "---":  # options as a YAML block
            import yaml

            end = next((j for j in range(1, len(body)) if body[j].strip() == "---"), 0)
            options, rest = yaml.safe_load("\n".join(body[1:end])) or {}, body[end + 1 :]
        else:
            options_end = (j for j, line in enumerate(body) if not OPTION.match(line.strip()))
            end = next(options_end, len(body))
            options, rest = _options(body[:end]), body[end:]
        while rest and not rest[0].strip():
            rest = rest[1:]
        return cls(match["name"], match["arg"].strip(), options, rest, indent)

    @property
    def classes(self):
        classes = self.options.get("class") or ""
        return classes.split() if isinstance(classes, str) else list(classes)


def convert_text(source, page):
    """Convert one markdown cell (or part of one) from MyST to plain Jupyter Markdown."""
    return render_blocks(parse_blocks(source.splitlines()), page)


def render_blocks(blocks, page):
    lines, fence = [], None
    for line in convert_blocks(blocks, page):
        block = FENCE.match(line)
        if block and fence is None and not block["fence"].startswith(":"):
            fence = block["fence"]
        elif fence and line.strip() == fence:
            fence = None
        if fence is None and not line.strip() and lines and not lines[-1].strip():
            continue  # one blank line between blocks is enough
        lines.append(line)
    return "\n".join(lines).strip("\n")


def convert_lines(lines, page):
    return convert_blocks(parse_blocks(lines), page)


def convert_blocks(blocks, page):
    out = []
    for kind, block in blocks:
        if kind == "code":
            out.extend(block)
        elif kind == "text":
            out.extend(_convert_prose(block, page))
        else:
            rendered = render_directive(block, page)
            out.extend(block.indent + line if line else "" for line in rendered)
    return out


def _convert_prose(lines, page):
    kept = []
    for line in lines:
        if TARGET.match(line) or line.strip() == "+++" or line.lstrip().startswith("%"):
            continue  # label targets, block breaks and MyST comments are for the website only
        heading = HEADING.match(line)
        if heading:
            page.heading_level = len(heading["hashes"])
        kept.append(LABELLED_MATH_END.sub("$$", line))
    return convert_inline("\n".join(kept), page).split("\n") if kept else []


def render_directive(d, page):
    """The plain Markdown lines that stand for one directive."""
    name = d.name
    if name in ("exercise-start", "exercise"):
        level = min(page.heading_level + 1, 6)
        title = convert_inline(d.argument, page)
        heading = "#" * level + " " + exercise_heading(page.next_exercise_number(), title)
        return [heading, "", *convert_lines(d.content, page)]
    if name in ("exercise-end", SOLUTION_START, SOLUTION_END):
        return []  # solution gates are handled cell by cell in student_copy
    if name in FOLDED or (name in ADMONITIONS and "dropdown" in d.classes):
        title = d.argument or FOLDED.get(name) or ADMONITIONS.get(name) or "Details"
        return details(convert_inline(title, page), convert_lines(d.content, page))
    if name in ADMONITIONS:
        title = convert_inline(d.argument or ADMONITIONS[name], page)
        return quote(title, convert_lines(d.content, page))
    if name == "math":
        return ["$$", *d.content, "$$"]
    if name in CODE_DIRECTIVES:
        return fenced(d.argument.split()[0] if d.argument else "", "\n".join(d.content))
    raise page.unsupported(
        f"the directive {{{name}}}",
        "Use one it knows (a note, tip, warning or admonition box, math, code) or teach it "
        f"{{{name}}} in render_directive",
    )


def details(summary, lines):
    """A folded block. The blank lines let JupyterLab render the Markdown inside it."""
    return [f"<details><summary>{summary}</summary>", "", *lines, "", "</details>"]


def quote(title, lines):
    """A quoted block. Its paragraphs and display maths are joined into single lines, because
    JupyterLab finds maths before Markdown and would read the "> " of a continued line as TeX."""
    head = [f"**{title}**", ""] if title else []
    return [f"> {line}" if line else ">" for line in [*head, *_reflow(lines)]]


BLOCK_START = re.compile(r"^\s*([|#>*+<-]|\d+[.)]\s|```|~~~|\$\$)")


def _reflow(lines):
    """Join the lines of each paragraph and of each $$ block (code fences stay as they are)."""
    out, fence, in_maths = [], None, False
    for line in lines:
        text = line.strip()
        if fence is not None:  # inside a code fence
            out.append(line)
            fence = None if text == fence else fence
            continue
        block = FENCE.match(line)
        if block and not in_maths:
            fence = block["fence"]
            out.append(line)
        elif text == "$$":
            if in_maths:
                out[-1] += " $$"
            else:
                out.append(line)
            in_maths = not in_maths
        elif in_maths or _continues(out, line):
            out[-1] = f"{out[-1]} {text}"
        else:
            out.append(line)
    return out


def _continues(out, line):
    """Whether ``line`` continues the paragraph that ends on the last line of ``out``."""
    previous = out[-1].lstrip() if out else ""
    return (
        bool(previous and line.strip())
        and not BLOCK_START.match(line)
        and not previous.startswith(("|", "#"))
    )


def fenced(language, code):
    """``code`` in a fence longer than any run of backticks inside it."""
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + language, *code.splitlines(), fence]


def convert_inline(text, page):
    """Roles become code or links; links to other pages point at their copies."""
    text = _convert_roles(text, page)
    spans = []

    def hide(span):
        spans.append(span)
        return f"\0{len(spans) - 1}\0"

    masked = _replace_code_spans(text, hide)  # links inside code or maths are not links
    masked = MATH.sub(lambda maths: hide(maths.group()), masked)
    masked = LINK.sub(lambda link: _convert_link(link, page), masked)
    return re.sub("\0(\\d+)\0", lambda m: spans[int(m[1])], masked)


def _convert_roles(text, page):
    return _replace_code_spans(text, lambda span: span, page)


def _replace_code_spans(text, replace, page=None):
    """Apply ``replace`` to every code span; with a page, also convert every role."""
    out, pos = [], 0
    while True:
        found = ROLE_OR_CODE.search(text, pos)
        if not found:
            out.append(text[pos:])
            return "".join(out)
        ticks = found["ticks"] or found["code"]
        end = _closing_ticks(text, found.end(), ticks)
        if end < 0:  # an unmatched run of backticks is literal text
            out.append(text[pos : found.end()])
            pos = found.end()
            continue
        if found["role"] and page is not None:
            out.append(text[pos : found.start()])
            out.append(render_role(found["role"], text[found.end() : end], page))
        else:
            start = found.start() if found["code"] else found.start("ticks")
            out.append(text[pos:start])
            out.append(replace(text[start : end + len(ticks)]))
        pos = end + len(ticks)


def _closing_ticks(text, start, ticks):
    """Where the run of exactly ``len(ticks)`` backticks that closes a code span starts."""
    for run in re.finditer(r"`+", text[start:]):
        if len(run.group()) == len(ticks):
            return start + run.start()
    return -1


def _title_and_target(body):
    """``text <target>`` → (text, target); a bare ``target`` → (None, target)."""
    explicit = re.fullmatch(r"(?s)(.*?)\s*<([^<>]+)>", body.strip())
    if explicit and explicit[1]:
        return explicit[1], explicit[2]
    return None, body.strip()


def render_role(role, body, page):
    domain, _, kind = role.rpartition(":")
    if domain in ("py", "") and (kind in PYTHON_OBJECT_ROLES or kind in PYTHON_CALL_ROLES):
        return _python_name(kind, body)
    title, target = _title_and_target(body)
    if role == "numref" and title is None and target in page.book.label_numbers:
        number = page.book.label_numbers[target]  # as the site shows it: "Exercise 2.3"
        heading = page.book.targets[target].text
        return _link(exercise_heading(number, ""), page.book.targets[target].docname, page, heading)
    if role in ("ref", "numref"):
        return _reference(title, target, page)
    if role == "doc":
        docname = _resolve_doc(target, page.docname)
        shown = title or page.book.titles.get(docname, target)
        return _link(shown, docname, page)
    if role == "math":
        return f"${body}$"
    if role in ("code", "samp", "file", "command", "program", "envvar", "option"):
        return f"`{body}`"
    if role in ("term", "abbr", "dfn"):
        shown = title or target
        return re.sub(r"\s*\(.*\)$", "", shown) if role == "abbr" else shown
    if role in ("sub", "sup", "kbd"):
        return f"<{role}>{body}</{role}>"
    if role in ("guilabel", "menuselection"):
        return "**" + body.replace("-->", "→").replace("&", "") + "**"
    raise page.unsupported(
        f"the role {{{role}}}", f"Write it as plain Markdown or teach it {{{role}}} in render_role"
    )


def _python_name(kind, body):
    """How Sphinx shows a Python name: ``nnlib.activations.relu()``, or ``relu()`` for ~."""
    title, target = _title_and_target(body)
    if title is None:
        target = target.lstrip("!")
        title = target.rsplit(".", 1)[-1] if target.startswith("~") else target
        title = title.lstrip("~")
        if kind in PYTHON_CALL_ROLES and not title.endswith(")"):
            title += "()"
    return f"`{title}`"


def _reference(title, label, page):
    target = page.book.targets.get(label)
    if target is None:
        raise page.unsupported(
            f"a reference to the unknown label {label!r}",
            "Check the label's spelling, or add the page that defines it to _toc.yml",
        )
    return _link(title or target.text, target.docname, page, heading=target.text)


def _resolve_doc(target, current):
    """A page's docname from a link or {doc} target relative to the current page."""
    target = target.split("#")[0]
    for suffix in (".ipynb", ".md"):
        target = target.removesuffix(suffix)
    if target.startswith("/"):
        return target.lstrip("/")
    folder = Path(current).parent
    parts = []
    for part in (folder / target).as_posix().split("/"):
        if part == "..":
            parts = parts[:-1]
        elif part not in (".", ""):
            parts.append(part)
    return "/".join(parts)


def _link(text, docname, page, heading=None, fragment=""):
    """A link to the copy of a chapter (or to a heading of this one). Pages that have no copy,
    such as the appendices, are linked to their file in the repository, or named as text."""
    source = page.book.pages.get(docname)
    if source is not None and source.suffix == ".ipynb":
        fragment = fragment or (_anchor(heading) if heading else "")
        url = "" if docname == page.docname else source.name
        url += f"#{fragment}" if fragment else ""
        return f"[{text}]({_destination(url)})" if url else text
    if source is None or not page.book.source_url:
        return text
    fragment = fragment or (_github_anchor(heading) if heading else "")
    url = page.book.source_url + source.relative_to(page.book.root).as_posix()
    url += f"#{fragment}" if fragment else ""
    return f"[{text}]({_destination(url)})"


def _destination(url):
    """A link destination, in <angle brackets> when it holds spaces or parentheses."""
    return f"<{url}>" if re.search(r"[\s()<>]", url) else url


def _convert_link(link, page):
    """A Markdown link to a page of the book ([text](02-activation-functions)) → its copy."""
    target = link["target"]
    if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # http:, mailto:, ...
        return link.group()
    if target.startswith("#"):
        known = page.book.targets.get(target[1:])
        if known is None:
            return link.group()
        return _link(link["text"][1:-1], known.docname, page, heading=known.text)
    path = target.partition("#")[0]
    if Path(path).suffix not in ("", ".md", ".ipynb"):
        return link.group()  # a file such as an image, not a page: leave it alone
    docname = _resolve_doc(target, page.docname)
    return _link(link["text"][1:-1], docname, page, fragment=target.partition("#")[2])


# -- whole notebooks ---------------------------------------------------------------------------


def _tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def _split_at(source, name, page):
    """The converted text before and after the directive ``name`` (e.g. a solution gate)."""
    blocks = parse_blocks(source.splitlines())
    index = next(i for i, (kind, b) in enumerate(blocks) if kind == "directive" and b.name == name)
    return render_blocks(blocks[:index], page), render_blocks(blocks[index + 1 :], page)


def _has_directive(source, name):
    return any(
        kind == "directive" and block.name == name
        for kind, block in parse_blocks(source.splitlines())
    )


def student_copy(nb, book, docname=None):
    """The student copy of the notebook ``nb`` of the page ``docname`` (found by its title
    when not given). ``nb`` itself is not changed."""
    import nbformat

    docname = docname or book.docname_of(nb)
    page = Page(book, docname, exercise_numbers=list(book.exercise_numbers.get(docname, [])))
    cells, solution = [], None  # solution: the parts of a solution being folded, and its id
    for index, original in enumerate(nb.cells):
        cell = nbformat.from_dict(original)
        page.where = f"cell {index}"
        if solution is not None:
            solution = _fold(cell, solution, cells, page)
        elif cell.cell_type == "markdown" and _has_directive(cell.source, SOLUTION_START):
            before, after = _split_at(cell.source, SOLUTION_START, page)
            _append_markdown(cells, before, cell)
            solution = {"parts": [after] if after else [], "id": cell.get("id")}
        elif cell.cell_type == "markdown":
            _append_markdown(cells, convert_text(cell.source, page), cell)
        elif cell.cell_type == "code" and "solution" in _tags(cell):
            _append_markdown(cells, "\n".join(details("Solution", _solution_code(cell))), cell)
        elif cell.cell_type == "code":
            cells.append(_cleared(cell))
        else:
            cells.append(cell)
    if solution is not None:
        raise page.unsupported("a solution-start without its solution-end", "Close the block")
    copy = nbformat.from_dict(nb)
    copy.cells = cells
    copy.metadata = nbformat.from_dict(
        {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}
    )
    return copy


def _fold(cell, solution, cells, page):
    """Add one cell to the solution being folded; at solution-end, write the folded block."""
    if cell.cell_type == "code":
        solution["parts"].append("\n".join(_solution_code(cell)))
        return solution
    if not _has_directive(cell.source, SOLUTION_END):
        solution["parts"].append(convert_text(cell.source, page))
        return solution
    before, after = _split_at(cell.source, SOLUTION_END, page)
    if before:
        solution["parts"].append(before)
    body = "\n\n".join(solution["parts"]).split("\n")
    folded = {
        "cell_type": "markdown",
        "metadata": {},
        "source": "\n".join(details("Solution", body)),
    }
    if solution["id"]:
        folded["id"] = solution["id"]
    import nbformat

    cells.append(nbformat.from_dict(folded))
    _append_markdown(cells, after, cell)
    return None


def _solution_code(cell):
    return fenced("python", cell.source.strip("\n"))


def _append_markdown(cells, source, cell):
    """Keep a markdown cell (with its id and attachments) unless nothing is left of it."""
    if source.strip():
        cell.source = source
        cells.append(cell)


def _cleared(cell):
    cell.outputs = []
    cell.execution_count = None
    for key in ("execution", "ExecuteTime", "collapsed", "scrolled"):
        cell.metadata.pop(key, None)
    if {"hide-cell", "hide-input"} & set(_tags(cell)):
        cell.metadata["jupyter"] = {"source_hidden": True}  # folded in JupyterLab too
    return cell


def write_student_copies(root, out, force=False):
    """Write a student copy of every chapter of the repository ``root`` into ``out``.

    A copy that exists is kept (it holds the learner's work) unless ``force`` is true.
    Returns [(path, "wrote" or "kept")] in chapter order.
    """
    import nbformat

    book = Book.load(root)
    out = Path(out)
    notebooks = book.notebooks()
    if not notebooks:
        raise FileNotFoundError(f"{Path(root) / 'chapters'} holds no chapter notebooks")
    # Convert everything first, so a chapter the conversion rejects leaves no half-written set.
    copies = []
    for docname, path in notebooks:
        target = out / path.name
        if target.exists() and not force:
            copies.append((target, None))
            continue
        nb = nbformat.read(str(path), as_version=4)
        copies.append((target, student_copy(nb, book, docname)))
    out.mkdir(parents=True, exist_ok=True)
    results = []
    for target, copy in copies:
        if copy is None:
            results.append((target, "kept"))
            continue
        nbformat.validate(copy)
        nbformat.write(copy, str(target))
        results.append((target, "wrote"))
    return results
