import CollabBenchCore
import CollabBenchServer
import CollabBenchStore
import Foundation
import Testing

/// The results browser's JSON API and pages over a real socket, against stores with known rows.
@Suite("Results browser", .timeLimit(.minutes(5)))
struct BrowserAPITests {
    /// Run `r1`: seven math conversations with known scores (one failed, one unscored), one with a
    /// hostile reply; run `r2` another agent on the same tasks.
    static func makeStore() throws -> (path: String, ids: [Int64]) {
        let path = BrowserTestStore.tempPath()
        let store = try ResultStore(path: path)
        let rows: [BrowserTestStore.Row] = [
            .init(task: "t1", score: 1, cost: 0.003), .init(task: "t2", score: 0),
            .init(task: "t3", score: 1, agentText: BrowserTestStore.hostile, thought: "hidden <b>thought</b>"),
            .init(task: "t4", score: nil), .init(task: "t5", failed: true), .init(task: "t6", score: 0, cost: nil), .init(task: "t7", score: 1, cost: 0.002),
        ]
        let ids = try BrowserTestStore.addRun(store, id: "r1", name: "first <b>run</b>", rows: rows)
        try BrowserTestStore.addRun(
            store, id: "r2", agent: "openai/agent-b", rows: (1...7).map { .init(task: "t\($0)", score: $0 % 2 == 0 ? 1 : 0) })
        return (path, ids)
    }

    static func json(_ reply: FetchedReply) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any])
    }

    static func page(_ base: URL, _ path: String) async throws -> [String: Any] {
        let reply = try await fetch(URL(string: path, relativeTo: base)!)
        #expect(reply.status == 200, "\(path): \(reply.body)")
        return try json(reply)
    }

    static func ids(_ page: [String: Any]) -> [Int64] {
        (page["conversations"] as? [[String: Any]] ?? []).compactMap { ($0["id"] as? NSNumber)?.int64Value }
    }

    @Test("runs, a run, and 404 for an unknown run")
    func runs() async throws {
        let (path, _) = try Self.makeStore()
        try await withServer(try ServeRouter.router(storePath: path)) { base in
            let list = try await Self.page(base, "/api/runs")
            let runs = try #require(list["runs"] as? [[String: Any]])
            #expect(runs.map { $0["id"] as? String } == ["r1", "r2"])
            let r1 = runs[0]
            #expect(r1["conversations"] as? Int == 7)
            #expect(r1["failed"] as? Int == 1)
            #expect(r1["scored"] as? Int == 5)
            #expect(r1["metric"] as? String == "accuracy")
            #expect(abs((r1["meanScore"] as? Double ?? 0) - 0.6) < 1e-9)
            #expect(abs((r1["costUSD"] as? Double ?? 0) - 0.008) < 1e-9)
            let detail = try await Self.page(base, "/api/runs/r1")
            #expect((detail["overview"] as? [String: Any])?["name"] as? String == "first <b>run</b>")
            #expect((detail["configJSON"] as? String)?.contains("agent") == true)
            let missing = try await fetch(URL(string: "/api/runs/nope", relativeTo: base)!)
            #expect(missing.status == 404)
            #expect(try Self.json(missing)["error"] as? String == "no run 'nope'")
            let missingTable = try await fetch(URL(string: "/api/runs/nope/conversations", relativeTo: base)!)
            #expect(missingTable.status == 404)
        }
    }

    @Test("conversations page, sort and filter as the rows say")
    func paging() async throws {
        let (path, ids) = try Self.makeStore()
        try await withServer(try ServeRouter.router(storePath: path)) { base in
            let all = try await Self.page(base, "/api/runs/r1/conversations")
            #expect(all["total"] as? Int == 7)
            #expect(Self.ids(all) == ids)
            // Pages never overlap and cover everything.
            let first = try await Self.page(base, "/api/runs/r1/conversations?limit=3")
            let second = try await Self.page(base, "/api/runs/r1/conversations?limit=3&offset=3")
            let third = try await Self.page(base, "/api/runs/r1/conversations?limit=3&offset=6")
            #expect(Self.ids(first) + Self.ids(second) + Self.ids(third) == ids)
            #expect(third["total"] as? Int == 7)
            // Score descending: the 1s by id descending, then the 0s, then the unscored and failed last.
            let byScore = try await Self.page(base, "/api/runs/r1/conversations?sort=score&order=desc")
            #expect(Self.ids(byScore) == [ids[6], ids[2], ids[0], ids[5], ids[1], ids[4], ids[3]])
            let ascending = try await Self.page(base, "/api/runs/r1/conversations?sort=score&order=asc&limit=2")
            #expect(Self.ids(ascending) == [ids[1], ids[5]])
            let byCost = try await Self.page(base, "/api/runs/r1/conversations?sort=cost&order=desc&limit=2")
            #expect(Self.ids(byCost) == [ids[0], ids[6]])
            let failed = try await Self.page(base, "/api/runs/r1/conversations?status=failed")
            #expect(Self.ids(failed) == [ids[4]])
            #expect((failed["conversations"] as? [[String: Any]])?.first?["failure"] as? String == "agent crashed")
            #expect(Self.ids(try await Self.page(base, "/api/runs/r1/conversations?failure=CRASH")) == [ids[4]])
            #expect(try await Self.page(base, "/api/runs/r1/conversations?failure=none")["total"] as? Int == 6)
            let good = try await Self.page(base, "/api/runs/r1/conversations?min_score=0.5")
            #expect(Self.ids(good) == [ids[0], ids[2], ids[6]])
            let bad = try await Self.page(base, "/api/runs/r1/conversations?max_score=0.5&status=completed")
            #expect(Self.ids(bad) == [ids[1], ids[5]])
            #expect(try await Self.page(base, "/api/runs/r1/conversations?gate=flagged")["total"] as? Int == 0)
            #expect(try await Self.page(base, "/api/runs/r1/conversations?gate=unflagged")["total"] as? Int == 7)
            #expect(try await Self.page(base, "/api/runs/r1/conversations?persona=nobody")["total"] as? Int == 0)
            // A limit above the cap is capped; empty values mean "not given" (HTML forms send them).
            let capped = try await Self.page(base, "/api/runs/r1/conversations?limit=100000&status=&sort=")
            #expect(capped["limit"] as? Int == ResultStore.maximumPageSize)
            #expect(capped["total"] as? Int == 7)
        }
    }

    @Test("unusable query values are 400 naming the parameter", arguments: [
        ("limit=abc", "limit"), ("limit=0", "limit"), ("offset=-1", "offset"), ("sort=bogus", "sort"), ("order=up", "order"),
        ("status=done", "status"), ("min_score=high", "min_score"), ("max_score=nan", "max_score"), ("gate=maybe", "gate"),
    ])
    func badQuery(query: String, parameter: String) async throws {
        let (path, _) = try Self.makeStore()
        try await withServer(try ServeRouter.router(storePath: path)) { base in
            let reply = try await fetch(URL(string: "/api/runs/r1/conversations?\(query)", relativeTo: base)!)
            #expect(reply.status == 400)
            let message = try Self.json(reply)["error"] as? String ?? ""
            #expect(message.hasPrefix("query parameter '\(parameter)'"), "\(message)")
            let page = try await fetch(URL(string: "/runs/r1?\(query)", relativeTo: base)!)
            #expect(page.status == 400)
            #expect(page.body.contains("query parameter &#39;\(parameter)&#39;") || page.body.contains("query parameter &#x27;\(parameter)&#x27;"), "\(page.body)")
        }
    }

    @Test("a conversation: turns with thought and cost, scores, judge calls; 404 for bad ids")
    func conversation() async throws {
        let (path, ids) = try Self.makeStore()
        try await withServer(try ServeRouter.router(storePath: path)) { base in
            let detail = try await Self.page(base, "/api/conversations/\(ids[2])")
            let summary = try #require(detail["summary"] as? [String: Any])
            #expect(summary["taskID"] as? String == "t3")
            #expect(summary["score"] as? Double == 1)
            let turns = try #require(detail["turns"] as? [[String: Any]])
            #expect(turns.count == 3)
            #expect(turns[0]["thought"] as? String == "hidden <b>thought</b>")
            // The hostile reply comes back as the very same string in JSON.
            #expect(turns[1]["text"] as? String == BrowserTestStore.hostile)
            #expect(turns[1]["costUSD"] as? Double == 0.001)
            #expect(turns[1]["tokens"] as? Int == 5)
            let scores = try #require(detail["scores"] as? [[String: Any]])
            #expect(scores.map { $0["metric"] as? String } == ["accuracy", "itr", "tok_k"])
            #expect(scores[0]["detail"] as? String == "extracted 7")
            let judges = try #require(detail["judgeCalls"] as? [[String: Any]])
            #expect(judges.first?["rawReply"] as? String == "{\"score\":3} judged")
            for bad in ["abc", "999999", "-1"] {
                let reply = try await fetch(URL(string: "/api/conversations/\(bad)", relativeTo: base)!)
                #expect(reply.status == 404)
                #expect(try Self.json(reply)["error"] as? String == "no conversation '\(bad)'")
                #expect(try await fetch(URL(string: "/conversations/\(bad)", relativeTo: base)!).status == 404)
            }
        }
    }

    @Test("leaderboards per profile with intervals, and compare")
    func reports() async throws {
        let (path, _) = try Self.makeStore()
        try await withServer(try ServeRouter.router(storePath: path)) { base in
            let report = try await Self.page(base, "/api/leaderboards")
            let boards = try #require(report["boards"] as? [[String: Any]])
            #expect(boards.count == 1)
            let rows = try #require(boards.first?["rows"] as? [[String: Any]])
            #expect(Set(rows.compactMap { $0["agent"] as? String }).count == 2)
            #expect(rows.allSatisfy { $0["taskMetricCI"] is [String: Any] })
            let comparison = try await Self.page(base, "/api/compare?a=r1&b=r2")
            #expect((comparison["runA"] as? [String: Any])?["id"] as? String == "r1")
            #expect(comparison["sharedTasks"] as? Int == 7)
            let metrics = try #require(comparison["metrics"] as? [[String: Any]])
            #expect(metrics.contains { $0["metric"] as? String == "accuracy" })
            let missingB = try await fetch(URL(string: "/api/compare?a=r1", relativeTo: base)!)
            #expect(missingB.status == 400)
            #expect((try Self.json(missingB)["error"] as? String)?.contains("'b'") == true)
            #expect(try await fetch(URL(string: "/api/compare?a=r1&b=zzz", relativeTo: base)!).status == 404)
            let html = try await fetch(URL(string: "/compare?a=r1&b=r2", relativeTo: base)!)
            #expect(html.status == 200)
            #expect(html.body.contains("id=\"comparison\""))
            #expect(html.body.contains("flipped to"))
        }
    }

    @Test("the OpenAPI document parses and lists exactly the routes the API answers")
    func openAPI() async throws {
        let (path, ids) = try Self.makeStore()
        try await withServer(try ServeRouter.router(storePath: path)) { base in
            let document = try await Self.page(base, "/api/openapi.json")
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: Any])
            #expect(Set(paths.keys) == Set(BrowseOpenAPI.paths))
            for template in paths.keys.sorted() {
                let concrete = template.replacingOccurrences(of: "/api/runs/{id}", with: "/api/runs/r1")
                    .replacingOccurrences(of: "{id}", with: String(ids[0])) + (template == "/api/compare" ? "?a=r1&b=r2" : "")
                let reply = try await fetch(URL(string: concrete, relativeTo: base)!)
                #expect(reply.status == 200, "\(concrete)")
                #expect(reply.header("content-type")?.hasPrefix("application/json") == true)
                let operation = (paths[template] as? [String: Any])?["get"] as? [String: Any]
                #expect((operation?["responses"] as? [String: Any])?["200"] != nil)
            }
            // Every $ref points at a component the document defines.
            let text = try await fetch(URL(string: "/api/openapi.json", relativeTo: base)!).body
            let components = try #require(document["components"] as? [String: [String: Any]])
            for match in text.matches(of: #/"\$ref": "#/components/(\w+)/(\w+)"/#) {
                #expect(components[String(match.1)]?[String(match.2)] != nil, "\(match.0)")
            }
        }
    }

    @Test("pages carry stable hooks, and a hostile reply stays text")
    func pages() async throws {
        let (path, ids) = try Self.makeStore()
        try await withServer(try ServeRouter.router(storePath: path)) { base in
            let home = try await fetch(base)
            #expect(home.status == 200)
            #expect(home.body.contains("id=\"leaderboard\""))
            #expect(home.body.contains("<svg"))
            #expect(home.header("content-security-policy")?.contains("script-src 'self'") == true)
            let runs = try await fetch(URL(string: "/runs", relativeTo: base)!)
            #expect(runs.body.contains("id=\"runs\""))
            #expect(runs.body.contains("first &lt;b&gt;run&lt;/b&gt;"))
            #expect(!runs.body.contains("<b>run</b>"))
            let table = try await fetch(URL(string: "/runs/r1?sort=score&order=desc&limit=2", relativeTo: base)!)
            #expect(table.status == 200)
            #expect(table.body.contains("id=\"conversations\""))
            #expect(table.body.contains("id=\"conversation-filter\""))
            let rowIDs = table.body.matches(of: #/class="conversation [^"]*" data-id="(\d+)"/#).map { Int64($0.1)! }
            #expect(rowIDs == [ids[6], ids[2]])
            #expect(table.body.contains("page 1 of 4"))
            #expect(table.body.contains("offset=2&amp;limit=2&amp;sort=score&amp;order=desc"))
            #expect(!table.body.contains("<script>alert"))
            let transcript = try await fetch(URL(string: "/conversations/\(ids[2])", relativeTo: base)!)
            #expect(transcript.status == 200)
            #expect(transcript.body.contains("id=\"transcript\""))
            #expect(transcript.body.matches(of: #/class="turn /#).count == 3)
            #expect(transcript.body.contains("&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;") || transcript.body.contains("&lt;script&gt;alert("))
            #expect(!transcript.body.contains("<script>alert"))
            #expect(transcript.body.contains("hidden &lt;b&gt;thought&lt;/b&gt;"))
            #expect(transcript.body.contains("id=\"judge-calls\""))
            #expect(transcript.body.contains("extracted 7"))
            // The only scripts are the page's own, from /static/.
            #expect(transcript.body.matches(of: #/<script/#).count == 1)
            let script = try await fetch(URL(string: "/static/collabbench.js", relativeTo: base)!)
            #expect(script.body.contains("conversation-filter"))
            #expect(try await fetch(URL(string: "/runs/nope", relativeTo: base)!).status == 404)
        }
    }

    @Test("the server sees conversations a run commits after it started (read-only WAL reader)")
    func liveRead() async throws {
        let (path, _) = try Self.makeStore()
        let service = BrowseService(store: try ResultStore(path: path, mode: .readOnly))
        try await withServer(ServeRouter.router(service: service, storePath: path)) { base in
            let before = try await Self.page(base, "/api/runs/r1/conversations")
            #expect(before["total"] as? Int == 7)
            let boardBefore = try await Self.page(base, "/api/leaderboards")
            let rowsBefore = (boardBefore["boards"] as? [[String: Any]] ?? []).flatMap { $0["rows"] as? [[String: Any]] ?? [] }
            #expect(rowsBefore.reduce(0) { $0 + ($1["conversations"] as? Int ?? 0) } == 14)
            let writer = try ResultStore(path: path)
            let id = try writer.save(BrowserTestStore.result(runID: "r1", row: .init(task: "t8", score: 1), agent: "openai/agent-a"))
            try BrowserTestStore.addRun(writer, id: "r3", rows: [.init(task: "t1", score: 1)])
            let after = try await Self.page(base, "/api/runs/r1/conversations?sort=id&order=desc&limit=1")
            #expect(after["total"] as? Int == 8)
            #expect(Self.ids(after) == [id])
            let runs = try await Self.page(base, "/api/runs")
            #expect((runs["runs"] as? [[String: Any]])?.count == 3)
            #expect(try await Self.page(base, "/api/conversations/\(id)")["seed"] as? Int == 1)
            // The leaderboard notices the new rows (r1's extra task makes its own profile, r3 another):
            // the first request after the write starts the recompute and answers with the last board,
            // marked stale (BrowserLeaderboardRefreshTests holds that recompute to check it); once it
            // finished, the new board.
            #expect(try await Self.page(base, "/api/leaderboards")["stale"] as? Bool == true)
            await service.leaderboardCache.settle()
            let board = try await Self.page(base, "/api/leaderboards")
            #expect(board["stale"] as? Bool == false)
            let rows = (board["boards"] as? [[String: Any]] ?? []).flatMap { $0["rows"] as? [[String: Any]] ?? [] }
            #expect(rows.reduce(0) { $0 + ($1["conversations"] as? Int ?? 0) } == 16)
        }
    }
}
