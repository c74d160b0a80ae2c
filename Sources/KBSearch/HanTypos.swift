import Foundation

/// Typo tolerance for Chinese (docs/search.md §Typos): a pinyin IME offers every character of a
/// reading, and a user picks the wrong one (`阶断` for `截断`, both `jie duan`). A query bigram the
/// index does not hold gets the indexed bigrams that keep one of its characters in the same place
/// and replace the other by a character of the same toneless reading.
///
/// Readings come from `readingTable` (ICU's Han-Latin of each character alone): the same table is
/// compiled into kb and shipped with the site (`p<k>.js`), so `kb search` and search.js agree.
public enum HanTypos {
    /// The characters that have readings: CJK Unified Ideographs.
    public static let first: UInt32 = 0x4E00
    public static let last: UInt32 = 0x9FFF
    /// Code points per `p<k>.js` file of the site.
    public static let blockSize = 512
    public static let blockCount = Int(last - first) / blockSize + 1

    /// Languages typed with a pinyin IME: the rule applies to their indexes only.
    public static func applies(lang: String) -> Bool { lang == "zh" || lang.hasPrefix("zh-") }

    /// Each code point's toneless reading from `first` on; "" for none.
    static let readings: [String] = {
        var out = Array(repeating: "", count: Int(last - first) + 1)
        for line in readingTable.split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 2 else { continue }
            let syllable = String(parts[0])
            for c in parts[1].unicodeScalars where c.value >= first && c.value <= last { out[Int(c.value - first)] = syllable }
        }
        return out
    }()

    /// Characters by reading, in code point order.
    static let characters: [String: [Unicode.Scalar]] = {
        var out: [String: [Unicode.Scalar]] = [:]
        for (i, r) in readings.enumerated() where !r.isEmpty { out[r, default: []].append(Unicode.Scalar(first + UInt32(i))!) }
        return out
    }()

    /// The toneless reading of one character (`截` → `jie`), nil outside the table.
    public static func reading(of c: Unicode.Scalar) -> String? {
        guard c.value >= first && c.value <= last else { return nil }
        let r = readings[Int(c.value - first)]
        return r.isEmpty ? nil : r
    }

    /// The characters that read `syllable`.
    public static func characters(reading syllable: String) -> [Unicode.Scalar] { characters[syllable] ?? [] }

    /// The `p<k>.js` file holding a character's reading, nil outside the table.
    public static func block(of c: Unicode.Scalar) -> Int? {
        c.value >= first && c.value <= last ? Int(c.value - first) / blockSize : nil
    }

    /// The readings of block `k`'s code points in order ("" for none).
    public static func blockReadings(_ k: Int) -> [String] {
        let lo = k * blockSize
        return Array(readings[min(lo, readings.count)..<min(lo + blockSize, readings.count)])
    }

    /// The two characters of a bigram of the table's range, nil for any other term (a range test:
    /// search.js knows the readings only once it has loaded them).
    public static func bigram(_ term: String) -> (Unicode.Scalar, Unicode.Scalar)? {
        let s = Array(term.unicodeScalars)
        guard s.count == 2, block(of: s[0]) != nil, block(of: s[1]) != nil else { return nil }
        return (s[0], s[1])
    }

    /// What a bigram reads (`截断` → `jie duan`): the key its homophones share.
    public static func readingKey(_ term: String) -> String? {
        guard let (a, b) = bigram(term), let ra = reading(of: a), let rb = reading(of: b) else { return nil }
        return ra + " " + rb
    }

    /// The bigrams of `terms` by reading, each list in the order given.
    public static func groups(_ terms: [String]) -> [String: [String]] {
        var out: [String: [String]] = [:]
        for t in terms { if let key = readingKey(t) { out[key, default: []].append(t) } }
        return out
    }

    /// Which characters of an unknown query bigram may be the wrong one: a character that a known
    /// bigram of the query also holds (the neighbour on its side in the run, not a stop word) is
    /// right. In `证书郭期` only 郭 and 期 may be wrong (证书 is known, and 书过 would be too); in
    /// `安装失败` neither character of `装失` may (two right words meet there); in `插件老是提示` the 是
    /// of `老是` may not (是提 is known), so `老是` is not read as `老式`. No character of a term that
    /// is no bigram of the table's characters.
    public static func replaceable(_ term: String, in sequence: [String], known: (String) throws -> Bool) rethrows -> (Bool, Bool) {
        guard bigram(term) != nil else { return (false, false) }
        var first = false, second = false
        for i in sequence.indices where sequence[i] == term {
            var left = false, right = false
            for j in Ranker.neighbours(i, in: sequence) where try known(sequence[j]) {
                if j < i { left = true } else { right = true }
            }
            first = first || !left
            second = second || !right
        }
        return (first, second)
    }

    /// Typo candidates of an unknown Han bigram: the indexed bigrams of the same reading that keep
    /// one of its two characters in its place and replace one that may be wrong (`replaceable`),
    /// not stop words, in UTF-16 order, at most `Vocabulary.maxCandidates`. Reads the readings of
    /// its two characters and one bucket of bigrams.
    public static func corrections(of term: String, replacing: (Bool, Bool), in reader: IndexReader) throws -> [String] {
        guard applies(lang: reader.lang), replacing.0 || replacing.1, let (a, b) = bigram(term),
              let ra = try reader.pinyin(a), let rb = try reader.pinyin(b) else { return [] }
        var out = Set<String>()
        for c in try reader.hanBigrams(reading: ra + " " + rb) where c != term && !QueryParser.isStopTerm(c) {
            guard let (x, y) = bigram(c) else { continue }
            if x != a && y == b && replacing.0 || x == a && y != b && replacing.1 { out.insert(c) }
        }
        return Array(out.sorted(by: utf16Less).prefix(Vocabulary.maxCandidates))
    }
}

extension IndexReader {
    /// The table compiled into kb; a site's reader reads the table the site ships.
    public func pinyin(_ c: Unicode.Scalar) throws -> String? { HanTypos.reading(of: c) }
}

extension LanguageIndex {
    public func hanBigrams(reading: String) throws -> [String] {
        termNames.filter { HanTypos.readingKey($0) == reading }
    }
}
