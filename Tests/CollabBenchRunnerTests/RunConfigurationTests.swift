import CollabBenchCore
import CollabBenchRunner
import Foundation
import Testing

/// The stored form of a run's configuration: its JSON and identity hash must read the same across
/// versions, or stored runs could no longer be resumed.
@Suite(.timeLimit(.minutes(5)))
struct RunConfigurationTests {
    /// A configuration with every setting fixed (the version too).
    static func configuration(itrScale: ITRScale = .threeLevel) throws -> RunConfiguration {
        RunConfiguration(
            name: "pinned", agent: try ModelSpec(parsing: "openai/agent@http://127.0.0.1:9/v1"), agentPreset: "base",
            userSimulator: try ModelSpec(parsing: "openai/user"), judge: try ModelSpec(parsing: "openai/judge"),
            conversation: ConversationSettings(maxExchanges: 6, agentSampling: Sampling(temperature: 0.6, topP: 0.9)),
            judgeSampling: Sampling(temperature: 0, maxTokens: 400), judgeMaxAttempts: 3, judgeStructuredOutput: true,
            itrScale: itrScale, seed: 42, limit: 5, concurrency: 8, metric: MetricSettings(),
            promptHashes: ["judge.interactivity": "abc123"],
            packName: "math", packVersion: "1", packHash: "packhash", collabbenchVersion: "0.0.0-pinned")
    }

    /// The JSON of ``configuration(itrScale:)`` as CollabBench has always written it.
    static let storedJSON =
        #"{"additionalJudges":[],"agent":{"baseURL":"http://127.0.0.1:9/v1","model":"agent","provider":"openai"},"agentPreset":"base","collabbenchVersion":"0.0.0-pinned","concurrency":8,"conversation":{"agentSampling":{"temperature":0.6,"top_p":0.9},"maxExchanges":6,"simulatorSampling":{"max_tokens":512,"temperature":1,"top_p":1},"structuredOutput":true,"terminationMarker":"[[TERMINATE CHAT]]"},"extractor":"deterministic","itrScale":"three-level","judge":{"model":"judge","provider":"openai"},"judgeMaxAttempts":3,"judgeRepeats":1,"judgeSampling":{"max_tokens":400,"temperature":0},"judgeStructuredOutput":true,"judgedAccuracy":false,"limit":5,"metric":{"bleu_mode":"char","code_timeout_seconds":60,"token_encoding":"cl100k_base"},"name":"pinned","packHash":"packhash","packName":"math","packVersion":"1","promptHashes":{"judge.interactivity":"abc123"},"protocolName":"default","seed":42,"trials":1,"userSimulator":{"model":"user","provider":"openai"}}"#
    /// SHA-256 of that JSON with `"concurrency":0` (the identity leaves concurrency out).
    static let storedIdentityHash = "9f9d15e291aaab532684f86beb1161c9959a9598f2acac3bdf3dd6490293a775"

    @Test func theStoredJSONAndIdentityHashDoNotChange() throws {
        let configuration = try Self.configuration()
        #expect(try configuration.json() == Self.storedJSON)
        #expect(try configuration.identityHash() == Self.storedIdentityHash)
        #expect(try configuration.json().contains(#""itrScale":"three-level""#))
    }

    @Test func aStoredConfigurationReadsBackToTheSameIdentity() throws {
        let decoded = try JSONDecoder().decode(RunConfiguration.self, from: Data(Self.storedJSON.utf8))
        #expect(decoded.itrScale == .threeLevel)
        #expect(try decoded.json() == Self.storedJSON)
        #expect(try decoded.identityHash() == Self.storedIdentityHash)
    }

    @Test func theUnitScaleIsStoredAsUnit() throws {
        let json = try Self.configuration(itrScale: .unit).json()
        #expect(json.contains(#""itrScale":"unit""#))
        #expect(json == Self.storedJSON.replacingOccurrences(of: #""itrScale":"three-level""#, with: #""itrScale":"unit""#))
    }

    @Test func configurationDifferencesAreNamedPathByPath() {
        let long = String(repeating: "You are a helpful assistant. ", count: 4)
        let old =
            #"{"seed":42,"conversation":{"maxExchanges":6,"agentSampling":{"temperature":0.6,"top_p":0.9}},"judge":{"provider":"openai","model":"a"},"prompt":"\#(long)","tags":[1,2],"gone":true,"empty":{}}"#
        let new =
            #"{"seed":7,"conversation":{"maxExchanges":6,"agentSampling":{"temperature":0.8,"top_p":0.9}},"judge":{"provider":"openai","model":"b"},"prompt":"short","tags":[1,3],"added":null,"empty":{}}"#
        #expect(
            ConfigurationDiff.differences(old: old, new: new) == [
                "added: (none) → null",
                "conversation.agentSampling.temperature: 0.6 → 0.8",
                "gone: true → (none)",
                "judge.model: a → b",
                "prompt: You are a he…(sha256 823f639e) → short",
                "seed: 42 → 7",
                "tags: [1,2] → [1,3]",
            ])
        #expect(ConfigurationDiff.differences(old: old, new: old).isEmpty)
        #expect(ConfigurationDiff.differences(old: "not json", new: #"{"a":1}"#) == [": null → (none)", "a: (none) → 1"])
    }
}
