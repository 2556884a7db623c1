import Foundation
import Yams

/// Reading a `RunConfig` from YAML text plus `section.key=value` overrides.
///
/// Rules: the document is a mapping of sections to mappings of keys; unknown sections or
/// keys are errors naming the key; a value of the wrong type or out of range is an error
/// naming the key and what was expected; a missing key keeps its default. Overrides are
/// applied in order after the file, their values parsed as YAML (so `model.mlp=[128,64]`
/// works). Every error names its source: the file, or the offending `--set` argument.
extension RunConfig {
    /// Loads `path` and applies `overrides` ("section.key=value").
    public static func load(path: String, overrides: [String]) throws -> RunConfig {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(source: path, key: nil, message: "cannot read config file (\(error.localizedDescription))")
        }
        return try parse(yaml: text, source: path, overrides: overrides)
    }

    /// Parses YAML `yaml` (attributed to `source` in errors), applies `overrides`, validates.
    public static func parse(yaml: String, source: String, overrides: [String]) throws -> RunConfig {
        var config = RunConfig()
        var origin: [String: Origin] = [:]
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw ConfigError(source: source, key: nil, message: "invalid YAML: \(error)")
        }
        if let root, !isNull(root) {
            guard case .mapping(let sections) = root else {
                throw error(source, nil, root, "expected a mapping of sections (\(RunConfig.sections.joined(separator: ", "))) at the top level")
            }
            var seenSections = Set<String>()
            for (sectionNode, body) in sections {
                let section = sectionNode.string ?? "\(sectionNode)"
                if RunConfig.otherCommandSections.contains(section) { continue }
                guard RunConfig.sections.contains(section) else {
                    throw error(source, section, sectionNode, "unknown section (known: \(RunConfig.sections.joined(separator: ", ")))")
                }
                guard seenSections.insert(section).inserted else {
                    throw error(source, section, sectionNode, "duplicate section")
                }
                if isNull(body) { continue }
                guard case .mapping(let keys) = body else {
                    throw error(source, section, body, "expected a mapping of keys")
                }
                var seenKeys = Set<String>()
                for (keyNode, valueNode) in keys {
                    let full = section + "." + (keyNode.string ?? "\(keyNode)")
                    guard let field = RunConfig.field(full) else {
                        throw error(source, full, keyNode, "unknown key" + suggestion(section: section))
                    }
                    guard seenKeys.insert(full).inserted else {
                        throw error(source, full, keyNode, "duplicate key")
                    }
                    let value = try convert(valueNode, rule: field.rule, source: source, key: full)
                    field.set(&config, value)
                    origin[full] = Origin(source: source, line: valueNode.mark?.line, column: valueNode.mark?.column)
                }
            }
        }
        for override in overrides {
            let src = "--set \(override)"
            guard let eq = override.firstIndex(of: "=") else {
                throw ConfigError(source: src, key: nil, message: "expected section.key=value")
            }
            let key = String(override[..<eq]).trimmingCharacters(in: .whitespaces)
            let text = String(override[override.index(after: eq)...])
            guard let field = RunConfig.field(key) else {
                let parts = key.split(separator: ".", omittingEmptySubsequences: false)
                let hint = parts.count == 2 && RunConfig.sections.contains(String(parts[0]))
                    ? suggestion(section: String(parts[0]))
                    : " (keys look like section.key with section one of \(RunConfig.sections.joined(separator: ", ")))"
                throw ConfigError(source: src, key: key, message: "unknown key" + hint)
            }
            let node: Node
            do {
                node = try Yams.compose(yaml: text) ?? Node("", Tag(.null), .plain)
            } catch {
                throw ConfigError(source: src, key: key, message: "invalid value (\(error))")
            }
            field.set(&config, try convert(node, rule: field.rule, source: src, key: key, useMark: false))
            origin[key] = Origin(source: src, line: nil, column: nil)
        }
        try config.validate(origin: origin)
        return config
    }

    /// Checks every key's range and the cross-key constraints; errors name the key.
    /// The source is "resolved config" since a bare value carries no provenance.
    public func validate() throws { try validate(origin: [:]) }

    struct Origin { var source: String; var line: Int?; var column: Int? }

    func validate(origin: [String: Origin]) throws {
        func fail(_ key: String, _ message: String) -> ConfigError {
            let o = origin[key] ?? Origin(source: "resolved config", line: nil, column: nil)
            return ConfigError(source: o.source, key: key, message: message, line: o.line, column: o.column)
        }
        for field in RunConfig.fields {
            let value = field.get(self)
            if !field.rule.admits(value) {
                throw fail(field.key, "expected \(field.rule.expected), got \(value.yamlText)")
            }
        }
        if model.heads % model.groups != 0 {
            throw fail("model.groups", "must divide model.heads (\(model.heads)), got \(model.groups)")
        }
        if train.earlyStopPatience > 0 && train.evalEvery == 0 {
            throw fail("train.early_stop_patience", "needs validation passes during training: set train.eval_every > 0 (or patience 0)")
        }
        if data.validFraction + data.testFraction >= 1 {
            let key = origin["data.test_fraction"] != nil || origin["data.valid_fraction"] == nil ? "data.test_fraction" : "data.valid_fraction"
            throw fail(key, "data.valid_fraction + data.test_fraction must be < 1, got \(data.validFraction) + \(data.testFraction)")
        }
    }

    // MARK: - Scalar conversion

    private static func isNull(_ node: Node) -> Bool {
        guard case .scalar(let s) = node, s.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(s.string)
    }

    private static func error(_ source: String, _ key: String?, _ node: Node, _ message: String) -> ConfigError {
        ConfigError(source: source, key: key, message: message, line: node.mark?.line, column: node.mark?.column)
    }

    private static func suggestion(section: String) -> String {
        let names = RunConfig.fields.filter { $0.section == section }.map { String($0.name) }
        return " (known keys of \(section): \(names.joined(separator: ", ")))"
    }

    /// Shows a node the way the user wrote it, for "got '…'".
    private static func shown(_ node: Node) -> String {
        switch node {
        case .scalar(let s): return "'\(s.string)'"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
    }

    static func convert(_ node: Node, rule: ConfigRule, source: String, key: String, useMark: Bool = true) throws -> ConfigValue {
        func bad() -> ConfigError {
            ConfigError(source: source, key: key, message: "expected \(rule.expected), got \(isNull(node) ? "nothing (null)" : shown(node))",
                        line: useMark ? node.mark?.line : nil, column: useMark ? node.mark?.column : nil)
        }
        let value: ConfigValue
        switch rule {
        case .positiveIntList:
            guard case .sequence(let items) = node else { throw bad() }
            var out: [Int] = []
            for item in items {
                guard case .scalar(let s) = item, let v = parseInt(s.string) else { throw bad() }
                out.append(v)
            }
            value = .intList(out)
        default:
            guard case .scalar(let s) = node, !isNull(node) else { throw bad() }
            let text = s.string
            switch rule {
            case .int:
                guard let v = parseInt(text) else { throw bad() }
                value = .int(v)
            case .double:
                guard let v = Double(text.replacingOccurrences(of: "_", with: "")), v.isFinite else { throw bad() }
                value = .double(v)
            case .bool:
                switch text.lowercased() {
                case "true", "yes", "on": value = .bool(true)
                case "false", "no", "off": value = .bool(false)
                default: throw bad()
                }
            case .string:
                value = .string(text)
            case .positiveIntList:
                fatalError("unreachable")
            }
        }
        guard rule.admits(value) else { throw bad() }
        return value
    }

    /// Decimal integers, optionally signed, `_` allowed as a digit separator.
    private static func parseInt(_ text: String) -> Int? {
        Int(text.replacingOccurrences(of: "_", with: ""))
    }
}
