/// The call-and-read loop every judge shares: ask the model (with a JSON schema when structured
/// output is on), read the reply, and ask again with a new seed while it cannot be read, up to
/// `maxAttempts` calls. Every call is recorded; unreadable ones are flagged.
struct JudgeCallLoop: Sendable {
    var model: any ChatModel
    var sampling: Sampling
    var responseFormat: ResponseFormat?
    var maxAttempts: Int

    /// How the loop ended.
    enum Outcome<Value> {
        /// A readable reply, its value, and every call made (the last one is the readable one).
        case read(Value, calls: [CallRecord])
        /// No reply could be read in `maxAttempts` calls.
        case unreadable(calls: [CallRecord])
        /// A call failed after the client's retries.
        case failed(any Error, calls: [CallRecord])
    }

    /// Runs the loop for `messages`; call seeds derive from `seed`, `seedKey` and the attempt number.
    /// - Throws: run-wide errors (cancellation, a refused key); other call failures end as `.failed`.
    func run<Value>(messages: [ChatMessage], seed: Int, seedKey: String, read: (String) -> Value?) async throws -> Outcome<Value> {
        var calls: [CallRecord] = []
        let requestHash = ConversationEngine.hash(messages)
        for attempt in 0..<maxAttempts {
            let callSeed = StableHash.derivedSeed(seed, seedKey, String(attempt))
            let request = ChatRequest(messages: messages, sampling: sampling, seed: callSeed, responseFormat: responseFormat)
            let completion: ChatCompletion
            do {
                completion = try await model.complete(request)
            } catch {
                try ConversationEngine.rethrowIfRunWide(error)
                return .failed(error, calls: calls)
            }
            var call = CallRecord(model: model.spec.description, completion: completion, seed: callSeed, requestHash: requestHash)
            if let value = read(completion.text) {
                calls.append(call)
                return .read(value, calls: calls)
            }
            call.formatError = true
            calls.append(call)
        }
        return .unreadable(calls: calls)
    }
}
