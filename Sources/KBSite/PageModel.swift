import KBCore
/// What a template sees. One shape for every page type keeps the theme simple: a template uses
/// the fields it needs; empty lists render nothing.
public struct PageModel: Sendable, Encodable, Hashable {
    public struct Item: Sendable, Encodable, Hashable {
        public var title: String
        public var url: String
        public var kind: String = ""
        public var kindLabel: String? = nil
        public var summary: String? = nil
        public var count: Int? = nil
        public var current = false
        /// A short monospace sample shown under the title (a symptom's first error text).
        public var detail: String? = nil
        /// Small print after the title (platforms, severity).
        public var note: String? = nil
    }

    public struct Group: Sendable, Encodable, Hashable {
        public var title: String
        public var url: String? = nil
        public var items: [Item]
    }

    public struct ErrorText: Sendable, Encodable, Hashable {
        public var text: String
        public var isRegex: Bool
    }

    public struct BlockRef: Sendable, Encodable, Hashable {
        public var id: String
        public var url: String
        public var os: String?
    }

    /// One branch of the troubleshooting tree: a cause with its checks and fixes.
    public struct Branch: Sendable, Encodable, Hashable {
        public var title: String
        public var url: String
        public var summary: String?
        public var checks: [BlockRef]
        public var fixes: [Item]
    }

    /// One line of the error index: an error text and the article it leads to.
    public struct ErrorEntry: Sendable, Encodable, Hashable {
        public var text: String
        public var isRegex: Bool
        public var title: String
        public var url: String
        public var kind: String
        public var kindLabel: String
    }

    public struct ErrorGroup: Sendable, Encodable, Hashable {
        public var title: String
        public var url: String?
        public var entries: [ErrorEntry]
    }

    /// The "diagnose this" panel of a symptom: the doctor command and the standalone scripts.
    public struct Diagnose: Sendable, Encodable, Hashable {
        public var command: String
        public var scripts: [Item]
    }

    public struct Source: Sendable, Encodable, Hashable {
        public var text: String
        public var url: String?
    }

    public struct Pair: Sendable, Encodable, Hashable {
        public var name: String
        public var value: String
    }

    public struct TOCEntry: Sendable, Encodable, Hashable {
        public var text: String
        public var anchor: String
        public var level: Int
        public var sub: Bool
    }

    public struct Chrome: Sendable, Encodable, Hashable {
        public var siteTitle: String
        public var lang: String
        public var root: String
        public var homeURL: String
        public var cssURL: String
        public var jsURL: String
        public var sections: [Item]
        public var languages: [Item]
        public var t: UIText
        public var canonicalURL: String?
        public var searchURL: String
        public var errorsURL: String
        public var graphURL: String
        /// The alerts index, when the KB has runbooks for alerts.
        public var alertsURL: String?
        /// The Atom feed, when a base URL is configured.
        public var feedURL: String?
        /// Taxonomy indexes of this language, for the footer.
        public var browse: [Item]
    }

    public var template: String
    public var chrome: Chrome
    public var title: String
    public var summary: String?
    public var kind: String = ""
    public var kindLabel: String?
    public var breadcrumbs: [Item] = []

    // Articles.
    public var platforms: [Item] = []
    public var facets: [Group] = []
    public var errors: [ErrorText] = []
    public var tree: [Branch] = []
    public var ownChecks: [BlockRef] = []
    public var ownFixes: [Item] = []
    public var causedSymptoms: [Item] = []
    public var backlinks: [Item] = []
    public var seeAlso: [Item] = []
    public var requires: [Item] = []
    public var translations: [Item] = []
    public var sources: [Source] = []
    public var verified: [Pair] = []
    public var updated: String?
    public var severity: String?
    public var alerts: [Item] = []
    public var toc: [TOCEntry] = []
    public var diagnose: Diagnose?
    public var body: String = ""

    // Listings (home, sections, taxonomies).
    public var groups: [Group] = []
    public var subsections: [Item] = []
    public var items: [Item] = []
    public var errorGroups: [ErrorGroup] = []
    public var errorCount: Int?

    // Diagram pages: the DOT source (part of the page's cache key) and, at render time, its SVG.
    public var diagramSource: String?
    public var diagram: String?
    /// Pages that only lead elsewhere (alert URLs): where to go.
    public var redirectURL: String?
    /// Section and home pages of foreign docs show their index page's body (`index.md`, `_index.md`).
    public var showBody = false
    /// Front-matter keys kb does not use (other generators' `params`, `layout`, …), for templates.
    public var params: [Pair] = []

    // Flags for templates (Mustache reads stored properties only): set by `settle()`.
    public var hasErrors = false
    public var hasTree = false
    public var hasMeta = false
    public var hasRelated = false
    public var hasTOC = false

    public mutating func settle() {
        hasErrors = !errors.isEmpty
        hasTree = !tree.isEmpty || !ownChecks.isEmpty || !ownFixes.isEmpty || !causedSymptoms.isEmpty
        hasMeta = !sources.isEmpty || !verified.isEmpty || updated != nil
        hasRelated = !backlinks.isEmpty || !seeAlso.isEmpty || !requires.isEmpty
        hasTOC = toc.count >= 2
    }
}

extension String {
    /// nil for "": Mustache renders a section for any present value, empty strings included.
    public var nonEmpty: String? { isEmpty ? nil : self }
}

/// The interface strings of one language. A page's render key needs only their fingerprint,
/// computed once per language rather than re-hashing the whole table for every page.
public struct UIText: Sendable, Hashable, Encodable {
    public let table: [String: String]
    public let fingerprint: String

    public init(_ table: [String: String]) {
        self.table = table
        fingerprint = HashingEncoder.hash(table)
    }

    public subscript(key: String) -> String? { table[key] }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(fingerprint)
    }
}
