// The chatbot flow builder (templates/flows/builder.html). The graph (flows/graph.py's shape) is the one state:
// the Drawflow canvas (static/vendor/drawflow) is drawn from it again after each change, and the side panel
// edits the selected node, its links included (a select per way out), so the builder also works without
// dragging, at phone width. Saving PATCHes the draft to /api/flows/<id>; Publish saves, then publishes.
(() => {
  const root = document.getElementById("flow-builder");
  if (!root) return;
  const labels = JSON.parse(document.getElementById("fb-labels").textContent);
  const draft = JSON.parse(document.getElementById("fb-graph").textContent) || {};
  const graph = { nodes: Array.isArray(draft.nodes) ? draft.nodes : [] };
  const api = root.dataset.api;
  const csrf = root.dataset.csrf;
  const canvas = document.getElementById("fb-canvas");
  const editorBox = document.getElementById("fb-editor");
  const list = document.getElementById("fb-list");
  const note = document.getElementById("fb-message");
  const WAITING = ["menu", "question"];
  const ENDING = ["handoff", "ai", "end"];
  let selected = null;
  let drawing = false;
  let problems = {};
  const dfToId = {};
  const idToDf = {};

  const editor = new window.Drawflow(canvas);
  editor.reroute = false;
  editor.start();

  function byId(id) {
    return graph.nodes.find((n) => n.id === id);
  }

  function fmt(text, values) {
    return text.replace(/%\((\w+)\)s/g, (_m, key) => String(values[key]));
  }

  // Every way out of a node: a label, and get/set of the node id it leads to (the order of Drawflow's outputs).
  function exits(node) {
    const out = [];
    const link = (label, obj, key) => out.push({ label, get: () => obj[key] || "", set: (v) => { obj[key] = v || null; } });
    if (node.kind === "menu") {
      (node.options || []).forEach((o, i) => link(`${labels.option} ${i + 1}: ${o.label || ""}`, o, "next"));
    } else if (node.kind === "condition") {
      (node.rules || []).forEach((r, i) => link(`${labels.rule} ${i + 1}`, r, "next"));
      link(labels.else, node, "else");
    } else if (!(node.kind === "action" && ENDING.includes(node.action))) {
      link(labels.next, node, "next");
    }
    if (WAITING.includes(node.kind) && node.timeout_minutes) link(labels.timeout, node, "timeout_next");
    return out;
  }

  function summary(node) {
    if (node.kind === "trigger") return labels.choices.trigger[node.trigger] + (node.trigger === "keyword" ? `: ${(node.keywords || []).join(", ")}` : "");
    if (node.kind === "action") return labels.choices.action[node.action] + (node.tag ? `: ${node.tag}` : "");
    if (node.kind === "condition") return (node.rules || []).map((r) => labels.choices.check[r.check]).join(" / ");
    return (node.text || "").slice(0, 80);
  }

  function nodeHtml(node) {
    const wrap = document.createElement("div");
    const title = document.createElement("div");
    title.className = "fb-node-title";
    title.textContent = `${labels.kinds[node.kind]} · ${node.id}`;
    const body = document.createElement("div");
    body.className = "fb-node-body";
    body.textContent = summary(node);
    wrap.append(title, body);
    return wrap.innerHTML; // textContent above escapes what the owner typed
  }

  function draw() {
    drawing = true;
    editor.clear();
    Object.keys(dfToId).forEach((k) => delete dfToId[k]);
    Object.keys(idToDf).forEach((k) => delete idToDf[k]);
    graph.nodes.forEach((node, i) => {
      if (node.x === undefined) { node.x = 40 + (i % 4) * 260; node.y = 40 + Math.floor(i / 4) * 180; }
      const classes = `fb-kind-${node.kind}${problems[node.id] ? " fb-node-error" : ""}${node.id === selected ? " fb-node-selected" : ""}`;
      const dfId = editor.addNode(node.kind, node.kind === "trigger" ? 0 : 1, exits(node).length, node.x, node.y,
        classes, { id: node.id }, nodeHtml(node));
      dfToId[dfId] = node.id;
      idToDf[node.id] = dfId;
    });
    graph.nodes.forEach((node) => {
      exits(node).forEach((exit, i) => {
        const target = exit.get();
        if (target && idToDf[target] && byId(target).kind !== "trigger") {
          editor.addConnection(idToDf[node.id], idToDf[target], `output_${i + 1}`, "input_1");
        }
      });
    });
    drawing = false;
    drawList();
  }

  function drawList() {
    list.replaceChildren(...graph.nodes.map((node) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = `fb-list-item${node.id === selected ? " active" : ""}${problems[node.id] ? " fb-list-error" : ""}`;
      button.dataset.node = node.id;
      button.textContent = `${labels.kinds[node.kind]} · ${node.id} — ${summary(node)}`;
      button.addEventListener("click", () => select(node.id));
      item.append(button);
      if (problems[node.id]) {
        const why = document.createElement("div");
        why.className = "field-error";
        why.textContent = problems[node.id];
        item.append(why);
      }
      return item;
    }));
  }

  // ------------------------------------------------------------ the side panel

  function field(labelText, input) {
    const label = document.createElement("label");
    label.className = "fb-field";
    const span = document.createElement("span");
    span.textContent = labelText;
    label.append(span, input);
    return label;
  }

  function textInput(obj, key, { area = false, number = false, lines = false, comma = false } = {}) {
    const input = document.createElement(area || lines ? "textarea" : "input");
    if (!area && !lines) input.type = number ? "number" : "text";
    if (area || lines) input.rows = lines ? 4 : 3;
    const value = obj[key];
    input.value = Array.isArray(value) ? value.join(comma ? ", " : "\n") : (value ?? "");
    input.name = key;
    input.addEventListener("change", () => {
      let v = input.value;
      if (number) v = v === "" ? null : parseInt(v, 10);
      else if (comma) v = v.split(",").map((s) => s.trim()).filter(Boolean);
      else if (lines) v = v.split("\n").map((s) => s.trim()).filter(Boolean);
      obj[key] = v;
      changed();
    });
    return input;
  }

  function choiceInput(obj, key, options, fallback) {
    const select = document.createElement("select");
    select.name = key;
    Object.entries(options).forEach(([value, text]) => select.add(new Option(text, value)));
    select.value = obj[key] || fallback;
    obj[key] = select.value;
    select.addEventListener("change", () => { obj[key] = select.value; changed(); });
    return select;
  }

  function linkInput(node, exit) {
    const select = document.createElement("select");
    select.name = "link";
    select.add(new Option(labels.end_flow, ""));
    graph.nodes.filter((n) => n.id !== node.id && n.kind !== "trigger").forEach((n) => select.add(new Option(`${labels.kinds[n.kind]} · ${n.id}`, n.id)));
    select.value = exit.get();
    select.addEventListener("change", () => { exit.set(select.value); changed(); });
    return field(exit.label, select);
  }

  function optionsInput(node) {
    // One label per line; each existing option keeps its link when only its label changes.
    const area = document.createElement("textarea");
    area.rows = 4;
    area.name = "options";
    area.value = (node.options || []).map((o) => o.label).join("\n");
    area.addEventListener("change", () => {
      const names = area.value.split("\n").map((s) => s.trim()).filter(Boolean);
      node.options = names.map((label, i) => ({ label, next: (node.options[i] || {}).next || null }));
      changed();
    });
    return field(labels.fields.options, area);
  }

  function rulesInput(node) {
    const box = document.createElement("fieldset");
    box.className = "fb-rules";
    const legend = document.createElement("legend");
    legend.textContent = labels.fields.rules;
    box.append(legend);
    (node.rules || []).forEach((rule, i) => {
      const row = document.createElement("div");
      row.className = "fb-rule";
      row.append(field(labels.fields.check, choiceInput(rule, "check", labels.choices.check, "answer")));
      if (rule.check === "business_hours") {
        // The workspace's own hours (Inbox → Business hours): nothing to write here.
      } else if (rule.check === "time") {
        row.append(field(labels.fields.start, textInput(rule, "start")), field(labels.fields.end, textInput(rule, "end")));
      } else {
        if (rule.check !== "answer") row.append(field(labels.fields.name, textInput(rule, "name")));
        if (rule.check !== "tag") {
          row.append(field(labels.fields.op, choiceInput(rule, "op", labels.choices.op, "equals")),
            field(labels.fields.value, textInput(rule, "value")));
        }
      }
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "btn btn-sm btn-danger";
      remove.textContent = labels.remove_rule;
      remove.addEventListener("click", () => { node.rules.splice(i, 1); changed(); });
      row.append(remove);
      box.append(row);
    });
    const add = document.createElement("button");
    add.type = "button";
    add.className = "btn btn-sm";
    add.textContent = labels.add_rule;
    add.addEventListener("click", () => { node.rules = [...(node.rules || []), { check: "answer", op: "equals", value: "", next: null }]; changed(); });
    box.append(add);
    return box;
  }

  function panel() {
    const node = byId(selected);
    if (!node) { editorBox.replaceChildren(); return; }
    const f = labels.fields;
    const parts = [];
    const heading = document.createElement("h2");
    heading.textContent = `${labels.kinds[node.kind]} · ${node.id}`;
    parts.push(heading);
    if (problems[node.id]) {
      const why = document.createElement("div");
      why.className = "alert alert-error";
      why.textContent = problems[node.id];
      parts.push(why);
    }
    if (node.kind === "trigger") {
      parts.push(field(f.trigger, choiceInput(node, "trigger", labels.choices.trigger, "keyword")));
      if (node.trigger === "keyword") {
        parts.push(field(f.keywords, textInput(node, "keywords", { comma: true })),
          field(f.match, choiceInput(node, "match", labels.choices.match, "exact")));
      }
    }
    if (["message", "menu", "question"].includes(node.kind)) parts.push(field(f.text, textInput(node, "text", { area: true })));
    if (node.kind === "menu") parts.push(optionsInput(node));
    if (node.kind === "question") {
      parts.push(field(f.validate, choiceInput(node, "validate", labels.choices.validate, "text")));
      if (node.validate === "choice") parts.push(field(f.choices, textInput(node, "choices", { lines: true })));
      parts.push(field(f.store, choiceInput(node, "store", labels.choices.store, "variable")),
        field(f.name, textInput(node, "name")));
    }
    if (WAITING.includes(node.kind)) {
      parts.push(field(f.retry, textInput(node, "retry")), field(f.timeout_minutes, textInput(node, "timeout_minutes", { number: true })),
        field(f.reminder_minutes, textInput(node, "reminder_minutes", { number: true })), field(f.reminder, textInput(node, "reminder")));
    }
    if (node.kind === "condition") parts.push(rulesInput(node));
    if (node.kind === "action") {
      parts.push(field(f.action, choiceInput(node, "action", labels.choices.action, "end")));
      if (["tag_add", "tag_remove"].includes(node.action)) parts.push(field(f.tag, textInput(node, "tag")));
      if (node.action === "assign") parts.push(field(f.user, textInput(node, "user")));
      if (["handoff", "end"].includes(node.action)) parts.push(field(f.text, textInput(node, "text", { area: true })));
    }
    exits(node).forEach((exit) => parts.push(linkInput(node, exit)));
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "btn btn-sm btn-danger";
    remove.textContent = labels.delete;
    remove.addEventListener("click", () => removeNode(node.id));
    parts.push(remove);
    editorBox.replaceChildren(...parts);
  }

  // From the canvas the node is being clicked or dragged: drawing the canvas again would drop the drag, and
  // Drawflow marks the selected node itself.
  function select(id, { redraw = true } = {}) {
    selected = id;
    if (redraw) draw(); else drawList();
    panel();
  }

  function changed() {
    draw();
    panel();
  }

  function removeNode(id) {
    graph.nodes = graph.nodes.filter((n) => n.id !== id);
    graph.nodes.forEach((n) => exits(n).forEach((exit) => { if (exit.get() === id) exit.set(null); }));
    if (selected === id) selected = null;
    changed();
  }

  const DEFAULTS = {
    trigger: { trigger: "keyword", keywords: [], match: "exact" },
    message: { text: "" },
    menu: { text: "", options: [{ label: "", next: null }] },
    question: { text: "", validate: "text", store: "variable", name: "answer" },
    condition: { rules: [{ check: "answer", op: "equals", value: "", next: null }], else: null },
    action: { action: "end" },
  };

  // The first free cell of a 250 × 130 grid, so a new node never lands on another.
  function freeSpot() {
    for (let cell = 0; ; cell += 1) {
      const x = 40 + (cell % 3) * 250;
      const y = 40 + Math.floor(cell / 3) * 130;
      if (!graph.nodes.some((n) => Math.abs(n.x - x) < 220 && Math.abs(n.y - y) < 100)) return { x, y };
    }
  }

  function addNode(kind) {
    let n = 1;
    while (byId(`${kind}${n}`)) n += 1;
    const node = { id: `${kind}${n}`, kind, ...JSON.parse(JSON.stringify(DEFAULTS[kind])), ...freeSpot() };
    graph.nodes.push(node);
    select(node.id);
  }

  // ------------------------------------------------------------ canvas events

  editor.on("nodeSelected", (dfId) => { if (!drawing && dfToId[dfId] !== selected) select(dfToId[dfId], { redraw: false }); });
  editor.on("nodeMoved", (dfId) => {
    const node = byId(dfToId[dfId]);
    const at = editor.getNodeFromId(dfId);
    if (node && at) { node.x = Math.round(at.pos_x); node.y = Math.round(at.pos_y); }
  });
  editor.on("nodeRemoved", (dfId) => { if (!drawing && dfToId[dfId]) removeNode(dfToId[dfId]); });
  editor.on("connectionCreated", (c) => {
    if (drawing) return;
    const node = byId(dfToId[c.output_id]);
    const exit = node && exits(node)[parseInt(c.output_class.replace("output_", ""), 10) - 1];
    if (exit) exit.set(dfToId[c.input_id]);
    setTimeout(changed); // one link per way out: drawing again drops the one this replaced
  });
  editor.on("connectionRemoved", (c) => {
    if (drawing) return;
    const node = byId(dfToId[c.output_id]);
    const exit = node && exits(node)[parseInt(c.output_class.replace("output_", ""), 10) - 1];
    if (exit && exit.get() === dfToId[c.input_id]) exit.set(null);
    setTimeout(changed);
  });

  // ------------------------------------------------------------ saving, checking, publishing

  function say(text, kind) {
    note.className = `fb-message alert alert-${kind}`;
    note.textContent = text;
  }

  function showProblems(items) {
    problems = {};
    items.forEach((p) => { if (!problems[p.node]) problems[p.node] = p.message; });
    const general = items.filter((p) => !byId(p.node)).map((p) => p.message);
    changed();
    if (!items.length) { say(labels.no_problems, "success"); return; }
    say(`${labels.problems} ${general.concat(items.filter((p) => byId(p.node)).map((p) => p.message)).join(" · ")}`, "error");
  }

  async function call(url, method, body) {
    const response = await fetch(url, {
      method, credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw Object.assign(new Error(data.message || response.statusText), { data });
    return data;
  }

  async function save() {
    await call(api, "PATCH", { draft: graph });
  }

  document.getElementById("fb-save").addEventListener("click", async () => {
    try { await save(); say(labels.saved, "success"); } catch (e) { say(fmt(labels.failed, { error: e.message }), "error"); }
  });
  document.getElementById("fb-check").addEventListener("click", async () => {
    try { await save(); showProblems((await call(`${api}/check`, "POST")).problems); } catch (e) { say(fmt(labels.failed, { error: e.message }), "error"); }
  });
  document.getElementById("fb-publish").addEventListener("click", async () => {
    try {
      await save();
      const flow = await call(`${api}/publish`, "POST");
      problems = {};
      changed();
      const badge = document.getElementById("fb-status");
      badge.textContent = labels.statuses[flow.status] || flow.status;
      badge.classList.add("badge-green");
      document.getElementById("fb-version").textContent = `v${flow.live_version}`;
      say(fmt(labels.published, { n: flow.live_version }), "success");
    } catch (e) {
      const fields = (e.data && e.data.fields) || {};
      if (Object.keys(fields).length) {
        showProblems(Object.entries(fields).map(([node, message]) => ({ node, message })));
      } else {
        say(fmt(labels.failed, { error: e.message }), "error");
      }
    }
  });
  root.querySelectorAll("[data-add]").forEach((button) => button.addEventListener("click", () => addNode(button.dataset.add)));

  draw();
})();
