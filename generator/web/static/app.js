// The brief form: repeatable groups, live preview, errors at the field, import/export, downloads.
"use strict";
(() => {
  const form = document.getElementById("brief");
  const preview = document.getElementById("preview");
  const stats = document.getElementById("stats");
  const hint = document.getElementById("hint");
  const general = document.getElementById("general-errors");
  const DELAY = 300;

  const isEmpty = (v) => v === undefined || (Array.isArray(v) && !v.length) ||
    (v && typeof v === "object" && !Array.isArray(v) && !Object.keys(v).length);
  const owns = (scope, node) => node.parentElement.closest(".obj") === scope;

  // ---- form → brief object (canonical keys, text values), tagging each control with its key path
  function readObj(scope, prefix) {
    const out = {};
    for (const node of scope.querySelectorAll("[data-key]")) {
      if (!owns(scope, node)) continue;
      const key = node.dataset.key;
      const path = prefix ? prefix + "." + key : key;
      node.dataset.path = path;
      let value;
      if (node.classList.contains("list")) value = readList(node, path);
      else if (node.classList.contains("obj")) value = readObj(node, path);
      else if (node.type === "checkbox") value = node.checked ? undefined : false;
      else value = node.value.trim() || undefined;
      if (!isEmpty(value)) out[key] = value;
    }
    return out;
  }

  function readList(list, path) {
    const out = [];
    for (const item of list.querySelector(":scope > .rows").children) {
      const at = path + "[" + out.length + "]";
      if (list.dataset.strings === "1") {
        const input = item.querySelector(".val");
        const value = input.value.trim();
        input.dataset.path = value ? at : "";
        if (value) out.push(value);
      } else {
        const value = readObj(item, at);
        item.dataset.path = isEmpty(value) ? "" : at;
        if (isEmpty(value)) item.querySelectorAll("[data-path]").forEach((n) => { n.dataset.path = ""; });
        else out.push(value);
      }
    }
    return out;
  }

  // ---- brief object → form
  function addItem(list, value) {
    const template = list.querySelector(":scope > template");
    const item = template.content.firstElementChild.cloneNode(true);
    list.querySelector(":scope > .rows").appendChild(item);
    if (list.dataset.strings === "1") item.querySelector(".val").value = value == null ? "" : String(value);
    else fillObj(item, value || {});
    number(list);
    return item;
  }

  function number(list) {
    let i = 0;
    for (const item of list.querySelector(":scope > .rows").children) {
      i += 1;
      const label = item.querySelector(":scope > .item-bar > .item-no");
      if (label) label.textContent = list.dataset.label + " " + i;
    }
  }

  function fillObj(scope, data) {
    for (const node of scope.querySelectorAll("[data-key]")) {
      if (!owns(scope, node)) continue;
      const value = data ? data[node.dataset.key] : undefined;
      if (node.classList.contains("list")) {
        node.querySelector(":scope > .rows").replaceChildren();
        for (const item of Array.isArray(value) ? value : []) addItem(node, item);
      } else if (node.classList.contains("obj")) {
        fillObj(node, value && typeof value === "object" ? value : {});
      } else if (node.type === "checkbox") {
        node.checked = ![false, "false", "否", "关"].includes(value);
      } else if (node.tagName === "SELECT") {
        const text = value == null ? "" : String(value);
        if (text && ![...node.options].some((o) => o.value === text)) {
          node.add(new Option(text + "（不认识）", text));  // let the validator say why
        }
        node.value = text;
      } else {
        node.value = value == null ? "" : String(value);
      }
    }
  }

  // ---- errors at the field, found by key path (or its nearest ancestor on the form)
  const parentPath = (p) => p.slice(0, Math.max(p.lastIndexOf("."), p.lastIndexOf("[")));

  function clearErrors() {
    form.querySelectorAll(".field-error").forEach((e) => e.remove());
    form.querySelectorAll("[aria-invalid]").forEach((e) => e.removeAttribute("aria-invalid"));
    general.replaceChildren();
    general.hidden = true;
  }

  function showErrors(errors) {
    clearErrors();
    for (const err of errors) {
      let path = err.path || "";
      let target = null;
      while (path) {
        target = form.querySelector('[data-path="' + CSS.escape(path) + '"]');
        if (target) break;
        path = parentPath(path);
      }
      const note = document.createElement("div");
      note.className = "field-error";
      note.dataset.for = err.path || "";
      note.textContent = err.message;
      if (!target) {
        note.textContent = (err.path ? err.path + "：" : "") + err.message;
        general.appendChild(note);
        general.hidden = false;
      } else if (target.matches("input, select, textarea")) {
        target.setAttribute("aria-invalid", "true");
        (target.closest(".field, .item.str") || target.parentElement).appendChild(note);
      } else {
        target.setAttribute("aria-invalid", "true");
        target.insertBefore(note, target.querySelector(":scope > .rows, :scope > .field, :scope > .list") || target.firstChild);
      }
    }
  }

  // ---- live preview
  let timer = null;
  let sequence = 0;

  function changed() {
    clearTimeout(timer);
    timer = setTimeout(refresh, DELAY);
  }

  function current() { return readObj(form, ""); }

  function store(brief) {
    try { localStorage.setItem(SG.STORE, JSON.stringify(brief)); } catch (e) { /* private mode */ }
  }

  async function refresh() {
    const mine = ++sequence;
    const brief = current();
    store(brief);
    let response;
    try {
      response = await SG.post("/api/preview", { brief, script: document.getElementById("script").value });
    } catch (e) {
      if (mine === sequence) stats.textContent = "无法连接到 speechgen（服务是否已关闭？）";
      return;
    }
    const data = await (response.ok ? response.json() : SG.failure(response));
    if (mine !== sequence) return;  // a newer edit is on its way
    if (response.ok) {
      clearErrors();
      preview.innerHTML = data.html;  // server-rendered with autoescape: text only
      preview.classList.remove("stale");
      stats.textContent = data.stats;
      hint.textContent = data.hint;
      document.body.dataset.previewChars = data.chars;
    } else if (data.errors) {
      showErrors(data.errors);
      preview.classList.add("stale");
      stats.textContent = "简报有 " + data.errors.length + " 处问题（已在左侧标出），改好后预览自动更新。";
      hint.textContent = "";
    } else {
      stats.textContent = data.error || "预览失败。";
    }
    document.body.dataset.previewSeq = String(mine);
  }

  // ---- buttons
  async function download(url, body, fallback) {
    SG.notice("");
    const response = await SG.post(url, body);
    if (!response.ok) {
      const data = await SG.failure(response);
      if (data.errors) showErrors(data.errors);
      SG.notice(data.errors ? "简报有问题，已在左侧标出；改好后再下载。" : data.error, "error");
      return;
    }
    const name = await SG.save(response, fallback);
    SG.notice("已下载：" + name, "ok");
  }

  document.getElementById("download-btn").addEventListener("click", () => {
    const format = document.getElementById("format").value;
    download("/api/download", { brief: current(), format, script: document.getElementById("script").value }, "讲话稿." + format);
  });
  document.getElementById("export-btn").addEventListener("click", () => download("/api/export", { brief: current() }, "简报.yaml"));
  document.getElementById("clear-btn").addEventListener("click", () => {
    const kind = form.querySelector('[data-key="kind"]').value;
    const topic = form.querySelector('[data-key="topic"]').value;
    fillObj(form, { kind, topic });
    changed();
  });
  document.getElementById("example-btn").addEventListener("click", async () => {
    const kind = form.querySelector('[data-key="kind"]').value;
    const topic = form.querySelector('[data-key="topic"]').value;
    const response = await fetch("/api/example?kind=" + encodeURIComponent(kind) + "&topic=" + encodeURIComponent(topic));
    fillObj(form, (await response.json()).form);
    changed();
  });
  const importFile = document.getElementById("import-file");
  document.getElementById("import-btn").addEventListener("click", () => importFile.click());
  importFile.addEventListener("change", async () => {
    const file = importFile.files[0];
    if (!file) return;
    const body = new FormData();
    body.append("file", file);
    const response = await SG.post("/api/import", body);
    const data = await (response.ok ? response.json() : SG.failure(response));
    importFile.value = "";
    if (!response.ok) {
      const lines = (data.errors || []).map((e) => e.text);
      SG.notice([data.error, ...lines].join("\n"), "error");
      return;
    }
    fillObj(form, data.form);
    const lines = data.problems.map((p) => p.text);
    SG.notice(lines.length ? "已导入 " + data.name + "，其中有 " + lines.length + " 处问题：\n" + lines.join("\n")
      : "已导入 " + data.name + "。", lines.length ? "error" : "ok");
    changed();
  });

  // ---- repeatable groups
  form.addEventListener("click", (event) => {
    const add = event.target.closest("[data-add]");
    if (add) {
      const item = addItem(add.closest(".list"));
      const first = item.querySelector("input, textarea, select");
      if (first) first.focus();
      changed();
      return;
    }
    const remove = event.target.closest("[data-remove]");
    if (remove) {
      const list = remove.closest(".list");
      remove.closest(".item").remove();
      number(list);
      changed();
    }
  });
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", (e) => e.preventDefault());
  document.getElementById("script").addEventListener("change", changed);

  // ---- start: the last form of this browser, else the example
  let start = null;
  try { start = JSON.parse(localStorage.getItem(SG.STORE) || "null"); } catch (e) { start = null; }
  if (!start || typeof start !== "object" || !Object.keys(start).length) {
    start = JSON.parse(document.getElementById("initial").textContent);
  }
  fillObj(form, start);
  refresh();
})();
