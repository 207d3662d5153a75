// Browser side of the demo chat: plays a Telegram user against the fake Bot API's client endpoints.
// Bot messages are rendered from text + entities by building DOM nodes (never innerHTML), so
// whatever a message contains is shown as text.
"use strict";

const state = { token: null, userId: null, after: 0, nodes: new Map(), polling: false, sending: false, retry: null };
const log = document.getElementById("log");
const USER_KEY = "lotse-demo-user";
const LANGUAGE_KEY = "lotse-demo-language";
const TOAST_MS = 4000; // how long a button's notice stays, as in Telegram's apps
const POLL_WAIT = 25; // seconds a long poll for new messages waits at the server
const ANSWER_WAIT = 15; // seconds to wait for the bot's answer to a button press
const UPLOAD_WAIT = 120; // seconds a photo or file may take to upload
const PHOTO_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp"]; // sent as a photo, anything else as a file

function newUserId() { return 100000 + Math.floor(Math.random() * 900000000); }

function userId() {
  let id = Number(localStorage.getItem(USER_KEY));
  if (!id) { id = newUserId(); localStorage.setItem(USER_KEY, String(id)); }
  return id;
}

// A request the server did not carry out: unreachable, no answer in time, or an error answer (`refused`:
// the server said no, so the same request would fail again).
class NotDone extends Error {
  constructor(message, refused = false) { super(message); this.refused = refused; }
}

// A GET without `body`; a POST of JSON, or of a multipart form (a FormData: a file upload).
async function api(path, body, timeoutSeconds = 15) {
  let options = {};
  if (body instanceof FormData) options = { method: "POST", body };
  else if (body) options = { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
  options.signal = AbortSignal.timeout(timeoutSeconds * 1000);
  let response;
  try {
    response = await fetch(`/client/${encodeURIComponent(state.token)}${path}`, options);
  } catch (error) {
    throw new NotDone(error.name === "TimeoutError" ? "the demo server did not answer in time" : "the demo server cannot be reached");
  }
  let data = null;
  try { data = await response.json(); } catch (error) { /* not JSON: reported below */ }
  if (!response.ok || !data || data.ok === false) {
    const refused = response.status >= 400 && response.status < 500;
    throw new NotDone(`the demo server answered ${response.status}${data && data.description ? ` (${data.description})` : ""}`, refused);
  }
  return data;
}

const languageSelect = document.getElementById("lang");

function languageCode() { return languageSelect.value || null; }

// The chosen Telegram app language outlives "New user" (a reload) and later visits.
function restoreLanguage() {
  const saved = localStorage.getItem(LANGUAGE_KEY);
  if (saved !== null && [...languageSelect.options].some((option) => option.value === saved)) languageSelect.value = saved;
}
languageSelect.addEventListener("change", () => localStorage.setItem(LANGUAGE_KEY, languageSelect.value));

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

function fileUrl(fileId) {
  return `/client/${encodeURIComponent(state.token)}/file?file_id=${encodeURIComponent(fileId)}`;
}

// A photo as a thumbnail, a document as its file name (a link that saves it); null for other messages.
function mediaElement(message) {
  if (message.photo && message.photo.length) {
    const size = message.photo[message.photo.length - 1]; // the largest
    const image = document.createElement("img");
    image.className = "photo";
    image.alt = "Photo";
    image.width = size.width;
    image.height = size.height;
    image.src = fileUrl(size.file_id);
    return image;
  }
  if (message.document) {
    const link = document.createElement("a");
    link.className = "document";
    link.href = fileUrl(message.document.file_id);
    link.download = message.document.file_name || "";
    const icon = document.createElement("span");
    icon.setAttribute("aria-hidden", "true");
    icon.textContent = "📄 ";
    link.append(icon, document.createTextNode(message.document.file_name || "Document"));
    return link;
  }
  return null;
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
  const media = mediaElement(message);
  if (media) bubble.appendChild(media);
  const text = message.text || message.caption || (media ? "" : describeMedia(message));
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
        else element.addEventListener("click", () => press(message.message_id, button.callback_data, element));
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

// --- what the page tells the user: the bot's notices, unsent messages, the connection ------------

let toastTimer = null;

// answerCallbackQuery: a short notice that goes away by itself, or (show_alert) a dialog to close.
function showCallbackAnswer(answer) {
  if (!answer || !answer.text) return;
  if (answer.show_alert) {
    document.getElementById("alert-text").textContent = answer.text;
    const dialog = document.getElementById("alert");
    if (!dialog.open) dialog.showModal();
    return;
  }
  const toast = document.getElementById("toast");
  toast.textContent = answer.text;
  toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { toast.hidden = true; }, TOAST_MS);
}

// `retry`: what "Try again" does (no button if null).
function showNotDone(message, retry) {
  state.retry = retry;
  document.getElementById("send-error-text").textContent = message;
  document.getElementById("retry").hidden = !retry;
  document.getElementById("send-error").hidden = false;
}

function hideNotDone() {
  state.retry = null;
  document.getElementById("send-error").hidden = true;
}

function setConnected(connected) { document.getElementById("connection").hidden = connected; }

// --- talking to the fake Telegram ---------------------------------------------------------------

async function poll() {
  if (state.polling) return;
  state.polling = true;
  while (true) {
    try {
      const data = await api(`/messages?chat_id=${state.userId}&after=${state.after}&wait=${POLL_WAIT}`, null, POLL_WAIT + 15);
      setConnected(true);
      for (const item of data.result || []) {
        state.after = Math.max(state.after, item.seq);
        showMessage(item);
      }
    } catch (error) {
      setConnected(false);
      await new Promise((resolve) => setTimeout(resolve, 1500));
    }
  }
}

async function send(text) {
  await api("/send", { user_id: state.userId, text, first_name: "Demo", language_code: languageCode() });
}

async function sendMedia(kind) {
  try {
    await api("/send", { user_id: state.userId, kind, first_name: "Demo", language_code: languageCode() });
    hideNotDone();
  } catch (error) {
    if (!(error instanceof NotDone)) throw error;
    showNotDone(`Your ${kind} was not sent: ${error.message}.`, null);
  }
}

async function press(messageId, data, button) {
  button.classList.add("pending");
  try {
    let query;
    try {
      query = (await api("/press", { user_id: state.userId, message_id: messageId, data })).result;
      hideNotDone();
    } catch (error) {
      if (!(error instanceof NotDone)) throw error;
      showNotDone(`Your button press did not reach the bot: ${error.message}. Press the button again to retry.`, null);
      return;
    }
    try {
      const path = `/callback_answer?callback_query_id=${encodeURIComponent(query.id)}&wait=${ANSWER_WAIT}`;
      showCallbackAnswer((await api(path, null, ANSWER_WAIT + 15)).result);
    } catch (error) {
      if (!(error instanceof NotDone)) throw error; // the press went through; only its notice is lost
    }
  } finally {
    button.classList.remove("pending");
  }
}

// The text stays in the box until the server has taken it; if it has not, the page says so.
async function submit() {
  const input = document.getElementById("text");
  const text = input.value.trim();
  if (!text || state.sending) return;
  state.sending = true;
  document.getElementById("send").disabled = true;
  try {
    await send(text);
    hideNotDone();
    if (input.value.trim() === text) input.value = "";
  } catch (error) {
    if (!(error instanceof NotDone)) throw error;
    showNotDone(`Your message was not sent: ${error.message}. It is still in the box: press Send or Try again.`, submit);
  } finally {
    state.sending = false;
    document.getElementById("send").disabled = false;
    input.focus();
  }
}

document.getElementById("composer").addEventListener("submit", (event) => {
  event.preventDefault();
  submit();
});

document.getElementById("retry").addEventListener("click", () => { if (state.retry) state.retry(); });

// A photo or a file the user attaches: sent as a multipart upload, shown in the chat as soon as the
// server has taken it. If it has not, the page says why; "Try again" sends the same file again unless the
// server refused it (too big, not an image, ...).
const attach = document.getElementById("attach");
const attachLabel = document.querySelector("label.attach");

async function sendFile(file) {
  const kind = PHOTO_TYPES.includes(file.type) ? "photo" : "document";
  const what = kind === "photo" ? "photo" : `file “${file.name}”`;
  attach.disabled = true;
  attachLabel.classList.add("pending");
  try {
    const form = new FormData();
    form.append("user_id", String(state.userId));
    form.append("first_name", "Demo");
    if (languageCode()) form.append("language_code", languageCode());
    form.append("kind", kind);
    form.append("file", file, file.name);
    const data = await api("/send", form, UPLOAD_WAIT);
    hideNotDone();
    showMessage({ message: data.result, edited: false, deleted: false });
  } catch (error) {
    if (!(error instanceof NotDone)) throw error;
    showNotDone(`Your ${what} was not sent: ${error.message}.`, error.refused ? null : () => sendFile(file));
  } finally {
    attach.disabled = false;
    attachLabel.classList.remove("pending");
  }
}

attach.addEventListener("change", () => {
  const file = attach.files[0];
  attach.value = ""; // the same file can be chosen again
  if (file) sendFile(file);
});

for (const button of document.querySelectorAll("button.media")) button.addEventListener("click", () => sendMedia(button.dataset.kind));

document.getElementById("new-chat").addEventListener("click", () => {
  localStorage.setItem(USER_KEY, String(newUserId()));
  localStorage.setItem(LANGUAGE_KEY, languageSelect.value);
  location.reload();
});

(async function main() {
  restoreLanguage();
  const config = await (await fetch("/config.json")).json();
  state.token = config.token;
  state.userId = userId();
  let items = null;
  try {
    items = (await api(`/messages?chat_id=${state.userId}&after=0`)).result || [];
  } catch (error) {
    setConnected(false);
  }
  for (const item of items || []) { state.after = Math.max(state.after, item.seq); showMessage(item); }
  poll();
  if (items && !items.length) {
    try {
      await send("/start");
    } catch (error) {
      if (!(error instanceof NotDone)) throw error;
      showNotDone(`Could not start the chat: ${error.message}. Reload the page when the demo runs.`, false);
    }
  }
})();
