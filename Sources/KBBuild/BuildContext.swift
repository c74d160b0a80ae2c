import Foundation
import KBContent
import KBCore
import KBSearch
import KBSite

public struct BuildOptions: Sendable {
    public var content: String?
    public var output: String?
    public var baseURL: String?
    /// Ignore the cache and render everything.
    public var force = false
    /// Replace a non-empty output folder that kb did not build (`--force-output`).
    public var forceOutput = false
    /// Publish pages marked `draft: true`.
    public var drafts = false
    public init(content: String? = nil, output: String? = nil, baseURL: String? = nil, force: Bool = false, forceOutput: Bool = false) {
        self.content = content
        self.output = output
        self.baseURL = baseURL
        self.force = force
        self.forceOutput = forceOutput
    }
}

/// What one build knows so far; each step reads and adds to it.
public struct BuildContext: Sendable {
    public var options: BuildOptions
    public var project: Project
    public var outputDirectory: String
    public var cache: BuildCache?
    public var content: LoadedContent?
    public var graph: KnowledgeGraph?
    public var theme: Theme?
    public var pages: [SitePage] = []
    public var pageKeys: [String: String] = [:]
    /// The keys the cache held for this output when the build started (nil: none, or a forced build).
    public var previousPageKeys: [String: String]?
    public var diagrams: Diagrams?
    /// Search documents of the articles rendered, by path, made from the render's own parse.
    public var searchDocuments: [String: SearchDocument] = [:]
    public var diagnostics: [Diagnostic] = []
    public var stats = BuildStats()
    public var fingerprint = ""
    /// The search step's input fingerprint, recorded at commit as proof for the next build.
    public var searchFingerprint = ""
    /// The content folder's Markdown fingerprint, from the same walk as `fingerprint`.
    public var markdownFingerprint: String?
    /// Set by a step that found nothing to do: the rest is skipped.
    public var upToDate = false
    var staged: StagedDirectory?
}

public struct BuildStats: Sendable, Codable {
    public init() {}
    public var articles = 0
    public var parsed = 0
    public var pages = 0
    public var rendered = 0
    public var reused = 0
    public var assets = 0
    public var seconds = 0.0
    /// Body links inside the site, and how many resolve.
    public var internalLinks = 0
    public var resolvedLinks = 0
    /// [step name, seconds] in order.
    public var steps: [[String]] = []
}

/// One named stage of the build; errors are reported with its name.
public struct BuildStep: Sendable {
    public var name: String
    public var run: @Sendable (inout BuildContext) throws -> Void
}

public struct BuildFailure: Error, CustomStringConvertible {
    public var step: String
    public var diagnostics: [Diagnostic]
    public var description: String {
        "build failed in step '\(step)':\n" + diagnostics.map(\.description).joined(separator: "\n")
    }
}
