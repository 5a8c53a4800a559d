/// A loaded task pack: its manifest, its tasks in pack order, and where it came from.
public struct TaskPack: Sendable, Hashable {
    /// The pack's manifest.
    public var manifest: PackManifest
    /// The tasks, in the order of the tasks file.
    public var tasks: [BenchmarkTask]
    /// Folder the pack was loaded from.
    public var directory: String
    /// SHA-256 of the manifest and tasks file bytes; changes whenever the content does.
    public var contentHash: String

    /// Creates a pack.
    public init(manifest: PackManifest, tasks: [BenchmarkTask], directory: String, contentHash: String) {
        self.manifest = manifest
        self.tasks = tasks
        self.directory = directory
        self.contentHash = contentHash
    }

    /// The exchange limit in force for this pack.
    public var maxExchanges: Int { manifest.maxExchanges ?? manifest.kind.defaultMaxExchanges }
}
