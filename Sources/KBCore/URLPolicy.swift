/// Which link targets kb puts in a page: relative paths and a few harmless schemes. Script-bearing
/// ones (`javascript:`, `vbscript:`, `data:`, `file:`) and unknown schemes are refused, in Markdown
/// links and in diagrams alike, so safety never rests on the CSP alone.
public enum URLPolicy {
    public static let allowedSchemes: Set<String> = ["http", "https", "mailto", "tel", "ftp", "kb"]

    /// The scheme of `url` (lowercased), nil for a relative URL.
    public static func scheme(_ url: String) -> String? {
        let trimmed = url.drop { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{0C}" }
        guard let colon = trimmed.firstIndex(of: ":") else { return nil }
        let candidate = trimmed[..<colon]
        // Browsers ignore tabs and newlines inside a scheme ("java\tscript:").
        let cleaned = candidate.filter { $0 != "\t" && $0 != "\n" && $0 != "\r" }
        guard let first = cleaned.first, first.isASCII, first.isLetter,
              cleaned.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") })
        else { return nil }
        return cleaned.lowercased()
    }

    public static func isSafeLink(_ url: String) -> Bool {
        guard let s = scheme(url) else { return true }
        return allowedSchemes.contains(s)
    }
}

/// Text from outside (a Prometheus answer, a pasted log) shown in a terminal: control characters
/// are printed as visible escapes, so remote text cannot move the cursor, erase lines, retitle
/// the window or forge hyperlinks (OSC 8).
public enum TerminalText {
    /// C0 and C1 controls, DEL, Unicode line separators and bidirectional overrides: the scalars
    /// that can end a line of a script, drive a terminal, or make text read as other text.
    /// One definition for file names, generated scripts and remote text.
    public static func isHostile(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        return v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v) || v == 0x2028 || v == 0x2029
            || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
    }

    public static func escape(_ s: String) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(s.unicodeScalars.count)
        for c in s.unicodeScalars {
            if isHostile(c) {
                out += "\\u{" + String(c.value, radix: 16) + "}"
            } else {
                out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
