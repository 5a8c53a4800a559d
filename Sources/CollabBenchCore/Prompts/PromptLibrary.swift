import Foundation

/// The prompt templates a run uses, loaded from the bundled defaults or from a user folder that
/// overrides them file by file.
public struct PromptLibrary: Sendable, Hashable {
    /// Templates by name.
    public private(set) var templates: [String: PromptTemplate]

    /// Names of the templates every run needs.
    public static let requiredNames = [
        "user-simulator.system", "user-simulator.turn",
        "user-simulator.guidance.math", "user-simulator.guidance.code", "user-simulator.guidance.docs",
        "agent.proactive.system", "judge.interactivity", "judge.interactivity.unit", "judge.accuracy",
        "extractor.docs.faithful", "extractor.docs.paper", "extractor.code.faithful", "extractor.code.paper",
    ]

    /// Creates a library from templates.
    public init(templates: [PromptTemplate]) {
        self.templates = Dictionary(templates.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// The bundled templates, overridden by any `<name>.txt` in `overrideDirectory`.
    /// - Throws: ``CollabBenchError`` when `overrideDirectory` is not a readable folder, or a
    ///   required template is missing or unreadable.
    public static func load(overrideDirectory: String? = nil) throws -> PromptLibrary {
        if let overrideDirectory {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: overrideDirectory, isDirectory: &isDirectory) else {
                throw CollabBenchError(.promptTemplate, "prompt folder \(overrideDirectory) does not exist")
            }
            guard isDirectory.boolValue else {
                throw CollabBenchError(.promptTemplate, "prompt folder \(overrideDirectory) is a file, not a folder")
            }
            guard (try? FileManager.default.contentsOfDirectory(atPath: overrideDirectory)) != nil else {
                throw CollabBenchError(.promptTemplate, "prompt folder \(overrideDirectory) cannot be read")
            }
        }
        var found: [PromptTemplate] = []
        let dirs = [bundledDirectory(), overrideDirectory].compactMap { $0 }
        for dir in dirs {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
            for file in names.sorted() where file.hasSuffix(".txt") {
                let path = (dir as NSString).appendingPathComponent(file)
                guard let text = FileManager.default.contents(atPath: path).map({ String(decoding: $0, as: UTF8.self) }) else {
                    throw CollabBenchError(.promptTemplate, "cannot read prompt template \(path)")
                }
                found.append(PromptTemplate(name: String(file.dropLast(4)), text: text))
            }
        }
        let library = PromptLibrary(templates: found)
        for name in requiredNames where library.templates[name] == nil {
            throw CollabBenchError(.promptTemplate, "prompt template '\(name).txt' not found (looked in \(dirs.joined(separator: ", ")))")
        }
        return library
    }

    /// The template called `name`.
    /// - Throws: ``CollabBenchError`` when there is none.
    public func template(_ name: String) throws -> PromptTemplate {
        guard let t = templates[name] else {
            throw CollabBenchError(.promptTemplate, "prompt template '\(name)' not found")
        }
        return t
    }

    /// Name → hash of every template, for the run record.
    public var hashes: [String: String] { templates.mapValues(\.hash) }

    private static func bundledDirectory() -> String? {
        Bundle.module.url(forResource: "Templates", withExtension: nil)?.path
    }
}
