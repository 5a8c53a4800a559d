import ArgumentParser
import CollabBenchCore
import CollabBenchReports
import Foundation

/// Runs a command body; any failure is printed as exactly one `collabbench: error: …` line on
/// standard error and becomes a non-zero exit (see ``CLIError/exitCode(for:)``), never a stack
/// trace.
func reportingErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as ExitCode {
        throw error
    } catch let error as CleanExit {
        throw error
    } catch {
        printError("collabbench: error: " + CLIError.line(for: error))
        throw CLIError.exitCode(for: error)
    }
}

/// Writes a line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// How the command line words library errors and which exit status each gets.
///
/// Exit statuses (README "Bad input"): 0 success; 1 a run or gate failed on its merits; 2 the
/// gate could not decide; 64 a wrong flag or setting; 65 a malformed or missing input file, pack,
/// prompt folder or store; 69 a model server or agent program failed; 74 reading or writing the
/// store or a file failed; 130 interrupted.
enum CLIError {
    /// Flags whose names are not the kebab-case of their ``RunPlan`` setting.
    static let flags: [String: String] = [
        "protocolPreset": "--protocol", "agentPreset": "--preset", "store": "--db", "promptsDirectory": "--prompts",
        "tokenizerDirectory": "--tokenizer-dir", "requestTimeoutSeconds": "--request-timeout", "agentTimeoutSeconds": "--agent-timeout",
        "agentEnvironmentPass": "--agent-env-pass", "requestsPerMinute": "--rpm", "tokensPerMinute": "--tpm", "pricingFile": "--pricing",
        "budgetUSD": "--budget", "agentSystemPromptFile": "--agent-system-prompt", "agentCommand": "--agent-cmd", "judges": "--judge",
        "personaTraitsFile": "--persona-traits",
    ]

    /// The flag for a plan setting: `agentTopP` → `--agent-top-p`.
    static func flag(forSetting setting: String) -> String {
        if let known = flags[setting] { return known }
        var flag = "--"
        for character in setting {
            if character.isUppercase {
                flag += "-" + character.lowercased()
            } else {
                flag.append(character)
            }
        }
        return flag
    }

    /// What a user of the command line can do about an error of this code, if there is a flag for it.
    static func hint(for error: CollabBenchError) -> String? {
        switch error.code {
        case .configurationChanged: "use another --name or --force-new"
        case .cacheMiss: "run with --cache read-write to fill the cache"
        default: nil
        }
    }

    /// The error as one line, settings named by their flags.
    static func line(for error: any Error) -> String {
        let text: String
        if let error = error as? CollabBenchError {
            text = error.worded(setting: error.setting.map(flag(forSetting:))) + (hint(for: error).map { "; \($0)" } ?? "")
        } else if let error = error as? ValidationError {
            text = error.message
        } else {
            text = String(describing: error)
        }
        return TerminalText.sanitize(text)
    }

    /// The exit status for an error.
    static func exitCode(for error: any Error) -> ExitCode {
        guard let error = error as? CollabBenchError else { return error is ValidationError ? ExitCode(64) : .failure }
        switch error.code.family {
        case .usage: return ExitCode(64)
        case .data: return ExitCode(65)
        case .service: return ExitCode(69)
        case .internalOrIO: return ExitCode(74)
        }
    }
}
