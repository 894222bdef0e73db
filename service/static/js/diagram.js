// Draws each bundle diagram from its Mermaid text with the vendored mermaid (no inline script:
// see security.py). Without script, or if drawing fails, the text stays as it is.
window.addEventListener("load", async function () {
  if (!window.mermaid) return;
  // Full size, scrolled inside its figure: a bundle's machine is too wide to shrink to fit.
  window.mermaid.initialize({ startOnLoad: false, securityLevel: "strict",
                              state: { useMaxWidth: false } });
  const figures = document.querySelectorAll("figure.diagram");
  for (const [index, figure] of figures.entries()) {
    const source = figure.querySelector("pre.diagram-source");
    try {
      const { svg } = await window.mermaid.render("diagram-" + index, source.textContent);
      figure.querySelector(".diagram-drawing").innerHTML = svg;
      source.hidden = true;
    } catch (error) {
      figure.querySelector(".diagram-drawing").textContent = "";
    }
  }
});
