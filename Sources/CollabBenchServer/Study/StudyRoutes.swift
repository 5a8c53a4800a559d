import CollabBenchCore
import CollabBenchRunner
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The participant pages of user studies, under `/study/<token>`:
///
/// - `GET /study/<token>`: the task card, the conversation, and the form that is due (a message,
///   a rating every few replies, or the final rating with "I'm done").
/// - `POST /study/<token>/message`, `/rate`, `/finish`: the forms; each carries the participant's
///   form token (checked: 403 otherwise), bodies above ``maxBodyBytes`` are refused (413), and a
///   success redirects back to the page (303).
/// - `POST /study/<token>/stream`: the message form sent by the page's script; the same checks
///   (refusals answered with the same statuses before the stream starts) and the same stored
///   message, answered with the reply as server-sent events while the agent writes it
///   (``StudyStream``).
///
/// A token reaches only its own participant; an unknown or malformed one is 404, like any missing
/// page, so links cannot be enumerated. Every model reply and task text is escaped.
public enum StudyRoutes {
    /// The largest form body accepted.
    public static let maxBodyBytes = 32 * 1024
    /// The longest message accepted, in characters.
    public static let maxMessageCharacters = 8000

    /// Registers the study routes over the store at `storePath`; the conductor (and with it the
    /// model clients, keys from the process environment) is made on the first study request.
    public static func register<Context: RequestContext>(storePath: String, on router: Router<Context>) {
        register(LazyConductor { try StudyConductor(storePath: storePath) }, on: router)
    }

    /// Registers the study routes served by `conductor`.
    public static func register<Context: RequestContext>(_ conductor: StudyConductor, on router: Router<Context>) {
        register(LazyConductor { conductor }, on: router)
    }

    static func register<Context: RequestContext>(_ lazy: LazyConductor, on router: Router<Context>) {
        router.get("/study/:token") { _, context in
            let token = try context.parameters.require("token")
            return await respond(token: token) {
                StudyPage.render(try await lazy.conductor().open(token: token))
            }
        }
        router.post("/study/:token/message") { request, context in
            let token = try context.parameters.require("token")
            return await form(request, token: token) { form in
                _ = try await message(form, token: token, lazy)
            }
        }
        router.post("/study/:token/stream") { request, context in
            let token = try context.parameters.require("token")
            return await reading(request) { form in
                await respond(token: token) {
                    let message = try messageText(form)
                    let conductor = try await lazy.conductor()
                    let csrf = form["csrf"]
                    try await conductor.checkSend(token: token, csrf: csrf, message: message)
                    return StudyStream.response { onPiece in
                        try await conductor.send(token: token, csrf: csrf, message: message, onPiece: onPiece)
                    }
                }
            }
        }
        router.post("/study/:token/rate") { request, context in
            let token = try context.parameters.require("token")
            return await form(request, token: token) { form in
                let (quality, interaction, comment) = try ratings(form)
                _ = try await lazy.conductor().rate(token: token, csrf: form["csrf"], quality: quality, interaction: interaction, comment: comment)
            }
        }
        router.post("/study/:token/finish") { request, context in
            let token = try context.parameters.require("token")
            return await form(request, token: token) { form in
                let (quality, interaction, comment) = try ratings(form)
                _ = try await lazy.conductor().finish(token: token, csrf: form["csrf"], quality: quality, interaction: interaction, comment: comment)
            }
        }
    }

    // MARK: - Handling

    static func ratings(_ form: StudyForm) throws -> (Int, Int, String) {
        guard let quality = form.integer("quality"), let interaction = form.integer("interaction") else {
            throw StudyFailure.invalid("choose a rating from 1 to 10 for both questions")
        }
        let comment = form["comment"]
        guard comment.count <= maxMessageCharacters else { throw StudyFailure.invalid("the comment is too long") }
        return (quality, interaction, comment)
    }

    /// Sends the message of a message form (the form and the streamed path alike).
    static func message(_ form: StudyForm, token: String, _ lazy: LazyConductor) async throws -> StudyConductor.View {
        try await lazy.conductor().send(token: token, csrf: form["csrf"], message: try messageText(form))
    }

    /// The message of a message form.
    /// - Throws: ``StudyFailure/invalid(_:)`` when it is too long.
    static func messageText(_ form: StudyForm) throws -> String {
        let message = form["message"]
        guard message.count <= maxMessageCharacters else {
            throw StudyFailure.invalid("the message is longer than \(maxMessageCharacters) characters")
        }
        return message
    }

    /// Reads a form body (413 above the limit), runs `body`, and redirects to the page.
    static func form(_ request: Request, token: String, _ body: (StudyForm) async throws -> Void) async -> Response {
        await reading(request) { form in
            await respond(token: token) {
                try await body(form)
                return Response(
                    status: .seeOther,
                    headers: [.location: "/study/\(token)", .cacheControl: "no-store", .referrerPolicy: "no-referrer"])
            }
        }
    }

    /// Reads a form body and hands it to `body`; a body above ``maxBodyBytes`` is 413.
    static func reading(_ request: Request, _ body: (StudyForm) async -> Response) async -> Response {
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > maxBodyBytes {
            return errorPage(.contentTooLarge, "The form is larger than \(maxBodyBytes) bytes.")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBodyBytes)
        } catch {
            return errorPage(.contentTooLarge, "The form is larger than \(maxBodyBytes) bytes.")
        }
        return await body(StudyForm(body: String(buffer: buffer)))
    }

    /// Runs `body`, turning a ``StudyFailure`` into its status and a short page.
    static func respond(token: String, _ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch {
            let (status, message) = failureWords(error)
            let back = [.notFound, .forbidden, .internalServerError].contains(status) ? nil : "/study/\(token)"
            return errorPage(status, message, back: back)
        }
    }

    /// The status and the words shown for a failure (a ``StudyFailure``'s, or a generic line).
    static func failureWords(_ error: any Error) -> (HTTPResponse.Status, String) {
        guard let failure = error as? StudyFailure else {
            // Never the error's text: it may name a server or model the participant must not see.
            return (.internalServerError, "Something went wrong on the server; please tell the study's organiser.")
        }
        switch failure {
        case .notFound: return (.notFound, "There is no such page.")
        case .forbidden: return (.forbidden, "This form has expired. Go back, reload the page and try again.")
        case .conflict(let why): return (.conflict, "Not now: \(why).")
        case .invalid(let why): return (.badRequest, "The form is not valid: \(why).")
        case .unavailable(let why): return (.badGateway, "Sorry: \(why).")
        }
    }

    static func errorPage(_ status: HTTPResponse.Status, _ message: String, back: String? = nil) -> Response {
        var body = "<h1>\(HTMLPage.escape(status.reasonPhrase))</h1><p class=\"study-error\">\(HTMLPage.escape(message))</p>"
        if let back { body += "<p><a href=\"\(HTMLPage.escape(back))\" id=\"back\">Back to the conversation</a></p>" }
        return HTTPResponses.html(HTMLPage.render(title: "Study", body: body), status: status)
    }
}

/// Makes the conductor on first use (opening the store and the model clients only when a study
/// page is asked for), then hands out the same one.
actor LazyConductor {
    private let make: @Sendable () throws -> StudyConductor
    private var made: StudyConductor?

    init(_ make: @escaping @Sendable () throws -> StudyConductor) { self.make = make }

    func conductor() throws -> StudyConductor {
        if let made { return made }
        let conductor = try make()
        made = conductor
        return conductor
    }
}
