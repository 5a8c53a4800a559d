import CollabBenchCore
import Foundation

/// Checks each field of a `pack.json` on its own, so that a manifest with several wrong fields
/// is reported with all of them at once (the decoder stops at the first).
struct ManifestCheck: Decodable {
    /// What is wrong, one phrase per field, in the manifest's field order.
    var problems: [String] = []

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// The problems of the manifest in `data`, or nil when `data` is not a JSON object (the
    /// decoder's own message says that better).
    static func problems(in data: Data) -> [String]? {
        (try? JSONDecoder().decode(ManifestCheck.self, from: data))?.problems
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        string(c, "name", required: true)
        string(c, "version", required: true)
        choice(c, "kind", allowed: TaskKind.allCases.map(\.rawValue), required: true)
        string(c, "description", required: false)
        string(c, "tasks_file", required: false)
        typed(c, "max_exchanges", Int.self, "an integer")
        if present(c, "metric") {
            do {
                let metric = try c.nestedContainer(keyedBy: Key.self, forKey: Key("metric"))
                choice(metric, "bleu_mode", allowed: BLEUMode.allCases.map(\.rawValue), required: false, prefix: "metric.")
                typed(metric, "code_timeout_seconds", Double.self, "a number", prefix: "metric.")
                string(metric, "token_encoding", required: false, prefix: "metric.")
            } catch {
                problems.append("'metric' must be an object")
            }
        }
        if present(c, "source") {
            do {
                _ = try c.decode(PackSource.self, forKey: Key("source"))
            } catch {
                problems.append("'source': \(PackValidator.describe(error))")
            }
        }
    }

    /// Whether `key` is there and not null.
    private func present(_ c: KeyedDecodingContainer<Key>, _ key: String) -> Bool {
        c.contains(Key(key)) && !((try? c.decodeNil(forKey: Key(key))) ?? false)
    }

    private mutating func string(_ c: KeyedDecodingContainer<Key>, _ key: String, required: Bool, prefix: String = "") {
        guard present(c, key) else {
            if required { problems.append("missing field '\(prefix)\(key)'") }
            return
        }
        typed(c, key, String.self, "a string", prefix: prefix)
    }

    private mutating func typed<T: Decodable>(_ c: KeyedDecodingContainer<Key>, _ key: String, _ type: T.Type, _ what: String, prefix: String = "") {
        guard present(c, key) else { return }
        if (try? c.decode(T.self, forKey: Key(key))) == nil {
            problems.append("'\(prefix)\(key)' must be \(what)")
        }
    }

    private mutating func choice(
        _ c: KeyedDecodingContainer<Key>, _ key: String, allowed: [String], required: Bool, prefix: String = ""
    ) {
        guard present(c, key) else {
            if required { problems.append("missing field '\(prefix)\(key)' (one of \(allowed.joined(separator: ", ")))") }
            return
        }
        guard let value = try? c.decode(String.self, forKey: Key(key)) else {
            problems.append("'\(prefix)\(key)' must be a string, one of \(allowed.joined(separator: ", "))")
            return
        }
        if !allowed.contains(value) {
            problems.append("'\(prefix)\(key)' is '\(Self.shown(value))'; allowed: \(allowed.joined(separator: ", "))")
        }
    }

    /// A value from the file, cut short and without control characters.
    static func shown(_ text: String) -> String {
        let cleaned = String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : $0 }))
        return cleaned.count > 40 ? String(cleaned.prefix(37)) + "..." : cleaned
    }
}

extension PackValidator {
    /// Where the tasks file `name` of the pack in `directory` is, if it stays inside the folder
    /// (symbolic links resolved); nil for an absolute name or one that leads outside.
    static func tasksPath(_ name: String, in directory: String) -> String? {
        guard !name.isEmpty, !name.hasPrefix("/") else { return nil }
        let root = URL(fileURLWithPath: directory).standardizedFileURL.resolvingSymlinksInPath().path
        let file = URL(fileURLWithPath: directory + "/" + name).standardizedFileURL.resolvingSymlinksInPath().path
        let prefix = root.hasSuffix("/") ? root : root + "/"
        guard file.hasPrefix(prefix) else { return nil }
        return directory + "/" + name
    }

    /// Why `path` cannot be read: it does not exist, permission is denied (on it or on a folder on
    /// the way), or it is a folder.
    static func unreadableReason(_ path: String) -> String {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        if exists && isDirectory.boolValue { return "is a folder, not a file" }
        let fd = open(path, O_RDONLY)
        if fd >= 0 {
            close(fd)
            return "cannot be read"
        }
        return reason(errno: errno)
    }

    /// The phrase for an `open` failure with `code`.
    static func reason(errno code: Int32) -> String {
        switch code {
        case EACCES, EPERM: "cannot be read (permission denied)"
        case ENOENT, ENOTDIR: "does not exist"
        default: "cannot be read (\(String(cString: strerror(code))))"
        }
    }
}
