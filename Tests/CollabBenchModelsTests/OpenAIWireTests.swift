@testable import CollabBenchModels
import CollabBenchCore
import Foundation
import Testing

/// The hand-written request body reads back, through Foundation's JSON parser, as exactly the
/// request: every message byte for byte, sampling, seed, stream flag and response format.
@Suite(.timeLimit(.minutes(5)))
struct OpenAIWireTests {
    static let awkward = [
        "plain", "", "quote \" backslash \\ slash /", "new\nline\r\ttab", "\u{0}\u{1}\u{1F}\u{7F}", "line sep \u{2028} para \u{2029}",
        "emoji 👩‍👩‍👧 e\u{301} 中文 \u{10FFFF}", "{\"json\": [1, 2]}", String(repeating: "long ", count: 2000),
    ]

    func decode(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func messagesAndSamplingReadBackExactly() throws {
        let messages = Self.awkward.enumerated().map { ChatMessage(role: $0.offset % 2 == 0 ? .user : .assistant, content: $0.element) }
        let request = ChatRequest(messages: [ChatMessage(role: .system, content: "sys")] + messages, sampling: Sampling(temperature: 0.6, topP: 0.9, maxTokens: 256), seed: 12345)
        let body = try decode(try OpenAIWire.encode(request, model: "gpt-\"x\"", style: .jsonSchema))
        #expect(body["model"] as? String == "gpt-\"x\"")
        let sent = try #require(body["messages"] as? [[String: String]])
        #expect(sent.map { $0["content"] } == request.messages.map(\.content))
        #expect(sent.map { $0["role"] } == request.messages.map(\.role.rawValue))
        #expect(body["temperature"] as? Double == 0.6)
        #expect(body["top_p"] as? Double == 0.9)
        #expect(body["max_tokens"] as? Int == 256)
        #expect(body["seed"] as? Int == 12345)
        #expect(body["stream"] as? Bool == false)
        #expect(body["response_format"] == nil)
    }

    @Test func absentSettingsAreLeftOutAndStreamingAsksForUsage() throws {
        let request = ChatRequest(messages: [ChatMessage(role: .user, content: "hi")], sampling: Sampling(temperature: 1))
        let body = try decode(try OpenAIWire.encode(request, model: "m", style: .jsonSchema, stream: true))
        #expect(body["temperature"] as? Double == 1)
        #expect(body["top_p"] == nil && body["max_tokens"] == nil && body["seed"] == nil)
        #expect(body["stream"] as? Bool == true)
        #expect((body["stream_options"] as? [String: Bool])?["include_usage"] == true)
    }

    @Test func responseFormatInBothStylesKeepsTheSchemaAsWritten() throws {
        let schema = #"{"type":"object","properties":{"thought":{"type":"string"},"message":{"type":"string"}},"required":["thought","message"]}"#
        let request = ChatRequest(messages: [ChatMessage(role: .user, content: "hi")], responseFormat: ResponseFormat(name: "reply", schemaJSON: schema))
        let openAI = try OpenAIWire.encode(request, model: "m", style: .jsonSchema)
        #expect(String(decoding: openAI, as: UTF8.self).contains(#""schema":"# + schema))
        let format = try #require(try decode(openAI)["response_format"] as? [String: Any])
        #expect(format["type"] as? String == "json_schema")
        #expect((format["json_schema"] as? [String: Any])?["name"] as? String == "reply")
        let llama = try decode(try OpenAIWire.encode(request, model: "m", style: .jsonObjectWithSchema))
        #expect((llama["response_format"] as? [String: Any])?["type"] as? String == "json_object")
    }

    @Test func nonFiniteSamplingIsAnError() {
        let request = ChatRequest(messages: [ChatMessage(role: .user, content: "hi")], sampling: Sampling(temperature: .nan))
        #expect(throws: CollabBenchError.self) { try OpenAIWire.encode(request, model: "m", style: .jsonSchema) }
    }

    @Test func quotedTextRoundTripsForEveryAwkwardString() throws {
        for text in Self.awkward + (0..<0x80).map { String(UnicodeScalar(UInt8($0))) } {
            let quoted = JSONText.quote(text)
            let back = try JSONSerialization.jsonObject(with: Data("[\(quoted)]".utf8)) as? [String]
            #expect(back == [text], "\(quoted)")
            #expect(!quoted.unicodeScalars.contains { $0.value < 0x20 || $0 == "\u{2028}" || $0 == "\u{2029}" })
        }
    }
}
