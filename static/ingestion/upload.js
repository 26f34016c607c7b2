// The browser's upload client for one submission: the protocol is ingestion/PROTOCOL.md.
// Files are registered, their missing parts PUT one at a time (XMLHttpRequest, for progress
// events), three files in parallel, then completed; the page polls each file until it is verified.

const FILES_IN_PARALLEL = 3;
const URLS_PER_REQUEST = 20;
const HASH_LIMIT = 64 * 1024 * 1024; // larger files are hashed by the worker only (no streaming digest in browsers)
const MAX_BACKOFF_MS = 30000;
const POLL_MS = 1500;
const SETTLED = new Set(["verified", "scanned", "converted", "ready", "error", "expired", "replaced", "removed"]);
const STATE_LABELS = {
  registered: "Registered", uploaded: "Uploaded", verified: "Verified (checksum)", scanned: "Scanned",
  converted: "Converted", ready: "Ready", error: "Error", expired: "Upload expired",
};
// Where a loose metadata file belongs when it is dropped or picked alone (bundle layout).
const XML_FOLDERS = {
  "rems.xml": "PRIVATE", "organisation.xml": "PRIVATE", "datacite.xml": "PRIVATE",
  "landing_page.xml": "LANDING_PAGE",
};

const section = document.getElementById("upload");
const apiRoot = section.dataset.api;
const tbody = document.getElementById("files-body");
const rowTemplate = document.getElementById("file-row-template");
const statusLine = document.getElementById("upload-status");
const overall = section.querySelector(".overall");
const overallBar = document.getElementById("overall-progress");
const overallText = document.getElementById("overall-text");

class ApiError extends Error {
  constructor(status, detail, code, data = {}) {
    super(detail);
    this.status = status;
    this.code = code;
    this.data = data; // the error's extra fields (PROTOCOL.md), e.g. `missing` part numbers
  }
}
class NetworkError extends Error {}

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  if (match) return decodeURIComponent(match[1]);
  return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
}

async function api(method, path, body) {
  let response;
  try {
    response = await fetch(apiRoot + path, {
      method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new NetworkError(error.message);
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new ApiError(response.status, data.detail || `The server answered ${response.status}.`, data.code, data);
  }
  return data;
}

function isRetryable(error) {
  return error instanceof NetworkError || (error instanceof ApiError && (error.status >= 500 || error.status === 429));
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Runs `attempt` until it succeeds or fails for a reason retrying cannot fix.
async function withRetry(attempt, onWait) {
  for (let tries = 0; ; tries++) {
    try {
      return await attempt(tries);
    } catch (error) {
      if (!isRetryable(error)) throw error;
      const wait = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** tries);
      onWait?.(wait);
      await sleep(wait);
    }
  }
}

function putPart(part, blob, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(part.method || "PUT", part.url);
    for (const [name, value] of Object.entries(part.headers || {})) xhr.setRequestHeader(name, value);
    if (new URL(part.url, location.href).origin === location.origin) xhr.setRequestHeader("X-CSRFToken", csrfToken());
    xhr.upload.onprogress = (event) => onProgress(event.loaded);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) return resolve();
      let answer = {};
      try { answer = JSON.parse(xhr.responseText); } catch { /* S3 answers XML */ }
      reject(new ApiError(xhr.status, answer.detail || `The server refused part ${part.number} (${xhr.status}).`,
                          answer.code, answer));
    };
    xhr.onerror = () => reject(new NetworkError("network error"));
    xhr.onabort = () => reject(new NetworkError("aborted"));
    xhr.send(blob);
  });
}

async function sha256Hex(file) {
  if (file.size > HASH_LIMIT || !globalThis.crypto?.subtle) return undefined;
  const digest = await crypto.subtle.digest("SHA-256", await file.arrayBuffer());
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

// -- the files table ----------------------------------------------------------------------------

function rowFor(path) {
  for (const row of tbody.querySelectorAll("tr.file-row")) if (row.dataset.path === path) return row;
  const row = rowTemplate.content.firstElementChild.cloneNode(true);
  row.dataset.path = path;
  row.querySelector(".file-path code").textContent = path;
  row.querySelector("progress").setAttribute("aria-label", `Upload of ${path}`);
  const replaceName = row.querySelector(".picker .visually-hidden");
  if (replaceName) replaceName.textContent = ` ${path}`;
  wireReplace(row);
  tbody.append(row);
  document.getElementById("no-files").hidden = true;
  return row;
}

function formatSize(bytes) {
  const units = ["bytes", "KB", "MB", "GB", "TB"];
  let value = bytes, unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
  return unit === 0 ? `${value} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}

function showState(row, state, error = "") {
  row.dataset.state = state;
  row.querySelector(".file-state").innerHTML = "";
  const badge = document.createElement("span");
  badge.className = `badge state state-${state}`;
  badge.textContent = STATE_LABELS[state] || state;
  row.querySelector(".file-state").append(badge);
  const cell = row.querySelector(".file-error");
  cell.textContent = "";
  if (error) {
    const message = document.createElement("span");
    message.className = "status-fail";
    message.textContent = error;
    cell.append(message);
  }
}

function showProgress(row, sent, size) {
  const percent = size ? Math.floor((100 * sent) / size) : 100;
  row.querySelector("progress").value = percent;
  row.querySelector(".file-percent").textContent = `${percent}%`;
}

function showNote(row, text) {
  row.querySelector(".file-percent").textContent = text;
}

// -- one file -----------------------------------------------------------------------------------

const active = new Map(); // path -> upload, for the overall bar

async function uploadOne(item) {
  const { file, path } = item;
  const row = rowFor(path);
  row.querySelector(".file-size").textContent = formatSize(file.size);
  showNote(row, "preparing…");
  const waiting = (ms) => showNote(row, `connection lost; retrying in ${Math.round(ms / 1000)} s`);
  try {
    const sha256 = await sha256Hex(file);
    const body = { path, size: file.size, ...(sha256 ? { sha256 } : {}) };
    const registered = await withRetry(() => api("POST", "files/", body), waiting);
    row.dataset.fileId = registered.id;
    row.dataset.path = registered.path; // as the server sanitised it
    row.querySelector(".file-path code").textContent = registered.path;
    showState(row, registered.state);
    if (registered.state === "registered") await sendParts(item, row, registered, waiting);
    else item.sent = file.size;
    showProgress(row, file.size, file.size);
    if (SETTLED.has(registered.state)) showState(row, registered.state, registered.error || "");
    else watch(row, registered.id);
  } catch (error) {
    showState(row, "error", error.message);
    showNote(row, "");
  }
}

async function sendParts(item, row, registered, waiting) {
  const { file } = item;
  const received = new Set(registered.parts.map((part) => part.number));
  const missing = [];
  for (let number = 1; number <= registered.parts_total; number++) if (!received.has(number)) missing.push(number);
  item.sent = registered.parts.reduce((sum, part) => sum + part.size, 0);
  showProgress(row, item.sent, file.size);
  if (missing.length && received.size) showNote(row, `resuming: ${received.size} of ${registered.parts_total} parts already there`);
  await sendNumbers(item, row, registered, missing, waiting);

  const partsPath = `files/${registered.id}/`;
  for (let round = 0; ; round++) {
    try {
      await withRetry(() => api("POST", `${partsPath}complete/`, {}), waiting);
      break;
    } catch (error) {
      // The server lacks some parts (or holds short ones): send those again, once.
      if (!(error instanceof ApiError && error.code === "upload.incomplete") || round > 0) throw error;
      const again = [...(error.data.missing || []), ...(error.data.wrong_size || [])];
      await sendNumbers(item, row, registered, again, waiting);
    }
  }
  showState(row, "uploaded");
}

async function sendNumbers(item, row, registered, missing, waiting) {
  const { file } = item;
  const partsPath = `files/${registered.id}/`;
  for (let start = 0; start < missing.length; start += URLS_PER_REQUEST) {
    const numbers = missing.slice(start, start + URLS_PER_REQUEST);
    let urls = await partUrls(partsPath, numbers, waiting);
    for (const number of numbers) {
      const offset = (number - 1) * registered.part_size;
      const blob = file.slice(offset, Math.min(offset + registered.part_size, file.size));
      const before = Math.min(item.sent, file.size - blob.size);
      await withRetry(async (tries) => {
        if (!urls.has(number)) urls = await partUrls(partsPath, [number], waiting);
        try {
          await putPart(urls.get(number), blob, (loaded) => {
            item.sent = before + loaded;
            showProgress(row, item.sent, file.size);
            updateOverall();
          });
        } catch (error) {
          if (!(error instanceof ApiError) || tries >= 2) throw error;
          // An expired URL: ask for a fresh one. A body cut short: send the part again.
          if (error.status === 403 || error.status === 410) urls.delete(number);
          if (error.status === 403 || error.status === 410 || error.code === "part.incomplete") {
            throw new NetworkError(error.message);
          }
          throw error;
        }
      }, waiting);
      item.sent = before + blob.size;
      showProgress(row, item.sent, file.size);
    }
  }
}

async function partUrls(partsPath, numbers, waiting) {
  const answer = await withRetry(() => api("POST", `${partsPath}parts/`, { numbers }), waiting);
  return new Map(answer.parts.map((part) => [part.number, part]));
}

// One poll of the file list watches every file the worker still has to verify, so a long
// verification never holds one of the three upload slots.
const watched = new Map(); // file id -> row
let polling = false;

function watch(row, fileId) {
  showNote(row, "");
  watched.set(fileId, row);
  if (!polling) pollWatched();
}

async function pollWatched() {
  polling = true;
  for (let tries = 0; watched.size; tries++) {
    await sleep(Math.min(POLL_MS * (1 + tries / 20), 5000));
    let files;
    try {
      files = await withRetry(() => api("GET", "files/"));
    } catch (error) {
      statusLine.textContent = `Could not follow the verification: ${error.message} Reload the page to see the files' states.`;
      watched.clear();
      break;
    }
    const live = new Map(files.map((file) => [file.id, file]));
    for (const [fileId, row] of watched) {
      const file = live.get(fileId);
      if (!file) { watched.delete(fileId); continue; } // replaced or removed meanwhile
      showState(row, file.state, file.error || "");
      if (file.state !== "registered") showProgress(row, 1, 1);
      if (SETTLED.has(file.state)) watched.delete(fileId);
    }
  }
  polling = false;
  maybeAllDone();
}

// -- the queue ----------------------------------------------------------------------------------

const queue = [];
let running = 0;

function updateOverall() {
  let size = 0, sent = 0;
  for (const item of active.values()) { size += item.file.size; sent += item.sent || 0; }
  const percent = size ? Math.floor((100 * sent) / size) : 100;
  overallBar.value = percent;
  overallText.textContent = `${percent}% of ${formatSize(size)}`;
}

function enqueue(items) {
  if (!items.length) return;
  overall.hidden = false;
  for (const item of items) {
    item.sent = 0;
    active.set(item.path, item);
    queue.push(item);
  }
  statusLine.textContent = `Uploading ${active.size} file${active.size === 1 ? "" : "s"}…`;
  updateOverall();
  while (running < FILES_IN_PARALLEL && queue.length) runNext();
}

async function runNext() {
  running++;
  while (queue.length) {
    await uploadOne(queue.shift());
    updateOverall();
  }
  running--;
  maybeAllDone();
}

function maybeAllDone() {
  if (running === 0 && !queue.length && !watched.size && active.size) allDone();
}

async function allDone() {
  const failed = tbody.querySelectorAll('tr.file-row[data-state="error"]').length;
  statusLine.textContent = failed
    ? `Upload finished; ${failed} file${failed === 1 ? " has" : "s have"} a problem: see the table.`
    : "All files are uploaded and verified.";
  document.getElementById("resume-note").hidden = !tbody.querySelector('tr.file-row[data-state="registered"]');
  active.clear();
  await refreshActions();
}

// The first file moves a draft to "uploading", which changes the buttons: take them from the page anew.
async function refreshActions() {
  const shown = document.getElementById("submission-state");
  const submission = await api("GET", "").catch(() => null);
  if (!submission || !submission.state || submission.state === shown.dataset.state) return;
  const response = await fetch(location.pathname, { credentials: "same-origin" }).catch(() => null);
  if (!response?.ok) return;
  const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
  for (const selector of ["#submission-state", ".submission-actions"]) {
    const replacement = fresh.querySelector(selector);
    if (replacement) document.querySelector(selector).replaceWith(document.adoptNode(replacement));
  }
}

// -- picking files ------------------------------------------------------------------------------

function withoutTopFolder(relativePath) {
  const parts = relativePath.split("/");
  return parts.length > 1 ? parts.slice(1).join("/") : relativePath;
}

// A file picked or dropped alone replaces the file of the same name, or goes where the layout puts it.
function pathForLoose(name) {
  const same = [...tbody.querySelectorAll("tr.file-row")].filter((row) => row.dataset.path.split("/").pop() === name);
  if (same.length === 1) return same[0].dataset.path;
  if (name.toLowerCase().endsWith(".xml")) return `${XML_FOLDERS[name.toLowerCase()] || "METADATA"}/${name}`;
  return name;
}

function wireReplace(row) {
  const input = row.querySelector(".replace-input");
  if (!input) return;
  input.addEventListener("change", () => {
    if (input.files.length) enqueue([{ file: input.files[0], path: row.dataset.path }]);
    input.value = "";
  });
}

function readEntries(reader) {
  return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
}

async function walk(entry, prefix, out) {
  if (entry.isFile) {
    const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
    out.push({ file, path: prefix + entry.name });
    return;
  }
  const reader = entry.createReader();
  for (let batch = await readEntries(reader); batch.length; batch = await readEntries(reader)) {
    for (const child of batch) await walk(child, `${prefix}${entry.name}/`, out);
  }
}

async function dropped(dataTransfer) {
  const entries = [...dataTransfer.items].map((item) => item.webkitGetAsEntry?.()).filter(Boolean);
  if (!entries.length) return [...dataTransfer.files].map((file) => ({ file, path: pathForLoose(file.name) }));
  const items = [];
  if (entries.length === 1 && entries[0].isDirectory) {
    await walk(entries[0], "", items);
    return items.map((item) => ({ ...item, path: withoutTopFolder(item.path) }));
  }
  for (const entry of entries) {
    if (entry.isDirectory) await walk(entry, "", items);
    else items.push({ file: await new Promise((resolve, reject) => entry.file(resolve, reject)), path: pathForLoose(entry.name) });
  }
  return items;
}

document.getElementById("pick-folder").addEventListener("change", (event) => {
  const files = [...event.target.files];
  enqueue(files.map((file) => ({ file, path: withoutTopFolder(file.webkitRelativePath || file.name) })));
  event.target.value = "";
});

document.getElementById("pick-files").addEventListener("change", (event) => {
  enqueue([...event.target.files].map((file) => ({ file, path: pathForLoose(file.name) })));
  event.target.value = "";
});

const zone = document.getElementById("drop-zone");
zone.addEventListener("dragover", (event) => { event.preventDefault(); zone.classList.add("drag-over"); });
zone.addEventListener("dragleave", () => zone.classList.remove("drag-over"));
zone.addEventListener("drop", async (event) => {
  event.preventDefault();
  zone.classList.remove("drag-over");
  enqueue(await dropped(event.dataTransfer));
});

for (const row of tbody.querySelectorAll("tr.file-row")) {
  wireReplace(row);
  if (row.dataset.state === "uploaded") watch(row, row.dataset.fileId);
}
