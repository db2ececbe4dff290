/* The book's own behaviour, added to every page by tools/book_extension.py.
 *
 * pydata-sphinx-theme makes every box that scrolls (a wide table, a long output) focusable with
 * tabindex="0", so keyboard users can scroll it, but gives it no role or name: a screen reader
 * lands on an unnamed group. We name each such box, numbered so the names stay unique on a page,
 * and take the name away again when the box stops scrolling (tabindex="-1", e.g. on a wider
 * window).
 */
(function () {
  "use strict";
  const KINDS = [
    [".pst-scrollable-table-container", "Table"],
    [".cell_output > .output", "Cell output"],
    [".output_area, .jp-RenderedHTMLCommon", "Output"],
  ];

  function kindOf(box) {
    const match = KINDS.find(([selector]) => box.matches(selector));
    return match ? match[1] : null;
  }

  function nameScrollingBox(box) {
    const kind = kindOf(box);
    if (!kind) return;
    if (box.getAttribute("tabindex") === "0" && !box.hasAttribute("role")) {
      const same = [...document.querySelectorAll(KINDS.map(([s]) => s).join(", "))].filter(
        (other) => kindOf(other) === kind,
      );
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", `${kind} ${same.indexOf(box) + 1} (scrolls)`);
      box.dataset.bookRegion = "";
    } else if (box.getAttribute("tabindex") !== "0" && "bookRegion" in box.dataset) {
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
      delete box.dataset.bookRegion;
    }
  }

  function start() {
    const main = document.getElementById("main-content") || document.body;
    new MutationObserver((records) => records.forEach((r) => nameScrollingBox(r.target))).observe(
      main,
      { subtree: true, attributes: true, attributeFilter: ["tabindex"] },
    );
    main.querySelectorAll("[tabindex]").forEach(nameScrollingBox);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
