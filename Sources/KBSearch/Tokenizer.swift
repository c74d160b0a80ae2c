import Foundation

/// The one tokenizer of kb's search, specified in docs/search.md and implemented identically in
/// Templates/assets/search.js; Tests/KBSearchTests/tokenizer-vectors.json holds the vectors both
/// implementations must reproduce.
///
/// 1. NFKC (folds full-width letters, digits and punctuation).
/// 2. Runs of Han, Kana and Hangul become unigrams and bigrams (index) or bigrams (query).
/// 3. Runs of letters, marks, digits and `_` become one lowercased word each; a word with `_` also
///    yields its parts. Everything else separates.
public enum Tokenizer {
    public enum Mode: Sendable { case index, query }

    /// A term and where it came from in the NFKC text, as UTF-16 offsets (what JS sees).
    public struct Token: Sendable, Hashable {
        public var term: String
        public var start: Int
        public var end: Int
        public var isCJK: Bool
    }

    /// Words longer than this (hashes, base64 blobs) are not terms, unless they hold `_`.
    public static let maxWordLength = 40
    /// A longer word with `_` (a metric name such as `otelcol_exporter_enqueue_failed_metric_points`)
    /// is a term up to this length; its parts count as words of their own.
    public static let maxIdentifierLength = 100

    public static func normalize(_ text: String) -> String {
        // NFKC leaves ASCII as it is; Foundation's conversion is the slow part of indexing.
        if isASCII(text) { return text }
        return text.precomposedStringWithCompatibilityMapping
    }

    static func isASCII(_ text: String) -> Bool {
        var s = text
        return s.withUTF8 { buf in !buf.contains { $0 >= 0x80 } }
    }

    /// The same rules on ASCII text, byte by byte (UTF-16 offsets equal byte offsets there).
    static func asciiTokens(_ text: String) -> [Token] {
        var out: [Token] = []
        var s = text
        s.withUTF8 { buf in
            var start = -1
            var hasUnderscore = false
            func flush(_ end: Int) {
                guard start >= 0 else { return }
                defer { start = -1; hasUnderscore = false }
                let length = end - start
                guard length <= maxWordLength || (hasUnderscore && length <= maxIdentifierLength) else { return }
                var bytes = [UInt8](repeating: 0, count: length)
                for i in 0..<length {
                    let b = buf[start + i]
                    bytes[i] = (b >= 0x41 && b <= 0x5A) ? b + 32 : b
                }
                out.append(Token(term: String(decoding: bytes, as: UTF8.self), start: start, end: end, isCJK: false))
                if hasUnderscore {
                    var partStart = 0
                    for i in 0...length where i == length || bytes[i] == 0x5F {
                        if i > partStart, i - partStart != length, i - partStart <= maxWordLength {
                            out.append(Token(term: String(decoding: bytes[partStart..<i], as: UTF8.self),
                                             start: start + partStart, end: start + i, isCJK: false))
                        }
                        partStart = i + 1
                    }
                }
            }
            for i in 0..<buf.count {
                let v = buf[i]
                let word = (v >= 0x30 && v <= 0x39) || (v >= 0x61 && v <= 0x7A) || (v >= 0x41 && v <= 0x5A) || v == 0x5F
                if word {
                    if start < 0 { start = i }
                    if v == 0x5F { hasUnderscore = true }
                } else {
                    flush(i)
                }
            }
            flush(buf.count)
        }
        return out
    }

    public static func terms(_ text: String, mode: Mode) -> [String] {
        tokens(text, mode: mode).map(\.term)
    }

    /// Han (with 々〆〇 and radicals), Hiragana, Katakana and Hangul: see docs/search.md.
    @inline(__always)
    public static func isCJK(_ v: UInt32) -> Bool {
        switch v {
        case 0x1100...0x11FF, 0x2E80...0x2FDF, 0x3005...0x3007, 0x3021...0x3029, 0x3038...0x303B,
             0x3040...0x30FF, 0x3130...0x318F, 0x31F0...0x31FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA960...0xA97F, 0xAC00...0xD7FF, 0xF900...0xFAFF, 0xFF66...0xFF9F, 0x20000...0x323AF:
            return true
        default:
            return false
        }
    }

    @inline(__always)
    static func isWord(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 {
            return (v >= 0x30 && v <= 0x39) || (v >= 0x61 && v <= 0x7A) || (v >= 0x41 && v <= 0x5A) || v == 0x5F
        }
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .letterNumber, .otherNumber:
            return true
        default:
            return false
        }
    }

    /// Lowercase (full default mapping) with final sigma folded to σ, so per-character and
    /// whole-word lowercasing agree.
    static func fold(_ word: String) -> String {
        let lower = word.lowercased()
        return lower.contains("ς") ? lower.replacingOccurrences(of: "ς", with: "σ") : lower
    }

    public static func tokens(_ text: String, mode: Mode) -> [Token] {
        tokensOfNormalized(normalize(text), mode: mode)
    }

    /// Tokens of text already in NFKC; offsets are UTF-16 offsets into it.
    public static func tokensOfNormalized(_ text: String, mode: Mode) -> [Token] {
        if isASCII(text) { return asciiTokens(text) }
        var out: [Token] = []
        var word = String.UnicodeScalarView()
        var wordStart = 0
        var cjk: [(Unicode.Scalar, Int)] = []
        var offset = 0

        func flushWord() {
            guard !word.isEmpty else { return }
            let raw = String(word)
            word.removeAll(keepingCapacity: true)
            let length = raw.unicodeScalars.count
            let hasUnderscore = raw.unicodeScalars.contains("_")
            guard length <= maxWordLength || (hasUnderscore && length <= maxIdentifierLength) else { return }
            let term = fold(raw)
            out.append(Token(term: term, start: wordStart, end: offset, isCJK: false))
            if hasUnderscore {
                var partStart = wordStart
                for part in raw.split(separator: "_", omittingEmptySubsequences: false) {
                    let len = part.utf16.count
                    if !part.isEmpty, part.count != raw.count, part.unicodeScalars.count <= maxWordLength {
                        out.append(Token(term: fold(String(part)), start: partStart, end: partStart + len, isCJK: false))
                    }
                    partStart += len + 1
                }
            }
        }

        func flushCJK() {
            guard !cjk.isEmpty else { return }
            defer { cjk.removeAll(keepingCapacity: true) }
            func width(_ i: Int) -> Int { cjk[i].0.value > 0xFFFF ? 2 : 1 }
            if mode == .index || cjk.count == 1 {
                for i in cjk.indices {
                    out.append(Token(term: String(cjk[i].0), start: cjk[i].1, end: cjk[i].1 + width(i), isCJK: true))
                }
            }
            if cjk.count >= 2 {
                for i in 0..<(cjk.count - 1) {
                    var s = String(cjk[i].0)
                    s.unicodeScalars.append(cjk[i + 1].0)
                    out.append(Token(term: s, start: cjk[i].1, end: cjk[i + 1].1 + width(i + 1), isCJK: true))
                }
            }
        }

        for s in text.unicodeScalars {
            let w = s.value > 0xFFFF ? 2 : 1
            if isCJK(s.value) {
                flushWord()
                cjk.append((s, offset))
            } else if isWord(s) {
                flushCJK()
                if word.isEmpty { wordStart = offset }
                word.append(s)
            } else {
                flushWord()
                flushCJK()
            }
            offset += w
        }
        flushWord()
        flushCJK()
        return out
    }

    /// True when the text holds any Han, Kana or Hangul character.
    public static func hasCJK(_ text: String) -> Bool {
        text.unicodeScalars.contains { isCJK($0.value) }
    }

    /// FNV-1a (32-bit) over the UTF-8 of `terms` joined by a space: how an error text is matched
    /// as a whole in the site without shipping its text. JS computes the same with Math.imul.
    public static func signatureHash(_ terms: ArraySlice<String>) -> UInt32 {
        var h: UInt32 = 0x811C_9DC5
        var first = true
        for t in terms {
            if !first { h = (h ^ 0x20) &* 0x0100_0193 }
            first = false
            for b in t.utf8 { h = (h ^ UInt32(b)) &* 0x0100_0193 }
        }
        return h
    }
}
