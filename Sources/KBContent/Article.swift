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
    /// Every field, behind one reference: an article is copied wherever it is bound or passed
    /// (`for a in graph.articles`, a closure's argument), and a copy of its 41 fields retained and
    /// released each of them — with the fields boxed a copy is one retain, and the first change
    /// to a shared article copies its fields once (copy on write). Encoded, hashed and compared
    /// as the fields themselves: the cache's bytes and every JSON form are unchanged.
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

    // @unchecked: a box is changed only through `unshare()`, by the one article holding it.
    private final class Box: @unchecked Sendable {
        var fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    private var box: Box

    init(fields: Fields) { box = Box(fields) }

    public init(from decoder: any Decoder) throws { box = Box(try Fields(from: decoder)) }
    public func encode(to encoder: any Encoder) throws { try box.fields.encode(to: encoder) }
    public static func == (a: Article, b: Article) -> Bool { a.box === b.box || a.box.fields == b.box.fields }
    public func hash(into hasher: inout Hasher) { box.fields.hash(into: &hasher) }

    /// Gives this article a box of its own before its first change while the box is shared.
    private mutating func unshare() {
        if !isKnownUniquelyReferenced(&box) { box = Box(box.fields) }
    }

    /// Path relative to the content root, `/`-separated.
    public var path: String {
        get { box.fields.path }
        set { unshare(); box.fields.path = newValue }
        _modify { unshare(); yield &box.fields.path }
    }
    /// Path as shown in messages (relative to where kb was run, when possible).
    public var displayPath: String {
        get { box.fields.displayPath }
        set { unshare(); box.fields.displayPath = newValue }
        _modify { unshare(); yield &box.fields.displayPath }
    }
    /// Path under the content root without extension and language suffix.
    public var canonicalID: String {
        get { box.fields.canonicalID }
        set { unshare(); box.fields.canonicalID = newValue }
        _modify { unshare(); yield &box.fields.canonicalID }
    }
    /// Front-matter `id`, or the file name without suffixes.
    public var shortID: String {
        get { box.fields.shortID }
        set { unshare(); box.fields.shortID = newValue }
        _modify { unshare(); yield &box.fields.shortID }
    }
    public var hasExplicitID: Bool {
        get { box.fields.hasExplicitID }
        set { unshare(); box.fields.hasExplicitID = newValue }
        _modify { unshare(); yield &box.fields.hasExplicitID }
    }
    public var idLocation: SourceLocation? {
        get { box.fields.idLocation }
        set { unshare(); box.fields.idLocation = newValue }
        _modify { unshare(); yield &box.fields.idLocation }
    }
    public var lang: String {
        get { box.fields.lang }
        set { unshare(); box.fields.lang = newValue }
        _modify { unshare(); yield &box.fields.lang }
    }
    /// `_index.md`: describes its folder.
    public var isSectionIndex: Bool {
        get { box.fields.isSectionIndex }
        set { unshare(); box.fields.isSectionIndex = newValue }
        _modify { unshare(); yield &box.fields.isSectionIndex }
    }
    /// The folder the article lives in (canonical), "" at the root.
    public var section: String {
        get { box.fields.section }
        set { unshare(); box.fields.section = newValue }
        _modify { unshare(); yield &box.fields.section }
    }
    public var title: String {
        get { box.fields.title }
        set { unshare(); box.fields.title = newValue }
        _modify { unshare(); yield &box.fields.title }
    }
    /// True when the title came from the body's first H1 (the page then does not repeat it).
    public var titleFromHeading: Bool {
        get { box.fields.titleFromHeading }
        set { unshare(); box.fields.titleFromHeading = newValue }
        _modify { unshare(); yield &box.fields.titleFromHeading }
    }
    public var kind: ArticleKind {
        get { box.fields.kind }
        set { unshare(); box.fields.kind = newValue }
        _modify { unshare(); yield &box.fields.kind }
    }
    public var kindLocation: SourceLocation? {
        get { box.fields.kindLocation }
        set { unshare(); box.fields.kindLocation = newValue }
        _modify { unshare(); yield &box.fields.kindLocation }
    }
    public var summary: String {
        get { box.fields.summary }
        set { unshare(); box.fields.summary = newValue }
        _modify { unshare(); yield &box.fields.summary }
    }
    public var platforms: [Platform] {
        get { box.fields.platforms }
        set { unshare(); box.fields.platforms = newValue }
        _modify { unshare(); yield &box.fields.platforms }
    }
    public var tools: [String] {
        get { box.fields.tools }
        set { unshare(); box.fields.tools = newValue }
        _modify { unshare(); yield &box.fields.tools }
    }
    public var env: [String] {
        get { box.fields.env }
        set { unshare(); box.fields.env = newValue }
        _modify { unshare(); yield &box.fields.env }
    }
    public var components: [String] {
        get { box.fields.components }
        set { unshare(); box.fields.components = newValue }
        _modify { unshare(); yield &box.fields.components }
    }
    public var tags: [String] {
        get { box.fields.tags }
        set { unshare(); box.fields.tags = newValue }
        _modify { unshare(); yield &box.fields.tags }
    }
    public var errors: [ErrorSignature] {
        get { box.fields.errors }
        set { unshare(); box.fields.errors = newValue }
        _modify { unshare(); yield &box.fields.errors }
    }
    public var causes: [Ref] {
        get { box.fields.causes }
        set { unshare(); box.fields.causes = newValue }
        _modify { unshare(); yield &box.fields.causes }
    }
    public var fixes: [Ref] {
        get { box.fields.fixes }
        set { unshare(); box.fields.fixes = newValue }
        _modify { unshare(); yield &box.fields.fixes }
    }
    public var seeAlso: [Ref] {
        get { box.fields.seeAlso }
        set { unshare(); box.fields.seeAlso = newValue }
        _modify { unshare(); yield &box.fields.seeAlso }
    }
    public var requires: [Ref] {
        get { box.fields.requires }
        set { unshare(); box.fields.requires = newValue }
        _modify { unshare(); yield &box.fields.requires }
    }
    public var alerts: [String] {
        get { box.fields.alerts }
        set { unshare(); box.fields.alerts = newValue }
        _modify { unshare(); yield &box.fields.alerts }
    }
    public var severity: Severity? {
        get { box.fields.severity }
        set { unshare(); box.fields.severity = newValue }
        _modify { unshare(); yield &box.fields.severity }
    }
    public var sources: [String] {
        get { box.fields.sources }
        set { unshare(); box.fields.sources = newValue }
        _modify { unshare(); yield &box.fields.sources }
    }
    /// Software → version, in the order written.
    public var verified: [[String]] {
        get { box.fields.verified }
        set { unshare(); box.fields.verified = newValue }
        _modify { unshare(); yield &box.fields.verified }
    }
    public var updated: String? {
        get { box.fields.updated }
        set { unshare(); box.fields.updated = newValue }
        _modify { unshare(); yield &box.fields.updated }
    }
    // Read from other generators' front matter (see Compat/).
    /// Position among its siblings (`weight`, `sidebar_position`, `nav_order`); lower first.
    public var order: Double? {
        get { box.fields.order }
        set { unshare(); box.fields.order = newValue }
        _modify { unshare(); yield &box.fields.order }
    }
    /// Old addresses that redirect here (`aliases`, `redirect_from`), as written.
    public var aliases: [String] {
        get { box.fields.aliases }
        set { unshare(); box.fields.aliases = newValue }
        _modify { unshare(); yield &box.fields.aliases }
    }
    /// Not published unless the build asks for drafts.
    public var draft: Bool {
        get { box.fields.draft }
        set { unshare(); box.fields.draft = newValue }
        _modify { unshare(); yield &box.fields.draft }
    }
    /// The address the source generator served the page at (`slug`, `url`), site-absolute.
    public var address: String? {
        get { box.fields.address }
        set { unshare(); box.fields.address = newValue }
        _modify { unshare(); yield &box.fields.address }
    }
    /// A shorter title for navigation (`linkTitle`, `sidebar_label`).
    public var navTitle: String? {
        get { box.fields.navTitle }
        set { unshare(); box.fields.navTitle = newValue }
        _modify { unshare(); yield &box.fields.navTitle }
    }
    /// Page parts the author hid (MkDocs `hide`: `toc`, `navigation`).
    public var hide: [String] {
        get { box.fields.hide }
        set { unshare(); box.fields.hide = newValue }
        _modify { unshare(); yield &box.fields.hide }
    }
    /// Front-matter keys kb does not use, kept for templates: [key, value as written].
    public var extra: [[String]] {
        get { box.fields.extra }
        set { unshare(); box.fields.extra = newValue }
        _modify { unshare(); yield &box.fields.extra }
    }
    public var headings: [Heading] {
        get { box.fields.headings }
        set { unshare(); box.fields.headings = newValue }
        _modify { unshare(); yield &box.fields.headings }
    }
    public var links: [Link] {
        get { box.fields.links }
        set { unshare(); box.fields.links = newValue }
        _modify { unshare(); yield &box.fields.links }
    }
    public var blocks: [Block] {
        get { box.fields.blocks }
        set { unshare(); box.fields.blocks = newValue }
        _modify { unshare(); yield &box.fields.blocks }
    }
    /// Problems found while parsing this file alone.
    public var diagnostics: [Diagnostic] {
        get { box.fields.diagnostics }
        set { unshare(); box.fields.diagnostics = newValue }
        _modify { unshare(); yield &box.fields.diagnostics }
    }
    public var contentHash: String {
        get { box.fields.contentHash }
        set { unshare(); box.fields.contentHash = newValue }
        _modify { unshare(); yield &box.fields.contentHash }
    }
    /// The first location in the file, for messages about the whole article.
    public var location: SourceLocation { SourceLocation(path: displayPath, line: 1, column: 1) }

    public var checks: [Block] { blocks.filter { $0.role == .check } }
    public var fixBlocks: [Block] { blocks.filter { $0.role == .fix } }
}
