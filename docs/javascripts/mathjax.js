// pymdownx.arithmatex (generic mode) wraps each equation in an element of class
// "arithmatex" with \( \) or \[ \] delimiters; MathJax typesets those elements only.
window.MathJax = {
  tex: { inlineMath: [["\\(", "\\)"]], displayMath: [["\\[", "\\]"]] },
  options: { ignoreHtmlClass: ".*", processHtmlClass: "arithmatex" },
};
