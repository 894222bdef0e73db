// The YAML editor: a problem's "line N" link puts the cursor on that line of the text and
// selects it. Without script the link is still the line number to look for.
document.addEventListener("click", function (event) {
  const link = event.target.closest("a[data-line]");
  const text = document.getElementById("field-text");
  if (!link || !text) return;
  event.preventDefault();
  const lines = text.value.split("\n");
  const line = Math.min(Number(link.dataset.line), lines.length) - 1;
  const start = lines.slice(0, line).reduce((length, each) => length + each.length + 1, 0);
  text.focus();
  text.setSelectionRange(start, start + lines[line].length);
  // Scroll the selected line into view: the line's share of the text's height.
  text.scrollTop = (text.scrollHeight * line) / lines.length - text.clientHeight / 3;
});
