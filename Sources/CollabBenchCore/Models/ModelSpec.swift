import Foundation

/// A model named on the command line as `provider/model[@base_url]`.
///
/// Examples: `openai/gpt-4o-mini`, `openai/smollm2@http://127.0.0.1:8080/v1`,
/// `anthropic/claude-sonnet-4-5`. API keys are never
/// part of a spec; they come from the provider's usual environment variable.
public struct ModelSpec: Sendable, Codable, Hashable, CustomStringConvertible {
    /// The API family (`openai` for any OpenAI-compatible server, `anthropic` for Anthropic's
    /// Messages API).
    public var provider: String
    /// The model name sent to the server.
    public var model: String
    /// The server's base URL (up to and including `/v1`), or nil for the provider default.
    public var baseURL: String?

    /// Creates a spec.
    public init(provider: String, model: String, baseURL: String? = nil) {
        self.provider = provider
        self.model = model
        self.baseURL = baseURL
    }

    /// Providers this build can talk to.
    public static let knownProviders: Set<String> = ["openai", "anthropic"]

    /// Parses `provider/model[@base_url]`.
    /// - Throws: ``CollabBenchError`` with code `.invalidModelSpec` when the text is not of that form.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var head = Substring(trimmed)
        var base: String?
        if let at = trimmed.firstIndex(of: "@") {
            head = trimmed[..<at]
            base = String(trimmed[trimmed.index(after: at)...])
            guard let b = base, b.hasPrefix("http://") || b.hasPrefix("https://") else {
                throw CollabBenchError(.invalidModelSpec, "model spec '\(text)': the part after '@' must be an http(s) URL")
            }
            while base?.hasSuffix("/") == true { base?.removeLast() }
        }
        guard let slash = head.firstIndex(of: "/") else {
            throw CollabBenchError(.invalidModelSpec, "model spec '\(text)' must look like provider/model[@base_url], e.g. openai/gpt-4o-mini")
        }
        let provider = String(head[..<slash]).lowercased()
        let model = String(head[head.index(after: slash)...])
        guard !provider.isEmpty, !model.isEmpty else {
            throw CollabBenchError(.invalidModelSpec, "model spec '\(text)' must look like provider/model[@base_url]")
        }
        guard Self.knownProviders.contains(provider) else {
            throw CollabBenchError(
                .invalidModelSpec,
                "model spec '\(text)': unknown provider '\(provider)' (known: \(Self.knownProviders.sorted().joined(separator: ", ")))")
        }
        self.init(provider: provider, model: model, baseURL: base)
    }

    /// The spec as it is written on the command line.
    public var description: String {
        baseURL.map { "\(provider)/\(model)@\($0)" } ?? "\(provider)/\(model)"
    }
}
