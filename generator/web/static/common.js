// Shared helpers: every POST carries the CSRF token from the page's <meta>.
"use strict";
const SG = (() => {
  const token = () => document.querySelector('meta[name="csrf-token"]').content;

  function notice(text, kind) {
    const box = document.getElementById("notice");
    if (!text) { box.hidden = true; return; }
    box.textContent = text;
    box.className = "notice " + (kind || "info");
    box.hidden = false;
  }

  async function post(url, body) {
    const headers = { "X-CSRF-Token": token() };
    if (!(body instanceof FormData)) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(body);
    }
    return fetch(url, { method: "POST", headers, body, credentials: "same-origin" });
  }

  async function failure(response) {
    try { return await response.json(); } catch (e) { return { error: "服务出错（" + response.status + "）。" }; }
  }

  function filename(response, fallback) {
    const header = response.headers.get("content-disposition") || "";
    const m = /filename\*=UTF-8''([^;]+)/i.exec(header);
    return m ? decodeURIComponent(m[1]) : fallback;
  }

  async function save(response, fallback) {
    const blob = await response.blob();
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = filename(response, fallback);
    document.body.appendChild(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 2000);
    return a.download;
  }

  function cell(row, text) {
    const td = document.createElement("td");
    td.textContent = text == null ? "" : String(text);
    row.appendChild(td);
    return td;
  }

  return { notice, post, failure, save, cell, STORE: "speechgen.brief" };
})();
