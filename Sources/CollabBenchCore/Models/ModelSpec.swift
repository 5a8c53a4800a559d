import Foundation

/// A model named on the command line as `provider/model[@base_url]`.
///
/// Examples: `openai/gpt-4o-mini`, `openai/smollm2@http://127.0.0.1:8080/v1`,
/// `anthropic/claude-sonnet-4-5`. API keys come from the provider's usual environment variable.
/// A base URL carrying credentials (`http://user:key@host/v1`) is accepted, but the credentials
/// are taken out of the spec when it is parsed: ``baseURL``, ``description``, the stored run
/// configuration and every printed line show the URL without them. They are kept, in memory only,
/// as ``urlCredential`` (the password, else the user name), ``hasURLCredentials`` says that they
/// were given, and the model client sends them as the API key (instead of the environment's).
public struct ModelSpec: Sendable, Codable, Hashable, CustomStringConvertible {
    /// The API family (`openai` for any OpenAI-compatible server, `anthropic` for Anthropic's
    /// Messages API).
    public var provider: String
    /// The model name sent to the server.
    public var model: String
    /// The server's base URL (for `openai`, up to and including `/v1`; for `anthropic`, with or
    /// without `/v1`), without credentials, or nil for the provider default.
    public var baseURL: String?
    /// The secret given in the base URL's user info (its password, else its user name), if any.
    /// Never encoded, printed or compared: two specs that differ only in it are equal.
    public var urlCredential: String?

    /// Creates a spec.
    public init(provider: String, model: String, baseURL: String? = nil) {
        self.provider = provider
        self.model = model
        self.baseURL = baseURL
    }

    /// Whether the base URL was given with credentials (which ``baseURL`` no longer holds).
    public var hasURLCredentials: Bool { urlCredential != nil }

    /// Providers this build can talk to.
    public static let knownProviders: Set<String> = ["openai", "anthropic"]

    /// Parses `provider/model[@base_url]`.
    ///
    /// The base URL must be `http` or `https` with a host, a port (if any) from 1 to 65535, and no
    /// query or fragment; trailing slashes are removed, and credentials in it are moved to
    /// ``urlCredential``.
    /// - Throws: ``CollabBenchError`` with code `.invalidModelSpec` when the text is not of that
    ///   form; the message names the spec (with any credentials masked).
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let shown = Self.masked(trimmed)
        var head = Substring(trimmed)
        var base: String?
        var credential: String?
        if let at = trimmed.firstIndex(of: "@") {
            head = trimmed[..<at]
            let url: CheckedBaseURL
            do {
                url = try Self.checkedBaseURL(String(trimmed[trimmed.index(after: at)...]))
            } catch let problem as BaseURLProblem {
                throw CollabBenchError(.invalidModelSpec, "model spec '\(shown)': \(problem.reason)")
            }
            base = url.base
            credential = url.credential
        }
        guard let slash = head.firstIndex(of: "/") else {
            throw CollabBenchError(.invalidModelSpec, "model spec '\(shown)' must look like provider/model[@base_url], e.g. openai/gpt-4o-mini")
        }
        let provider = String(head[..<slash]).lowercased()
        let model = String(head[head.index(after: slash)...])
        guard !provider.isEmpty, !model.isEmpty else {
            throw CollabBenchError(.invalidModelSpec, "model spec '\(shown)' must look like provider/model[@base_url]")
        }
        guard Self.knownProviders.contains(provider) else {
            throw CollabBenchError(
                .invalidModelSpec,
                "model spec '\(shown)': unknown provider '\(provider)' (known: \(Self.knownProviders.sorted().joined(separator: ", ")))")
        }
        self.init(provider: provider, model: model, baseURL: base)
        urlCredential = credential
    }

    /// The spec as it is written on the command line (without credentials).
    public var description: String {
        baseURL.map { "\(provider)/\(model)@\($0)" } ?? "\(provider)/\(model)"
    }

    // MARK: - Codable, Hashable (without the credential)

    enum CodingKeys: String, CodingKey {
        case provider, model, baseURL
    }

    /// Equal when provider, model and base URL are; the credential is not compared.
    public static func == (lhs: ModelSpec, rhs: ModelSpec) -> Bool {
        lhs.provider == rhs.provider && lhs.model == rhs.model && lhs.baseURL == rhs.baseURL
    }

    /// Hashes provider, model and base URL.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(provider)
        hasher.combine(model)
        hasher.combine(baseURL)
    }
}

extension ModelSpec {
    /// A base URL that passed the checks: without trailing slashes and credentials.
    struct CheckedBaseURL {
        /// The URL without user info.
        var base: String
        /// Its host (as written, IPv6 addresses in brackets).
        var host: String
        /// The password of the user info, else its user name.
        var credential: String?
    }

    /// Why a base URL was refused.
    struct BaseURLProblem: Error {
        /// What is wrong, phrased to follow "model spec '…': ".
        var reason: String
    }

    /// Checks a base URL: `http`/`https`, a host, a port from 1 to 65535 if any, no query or
    /// fragment; moves credentials out of it.
    /// - Throws: ``BaseURLProblem`` saying what is wrong (never echoing credentials).
    static func checkedBaseURL(_ text: String) throws -> CheckedBaseURL {
        let fail = { (why: String) in BaseURLProblem(reason: why) }
        let lower = text.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
            throw fail("the part after '@' must be an http(s) URL, e.g. http://127.0.0.1:8080/v1")
        }
        let schemeEnd = text.range(of: "://")!.upperBound
        let scheme = String(lower[..<text.range(of: "://")!.lowerBound])
        let rest = text[schemeEnd...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        var path = String(rest[authorityEnd...])
        var credential: String?
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            authority = authority[authority.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                let password = String(userInfo[userInfo.index(after: colon)...])
                credential = password.isEmpty ? String(userInfo[..<colon]) : password
            } else {
                credential = String(userInfo)
            }
            credential = credential.flatMap { $0.removingPercentEncoding ?? $0 }.flatMap { $0.isEmpty ? nil : $0 }
        }
        guard !path.contains("?"), !path.contains("#") else {
            throw fail("the base URL must have no query or fragment, e.g. http://127.0.0.1:8080/v1")
        }
        // The host: a name, an IPv4 address or a bracketed IPv6 address, then an optional port.
        var host = Substring(authority)
        var port: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw fail("the IPv6 address in the base URL lacks its ']'") }
            host = authority[...close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw fail("unexpected text after the IPv6 address in the base URL") }
                port = after.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            port = authority[authority.index(after: colon)...]
        }
        guard !host.isEmpty, host != "[]" else { throw fail("the base URL has no host, e.g. http://127.0.0.1:8080/v1") }
        let hostAllowed = host.unicodeScalars.allSatisfy { scalar in
            CharacterSet.alphanumerics.contains(scalar) || "-._~%[]:".unicodeScalars.contains(scalar)
        }
        guard hostAllowed, !host.hasPrefix("-") else { throw fail("the base URL's host '\(host)' is not a host name or address") }
        if let port {
            guard !port.isEmpty, port.allSatisfy(\.isASCII), port.allSatisfy(\.isNumber), let number = Int(port), (1...65535).contains(number) else {
                throw fail("the base URL's port '\(port)' must be a number from 1 to 65535")
            }
        }
        while path.hasSuffix("/") { path.removeLast() }
        let base = "\(scheme)://\(host)\(port.map { ":\($0)" } ?? "")\(path)"
        return CheckedBaseURL(base: base, host: String(host), credential: credential)
    }

    /// `text` with the user info of any URL in it replaced by `***`, for error messages.
    public static func masked(_ text: String) -> String {
        guard let schemeEnd = text.range(of: "://") else { return text }
        let rest = text[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return text }
        return String(text[..<schemeEnd.upperBound]) + "***" + String(rest[at...])
    }
}
