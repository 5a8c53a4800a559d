import CollabBenchCore
import Foundation
import GRDB

extension ResultStore {
    /// How a store is opened.
    public enum OpenMode: Sendable, Hashable {
        /// Create the file if it is missing and bring it to the current schema: for commands
        /// that write (run, rejudge, tag, merge's destination).
        case readWrite
        /// Read an existing store: nothing is created, migrated or written, so a read-only file
        /// (mode 0444) can be viewed. A store of an older schema is read through a temporary copy
        /// brought to the current schema; the file itself is left as it is.
        case readOnly
    }
}

/// Opens store files after checking that they are CollabBench stores this build can use.
///
/// Before anything is created or migrated, an existing file with tables must carry
/// CollabBench's schema marker (the `meta` table with a `schema_version`, the `runs` table and
/// the migrations table), be of a schema version this build knows, and pass SQLite's
/// `PRAGMA quick_check`; otherwise it is refused with one line and left untouched.
enum StoreOpener {
    /// What an existing file holds.
    enum Contents {
        /// No tables: a new (or zero-length) database.
        case empty
        /// A CollabBench store at this build's schema.
        case current
        /// A CollabBench store of an older schema, which a migration brings up to date.
        case older(version: Int)
    }

    /// An open store.
    struct Opened {
        var pool: DatabasePool
        /// The temporary, migrated copy read instead of an older store in read-only mode.
        var copy: TemporaryStoreCopy?
    }

    /// Opens the store at `path` in `mode` (see ``ResultStore/OpenMode``).
    /// - Throws: ``CollabBenchError`` (`.storeError`; `.unusableStore` for a file that is not a usable CollabBench store) naming the path and what is wrong.
    static func open(path: String, mode: ResultStore.OpenMode) throws -> Opened {
        let exists = FileManager.default.fileExists(atPath: path)
        switch mode {
        case .readWrite:
            let dir = (path as NSString).deletingLastPathComponent
            if !dir.isEmpty {
                var isDir: ObjCBool = false
                guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
                    var info = stat()
                    let denied = stat(dir, &info) != 0 && (errno == EACCES || errno == EPERM)
                    let why = denied ? "cannot be read (permission denied)" : isDir.boolValue || !FileManager.default.fileExists(atPath: dir) ? "does not exist" : "is not a folder"
                    throw CollabBenchError(.storeError, "cannot open database \(path): folder \(dir) \(why)")
                }
            }
            if exists { _ = try inspect(path) }
            return try wrapped(path) {
                let pool = try DatabasePool(path: path, configuration: configuration(readOnly: false))
                try StoreSchema.migrator.migrate(pool)
                return Opened(pool: pool, copy: nil)
            }
        case .readOnly:
            guard exists else { throw CollabBenchError(.storeError, "no database at \(path)") }
            switch try inspect(path) {
            case .empty:
                throw CollabBenchError(.unusableStore, "database \(path) is empty: it holds no CollabBench store")
            case .current:
                return try wrapped(path) { Opened(pool: try DatabasePool(path: path, configuration: configuration(readOnly: true)), copy: nil) }
            case .older:
                let copy = try TemporaryStoreCopy(migrating: path)
                return try wrapped(path) {
                    Opened(pool: try DatabasePool(path: copy.path, configuration: configuration(readOnly: true)), copy: copy)
                }
            }
        }
    }

    /// The connection settings of a store.
    static func configuration(readOnly: Bool) -> Configuration {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(30)
        configuration.readonly = readOnly
        if !readOnly {
            // WAL with synchronous=NORMAL: a commit survives a crash or kill -9 of the process (only
            // a power loss can roll back the last commits) and costs no fsync per conversation.
            configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        }
        return configuration
    }

    /// Looks at the existing file at `path` through a read-only connection, changing nothing.
    /// - Throws: ``CollabBenchError`` when it is not a CollabBench store, is from a newer
    ///   version, or fails SQLite's quick check.
    static func inspect(_ path: String) throws -> Contents {
        var config = Configuration()
        config.readonly = true
        return try wrapped(path) {
            let queue = try DatabaseQueue(path: path, configuration: config)
            defer { try? queue.close() }
            return try queue.read { db in try contents(of: db, path: path) }
        }
    }

    /// What the database `db` (the file `path`) holds; see ``inspect(_:)``.
    static func contents(of db: Database, path: String) throws -> Contents {
        let tables = try String.fetchAll(
            db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")
        if tables.isEmpty { return .empty }
        // GRDB creates its migrations table before the first migration: a store another process is
        // creating right now, or whose creation was interrupted, is still a new one.
        if tables == ["grdb_migrations"], try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM grdb_migrations") == 0 { return .empty }
        let unchanged = "nothing was changed"
        let present = Set(tables)
        guard present.isSuperset(of: ["meta", "runs", "grdb_migrations"]) else {
            let shown = tables.prefix(6).map(printable).joined(separator: ", ") + (tables.count > 6 ? ", …" : "")
            throw CollabBenchError(
                .unusableStore, "database \(path) is not a CollabBench store (it holds other tables: \(shown)); \(unchanged)")
        }
        let metaColumns = Set(try db.columns(in: "meta").map(\.name))
        let version: Int?
        if metaColumns.isSuperset(of: ["key", "value"]) {
            version = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'schema_version'").flatMap { Int($0) }
        } else {
            version = nil
        }
        let migrations = Set(try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"))
        guard let version, migrations.contains("v1") else {
            throw CollabBenchError(
                .unusableStore, "database \(path) is not a CollabBench store (its meta table has no CollabBench schema version); \(unchanged)")
        }
        let superseded = try StoreSchema.migrator.hasBeenSuperseded(db)
        if version > StoreSchema.version || superseded {
            throw CollabBenchError(
                .unusableStore,
                "database \(path) was written by a newer CollabBench (schema version \(version); this one knows up to \(StoreSchema.version)); \(unchanged)"
            )
        }
        let check = try String.fetchAll(db, sql: "PRAGMA quick_check")
        guard check == ["ok"] else {
            let first = check.first.map(printable) ?? "no answer"
            throw CollabBenchError(.unusableStore, "database \(path) is damaged (SQLite quick check: \(first)); \(unchanged)")
        }
        return try StoreSchema.migrator.hasCompletedMigrations(db) ? .current : .older(version: version)
    }

    /// `body`'s result, with SQLite errors as one-line ``CollabBenchError``s naming `path`.
    static func wrapped<T>(_ path: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as CollabBenchError {
            throw error
        } catch let error as DatabaseError {
            switch error.resultCode {
            case .SQLITE_NOTADB:
                throw CollabBenchError(.unusableStore, "database \(path) is not a SQLite database; nothing was changed")
            case .SQLITE_CORRUPT:
                throw CollabBenchError(.unusableStore, "database \(path) is damaged (\(error.message ?? "corrupt")); nothing was changed")
            default:
                throw CollabBenchError(.storeError, "cannot open database \(path): \(error.message ?? error.description)")
            }
        } catch {
            throw CollabBenchError(.storeError, "cannot open database \(path): \(error)")
        }
    }

    /// `text` with control characters shown as `?` and cut to 60 characters (table names and
    /// check results come from the file, which may be anyone's).
    static func printable(_ text: String) -> String {
        let cleaned = String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : $0 }))
        return cleaned.count > 60 ? String(cleaned.prefix(57)) + "..." : cleaned
    }
}

/// A temporary copy of an older store, brought to the current schema so it can be read without
/// changing the original; its folder is removed when the last store reading it goes away.
final class TemporaryStoreCopy: Sendable {
    /// The folder holding the copy.
    let directory: String
    /// The copy.
    let path: String

    /// Copies the store at `source` (through SQLite's backup, so a WAL's content is included) and
    /// migrates the copy.
    init(migrating source: String) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("collabbench-store-\(UUID().uuidString)").path
        path = directory + "/store.sqlite"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        do {
            try StoreOpener.wrapped(source) {
                var config = Configuration()
                config.readonly = true
                let original = try DatabaseQueue(path: source, configuration: config)
                defer { try? original.close() }
                let copy = try DatabaseQueue(path: path)
                defer { try? copy.close() }
                try original.backup(to: copy)
                try StoreSchema.migrator.migrate(copy)
            }
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
    }
}
