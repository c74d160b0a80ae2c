import Foundation

/// The front-matter keys and kb.yml settings with the value each takes: the parsers' key lists
/// come from these tables, and so do the JSON Schemas `kb schema` prints and the site ships
/// (`_kb/schema/`), so editors and kb agree on what is valid.
public enum JSONSchemas {
    /// What a key's value must be, as the parser reads it.
    public enum Shape: Sendable {
        /// One scalar (YAML text, number or boolean; read as text).
        case scalar
        /// A slug `[a-z0-9][a-z0-9-]*`.
        case slug
        /// One of these texts.
        case oneOf([String])
        /// A language code configured in kb.yml.
        case language
        /// A list of scalars.
        case list
        /// A list of these texts.
        case listOf([String])
        /// A list of article ids (no spaces).
        case references
        /// A list of Prometheus alert names.
        case alertNames
        /// A list of error texts, `{text: …}` or `{regex: …}` (with `os:`).
        case errors
        /// A map of software to version.
        case versions
        /// A date YYYY-MM-DD.
        case date
        /// true or false.
        case boolean
        /// A map of language code to its name.
        case languageNames
        /// A map of folder to `{lang, of}`.
        case languageFolders
        /// One scalar, or a map of language code to one (a per-language title).
        case scalarPerLanguage
        /// A map of platform (windows, linux, macos) to a list of command names.
        case platformCommands
        /// Language → synonym groups: a list of phrases (two-way) or `{from: […], to: […]}` (one-way).
        case synonyms
        /// A map of name to an article id.
        case articleMap
    }

    public struct Field: Sendable {
        public var key: String
        public var shape: Shape
        public var help: String
    }

    public static let alertNamePattern = "^[A-Za-z_:][A-Za-z0-9_:]*$"
    public static let datePattern = #"^\d{4}-\d{2}-\d{2}$"#
    static let slugPattern = "^[a-z0-9][a-z0-9-]*$"

    /// Article front matter (DESIGN §4), in the order the writing guide lists it.
    public static let frontMatter: [Field] = [
        Field(key: "id", shape: .slug, help: "Short id; default: the file name without its language suffix."),
        Field(key: "title", shape: .scalar, help: "Required unless the body starts with a level-1 heading."),
        Field(key: "kind", shape: .oneOf(ArticleKind.allCases.map(\.rawValue)), help: "Troubleshooting role of the article."),
        Field(key: "summary", shape: .scalar, help: "One sentence, shown in results."),
        Field(key: "lang", shape: .language, help: "Language of the file when neither its name nor its folder says it."),
        Field(key: "platforms", shape: .listOf(Platform.allCases.map(\.rawValue)), help: "Environments the article applies to."),
        Field(key: "tools", shape: .list, help: "Software the article is about."),
        Field(key: "env", shape: .list, help: "Environment variables the article is about."),
        Field(key: "components", shape: .list, help: "Cluster components the article is about."),
        Field(key: "tags", shape: .list, help: "Free tags."),
        Field(key: "errors", shape: .errors, help: "Exact error texts that identify this article in a log; {text: …} or {regex: …} with os: for the platforms that print it."),
        Field(key: "causes", shape: .references, help: "Symptom → the ids of its cause articles."),
        Field(key: "fixes", shape: .references, help: "Cause → the ids of its fix articles."),
        Field(key: "see_also", shape: .references, help: "Related article ids."),
        Field(key: "requires", shape: .references, help: "Prerequisite article ids (must be acyclic)."),
        Field(key: "alerts", shape: .alertNames, help: "Prometheus alerts this article is the runbook for."),
        Field(key: "severity", shape: .oneOf(Severity.allCases.map(\.rawValue)), help: "Severity of a runbook's alert."),
        Field(key: "sources", shape: .list, help: "URLs or citations for the article's non-obvious facts."),
        Field(key: "verified", shape: .versions, help: "Software → the version the content was checked against."),
        Field(key: "updated", shape: .date, help: "Date of the last review, YYYY-MM-DD."),
    ]

    /// kb.yml (every setting optional).
    public static let config: [Field] = [
        Field(key: "title", shape: .scalarPerLanguage, help: "Site title, or one per language: {en: …, zh: …}."),
        Field(key: "base_url", shape: .scalar, help: "Absolute URL the site is served from (feeds, sitemap, alert rules)."),
        Field(key: "default_lang", shape: .scalar, help: "Language of files without a language suffix; default en."),
        Field(key: "languages", shape: .languageNames, help: "Language code → the name shown in the language switch, in order."),
        Field(key: "lang_dirs", shape: .languageFolders, help: "Folder → the language of every file under it, and the folder it translates."),
        Field(key: "raw_html", shape: .boolean, help: "Pass raw HTML in Markdown through instead of escaping it."),
        Field(key: "content", shape: .scalar, help: "Content folder, relative to kb.yml."),
        Field(key: "strict", shape: .boolean, help: "Completeness rules: symptoms need error texts, causes a check and a fix, articles a source."),
        Field(key: "platform_commands", shape: .platformCommands, help: "Commands that exist only on one platform, for the platform lint: linux: [ionice]."),
        Field(key: "synonyms", shape: .synonyms, help: "Query-time synonyms per language: [antivirus, AV] (two-way) or {from: [qiniu], to: [goproxy.cn]} (one-way)."),
        Field(key: "advice", shape: .articleMap, help: "The article that explains each dangerous-advice rule of kb check: setx-path: path-truncated-by-setx."),
        Field(key: "compat", shape: .oneOf(CompatMode.allCases.map(\.rawValue)), help: "The generator the content was written for; detected when absent."),
    ]

    /// The front-matter schema; `languages` (a KB's codes) makes `lang` an enumeration.
    public static func frontMatterSchema(languages: [String]? = nil) -> Data {
        document(title: "kb article front matter", fields: frontMatter, languages: languages)
    }

    public static func configSchema() -> Data {
        document(title: "kb configuration (kb.yml)", fields: config, languages: nil)
    }

    static func document(title: String, fields: [Field], languages: [String]?) -> Data {
        var properties: [String: Any] = [:]
        for f in fields {
            var p = schema(f.shape, languages: languages)
            p["description"] = f.help
            properties[f.key] = p
        }
        let root: [String: Any] = [
            "$schema": "http://json-schema.org/draft-07/schema#",
            "title": title,
            "type": "object",
            "properties": properties,
            "additionalProperties": false,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return data + Data("\n".utf8)
    }

    /// YAML scalars as JSON: kb reads text, numbers and booleans alike as text.
    static let scalarTypes = ["string", "number", "boolean", "null"]

    static func schema(_ shape: Shape, languages: [String]?) -> [String: Any] {
        func list(_ items: [String: Any]) -> [String: Any] { ["type": "array", "items": items] }
        switch shape {
        case .scalar: return ["type": scalarTypes]
        case .slug: return ["type": ["string", "integer"], "minimum": 0, "pattern": slugPattern]
        case .oneOf(let values): return ["enum": values]
        case .language: return languages.map { ["enum": $0] } ?? ["type": "string"]
        case .list: return list(["type": scalarTypes])
        case .listOf(let values): return list(["enum": values])
        case .references: return list(["type": ["string", "number", "boolean"], "pattern": "^[^ ]+$"])
        case .alertNames: return list(["type": ["string", "boolean"], "pattern": alertNamePattern])
        case .errors:
            let text: [String: Any] = ["type": ["string", "number", "boolean"], "pattern": "\\S"]
            let platforms = Platform.allCases.map(\.rawValue)
            return list(["anyOf": [
                text,
                // {text: …} or {regex: …}, optionally with the platforms that print it.
                ["type": "object",
                 "properties": ["text": text, "regex": text,
                                "os": ["anyOf": [["enum": platforms], ["type": "array", "items": ["enum": platforms]]]]],
                 "oneOf": [["required": ["text"]], ["required": ["regex"]]],
                 "additionalProperties": false],
            ]])
        case .versions: return ["type": "object", "additionalProperties": ["type": scalarTypes]]
        case .date: return ["type": "string", "pattern": datePattern]
        case .boolean: return ["type": "boolean"]
        case .languageNames: return ["type": "object", "additionalProperties": ["type": scalarTypes]]
        case .scalarPerLanguage:
            return ["anyOf": [["type": scalarTypes], ["type": "object", "additionalProperties": ["type": scalarTypes]]]]
        case .synonyms:
            let phrases: [String: Any] = ["type": "array", "items": ["type": scalarTypes]]
            let group: [String: Any] = ["anyOf": [phrases, ["type": "object", "required": ["from", "to"],
                                                              "properties": ["from": phrases, "to": phrases], "additionalProperties": false]]]
            return ["type": "object", "additionalProperties": ["type": "array", "items": group]]
        case .articleMap: return ["type": "object", "additionalProperties": ["type": "string"]]
        case .platformCommands:
            let commands: [String: Any] = ["type": "array", "items": ["type": "string"]]
            return ["type": "object", "properties": ["windows": commands, "linux": commands, "macos": commands], "additionalProperties": false]
        case .languageFolders:
            return ["type": "object", "additionalProperties": [
                "type": "object", "required": ["lang"],
                "properties": ["lang": ["type": "string"], "of": ["type": "string"]],
            ]]
        }
    }
}
