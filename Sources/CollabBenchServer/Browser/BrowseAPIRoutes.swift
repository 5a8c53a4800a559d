import CollabBenchReports
import CollabBenchStore
import Hummingbird

/// The results browser's JSON API under `/api/` (described by ``BrowseOpenAPI``): runs, a run,
/// its conversations page by page, one conversation, the leaderboards and a comparison. Unknown
/// ids answer 404 and unusable query values 400, each as `{"error": "…"}`.
enum BrowseAPIRoutes {
    /// Registers the API routes on `router`.
    static func register<Context: RequestContext>(_ service: BrowseService, on router: Router<Context>) {
        router.get("/api/openapi.json") { _, _ in
            HTTPResponses.bytes(BrowseOpenAPI.document, contentType: "application/json; charset=utf-8")
        }
        router.get("/api/runs") { _, _ in
            try HTTPResponses.json(RunList(runs: try await service.runOverviews()))
        }
        router.get("/api/runs/:id") { _, context in
            let id = try context.parameters.require("id")
            guard let detail = try await service.runDetail(id: id) else { return notFoundRun(id) }
            return try HTTPResponses.json(detail)
        }
        router.get("/api/runs/:id/conversations") { request, context in
            let id = try context.parameters.require("id")
            let pageRequest: ConversationPageRequest
            do {
                pageRequest = try BrowseQuery.pageRequest(runID: id, query: request.queryDictionary)
            } catch let error as BrowseQueryError {
                return HTTPResponses.jsonError(error.text, status: .badRequest)
            }
            guard let page = try await service.conversationPage(pageRequest) else { return notFoundRun(id) }
            return try HTTPResponses.json(page)
        }
        router.get("/api/conversations/:id") { _, context in
            let text = try context.parameters.require("id")
            guard let id = Int64(text), let detail = try await service.store.conversationDetail(id: id) else {
                return HTTPResponses.jsonError("no conversation '\(text)'", status: .notFound)
            }
            return try HTTPResponses.json(detail)
        }
        router.get("/api/leaderboards") { _, _ in
            try HTTPResponses.json(LeaderboardBody(try await service.leaderboards()))
        }
        router.get("/api/compare") { request, _ in
            let query = request.queryDictionary
            guard let a = query["a"], !a.isEmpty else { return HTTPResponses.jsonError(BrowseQueryError("a", "is required (a run id or name)").text, status: .badRequest) }
            guard let b = query["b"], !b.isEmpty else { return HTTPResponses.jsonError(BrowseQueryError("b", "is required (a run id or name)").text, status: .badRequest) }
            switch try await service.compare(a: a, b: b) {
            case .success(let comparison): return try HTTPResponses.json(comparison)
            case .failure(let missing): return HTTPResponses.jsonError(missing.message, status: .notFound)
            }
        }
    }

    static func notFoundRun(_ id: String) -> Response {
        HTTPResponses.jsonError("no run '\(id)'", status: .notFound)
    }
}

/// The body of `GET /api/runs`.
struct RunList: Encodable {
    var runs: [RunOverview]
}

/// The body of `GET /api/leaderboards`: the report's own fields, plus `computedAt` (ISO 8601, when
/// the board was computed) and `stale` (the store changed since; a newer board is being computed).
struct LeaderboardBody: Encodable {
    var answer: LeaderboardCache.Answer

    init(_ answer: LeaderboardCache.Answer) { self.answer = answer }

    enum Keys: String, CodingKey { case computedAt, stale }

    func encode(to encoder: any Encoder) throws {
        try answer.snapshot.report.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(BrowsePages.timestamp(answer.snapshot.computedAt), forKey: .computedAt)
        try container.encode(answer.stale, forKey: .stale)
    }
}
