/* The passkey page (app/passkeys/pages.py): sign in with a password, add a
   passkey, sign in with it, through the JSON API. A static file: the page's
   Content-Security-Policy allows no inline script. Tokens stay in this
   script's memory (no storage, no cookie). Texts come translated from the
   page (data-msg-* attributes of #demo). */
"use strict";

(function () {
  const API = "/api/v1/auth";
  const demo = document.getElementById("demo");
  const status = document.getElementById("status");
  let accessToken = null;

  function msg(name) { return demo.dataset[name] || ""; }

  function say(text, kind) {
    status.textContent = "";
    const box = document.createElement("div");
    box.className = "notice notice-" + kind;
    const p = document.createElement("p");
    p.textContent = text;
    box.appendChild(p);
    status.appendChild(box);
  }

  function toBuffer(text) {
    const base64 = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
    const raw = atob(base64);
    const bytes = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes.buffer;
  }

  function toText(buffer) {
    const bytes = new Uint8Array(buffer);
    let raw = "";
    for (let i = 0; i < bytes.length; i++) raw += String.fromCharCode(bytes[i]);
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  async function call(path, body, token) {
    const init = { method: body === undefined ? "GET" : "POST", credentials: "omit", headers: {} };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    if (token) init.headers.Authorization = "Bearer " + token;
    const response = await fetch(API + path, init);
    const payload = await response.json().catch(function () { return {}; });
    if (!response.ok) {
      const error = payload.error || {};
      throw new Error((error.code ? error.code + ": " : "") + (error.message || response.status));
    }
    return payload.data;
  }

  function descriptors(list) {
    return (list || []).map(function (c) { return Object.assign({}, c, { id: toBuffer(c.id) }); });
  }

  function credentialJSON(credential) {
    const r = credential.response;
    const json = {
      id: credential.id, rawId: toText(credential.rawId), type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || null,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: { clientDataJSON: toText(r.clientDataJSON) },
    };
    if (r.attestationObject) {
      json.response.attestationObject = toText(r.attestationObject);
      json.response.transports = r.getTransports ? r.getTransports() : [];
    } else {
      json.response.authenticatorData = toText(r.authenticatorData);
      json.response.signature = toText(r.signature);
      json.response.userHandle = r.userHandle ? toText(r.userHandle) : null;
    }
    return json;
  }

  function claims(token) {
    return JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
  }

  async function signedIn(data, how) {
    accessToken = data.access_token;
    const line = document.getElementById("signed-in");
    line.textContent = msg("msgSignedIn").replace("{email}", data.user.email)
      .replace("{aal}", String(claims(accessToken).aal)).replace("{how}", how);
    line.hidden = false;
    document.getElementById("add-section").hidden = false;
    await showPasskeys();
  }

  async function showPasskeys() {
    const list = document.getElementById("passkey-list");
    const passkeys = await call("/passkeys", undefined, accessToken);
    list.textContent = "";
    passkeys.forEach(function (passkey) {
      const item = document.createElement("li");
      const used = passkey.last_used_at ? msg("msgLastUsed") + " " + passkey.last_used_at.slice(0, 16).replace("T", " ")
        : msg("msgNeverUsed");
      item.textContent = passkey.name + " (" + used + ")";
      list.appendChild(item);
    });
  }

  function failed(error) {
    if (error && (error.name === "NotAllowedError" || error.name === "AbortError")) {
      say(msg("msgCancelled"), "error");
    } else {
      say(msg("msgFailed") + " " + (error && error.message ? error.message : String(error)), "error");
    }
  }

  async function passwordSignIn(event) {
    event.preventDefault();
    try {
      const data = await call("/login", {
        email: document.getElementById("email").value,
        password: document.getElementById("password").value,
      });
      document.getElementById("password").value = "";
      if (data.mfa_required) {
        say(msg("msgMfa"), "info");
        return;
      }
      status.textContent = "";
      await signedIn(data, msg("msgPassword"));
    } catch (error) {
      failed(error);
    }
  }

  async function addPasskey(event) {
    event.preventDefault();
    try {
      const options = await call("/passkeys/register/options", {}, accessToken);
      options.challenge = toBuffer(options.challenge);
      options.user = Object.assign({}, options.user, { id: toBuffer(options.user.id) });
      options.excludeCredentials = descriptors(options.excludeCredentials);
      const credential = await navigator.credentials.create({ publicKey: options });
      const body = { credential: credentialJSON(credential) };
      const name = document.getElementById("passkey-name").value.trim();
      if (name) body.name = name;
      await call("/passkeys/register", body, accessToken);
      say(msg("msgAdded"), "success");
      await showPasskeys();
    } catch (error) {
      failed(error);
    }
  }

  async function passkeySignIn() {
    try {
      const options = await call("/passkeys/login/options", {});
      options.challenge = toBuffer(options.challenge);
      options.allowCredentials = descriptors(options.allowCredentials);
      const credential = await navigator.credentials.get({ publicKey: options });
      const data = await call("/passkeys/login", { credential: credentialJSON(credential) });
      status.textContent = "";
      await signedIn(data, msg("msgPasskey"));
    } catch (error) {
      failed(error);
    }
  }

  document.getElementById("password-form").addEventListener("submit", passwordSignIn);
  document.getElementById("add-form").addEventListener("submit", addPasskey);
  document.getElementById("passkey-sign-in").addEventListener("click", passkeySignIn);
  demo.hidden = false;
  if (!window.PublicKeyCredential || !navigator.credentials) say(msg("msgUnsupported"), "error");
})();
