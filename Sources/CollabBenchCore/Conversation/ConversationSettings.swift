/// How conversations are run. Every field is part of a run's pinned configuration.
public struct ConversationSettings: Sendable, Codable, Hashable {
    /// Maximum user/assistant exchanges.
    public var maxExchanges: Int
    /// The literal that ends a conversation when a message contains it.
    public var terminationMarker: String
    /// Sampling of the simulated user (paper: temperature 1.0, top_p 1.0).
    public var simulatorSampling: Sampling
    /// Sampling of the agent under test.
    public var agentSampling: Sampling
    /// The agent's system prompt, or nil for none (the `base` preset).
    public var agentSystemPrompt: String?
    /// Ask the simulator for JSON through `response_format` (structured output).
    public var structuredOutput: Bool

    /// The paper's marker.
    public static let paperTerminationMarker = "[[TERMINATE CHAT]]"

    /// Creates settings.
    public init(
        maxExchanges: Int, terminationMarker: String = paperTerminationMarker,
        simulatorSampling: Sampling = .init(temperature: 1.0, topP: 1.0, maxTokens: 512),
        agentSampling: Sampling, agentSystemPrompt: String? = nil, structuredOutput: Bool = true
    ) {
        self.maxExchanges = maxExchanges
        self.terminationMarker = terminationMarker
        self.simulatorSampling = simulatorSampling
        self.agentSampling = agentSampling
        self.agentSystemPrompt = agentSystemPrompt
        self.structuredOutput = structuredOutput
    }
}
