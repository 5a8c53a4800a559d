/// A gate for reward tests: work that reaches it is counted (``arrivals``) and held until the
/// test opens the gate; once open, everything passes. Lets a test know that a request is being
/// scored — without sleeping — before it disconnects or sends the next one.
actor RewardTestGate {
    private var open = false
    private var held: [CheckedContinuation<Void, Never>] = []
    private let arrivalStream: AsyncStream<Int>
    private let arrivalContinuation: AsyncStream<Int>.Continuation
    private var count = 0

    init() {
        (arrivalStream, arrivalContinuation) = AsyncStream.makeStream(of: Int.self)
    }

    /// Every arrival's number (1, 2, …), in order.
    nonisolated var arrivals: AsyncStream<Int> { arrivalStream }

    /// Waits until the gate is open.
    func pass() async {
        count += 1
        arrivalContinuation.yield(count)
        if open { return }
        await withCheckedContinuation { held.append($0) }
    }

    /// Ends ``arrivals`` (a waiting test goes on when the work it waits for finished without
    /// reaching the gate, and its expectations fail instead of hanging).
    func endArrivals() {
        arrivalContinuation.finish()
    }

    /// Opens the gate for everything held and everything after.
    func openGate() {
        open = true
        for continuation in held { continuation.resume() }
        held = []
    }
}

extension AsyncStream {
    /// The next element, or nil when the stream finished.
    func first() async -> Element? {
        var iterator = makeAsyncIterator()
        return await iterator.next()
    }
}
