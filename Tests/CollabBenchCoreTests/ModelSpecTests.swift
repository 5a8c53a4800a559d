import CollabBenchCore
import Testing

@Suite(.timeLimit(.minutes(5)))
struct ModelSpecTests {
    @Test func parsesProviderModelAndBaseURL() throws {
        let spec = try ModelSpec(parsing: "openai/smollm2@http://127.0.0.1:8080/v1/")
        #expect(spec.provider == "openai")
        #expect(spec.model == "smollm2")
        #expect(spec.baseURL == "http://127.0.0.1:8080/v1")
        #expect(spec.description == "openai/smollm2@http://127.0.0.1:8080/v1")
    }

    @Test func modelNamesMayContainSlashes() throws {
        let spec = try ModelSpec(parsing: "openai/meta-llama/Llama-3.1-8B@https://host/v1")
        #expect(spec.model == "meta-llama/Llama-3.1-8B")
    }

    @Test(arguments: ["gpt-4o", "openai/", "/gpt", "openai/x@ftp://host", "acme/model"])
    func rejectsMalformedSpecs(_ text: String) {
        #expect(throws: CollabBenchError.self) { try ModelSpec(parsing: text) }
    }
}
