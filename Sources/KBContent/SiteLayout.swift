import Foundation
import KBCore

/// Where every page of the site lives, and relative URLs between them (so the site works from disk).
/// The site's one URL policy: the site writes its pages here, and runbooks, doctor findings,
/// alert rules and the site-only search ask it for the address of an article or an alert.
public struct SiteLayout: Sendable {
    public let config: KBConfig

    public init(config: KBConfig) { self.config = config }

    /// "" for the default language, "zh/" for the others.
    public func prefix(_ lang: String) -> String { lang == config.defaultLanguage ? "" : lang + "/" }

    public func articlePath(_ a: Article) -> String {
        a.isSectionIndex ? sectionPath(a.canonicalID, lang: a.lang) : articlePath(canonicalID: a.canonicalID, lang: a.lang)
    }

    /// An article page by canonical id (`go-windows/x.html`, `zh/go-windows/x.html`); the id may
    /// be a Prometheus template such as `{{ $labels.article }}`.
    public func articlePath(canonicalID: String, lang: String) -> String { prefix(lang) + canonicalID + ".html" }

    /// The canonical id of an article page from its path: `articlePath` read backwards.
    public static func canonicalID(articlePath path: String, lang: String) -> String {
        String(path.dropFirst(path.hasPrefix(lang + "/") ? lang.count + 1 : 0).dropLast(".html".count))
    }

    public func sectionPath(_ section: String, lang: String) -> String {
        prefix(lang) + (section.isEmpty ? "" : section + "/") + "index.html"
    }

    public func homePath(_ lang: String) -> String { prefix(lang) + "index.html" }
    public func taxonomyPath(_ facet: String, lang: String) -> String { prefix(lang) + facet + "/index.html" }
    public func termPath(_ facet: String, _ value: String, lang: String) -> String {
        prefix(lang) + facet + "/" + Self.termSlug(value) + ".html"
    }
    public func assetPath(_ name: String) -> String { "assets/" + name }
    /// The search page (written by the search step).
    public func searchPath(_ lang: String) -> String { prefix(lang) + "search.html" }
    public func errorsPath(_ lang: String) -> String { prefix(lang) + "errors.html" }
    public func graphPath(_ lang: String) -> String { prefix(lang) + "graph.html" }
    public func alertsIndexPath(_ lang: String) -> String { prefix(lang) + "alerts/index.html" }
    /// The stable runbook URL of an alert: `alerts/<AlertName>.html` (Prometheus `runbook_url`).
    public func alertPath(_ alert: String, lang: String) -> String { prefix(lang) + "alerts/" + Self.alertFileName(alert) + ".html" }
    public func feedPath(_ lang: String) -> String { prefix(lang) + "feed.xml" }
    /// Standalone doctor scripts at the site root (written by the doctor step).
    public func doctorScriptPath(_ name: String) -> String { name }

    /// Alert names are Prometheus label values (`[a-zA-Z_:][a-zA-Z0-9_:]*` in practice); anything
    /// else is made file-name safe the same way as facet values, keeping case.
    public static func alertFileName(_ alert: String) -> String {
        var out = ""
        for s in alert.unicodeScalars {
            let ok = (s >= "a" && s <= "z") || (s >= "A" && s <= "Z") || (s >= "0" && s <= "9") || s == "_" || s == "-"
            out.unicodeScalars.append(ok ? s : "-")
        }
        return out.isEmpty ? "_" : out
    }

    /// A file-name-safe form of a facet value.
    public static func termSlug(_ value: String) -> String {
        var out = ""
        for s in value.lowercased().unicodeScalars {
            if s.properties.isAlphabetic || s.properties.numericType != nil || s == "-" || s == "_" || s == "." {
                out.unicodeScalars.append(s)
            } else {
                out.append("-")
            }
        }
        while out.hasPrefix(".") { out.removeFirst() }
        return out.isEmpty ? "_" : out
    }

    /// A relative URL from the page at `from` to the file at `to` (both site-relative paths),
    /// percent-encoded, so links work from `file://` as well as from a server.
    public static func relativeURL(from: String, to: String, anchor: String? = nil) -> String {
        // Bytes, not `split`: every page links to dozens of others, and this was a sixth of the
        // plan step on tldr. The shared folders are the common prefix up to its last "/".
        var url = relativePath(Array(from.utf8), Array(to.utf8))
        if let anchor, !anchor.isEmpty { url += "#" + encodeFragment(anchor) }
        return url
    }

    private static func relativePath(_ f: [UInt8], _ t: [UInt8]) -> String {
        let slash = UInt8(ascii: "/")
        var i = 0, shared = 0
        while i < f.count, i < t.count, f[i] == t[i] {
            if f[i] == slash { shared = i + 1 }
            i += 1
        }
        var ups = 0
        for b in f[shared...] where b == slash { ups += 1 }
        let rest = t[shared...]
        var out = String(repeating: "../", count: ups)
        if rest.allSatisfy({ $0 == slash || ($0 < 128 && asciiAllowed[Int($0)]) }) {
            out += String(decoding: rest, as: UTF8.self)
        } else {
            out += rest.split(separator: slash, omittingEmptySubsequences: false)
                .map { encode(String(decoding: $0, as: UTF8.self)) }.joined(separator: "/")
        }
        return out
    }

    /// The reference form of `relativeURL`'s path, by folder names: the tests compare the two.
    static func relativeURLBySegments(from: String, to: String) -> String {
        let fromDir = from.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        let toParts = to.split(separator: "/", omittingEmptySubsequences: false)
        var common = 0
        while common < fromDir.count, common < toParts.count - 1, fromDir[common] == toParts[common] { common += 1 }
        let ups = Array(repeating: "..", count: fromDir.count - common)
        let rest = toParts[common...].map { encode(String($0)) }
        return (ups + rest).joined(separator: "/")
    }

    /// Path to the site root from a page: "", "../", "../../".
    public static func rootPrefix(from page: String) -> String {
        String(repeating: "../", count: page.split(separator: "/", omittingEmptySubsequences: false).count - 1)
    }

    static let pathAllowed: CharacterSet = {
        var s = CharacterSet.alphanumerics
        // No ':' — a first segment like `javascript:x.html` or `http:x.html` must stay relative.
        s.insert(charactersIn: "-._~!$&'()*+,;=@")
        return s
    }()

    /// `pathAllowed`'s ASCII part as a table: almost every component is plain ASCII and needs no
    /// encoding, and asking Foundation costs a tenth of the plan step on tldr.
    private static let asciiAllowed: [Bool] = (0..<128).map { b in
        let c = Character(Unicode.Scalar(UInt8(b)))
        return (c.isASCII && (c.isLetter || c.isNumber)) || "-._~!$&'()*+,;=@".contains(c)
    }

    private static func needsNoEncoding(_ s: String) -> Bool {
        s.utf8.allSatisfy { $0 < 128 && asciiAllowed[Int($0)] }
    }

    public static func encode(_ component: String) -> String {
        if needsNoEncoding(component) { return component }
        return component.addingPercentEncoding(withAllowedCharacters: pathAllowed) ?? component
    }

    public static func encodeFragment(_ fragment: String) -> String {
        if needsNoEncoding(fragment) { return fragment }
        return fragment.addingPercentEncoding(withAllowedCharacters: pathAllowed) ?? fragment
    }
}
