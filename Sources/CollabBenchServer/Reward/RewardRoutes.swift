import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The routes of `collabbench reward serve`: `POST /v1/reward`, `GET /healthz` and
/// `GET /openapi.json`.
public enum RewardRoutes {
    /// A router serving `service`.
    public static func router<Scorer: RewardScoring>(for service: RewardService<Scorer>) -> Router<BasicRequestContext> {
        let router = Router()
        register(service, on: router)
        return router
    }

    /// Registers the reward routes, the health endpoint and the OpenAPI document on `router`.
    public static func register<Scorer: RewardScoring, Context: RequestContext>(_ service: RewardService<Scorer>, on router: Router<Context>) {
        HealthRoute.register(on: router)
        router.get("/openapi.json") { _, _ in
            HTTPResponses.bytes(RewardOpenAPI.document, contentType: "application/json; charset=utf-8")
        }
        router.post("/v1/reward") { request, _ in
            let limit = service.settings.maxBodyBytes
            if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit {
                return response(.error(413, "the body is larger than \(limit) bytes"))
            }
            let buffer: ByteBuffer
            do {
                buffer = try await request.body.collect(upTo: limit)
            } catch is NIOTooManyBytesError {
                return response(.error(413, "the body is larger than \(limit) bytes"))
            }
            return response(await service.handle(body: Data(buffer.readableBytesView)))
        }
    }

    /// The HTTP response for a reply.
    static func response(_ reply: RewardReply) -> Response {
        var headers: HTTPFields = [
            .contentType: "application/json; charset=utf-8", .cacheControl: "no-store", .xContentTypeOptions: "nosniff",
        ]
        for (name, value) in reply.headers {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        return Response(status: .init(code: reply.status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: reply.body)))
    }
}
