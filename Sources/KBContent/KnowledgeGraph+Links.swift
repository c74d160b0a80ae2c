import Foundation
import KBCore

extension KnowledgeGraph {
    /// Resolves one body link: `kb:id#anchor`, `#anchor`, a relative path to a `.md` file, a
    /// folder, or an asset. Appends a diagnostic when it does not resolve.
    mutating func resolveLink(_ link: Link, from i: Int) -> LinkTarget {
        let url = link.url
        let path = articles[i].path, lang = articles[i].lang
        if url.hasPrefix("kb:") {
            let rest = String(url.dropFirst(3))
            let (id, anchor) = Self.splitFragment(rest)
            switch resolve(id, writtenIn: lang) {
            case .found(let t): return checkAnchor(anchor, in: t, link: link)
            case .ambiguous(let c):
                diagnostics.append(.error("ambiguous link 'kb:\(id)': use one of \(c.joined(separator: ", "))",
                                          rule: .ambiguousReference, at: link.location))
            case .missing(let s):
                if let t = foreignTarget(id, from: i), case .article(let i, _) = t { return checkAnchor(anchor, in: i, link: link) }
                let message = "broken link 'kb:\(id)': no such article\(s.map { "; did you mean '\($0)'?" } ?? "")"
                diagnostics.append(config.lenient ? .warning(message, rule: .brokenLink, at: link.location)
                                                  : .error(message, rule: .brokenLink, at: link.location))
            }
            return .broken
        }
        if Self.isExternal(url) {
            if !URLPolicy.isSafeLink(url) {
                // Never rendered as a link either way; foreign docs (read leniently) still build.
                let message = "link '\(url)' uses a scheme kb does not allow (http, https, mailto, tel, ftp or a relative path)"
                diagnostics.append(config.lenient ? .warning(message + "; shown as text", rule: .unsafeURL, at: link.location)
                                                  : .error(message, rule: .unsafeURL, at: link.location))
                return .broken
            }
            return .external
        }
        let (pathPart, anchor) = Self.splitFragment(url)
        let self_ = article(path: path)
        if pathPart.isEmpty {
            guard let me = self_ else { return .broken }
            return checkAnchor(anchor, in: me, link: link)
        }
        // (Foundation's decoding only when there is something to decode: every link of every
        // article comes here at each build.)
        let decoded = pathPart.utf8.contains(UInt8(ascii: "%")) ? pathPart.removingPercentEncoding ?? pathPart : pathPart
        // The article's folder: its path up to the last slash (`normalize` below folds the rest).
        let baseDir = decoded.hasPrefix("/") ? "" : path.utf8.lastIndex(of: UInt8(ascii: "/")).map { String(path[..<$0]) } ?? ""
        guard let target = Self.normalize(baseDir.isEmpty ? decoded : baseDir + "/" + decoded) else {
            if let t = foreignTarget(decoded, from: i, text: link.text) { return foreignResolved(t, anchor: anchor, link: link) }
            diagnostics.append(config.lenient ? .warning("link '\(url)' leaves the content folder", rule: .linkOutside, at: link.location)
                                              : .error("link '\(url)' leaves the content folder", rule: .linkOutside, at: link.location))
            return .broken
        }
        if target.hasSuffix(".md") {
            if let t = article(path: target) { return checkAnchor(anchor, in: t, link: link) }
            if let t = foreignTarget(decoded, from: i, text: link.text) { return foreignResolved(t, anchor: anchor, link: link) }
            reportBrokenLink(link, target: target)
            return .broken
        }
        let folder = target.hasSuffix("/") ? String(target.dropLast()) : target
        if let t = article(canonical: folder, lang: lang) ?? article(canonical: folder, lang: config.defaultLanguage),
           articles[t].isSectionIndex {
            return checkAnchor(anchor, in: t, link: link)
        }
        if assets.contains(target) { return .asset(target) }
        if let t = foreignTarget(decoded, from: i, text: link.text) { return foreignResolved(t, anchor: anchor, link: link) }
        reportBrokenLink(link, target: target)
        return .broken
    }

    private mutating func foreignResolved(_ t: LinkTarget, anchor: String?, link: Link) -> LinkTarget {
        if case .article(let i, _) = t { return checkAnchor(anchor, in: i, link: link) }
        return t
    }

    private mutating func checkAnchor(_ anchor: String?, in t: Int, link: Link) -> LinkTarget {
        guard let anchor, !anchor.isEmpty else { return .article(t, anchor: nil) }
        let decoded = anchor.utf8.contains(UInt8(ascii: "%")) ? anchor.removingPercentEncoding ?? anchor : anchor
        let anchors = articles[t].headings.map(\.anchor)
        if !anchors.contains(decoded) {
            let hint = Slug.closest(to: decoded, in: anchors).map { "; did you mean '#\($0)'?" } ?? ""
            let message = "broken anchor '#\(decoded)': no such heading in \(articles[t].displayPath)\(hint)"
            diagnostics.append(config.lenient ? .warning(message, rule: .brokenAnchor, at: link.location)
                                              : .error(message, rule: .brokenAnchor, at: link.location))
        }
        return .article(t, anchor: decoded)
    }

    static func splitFragment(_ s: String) -> (String, String?) {
        var s = s
        if let q = s.firstIndex(of: "?") {
            let hash = s.firstIndex(of: "#")
            if hash == nil || q < hash! { s.removeSubrange(q..<(hash ?? s.endIndex)) }
        }
        guard let h = s.firstIndex(of: "#") else { return (s, nil) }
        return (String(s[..<h]), String(s[s.index(after: h)...]))
    }

    static func isExternal(_ url: String) -> Bool {
        if url.hasPrefix("//") { return true }
        // Bytes first (every link of every article comes here at each build); a scheme with a
        // letter beyond ASCII is read as characters below.
        let utf8 = url.utf8
        guard let colonByte = utf8.firstIndex(of: UInt8(ascii: ":")) else { return false }
        let head = utf8[..<colonByte]
        if head.allSatisfy({ $0 < 0x80 }) {
            return !head.isEmpty && head.allSatisfy { URLPolicy.isASCIILetter($0) || URLPolicy.isSchemeSymbol($0) }
        }
        guard let colon = url.firstIndex(of: ":") else { return false }
        let scheme = url[..<colon]
        return !scheme.isEmpty && scheme.allSatisfy { $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." }
            && !scheme.contains("/")
    }

    /// A relative path inside a content folder, folded; nil for anything that climbs out of it.
    public static func normalizedContentPath(_ path: String) -> String? {
        guard !path.hasPrefix("/"), let n = normalize(path), !n.isEmpty else { return nil }
        return n
    }

    /// Whether `normalize` would give `path` back as it is: no segment starts with a dot (so none
    /// is `.` or `..`), none is empty, and it does not start with a slash.
    static func isFolded(_ path: String) -> Bool {
        var previous: UInt8 = UInt8(ascii: "/")
        for b in path.utf8 {
            if previous == UInt8(ascii: "/"), b == UInt8(ascii: ".") || b == UInt8(ascii: "/") { return false }
            previous = b
        }
        return true
    }

    /// Folds `.` and `..`; nil when the path climbs above the root.
    static func normalize(_ path: String) -> String? {
        // Nothing to fold (most links: no `.` or `..` segment, no empty one, no leading slash):
        // the path as it is, without splitting and joining it.
        Self.isFolded(path) ? path : foldSegments(path)
    }

    /// `normalize`, segment by segment.
    static func foldSegments(_ path: String) -> String? {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if parts.isEmpty { return nil }
                parts.removeLast()
            } else {
                parts.append(part)
            }
        }
        return parts.joined(separator: "/") + (path.hasSuffix("/") && !parts.isEmpty ? "/" : "")
    }
}
