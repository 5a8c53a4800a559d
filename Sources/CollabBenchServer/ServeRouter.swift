import CollabBenchReports
import CollabBenchStore
import Hummingbird

/// The router `collabbench serve` runs: `/healthz`, `/static/`, the results browser's pages and
/// its JSON API under `/api/`, and the study routes.
public enum ServeRouter {
    /// A router over the store at `storePath`, which it opens read-only (a run may be writing it:
    /// each request reads the latest committed state through SQLite's WAL).
    /// - Throws: ``CollabBenchError`` when the file is missing or not a usable store.
    public static func router(storePath: String, leaderboardOptions: LeaderboardOptions = .init()) throws -> Router<BasicRequestContext> {
        let store = try ResultStore(path: storePath, mode: .readOnly)
        return router(service: BrowseService(store: store, leaderboardOptions: leaderboardOptions), storePath: storePath)
    }

    /// A router serving `service`; `storePath` is the store's file, for routes that open their
    /// own connection (the study writes its conversations through a read-write store).
    public static func router(service: BrowseService, storePath: String) -> Router<BasicRequestContext> {
        let router = Router()
        HealthRoute.register(on: router)
        StaticAssets.register(on: router)
        BrowseAPIRoutes.register(service, on: router)
        BrowsePages.register(service, on: router)
        // Study routes (issue 13, the study): register them here, e.g.
        //     StudyRoutes.register(storePath: storePath, on: router)
        StudyRoutes.register(storePath: storePath, on: router)
        return router
    }
}
