import CollabBenchCore

/// Imports articles for document creation from records with `title` and `text` (JSON Lines or
/// CSV), and optionally `id` and a truncation flag (`ends_with_ellipsis` or `truncated`).
///
/// As in the paper's MediumDocEdit-Chat, the single-turn prompt is *Write an article in less than
/// 500 words about: TITLE*; the simulated user's hidden intent is that line plus the full target
/// article; the reference is the article.
///
/// A record without an `id` gets `row-N`, N its position among the file's records.
///
/// ```swift
/// let importer = ArticleImporter(maxTokens: 512, dropTruncated: true, countTokens: { cl100k.count($0) })
/// ```
public struct ArticleImporter: DatasetImporter {
    /// Counts the tokens of a text (cl100k_base for the paper's 512-token limit).
    public typealias TokenCounter = @Sendable (String) -> Int

    /// Keep only articles whose text has at most this many tokens, when set.
    public var maxTokens: Int?
    /// Leave out records flagged as truncated (`ends_with_ellipsis: true` or `truncated: true`).
    public var dropTruncated: Bool
    /// Counts tokens for ``maxTokens``.
    public var countTokens: TokenCounter?
    /// The encoding `countTokens` implements, recorded with the filter.
    public var tokenEncoding: String

    /// Fields that flag a truncated record, in the order they are looked for.
    public static let truncationFields = ["ends_with_ellipsis", "truncated"]

    /// Creates an article importer.
    /// - Parameters:
    ///   - maxTokens: the token limit, or nil for none; needs `countTokens`.
    ///   - dropTruncated: whether to leave out records flagged as truncated.
    ///   - countTokens: the token counter used for `maxTokens`.
    ///   - tokenEncoding: the name of the counter's encoding, recorded in the pack.
    public init(
        maxTokens: Int? = nil, dropTruncated: Bool = false, countTokens: TokenCounter? = nil,
        tokenEncoding: String = "cl100k_base"
    ) {
        precondition(maxTokens == nil || countTokens != nil, "ArticleImporter: maxTokens needs a token counter")
        self.maxTokens = maxTokens
        self.dropTruncated = dropTruncated
        self.countTokens = countTokens
        self.tokenEncoding = tokenEncoding
    }

    public var kind: TaskKind { .docs }
    public var datasetName: String { "articles" }

    public var filters: [String: String] {
        var f: [String: String] = [:]
        if let maxTokens { f["max_tokens"] = "\(maxTokens) (\(tokenEncoding))" }
        if dropTruncated { f["drop_truncated"] = "true" }
        return f
    }

    public var rowsDescription: String {
        var words = ["Articles"]
        if let maxTokens { words.append("of at most \(maxTokens) \(tokenEncoding) tokens") }
        if dropTruncated { words.append(maxTokens == nil ? "not truncated" : "and not truncated") }
        return words.joined(separator: " ")
    }

    /// The single-turn request for an article titled `title`.
    public static func prompt(title: String) -> String {
        "Write an article in less than 500 words about: \(title)"
    }

    /// What the simulated user is told: the request and the article it has in mind.
    public static func hiddenIntent(title: String, article: String) -> String {
        prompt(title: title) + "\n\nThe article you have in mind:\n" + article
    }

    public func decide(_ record: DatasetRecord) throws(PackImportError) -> RecordDecision {
        let id = try record.optionalString("id").map { $0.trimmingWhitespace() }.flatMap { $0.isEmpty ? nil : $0 }
            ?? "row-\(record.index)"
        let title = try record.string("title").trimmingWhitespace()
        let text = try record.string("text")
        var truncated = false
        for field in Self.truncationFields {
            if let flag = try record.flag(field) {
                truncated = flag
                break
            }
        }
        if dropTruncated && truncated { return .filteredOut }
        var metadata = ["source": "articles", "title": title]
        if let maxTokens, let countTokens {
            let tokens = countTokens(text)
            if tokens > maxTokens { return .filteredOut }
            metadata["tokens"] = String(tokens)
        }
        return .keep(
            BenchmarkTask(
                id: id, prompt: Self.prompt(title: title),
                hiddenIntent: Self.hiddenIntent(title: title, article: text),
                reference: TaskReference(text: text), metadata: metadata))
    }
}
