import Foundation

/// What a query becomes before ranking (docs/search.md §Query), identical in
/// Templates/assets/search.js: paste noise removed, then tokenized; stop words do not count.
public struct ParsedQuery: Sendable, Equatable {
    /// Query-mode terms of the cleaned text in order, duplicates and stop words kept: error texts
    /// are matched against this sequence.
    public var sequence: [String]
    /// The same sequence with every quoted name (`'gopls'`, `“go”`) replaced by `QueryParser.quoted`:
    /// how an error text with a quoted command is recognised with another command in its place.
    public var shape: [String]
    /// Distinct terms that rank, in first-seen order: no stop words.
    public var terms: [String]
    /// The last term, when it may also match as a prefix.
    public var prefixTerm: String?
    /// The text after paste noise was removed.
    public var cleaned: String

    public static let maxExpansions = 64
    public static let minPrefixLength = 3

    public init(_ text: String, prefix: Bool) {
        let normalized = Tokenizer.normalize(text)
        cleaned = QueryParser.removeNoise(normalized)
        let tokens = Tokenizer.tokensOfNormalized(cleaned, mode: .query)
        sequence = tokens.map(\.term)
        shape = QueryParser.shape(tokens, in: cleaned)
        var seen = Set<String>()
        terms = tokens.filter { !QueryParser.isStop($0) && seen.insert($0.term).inserted }.map(\.term)
        // A query of stop words only (`的磁`, `the who`) ranks by them all the same.
        if terms.isEmpty { terms = tokens.filter { seen.insert($0.term).inserted }.map(\.term) }
        prefixTerm = nil
        if prefix, let last = tokens.last, !last.isCJK, last.end == cleaned.utf16.count,
           last.term.unicodeScalars.count >= Self.minPrefixLength, terms.contains(last.term) {
            prefixTerm = last.term
        }
    }
}

public enum QueryParser {
    /// The placeholder term for a quoted name in `ParsedQuery.shape` (not a term any text yields).
    public static let quoted = "\u{1}q"

    /// Paste noise, removed before tokenizing (each match becomes one space). The same patterns,
    /// in the same order, are in search.js; they use ASCII classes only, so both regex engines agree.
    /// Each starts only where its token starts (a lookbehind) or scans a bounded run, so a long
    /// paste costs linear time: an unanchored `[…]+\.go:` rescanned the rest of a 100 KB paste
    /// from every position (HostileInputTests.longPastesDoNotStallTheQueryParser).
    public static let noisePatterns: [String] = [
        // PowerShell prompt: `PS C:\Users\alice>`, `PS>`.
        #"(?<![A-Za-z0-9_])PS(?: [A-Za-z]:\\[^<>|"\r\n]{0,400})?>"#,
        // cmd prompt: `C:\Users\alice>`, `C:\Program Files\Go\bin>` (no colon inside, no space before `>`).
        #"(?<![A-Za-z0-9_])[A-Za-z]:\\(?:[^\\<>|" \t\r\n:]+(?: [^\\<>|" \t\r\n:]+)*\\)*(?:[^\\<>|" \t\r\n:]+(?: [^\\<>|" \t\r\n:]+)*)?>"#,
        // bash and zsh prompts: `alice@dev:~/src/app$`, `root@master:~#`, `alice@mac ~ %`.
        #"(?<![A-Za-z0-9_.-])[A-Za-z0-9_.-]+@[A-Za-z0-9_.-]+(?::[^ \t\r\n$#]*[$#]| [^ \t\r\n%]+ %)"#,
        // oh-my-zsh's prompt: `➜  api git:(main) ✗` (the arrow, two spaces and the folder; or the
        // arrow, the folder and the git part). The arrow (U+279C) and the cross (U+2717) are escaped.
        #"(?<![^ \t\r\n])\u279C(?:[ \t]+[^ \t\r\n]+[ \t]+git:\([^ \t\r\n()]{1,200}\)(?:[ \t]+\u2717)?|  [^ \t\r\n]+)"#,
        // Timestamps and dates: `2024-05-01T10:00:00.123Z`, `2024/05/01 10:00:00`, `10:02:11`, `Mon, 01 Apr 2024`, `+0000`.
        #"(?<![0-9])[0-9]{4}[-/][0-9]{2}[-/][0-9]{2}(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?"#,
        #"(?<![A-Za-z0-9_:])[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:[.,][0-9]+)?(?![A-Za-z0-9_])"#,
        #"(?<![A-Za-z0-9_])(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4}"#,
        #"(?<![^ \t\r\n])[+-][0-9]{4}(?![A-Za-z0-9_])"#,
        // Go's temporary build folder, a new name on every run: `C:\Users\me\AppData\Local\Temp\go-build123\b001\exe\a.out.exe`,
        // `/tmp/go-build123/b001/exe/a.out`.
        #"(?<![A-Za-z0-9_])(?:[A-Za-z]:\\|/)(?:[^\s"'<>|:\\/]+(?: [^\s"'<>|:\\/]+)*[\\/])*go-build[0-9]+[\\/][^\s"'<>|:]*"#,
        // Log prefixes: klog `I0501 …]`, structured-log keys, source positions, PowerShell's position line.
        #"(?<![A-Za-z0-9_])[IWEF][0-9]{4} [^\]\r\n]{0,80}\]"#,
        #""(?:level|ts|time|timestamp|caller|msg|logger|stacktrace)":"#,
        #"(?<![A-Za-z0-9_])(?:level|ts|time|caller|msg|logger)="#,
        #"(?<![A-Za-z0-9_./-])[A-Za-z0-9_./-]+\.go:[0-9]+"#,
        #"(?<![A-Za-z0-9_])At line:[0-9]+ char:[0-9]+"#,
    ]

    static let noise: [NSRegularExpression] = noisePatterns.map { try! NSRegularExpression(pattern: $0) }

    /// Beside each noise pattern, pieces of text of which every match holds one: a text holding
    /// none of them is left as it is without running the pattern (the same text; every build
    /// analyses each error text of every page: 3.3 s of an edit's rebuild at 100,000 articles when
    /// each ran all fourteen). In the patterns' order; `noiseNeedsFitThePatterns` checks them.
    static let noiseNeeds: [[[UInt8]]] = [
        [">"], [">"], ["@"], ["\u{279C}"], ["-", "/"], [":"], [", "], ["+", "-"], ["go-build"],
        ["]"], ["\":"], ["="], [".go:"], ["At line:"],
    ].map { $0.map { Array($0.utf8) } }

    public static func removeNoise(_ text: String) -> String {
        var s = text
        for (re, needs) in zip(noise, noiseNeeds) {
            // Checked on the text as the patterns before left it (they only put spaces in).
            guard needs.contains(where: { Self.holds(s, $0) }) else { continue }
            s = re.stringByReplacingMatches(in: s, range: NSRange(location: 0, length: (s as NSString).length), withTemplate: " ")
        }
        return s
    }

    /// Whether `text` holds `piece` (UTF-8 bytes).
    static func holds(_ text: String, _ piece: [UInt8]) -> Bool {
        guard let first = piece.first else { return true }
        var text = text
        return text.withUTF8 { bytes in
            guard bytes.count >= piece.count else { return false }
            for i in 0...(bytes.count - piece.count) where bytes[i] == first {
                var j = 1
                while j < piece.count, bytes[i + j] == piece[j] { j += 1 }
                if j == piece.count { return true }
            }
            return false
        }
    }

    /// Words that do not decide anything: function words of English, and log and shell boilerplate.
    public static let stopWords: Set<String> = [
        "a", "an", "the", "is", "are", "was", "were", "be", "been", "am", "i", "me", "my", "you", "your", "we", "our",
        "it", "its", "this", "that", "these", "those", "to", "of", "in", "on", "at", "by", "for", "with", "from", "into",
        "and", "or", "but", "so", "if", "then", "than", "do", "does", "did", "how", "what", "which", "who", "why",
        "when", "where", "can", "could", "should", "would", "will", "just", "still", "also", "there", "here", "some",
        "very", "please", "has", "have", "had", "as", "about", "t", "s", "don", "won", "doesn", "isn", "didn", "m",
        "ve", "ll", "re", "d",
    ]

    /// Han characters that only glue a sentence together: a query bigram holding one does not rank.
    public static let stopCharacters: Set<Character> = ["的", "了", "吗", "呢", "吧", "啊", "么", "我", "你", "它", "嘛", "呀"]

    /// Chinese function words (bigrams) that do not rank.
    public static let stopBigrams: Set<String> = ["为什", "一直", "总是", "还是", "已经", "可以", "这个", "那个", "哪个", "一个",
                                                  "请问", "时候", "但是", "然后", "为何", "是不", "不是"]

    /// `isStop` for a term alone (a synonym phrase's terms).
    public static func isStopTerm(_ term: String) -> Bool {
        let cjk = term.unicodeScalars.first.map { Tokenizer.isCJK($0.value) } ?? false
        return isStop(Tokenizer.Token(term: term, start: 0, end: term.utf16.count, isCJK: cjk))
    }

    public static func isStop(_ t: Tokenizer.Token) -> Bool {
        if t.isCJK { return stopBigrams.contains(t.term) || t.term.contains(where: stopCharacters.contains) }
        // A single letter (a drive letter, `-t`'s t) says nothing.
        return stopWords.contains(t.term) || (t.term.utf16.count == 1 && t.term.utf16.first! < 0x80)
    }

    /// The sequence with names replaced by `quoted`. A name is a word in quotes (`'go'`, `“go”`), or
    /// a word after `: ` that ends the text or is followed by `:` (`bash: go: command not found`,
    /// `zsh: command not found: go`): where messages put the command they are about.
    static func shape(_ tokens: [Tokenizer.Token], in text: String) -> [String] {
        let units = Array(text.utf16)
        let pairs: [UInt16: UInt16] = [0x27: 0x27, 0x22: 0x22, 0x60: 0x60, 0x201C: 0x201D, 0x2018: 0x2019]
        return tokens.map { t in
            guard !t.isCJK, t.start > 0 else { return t.term }
            if t.end < units.count, let close = pairs[units[t.start - 1]], units[t.end] == close { return quoted }
            if t.start >= 2, units[t.start - 2] == 0x3A, units[t.start - 1] == 0x20, t.end == units.count || units[t.end] == 0x3A {
                return quoted
            }
            return t.term
        }
    }
}
