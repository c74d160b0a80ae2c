import Foundation

/// An error text of one document: a literal or a regex (from the article's `errors:`).
public struct Signature: Sendable, Hashable, Codable {
    public var lang: String
    public var doc: Int
    public var text: String
    public var isRegex: Bool
    public init(lang: String, doc: Int, text: String, isRegex: Bool) {
        self.lang = lang
        self.doc = doc
        self.text = text
        self.isRegex = isRegex
    }

    /// Every signature of one language's documents.
    public static func all(_ documents: [SearchDocument], lang: String) -> [Signature] {
        documents.enumerated().flatMap { n, d in
            d.errors.map { Signature(lang: lang, doc: n, text: $0, isRegex: false) }
                + d.patterns.map { Signature(lang: lang, doc: n, text: $0, isRegex: true) }
        }
    }
}

/// Replaces what changes from one run to the next (paths, URLs, versions, hashes, numbers, quoted
/// names) with placeholder words, after NFKC (which folds full-width punctuation). Signatures and
/// log lines go through the same function, so `'gopls' is not recognized` matches the signature
/// `'go' is not recognized`.
public enum LogNormalizer {
    static let rules: [(NSRegularExpression, String)] = [
        (#"[A-Za-z][A-Za-z0-9+.-]*://[^\s"'<>]+"#, " kburl "),
        // Quoted names only (no space inside): a quoted message, such as a JSON log's
        // `"error": "sending queue is full"`, keeps its words.
        (#"“[^”\s]{1,120}”|‘[^’\s]{1,120}’|"[^"\s]{1,120}"|'[^'\s]{1,120}'|`[^`\s]{1,120}`"#, " kbq "),
        (#"(?:\b[A-Za-z]:|%\w+%|\$env:\w+)\\[^\s"'<>|]*"#, " kbpath "),
        (#"(?<![\w.])(?:~|\.{1,2})?(?:/[^\s"'<>:;,()]+)+"#, " kbpath "),
        (#"\b[\w-]+(?:\.[\w-]+)+(?:/[\w.~+-]+)+(?:@[\w.+-]+)?"#, " kbpath "),
        (#"\bh1:[A-Za-z0-9+/]{20,}=*"#, " kbhash "),
        (#"\b(?:go|v)?\d+(?:\.\d+){1,3}(?:-[\w.]+)?\b"#, " kbver "),
        (#"\b(?=[0-9a-f]*[0-9])(?=[0-9a-f]*[a-f])[0-9a-f]{7,64}\b"#, " kbhash "),
        (#"\b\d+\b"#, " kbnum "),
    ].map { (try! NSRegularExpression(pattern: $0.0), $0.1) }

    public static func normalize(_ line: String) -> String {
        var s = Tokenizer.normalize(line)
        for (re, placeholder) in rules {
            s = re.stringByReplacingMatches(in: s, range: NSRange(location: 0, length: (s as NSString).length),
                                            withTemplate: placeholder)
        }
        return s
    }

    /// Query-mode terms of the normalised text.
    public static func terms(_ line: String) -> [String] {
        Tokenizer.terms(normalize(line), mode: .query)
    }
}

/// Finds the articles a log points at: error signatures first, then ranked search over the log's
/// most informative lines. Streams its input line by line; bounded per line and per regex.
public struct LogMatcher {
    /// Longer lines are cut: logs can hold megabyte-long lines (minified JSON, base64).
    public static let maxLineLength = 2000
    /// Each regex signature gets this much time over the whole log, then is skipped (and reported).
    public static let regexBudget: TimeInterval = 0.25
    /// Terms that make a line informative (query-mode terms: Chinese as bigrams).
    public static let keywords: Set<String> = ["error", "errors", "fatal", "failed", "failure", "fail", "cannot", "denied",
                                               "refused", "found", "recognized", "timeout", "mismatch", "invalid", "unable",
                                               "panic", "exception", "disabled", "unknown", "exceeded", "expired",
                                               "错误", "失败", "无法", "拒绝", "找不", "不到", "超时", "兼容", "不是"]

    public struct LineHit: Sendable, Hashable, Codable {
        public var line: Int
        public var text: String
        public var signature: String
    }

    public struct Match: Sendable {
        public var lang: String
        public var doc: Int
        public var lines: [LineHit]
        /// Sum of the matched signatures' lengths in terms: longer texts are more specific.
        public var specificity: Int
        public var firstLine: Int
    }

    public struct Report: Sendable {
        public var matches: [Match]
        /// The lines the fallback search used, in log order.
        public var informative: [String]
        public var lineCount: Int
        /// Regex signatures skipped after exhausting their time budget.
        public var timedOut: [String]
        public var containsCJK: Bool
    }

    struct Literal {
        var signature: Signature
        var terms: [String]
    }

    struct Pattern {
        var signature: Signature
        var regex: NSRegularExpression
        /// Terms every match must contain (from the pattern's literal words): a cheap prefilter.
        var required: Set<String>
        var spent: TimeInterval = 0
    }

    var literalsByFirst: [String: [Literal]] = [:]
    /// Per literal signature one of its words (the longest): a line without it is not normalised.
    var anchors: Set<String> = []
    var patterns: [Pattern] = []
    /// Signatures that do not compile, with the reason.
    public private(set) var invalid: [(Signature, String)] = []

    public init(signatures: [Signature]) {
        for s in signatures {
            if s.isRegex {
                do {
                    let re = try NSRegularExpression(pattern: Tokenizer.normalize(s.text))
                    patterns.append(Pattern(signature: s, regex: re, required: Self.requiredTerms(s.text)))
                } catch {
                    invalid.append((s, "\(error)"))
                }
            } else {
                let terms = LogNormalizer.terms(s.text)
                guard let first = terms.first else { continue }
                literalsByFirst[first, default: []].append(Literal(signature: s, terms: terms))
                let words = terms.filter { !$0.hasPrefix("kb") }
                anchors.insert(words.max { ($0.count, $0) < ($1.count, $1) } ?? first)
            }
        }
    }

    /// Words every match of `pattern` contains: its literal words outside groups, classes and
    /// optional parts. A line lacking one cannot match, so the regex is not run on it.
    static func requiredTerms(_ pattern: String) -> Set<String> {
        var words: [String] = []
        var current = ""
        var depth = 0, inClass = false, escaped = false
        func end(optional: Bool) {
            if !optional, !current.isEmpty { words.append(current) }
            current = ""
        }
        for ch in pattern {
            if escaped {
                escaped = false
                if depth == 0, !inClass {
                    if "SsDdWwBbAzZ".contains(ch) { end(optional: false) } else { current.append(ch) }
                }
                continue
            }
            switch ch {
            case "\\": escaped = true
            case "[": if !inClass { end(optional: false); inClass = true }
            case "]": inClass = false
            case "(": if !inClass { end(optional: false); depth += 1 }
            case ")": if !inClass { depth = max(0, depth - 1) }
            case "?", "*", "{":
                // The character before is optional: drop the word it ends.
                if depth == 0, !inClass { end(optional: true) }
            case "|":
                if depth == 0 { return [] } // a top-level alternative: nothing is required
            default:
                if depth == 0, !inClass { current.append(ch) }
            }
        }
        end(optional: false)
        let text = words.joined(separator: " ")
        return Set(Tokenizer.terms(LogNormalizer.normalize(text), mode: .query).filter { !$0.hasPrefix("kb") })
    }

    /// Reads `input` to the end, line by line.
    public mutating func scan(_ input: FileHandle) -> Report {
        var state = ScanState()
        var pending = Data()
        while true {
            let chunk = input.readData(ofLength: 256 * 1024)
            if chunk.isEmpty { break }
            pending.append(chunk)
            var start = pending.startIndex
            while let nl = pending[start...].firstIndex(where: { $0 == 0x0A || $0 == 0x0D }) {
                consume(pending[start..<nl], &state)
                start = pending.index(after: nl)
                // \r\n is one break.
                if pending[nl] == 0x0D, start < pending.endIndex, pending[start] == 0x0A { start = pending.index(after: start) }
            }
            pending = Data(pending[start...])
            if pending.count > Self.maxLineLength * 4 {
                // A huge line: keep its head only, skip the rest up to its end.
                consume(pending.prefix(Self.maxLineLength * 4), &state)
                state.skipping = true
                pending = Data()
            }
        }
        if !pending.isEmpty { consume(pending[...], &state) }
        return finish(state)
    }

    public mutating func scan(text: String) -> Report {
        var state = ScanState()
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            consume(Data(line.utf8)[...], &state)
        }
        return finish(state)
    }

    struct ScanState {
        var number = 0
        var skipping = false
        var matches: [String: Match] = [:]
        var seen: [String: Set<String>] = [:]
        var keywordLines: [(Int, String)] = []
        var tail: [(Int, String)] = []
        var cjk = false
        var timedOut: [String] = []
    }

    mutating func consume(_ bytes: Data.SubSequence, _ state: inout ScanState) {
        if state.skipping { state.skipping = false; return }
        state.number += 1
        var text = String(decoding: bytes.prefix(Self.maxLineLength * 4), as: UTF8.self)
        if text.count > Self.maxLineLength { text = String(text.prefix(Self.maxLineLength)) }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return }
        let nfkc = Tokenizer.normalize(trimmed)
        let termSet = Set(Tokenizer.terms(nfkc, mode: .query))
        if Tokenizer.hasCJK(nfkc) { state.cjk = true }
        // Normalising costs a few regexes: only for lines that hold some literal signature's word.
        let terms = anchors.isDisjoint(with: termSet) ? [] : Tokenizer.terms(LogNormalizer.normalize(nfkc), mode: .query)
        func record(_ s: Signature, length: Int) {
            let key = s.lang + "\u{0}" + String(s.doc)
            var m = state.matches[key] ?? Match(lang: s.lang, doc: s.doc, lines: [], specificity: 0, firstLine: state.number)
            if state.seen[key, default: []].insert(s.text).inserted { m.specificity += length }
            if m.lines.count < 20, !m.lines.contains(where: { $0.line == state.number }) {
                m.lines.append(LineHit(line: state.number, text: trimmed, signature: s.text))
            }
            state.matches[key] = m
        }
        for (i, t) in terms.enumerated() {
            for lit in literalsByFirst[t] ?? [] where i + lit.terms.count <= terms.count {
                if terms[i..<(i + lit.terms.count)].elementsEqual(lit.terms) { record(lit.signature, length: lit.terms.count) }
            }
        }
        let range = NSRange(location: 0, length: (nfkc as NSString).length)
        for p in patterns.indices where patterns[p].spent < Self.regexBudget && patterns[p].required.isSubset(of: termSet) {
            let started = Date()
            var found = false
            let budget = Self.regexBudget - patterns[p].spent
            patterns[p].regex.enumerateMatches(in: nfkc, options: [.reportProgress], range: range) { result, _, stop in
                if result != nil { found = true; stop.pointee = true }
                if Date().timeIntervalSince(started) > budget { stop.pointee = true }
            }
            patterns[p].spent += Date().timeIntervalSince(started)
            if patterns[p].spent >= Self.regexBudget { state.timedOut.append(patterns[p].signature.text) }
            if found { record(patterns[p].signature, length: max(2, patterns[p].required.count)) }
        }
        if state.keywordLines.count < 200, !Self.keywords.isDisjoint(with: termSet) {
            state.keywordLines.append((state.number, trimmed))
        }
        state.tail.append((state.number, trimmed))
        if state.tail.count > 20 { state.tail.removeFirst() }
    }

    func finish(_ state: ScanState) -> Report {
        let matches = state.matches.values.sorted {
            ($0.specificity, -$0.firstLine, -$0.doc) > ($1.specificity, -$1.firstLine, -$1.doc)
        }
        // Informative lines: those with error words (the last ones, where logs usually end up),
        // else the log's last lines; distinct after normalisation.
        var pool = state.keywordLines.isEmpty ? state.tail : state.keywordLines
        pool.reverse()
        var picked: [(Int, String)] = []
        var keys = Set<String>()
        for (n, line) in pool where picked.count < 5 {
            let key = LogNormalizer.terms(line).joined(separator: " ")
            if !key.isEmpty, keys.insert(key).inserted { picked.append((n, line)) }
        }
        picked.sort { $0.0 < $1.0 }
        return Report(matches: matches, informative: picked.map(\.1), lineCount: state.number,
                      timedOut: state.timedOut, containsCJK: state.cjk)
    }

    /// The fallback: each informative line as a query (placeholders removed), fused by reciprocal rank.
    public static func fallback(_ lines: [String], reader: IndexReader, filters: [Facet: [String]], limit: Int) throws -> [(doc: Int, score: Double)] {
        var fused: [Int: Double] = [:]
        for line in lines {
            let words = LogNormalizer.normalize(line).split(separator: " ").filter { !$0.hasPrefix("kb") }.joined(separator: " ")
            // A log line is not a query someone typed: its every word need not match, so order by
            // score alone (tier first: a line may contain an error text).
            let hits = try Ranker.rank(SearchQuery(text: words, filters: filters, limit: limit, prefix: false), in: reader)
                .sorted { ($0.tier, $0.score, -$0.doc) > ($1.tier, $1.score, -$1.doc) }
            for (rank, hit) in hits.prefix(20).enumerated() { fused[hit.doc, default: 0] += 1 / Double(60 + rank) }
        }
        return fused.sorted { ($0.value, -$0.key) > ($1.value, -$1.key) }.prefix(limit).map { (doc: $0.key, score: $0.value) }
    }
}
