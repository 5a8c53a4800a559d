import CollabBenchCore
import CollabBenchRunner
import CollabBenchStore
import Hummingbird

/// The participant's page: task card, conversation, and the form that is due.
enum StudyPage {
    /// The page for `view`.
    static func render(_ view: StudyConductor.View) -> Response {
        HTTPResponses.html(HTMLPage.render(title: "Study", body: body(view)))
    }

    static func body(_ view: StudyConductor.View) -> String {
        let e = HTMLPage.escape
        let token = view.participant.token
        let csrf = "<input type=\"hidden\" name=\"csrf\" value=\"\(e(view.participant.csrfToken))\">"
        var html = """
            <section class="study-card" id="task-card">
            <h1>Your task</h1>
            <p class="muted">You play the user. Chat with the assistant until you are satisfied with the result, \
            then rate it and press “I'm done”. Please do not type personal information.</p>
            <h2>What you want (only you know this)</h2>
            <pre id="intent">\(e(view.task.hiddenIntent))</pre>
            <h2>A first message you could send</h2>
            <pre id="prompt">\(e(view.task.prompt))</pre>
            </section>
            <section class="study-chat" id="chat">
            """
        for (i, turn) in view.progress.turns.enumerated() {
            let who = turn.role == .user ? "You" : "Assistant"
            html += "<div class=\"study-msg study-\(turn.role == .user ? "user" : "assistant")\" id=\"msg-\(i)\"><b>\(who)</b><pre>\(e(turn.text))</pre></div>\n"
        }
        html += "</section>\n"
        if view.participant.state == .finished {
            html += "<section id=\"thanks\"><h2>Thank you!</h2><p>Your conversation and ratings are recorded. You can close this page.</p></section>"
            return html
        }
        if let failure = view.progress.lastFailure {
            html += "<p class=\"study-error\" id=\"failure\">\(e(failure))</p>"
        }
        if view.ratingDue {
            html += """
                <form method="post" action="/study/\(e(token))/rate" id="rate-form" class="study-form">
                <h2>How is it going?</h2>\(csrf)\(ratingFields(view.kind, prefix: "rate"))
                <button type="submit" id="rate">Save my rating and continue</button>
                </form>
                """
        } else if view.canSend {
            html += """
                <form method="post" action="/study/\(e(token))/message" id="message-form" class="study-form">\(csrf)
                <label for="message">Your message</label>
                <textarea name="message" id="message" rows="5" maxlength="\(StudyRoutes.maxMessageCharacters)" required></textarea>
                <button type="submit" id="send">Send</button>
                <span class="muted" id="waiting" hidden>The assistant is writing…</span>
                </form>
                """
        } else {
            html += "<p id=\"limit\">This conversation has reached its length limit; please rate it and finish.</p>"
        }
        if view.progress.replies > 0 && !view.ratingDue {
            html += """
                <form method="post" action="/study/\(e(token))/finish" id="finish-form" class="study-form">
                <h2>Satisfied? Rate the result and finish</h2>\(csrf)\(ratingFields(view.kind, prefix: "final"))
                <button type="submit" id="finish">I'm done</button>
                </form>
                """
        }
        return html
    }

    /// The two 1–10 questions and the comment box.
    static func ratingFields(_ kind: TaskKind, prefix: String) -> String {
        let outcome = kind == .docs ? "the document" : "the solution"
        func select(_ name: String, _ label: String) -> String {
            var options = "<option value=\"\">–</option>"
            for v in 1...10 { options += "<option value=\"\(v)\">\(v)</option>" }
            return "<label for=\"\(prefix)-\(name)\">\(label)</label><select name=\"\(name)\" id=\"\(prefix)-\(name)\" required>\(options)</select>"
        }
        return select("quality", "Quality of \(outcome) so far (1 = very poor, 10 = excellent)")
            + select("interaction", "The interaction with the assistant (1 = very poor, 10 = excellent)")
            + "<label for=\"\(prefix)-comment\">Comment (optional)</label><textarea name=\"comment\" id=\"\(prefix)-comment\" rows=\"2\"></textarea>"
    }
}
