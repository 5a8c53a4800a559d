import Foundation

/// An error a user can act on: a stable code, one line naming what went wrong, and the place
/// involved (file and line, task, model, or the setting of a run plan) as fields of their own.
///
/// Libraries never word their errors in terms of command-line flags: a wrong setting names the
/// ``setting`` (a ``RunPlan`` field such as `shard`), and a front end (the command line, a server)
/// words it its own way. ``description`` is the library's own one-line wording.
///
/// ```swift
/// throw CollabBenchError(.invalidArgument, "must be i/n with 0 <= i < n (got '9/4')", setting: "shard")
/// // description: "shard: must be i/n with 0 <= i < n (got '9/4')"
/// ```
public struct CollabBenchError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable categories of failure.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        case invalidModelSpec, unknownPack, malformedPack, malformedTask, missingFile
        case modelUnreachable, modelHTTPError, modelAuthentication, modelTimeout, modelContextLength
        case modelMalformedReply, storeError, invalidArgument, scoringError, promptTemplate, cacheMiss, configurationChanged
        /// A subprocess agent failed: it crashed, hung past its turn timeout, or wrote a malformed
        /// or oversized reply.
        case agentFailed
        /// The store is not a CollabBench store, is from a newer version, or is damaged.
        case unusableStore

        /// The family of the failure, which decides a command's exit status.
        public var family: Family {
            switch self {
            case .invalidArgument, .invalidModelSpec, .configurationChanged: .usage
            case .unknownPack, .malformedPack, .malformedTask, .missingFile, .promptTemplate, .unusableStore: .data
            case .modelUnreachable, .modelHTTPError, .modelAuthentication, .modelTimeout, .modelContextLength, .modelMalformedReply,
                .agentFailed, .cacheMiss:
                .service
            case .storeError, .scoringError: .internalOrIO
            }
        }
    }

    /// What kind of thing went wrong, for exit statuses and for front ends that group errors.
    public enum Family: String, Sendable, Hashable {
        /// A setting or argument is wrong (fix the command).
        case usage
        /// An input file, pack, prompt folder or store is malformed or missing (fix the data).
        case data
        /// A model server or agent program failed (check the service and retry).
        case service
        /// Reading or writing the store or a temporary file failed (disk, permissions).
        case internalOrIO
    }

    /// The category.
    public var code: Code
    /// One line: what is wrong and, if known, what to do; without the context fields below.
    public var message: String
    /// The file involved, if any.
    public var file: String?
    /// The 1-based line in ``file``, if known.
    public var line: Int?
    /// The task involved, if any.
    public var task: String?
    /// The model involved (its spec, without credentials), if any.
    public var model: String?
    /// The run-plan setting that is wrong (a ``RunPlan`` field name such as `shard`), if any.
    public var setting: String?
    /// The wrong value as it was given, if it is worth repeating (never a secret).
    public var value: String?
    /// The underlying cause, as text (for example a system or HTTP client error).
    public var cause: String?

    /// Creates an error.
    /// - Parameters:
    ///   - code: The category.
    ///   - message: One line saying what is wrong.
    ///   - file: The file involved.
    ///   - line: The line in `file`.
    ///   - task: The task involved.
    ///   - model: The model involved.
    ///   - setting: The run-plan setting that is wrong.
    ///   - value: The wrong value as given.
    ///   - cause: The underlying cause.
    public init(
        _ code: Code, _ message: String, file: String? = nil, line: Int? = nil, task: String? = nil, model: String? = nil,
        setting: String? = nil, value: String? = nil, cause: String? = nil
    ) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
        self.task = task
        self.model = model
        self.setting = setting
        self.value = value
        self.cause = cause
    }

    /// The library's one-line wording: `file:line: `, `setting value: `, the message, then the task,
    /// model and cause where they are not already named.
    public var description: String { worded(setting: setting) }

    /// The one-line wording with the setting named as `settingName` (a front end passes its own
    /// name for the setting, such as a command-line flag).
    public func worded(setting settingName: String?) -> String {
        var text = ""
        if let file {
            text += line.map { "\(file):\($0): " } ?? "\(file): "
        }
        if let settingName { text += value.map { "\(settingName) \($0): " } ?? "\(settingName): " }
        text += message
        if let task, !message.contains(task) { text += " (task \(task))" }
        if let model, !message.contains(model) { text += " (model \(model))" }
        if let cause, !message.contains(cause) { text += ": \(cause)" }
        return text.replacingOccurrences(of: "\n", with: " ")
    }
}
