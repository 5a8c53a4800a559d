import CollabBenchCore
import Synchronization

/// An in-process ``ChatModel`` test double that answers from a script and records every request.
/// For tests of the engine and judges; HTTP behaviour is tested with ``LoopbackOpenAIServer``.
public final class ScriptedChatModel: ChatModel {
    public let spec: ModelSpec
    private let replies: Mutex<[Result<String, CollabBenchError>]>
    private let recorded = Mutex<[ChatRequest]>([])

    /// Creates a model answering `replies` in order; the last one repeats.
    public init(name: String = "scripted", replies: [String]) {
        self.spec = ModelSpec(provider: "openai", model: name, baseURL: "http://127.0.0.1:1/v1")
        self.replies = Mutex(replies.map { .success($0) })
    }

    /// Creates a model answering with results (a failure is thrown).
    public init(name: String = "scripted", results: [Result<String, CollabBenchError>]) {
        self.spec = ModelSpec(provider: "openai", model: name, baseURL: "http://127.0.0.1:1/v1")
        self.replies = Mutex(results)
    }

    /// Every request received, in order.
    public var requests: [ChatRequest] { recorded.withLock { $0 } }

    public func complete(_ request: ChatRequest) async throws -> ChatCompletion {
        recorded.withLock { $0.append(request) }
        let next = replies.withLock { r -> Result<String, CollabBenchError> in
            r.count > 1 ? r.removeFirst() : (r.first ?? .success(""))
        }
        let text = try next.get()
        return ChatCompletion(text: text, finishReason: "stop", usage: TokenUsage(promptTokens: 1, completionTokens: 1))
    }
}
