import Foundation
import KBCore

/// All articles of a KB with every reference resolved. Built once per command; pure.
public struct KnowledgeGraph: Sendable {
    public let config: KBConfig
    /// Sorted by canonical id, then language (default language first).
    public let articles: [Article]
    public let assets: Set<String>

    /// Resolved references, by article index.
    public internal(set) var causes: [[Int]]
    public internal(set) var fixes: [[Int]]
    public internal(set) var seeAlso: [[Int]]
    public internal(set) var requires: [[Int]]
    /// Body links to other articles (unique, in order).
    public internal(set) var links: [[Int]]
    /// Articles that link or refer to this one.
    public internal(set) var backlinks: [[Int]]
    /// The same canonical id in the other languages.
    public internal(set) var translations: [[Int]]
    /// Resolved body link destinations, by article index then link index.
    public internal(set) var linkTargets: [[LinkTarget]]
    public internal(set) var diagnostics: [Diagnostic] = []

    var byKey: [String: Int] = [:]
    var byPath: [String: Int] = [:]
    var byShort: [String: [Int]] = [:]
    /// How the source generator finds pages (compat mode only).
    var foreign = ForeignLinkIndex()
    /// "lang\0blockID" → (article, block index).
    var blocksByID: [String: (Int, Int)] = [:]
    /// "Did you mean" for references that name nothing, prepared on first use.
    let suggestions = Suggestions()

    /// Names to suggest from, per language and for all articles, each made once per graph: a
    /// KB with thousands of broken references asks thousands of times.
    final class Suggestions: @unchecked Sendable {
        private let made = Locked<[String: Suggester]>([:])
        /// Name comparisons each list may spend in all (a few seconds at most).
        static let budget = 200_000_000

        func suggester(_ key: String, _ names: () -> [String]) -> Suggester {
            if let known = made.withLock({ $0[key] }) { return known }
            let s = Suggester(names(), budget: Self.budget)
            return made.withLock { m in
                if let known = m[key] { return known }
                m[key] = s
                return s
            }
        }
    }

    public enum LinkTarget: Sendable, Hashable {
        case external
        case article(Int, anchor: String?)
        case asset(String)
        case broken
    }

    public init(content: LoadedContent) {
        self.init(config: content.project.config, articles: content.articles,
                  assets: Set(content.assets.map(\.relativePath)), diagnostics: content.diagnostics)
    }

    public init(config: KBConfig, articles input: [Article], assets: Set<String> = [], diagnostics: [Diagnostic] = []) {
        self.config = config
        // An array already in order is shared as it is (ContentLoader gives one): copying an
        // article retains each of its fields.
        let order = Self.order(input.count, config: config) { (input[$0].canonicalID, input[$0].lang, input[$0].path) }
        let sorted = order.elementsEqual(input.indices) ? input : order.map { input[$0] }
        articles = sorted
        self.assets = assets
        let n = sorted.count
        causes = Array(repeating: [], count: n)
        fixes = causes; seeAlso = causes; requires = causes; links = causes; backlinks = causes; translations = causes
        linkTargets = sorted.map { Array(repeating: .broken, count: $0.links.count) }
        self.diagnostics = diagnostics
        index()
        if config.compat != nil { foreign = ForeignLinkIndex(articles: sorted, assets: assets, defaultLanguage: config.defaultLanguage) }
        resolveAll()
    }

    static func key(_ lang: String, _ id: String) -> String { lang + "\u{0}" + id }

    /// Positions `0..<count` in the graph's order of articles — by canonical id, then the
    /// language's place in kb.yml, then path — given each position's (canonical id, language,
    /// path). Sorted through positions: moving articles in a merge sort retained and released
    /// each of their fields on every move.
    public static func order(_ count: Int, config: KBConfig, _ key: (Int) -> (id: String, lang: String, path: String)) -> [Int] {
        let rank = Dictionary(uniqueKeysWithValues: config.languageCodes.enumerated().map { ($1, $0) })
        let keys = (0..<count).map { i -> (String, Int, String) in
            let k = key(i)
            return (k.id, rank[k.lang] ?? 99, k.path)
        }
        if zip(keys, keys.dropFirst()).allSatisfy({ $0 <= $1 }) { return Array(keys.indices) }
        return keys.indices.sorted { keys[$0] < keys[$1] }
    }

    /// The error for a reference (written in `field`) that names no article or several.
    static func unresolved(_ resolution: Resolution, _ ref: Ref, in field: String) -> Diagnostic? {
        switch resolution {
        case .found: return nil
        case .ambiguous(let candidates):
            return .error("ambiguous id '\(ref.id)' in \(field): use one of \(candidates.joined(separator: ", "))",
                          rule: .ambiguousReference, at: ref.location)
        case .missing(let suggestion):
            let hint = suggestion.map { "; did you mean '\($0)'?" } ?? ""
            return .error("unknown id '\(ref.id)' in \(field)\(hint)", rule: .danglingReference, at: ref.location)
        }
    }

    // MARK: lookup

    public func article(canonical id: String, lang: String) -> Int? { byKey[Self.key(lang, id)] }
    public func article(path: String) -> Int? { byPath[path] }

    /// Every article a user might mean by `id` (short or canonical), any language.
    public func lookup(_ id: String, lang: String? = nil) -> [Int] {
        let bare = id.hasPrefix("kb:") ? String(id.dropFirst(3)) : id
        let langs = lang.map { [$0] } ?? config.languageCodes
        var out: [Int] = []
        for l in langs {
            if let i = byKey[Self.key(l, bare)] { out.append(i) }
            for i in byShort[Self.key(l, bare)] ?? [] where !out.contains(i) { out.append(i) }
        }
        return out
    }

    /// The block with this id in this language.
    public func block(id: String, lang: String) -> (article: Int, block: Int)? {
        blocksByID[Self.key(lang, id)].map { (article: $0.0, block: $0.1) }
    }

    public enum Resolution: Sendable, Equatable {
        case found(Int)
        case ambiguous([String])
        case missing(suggestion: String?)
    }

    /// Resolves a reference written in `from`'s language: canonical or unique short id, falling back
    /// to the default language when the target is not translated.
    public func resolve(_ raw: String, from: Article) -> Resolution { resolve(raw, writtenIn: from.lang) }

    /// The same, for a reference written in language `fromLang`.
    func resolve(_ raw: String, writtenIn fromLang: String) -> Resolution {
        let id = raw.hasPrefix("kb:") ? String(raw.dropFirst(3)) : raw
        for lang in [fromLang, config.defaultLanguage] + config.languageCodes {
            if let i = byKey[Self.key(lang, id)] { return .found(i) }
            if id.utf8.contains(UInt8(ascii: "/")) { continue } // (Foundation's `contains("/")` bridged to NSString)
            let candidates = byShort[Self.key(lang, id)] ?? []
            if candidates.count == 1 { return .found(candidates[0]) }
            if candidates.count > 1 {
                return .ambiguous(candidates.map { articles[$0].canonicalID }.sorted())
            }
        }
        let names = suggestions.suggester("lang:" + fromLang) {
            articles.indices.filter { articles[$0].lang == fromLang && !articles[$0].isSectionIndex }.map { articles[$0].shortID }
        }
        return .missing(suggestion: names.closest(to: id))
    }

    // MARK: building

    // The loops below read each article's fields in place (`articles[i].lang`) and resolve by
    // the article's position: they run over every article of the KB on every build.

    private mutating func index() {
        // Sized once: grown an entry at a time, the tables were rehashed a dozen times each.
        byKey.reserveCapacity(articles.count)
        byPath.reserveCapacity(articles.count)
        byShort.reserveCapacity(articles.count)
        for i in articles.indices {
            let lang = articles[i].lang, canonicalID = articles[i].canonicalID
            let k = Self.key(lang, canonicalID)
            if let other = byKey[k] {
                diagnostics.append(.error("duplicate article: \(articles[other].displayPath) has the same id '\(canonicalID)' and language '\(lang)'",
                                          rule: .duplicateID, at: articles[i].location))
            } else {
                byKey[k] = i
            }
            byPath[articles[i].path] = i
            if !articles[i].isSectionIndex { byShort[Self.key(lang, articles[i].shortID), default: []].append(i) }
            let blocks = articles[i].blocks
            for (b, block) in blocks.enumerated() {
                guard let id = block.id else { continue }
                let bk = Self.key(lang, id)
                if let (oa, ob) = blocksByID[bk] {
                    diagnostics.append(.error("block id '\(id)' is already used at \(articles[oa].blocks[ob].location)",
                                              rule: .duplicateID, at: block.location))
                } else {
                    blocksByID[bk] = (i, b)
                }
            }
        }
        // Explicit ids must be unique in a language; file-name ids may repeat across folders.
        for (_, list) in byShort where list.count > 1 {
            let explicit = list.filter { articles[$0].hasExplicitID }
            guard explicit.count > 1 else { continue }
            for i in explicit.dropFirst() {
                let a = articles[i]
                diagnostics.append(.error("duplicate id '\(a.shortID)': also declared in \(articles[explicit[0]].displayPath)",
                                          rule: .duplicateID, at: a.idLocation ?? a.location))
            }
        }
    }

    private mutating func resolveAll() {
        var back = Array(repeating: [Int](), count: articles.count)
        for i in articles.indices {
            diagnostics += articles[i].diagnostics
            let lang = articles[i].lang
            func refs(_ list: [Ref], _ field: String) -> [Int] {
                var out: [Int] = []
                for ref in list {
                    let resolution = resolve(ref.id, writtenIn: lang)
                    if case .found(let t) = resolution {
                        if !out.contains(t) { out.append(t) }
                    } else if let problem = Self.unresolved(resolution, ref, in: field) {
                        diagnostics.append(problem)
                    }
                }
                return out
            }
            causes[i] = refs(articles[i].causes, "causes")
            fixes[i] = refs(articles[i].fixes, "fixes")
            seeAlso[i] = refs(articles[i].seeAlso, "see_also")
            requires[i] = refs(articles[i].requires, "requires")
            let links = articles[i].links
            for (l, link) in links.enumerated() {
                let target = resolveLink(link, from: i)
                linkTargets[i][l] = target
                if case .article(let t, _) = target, t != i, !self.links[i].contains(t) { self.links[i].append(t) }
            }
            for t in Set(causes[i] + fixes[i] + seeAlso[i] + requires[i] + self.links[i]) where t != i { back[t].append(i) }
            let canonicalID = articles[i].canonicalID
            translations[i] = config.languageCodes.compactMap { l in
                l == lang ? nil : byKey[Self.key(l, canonicalID)]
            }
        }
        backlinks = back.map { $0.sorted() }
        checkKinds()
        checkBlocks()
        checkRequiresCycles()
        checkTranslations()
        checkConfigReferences()
    }
}
