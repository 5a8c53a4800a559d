import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Responses every CollabBench page and API shares: HTML with a strict content-security policy,
/// JSON, and plain-text errors. Nothing here echoes request content unescaped.
public enum HTTPResponses {
    /// The security headers on every HTML page: no inline script (scripts come from `/static/`),
    /// no framing, no sniffing, no referrer leaking a participant's link.
    static let pageSecurityHeaders: HTTPFields = [
        .contentSecurityPolicy: "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        .xContentTypeOptions: "nosniff",
        .referrerPolicy: "no-referrer",
        .cacheControl: "no-store",
    ]

    /// An HTML response (`html` must already be escaped where it holds untrusted text).
    public static func html(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = pageSecurityHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// A JSON response of `value`, keys sorted so answers are stable.
    public static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store", .xContentTypeOptions: "nosniff"],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }

    /// Raw bytes with a content type (static assets, the OpenAPI document).
    public static func bytes(_ text: String, contentType: String, cacheable: Bool = false) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: contentType, .cacheControl: cacheable ? "max-age=300" : "no-store", .xContentTypeOptions: "nosniff"],
            body: .init(byteBuffer: ByteBuffer(string: text))
        )
    }

    /// A JSON error body `{"error": message}` with `status`.
    public static func jsonError(_ message: String, status: HTTPResponse.Status) -> Response {
        (try? json(["error": message], status: status))
            ?? Response(status: status)
    }
}

extension HTTPField.Name {
    /// `X-Content-Type-Options`.
    static var xContentTypeOptions: Self { Self("X-Content-Type-Options")! }
    /// `Referrer-Policy`.
    static var referrerPolicy: Self { Self("Referrer-Policy")! }
}
