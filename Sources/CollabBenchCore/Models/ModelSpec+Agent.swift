import Foundation

extension ModelSpec {
    /// The model name of an agent given as a bare URL without `--agent-name`.
    public static let defaultAgentName = "agent"

    /// Parses the `--agent` option: either a model spec (`provider/model[@base_url]`) or the bare
    /// base URL of any service speaking OpenAI Chat Completions (`http://host:port/v1`).
    ///
    /// A bare URL becomes provider `openai` with that base URL and the model name `name` (sent as
    /// `model` in each request; default ``defaultAgentName``), e.g. `http://127.0.0.1:9000/v1`
    /// with name `my-agent` → `openai/my-agent@http://127.0.0.1:9000/v1`. The URL is used as
    /// given, up to and including its version path (`/v1`), trailing slashes removed; it may not
    /// carry credentials (the key comes from `OPENAI_API_KEY`), a query or a fragment, and its
    /// port (if any) is from 1 to 65535.
    /// - Parameters:
    ///   - text: The option's value.
    ///   - name: The `--agent-name` value, for a bare URL only.
    /// - Throws: ``CollabBenchError`` with code `.invalidModelSpec` for a malformed URL or name, or
    ///   a name given with a provider spec (whose model name is part of the spec).
    public static func agentSpec(parsing text: String, name: String? = nil) throws -> ModelSpec {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let lower = trimmed.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
            if let name {
                throw CollabBenchError(
                    .invalidModelSpec,
                    "agent '\(text)': --agent-name '\(name)' applies only to an agent given as a URL; a model spec names its model itself")
            }
            return try ModelSpec(parsing: trimmed)
        }
        let url: CheckedBaseURL
        do {
            url = try checkedBaseURL(trimmed)
        } catch let problem as BaseURLProblem {
            throw CollabBenchError(.invalidModelSpec, "agent URL '\(masked(text))' is not a valid http(s) URL: \(problem.reason)")
        }
        guard url.credential == nil, masked(trimmed) == trimmed else {
            // The text is not echoed: it holds a secret.
            throw CollabBenchError(.invalidModelSpec, "agent URL for host \(url.host) must not contain credentials; set OPENAI_API_KEY instead")
        }
        let model = (name ?? defaultAgentName).trimmingCharacters(in: .whitespaces)
        guard !model.isEmpty, !model.contains("@"), !model.contains(where: \.isWhitespace) else {
            throw CollabBenchError(.invalidModelSpec, "agent name '\(name ?? "")' must be non-empty, without spaces or '@'")
        }
        return ModelSpec(provider: "openai", model: model, baseURL: url.base)
    }

    /// Whether `text` is a bare agent URL (`http://…` or `https://…`) rather than a model spec.
    public static func isAgentURL(_ text: String) -> Bool {
        let lower = text.trimmingCharacters(in: .whitespaces).lowercased()
        return lower.hasPrefix("http://") || lower.hasPrefix("https://")
    }
}
