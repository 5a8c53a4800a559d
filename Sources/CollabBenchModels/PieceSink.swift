/// Hands one attempt's streamed text to the caller while `open`, and records whether it did
/// (the clients close later attempts once text went out, so no text is handed over twice).
final class PieceSink {
    let deliver: @Sendable (String) async -> Void
    let open: Bool
    /// The text piece a stream event carries, if any (each provider's event shape).
    let piece: @Sendable (String) -> String?
    private(set) var handedOver = false

    init(deliver: @escaping @Sendable (String) async -> Void, open: Bool, piece: @escaping @Sendable (String) -> String?) {
        self.deliver = deliver
        self.open = open
        self.piece = piece
    }

    /// Passes on the text of the stream event `event`, if any.
    func take(_ event: String) async {
        guard open, let text = piece(event), !text.isEmpty else { return }
        handedOver = true
        await deliver(text)
    }
}
