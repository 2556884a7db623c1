/// Rendering a `RunConfig`: the resolved YAML document and the Markdown key reference,
/// both generated from the key table so they cannot drift from the parser.
extension RunConfig {
    /// The full resolved configuration as YAML, every key present, sections and keys in
    /// table order. Round-trips: `parse(yaml: c.yaml(), …) == c`.
    public func yaml() -> String {
        var out = ""
        let fields = RunConfig.fields
        for section in RunConfig.sections {
            out += "\(section):\n"
            for field in fields where field.section == section {
                out += "  \(field.name): \(field.get(self).yamlText)\n"
            }
        }
        return out
    }

    /// A Markdown table of every key: key, type, default, meaning.
    public static func referenceMarkdown() -> String {
        let defaults = RunConfig()
        var out = "| key | type | default | meaning |\n|---|---|---|---|\n"
        for field in fields {
            let doc = field.doc.replacingOccurrences(of: "|", with: "\\|")
            out += "| `\(field.key)` | \(field.rule.typeName) | `\(field.get(defaults).yamlText)` | \(doc) |\n"
        }
        return out
    }
}
