// Check page: upload drafts (and optionally a brief), show the findings table.
"use strict";
(() => {
  const form = document.getElementById("check-form");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    SG.notice("正在校对…", "info");
    const response = await SG.post("/api/check", new FormData(form));
    const data = await (response.ok ? response.json() : SG.failure(response));
    if (!response.ok) {
      const lines = (data.errors || []).map((e) => e.text);
      SG.notice([data.error, ...lines].join("\n"), "error");
      return;
    }
    SG.notice("");
    const files = document.getElementById("check-files");
    files.replaceChildren();
    for (const f of data.files) {
      const li = document.createElement("li");
      li.textContent = f.file + "：" + f.chars + "字，按每分钟170字约需" + f.minutes.toFixed(1) + "分钟；错误" + f.errors + "处，提示" + f.warnings + "处";
      files.appendChild(li);
    }
    const errors = data.findings.filter((f) => f.severity === "错误").length;
    document.getElementById("check-summary").textContent = "共检查" + data.files.length + "篇：错误" + errors + "处，提示" + (data.findings.length - errors) + "处。";
    const body = document.getElementById("findings");
    body.replaceChildren();
    for (const f of data.findings) {
      const tr = document.createElement("tr");
      for (const value of [f.file, f.line, f.category, f.severity, f.excerpt, f.advice]) SG.cell(tr, value);
      if (f.severity === "错误") tr.className = "bad";
      body.appendChild(tr);
    }
    document.getElementById("check-result").hidden = false;
  });
})();
