// Passkeys (WebAuthn): registration on the sign-in security page, and the second step of
// signing in. The server issues the options and checks every response.
(function () {
  "use strict";

  function toBytes(b64url) {
    const b64 = b64url.replace(/-/g, "+").replace(/_/g, "/");
    const raw = atob(b64 + "===".slice((b64.length + 3) % 4));
    return Uint8Array.from(raw, (c) => c.charCodeAt(0));
  }

  function toB64url(buffer) {
    let text = "";
    new Uint8Array(buffer).forEach((b) => { text += String.fromCharCode(b); });
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function csrf() {
    const field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: body === undefined ? "{}" : JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      throw new Error(data.message || "The passkey step failed.");
    }
    return data;
  }

  function say(element, text) {
    if (element) { element.textContent = text; }
  }

  async function register(button) {
    const status = document.getElementById(button.dataset.status);
    try {
      const options = await post(button.dataset.optionsUrl);
      options.challenge = toBytes(options.challenge);
      options.user.id = toBytes(options.user.id);
      (options.excludeCredentials || []).forEach((c) => { c.id = toBytes(c.id); });
      const credential = await navigator.credentials.create({ publicKey: options });
      const nameField = document.getElementById(button.dataset.nameField);
      const result = await post(button.dataset.url, {
        name: nameField ? nameField.value : "",
        credential: {
          id: credential.id,
          rawId: toB64url(credential.rawId),
          type: credential.type,
          response: {
            clientDataJSON: toB64url(credential.response.clientDataJSON),
            attestationObject: toB64url(credential.response.attestationObject),
            transports: credential.response.getTransports ? credential.response.getTransports() : [],
          },
        },
      });
      if (result.codes && result.codes.length) {
        say(status, "Passkey added. Your recovery codes (shown once): " + result.codes.join("  "));
      } else {
        window.location.reload();
      }
    } catch (error) {
      say(status, error.message);
    }
  }

  async function verify(button) {
    const status = document.getElementById(button.dataset.status);
    try {
      const options = await post(button.dataset.optionsUrl);
      options.challenge = toBytes(options.challenge);
      (options.allowCredentials || []).forEach((c) => { c.id = toBytes(c.id); });
      const assertion = await navigator.credentials.get({ publicKey: options });
      const result = await post(button.dataset.url, {
        credential: {
          id: assertion.id,
          rawId: toB64url(assertion.rawId),
          type: assertion.type,
          response: {
            clientDataJSON: toB64url(assertion.response.clientDataJSON),
            authenticatorData: toB64url(assertion.response.authenticatorData),
            signature: toB64url(assertion.response.signature),
            userHandle: assertion.response.userHandle ? toB64url(assertion.response.userHandle) : null,
          },
        },
      });
      window.location.assign(result.redirect);
    } catch (error) {
      say(status, error.message);
    }
  }

  // Enter in the passkey name field must not submit the form: the button does the work.
  document.addEventListener("submit", (event) => {
    if (event.target.matches("[data-passkey-form]")) { event.preventDefault(); }
  });

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-passkey]");
    if (!button) { return; }
    event.preventDefault();
    if (!window.PublicKeyCredential) {
      say(document.getElementById(button.dataset.status), "This browser does not support passkeys.");
      return;
    }
    if (button.dataset.passkey === "register") { register(button); } else { verify(button); }
  });
})();
