/// The one HTML/XML escaper: the Markdown renderer, the site, the firing page, GraphML and the
/// JUnit report all escape through it.
public enum HTML {
    /// Text and double-quoted attribute values: `&` `<` `>` `"`.
    public static func escape(_ s: String) -> String {
        escaped(s, apostrophe: nil, xml: false)
    }

    /// An attribute value in either quote: also `'` (as `&#39;`).
    public static func escapeAttribute(_ s: String) -> String {
        escaped(s, apostrophe: "&#39;", xml: false)
    }

    /// XML 1.0 text and attributes (JUnit): also `'` (as `&apos;`), and the control characters
    /// XML forbids (all below U+0020 but tab, newline and carriage return) dropped.
    public static func escapeXML(_ s: String) -> String {
        escaped(s, apostrophe: "&apos;", xml: true)
    }

    private static func escaped(_ s: String, apostrophe: String?, xml: Bool) -> String {
        let quote: UInt8 = apostrophe == nil ? 34 : 39
        guard s.utf8.contains(where: { $0 == 38 || $0 == 60 || $0 == 62 || $0 == 34 || $0 == quote || (xml && $0 < 0x20) }) else {
            return s
        }
        var out = ""
        out.reserveCapacity(s.utf8.count + 16)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": if let apostrophe { out += apostrophe } else { out.unicodeScalars.append(c) }
            case _ where xml && c.value < 0x20 && c != "\n" && c != "\t" && c != "\r": continue
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// Refuses script-bearing and unknown schemes (URLPolicy); relative, http(s), mailto, kb: pass.
    public static func safeURL(_ url: String) -> String? {
        URLPolicy.isSafeLink(url) ? url : nil
    }

    public static func codeBlock(language: String, code: String) -> String {
        let cls = language.isEmpty ? "" : " class=\"language-\(escapeAttribute(language))\""
        return "<pre><code\(cls)>\(escape(code))</code></pre>\n"
    }
}
