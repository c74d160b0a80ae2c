import Foundation
import KBCore

/// Lookups that let links written for another generator resolve the way it resolves them.
struct ForeignLinkIndex: Sendable {
    /// Lower-cased page address without extension or trailing slash ("functions/strings/contains")
    /// → article; `_index`, `index` and `README` pages answer for their folder.
    var byAddress: [String: Int] = [:]
    /// Lower-cased file name without extension → articles (Hugo `ref "name.md"`, Obsidian `[[Name]]`).
    var byName: [String: [Int]] = [:]
    /// Lower-cased asset path → asset path; file name → asset paths (Obsidian embeds).
    var assetsByLower: [String: String] = [:]
    var assetsByName: [String: [String]] = [:]

    init() {}

    init(articles: [Article], assets: Set<String>, defaultLanguage: String) {
        func add(_ key: String, _ i: Int, strong: Bool) {
            let k = key.lowercased()
            if strong || byAddress[k] == nil { byAddress[k] = i }
        }
        for (i, a) in articles.enumerated() where a.lang == defaultLanguage {
            let noExt = String(a.path.dropLast(3))
            add(noExt, i, strong: true)
            let parts = noExt.split(separator: "/")
            if let last = parts.last, ["_index", "index", "readme"].contains(last.lowercased()) {
                add(parts.dropLast().joined(separator: "/"), i, strong: last == "_index" || last == "index")
            }
            add(a.canonicalID, i, strong: false)
            if let address = a.address { add(Self.trim(address), i, strong: true) }
            for alias in a.aliases { add(Self.trim(alias), i, strong: false) }
            byName[(parts.last.map(String.init) ?? "").lowercased(), default: []].append(i)
        }
        for path in assets {
            assetsByLower[path.lowercased()] = path
            assetsByName[(path.split(separator: "/").last.map(String.init) ?? path).lowercased(), default: []].append(path)
        }
    }

    /// "/a/b/" → "a/b"; "a/b.html" → "a/b"; "a/b/index.html" → "a/b".
    static func trim(_ s: String) -> String {
        var t = Substring(s)
        while t.hasPrefix("/") { t = t.dropFirst() }
        while t.hasSuffix("/") { t = t.dropLast() }
        for suffix in ["/index.html", ".html", ".md"] where t.lowercased().hasSuffix(suffix) {
            t = t.dropLast(suffix.count)
            break
        }
        return String(t)
    }
}

extension KnowledgeGraph {
    /// The folder a page's relative links are resolved against by generators that serve pages as
    /// folders (`/section/page/`): the page itself, or the folder of an index page.
    func urlFolder(of a: Article) -> String {
        let noExt = String(a.path.dropLast(3))
        let parts = noExt.split(separator: "/")
        if let last = parts.last, ["_index", "index", "readme"].contains(last.lowercased()) {
            return parts.dropLast().joined(separator: "/")
        }
        return noExt
    }

    /// A link the kb rules did not resolve, tried the source generator's way: site-absolute and
    /// directory-style URLs, relative to the page's URL as well as its file, case-insensitively,
    /// by address, alias and (for a bare name) file name anywhere.
    func foreignTarget(_ decoded: String, from i: Int, text: String = "") -> LinkTarget? {
        guard config.compat != nil else { return nil }
        let a = articles[i]
        if let t = byLinkText(decoded, text: text) { return t }
        let fileFolder = a.path.split(separator: "/").dropLast().joined(separator: "/")
        var bases = decoded.hasPrefix("/") ? [""] : [fileFolder, urlFolder(of: a), ""]
        if config.compat == .docusaurus || config.compat == .obsidian { bases.append(fileFolder) }
        for base in bases {
            guard let joined = Self.normalize(base.isEmpty ? String(decoded.drop { $0 == "/" }) : base + "/" + decoded) else { continue }
            let key = ForeignLinkIndex.trim(joined).lowercased()
            if let i = foreign.byAddress[key] { return .article(i, anchor: nil) }
            if let asset = foreign.assetsByLower[joined.lowercased()] { return .asset(asset) }
        }
        // A bare name: Hugo `ref "page.md"`, Obsidian `[[Page]]` or `![[image.png]]`.
        let name = ForeignLinkIndex.trim(decoded).split(separator: "/").last.map { String($0).lowercased() } ?? ""
        if !decoded.dropFirst(decoded.hasPrefix("/") ? 1 : 0).contains("/") || config.compat == .obsidian {
            if let hits = foreign.byName[name], hits.count == 1 { return .article(hits[0], anchor: nil) }
            if let hits = foreign.assetsByName[name], hits.count == 1 { return .asset(hits[0]) }
        }
        return nil
    }

    /// A bare-word destination resolved by the link's text: `[page kind](g)` → the page named
    /// `page-kind` (Hugo's docs resolve `(g)` to their glossary this way), plural or past tense
    /// folded; among pages of that name, the one in a folder the word abbreviates.
    func byLinkText(_ decoded: String, text: String) -> LinkTarget? {
        guard !text.isEmpty, !decoded.isEmpty, decoded.count <= 12,
              decoded.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else { return nil }
        let name = Slug.anchor(text.trimmingCharacters(in: .whitespaces))
        var forms = [name]
        for suffix in ["s", "es", "d", "ed", "ing"] where name.hasSuffix(suffix) { forms.append(String(name.dropLast(suffix.count))) }
        if name.hasSuffix("ing") { forms.append(String(name.dropLast(3)) + "e") }
        if name.hasSuffix("ies") { forms.append(String(name.dropLast(3)) + "y") }
        let word = decoded.lowercased()
        for form in forms {
            guard let hits = foreign.byName[form], !hits.isEmpty else { continue }
            let preferred = hits.first { i in
                articles[i].path.split(separator: "/").dropLast().contains { $0.lowercased().hasPrefix(word) }
            }
            if let i = preferred ?? (hits.count == 1 ? hits[0] : nil) { return .article(i, anchor: nil) }
        }
        return nil
    }

    /// A page name that resembles a broken link, for "did you mean".
    func suggestion(for decoded: String) -> String? {
        let name = ForeignLinkIndex.trim(decoded).split(separator: "/").last.map { String($0).lowercased() } ?? ""
        guard !name.isEmpty, let close = Slug.closest(to: name, in: Array(foreign.byName.keys)),
              let i = foreign.byName[close]?.first else { return nil }
        return "/" + String(articles[i].path.dropLast(3))
    }

    /// Reports a link that resolves nowhere: an error, or a warning when reading foreign content leniently.
    mutating func reportBrokenLink(_ link: Link, target: String) {
        var hint = ""
        if config.compat != nil, let s = suggestion(for: link.url.split(separator: "#").first.map(String.init) ?? link.url) {
            hint = "; did you mean '\(s)'?"
        }
        let message = "broken link '\(link.url)': no file \(target) in the content folder\(hint)"
        diagnostics.append(config.lenient ? .warning(message, rule: .brokenLink, at: link.location)
                                          : .error(message, rule: .brokenLink, at: link.location))
    }
}

extension KnowledgeGraph {
    /// Body links to something inside the site (not external), and how many of them resolve.
    public var internalLinkCounts: (total: Int, resolved: Int) {
        var total = 0, resolved = 0
        for targets in linkTargets {
            for t in targets {
                switch t {
                case .external: continue
                case .broken: total += 1
                case .article, .asset: total += 1; resolved += 1
                }
            }
        }
        return (total, resolved)
    }
}
