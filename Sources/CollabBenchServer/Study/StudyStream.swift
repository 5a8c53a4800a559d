import CollabBenchCore
import CollabBenchRunner
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The streamed answer of `POST /study/<token>/stream`: the agent's reply as `text/event-stream`
/// events, for the page's script (the plain message form stays the fallback).
///
/// Each piece of the reply is one `data:` event holding a JSON string; the pieces concatenated are
/// exactly the stored reply. A last `event: done` carries the page state (`{"ratingDue":…,
/// "canSend":…,"replies":…}`). The model layer hands over whole replies, so the reply is sent in
/// word-sized pieces (``pieces(_:)``) once it is stored; nothing is delayed on purpose.
enum StudyStream {
    /// The fewest characters in a piece (a piece ends after the whitespace following a word).
    static let pieceCharacters = 24

    /// `text` cut into pieces that end after whitespace, each at least ``pieceCharacters`` long
    /// except the last; their concatenation is `text`.
    static func pieces(_ text: String) -> [String] {
        var pieces: [String] = []
        var current = ""
        var previousWasSpace = false
        for character in text {
            let isSpace = character.isWhitespace
            if previousWasSpace && !isSpace && current.count >= pieceCharacters {
                pieces.append(current)
                current = ""
            }
            current.append(character)
            previousWasSpace = isSpace
        }
        if !current.isEmpty { pieces.append(current) }
        return pieces
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

    /// The streamed response for the state `view` after a message was answered.
    static func response(_ view: StudyConductor.View) -> Response {
        let reply = view.progress.turns.last { $0.role == .assistant }?.text ?? ""
        let events = pieces(reply).map { event(jsonString($0)) }
        let done = event("{\"ratingDue\":\(view.ratingDue),\"canSend\":\(view.canSend),\"replies\":\(view.progress.replies)}", name: "done")
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store", .referrerPolicy: "no-referrer",
            ],
            body: ResponseBody { writer in
                for event in events + [done] { try await writer.write(ByteBuffer(string: event)) }
                try await writer.finish(nil)
            })
    }
}
