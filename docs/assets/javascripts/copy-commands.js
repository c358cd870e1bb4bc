/*
 * coursecode: the copy button of a shell or Python session copies the commands only.
 *
 * Pygments marks prompts ("$ ", ">>> ", "... ", "PS> ") as .gp and output lines as .go.
 * Material's copy button copies the data-copy attribute of the code element when it has one
 * (bundle.js: e.closest("[data-copy]")), else the element's innerText. For every code block
 * with a prompt this sets data-copy to the text without prompts and without output lines.
 * Without this script, extra.css still hides .gp and .go while Material copies, which leaves
 * a blank line where each output line was.
 */
(function () {
  "use strict";

  function commandText(code) {
    var lines = [{ text: "", output: false }];
    (function walk(node, skip) {
      node.childNodes.forEach(function (child) {
        if (child.nodeType === Node.TEXT_NODE) {
          var parts = child.data.split("\n");
          parts.forEach(function (part, index) {
            if (index > 0) lines.push({ text: "", output: false });
            var line = lines[lines.length - 1];
            if (skip === "output") line.output = true;
            else if (skip !== "prompt") line.text += part;
          });
        } else if (child.nodeType === Node.ELEMENT_NODE) {
          if (child.classList.contains("md-annotation")) return;
          var mode = skip;
          if (child.classList.contains("gp")) mode = "prompt";
          else if (child.classList.contains("go")) mode = "output";
          walk(child, mode);
        }
      });
    })(code, null);
    return lines
      .filter(function (line) { return !line.output; })
      .map(function (line) { return line.text; })
      .join("\n")
      .replace(/\s+$/, "");
  }

  function mark(root) {
    root.querySelectorAll(".highlight code").forEach(function (code) {
      if (code.querySelector(".gp")) code.setAttribute("data-copy", commandText(code));
    });
  }

  // Material's document$ emits on every page, instant navigation included.
  if (typeof document$ !== "undefined") {
    document$.subscribe(function () { mark(document); });
  } else {
    mark(document);
  }
})();
