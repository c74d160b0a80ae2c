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

/// What `kb build` reports: where the site went, whether it was already current, what was found.
public struct BuildResult: Sendable {
    public var outputDirectory: String
    /// Nothing changed since the last build into this folder: nothing was written.
    public var upToDate: Bool
    public var diagnostics: [Diagnostic]
    public var stats: BuildStats
    /// The resolved graph the site was built from (nil when up to date: nothing was loaded).
    public var graph: KnowledgeGraph?
}

/// What a build is asked to do, fixed before the first phase runs.
struct BuildTarget: Sendable {
    var options: BuildOptions
    var project: Project
    /// The output folder, absolute.
    var output: String
    var cache: BuildCache?
}

/// What accumulates across the phases: findings and counts, and the time of each phase.
struct BuildRun {
    var diagnostics: [Diagnostic] = []
    var stats = BuildStats()

    static let timing = ProcessInfo.processInfo.environment["KB_SEARCH_TIMING"] != nil

    /// Runs one phase, timing it; a failure is reported with the phase's name and everything
    /// found so far.
    mutating func step<T>(_ name: String, _ body: (inout BuildRun) throws -> T) throws -> T {
        let start = Date()
        defer {
            let seconds = String(format: "%.3f", Date().timeIntervalSince(start))
            stats.steps.append([name, seconds])
            // With KB_SEARCH_TIMING set, each step's time and memory on standard error (profiling).
            if Self.timing, let memory = ProcessMemory.current() {
                FileHandle.standardError.write(Data("build: \(name) \(seconds) s, resident \(memory.resident) MB, peak \(memory.peak) MB\n".utf8))
            }
        }
        do {
            return try body(&self)
        } catch let error as DiagnosticError {
            throw BuildFailure(step: name, diagnostics: diagnostics + error.diagnostics)
        } catch let error as BuildFailure {
            throw error
        } catch {
            throw BuildFailure(step: name, diagnostics: diagnostics + [.error("\(error)", rule: .build, at: nil)])
        }
    }
}

/// The plan phase's result: every page of the site and its render key.
struct SitePlan: Sendable {
    /// The pages whose models were made: every page, except in an edit's rebuild (`left`).
    var pages: [SitePage]
    /// Article pages planned without a model: nothing they show changed since the last build into
    /// this output, so their key is the one that build recorded and their file is reused.
    var left: [PageEntry] = []
    /// Article pages modelled, keyed and written one at a time by render (a build with no page keys
    /// to compare with: nothing decides before render whether they change). Their keys join `keys`
    /// after render. Held from the plan on, a 100,000-article build's models were 800 MB.
    var deferred: [PageEntry] = []
    var keys: [String: String]
    /// The page keys the last build into this output recorded (nil: none, or a forced build).
    var previousKeys: [String: String]?
    /// What this plan was made from, for the next build to compare with (saved at commit).
    var state: PlanState

    /// Every page's entry once `releaseModels()` let the models go.
    private(set) var released: [PageEntry]? = nil

    var count: Int { released?.count ?? pages.count + left.count + deferred.count }
    var entries: [PageEntry] { released ?? pages.map(\.entry) + left + deferred }

    /// Drops the page models once render has written the pages (the feeds and the commit need only
    /// the entries and keys): held through the search step, they were a quarter of a large build's
    /// peak memory.
    mutating func releaseModels() {
        released = entries
        pages = []
    }
}

/// What a build planned from, kept per output folder. The next build leaves an article's page
/// unmade when none of this changed except some articles' own text, and each of those articles
/// kept its shape (`Article.sharedShape`): no page but its own can then differ.
struct PlanState: Codable, Sendable {
    /// kb's version, the theme, the configuration and the build settings the page models depend on.
    var structure: String
    /// The published articles in the graph's order, and the content hash each was planned from.
    var paths: [String]
    var hashes: [String]
    /// Every page the plan made, with its article (`paths`' numbering).
    var entries: [PageEntry] = []
}

extension PlanState {
    // Kept as a few columns, each list one string: coding 7,600 paths, hashes and page entries one
    // value at a time was a tenth of an edit's rebuild of tldr (its commit and its plan). Each name
    // follows a NUL, which no path, hash or language code holds: `[]` is "", `[""]` is "\0".
    private enum CodingKeys: String, CodingKey { case structure, paths, hashes, pagePaths, pageArticles, pageLangs, pageListed }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func names(_ key: CodingKeys) throws -> [String] {
            let joined = try c.decode(String.self, forKey: key)
            return joined.utf8.split(separator: 0, omittingEmptySubsequences: false).dropFirst().map { String(Substring($0)) }
        }
        structure = try c.decode(String.self, forKey: .structure)
        paths = try names(.paths)
        hashes = try names(.hashes)
        // In the order written: BinaryCodec reads values by position.
        let pagePaths = try names(.pagePaths)
        let articles = try names(.pageArticles).map { Int($0) }
        let langs = try names(.pageLangs)
        let listed = Array(try c.decode(String.self, forKey: .pageListed).utf8)
        guard langs.count == pagePaths.count, articles.count == pagePaths.count, listed.count == pagePaths.count else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "page columns of different lengths"))
        }
        entries = pagePaths.indices.map { i in
            PageEntry(path: pagePaths[i], article: articles[i], lang: langs[i], isListed: listed[i] == UInt8(ascii: "1"))
        }
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(structure, forKey: .structure)
        func joined(_ names: [String]) -> String { names.map { "\u{0}" + $0 }.joined() }
        try c.encode(joined(paths), forKey: .paths)
        try c.encode(joined(hashes), forKey: .hashes)
        try c.encode(joined(entries.map(\.path)), forKey: .pagePaths)
        try c.encode(joined(entries.map { $0.article.map(String.init) ?? "-" }), forKey: .pageArticles)
        try c.encode(joined(entries.map(\.lang)), forKey: .pageLangs)
        try c.encode(String(entries.map { $0.isListed ? Character("1") : Character("0") }), forKey: .pageListed)
    }
}

/// The render phase's result: the staging folder the later phases write into, the page keys the
/// cache held when the build started (nil: none, or a forced build), and the search documents
/// of the articles rendered, by path.
struct StagedSite {
    var staged: StagedDirectory
    var previousKeys: [String: String]?
    var searchDocuments: [String: SearchDocument]
    /// The keys of the plan's deferred pages, found as render modelled them.
    var deferredKeys: [String: String] = [:]
}

public struct BuildStats: Sendable, Codable {
    public init() {}
    public var articles = 0
    public var parsed = 0
    public var pages = 0
    /// Pages whose model the plan made: every page, except in an edit's rebuild (`SitePlan.left`).
    public var modelled = 0
    public var rendered = 0
    public var reused = 0
    public var assets = 0
    public var seconds = 0.0
    /// Body links inside the site, and how many resolve.
    public var internalLinks = 0
    public var resolvedLinks = 0
    /// [step name, seconds] in order.
    public var steps: [[String]] = []
    /// The languages whose search impacts were updated for edits in place (only the terms the
    /// edits touched computed again) rather than computed from every document; nil: no refresh.
    public var searchUpdated: [String]?
    /// Site search files an in-place update kept as the current site holds them, without making them.
    public var searchFilesKept: Int?
}

public struct BuildFailure: Error, CustomStringConvertible {
    public var step: String
    public var diagnostics: [Diagnostic]
    public var description: String {
        "build failed in step '\(step)':\n" + diagnostics.map(\.description).joined(separator: "\n")
    }
}
