/// A value computed once, on first use, by async work (e.g. a reference run several tests
/// share): the replacement for a lazy `static let` whose initialiser would block a thread.
///
/// ```swift
/// static let reference = AsyncOnce { try await TestProcess.run("/usr/bin/python3", ["ref.py"]) }
/// let output = try await Self.reference.value()
/// ```
public actor AsyncOnce<Value: Sendable> {
    private let make: @Sendable () async throws -> Value
    private var task: Task<Value, any Error>?

    /// Creates the holder; `make` runs on the first ``value()`` call.
    public init(_ make: @escaping @Sendable () async throws -> Value) {
        self.make = make
    }

    /// The value (or the error `make` threw), computed by the first caller and shared by the rest.
    public func value() async throws -> Value {
        if let task { return try await task.value }
        let task = Task { try await make() }
        self.task = task
        return try await task.value
    }
}
