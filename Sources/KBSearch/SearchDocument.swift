import Foundation
import KBContent
import KBCore
import KBMarkdown

/// One article as search sees it: display fields, facets and the text of each weighted field.
public struct SearchDocument: Sendable, Codable, Hashable {
    /// Every field, behind one reference (`CopyOnWrite`): the index binds, passes and stores
    /// documents by value (the stored ones by path, each language's list, the site's files), and a
    /// copy of the 19 fields retained and released each of them — the largest source of retains of
    /// an edit's search refresh. The store's and the site's forms are the fields'.
    struct Fields: Sendable, Codable, Hashable {
        var id: String
        var canonicalID: String
        var lang: String
        var url: String
        var title: String
        var kind: String
        var summary: String
        var platforms: [String]
        var tools: [String]
        var tags: [String]
        var errors: [String]
        var patterns: [String]
        var fields: [String]
        var path: String
        var contentHash: String
        var alerts: [String] = []
        var causes: [String] = []
        var causeDocs: [Int] = []
        var errorWords: [String] = []
    }

    private var storage: CopyOnWrite<Fields>

    public init(id: String, canonicalID: String, lang: String, url: String, title: String, kind: String, summary: String,
                platforms: [String], tools: [String], tags: [String], errors: [String], patterns: [String], fields: [String],
                path: String, contentHash: String, alerts: [String] = [], causes: [String] = [], causeDocs: [Int] = [],
                errorWords: [String] = []) {
        storage = CopyOnWrite(Fields(id: id, canonicalID: canonicalID, lang: lang, url: url, title: title, kind: kind, summary: summary,
                                     platforms: platforms, tools: tools, tags: tags, errors: errors, patterns: patterns, fields: fields,
                                     path: path, contentHash: contentHash, alerts: alerts, causes: causes, causeDocs: causeDocs,
                                     errorWords: errorWords))
    }

    public init(from decoder: any Decoder) throws { storage = try CopyOnWrite(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try storage.encode(to: encoder) }
    public static func == (a: SearchDocument, b: SearchDocument) -> Bool { a.storage == b.storage }
    public func hash(into hasher: inout Hasher) { storage.hash(into: &hasher) }

    public var id: String {
        get { storage.fields.id }
        set { storage.fields.id = newValue }
        _modify { yield &storage.fields.id }
    }
    public var canonicalID: String {
        get { storage.fields.canonicalID }
        set { storage.fields.canonicalID = newValue }
        _modify { yield &storage.fields.canonicalID }
    }
    public var lang: String {
        get { storage.fields.lang }
        set { storage.fields.lang = newValue }
        _modify { yield &storage.fields.lang }
    }
    /// Site-relative page path (`go-windows/x509-certificate-error.html`).
    public var url: String {
        get { storage.fields.url }
        set { storage.fields.url = newValue }
        _modify { yield &storage.fields.url }
    }
    public var title: String {
        get { storage.fields.title }
        set { storage.fields.title = newValue }
        _modify { yield &storage.fields.title }
    }
    public var kind: String {
        get { storage.fields.kind }
        set { storage.fields.kind = newValue }
        _modify { yield &storage.fields.kind }
    }
    public var summary: String {
        get { storage.fields.summary }
        set { storage.fields.summary = newValue }
        _modify { yield &storage.fields.summary }
    }
    public var platforms: [String] {
        get { storage.fields.platforms }
        set { storage.fields.platforms = newValue }
        _modify { yield &storage.fields.platforms }
    }
    public var tools: [String] {
        get { storage.fields.tools }
        set { storage.fields.tools = newValue }
        _modify { yield &storage.fields.tools }
    }
    public var tags: [String] {
        get { storage.fields.tags }
        set { storage.fields.tags = newValue }
        _modify { yield &storage.fields.tags }
    }
    /// Literal error texts: matched whole by the exact-error tier. A runbook's alert names are
    /// among them (an alert name in a pasted notification names its runbook).
    public var errors: [String] {
        get { storage.fields.errors }
        set { storage.fields.errors = newValue }
        _modify { yield &storage.fields.errors }
    }
    /// Regex error texts: `kb match` runs them on log lines.
    public var patterns: [String] {
        get { storage.fields.patterns }
        set { storage.fields.patterns = newValue }
        _modify { yield &storage.fields.patterns }
    }
    /// Every field's text, in `Field` order.
    public var fields: [String] {
        get { storage.fields.fields }
        set { storage.fields.fields = newValue }
        _modify { yield &storage.fields.fields }
    }
    /// Source path and content hash: the index reuses a document whose hash has not changed.
    public var path: String {
        get { storage.fields.path }
        set { storage.fields.path = newValue }
        _modify { yield &storage.fields.path }
    }
    public var contentHash: String {
        get { storage.fields.contentHash }
        set { storage.fields.contentHash = newValue }
        _modify { yield &storage.fields.contentHash }
    }
    /// The alert names a runbook answers (`alerts:`): decisive error texts of their own.
    public var alerts: [String] {
        get { storage.fields.alerts }
        set { storage.fields.alerts = newValue }
        _modify { yield &storage.fields.alerts }
    }
    /// A symptom's causes as written (`causes:` ids): words of a query beyond the symptom's error
    /// texts may point at one (docs/search.md §Ranking, step 5).
    public var causes: [String] {
        get { storage.fields.causes }
        set { storage.fields.causes = newValue }
        _modify { yield &storage.fields.causes }
    }
    /// Those causes as document numbers of this language's index (`LanguageIndex` resolves them).
    public var causeDocs: [Int] {
        get { storage.fields.causeDocs }
        set { storage.fields.causeDocs = newValue }
        _modify { yield &storage.fields.causeDocs }
    }
    /// For a document with causes: the distinct query-mode terms of its error texts (literal and
    /// regex), which a query's own words are told apart from.
    public var errorWords: [String] {
        get { storage.fields.errorWords }
        set { storage.fields.errorWords = newValue }
        _modify { yield &storage.fields.errorWords }
    }

    public var body: String { fields[Field.body.rawValue] }

    public func facetValues(_ facet: Facet) -> [String] {
        switch facet {
        case .lang: return [lang]
        case .kind: return [kind]
        case .platform: return platforms
        case .tool: return tools
        case .tag: return tags
        }
    }
}

/// The weighted fields, in the order stored everywhere.
public enum Field: Int, Sendable, CaseIterable {
    case title, errors, summary, headings, body, code

    /// BM25F weight and length normalisation (docs/search.md).
    public var weight: Double { [4, 3, 2, 1.5, 1, 0.7][rawValue] }
    public var b: Double { [0.3, 0.3, 0.5, 0.5, 0.75, 0.75][rawValue] }
}

/// Filters a query can take.
public enum Facet: String, Sendable, CaseIterable, Codable {
    case lang, kind, platform, tool, tag
}

extension SearchDocument {
    /// Builds the document from an article and its parsed body.
    public static func make(article a: Article, document: MarkdownDocument, url: String) -> SearchDocument {
        var headings: [String] = []
        var body: [String] = []
        var code: [String] = []
        var skippedTitle = false
        func inline(_ n: MarkdownNode) -> String {
            switch n.kind {
            case .text, .code: return n.literal
            case .softBreak, .lineBreak: return " "
            case .htmlInline: return ""
            case .image: return n.children.map(inline).joined()
            default: return n.children.map(inline).joined()
            }
        }
        func block(_ n: MarkdownNode) {
            switch n.kind {
            case .heading:
                let text = inline(n)
                if n.level == 1, !skippedTitle, text.trimmingCharacters(in: .whitespaces) == a.title {
                    skippedTitle = true
                    return
                }
                headings.append(text)
            case .codeBlock:
                code.append(n.literal)
            case .htmlBlock, .thematicBreak:
                return
            case .paragraph:
                body.append(inline(n))
            case .tableRow:
                body.append(n.children.map(inline).joined(separator: " · "))
            default:
                for child in n.children { block(child) }
            }
        }
        block(document.root)
        let literalErrors = a.errors.filter { !$0.isRegex }.map(\.text)
        let errorText = a.errors.map { $0.isRegex ? regexSkeleton($0.text) : $0.text }
        let keywords = a.tools + a.env + a.components + a.tags + a.alerts
        var fields = Array(repeating: "", count: Field.allCases.count)
        fields[Field.title.rawValue] = a.title
        fields[Field.errors.rawValue] = errorText.joined(separator: "\n")
        fields[Field.summary.rawValue] = a.summary
        fields[Field.headings.rawValue] = (headings + keywords).joined(separator: "\n")
        fields[Field.body.rawValue] = body.joined(separator: "\n")
        fields[Field.code.rawValue] = code.joined(separator: "\n")
        return SearchDocument(id: a.shortID, canonicalID: a.canonicalID, lang: a.lang, url: url, title: a.title,
                              kind: a.kind.rawValue, summary: a.summary, platforms: a.platforms.map(\.rawValue),
                              tools: a.tools, tags: a.tags, errors: literalErrors + a.alerts.filter { !literalErrors.contains($0) },
                              patterns: a.errors.filter(\.isRegex).map(\.text), fields: fields,
                              path: a.path, contentHash: a.contentHash, alerts: a.alerts, causes: a.causes.map(\.id),
                              errorWords: a.causes.isEmpty ? [] : errorWords(errorText + a.alerts))
    }

    /// The distinct query-mode terms of error texts, in UTF-16 order (both engines compare them with
    /// a query's terms).
    static func errorWords(_ texts: [String]) -> [String] {
        Set(texts.flatMap { ErrorText.parse($0).terms }).sorted(by: utf16Less)
    }

    /// The literal words of an error regex (`dial tcp \S+: i/o timeout` → `dial tcp : i/o timeout`),
    /// so a pasted message finds it by its words.
    static func regexSkeleton(_ pattern: String) -> String {
        var out = ""
        var escaped = false
        for ch in pattern {
            if escaped {
                escaped = false
                if "SsDdWwBbAzZ".contains(ch) { out.append(" ") } else { out.append(ch) }
                continue
            }
            if ch == "\\" { escaped = true; continue }
            if "()[]{}|+*?^$.".contains(ch) { out.append(" ") } else { out.append(ch) }
        }
        return out
    }
}
