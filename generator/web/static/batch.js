// Batch page: upload, poll progress, show the summary and the zip link.
"use strict";
(() => {
  const form = document.getElementById("batch-form");
  const progress = document.getElementById("progress");
  const bar = document.getElementById("bar");
  const text = document.getElementById("progress-text");
  const failures = document.getElementById("failures");
  const result = document.getElementById("result");
  const summary = document.getElementById("form-summary");

  function stored() {
    try { return JSON.parse(localStorage.getItem(SG.STORE) || "null"); } catch (e) { return null; }
  }
  const brief = stored();
  if (brief && Object.keys(brief).length) {
    const meeting = brief.meeting || {};
    summary.textContent = "表单中的简报：" + [brief.kind, brief.topic, meeting.title, meeting.date].filter(Boolean).join(" · ") +
      "（表格中填了的项覆盖它）";
  } else {
    summary.textContent = "表单中还没有简报：请先在“生成讲话稿”页填写，或上传共同简报。";
  }

  form.querySelector('input[name="defaults"]').addEventListener("change", () => {
    form.querySelector('input[name="defaults_source"][value="file"]').checked = true;
  });

  function failure(item) {
    const li = document.createElement("li");
    li.textContent = item.label + "（第" + item.number + "个地区）生成失败：" + item.message;
    failures.appendChild(li);
  }

  async function poll(id, shown) {
    const response = await fetch("/api/batch/" + encodeURIComponent(id));
    const data = await (response.ok ? response.json() : SG.failure(response));
    if (!response.ok) { SG.notice(data.error, "error"); return; }
    bar.max = Math.max(1, data.total);
    bar.value = data.done;
    text.textContent = data.status === "queued" ? "排队中（前一个批量任务完成后开始）…" : "已完成 " + data.done + " / " + data.total;
    for (const item of data.failures.slice(shown)) failure(item);
    shown = data.failures.length;
    if (data.status === "failed") { SG.notice(data.error, "error"); text.textContent = "批量生成失败。"; return; }
    if (data.status !== "done") { setTimeout(() => poll(id, shown), 400); return; }
    const c = data.counts;
    document.getElementById("counts").textContent = "共 " + c.total + " 个地区：已写入 " + c.written + "，跳过 " + c.skipped + "，失败 " + c.failed + "。明细见压缩包中的 summary.csv。";
    const notes = document.getElementById("notes");
    notes.replaceChildren();
    for (const line of data.notes) {
      const li = document.createElement("li");
      li.textContent = line;
      if (line.startsWith("警告")) li.className = "warn";
      notes.appendChild(li);
    }
    const rows = document.getElementById("rows");
    rows.replaceChildren();
    for (const r of data.rows) {
      const tr = document.createElement("tr");
      for (const value of [r.number, r.label, r.name, r.chars, r.minutes == null ? "" : r.minutes.toFixed(1), r.status, r.message]) SG.cell(tr, value);
      if (r.status === "失败") tr.className = "bad";
      rows.appendChild(tr);
    }
    const link = document.getElementById("zip-link");
    link.href = "/api/batch/" + encodeURIComponent(id) + "/zip";
    result.hidden = false;
    document.body.dataset.batch = "done";
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    SG.notice("");
    result.hidden = true;
    failures.replaceChildren();
    const body = new FormData(form);
    if (body.get("defaults_source") === "form") {
      body.delete("defaults");
      body.set("defaults_json", JSON.stringify(stored() || {}));
    }
    const response = await SG.post("/api/batch", body);
    const data = await (response.ok ? response.json() : SG.failure(response));
    if (!response.ok) { SG.notice(data.error || "上传失败。", "error"); return; }
    progress.hidden = false;
    bar.value = 0;
    text.textContent = "已开始…";
    poll(data.id, 0);
  });
})();
