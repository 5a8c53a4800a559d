import CollabBenchCore
import CollabBenchRunner
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The streamed answer of `POST /study/<token>/stream`: the agent's reply as `text/event-stream`
/// events, sent as the agent generates it, for the page's script (the plain message form stays
/// the fallback).
///
/// Events, in order:
/// - one plain `data:` event per piece of the reply, holding a JSON string, as the model hands it
///   over (``ChatModel/complete(_:onPiece:)``);
/// - `event: reset` only when the pieces joined are not the stored reply (the model client
///   retried after an attempt failed part-way, and stopped streaming so no text came twice): its
///   data is the whole stored reply as a JSON string, which replaces what the page showed;
/// - `event: done` with the page state (`{"ratingDue":…,"canSend":…,"replies":…}`), or
///   `event: failed` (`{"status":…,"message":…}`, the words of the form path's error page) when
///   the agent could not answer; the message is then not stored, as on the form path.
///
/// So the text a page shows at the end is always exactly the stored reply. Refusals that need no
/// model call (form token, rating due, unknown link) are checked before the stream starts and
/// answered with their HTTP status (``StudyConductor/checkSend(token:csrf:message:)``). A client
/// that goes away mid-reply stops receiving events, but the reply is still generated and stored.
enum StudyStream {
    /// What the agent's side hands the response writer.
    enum Item: Sendable {
        case piece(String)
        case answered(StudyConductor.View)
        case failed(status: Int, message: String)
    }

    /// One server-sent event; `data` is JSON on one line.
    static func event(_ data: String, name: String? = nil) -> String {
        (name.map { "event: \($0)\n" } ?? "") + "data: \(data)\n\n"
    }

    /// `text` as a JSON string literal.
    static func jsonString(_ text: String) -> String {
        let data = (try? JSONEncoder().encode([text])) ?? Data("[\"\"]".utf8)
        let array = String(decoding: data, as: UTF8.self)
        return String(array.dropFirst().dropLast())
    }

    /// The streamed response of `send`, which sends the message with the piece handler it is
    /// given and returns the page state after the reply was stored.
    static func response(_ send: @escaping @Sendable (_ onPiece: @Sendable (String) async -> Void) async throws -> StudyConductor.View) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store", .referrerPolicy: "no-referrer",
            ],
            body: ResponseBody { writer in
                let (items, continuation) = AsyncStream.makeStream(of: Item.self)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        do {
                            let view = try await send { piece in continuation.yield(.piece(piece)) }
                            continuation.yield(.answered(view))
                        } catch {
                            let (status, message) = StudyRoutes.failureWords(error)
                            continuation.yield(.failed(status: Int(status.code), message: message))
                        }
                        continuation.finish()
                    }
                    var shown = ""
                    var connected = true
                    for await item in items where connected {
                        let text: String
                        switch item {
                        case .piece(let piece):
                            shown += piece
                            text = event(jsonString(piece))
                        case .answered(let view):
                            let reply = view.progress.turns.last { $0.role == .assistant }?.text ?? ""
                            text = (shown == reply ? "" : event(jsonString(reply), name: "reset")) + done(view)
                        case .failed(let status, let message):
                            text = event("{\"status\":\(status),\"message\":\(jsonString(message))}", name: "failed")
                        }
                        do { try await writer.write(ByteBuffer(string: text)) } catch { connected = false }
                    }
                    // A departed client leaves the sender to finish (and store the reply) alone.
                    try await group.waitForAll()
                }
                try? await writer.finish(nil)
            })
    }

    /// The `done` event of the page state `view`.
    static func done(_ view: StudyConductor.View) -> String {
        event("{\"ratingDue\":\(view.ratingDue),\"canSend\":\(view.canSend),\"replies\":\(view.progress.replies)}", name: "done")
    }
}
