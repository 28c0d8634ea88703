/* The sandbox page: renders the Slack stand-in's workspace and sends every click to
   the sandbox server, which signs it like Slack and posts it to the app. */
"use strict";

const POLL_MS = 700;
const EMOJI = {
  white_check_mark: "✅", x: "❌", raising_hand: "🙋", warning: "⚠️", tada: "🎉",
  leftwards_arrow_with_hook: "↩️", speech_balloon: "💬", rotating_light: "🚨", red_circle: "🔴",
  receipt: "🧾", large_yellow_circle: "🟡", large_orange_circle: "🟠", large_green_circle: "🟢",
  hourglass_flowing_sand: "⏳", clipboard: "📋", alarm_clock: "⏰", bar_chart: "📊",
  chart_with_upwards_trend: "📈", heavy_check_mark: "✔️", no_entry: "⛔", wave: "👋", bell: "🔔",
  eyes: "👀", zap: "⚡", paperclip: "📎", mag: "🔍",
};

/* Headless or emoji-less systems draw emoji as empty boxes: keep the shortcode text there. */
function emojiWorks() {
  try {
    const c = document.createElement("canvas"); c.width = c.height = 20;
    const x = c.getContext("2d"); x.textBaseline = "top"; x.font = "16px sans-serif"; x.fillText("\u2705", 0, 0);
    const d = x.getImageData(0, 0, 20, 20).data;
    for (let i = 0; i < d.length; i += 4) if (d[i + 3] && (d[i] !== d[i + 1] || d[i + 1] !== d[i + 2])) return true;
  } catch (err) { /* no canvas: fall through */ }
  return false;
}
const EMOJI_OK = emojiWorks();
const emoji = (m, code) => (EMOJI_OK && EMOJI[code]) || m;
const BOLT = '<svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true"><path d="M9.5 1 3 9h4l-1 6 6.5-8h-4z" fill="currentColor"/></svg>';
const CLIP = '<svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true"><path d="M10.5 4.5 5.6 9.4a1.3 1.3 0 0 0 1.8 1.8l5.3-5.3a2.6 2.6 0 0 0-3.7-3.7L3.7 7.5a3.9 3.9 0 0 0 5.5 5.5l4.3-4.3" fill="none" stroke="currentColor" stroke-width="1.4" stroke-linecap="round"/></svg>';
const LOCK = '<svg class="lock" viewBox="0 0 16 16" width="12" height="12" aria-label="private"><rect x="3" y="7" width="10" height="8" rx="1.5"/><path d="M5 7V5a3 3 0 0 1 6 0v2" fill="none" stroke="currentColor" stroke-width="1.8"/></svg>';

const S = {
  info: null, state: null, me: null, channel: null, thread: null,
  drawn: {}, seen: {}, closed: new Set(), polling: false, again: false, modalKey: null, modalView: null, timer: null,
  uploads: {},     // view id -> block id -> [Slack file objects uploaded for that file input]
  uploading: 0,    // uploads in flight (the modal's Submit waits for them)
  attached: [],    // files attached to the message being written
};
const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (k.startsWith("data-")) node.setAttribute(k, v);
    else node[k] = v;
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
}

function esc(s) {
  return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function nameOf(id) { return (S.state && S.state.names[id]) || id; }

/* ---------------------------------------------------------------- mrkdwn */
function control(seq) {
  const [target, label] = seq.split("|");
  if (target.startsWith("@")) {
    const id = target.slice(1);
    return `<span class="mention${id === S.me ? " me" : ""}">@${esc(label || nameOf(id))}</span>`;
  }
  if (target.startsWith("#")) return `<span class="mention">#${esc(label || target.slice(1))}</span>`;
  if (target.startsWith("!")) return `<span class="mention">@${esc(label || target.slice(1).split("^")[0])}</span>`;
  if (/^(https?|mailto):/.test(target)) {
    return `<a href="${esc(target)}" target="_blank" rel="noopener">${esc(label || target)}</a>`;
  }
  return esc(`<${seq}>`);
}

function inline(line) {
  const holes = [];
  const keep = (html) => `\u0000${holes.push(html) - 1}\u0000`;
  let s = line.replace(/<([^<>]+)>/g, (_, seq) => keep(control(seq)));
  s = esc(s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&"));
  s = s.replace(/`([^`\n]+)`/g, (_, c) => keep(`<code>${c}</code>`));
  s = s.replace(/(^|[^\w*])\*([^*\n]+)\*(?![\w*])/g, "$1<b>$2</b>");
  s = s.replace(/(^|[^\w_])_([^_\n]+)_(?![\w_])/g, "$1<i>$2</i>");
  s = s.replace(/(^|[^\w~])~([^~\n]+)~(?![\w~])/g, "$1<s>$2</s>");
  s = s.replace(/:([a-z0-9_+-]+):/g, emoji);
  return s.replace(/\u0000(\d+)\u0000/g, (_, i) => holes[Number(i)]);
}

function mrkdwn(text) {
  const out = [];
  let quote = [];
  const flush = () => { if (quote.length) out.push(`<blockquote>${quote.join("\n")}</blockquote>`); quote = []; };
  for (const line of String(text || "").split("\n")) {
    const m = line.match(/^(?:&gt;|>) ?(.*)$/);
    if (m) { quote.push(inline(m[1])); continue; }
    flush();
    out.push(inline(line) + "\n");
  }
  flush();
  return out.join("").replace(/\n$/, "").replace(/\n(<blockquote>)/g, "$1").replace(/(<\/blockquote>)\n/g, "$1");
}

function textObj(t) {
  if (!t) return "";
  return t.type === "mrkdwn" ? mrkdwn(t.text) : esc(t.text || "").replace(/:([a-z0-9_+-]+):/g, emoji);
}

/* ---------------------------------------------------------------- Block Kit */
function button(e, where) {
  return el("button", {
    type: "button", class: `block-button ${e.style || ""}`, "data-action-id": e.action_id,
    "data-value": e.value || "", innerHTML: textObj(e.text),
    onclick: (ev) => clickButton(ev.currentTarget, e, where),
  });
}

function staticSelect(e, where) {
  const initial = e.initial_option ? e.initial_option.value : "";
  const options = (e.options || []).concat(...(e.option_groups || []).map((g) => g.options || []));
  return el("select", {
    class: "block-select", "data-action-id": e.action_id, "aria-label": e.placeholder ? e.placeholder.text : e.action_id,
    onchange: (ev) => changeSelect(ev.currentTarget, e, where),
  }, initial ? null : el("option", { value: "", disabled: true, selected: true }, e.placeholder ? e.placeholder.text : "Choose…"),
  options.map((o) => el("option", { value: o.value, selected: o.value === initial }, o.text.text)));
}

function element(e, where) {
  if (e.type === "button") return button(e, where);
  if (e.type === "static_select" && !where.view) return staticSelect(e, where);
  return el("span", { class: "block-unknown" }, `[${e.type} not shown in the sandbox]`);
}

function renderBlock(b, where) {
  switch (b.type) {
    case "header": return el("div", { class: "block block-header", innerHTML: textObj(b.text) });
    case "divider": return el("hr", { class: "block-divider" });
    case "section": {
      const body = el("div", { class: "section-main" });
      if (b.text) body.append(el("div", { class: "mrkdwn", innerHTML: textObj(b.text) }));
      if (b.fields) body.append(el("div", { class: "fields" }, b.fields.map((f) => el("div", { class: "mrkdwn", innerHTML: textObj(f) }))));
      const acc = b.accessory ? el("div", { class: "accessory" }, element(b.accessory, { ...where, block_id: b.block_id })) : null;
      return el("div", { class: "block block-section" + (acc ? " section-with-accessory" : ""), "data-block-id": b.block_id }, body, acc);
    }
    case "context":
      return el("div", { class: "block block-context" }, (b.elements || []).map((e) =>
        e.type === "image" ? el("span", {}, `[${e.alt_text || "image"}]`) : el("span", { class: "mrkdwn", innerHTML: textObj(e) })));
    case "actions":
      return el("div", { class: "block block-actions" }, (b.elements || []).map((e) => element(e, { ...where, block_id: b.block_id })));
    case "image": return el("div", { class: "block" }, el("span", { class: "block-unknown" }, `[image: ${b.alt_text || ""}]`));
    case "input": return renderInput(b);
    default: return el("div", { class: "block block-unknown" }, `[${b.type} block not rendered in the sandbox]`);
  }
}

function renderBlocks(blocks, where) { return el("div", { class: "blocks" }, blocks.map((b) => renderBlock(b, where))); }

/* ---------------------------------------------------------------- messages */
function time(ts) {
  const d = new Date(parseFloat(ts) * 1000);
  // The policy's zone (the bot's texts use it too), not the browser's.
  return d.toLocaleTimeString("en-US", { hour: "numeric", minute: "2-digit", timeZone: S.info.timezone,
                                         timeZoneName: "short" });
}

function size(n) {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return n >= 1024 ? `${Math.round(n / 1024)} KB` : `${n} B`;
}

function renderFile(f) {
  const image = /^image\/(png|jpeg|gif|webp)$/.test(f.mimetype || "") || /\.(png|jpe?g|gif|webp)$/i.test(f.name || "");
  return el("div", { class: "file", "data-file-id": f.id }, image
    ? el("a", { href: `/api/file/${f.id}`, target: "_blank", rel: "noopener" }, el("img", { src: `/api/file/${f.id}`, alt: f.title || f.name }))
    : el("a", { href: `/api/file/${f.id}`, target: "_blank", rel: "noopener" }, el("span", { innerHTML: CLIP }), ` ${f.title || f.name}`,
      f.size ? el("span", { class: "file-size" }, ` · ${size(f.size)}`) : null));
}

function renderMessage(m, channel, isReply) {
  const author = m.bot ? "Credit Bot" : nameOf(m.user);
  const where = { channel, message_ts: m.ts };
  const hasMessageShortcuts = S.info.shortcuts.some((s) => s.type === "message");
  const body = el("div", { class: "msg-body" },
    el("div", { class: "msg-head" },
      el("span", { class: "msg-author" }, author), m.bot || m.app ? el("span", { class: "app-tag" }, "APP") : null,
      el("span", { class: "msg-time" }, time(m.ts)), m.edited ? el("span", { class: "edited" }, "(edited)") : null,
      el("span", { class: "msg-actions" },
        isReply ? null : el("button", { type: "button", class: "link reply-link", onclick: () => setThread(m) }, "Reply in thread"),
        hasMessageShortcuts ? el("button", {
          type: "button", class: "more-actions", title: "More actions", "aria-label": "More actions",
          onclick: (ev) => { ev.stopPropagation(); openMoreActions(ev.currentTarget, channel, m.ts); },
        }, "⋮") : null)),
    m.blocks && m.blocks.length ? renderBlocks(m.blocks, where) : (m.text ? el("div", { class: "mrkdwn", innerHTML: mrkdwn(m.text) }) : null),
    (m.files || []).map(renderFile));
  const node = el("div", { class: "message" + (m.bot ? " bot" : ""), "data-ts": m.ts },
    el("div", { class: "avatar " + (m.bot ? "bot" : m.app ? "app" : "person") }, author.slice(0, 1)), body);
  if (isReply || !m.replies || !m.replies.length) return node;
  return el("div", { class: "thread", "data-ts": m.ts }, node,
    el("div", { class: "reply-count" }, `${m.replies.length} repl${m.replies.length === 1 ? "y" : "ies"}`),
    el("div", { class: "replies" }, m.replies.map((r) => renderMessage(r, channel, true))));
}

function renderEphemeral(e) {
  return el("div", { class: "message ephemeral" },
    el("div", { class: "avatar bot" }, "C"),
    el("div", { class: "msg-body" },
      el("div", { class: "msg-head" }, el("span", { class: "msg-author" }, "Credit Bot"),
        el("span", { class: "ephemeral-note" }, "Only visible to you"),
        el("span", { class: "msg-actions" }, el("button", { type: "button", class: "link", onclick: () => post("/api/dismiss", { ts: e.ts }) }, "Dismiss"))),
      e.blocks && e.blocks.length ? renderBlocks(e.blocks, { channel: e.channel, message_ts: e.ts })
        : el("div", { class: "mrkdwn", innerHTML: mrkdwn(e.text) })));
}

/* ---------------------------------------------------------------- modals */
function renderInput(b) {
  const e = b.element || {};
  const name = b.block_id;
  let field;
  if (e.type === "plain_text_input") {
    const attrs = { name, id: `field-${name}`, placeholder: e.placeholder ? e.placeholder.text : "", value: e.initial_value || "", maxLength: e.max_length || undefined };
    field = e.multiline ? el("textarea", attrs) : el("input", { type: "text", ...attrs });
  } else if (e.type === "static_select") {
    const initial = e.initial_option ? e.initial_option.value : "";
    field = el("select", { name, id: `field-${name}` },
      el("option", { value: "" }, e.placeholder ? e.placeholder.text : "Choose…"),
      (e.options || []).map((o) => el("option", { value: o.value, selected: o.value === initial }, o.text.text)));
  } else if (e.type === "file_input") {
    field = renderFileInput(name, e);
  } else {
    field = el("span", { class: "block-unknown" }, `[${e.type} input not supported in the sandbox]`);
  }
  return el("div", { class: "input-block", "data-block-id": name },
    el("label", { htmlFor: `field-${name}` }, b.label ? b.label.text : name, b.optional ? el("span", { class: "optional" }, " (optional)") : null),
    field, b.hint ? el("div", { class: "hint" }, b.hint.text) : null,
    el("div", { class: "field-error", hidden: true, "data-error-for": name }));
}

/* A Slack file_input: each picked file is uploaded to the sandbox server at once (which keeps it
   in the Slack stand-in); the submit sends the uploaded files' ids. */
function renderFileInput(name, e) {
  const max = e.max_files || 10;
  const accept = (e.filetypes || []).map((t) => `.${t}`).join(",");
  return el("div", { class: "file-input" },
    el("input", { type: "file", id: `field-${name}`, "data-file-input": name, "data-max-files": String(max), multiple: max > 1,
      accept: accept || null, onchange: (ev) => pickFiles(ev.currentTarget, name, max) }),
    el("ul", { class: "file-chips", "data-files-for": name }),
    el("div", { class: "hint sandbox-hint" }, `Sandbox: files up to ${size(S.info.max_upload_bytes)} each, kept in the Slack stand-in`));
}

function uploadsFor(viewId, block) {
  S.uploads[viewId] = S.uploads[viewId] || {};
  S.uploads[viewId][block] = S.uploads[viewId][block] || [];
  return S.uploads[viewId][block];
}

function drawChips(list, files, onRemove, pending) {
  if (!list) return;
  list.replaceChildren(...files.map((f, i) => el("li", { class: "file-chip", "data-file-id": f.id },
    el("span", { innerHTML: CLIP }), ` ${f.name} `, el("span", { class: "file-size" }, size(f.size)),
    el("button", { type: "button", class: "chip-remove", "aria-label": `Remove ${f.name}`, onclick: () => onRemove(i) }, "×"))),
  ...(pending || []).map((n) => el("li", { class: "file-chip pending" }, `Uploading ${n}…`)));
}

function drawModalChips(block) {
  if (!S.modalView) return;
  const viewId = S.modalView.id;
  const list = $("modal-body").querySelector(`[data-files-for="${CSS.escape(block)}"]`);
  drawChips(list, uploadsFor(viewId, block), (i) => { uploadsFor(viewId, block).splice(i, 1); drawModalChips(block); },
    (S.pendingNames || {})[`${viewId}/${block}`]);
}

function base64Of(file) {  // the sandbox API takes JSON only: the file's bytes as base64
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).slice(String(reader.result).indexOf(",") + 1));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

async function uploadFile(file) {
  if (file.size > S.info.max_upload_bytes) {
    return { ok: false, error: `${file.name} is too big: the sandbox takes files up to ${size(S.info.max_upload_bytes)}` };
  }
  try {
    const content = await base64Of(file);
    const resp = await fetch("/api/upload", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ user: S.me, name: file.name, mimetype: file.type || null, content_base64: content }) });
    const body = await resp.json().catch(() => ({ ok: false, error: resp.status === 413
      ? `${file.name} is too big: the sandbox takes files up to ${size(S.info.max_upload_bytes)}` : `upload failed (HTTP ${resp.status})` }));
    return body;
  } catch (err) { return { ok: false, error: `sandbox server unreachable: ${err}` }; }
}

async function uploadAll(files, room, most, onPending) {
  const added = [], problems = [];
  for (const [i, f] of files.entries()) {
    if (added.length >= room) {
      problems.push(`At most ${most} file${most === 1 ? "" : "s"} here: ${files.slice(i).map((x) => x.name).join(", ")} left out.`);
      break;
    }
    onPending(f.name, true);
    S.uploading += 1; updateSubmit();
    const r = await uploadFile(f);
    S.uploading -= 1; updateSubmit();
    onPending(f.name, false);
    if (r.ok) added.push(r.file); else problems.push(r.error || `could not upload ${f.name}`);
  }
  return { added, problems };
}

async function pickFiles(input, block, max) {
  const picked = [...input.files];
  input.value = "";
  if (!S.modalView || !picked.length) return;
  const viewId = S.modalView.id, key = `${viewId}/${block}`;
  S.pendingNames = S.pendingNames || {};
  const have = uploadsFor(viewId, block);
  const { added, problems } = await uploadAll(picked, Math.max(max - have.length, 0), max, (n, on) => {
    const list = S.pendingNames[key] = S.pendingNames[key] || [];
    if (on) list.push(n); else list.splice(list.indexOf(n), 1);
    drawModalChips(block);
  });
  have.push(...added);
  drawModalChips(block);
  const node = $("modal-body").querySelector(`[data-error-for="${CSS.escape(block)}"]`);
  if (node) { node.textContent = problems.join(" "); node.hidden = !problems.length; node.parentElement.classList.toggle("has-error", !!problems.length); }
}

function updateSubmit() { $("modal-submit").disabled = S.uploading > 0; }

function showModal(modal) {
  if (modal && S.closed.has(modal.view.id)) modal = null;  // a poll older than our submit or cancel
  if (!modal) { $("modal-backdrop").hidden = true; S.modalKey = null; S.modalView = null; return; }
  const v = modal.view;
  const key = `${S.me}/${v.id}/${v.hash || ""}`;
  if (key !== S.modalKey) {
    S.modalKey = key; S.modalView = v;
    $("modal-title").textContent = v.title ? v.title.text : "";
    $("modal-submit").textContent = v.submit ? v.submit.text : "Submit";
    $("modal-submit").hidden = !v.submit && !(v.blocks || []).some((b) => b.type === "input");
    $("modal-close").textContent = v.close ? v.close.text : "Cancel";
    $("modal-body").replaceChildren(renderBlocks(v.blocks || [], { view: v.id }));
    for (const input of $("modal-body").querySelectorAll("[data-file-input]")) drawModalChips(input.getAttribute("data-file-input"));
    $("modal-error").hidden = true;
    $("modal-backdrop").hidden = false;
    const first = $("modal-body").querySelector("input, textarea, select");
    if (first) first.focus();
  }
  showErrors(modal.errors || {});
}

function showErrors(errors) {
  for (const node of $("modal-body").querySelectorAll("[data-error-for]")) {
    const msg = errors[node.getAttribute("data-error-for")];
    node.textContent = msg || ""; node.hidden = !msg;
    node.parentElement.classList.toggle("has-error", !!msg);
  }
}

async function submitModal(ev) {
  ev.preventDefault();
  if (!S.modalView) return;
  const id = S.modalView.id;
  const values = {};
  if (S.uploading) return;
  for (const f of $("modal-body").querySelectorAll("[name]")) values[f.name] = f.value;
  for (const f of $("modal-body").querySelectorAll("[data-file-input]")) {
    const block = f.getAttribute("data-file-input");
    values[block] = uploadsFor(id, block).map((x) => x.id);
  }
  $("modal-submit").disabled = true;
  try {
    const r = await post("/api/submit", { view_id: id, values });
    if (r.errors) showErrors(r.errors);
    else if (r.ok && r.closed) {
      S.closed.add(id);
      delete S.uploads[id];
      if (S.modalView && S.modalView.id === id) { $("modal-backdrop").hidden = true; S.modalKey = null; S.modalView = null; }
    }
  } finally { updateSubmit(); }
}

async function closeModal() {
  if (!S.modalView) return;
  const id = S.modalView.id;
  S.closed.add(id);
  $("modal-backdrop").hidden = true; S.modalKey = null; S.modalView = null;
  await post("/api/close", { view_id: id });
}

/* ---------------------------------------------------------------- talking to the server */
function status(text) { $("status").textContent = text || ""; }

async function post(path, data) {
  try {
    const resp = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ user: S.me, ...data }) });
    const body = await resp.json().catch(() => ({ ok: false, error: `the sandbox server answered HTTP ${resp.status}` }));
    status(body.ok === false && body.error ? body.error : "");
    return body;
  } catch (err) { status(`sandbox server unreachable: ${err}`); return { ok: false }; }
  finally { soon(); }
}

async function clickButton(node, e, where) {
  node.disabled = true;
  const data = { action_id: e.action_id, value: e.value || "", block_id: where.block_id, text: e.text ? e.text.text : "" };
  if (where.channel) Object.assign(data, { channel: where.channel, message_ts: where.message_ts });
  await post("/api/action", data);
  setTimeout(() => { node.disabled = false; }, 400);
}

async function changeSelect(node, e, where) {
  const option = node.options[node.selectedIndex];
  if (!option || !option.value) return;
  node.disabled = true;
  const data = { action_id: e.action_id, value: option.value, text: option.textContent, block_id: where.block_id };
  if (where.channel) Object.assign(data, { channel: where.channel, message_ts: where.message_ts });
  try { await post("/api/select", data); } finally { node.disabled = false; }
}

/* ---------------------------------------------------------------- shortcuts */
function closeMenu() { $("menu").hidden = true; $("menu").replaceChildren(); }

function openMenu(anchor, title, items) {
  const menu = $("menu");
  menu.replaceChildren(el("div", { class: "menu-title" }, title), ...items);
  menu.hidden = false;
  const r = anchor.getBoundingClientRect();
  const left = Math.min(r.left, window.innerWidth - menu.offsetWidth - 8);
  const top = r.bottom + menu.offsetHeight + 8 > window.innerHeight ? r.top - menu.offsetHeight - 4 : r.bottom + 4;
  menu.style.left = `${Math.max(left, 8)}px`; menu.style.top = `${Math.max(top, 8)}px`;
  const first = menu.querySelector("button"); if (first) first.focus();
}

function shortcutItem(s, where) {
  return el("button", { type: "button", class: "menu-item", "data-callback-id": s.callback_id,
    onclick: () => { closeMenu(); runShortcut(s, where); } },
  el("span", { class: "menu-name" }, s.name), el("span", { class: "menu-app" }, "Credit Bot"),
  s.description ? el("span", { class: "menu-description" }, s.description) : null);
}

function openMoreActions(anchor, channel, ts) {
  const items = S.info.shortcuts.filter((s) => s.type === "message").map((s) => shortcutItem(s, { channel, message_ts: ts }));
  openMenu(anchor, "More actions", items);
}

function openShortcuts(anchor) {
  const items = S.info.shortcuts.filter((s) => s.type === "global").map((s) => shortcutItem(s, {}));
  openMenu(anchor, "Shortcuts", items.length ? items : [el("div", { class: "menu-empty" }, "The app has no global shortcuts.")]);
}

async function runShortcut(s, where) {
  const r = await post("/api/shortcut", { callback_id: s.callback_id, ...where });
  if (r.ok && !r.modal) status("The app did not open anything for that shortcut.");
}

/* ---------------------------------------------------------------- attachments in the composer */
function drawAttached() {
  drawChips($("attached"), S.attached, (i) => { S.attached.splice(i, 1); drawAttached(); }, S.attaching);
  $("attached").hidden = !S.attached.length && !(S.attaching || []).length;
}

async function attachFiles(input) {
  const picked = [...input.files];
  input.value = "";
  if (!picked.length) return;
  S.attaching = S.attaching || [];
  const room = Math.max(S.info.max_files_per_message - S.attached.length, 0);
  const { added, problems } = await uploadAll(picked, room, S.info.max_files_per_message, (n, on) => {
    if (on) S.attaching.push(n); else S.attaching.splice(S.attaching.indexOf(n), 1);
    drawAttached();
  });
  S.attached.push(...added);
  drawAttached();
  status(problems.join(" "));
}

function soon() { clearTimeout(S.timer); S.timer = setTimeout(poll, 120); }

async function poll() {
  if (S.polling) { S.again = true; return; }
  S.polling = true;
  clearTimeout(S.timer);
  const user = S.me;
  try {
    const resp = await fetch(`/api/state?user=${encodeURIComponent(user)}`);
    const body = resp.ok ? await resp.json() : null;
    if (body && user === S.me) { S.state = body; render(); }
  } catch (err) { status(`sandbox server unreachable: ${err}`); }
  finally {
    S.polling = false;
    clearTimeout(S.timer);
    S.timer = setTimeout(poll, S.again ? 60 : POLL_MS);
    S.again = false;
  }
}

/* ---------------------------------------------------------------- page */
function countOf(ch) { return ch.messages.reduce((n, m) => n + 1 + (m.replies ? m.replies.length : 0), 0); }

function renderSidebar() {
  const st = S.state;
  const item = (id, label, extra) => {
    const unread = id !== S.channel && extra > 0;
    return el("li", { class: (id === S.channel ? "active " : "") + (unread ? "unread" : ""), "data-channel": id, onclick: () => openChannel(id) },
      el("span", { innerHTML: label }), unread ? el("span", { class: "badge" }, String(extra)) : null);
  };
  const prefix = { channel: "# ", private: LOCK + " ", dm: "● " };
  const unseen = (ch) => Math.max(0, countOf(ch) - (S.seen[`${S.me}/${ch.id}`] || 0));
  const sig = JSON.stringify([S.channel, st.channels.map((c) => [c.id, c.label, unseen(c)])]);
  if (S.drawn.sidebar === sig) return;
  S.drawn.sidebar = sig;
  $("apps").replaceChildren(item("home", "Credit Bot — Home", 0));
  $("channel-list").replaceChildren(...st.channels.filter((c) => c.kind !== "dm").map((c) => item(c.id, prefix[c.kind] + esc(c.label), unseen(c))));
  $("dm-list").replaceChildren(...st.channels.filter((c) => c.kind === "dm").map((c) => item(c.id, prefix.dm + esc(c.label), unseen(c))));
}

function renderMain() {
  const st = S.state;
  const isHome = S.channel === "home";
  $("home").hidden = !isHome; $("messages").hidden = isHome; $("composer-form").hidden = isHome;
  $("channel-header").classList.toggle("home", isHome);
  if (isHome) {
    $("channel-title").textContent = "Credit Bot"; $("channel-topic").textContent = "App Home";
    const sig = JSON.stringify([S.me, st.home, st.names]);
    if (S.drawn.main === sig) return;
    S.drawn.main = sig;
    $("home").replaceChildren(st.home ? renderBlocks(st.home.blocks || [], {}) : el("div", { class: "empty" }, "The bot has not published a Home tab for you yet."));
    return;
  }
  const ch = st.channels.find((c) => c.id === S.channel);
  if (!ch) return;
  $("channel-title").innerHTML = (ch.kind === "dm" ? "" : ch.kind === "private" ? LOCK + " " : "# ") + esc(ch.label);
  $("channel-topic").textContent = ch.topic || "";
  S.seen[`${S.me}/${ch.id}`] = countOf(ch);
  const eph = st.ephemerals.filter((e) => e.channel === ch.id);
  const sig = JSON.stringify([S.me, ch.messages, eph, st.names]);
  if (S.drawn.main === sig) return;
  S.drawn.main = sig;
  const box = $("messages");
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 60;
  const items = ch.messages.map((m) => renderMessage(m, ch.id, false));
  if (!items.length) items.push(el("div", { class: "empty" }, "No messages yet."));
  box.replaceChildren(...items, ...eph.map(renderEphemeral));
  if (atBottom || S.scrollNext) { box.scrollTop = box.scrollHeight; S.scrollNext = false; }
}

function render() {
  if (!S.state) return;
  if (S.channel !== "home" && !S.state.channels.some((c) => c.id === S.channel)) S.channel = defaultChannel();
  renderSidebar();
  renderMain();
  showModal(S.state.modal);
}

function defaultChannel() {
  const p = S.info.people.find((x) => x.id === S.me);
  return (p && p.home_channel) || (S.state && S.state.channels[0] ? S.state.channels[0].id : "home");
}

function openChannel(id) {
  S.channel = id; S.drawn = {}; S.scrollNext = true; setThread(null);
  if (id === "home") post("/api/home", {});
  render();
}

function setThread(m) {
  S.thread = m ? m.ts : null;
  $("thread-target").hidden = !m;
  if (m) {
    $("thread-target-text").textContent = (m.text || "").replace(/:([a-z0-9_+-]+):/g, (s, c) => (EMOJI_OK && EMOJI[c]) || "").trim().slice(0, 80);
    $("composer").focus();
  }
}

function switchUser(id) {
  S.me = id; S.state = null; S.drawn = {}; S.modalKey = null; setThread(null);
  $("modal-backdrop").hidden = true;
  const url = new URL(location.href); url.searchParams.set("user", id); history.replaceState(null, "", url);
  S.channel = defaultChannel();
  poll();
}

async function send(ev) {
  ev.preventDefault();
  const box = $("composer");
  const text = box.value.trim();
  const files = S.attached.map((f) => f.id);
  if ((!text && !files.length) || S.channel === "home" || (S.attaching || []).length) return;
  box.value = "";
  S.attached = []; drawAttached();
  const thread = S.thread;
  S.scrollNext = true;
  if (text.startsWith("/") && !files.length) await post("/api/command", { channel: S.channel, text });
  else await post("/api/message", { channel: S.channel, text, thread_ts: thread, files });
}

async function start() {
  S.info = await (await fetch("/api/info")).json();
  const wanted = new URL(location.href).searchParams.get("user");
  S.me = S.info.people.some((p) => p.id === wanted) ? wanted : S.info.people[0].id;
  $("act-as").replaceChildren(...S.info.people.map((p) => el("option", { value: p.id, selected: p.id === S.me }, p.title)));
  $("act-as").addEventListener("change", (ev) => switchUser(ev.target.value));
  $("lead-hints").replaceChildren(...S.info.leads.map((l) => el("li", {}, el("code", {}, l.lead_id), " ", l.story)));
  $("help-toggle").addEventListener("click", () => { $("help").hidden = !$("help").hidden; });
  const db = S.info.database;
  $("db-note").textContent = db.kept ? `${db.name} kept from the last run · times in ${S.info.timezone}`
    : `${db.name} was recreated with the demo data at start (--keep-db keeps it) · times in ${S.info.timezone}`;
  $("composer-form").addEventListener("submit", send);
  $("composer").addEventListener("keydown", (ev) => { if (ev.key === "Enter" && !ev.shiftKey) send(ev); });
  $("thread-cancel").addEventListener("click", () => setThread(null));
  $("modal-form").addEventListener("submit", submitModal);
  $("modal-close").addEventListener("click", closeModal);
  $("modal-x").addEventListener("click", closeModal);
  $("shortcuts-button").innerHTML = BOLT;
  $("shortcuts-button").addEventListener("click", (ev) => { ev.stopPropagation(); openShortcuts(ev.currentTarget); });
  $("attach-button").innerHTML = CLIP;
  $("attach-button").addEventListener("click", () => $("composer-files").click());
  $("composer-files").addEventListener("change", (ev) => attachFiles(ev.currentTarget));
  document.addEventListener("click", (ev) => { if (!$("menu").hidden && !$("menu").contains(ev.target)) closeMenu(); });
  document.addEventListener("keydown", (ev) => {
    if (ev.key !== "Escape") return;
    if (!$("menu").hidden) closeMenu();
    else if (!$("modal-backdrop").hidden) closeModal();
  });
  S.channel = defaultChannel();
  poll();
}

start();
