/// Ids and anchors.
public enum Slug {
    /// `[a-z0-9][a-z0-9-]*`: the shape of every article and block id.
    public static func isValidID(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, isLowerAlnum(first) else { return false }
        return s.unicodeScalars.allSatisfy { isLowerAlnum($0) || $0 == "-" }
    }

    private static func isLowerAlnum(_ c: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(c) || ("0"..."9").contains(c)
    }

    /// GitHub's heading anchor: lower-cased, punctuation dropped, spaces to `-`; letters and
    /// digits of every script (CJK included) kept.
    public static func anchor(_ text: String) -> String {
        var out = ""
        for scalar in text.lowercased().unicodeScalars {
            let p = scalar.properties
            if p.isAlphabetic || p.numericType != nil || scalar == "-" || scalar == "_" {
                out.unicodeScalars.append(scalar)
            } else if scalar == " " {
                out.append("-")
            } else if p.generalCategory == .nonspacingMark || p.generalCategory == .spacingMark {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Makes anchors unique in one page the way GitHub does: `a`, `a-1`, `a-2`.
    public struct AnchorSet: Sendable {
        private var seen: [String: Int] = [:]
        public init() {}
        public mutating func unique(_ base: String) -> String {
            if let n = seen[base] {
                var k = n + 1
                while seen["\(base)-\(k)"] != nil { k += 1 }
                seen[base] = k
                seen["\(base)-\(k)"] = 0
                return "\(base)-\(k)"
            }
            seen[base] = 0
            return base
        }
    }

    /// "Did you mean" by edit distance: the closest candidate within a third of the word's length.
    public static func closest(to word: String, in candidates: [String]) -> String? {
        Suggester(candidates).closest(to: word)
    }

    public static func editDistance(_ a: String, _ b: String) -> Int {
        editDistance(Array(a), Array(b), cutoff: Int.max)
    }

    /// Levenshtein distance of `x` and `y`, or any value above `cutoff` once it must exceed it.
    static func editDistance(_ x: [Character], _ y: [Character], cutoff: Int) -> Int {
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var prev = Array(0...y.count)
        var cur = prev
        for i in 1...x.count {
            cur[0] = i
            var rowMin = i
            for j in 1...y.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
                rowMin = min(rowMin, cur[j])
            }
            // Every path to the last cell crosses this row: none is cheaper than its minimum.
            if rowMin > cutoff { return rowMin }
            swap(&prev, &cur)
        }
        return prev[y.count]
    }
}

/// Names to suggest from, prepared once: `closest(to:)` gives what `Slug.closest` gives over the
/// same names (the first of the nearest within a third of the word's length, at least 2), but a
/// name too different in length or in letters to be that near is dismissed without the distance
/// (an edit changes the length by at most one and a letter count histogram by at most two). A
/// KB of 100,000 articles with thousands of broken links asked for every name's distance to
/// every broken one. Work beyond `budget` name comparisons in all gives no suggestion.
public final class Suggester: @unchecked Sendable {
    private let names: [String]
    private let characters: [[Character]]
    private let histograms: [[UInt8]]
    private let state: Locked<(budget: Int, memo: [String: String?])>
    static let bins = 32

    public init(_ names: [String], budget: Int = .max) {
        self.names = names
        characters = names.map(Array.init)
        histograms = characters.map(Self.histogram)
        state = Locked((budget, [:]))
    }

    static func histogram(_ word: [Character]) -> [UInt8] {
        var h = [UInt8](repeating: 0, count: bins)
        for c in word {
            let k = Int((c.unicodeScalars.first?.value ?? 0) % UInt32(bins))
            if h[k] < 255 { h[k] += 1 }
        }
        return h
    }

    public func closest(to word: String) -> String? {
        let cached: String?? = state.withLock { s -> String?? in
            if let known = s.memo[word] { return .some(known) }
            guard s.budget >= names.count else { return .some(nil) } // spent: no suggestion
            s.budget -= names.count
            return nil
        }
        if let cached { return cached }
        let x = Array(word)
        let limit = max(2, x.count / 3)
        let hx = Self.histogram(x)
        var best: (index: Int, distance: Int)?
        for (i, y) in characters.enumerated() {
            // Within `limit`, and strictly nearer than the best so far (the first nearest wins).
            let bound = min(limit, (best?.distance ?? limit + 1) - 1)
            guard abs(y.count - x.count) <= bound else { continue }
            let h = histograms[i]
            var l1 = 0
            for k in 0..<Self.bins { l1 += abs(Int(h[k]) - Int(hx[k])) }
            guard (l1 + 1) / 2 <= bound else { continue }
            let d = Slug.editDistance(x, y, cutoff: bound)
            if d <= bound { best = (i, d) }
        }
        let answer = best.map { names[$0.index] }
        state.withLock { $0.memo[word] = .some(answer) }
        return answer
    }
}
