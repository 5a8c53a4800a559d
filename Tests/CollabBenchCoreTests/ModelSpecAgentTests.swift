import CollabBenchCore
import Testing

@Suite(.timeLimit(.minutes(5)))
struct ModelSpecAgentTests {
    @Test func bareURLBecomesAnOpenAICompatibleAgent() throws {
        let spec = try ModelSpec.agentSpec(parsing: "http://127.0.0.1:9000/v1/")
        #expect(spec == ModelSpec(provider: "openai", model: "agent", baseURL: "http://127.0.0.1:9000/v1"))
        let named = try ModelSpec.agentSpec(parsing: " https://agents.example.com/v1 ", name: "my-agent")
        #expect(named.description == "openai/my-agent@https://agents.example.com/v1")
        // The description parses back to the same spec.
        #expect(try ModelSpec(parsing: named.description) == named)
        #expect(ModelSpec.isAgentURL("HTTP://host/v1") && !ModelSpec.isAgentURL("openai/gpt-4o"))
    }

    @Test func modelSpecsPassThroughTheUsualParser() throws {
        #expect(try ModelSpec.agentSpec(parsing: "openai/gpt-4o-mini") == ModelSpec(provider: "openai", model: "gpt-4o-mini"))
        #expect(try ModelSpec.agentSpec(parsing: "anthropic/claude-sonnet-4-5").provider == "anthropic")
        #expect(throws: CollabBenchError.self) { try ModelSpec.agentSpec(parsing: "nosuch/model") }
    }

    @Test(arguments: [
        ("http://user:secret@host/v1", nil as String?, "credentials"),
        ("http://host/v1?key=1", nil, "query"),
        ("http:///v1", nil, "valid"),
        ("http://host/v1", "bad name", "name"),
        ("http://host/v1", "a@b", "name"),
        ("http://host/v1", "", "name"),
        ("openai/gpt-4o", "renamed", "--agent-name"),
    ])
    func rejectsWhatCannotBeAnAgent(text: String, name: String?, mentions: String) {
        #expect {
            try ModelSpec.agentSpec(parsing: text, name: name)
        } throws: { error in
            (error as? CollabBenchError)?.code == .invalidModelSpec && "\(error)".contains(mentions)
        }
    }
}
