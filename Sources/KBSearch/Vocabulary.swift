import Foundation
import KBContent

/// Typo tolerance (docs/search.md §Typos): a query word the index does not hold gets the indexed
/// words within Damerau–Levenshtein distance 1 (up to 7 UTF-16 units) or 2 (8 and more).
public enum Vocabulary {
    public static let minLength = 4
    public static let longLength = 8
    public static let maxCandidates = 8

    /// Words that take part in typo matching, as query terms and as candidates: at least four
    /// UTF-16 units, fewer digits than a third of them, no Han/Kana/Hangul (`x509`, `b001` and
    /// numbers are not typos; `go111modeul` is).
    public static func isCandidate(_ term: String) -> Bool {
        let units = term.utf16
        guard units.count >= minLength else { return false }
        var digits = 0
        for u in units {
            if u >= 0x1100 { return false }
            if u >= 0x30 && u <= 0x39 { digits += 1 }
        }
        return digits * 3 < units.count
    }

    public static func maxDistance(_ term: String) -> Int { term.utf16.count >= longLength ? 2 : 1 }

    /// Candidates with their distance: the nearest distance found only, then UTF-16 order, at most `maxCandidates`.
    public static func corrections(of term: String, in reader: IndexReader) throws -> [(String, Int)] {
        let a = Array(term.utf16)
        let k = maxDistance(term)
        var found: [(String, Int)] = []
        for length in max(minLength, a.count - k)...(a.count + k) {
            for word in try reader.vocabulary(length: length) where word != term {
                let d = distance(a, Array(word.utf16), limit: k)
                if d <= k { found.append((word, d)) }
            }
        }
        guard let nearest = found.map(\.1).min() else { return [] }
        // The nearest words, and the other forms of the same words found within the limit
        // (`quarentine` → `quarantine`, and `quarantines` two edits away).
        let roots = Set(found.filter { $0.1 == nearest }.map { root($0.0) })
        return Array(found.filter { $0.1 == nearest || roots.contains(root($0.0)) }
            .sorted { $0.1 != $1.1 ? $0.1 < $1.1 : utf16Less($0.0, $1.0) }.prefix(maxCandidates))
    }

    /// The root that inflected forms of an English word share (docs/search.md §Typos): a plural or
    /// third-person `s`, then `ed` or `ing` after a vowel (with a doubled final consonant undone),
    /// then a final `e`. Only words of four or more letters a–z; a root shorter than three letters
    /// leaves the word as it is. `blocks`, `blocked`, `blocking` → `block`; `proxies` → `proxy`;
    /// `expire`, `expired` → `expir`.
    public static func root(_ word: String) -> String {
        var r = Array(word.utf8)
        guard r.count >= 4, r.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) else { return word }
        func ends(_ s: String) -> Bool { r.count >= s.utf8.count && r.suffix(s.utf8.count).elementsEqual(s.utf8) }
        let vowels: Set<UInt8> = Set("aeiou".utf8)
        if ends("sses") { r.removeLast(2) }
        else if ends("ies") { r.removeLast(3); r.append(0x79) }
        else if ends("ss") || ends("us") || ends("is") {}
        else if ends("s") { r.removeLast() }
        var stripped = false
        if ends("eed") {}
        else if ends("ed"), r.dropLast(2).contains(where: vowels.contains) { r.removeLast(2); stripped = true }
        else if ends("ing"), r.dropLast(3).contains(where: vowels.contains) { r.removeLast(3); stripped = true }
        if stripped, r.count >= 2, r[r.count - 1] == r[r.count - 2], !Set("lsz".utf8).contains(r[r.count - 1]),
           !vowels.contains(r[r.count - 1]) {
            r.removeLast()
        }
        if ends("e") { r.removeLast() }
        return r.count >= 3 ? String(decoding: r, as: UTF8.self) : word
    }

    /// Optimal-string-alignment distance (Damerau–Levenshtein with adjacent transpositions),
    /// over UTF-16 units; returns limit + 1 as soon as it must exceed `limit`.
    public static func distance(_ a: [UInt16], _ b: [UInt16], limit: Int) -> Int {
        if abs(a.count - b.count) > limit { return limit + 1 }
        let m = a.count, n = b.count
        var prev2 = [Int](repeating: 0, count: n + 1)
        var prev = Array(0...n)
        var cur = [Int](repeating: 0, count: n + 1)
        if m == 0 { return n }
        for i in 1...m {
            cur[0] = i
            var rowMin = cur[0]
            if n > 0 {
                for j in 1...n {
                    let cost = a[i - 1] == b[j - 1] ? 0 : 1
                    var v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
                    if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { v = min(v, prev2[j - 2] + 1) }
                    cur[j] = v
                    rowMin = min(rowMin, v)
                }
            }
            if rowMin > limit { return limit + 1 }
            (prev2, prev, cur) = (prev, cur, prev2)
        }
        return prev[n]
    }
}

/// One `synonyms:` group of kb.yml for one language: each phrase is a list of query-mode terms.
public struct SynonymGroup: Sendable, Codable, Hashable {
    /// Phrases that bring the others (two-way: all of them).
    public var phrases: [[String]]
    /// One-way targets: `phrases` bring these, these bring nothing. Empty for a two-way group.
    public var targets: [[String]]

    public init(phrases: [[String]], targets: [[String]] = []) {
        self.phrases = phrases
        self.targets = targets
    }

    /// From texts as written in kb.yml.
    public init(texts: [String], to: [String] = []) {
        // `kind:concept` stays one term, which no text yields (`:` splits words): Ranker's
        // postings of it are the pages of that kind.
        func terms(_ s: String) -> [String] {
            if let kind = KBConfig.SynonymSpec.kind(of: s), !kind.isEmpty { return [KBConfig.SynonymSpec.kindPrefix + kind] }
            return Tokenizer.terms(s, mode: .query)
        }
        phrases = texts.map(terms).filter { !$0.isEmpty }
        targets = to.map(terms).filter { !$0.isEmpty }
    }

    /// (phrase, what it brings) pairs.
    public func expansions() -> [([String], [[String]])] {
        if !targets.isEmpty { return phrases.map { ($0, targets) } }
        return phrases.map { p in (p, phrases.filter { $0 != p }) }
    }
}
