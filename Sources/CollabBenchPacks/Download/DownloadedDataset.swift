/// A standard dataset on local disk, as JSON Lines `tasks import` reads.
public struct DownloadedDataset: Sendable, Hashable, Codable {
    /// The JSON Lines file.
    public var path: String
    /// Its number of rows.
    public var rows: Int
    /// The lower-case hex SHA-256 of the file.
    public var sha256: String
    /// Where the rows were fetched from (the base URL(s) and the dataset's id).
    public var origin: String
    /// True when the file was already in the cache and nothing was fetched.
    public var fromCache: Bool

    /// Creates a description of a downloaded file.
    public init(path: String, rows: Int, sha256: String, origin: String, fromCache: Bool) {
        self.path = path
        self.rows = rows
        self.sha256 = sha256
        self.origin = origin
        self.fromCache = fromCache
    }
}
