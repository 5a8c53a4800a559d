/// Sampling settings of a model call. `nil` leaves the server's default in place.
public struct Sampling: Sendable, Codable, Hashable {
    /// Softmax temperature.
    public var temperature: Double?
    /// Nucleus sampling mass.
    public var topP: Double?
    /// Upper bound on generated tokens.
    public var maxTokens: Int?

    /// Creates sampling settings.
    public init(temperature: Double? = nil, topP: Double? = nil, maxTokens: Int? = nil) {
        self.temperature = temperature
        self.topP = topP
        self.maxTokens = maxTokens
    }

    enum CodingKeys: String, CodingKey {
        case temperature, topP = "top_p", maxTokens = "max_tokens"
    }
}
