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

    /// The most UTF-16 units `root` removes from a word: `s`, `ing` and a doubled consonant or a final `e`.
    public static let maxSuffix = 5

    /// Candidates with their distance (docs/search.md §Typos): words within the limit of the term;
    /// words whose root is within the limit (measured on roots) of the term's root, at one edit
    /// more than the roots' distance; and the same for what follows a negating `un` (`negated`);
    /// any candidate counts at least one edit. Kept:
    /// the nearest distance found, and other forms of those words; then UTF-16 order, at most
    /// `maxCandidates`.
    public static func corrections(of term: String, in reader: IndexReader) throws -> [(String, Int)] {
        var byLength: [Int: [String]] = [:]
        func words(_ length: Int) throws -> [String] {
            if let w = byLength[length] { return w }
            let w = try reader.vocabulary(length: length)
            byLength[length] = w
            return w
        }
        var best: [String: Int] = [:]
        func note(_ word: String, _ d: Int) {
            let d = max(1, d)
            if d < best[word] ?? Int.max { best[word] = d }
        }
        for q in [term] + (negated(term).map { [$0] } ?? []) {
            let a = Array(q.utf16)
            let k = maxDistance(q)
            for length in max(minLength, a.count - k)...(a.count + k) {
                for word in try words(length) where word != term {
                    let d = distance(a, Array(word.utf16), limit: k)
                    if d <= k { note(word, d) }
                }
            }
            guard let r = rootForMatching(q) else { continue }
            let ra = Array(r.utf16)
            let kr = maxDistance(r)
            for length in max(minLength, ra.count - kr)...(ra.count + kr + maxSuffix) {
                for word in try words(length) where word != term {
                    guard let wr = rootForMatching(word) else { continue }
                    // Another form of the word costs one edit more than the roots' distance.
                    let d = distance(ra, Array(wr.utf16), limit: kr)
                    if d <= kr { note(word, d + 1) }
                }
            }
        }
        let found = best.map { ($0.key, $0.value) }
        guard let nearest = found.map(\.1).min() else { return [] }
        // The nearest words, and the other forms of the same words found within the limit
        // (`quarentine` → `quarantine`, and `quarantines` two edits away).
        let roots = Set(found.filter { $0.1 == nearest }.map { root($0.0) })
        return Array(found.filter { $0.1 == nearest || roots.contains(root($0.0)) }
            .sorted { $0.1 != $1.1 ? $0.1 < $1.1 : utf16Less($0.0, $1.0) }.prefix(maxCandidates))
    }

    /// The root of a word of letters a–z when it is at least `minLength` long: what root matching
    /// compares (`shaddowed` → `shaddow`, one edit from `shadows`' `shadow`); nil for any other word.
    public static func rootForMatching(_ word: String) -> String? {
        guard word.utf8.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) else { return nil }
        let r = root(word)
        return r.utf16.count >= minLength ? r : nil
    }

    /// What a negating `un` applies to: the rest of a word `un` + a past participle or an `-able`
    /// or `-ible` adjective of at least `minLength` letters a–z (`unrecongized` → `recongized`),
    /// which pages write as "not …" (`is not recognized`). Nil for any other word (`uninstall`,
    /// `unzip`, `unix`: a reversal or no prefix at all).
    public static func negated(_ word: String) -> String? {
        guard word.hasPrefix("un"), word.utf8.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) else { return nil }
        let rest = String(word.dropFirst(2))
        guard rest.utf16.count >= minLength, rest.hasSuffix("ed") || rest.hasSuffix("able") || rest.hasSuffix("ible") else { return nil }
        return rest
    }

    /// Vocabulary lengths `corrections` reads for a term (the browser loads these `v<length>.js` files).
    public static func lengths(for term: String) -> [Int] {
        var out = Set<Int>()
        for q in [term] + (negated(term).map { [$0] } ?? []) {
            let n = q.utf16.count, k = maxDistance(q)
            out.formUnion(max(minLength, n - k)...(n + k))
            if let r = rootForMatching(q) {
                let m = r.utf16.count, kr = maxDistance(r)
                out.formUnion(max(minLength, m - kr)...(m + kr + maxSuffix))
            }
        }
        return out.sorted()
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
