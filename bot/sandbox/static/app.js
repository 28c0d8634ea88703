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
const LOCK = '<svg class="lock" viewBox="0 0 16 16" width="12" height="12" aria-label="private"><rect x="3" y="7" width="10" height="8" rx="1.5"/><path d="M5 7V5a3 3 0 0 1 6 0v2" fill="none" stroke="currentColor" stroke-width="1.8"/></svg>';

const S = {
  info: null, state: null, me: null, channel: null, thread: null,
  drawn: {}, seen: {}, closed: new Set(), polling: false, again: false, modalKey: null, modalView: null, timer: null,
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

function renderBlock(b, where) {
  switch (b.type) {
    case "header": return el("div", { class: "block block-header", innerHTML: textObj(b.text) });
    case "divider": return el("hr", { class: "block-divider" });
    case "section": {
      const body = el("div", { class: "section-main" });
      if (b.text) body.append(el("div", { class: "mrkdwn", innerHTML: textObj(b.text) }));
      if (b.fields) body.append(el("div", { class: "fields" }, b.fields.map((f) => el("div", { class: "mrkdwn", innerHTML: textObj(f) }))));
      const acc = b.accessory && b.accessory.type === "button" ? button(b.accessory, { ...where, block_id: b.block_id }) : null;
      return el("div", { class: "block block-section" + (acc ? " section-with-accessory" : "") }, body, acc);
    }
    case "context":
      return el("div", { class: "block block-context" }, (b.elements || []).map((e) =>
        e.type === "image" ? el("span", {}, `[${e.alt_text || "image"}]`) : el("span", { class: "mrkdwn", innerHTML: textObj(e) })));
    case "actions":
      return el("div", { class: "block block-actions" }, (b.elements || []).map((e) =>
        e.type === "button" ? button(e, { ...where, block_id: b.block_id })
          : el("span", { class: "block-unknown" }, `[${e.type} not shown in the sandbox]`)));
    case "image": return el("div", { class: "block" }, el("span", { class: "block-unknown" }, `[image: ${b.alt_text || ""}]`));
    case "input": return renderInput(b);
    default: return el("div", { class: "block block-unknown" }, `[${b.type} block not rendered in the sandbox]`);
  }
}

function renderBlocks(blocks, where) { return el("div", { class: "blocks" }, blocks.map((b) => renderBlock(b, where))); }

/* ---------------------------------------------------------------- messages */
function time(ts) {
  const d = new Date(parseFloat(ts) * 1000);
  return d.toLocaleTimeString([], { hour: "numeric", minute: "2-digit" });
}

function renderMessage(m, channel, isReply) {
  const author = m.bot ? "Credit Bot" : nameOf(m.user);
  const where = { channel, message_ts: m.ts };
  const body = el("div", { class: "msg-body" },
    el("div", { class: "msg-head" },
      el("span", { class: "msg-author" }, author), m.bot ? el("span", { class: "app-tag" }, "APP") : null,
      el("span", { class: "msg-time" }, time(m.ts)), m.edited ? el("span", { class: "edited" }, "(edited)") : null,
      isReply ? null : el("span", { class: "msg-actions" },
        el("button", { type: "button", class: "link reply-link", onclick: () => setThread(m) }, "Reply in thread"))),
    m.blocks && m.blocks.length ? renderBlocks(m.blocks, where) : el("div", { class: "mrkdwn", innerHTML: mrkdwn(m.text) }),
    (m.files || []).map((f) => el("div", { class: "file" }, /png|jpe?g|gif/.test(f.filetype || f.name)
      ? el("img", { src: `/api/file/${f.id}`, alt: f.title }) : el("a", { href: `/api/file/${f.id}`, target: "_blank" }, `${EMOJI_OK ? "📎" : "File:"} ${f.title || f.name}`))));
  const node = el("div", { class: "message" + (m.bot ? " bot" : ""), "data-ts": m.ts },
    el("div", { class: "avatar " + (m.bot ? "bot" : "person") }, author.slice(0, 1)), body);
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
  } else {
    field = el("span", { class: "block-unknown" }, `[${e.type} input not supported in the sandbox]`);
  }
  return el("div", { class: "input-block", "data-block-id": name },
    el("label", { htmlFor: `field-${name}` }, b.label ? b.label.text : name, b.optional ? el("span", { class: "optional" }, " (optional)") : null),
    field, b.hint ? el("div", { class: "hint" }, b.hint.text) : null,
    el("div", { class: "field-error", hidden: true, "data-error-for": name }));
}

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
  for (const f of $("modal-body").querySelectorAll("[name]")) values[f.name] = f.value;
  $("modal-submit").disabled = true;
  try {
    const r = await post("/api/submit", { view_id: id, values });
    if (r.errors) showErrors(r.errors);
    else if (r.ok && r.closed) {
      S.closed.add(id);
      if (S.modalView && S.modalView.id === id) { $("modal-backdrop").hidden = true; S.modalKey = null; S.modalView = null; }
    }
  } finally { $("modal-submit").disabled = false; }
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
    const body = await resp.json();
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
  if (isHome) {
    $("channel-title").textContent = "Credit Bot"; $("channel-topic").textContent = "App Home — Refund Status";
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
    $("thread-target-text").textContent = (m.text || "").slice(0, 80);
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
  if (!text || S.channel === "home") return;
  box.value = "";
  const thread = S.thread;
  S.scrollNext = true;
  if (text.startsWith("/") && !thread) await post("/api/command", { channel: S.channel, text });
  else await post("/api/message", { channel: S.channel, text, thread_ts: thread });
}

async function start() {
  S.info = await (await fetch("/api/info")).json();
  const wanted = new URL(location.href).searchParams.get("user");
  S.me = S.info.people.some((p) => p.id === wanted) ? wanted : S.info.people[0].id;
  $("act-as").replaceChildren(...S.info.people.map((p) => el("option", { value: p.id, selected: p.id === S.me }, p.title)));
  $("act-as").addEventListener("change", (ev) => switchUser(ev.target.value));
  $("lead-hints").replaceChildren(...S.info.leads.map((l) => el("li", {}, el("code", {}, l.lead_id), " ", l.story)));
  $("help-toggle").addEventListener("click", () => { $("help").hidden = !$("help").hidden; });
  $("composer-form").addEventListener("submit", send);
  $("composer").addEventListener("keydown", (ev) => { if (ev.key === "Enter" && !ev.shiftKey) send(ev); });
  $("thread-cancel").addEventListener("click", () => setThread(null));
  $("modal-form").addEventListener("submit", submitModal);
  $("modal-close").addEventListener("click", closeModal);
  $("modal-x").addEventListener("click", closeModal);
  document.addEventListener("keydown", (ev) => { if (ev.key === "Escape" && !$("modal-backdrop").hidden) closeModal(); });
  S.channel = defaultChannel();
  poll();
}

start();
