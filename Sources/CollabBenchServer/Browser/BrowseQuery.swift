import CollabBenchCore
import Foundation
import CollabBenchStore
import Hummingbird

/// A query parameter with a value the browser cannot use (a 400 naming the parameter).
public struct BrowseQueryError: Error, Sendable, Equatable {
    /// The parameter's name.
    public var parameter: String
    /// What is wrong with it.
    public var message: String

    /// The error of `parameter`.
    public init(_ parameter: String, _ message: String) {
        self.parameter = parameter
        self.message = message
    }

    /// The one-line text of the error body.
    public var text: String { "query parameter '\(parameter)': \(message)" }
}

/// Reads the query of a conversation table (`offset`, `limit`, `sort`, `order`, `status`,
/// `failure`, `min_score`, `max_score`, `persona`, `gate`) into a page request. Empty values mean
/// "not given" (an HTML form sends every field); a `limit` above the maximum is capped.
enum BrowseQuery {
    /// The parameters a conversation table understands, as the OpenAPI document lists them.
    static let parameters = ["offset", "limit", "sort", "order", "status", "failure", "min_score", "max_score", "persona", "gate"]

    /// Default rows per page.
    static let defaultLimit = 50

    /// The page request of run `runID` from `query`.
    /// - Throws: ``BrowseQueryError`` naming the first unusable parameter.
    static func pageRequest(runID: String, query: [String: String]) throws -> ConversationPageRequest {
        func value(_ name: String) -> String? {
            guard let v = query[name], !v.isEmpty else { return nil }
            return v
        }
        var offset = 0
        if let text = value("offset") {
            guard let n = Int(text), n >= 0 else { throw BrowseQueryError("offset", "must be a whole number of at least 0") }
            offset = n
        }
        var limit = defaultLimit
        if let text = value("limit") {
            guard let n = Int(text), n >= 1 else {
                throw BrowseQueryError("limit", "must be a whole number from 1 to \(ResultStore.maximumPageSize)")
            }
            limit = min(n, ResultStore.maximumPageSize)
        }
        var sort = ConversationSort.id
        if let text = value("sort") {
            guard let s = ConversationSort(rawValue: text) else {
                throw BrowseQueryError("sort", "must be one of \(ConversationSort.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            sort = s
        }
        var descending = false
        if let text = value("order") {
            switch text {
            case "asc": descending = false
            case "desc": descending = true
            default: throw BrowseQueryError("order", "must be asc or desc")
            }
        }
        var filter = ConversationFilter()
        if let text = value("status") {
            guard let s = ConversationStatus(rawValue: text) else {
                throw BrowseQueryError("status", "must be one of \(ConversationStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter.status = s
        }
        filter.failure = value("failure")
        filter.minScore = try score("min_score", value("min_score"))
        filter.maxScore = try score("max_score", value("max_score"))
        filter.persona = value("persona")
        if let text = value("gate") {
            switch text {
            case "flagged": filter.gateFlagged = true
            case "unflagged": filter.gateFlagged = false
            default: throw BrowseQueryError("gate", "must be flagged or unflagged")
            }
        }
        return ConversationPageRequest(runID: runID, offset: offset, limit: limit, sort: sort, descending: descending, filter: filter)
    }

    private static func score(_ name: String, _ text: String?) throws -> Double? {
        guard let text else { return nil }
        guard let v = Double(text), v.isFinite else { throw BrowseQueryError(name, "must be a finite number") }
        return v
    }

    /// The query of `request` as URL query text (for links to other pages and sort orders),
    /// leaving out defaults.
    static func queryText(_ request: ConversationPageRequest, offset: Int? = nil, sort: ConversationSort? = nil, descending: Bool? = nil) -> String {
        var items: [(String, String)] = []
        let offset = offset ?? request.offset
        if offset > 0 { items.append(("offset", String(offset))) }
        if request.limit != defaultLimit { items.append(("limit", String(request.limit))) }
        let sort = sort ?? request.sort
        if sort != .id { items.append(("sort", sort.rawValue)) }
        if descending ?? request.descending { items.append(("order", "desc")) }
        let f = request.filter
        if let s = f.status { items.append(("status", s.rawValue)) }
        if let s = f.failure { items.append(("failure", s)) }
        if let s = f.minScore { items.append(("min_score", String(s))) }
        if let s = f.maxScore { items.append(("max_score", String(s))) }
        if let s = f.persona { items.append(("persona", s)) }
        if let g = f.gateFlagged { items.append(("gate", g ? "flagged" : "unflagged")) }
        return items.map { "\($0.0)=\(percentEncoded($0.1))" }.joined(separator: "&")
    }

    /// `text` percent-encoded for a query value.
    static func percentEncoded(_ text: String) -> String {
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)
        var out = ""
        for byte in text.utf8 {
            if allowed.contains(byte) { out.append(Character(Unicode.Scalar(byte))) } else { out += String(format: "%%%02X", byte) }
        }
        return out
    }
}

extension Request {
    /// The query's parameters (the last value of a repeated name wins).
    var queryDictionary: [String: String] {
        var result: [String: String] = [:]
        for (name, value) in uri.queryParameters { result[String(name)] = String(value) }
        return result
    }
}
