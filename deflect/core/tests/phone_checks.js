// What a 390 px phone screen must hold on every page: nothing wider than the screen, and every
// control at least 44 px tall (checkboxes and radios through their label). Returns problems.
() => {
  const problems = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth + 1) {
    const wide = [...document.querySelectorAll("body *")]
      .filter((e) => e.getBoundingClientRect().right > doc.clientWidth + 1 && !e.closest(".table-wrap, nav"))
      .slice(0, 3)
      .map((e) => e.tagName.toLowerCase() + (e.className ? "." + String(e.className).split(" ")[0] : ""));
    problems.push(`page is ${doc.scrollWidth}px wide (${wide.join(", ")})`);
  }
  const visible = (e) => {
    const r = e.getBoundingClientRect();
    const style = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && style.visibility !== "hidden" && !e.closest("[hidden], .sr-only");
  };
  const name = (e) => (e.getAttribute("aria-label") || e.innerText || e.value || e.name || e.id || "").trim().slice(0, 40);
  const controls = document.querySelectorAll(
    "button, select, textarea, summary, a.button, input:not([type=hidden])"
  );
  for (const e of controls) {
    if (!visible(e) && !(e.type === "checkbox" || e.type === "radio")) continue;
    let target = e;
    if (e.type === "checkbox" || e.type === "radio") {
      target = e.closest("label") || (e.id && document.querySelector(`label[for="${e.id}"]`)) || e;
      if (!visible(target)) continue;
    }
    const h = target.getBoundingClientRect().height;
    if (h < 43.5) problems.push(`${e.tagName.toLowerCase()}${e.type ? "[" + e.type + "]" : ""} "${name(e)}" is ${Math.round(h)}px tall`);
  }
  return problems;
}
