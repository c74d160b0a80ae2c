import KBCore
import KBMarkdown

public enum ArticleKind: String, Sendable, Codable, CaseIterable {
    case symptom, cause, fix, concept, runbook, reference
}

public enum Platform: String, Sendable, Codable, CaseIterable {
    case windows, linux, macos, kubernetes
}

public enum Severity: String, Sendable, Codable, CaseIterable {
    case critical, warning, info
}

/// A reference to another article by id, with where it was written.
public struct Ref: Sendable, Hashable, Codable {
    public var id: String
    public var location: SourceLocation
    public init(id: String, location: SourceLocation) {
        self.id = id
        self.location = location
    }
}

/// An exact error text (or regex) that identifies an article in a log.
public struct ErrorSignature: Sendable, Hashable, Codable {
    public var text: String
    public var isRegex: Bool
    public var location: SourceLocation
    /// Where this text can be produced (`os:` in `{text: …, os: windows}`); empty means anywhere.
    public var platforms: [Platform] = []

    public init(text: String, isRegex: Bool, location: SourceLocation, platforms: [Platform] = []) {
        self.text = text
        self.isRegex = isRegex
        self.location = location
        self.platforms = platforms
    }

    /// Only Windows can print it, so no run on this machine can prove it.
    public var isWindowsOnly: Bool { platforms == [.windows] }
}

/// A link written in the body.
public struct Link: Sendable, Hashable, Codable {
    public var url: String
    public var location: SourceLocation
    /// The link's text (some generators resolve a bare destination by it).
    public var text: String = ""
}

public struct Heading: Sendable, Hashable, Codable {
    public var level: Int
    public var text: String
    public var anchor: String
    public var location: SourceLocation
}

/// One Markdown file, parsed: everything the graph, the checks and the site need except the body
/// tree (re-parsed when a page is rendered, so the cache stays small).
public struct Article: Sendable, Hashable, Codable {
    /// Every field, behind one reference (`CopyOnWrite`): an article is copied wherever it is bound
    /// or passed (`for a in graph.articles`, a closure's argument — 38 loops over every article),
    /// and a copy of its 41 fields retained and released each of them. The cache's bytes and every
    /// JSON form are the fields'.
    struct Fields: Sendable, Hashable, Codable {
        var path: String
        var displayPath: String
        var canonicalID: String
        var shortID: String
        var hasExplicitID: Bool
        var idLocation: SourceLocation?
        var lang: String
        var isSectionIndex: Bool
        var section: String

        var title: String
        var titleFromHeading: Bool
        var kind: ArticleKind
        var kindLocation: SourceLocation?
        var summary: String
        var platforms: [Platform] = []
        var tools: [String] = []
        var env: [String] = []
        var components: [String] = []
        var tags: [String] = []
        var errors: [ErrorSignature] = []
        var causes: [Ref] = []
        var fixes: [Ref] = []
        var seeAlso: [Ref] = []
        var requires: [Ref] = []
        var alerts: [String] = []
        var severity: Severity?
        var sources: [String] = []
        var verified: [[String]] = []
        var updated: String?

        var order: Double?
        var aliases: [String] = []
        var draft = false
        var address: String?
        var navTitle: String?
        var hide: [String] = []
        var extra: [[String]] = []

        var headings: [Heading] = []
        var links: [Link] = []
        var blocks: [Block] = []
        var diagnostics: [Diagnostic] = []
        var contentHash: String
    }

    private var storage: CopyOnWrite<Fields>

    init(fields: Fields) { storage = CopyOnWrite(fields) }

    public init(from decoder: any Decoder) throws { storage = try CopyOnWrite(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try storage.encode(to: encoder) }
    public static func == (a: Article, b: Article) -> Bool { a.storage == b.storage }
    public func hash(into hasher: inout Hasher) { storage.hash(into: &hasher) }

    /// Path relative to the content root, `/`-separated.
    public var path: String {
        get { storage.fields.path }
        set { storage.fields.path = newValue }
        _modify { yield &storage.fields.path }
    }
    /// Path as shown in messages (relative to where kb was run, when possible).
    public var displayPath: String {
        get { storage.fields.displayPath }
        set { storage.fields.displayPath = newValue }
        _modify { yield &storage.fields.displayPath }
    }
    /// Path under the content root without extension and language suffix.
    public var canonicalID: String {
        get { storage.fields.canonicalID }
        set { storage.fields.canonicalID = newValue }
        _modify { yield &storage.fields.canonicalID }
    }
    /// Front-matter `id`, or the file name without suffixes.
    public var shortID: String {
        get { storage.fields.shortID }
        set { storage.fields.shortID = newValue }
        _modify { yield &storage.fields.shortID }
    }
    public var hasExplicitID: Bool {
        get { storage.fields.hasExplicitID }
        set { storage.fields.hasExplicitID = newValue }
        _modify { yield &storage.fields.hasExplicitID }
    }
    public var idLocation: SourceLocation? {
        get { storage.fields.idLocation }
        set { storage.fields.idLocation = newValue }
        _modify { yield &storage.fields.idLocation }
    }
    public var lang: String {
        get { storage.fields.lang }
        set { storage.fields.lang = newValue }
        _modify { yield &storage.fields.lang }
    }
    /// `_index.md`: describes its folder.
    public var isSectionIndex: Bool {
        get { storage.fields.isSectionIndex }
        set { storage.fields.isSectionIndex = newValue }
        _modify { yield &storage.fields.isSectionIndex }
    }
    /// The folder the article lives in (canonical), "" at the root.
    public var section: String {
        get { storage.fields.section }
        set { storage.fields.section = newValue }
        _modify { yield &storage.fields.section }
    }
    public var title: String {
        get { storage.fields.title }
        set { storage.fields.title = newValue }
        _modify { yield &storage.fields.title }
    }
    /// True when the title came from the body's first H1 (the page then does not repeat it).
    public var titleFromHeading: Bool {
        get { storage.fields.titleFromHeading }
        set { storage.fields.titleFromHeading = newValue }
        _modify { yield &storage.fields.titleFromHeading }
    }
    public var kind: ArticleKind {
        get { storage.fields.kind }
        set { storage.fields.kind = newValue }
        _modify { yield &storage.fields.kind }
    }
    public var kindLocation: SourceLocation? {
        get { storage.fields.kindLocation }
        set { storage.fields.kindLocation = newValue }
        _modify { yield &storage.fields.kindLocation }
    }
    public var summary: String {
        get { storage.fields.summary }
        set { storage.fields.summary = newValue }
        _modify { yield &storage.fields.summary }
    }
    public var platforms: [Platform] {
        get { storage.fields.platforms }
        set { storage.fields.platforms = newValue }
        _modify { yield &storage.fields.platforms }
    }
    public var tools: [String] {
        get { storage.fields.tools }
        set { storage.fields.tools = newValue }
        _modify { yield &storage.fields.tools }
    }
    public var env: [String] {
        get { storage.fields.env }
        set { storage.fields.env = newValue }
        _modify { yield &storage.fields.env }
    }
    public var components: [String] {
        get { storage.fields.components }
        set { storage.fields.components = newValue }
        _modify { yield &storage.fields.components }
    }
    public var tags: [String] {
        get { storage.fields.tags }
        set { storage.fields.tags = newValue }
        _modify { yield &storage.fields.tags }
    }
    public var errors: [ErrorSignature] {
        get { storage.fields.errors }
        set { storage.fields.errors = newValue }
        _modify { yield &storage.fields.errors }
    }
    public var causes: [Ref] {
        get { storage.fields.causes }
        set { storage.fields.causes = newValue }
        _modify { yield &storage.fields.causes }
    }
    public var fixes: [Ref] {
        get { storage.fields.fixes }
        set { storage.fields.fixes = newValue }
        _modify { yield &storage.fields.fixes }
    }
    public var seeAlso: [Ref] {
        get { storage.fields.seeAlso }
        set { storage.fields.seeAlso = newValue }
        _modify { yield &storage.fields.seeAlso }
    }
    public var requires: [Ref] {
        get { storage.fields.requires }
        set { storage.fields.requires = newValue }
        _modify { yield &storage.fields.requires }
    }
    public var alerts: [String] {
        get { storage.fields.alerts }
        set { storage.fields.alerts = newValue }
        _modify { yield &storage.fields.alerts }
    }
    public var severity: Severity? {
        get { storage.fields.severity }
        set { storage.fields.severity = newValue }
        _modify { yield &storage.fields.severity }
    }
    public var sources: [String] {
        get { storage.fields.sources }
        set { storage.fields.sources = newValue }
        _modify { yield &storage.fields.sources }
    }
    /// Software → version, in the order written.
    public var verified: [[String]] {
        get { storage.fields.verified }
        set { storage.fields.verified = newValue }
        _modify { yield &storage.fields.verified }
    }
    public var updated: String? {
        get { storage.fields.updated }
        set { storage.fields.updated = newValue }
        _modify { yield &storage.fields.updated }
    }
    // Read from other generators' front matter (see Compat/).
    /// Position among its siblings (`weight`, `sidebar_position`, `nav_order`); lower first.
    public var order: Double? {
        get { storage.fields.order }
        set { storage.fields.order = newValue }
        _modify { yield &storage.fields.order }
    }
    /// Old addresses that redirect here (`aliases`, `redirect_from`), as written.
    public var aliases: [String] {
        get { storage.fields.aliases }
        set { storage.fields.aliases = newValue }
        _modify { yield &storage.fields.aliases }
    }
    /// Not published unless the build asks for drafts.
    public var draft: Bool {
        get { storage.fields.draft }
        set { storage.fields.draft = newValue }
        _modify { yield &storage.fields.draft }
    }
    /// The address the source generator served the page at (`slug`, `url`), site-absolute.
    public var address: String? {
        get { storage.fields.address }
        set { storage.fields.address = newValue }
        _modify { yield &storage.fields.address }
    }
    /// A shorter title for navigation (`linkTitle`, `sidebar_label`).
    public var navTitle: String? {
        get { storage.fields.navTitle }
        set { storage.fields.navTitle = newValue }
        _modify { yield &storage.fields.navTitle }
    }
    /// Page parts the author hid (MkDocs `hide`: `toc`, `navigation`).
    public var hide: [String] {
        get { storage.fields.hide }
        set { storage.fields.hide = newValue }
        _modify { yield &storage.fields.hide }
    }
    /// Front-matter keys kb does not use, kept for templates: [key, value as written].
    public var extra: [[String]] {
        get { storage.fields.extra }
        set { storage.fields.extra = newValue }
        _modify { yield &storage.fields.extra }
    }
    public var headings: [Heading] {
        get { storage.fields.headings }
        set { storage.fields.headings = newValue }
        _modify { yield &storage.fields.headings }
    }
    public var links: [Link] {
        get { storage.fields.links }
        set { storage.fields.links = newValue }
        _modify { yield &storage.fields.links }
    }
    public var blocks: [Block] {
        get { storage.fields.blocks }
        set { storage.fields.blocks = newValue }
        _modify { yield &storage.fields.blocks }
    }
    /// Problems found while parsing this file alone.
    public var diagnostics: [Diagnostic] {
        get { storage.fields.diagnostics }
        set { storage.fields.diagnostics = newValue }
        _modify { yield &storage.fields.diagnostics }
    }
    public var contentHash: String {
        get { storage.fields.contentHash }
        set { storage.fields.contentHash = newValue }
        _modify { yield &storage.fields.contentHash }
    }
    /// The first location in the file, for messages about the whole article.
    public var location: SourceLocation { SourceLocation(path: displayPath, line: 1, column: 1) }

    public var checks: [Block] { blocks.filter { $0.role == .check } }
    public var fixBlocks: [Block] { blocks.filter { $0.role == .fix } }
}
