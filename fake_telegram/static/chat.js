// Browser side of the demo chat: plays a Telegram user against the fake Bot API's client endpoints.
// Bot messages are rendered from text + entities by building DOM nodes (never innerHTML), so
// whatever a message contains is shown as text.
"use strict";

const state = { token: null, userId: null, after: 0, nodes: new Map(), polling: false };
const log = document.getElementById("log");

function newUserId() { return 100000 + Math.floor(Math.random() * 900000000); }

function userId() {
  let id = Number(localStorage.getItem("lotse-demo-user"));
  if (!id) { id = newUserId(); localStorage.setItem("lotse-demo-user", String(id)); }
  return id;
}

async function api(path, body) {
  const options = body ? { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) } : {};
  const response = await fetch(`/client/${encodeURIComponent(state.token)}${path}`, options);
  return response.json();
}

function languageCode() { return document.getElementById("lang").value || null; }

// Telegram entity offsets count UTF-16 code units, as JavaScript strings do.
function renderEntities(text, entities) {
  const root = document.createDocumentFragment();
  const sorted = [...(entities || [])].sort((a, b) => a.offset - b.offset || b.length - a.length);
  function build(parent, start, end, list) {
    let position = start;
    while (list.length && list[0].offset < end) {
      const entity = list.shift();
      if (entity.offset > position) parent.appendChild(document.createTextNode(text.slice(position, entity.offset)));
      const inner = [];
      while (list.length && list[0].offset < entity.offset + entity.length) inner.push(list.shift());
      const element = elementFor(entity);
      build(element, entity.offset, entity.offset + entity.length, inner);
      parent.appendChild(element);
      position = entity.offset + entity.length;
    }
    if (position < end) parent.appendChild(document.createTextNode(text.slice(position, end)));
  }
  build(root, 0, text.length, sorted);
  return root;
}

function elementFor(entity) {
  const tags = { bold: "b", italic: "i", underline: "u", strikethrough: "s", code: "code", pre: "pre", blockquote: "blockquote", spoiler: "span" };
  if (entity.type === "text_link" && /^https?:\/\//i.test(entity.url || "")) {
    const link = document.createElement("a");
    link.href = entity.url; link.target = "_blank"; link.rel = "noopener noreferrer";
    return link;
  }
  return document.createElement(tags[entity.type] || "span");
}

function describeMedia(message) {
  for (const kind of ["sticker", "photo", "voice", "location", "document", "video"]) if (message[kind]) return `[${kind}]`;
  return "";
}

function showMessage(item) {
  const message = item.message;
  const fromBot = Boolean(message.from && message.from.is_bot);
  const key = `${fromBot ? "b" : "u"}${message.message_id}`;
  let bubble = state.nodes.get(key);
  if (item.deleted) { if (bubble) bubble.remove(); return; }
  if (!bubble) {
    bubble = document.createElement("div");
    bubble.className = `msg ${fromBot ? "bot" : "user"}`;
    bubble.dir = "auto";
    state.nodes.set(key, bubble);
    log.appendChild(bubble);
  }
  bubble.replaceChildren();
  const text = message.text || message.caption || describeMedia(message);
  bubble.appendChild(renderEntities(text, message.entities || message.caption_entities));
  const rows = (message.reply_markup && message.reply_markup.inline_keyboard) || [];
  if (rows.length) {
    const keyboard = document.createElement("div");
    keyboard.className = "keyboard";
    for (const row of rows) {
      const line = document.createElement("div");
      line.className = "row";
      for (const button of row) {
        const element = document.createElement("button");
        element.type = "button";
        element.textContent = button.text;
        element.dir = "auto";
        if (button.url) element.addEventListener("click", () => window.open(button.url, "_blank", "noopener"));
        else element.addEventListener("click", () => press(message.message_id, button.callback_data));
        line.appendChild(element);
      }
      keyboard.appendChild(line);
    }
    bubble.appendChild(keyboard);
  }
  const meta = document.createElement("span");
  meta.className = "meta";
  meta.textContent = new Date(message.date * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) + (item.edited ? " · edited" : "");
  bubble.appendChild(meta);
  log.scrollTop = log.scrollHeight;
}

async function poll() {
  if (state.polling) return;
  state.polling = true;
  while (true) {
    try {
      const data = await api(`/messages?chat_id=${state.userId}&after=${state.after}&wait=25`);
      for (const item of data.result || []) {
        state.after = Math.max(state.after, item.seq);
        showMessage(item);
      }
    } catch (error) {
      await new Promise((resolve) => setTimeout(resolve, 1500));
    }
  }
}

async function send(text) {
  await api("/send", { user_id: state.userId, text, first_name: "Demo", language_code: languageCode() });
}

async function sendMedia(kind) {
  await api("/send", { user_id: state.userId, kind, first_name: "Demo", language_code: languageCode() });
}

async function press(messageId, data) {
  await api("/press", { user_id: state.userId, message_id: messageId, data });
}

document.getElementById("composer").addEventListener("submit", async (event) => {
  event.preventDefault();
  const input = document.getElementById("text");
  const text = input.value.trim();
  if (!text) return;
  input.value = "";
  await send(text);
});

for (const button of document.querySelectorAll("button.media")) button.addEventListener("click", () => sendMedia(button.dataset.kind));

document.getElementById("new-chat").addEventListener("click", () => {
  localStorage.setItem("lotse-demo-user", String(newUserId()));
  location.reload();
});

(async function main() {
  const config = await (await fetch("/config.json")).json();
  state.token = config.token;
  state.userId = userId();
  const existing = await api(`/messages?chat_id=${state.userId}&after=0`);
  const items = existing.result || [];
  for (const item of items) { state.after = Math.max(state.after, item.seq); showMessage(item); }
  poll();
  if (!items.length) await send("/start");
})();
