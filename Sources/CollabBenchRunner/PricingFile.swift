import CollabBenchCore
import Foundation
import Yams

/// A user's pricing file: prices per model, laid over ``PricingTable/builtin``.
///
/// ```yaml
/// models:
///   openai/gpt-4o: {input: 2.5, output: 10}   # provider/model: only for that provider
///   my-finetune: {input: 0.3, output: 1.2}    # bare model name: any provider
/// ```
///
/// Prices are US dollars per million tokens. Optional `cached_input` and `cache_write` price the
/// prompt tokens read from and written to a provider's prompt cache (without them, those tokens
/// are charged as `input`). JSON is YAML, so
/// `{"models": {"my-finetune": {"input": 0.3, "output": 1.2}}}` is read too.
public enum PricingFile {
    /// Reads a YAML (or JSON, which is YAML) pricing file:
    ///
    /// ```yaml
    /// models:
    ///   openai/gpt-4o: {input: 2.5, output: 10}
    ///   my-finetune: {input: 0.3, output: 1.2}
    /// ```
    ///
    /// - Parameter path: The file to read.
    /// - Returns: The file's prices (not merged with the built-in table).
    /// - Throws: ``CollabBenchError`` with code `.invalidArgument` and ONE line naming the file and,
    ///   where there is one, the line (`<path>:<line>: <what is wrong>`): unreadable file, not YAML,
    ///   missing `models`, a model without a numeric non-negative `input`/`output`, a model listed
    ///   twice, unknown keys.
    public static func load(path: String) throws -> PricingTable {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CollabBenchError(.invalidArgument, "\(path): cannot read the pricing file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CollabBenchError(.invalidArgument, "\(path):1: the pricing file is not UTF-8 text")
        }
        return try parse(text, path: path)
    }

    /// Parses pricing-file text; `path` names the file in errors.
    static func parse(_ text: String, path: String) throws -> PricingTable {
        func fail(_ line: Int?, _ message: String) -> CollabBenchError {
            CollabBenchError(.invalidArgument, "\(path):\(line ?? 1): \(message)")
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch YamlError.duplicatedKeysInMapping(let duplicates, let context) {
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            throw fail(context.mark.line, "\(keys) given more than once (first here)")
        } catch let error as YamlError {
            throw fail(line(of: error), "not valid YAML: \(oneLine(error))")
        } catch {
            throw fail(nil, "not valid YAML: \(oneLine(error))")
        }
        guard let root else {
            throw fail(1, "the pricing file is empty; expected 'models:' with one '<model>: {input: N, output: N}' per model")
        }
        guard let top = root.mapping else {
            throw fail(root.mark?.line, "the pricing file must be a mapping with the key 'models'")
        }
        var modelsNode: Node?
        for (key, value) in top {
            guard key.string == "models" else {
                throw fail(key.mark?.line, "unknown key '\(key.string ?? "?")' (known: models)")
            }
            modelsNode = value
        }
        guard let modelsNode else {
            throw fail(root.mark?.line, "no 'models' given; expected 'models:' with one '<model>: {input: N, output: N}' per model")
        }
        guard let models = modelsNode.mapping else {
            throw fail(modelsNode.mark?.line, "'models' must be a mapping of model name to {input: N, output: N}")
        }
        var entries: [String: ModelPrice] = [:]
        var firstLine: [String: Int] = [:]
        for (keyNode, value) in models {
            guard case .scalar = keyNode, let name = keyNode.string, !name.isEmpty else {
                throw fail(keyNode.mark?.line, "a model name must be a non-empty string")
            }
            guard !name.hasPrefix("/"), !name.hasSuffix("/"), name.trimmingCharacters(in: .whitespaces) == name else {
                throw fail(keyNode.mark?.line, "model '\(name)': a model key is 'provider/model' or 'model'")
            }
            let lower = name.lowercased()
            if let earlier = firstLine[lower] {
                throw fail(keyNode.mark?.line, "model '\(name)' is listed twice (also on line \(earlier))")
            }
            firstLine[lower] = keyNode.mark?.line ?? 1
            entries[name] = try price(value, model: name, fail: fail)
        }
        return PricingTable(entries: entries)
    }

    private static func price(_ node: Node, model: String, fail: (Int?, String) -> CollabBenchError) throws -> ModelPrice {
        guard let fields = node.mapping else {
            throw fail(node.mark?.line, "model '\(model)' must be a mapping {input: N, output: N} (US dollars per million tokens)")
        }
        var input: Double?
        var output: Double?
        var cachedInput: Double?
        var cacheWrite: Double?
        for (key, value) in fields {
            switch key.string {
            case "input": input = try number(value, field: "input", model: model, fail: fail)
            case "output": output = try number(value, field: "output", model: model, fail: fail)
            case "cached_input": cachedInput = try number(value, field: "cached_input", model: model, fail: fail)
            case "cache_write": cacheWrite = try number(value, field: "cache_write", model: model, fail: fail)
            default:
                throw fail(key.mark?.line, "model '\(model)': unknown key '\(key.string ?? "?")' (known: input, output, cached_input, cache_write)")
            }
        }
        guard let input else { throw fail(node.mark?.line, "model '\(model)' has no 'input' price") }
        guard let output else { throw fail(node.mark?.line, "model '\(model)' has no 'output' price") }
        return ModelPrice(inputPerMillion: input, outputPerMillion: output, cachedInputPerMillion: cachedInput, cacheWritePerMillion: cacheWrite)
    }

    private static func number(_ node: Node, field: String, model: String, fail: (Int?, String) -> CollabBenchError) throws -> Double {
        let problem = "model '\(model)': '\(field)' must be a non-negative number (US dollars per million tokens)"
        guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any,
            let value = node.float ?? node.int.map(Double.init), value.isFinite, value >= 0
        else { throw fail(node.mark?.line, problem) }
        return value
    }

    private static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
        default: return nil
        }
    }

    private static func oneLine(_ error: any Error) -> String {
        if let yaml = error as? YamlError {
            switch yaml {
            case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): return problem
            default: break
            }
        }
        return String(describing: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
    }
}
