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
        let limit = max(2, word.count / 3)
        var best: (String, Int)?
        for c in candidates {
            let d = editDistance(word, c)
            if d <= limit, best == nil || d < best!.1 { best = (c, d) }
        }
        return best?.0
    }

    public static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var prev = Array(0...y.count)
        var cur = prev
        for i in 1...x.count {
            cur[0] = i
            for j in 1...y.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[y.count]
    }
}
