/// A gate for tests: work that reaches it waits until the test opens it; once open, everything
/// passes. Lets a test hold a scripted server's reply half-way (``ScriptedResponse/rest``) until
/// it saw the first half arrive — without sleeping.
///
/// ```swift
/// let gate = TestGate()
/// let server = try await LoopbackOpenAIServer.start(replies: [
///     .chatStream(["Hel"], heldUntil: { await gate.pass() }, then: ["lo"])])
/// // … once the first piece arrived:
/// await gate.open()
/// ```
public actor TestGate {
    private var isOpen = false
    private var held: [CheckedContinuation<Void, Never>] = []
    /// How many times work reached the gate.
    public private(set) var arrivals = 0

    /// Creates a closed gate.
    public init() {}

    /// Waits until the gate is open.
    public func pass() async {
        arrivals += 1
        if isOpen { return }
        await withCheckedContinuation { held.append($0) }
    }

    /// Opens the gate for everything held and everything after.
    public func open() {
        isOpen = true
        for continuation in held { continuation.resume() }
        held = []
    }
}
