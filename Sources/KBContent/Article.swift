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
    /// Path relative to the content root, `/`-separated.
    public var path: String
    /// Path as shown in messages (relative to where kb was run, when possible).
    public var displayPath: String
    /// Path under the content root without extension and language suffix.
    public var canonicalID: String
    /// Front-matter `id`, or the file name without suffixes.
    public var shortID: String
    public var hasExplicitID: Bool
    public var idLocation: SourceLocation?
    public var lang: String
    /// `_index.md`: describes its folder.
    public var isSectionIndex: Bool
    /// The folder the article lives in (canonical), "" at the root.
    public var section: String

    public var title: String
    /// True when the title came from the body's first H1 (the page then does not repeat it).
    public var titleFromHeading: Bool
    public var kind: ArticleKind
    public var kindLocation: SourceLocation?
    public var summary: String
    public var platforms: [Platform] = []
    public var tools: [String] = []
    public var env: [String] = []
    public var components: [String] = []
    public var tags: [String] = []
    public var errors: [ErrorSignature] = []
    public var causes: [Ref] = []
    public var fixes: [Ref] = []
    public var seeAlso: [Ref] = []
    public var requires: [Ref] = []
    public var alerts: [String] = []
    public var severity: Severity?
    public var sources: [String] = []
    /// Software → version, in the order written.
    public var verified: [[String]] = []
    public var updated: String?

    public var headings: [Heading] = []
    public var links: [Link] = []
    public var blocks: [Block] = []
    /// Problems found while parsing this file alone.
    public var diagnostics: [Diagnostic] = []
    public var contentHash: String
    /// The first location in the file, for messages about the whole article.
    public var location: SourceLocation { SourceLocation(path: displayPath, line: 1, column: 1) }

    public var checks: [Block] { blocks.filter { $0.role == .check } }
    public var fixBlocks: [Block] { blocks.filter { $0.role == .fix } }
}
