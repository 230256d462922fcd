// The front end of course/controls.py's Slider: a native range input named by its <label>.
// A browser gives such an input an accessible name (the label's text), the arrow, Home, End
// and Page keys, and announces its value (aria-valuetext, the readout the learner sees).
// The kernel sends the list of readouts and the chosen position; the input moves over positions.

const EVENTS = ["change:index", "change:labels", "change:description"];
const SLIDER_KEYS = new Set(["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End", "PageUp", "PageDown"]);

function render({ model, el }) {
  // an id unique in the page (a model can have several views, and anywidget may load this
  // module once per model, so no counter here can be trusted to be page-wide)
  const id = `course-slider-${Math.random().toString(36).slice(2, 12)}`;
  const row = document.createElement("div");
  row.className = "course-slider";
  const name = document.createElement("label");
  name.className = "course-slider-name";
  name.htmlFor = id;
  const input = document.createElement("input");
  input.id = id;
  input.type = "range";
  input.min = "0";
  input.step = "1";
  const readout = document.createElement("span");
  readout.className = "course-slider-readout";
  readout.setAttribute("aria-hidden", "true"); // the input's aria-valuetext says it already
  row.append(name, input, readout);
  el.append(row);

  const show = (position) => {
    const labels = model.get("labels");
    const text = labels[position] ?? "";
    name.textContent = model.get("description");
    input.max = String(Math.max(labels.length - 1, 0));
    input.value = String(position);
    input.setAttribute("aria-valuetext", text);
    readout.textContent = text;
  };
  const redraw = () => show(model.get("index"));
  const send = () => {
    if (Number(input.value) !== model.get("index")) {
      model.set("index", Number(input.value));
      model.save_changes();
    }
  };
  const moving = () => {
    show(Number(input.value));
    if (model.get("continuous_update")) send();
  };

  // JupyterLab reads arrow keys (and others) at the page level as its own shortcuts (select
  // the next cell, ...): keep the keys that move a slider for the slider.
  input.addEventListener("keydown", (event) => {
    if (SLIDER_KEYS.has(event.key)) event.stopPropagation();
  });
  input.addEventListener("input", moving);
  input.addEventListener("change", send); // released, or a key pressed
  for (const event of EVENTS) model.on(event, redraw);
  redraw();
  return () => {
    for (const event of EVENTS) model.off(event, redraw);
  };
}

export default { render };
