/// The study pages' styles and script (appended to `/static/`). The script only improves the
/// plain forms (the pages work without it): it keeps the chat scrolled to the latest reply, shows
/// that the assistant is writing, and sends the message form to `/study/<token>/stream`, adding
/// the reply's pieces to the chat as text as they arrive (a `reset` event replaces them with the
/// stored reply, `failed` with the error's words) and then updating the page in place.
enum StudyAssets {
    static let stylesheet = """
        .study-card { background: #f6f8fa; border: 1px solid #d0d7de; padding: .5rem 1rem; margin-bottom: 1rem; }
        .study-chat { max-height: 60vh; overflow-y: auto; margin-bottom: 1rem; }
        .study-msg { margin: .5rem 0; }
        .study-user pre { background: #ddf4ff; }
        .study-assistant pre { background: #f6f8fa; }
        .study-form label { display: block; margin-top: .5rem; }
        .study-form textarea { width: 100%; max-width: 60rem; }
        .study-form button { margin-top: .5rem; }
        .study-error { color: #cf222e; }
        """

    static let script = #"""
        (function () {
          // Puts the <main> of a server-rendered page in place of this one's (scripts left out),
          // then binds the new forms: the page state is updated without a navigation.
          function swapMain(html) {
            var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("main");
            var main = document.querySelector("main");
            if (!fresh || !main) { location.reload(); return; }
            var nodes = [];
            fresh.childNodes.forEach(function (node) {
              if (node.nodeName !== "SCRIPT") { nodes.push(document.importNode(node, true)); }
            });
            main.replaceChildren.apply(main, nodes);
            ready();
          }
          // A chat message shown as text (never parsed as HTML).
          function bubble(chat, role, text) {
            var div = document.createElement("div");
            div.className = "study-msg study-" + role;
            var who = document.createElement("b");
            who.textContent = role === "user" ? "You" : "Assistant";
            var pre = document.createElement("pre");
            pre.textContent = text;
            div.appendChild(who);
            div.appendChild(pre);
            chat.appendChild(div);
            chat.scrollTop = chat.scrollHeight;
            return pre;
          }
          // Sends the message form to /stream and shows the reply's pieces as they arrive; without
          // fetch streams the plain form is posted.
          function stream(form, event, chat) {
            var action = form.getAttribute("action") || "";
            if (!window.fetch || !window.TextDecoder || !window.DOMParser || !window.ReadableStream || !chat || !/\/message$/.test(action)) { return; }
            event.preventDefault();
            var box = document.getElementById("message");
            var text = box ? box.value.trim() : "";
            var page = location.pathname;
            var answered = false;
            fetch(action.replace(/\/message$/, "/stream"), {
              method: "POST", body: new URLSearchParams(new FormData(form)), credentials: "same-origin", cache: "no-store"
            }).then(function (response) {
              answered = true;
              if (!response.ok || !response.body) { return response.text().then(swapMain); }
              bubble(chat, "user", text);
              var reply = bubble(chat, "assistant", "");
              reply.parentNode.id = "streaming-reply";
              var reader = response.body.getReader();
              var decoder = new TextDecoder();
              var buffered = "";
              function pump() {
                return reader.read().then(function (step) {
                  if (step.done) { return; }
                  buffered += decoder.decode(step.value, { stream: true });
                  var cut;
                  while ((cut = buffered.indexOf("\n\n")) >= 0) {
                    var block = buffered.slice(0, cut);
                    buffered = buffered.slice(cut + 2);
                    var name = "message", data = "";
                    block.split("\n").forEach(function (line) {
                      if (line.indexOf("event: ") === 0) { name = line.slice(7); }
                      else if (line.indexOf("data: ") === 0) { data += line.slice(6); }
                    });
                    if (name === "message" && data) {
                      reply.textContent += JSON.parse(data);
                      chat.scrollTop = chat.scrollHeight;
                    } else if (name === "reset" && data) {
                      // The stored reply differs from the pieces shown (a retried call): show it.
                      reply.textContent = JSON.parse(data);
                    } else if (name === "failed" && data) {
                      reply.textContent = JSON.parse(data).message;
                      reply.parentNode.className += " study-error";
                    }
                  }
                  return pump();
                });
              }
              return pump().then(function () {
                return fetch(page, { credentials: "same-origin", cache: "no-store" });
              }).then(function (response) { return response.text(); }).then(swapMain);
            }).catch(function () {
              if (answered) { location.reload(); } else { form.submit(); }
            });
          }
          function ready() {
            var chat = document.getElementById("chat");
            if (chat && document.getElementById("task-card")) { chat.scrollTop = chat.scrollHeight; }
            var form = document.getElementById("message-form");
            if (!form) { return; }
            form.addEventListener("submit", function (event) {
              var button = document.getElementById("send");
              var waiting = document.getElementById("waiting");
              if (button) { button.disabled = true; }
              if (waiting) { waiting.hidden = false; }
              stream(form, event, chat);
            });
          }
          if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }
        })();
        """#
}
