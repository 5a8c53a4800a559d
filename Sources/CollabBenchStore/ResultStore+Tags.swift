import CollabBenchCore
import Foundation
import GRDB

/// A tag on a run.
public struct RunTag: Sendable, Hashable, Codable {
    /// The tag, e.g. `baseline`.
    public var name: String
    /// The pack of the tagged run (a tag names at most one run per pack).
    public var packName: String
    /// The tagged run's id.
    public var runID: String
    /// ISO-8601 time the tag was set.
    public var createdAt: String

    /// Creates a tag record.
    public init(name: String, packName: String, runID: String, createdAt: String) {
        self.name = name
        self.packName = packName
        self.runID = runID
        self.createdAt = createdAt
    }
}

extension ResultStore {
    /// Whether `name` can be a tag: 1–64 characters of letters, digits and `-_.:/+@`.
    public static func isValidTagName(_ name: String) -> Bool {
        guard (1...64).contains(name.unicodeScalars.count) else { return false }
        return name.unicodeScalars.allSatisfy { s in
            (s.value < 128 && (s.properties.isAlphabetic || ("0"..."9").contains(s))) || "-_.:/+@".unicodeScalars.contains(s)
        }
    }

    /// Tags run `runID` with `name`. A tag names one run per pack, so an older run of the same
    /// pack loses the tag.
    /// - Returns: The id of the run that lost the tag, if any.
    /// - Throws: ``CollabBenchError`` (`.invalidArgument`) for a bad name or an unknown run.
    @discardableResult
    public func tag(runID: String, as name: String, at time: String) throws -> String? {
        guard Self.isValidTagName(name) else {
            throw CollabBenchError(.invalidArgument, "tag '\(name)': use 1-64 letters, digits or -_.:/+@")
        }
        return try write { db in
            guard let pack = try String.fetchOne(db, sql: "SELECT pack_name FROM runs WHERE id = ?", arguments: [runID]) else {
                throw CollabBenchError(.invalidArgument, "tag '\(name)': no run with id \(runID) in \(path)")
            }
            let previous = try String.fetchOne(db, sql: "SELECT run_id FROM tags WHERE name = ? AND pack_name = ?", arguments: [name, pack])
            try db.execute(
                sql: "INSERT OR REPLACE INTO tags (name, pack_name, run_id, created_at) VALUES (?, ?, ?, ?)",
                arguments: [name, pack, runID, time])
            return previous == runID ? nil : previous
        }
    }

    /// Removes tag `name` (from every pack, or only from run `runID`).
    /// - Returns: How many tags were removed.
    @discardableResult
    public func removeTag(_ name: String, runID: String? = nil) throws -> Int {
        try write { db in
            if let runID {
                try db.execute(sql: "DELETE FROM tags WHERE name = ? AND run_id = ?", arguments: [name, runID])
            } else {
                try db.execute(sql: "DELETE FROM tags WHERE name = ?", arguments: [name])
            }
            return db.changesCount
        }
    }

    /// Every tag, by name then pack.
    public func tags() throws -> [RunTag] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT name, pack_name, run_id, created_at FROM tags ORDER BY name, pack_name").map {
                RunTag(name: $0["name"], packName: $0["pack_name"], runID: $0["run_id"], createdAt: $0["created_at"])
            }
        }
    }

    /// The runs tagged `name`, by pack.
    public func runs(tagged name: String) throws -> [RunRecord] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT r.* FROM tags t JOIN runs r ON r.id = t.run_id WHERE t.name = ? ORDER BY t.pack_name", arguments: [name]
            ).map(Self.runRecord)
        }
    }

    /// The runs `key` names: the run with that id or name (ids win; the newest run of a name wins),
    /// else every run tagged `key`.
    /// - Returns: An empty array when nothing matches.
    public func resolveRuns(_ key: String) throws -> [RunRecord] {
        if let run = try run(key) { return [run] }
        return try runs(tagged: key)
    }
}
