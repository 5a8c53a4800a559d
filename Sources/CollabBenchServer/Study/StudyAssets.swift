/// The study pages' styles and script (appended to `/static/`). The script only improves the
/// plain forms (the pages work without it): it keeps the chat scrolled to the latest reply and
/// shows that the assistant is writing while a message is sent.
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

    static let script = """
        (function () {
          function ready() {
            var chat = document.getElementById("chat");
            if (chat && document.getElementById("task-card")) { chat.scrollTop = chat.scrollHeight; }
            var form = document.getElementById("message-form");
            if (!form) { return; }
            form.addEventListener("submit", function () {
              var button = document.getElementById("send");
              var waiting = document.getElementById("waiting");
              if (button) { button.disabled = true; }
              if (waiting) { waiting.hidden = false; }
            });
          }
          if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }
        })();
        """
}
