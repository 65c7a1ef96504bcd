/* The source viewer of graph.html and report.html: a click on a FILE:LINE link (a.src-link with
   data-doc, data-line and, for a number, data-mark) opens the release at that line, the line and the
   printed number highlighted, the lines around it shown. The page carries the lines it cites
   (script#kg-sources: {doc: {line: text}}), so this works from file:// with no network. Text goes
   in through textContent only. */
(function () {
  "use strict";
  var holder = document.getElementById("kg-sources");
  var lines = holder ? JSON.parse(holder.textContent) : {};
  var dialog = document.createElement("dialog");
  dialog.id = "source-view";
  dialog.setAttribute("aria-label", "Source line");
  document.body.appendChild(dialog);

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function open(doc, line, mark) {
    line = Number(line);
    var known = lines[doc] || {};
    dialog.textContent = "";
    var head = el("div", "source-head");
    head.appendChild(el("strong", "", doc + ":" + line));
    if (location.protocol.indexOf("http") === 0) {
      var whole = el("a", "source-whole", "the whole release");
      whole.href = "/source/" + encodeURIComponent(doc) + "#L" + line;
      head.appendChild(document.createTextNode(" \u00b7 "));
      head.appendChild(whole);
    }
    var close = el("button", "source-close", "\u00d7");
    close.type = "button";
    close.setAttribute("aria-label", "Close");
    close.addEventListener("click", function () { dialog.close(); });
    head.appendChild(close);
    dialog.appendChild(head);
    var pre = el("pre", "source-lines");
    var numbers = Object.keys(known).map(Number).sort(function (a, b) { return a - b; });
    if (!numbers.length) pre.appendChild(el("span", "muted", "This page does not carry the text of " + doc + "."));
    numbers.forEach(function (n) {
      if (Math.abs(n - line) > 3) return;
      var row = el("span", n === line ? "source-line hit" : "source-line");
      row.setAttribute("data-line", String(n));
      row.appendChild(el("span", "source-no", String(n).padStart(5, " ") + "  "));
      var text = known[String(n)];
      var at = n === line && mark ? text.indexOf(mark) : -1;
      if (at >= 0) {
        row.appendChild(document.createTextNode(text.slice(0, at)));
        row.appendChild(el("mark", "", mark));
        row.appendChild(document.createTextNode(text.slice(at + mark.length)));
      } else {
        row.appendChild(document.createTextNode(text));
      }
      pre.appendChild(row);
      pre.appendChild(document.createTextNode("\n"));
    });
    dialog.appendChild(pre);
    if (!dialog.open) dialog.showModal();
  }

  document.addEventListener("click", function (ev) {
    var a = ev.target.closest ? ev.target.closest("a.src-link") : null;
    if (!a) return;
    ev.preventDefault();
    open(a.getAttribute("data-doc"), a.getAttribute("data-line"), a.getAttribute("data-mark") || "");
  });
  dialog.addEventListener("click", function (ev) { if (ev.target === dialog) dialog.close(); });
  window.kgSources = { open: open, lines: lines };
})();
