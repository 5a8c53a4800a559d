import CollabBenchCore
import CollabBenchStore

extension BrowsePages {
    /// A transcript: the conversation's row, its scores (the task metric's detail holds the code's
    /// test output or the document's BLEU), every turn with tokens, latency, cost, the simulator's
    /// hidden thought and the raw reply, and the judge's calls with their raw replies.
    static func transcriptPage(_ detail: ConversationDetail, run: RunRecord?) -> String {
        let metric = run?.packKind.metric.name
        let c = detail.summary
        var out = "<h1>\(h(c.taskID)) <small>trial \(c.trial) · conversation \(c.id)</small></h1>\n"
        let runLink = "<a href=\"/runs/\(h(BrowseQuery.percentEncoded(c.runID)))\">\(h(run?.name ?? c.runID))</a>"
        out += "<table class=\"kv\" id=\"conversation-figures\"><tr><th>Run</th><td>\(runLink)</td></tr>"
        out += "<tr><th>Status</th><td>\(h(c.status.rawValue)) (\(h(c.endReason)))</td></tr><tr><th>Exchanges</th><td>\(c.exchanges)</td></tr>"
        out += "<tr><th>Score</th><td>\(h(metric ?? "")) \(number(c.score, 3))</td></tr><tr><th>Cost</th><td>\(usd(c.costUSD))\(c.unpricedCalls > 0 ? " (+ \(c.unpricedCalls) unpriced calls)" : "")</td></tr>"
        if let failure = c.failure { out += "<tr><th>Failure</th><td>\(h(failure))</td></tr>" }
        if let persona = c.persona { out += "<tr><th>Persona</th><td>\(h(persona))</td></tr>" }
        if let gate = c.gate { out += "<tr><th>Simulator gate</th><td>\(h(gate)): \(h(detail.gateReasons.joined(separator: ", ")))</td></tr>" }
        out += "<tr><th>Seed</th><td>\(detail.seed)</td></tr><tr><th>Time</th><td>\(h(c.startedAt)) – \(h(c.finishedAt))</td></tr></table>\n"

        out += "<h2>Scores</h2>\n<table id=\"scores\"><thead><tr><th>Metric</th><th>Value</th><th>Status</th><th>Method</th><th>Detail</th></tr></thead><tbody>\n"
        for score in detail.scores {
            let isTask = score.metric == metric
            out += "<tr class=\"score\(isTask ? " task-metric" : "")\"><td>\(h(score.metric))</td><td class=\"num\">\(number(score.value, 4))</td><td>\(h(score.status.rawValue))</td><td>\(h(score.method))</td>"
            out += "<td>\(score.detail.map { "<pre class=\"artifact-detail\">\(h($0))</pre>" } ?? "")</td></tr>\n"
        }
        out += "</tbody></table>\n"

        out += "<h2>Transcript</h2>\n<section id=\"transcript\">\n"
        for turn in detail.turns {
            out += "<article class=\"turn role-\(h(turn.role))\(turn.formatError ? " format-error" : "")\" id=\"turn-\(turn.index)\">\n"
            var facts = ["\(turn.role)", turn.model]
            if let t = turn.tokens { facts.append("\(t) tokens") }
            if let p = turn.promptTokens, let q = turn.completionTokens { facts.append("\(p) prompt + \(q) completion") }
            facts.append("\(formatted(turn.latencyMs, 0)) ms")
            if turn.attempts > 1 { facts.append("\(turn.attempts) attempts") }
            facts.append(usd(turn.costUSD))
            if let reason = turn.finishReason { facts.append("finish: \(reason)") }
            if turn.formatError { facts.append("format error") }
            out += "<header class=\"turn-facts\">#\(turn.index) · \(facts.map(h).joined(separator: " · "))</header>\n"
            out += "<pre class=\"turn-text\">\(h(turn.text))</pre>\n"
            if let thought = turn.thought, !thought.isEmpty {
                out += "<details class=\"thought\"><summary>Simulator's hidden thought</summary><pre>\(h(thought))</pre></details>\n"
            }
            if turn.rawReply != turn.text {
                out += "<details class=\"raw-reply\"><summary>Raw reply</summary><pre>\(h(turn.rawReply))</pre></details>\n"
            }
            out += "</article>\n"
        }
        out += "</section>\n"

        out += "<h2>Judge calls</h2>\n"
        if detail.judgeCalls.isEmpty { return out + "<p id=\"judge-calls\" class=\"muted\">No judge calls.</p>\n" }
        out += "<table id=\"judge-calls\"><thead><tr><th>Criterion</th><th>Attempt</th><th>Model</th><th>Readable</th><th>Latency</th><th>Cost</th><th>Reply</th></tr></thead><tbody>\n"
        for call in detail.judgeCalls {
            out += "<tr class=\"judge-call\"><td>\(h(call.criterion))</td><td class=\"num\">\(call.attempt)</td><td>\(h(call.model))</td><td>\(call.readable ? "yes" : "no")</td>"
            out += "<td class=\"num\">\(formatted(call.latencyMs, 0)) ms</td><td class=\"num\">\(usd(call.costUSD))</td><td><pre>\(h(call.rawReply))</pre></td></tr>\n"
        }
        return out + "</tbody></table>\n"
    }
}
