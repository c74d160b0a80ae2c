/// Which link targets kb puts in a page: relative paths and a few harmless schemes. Script-bearing
/// ones (`javascript:`, `vbscript:`, `data:`, `file:`) and unknown schemes are refused, in Markdown
/// links and in diagrams alike, so safety never rests on the CSP alone.
public enum URLPolicy {
    public static let allowedSchemes: Set<String> = ["http", "https", "mailto", "tel", "ftp", "kb"]

    /// The scheme of `url` (lowercased), nil for a relative URL. Read byte by byte: it runs on
    /// every link of every article at each build.
    public static func scheme(_ url: String) -> String? {
        var rest = Substring(url).utf8
        // Browsers skip leading spaces and controls of this kind ...
        while let b = rest.first, b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x0C { rest = rest.dropFirst() }
        guard let colon = rest.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        var scheme: [UInt8] = []
        for b in rest[..<colon] where b != 0x09 && b != 0x0A && b != 0x0D { // ... and tabs and newlines inside one ("java\tscript:")
            if isASCIILetter(b) {
                scheme.append(b | 0x20)
            } else if !scheme.isEmpty, isSchemeSymbol(b) {
                scheme.append(b)
            } else {
                return nil
            }
        }
        return scheme.isEmpty ? nil : String(decoding: scheme, as: UTF8.self)
    }

    /// `A`–`Z` or `a`–`z` (setting bit 5 lowercases a letter and moves no other byte into `a`–`z`).
    public static func isASCIILetter(_ b: UInt8) -> Bool {
        let lower = b | 0x20
        return lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z")
    }

    /// A digit, `+`, `-` or `.`: what a scheme holds besides letters (RFC 3986 §3.1).
    public static func isSchemeSymbol(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "+") || b == UInt8(ascii: "-") || b == UInt8(ascii: ".")
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
