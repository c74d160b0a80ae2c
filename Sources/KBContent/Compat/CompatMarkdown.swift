import Foundation
import KBCore

/// Rewrites other generators' Markdown extensions into CommonMark that kb renders as components,
/// in one place, before cmark parses the body:
///
/// - Hugo shortcodes (`{{< name >}}`, `{{% name %}}`) → links, images, code fences, alerts; an
///   unknown one keeps its inner content and gets one warning naming it;
/// - MkDocs admonitions (`!!!`, `???`), content tabs (`===`) and Docusaurus admonitions (`:::`) →
///   blockquotes marked `[!TYPE]` (GitHub alerts), which the HTML renderer draws as callouts, tabs
///   and collapsible blocks;
/// - Obsidian wikilinks and embeds (`[[Page#Heading|text]]`, `![[image.png]]`) → Markdown links.
///
/// Every pass is linear in the input (bounded look-ahead, no regular expressions) and keeps line
/// numbers where it can so positions still point into the file. Nesting is capped.
public struct CompatMarkdown: Sendable {
    public static let maxNesting = 16
    public static let maxTagBytes = 4096

    /// The file as shown in messages.
    public var path: String
    /// Lines before the body (front matter), added to every reported line.
    public var lineOffset: Int
    public var mode: CompatMode

    public init(path: String, lineOffset: Int, mode: CompatMode) {
        self.path = path
        self.lineOffset = lineOffset
        self.mode = mode
    }

    public struct Output: Sendable {
        public var text: String
        public var diagnostics: [Diagnostic]
    }

    /// The marker that the container pass puts on a content tab (`> [!kb-tab] Title`).
    public static let tabMarker = "kb-tab"

    public func rewrite(_ text: String) -> Output {
        var diags: [Diagnostic] = []
        var t = text
        if t.contains("{{<") || t.contains("{{%") { t = expandShortcodes(t, &diags) }
        if t.contains("!!!") || t.contains("???") || t.contains("===") || t.contains(":::") { t = containers(t, &diags) }
        if mode == .obsidian, t.contains("[[") { t = wikilinks(t) }
        return Output(text: t, diagnostics: diags)
    }

    // MARK: shared

    /// Which lines are inside a fenced code block (fence lines included). Any indentation and
    /// blockquote markers are allowed before a fence, so fences inside containers count too.
    static func fenceMask(_ lines: [Substring]) -> [Bool] {
        var mask = [Bool](repeating: false, count: lines.count)
        var open: (Character, Int, Int)? // fence character, length, indent
        for (i, line) in lines.enumerated() {
            let quoted = line.drop { $0 == " " || $0 == "\t" || $0 == ">" }
            let lastMarker = line[..<quoted.startIndex].lastIndex(of: ">").map { line.index(after: $0) } ?? line.startIndex
            let indent = line.distance(from: lastMarker, to: quoted.startIndex)
            let s = quoted
            if let (ch, n, openIndent) = open {
                mask[i] = true
                let run = s.prefix { $0 == ch }.count
                // A closing fence is indented less than four columns past the opening one.
                if run >= n, indent < openIndent + 4, s.dropFirst(run).allSatisfy({ $0 == " " || $0 == "\t" }) { open = nil }
            } else if let f = s.first, f == "`" || f == "~" {
                let run = s.prefix { $0 == f }.count
                if run >= 3, !(f == "`" && s.dropFirst(run).contains("`")) {
                    open = (f, run, indent)
                    mask[i] = true
                }
            }
        }
        return mask
    }

    func location(line: Int, column: Int) -> SourceLocation {
        SourceLocation(path: path, line: line + lineOffset, column: column)
    }

    // MARK: Hugo shortcodes

    struct Tag {
        var start: Int
        var end: Int
        var name: String
        var positional: [String] = []
        var named: [String: String] = [:]
        var closing = false
        var selfClosing = false
        var escaped = false
        /// Index of the closing tag, for an opener that has one.
        var match: Int?
    }

    static let admonitionShortcodes: Set<String> = ["note", "tip", "warning", "caution", "important", "info", "danger",
                                                    "notice", "hint", "callout", "admonition", "alert", "details", "deprecated-in"]

    func expandShortcodes(_ text: String, _ diags: inout [Diagnostic]) -> String {
        // Commented-out shortcodes (`{{</* x */>}}`) are how Hugo docs show shortcodes in code:
        // inside code they read as the shortcode itself.
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let mask = Self.fenceMask(lines)
        for i in lines.indices where lines[i].contains("/*") {
            if mask[i] { lines[i] = Substring(Self.unescape(lines[i])) } else if lines[i].contains("`") {
                lines[i] = Substring(Self.unescapeInCodeSpans(lines[i]))
            }
        }
        let b = Array(lines.joined(separator: "\n").utf8)
        var lineStarts = [0]
        for (i, c) in b.enumerated() where c == 10 { lineStarts.append(i + 1) }
        var tags = tokenize(b, lineStarts: lineStarts, mask: mask, diags: &diags)
        pair(&tags)
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var warned = Set<String>()
        var ctx = EmitContext(b: b, tags: tags, lineStarts: lineStarts)
        emit(&ctx, from: 0, to: b.count, tagRange: 0..<tags.count, depth: 0, into: &out, warned: &warned, diags: &diags)
        return String(decoding: out, as: UTF8.self)
    }

    static func unescape(_ s: Substring) -> String {
        s.replacingOccurrences(of: "{{</*", with: "{{<").replacingOccurrences(of: "*/>}}", with: ">}}")
            .replacingOccurrences(of: "{{%/*", with: "{{%").replacingOccurrences(of: "*/%}}", with: "%}}")
    }

    /// Unescapes inside the line's backtick code spans only.
    static func unescapeInCodeSpans(_ line: Substring) -> String {
        var out = ""
        var rest = line[...]
        while let tick = rest.firstIndex(of: "`") {
            out += rest[..<tick]
            let run = rest[tick...].prefix { $0 == "`" }
            let after = rest[run.endIndex...]
            if let close = Self.findRun(of: run.count, in: after) {
                out += run + Self.unescape(after[..<close.lowerBound]) + after[close]
                rest = after[close.upperBound...]
            } else {
                out += run
                rest = after
            }
        }
        return out + rest
    }

    /// The next run of exactly `n` backticks in `s`, looking at most 2,000 characters ahead.
    static func findRun(of n: Int, in s: Substring) -> Range<Substring.Index>? {
        var i = s.startIndex
        var seen = 0
        while i < s.endIndex, seen < 2000 {
            if s[i] == "`" {
                var j = i
                while j < s.endIndex, s[j] == "`" { j = s.index(after: j) }
                if s.distance(from: i, to: j) == n { return i..<j }
                i = j
            } else {
                i = s.index(after: i)
            }
            seen += 1
        }
        return nil
    }

    private func lineOf(_ offset: Int, _ lineStarts: [Int]) -> Int {
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    private func tokenize(_ b: [UInt8], lineStarts: [Int], mask: [Bool], diags: inout [Diagnostic]) -> [Tag] {
        var tags: [Tag] = []
        var line = 0
        var i = 0
        let n = b.count
        while i < n {
            while line + 1 < lineStarts.count, lineStarts[line + 1] <= i { line += 1 }
            if mask[line] {
                i = line + 1 < lineStarts.count ? lineStarts[line + 1] : n
                continue
            }
            let c = b[i]
            if c == UInt8(ascii: "`") {
                // Skip an inline code span on this line.
                var j = i
                while j < n, b[j] == c { j += 1 }
                let run = j - i
                var k = j, found = -1
                let lineEnd = line + 1 < lineStarts.count ? lineStarts[line + 1] : n
                while k < min(lineEnd, j + 2000) {
                    if b[k] == c {
                        var m = k
                        while m < n, b[m] == c { m += 1 }
                        if m - k == run { found = m; break }
                        k = m
                    } else { k += 1 }
                }
                i = found >= 0 ? found : j
                continue
            }
            if c == UInt8(ascii: "{"), i + 2 < n, b[i + 1] == UInt8(ascii: "{"),
               b[i + 2] == UInt8(ascii: "<") || b[i + 2] == UInt8(ascii: "%") {
                if let tag = parseTag(b, at: i) {
                    tags.append(tag)
                    i = tag.end
                    continue
                }
                diags.append(.error("shortcode is not closed with \(b[i + 2] == UInt8(ascii: "<") ? ">}}" : "%}}") within \(Self.maxTagBytes) bytes",
                                    rule: .shortcode, at: location(line: line + 1, column: i - lineStarts[line] + 1)))
                i += 3
                continue
            }
            i += 1
        }
        return tags
    }

    /// Parses `{{< name args >}}` at `i`; nil when it does not close within the size cap.
    private func parseTag(_ b: [UInt8], at start: Int) -> Tag? {
        let delim = b[start + 2] == UInt8(ascii: "<") ? UInt8(ascii: ">") : UInt8(ascii: "%")
        let n = min(b.count, start + Self.maxTagBytes)
        func closesAt(_ j: Int) -> Bool {
            j + 2 < b.count && j + 2 < n + 3 && b[j] == delim && b[j + 1] == UInt8(ascii: "}") && b[j + 2] == UInt8(ascii: "}")
        }
        var j = start + 3
        func skipSpace() { while j < n, b[j] == 32 || b[j] == 9 || b[j] == 10 || b[j] == 13 { j += 1 } }
        skipSpace()
        if j + 1 < n, b[j] == UInt8(ascii: "/"), b[j + 1] == UInt8(ascii: "*") {
            // Commented out: `{{</* … */>}}`.
            var k = j + 2
            while k + 3 < n {
                if b[k] == UInt8(ascii: "*"), b[k + 1] == UInt8(ascii: "/"), closesAt(k + 2) {
                    let inner = String(decoding: b[(j + 2)..<k], as: UTF8.self)
                    var t = Tag(start: start, end: k + 5, name: inner.trimmingCharacters(in: .whitespacesAndNewlines))
                    t.escaped = true
                    t.named["delim"] = delim == UInt8(ascii: ">") ? "<" : "%"
                    return t
                }
                k += 1
            }
            return nil
        }
        var tag = Tag(start: start, end: start, name: "")
        if j < n, b[j] == UInt8(ascii: "/") { tag.closing = true; j += 1; skipSpace() }
        let nameStart = j
        while j < n, !(b[j] == 32 || b[j] == 9 || b[j] == 10 || b[j] == 13), !closesAt(j),
              !(b[j] == UInt8(ascii: "/") && j + 1 < n && closesAt(j + 1)) { j += 1 }
        tag.name = String(decoding: b[nameStart..<j], as: UTF8.self).lowercased()
        var tokens: [String] = []
        while j < n {
            skipSpace()
            if j >= n { break }
            if closesAt(j) { tag.end = j + 3; break }
            if b[j] == UInt8(ascii: "/"), j + 1 < n, closesAt(j + 1) {
                tag.selfClosing = true
                tag.end = j + 4
                break
            }
            var token: [UInt8] = []
            while j < n, !(b[j] == 32 || b[j] == 9 || b[j] == 10 || b[j] == 13), !closesAt(j) {
                let q = b[j]
                if q == UInt8(ascii: "\"") || q == UInt8(ascii: "`") {
                    j += 1
                    while j < n, b[j] != q {
                        if q == UInt8(ascii: "\""), b[j] == UInt8(ascii: "\\"), j + 1 < n { j += 1 }
                        token.append(b[j])
                        j += 1
                    }
                    j += 1
                } else {
                    token.append(q)
                    j += 1
                }
            }
            if !token.isEmpty { tokens.append(String(decoding: token, as: UTF8.self)) }
        }
        guard tag.end > start else { return nil }
        for t in tokens {
            if let eq = t.firstIndex(of: "="), !t[..<eq].isEmpty, t[..<eq].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) {
                tag.named[String(t[..<eq]).lowercased()] = String(t[t.index(after: eq)...])
            } else {
                tag.positional.append(t)
            }
        }
        return tag
    }

    /// Pairs openers with closers by name (a stack, searched at most 64 deep).
    private func pair(_ tags: inout [Tag]) {
        var stack: [Int] = []
        for i in tags.indices where !tags[i].escaped && !tags[i].selfClosing {
            if tags[i].closing {
                var k = stack.count - 1
                while k >= 0, stack.count - k <= 64, tags[stack[k]].name != tags[i].name { k -= 1 }
                if k >= 0, stack.count - k <= 64 {
                    tags[stack[k]].match = i
                    stack.removeSubrange(k...)
                }
            } else {
                stack.append(i)
            }
        }
    }

    struct EmitContext {
        var b: [UInt8]
        var tags: [Tag]
        var lineStarts: [Int]
    }

    private func emit(_ ctx: inout EmitContext, from: Int, to: Int, tagRange: Range<Int>, depth: Int,
                      into out: inout [UInt8], warned: inout Set<String>, diags: inout [Diagnostic]) {
        var pos = from
        var k = tagRange.lowerBound
        while k < tagRange.upperBound {
            let tag = ctx.tags[k]
            out += ctx.b[pos..<tag.start]
            let line = lineOf(tag.start, ctx.lineStarts)
            let loc = location(line: line + 1, column: tag.start - ctx.lineStarts[line] + 1)
            if tag.escaped {
                let d = tag.named["delim"] ?? "<"
                let close = d == "%" ? "%}}" : ">}}"
                out += Array("`{{\(d) \(tag.name) \(close)`".utf8)
                pos = tag.end
                k += 1
                continue
            }
            if tag.closing {
                // A closer with no opener: dropped.
                pos = tag.end
                k += 1
                continue
            }
            if let m = tag.match {
                let closer = ctx.tags[m]
                if depth >= Self.maxNesting {
                    diags.append(.error("shortcodes nested deeper than \(Self.maxNesting)", rule: .nestingTooDeep, at: loc))
                    pos = closer.end
                    k = m + 1
                    continue
                }
                paired(&ctx, tag, opener: k, closer: closer, closerIndex: m, loc: loc, depth: depth,
                       into: &out, warned: &warned, diags: &diags)
                pos = closer.end
                k = m + 1
            } else {
                out += Array(standalone(tag, loc: loc, warned: &warned, diags: &diags).utf8)
                pos = tag.end
                k += 1
            }
        }
        if pos < to { out += ctx.b[pos..<to] }
    }

    private func blankBefore(_ b: [UInt8], _ offset: Int, _ lineStart: Int) -> Bool {
        b[lineStart..<offset].allSatisfy { $0 == 32 || $0 == 9 }
    }

    private func restOfLineBlank(_ b: [UInt8], _ offset: Int) -> Bool {
        var i = offset
        while i < b.count, b[i] != 10 {
            if b[i] != 32, b[i] != 9, b[i] != 13 { return false }
            i += 1
        }
        return true
    }

    private func paired(_ ctx: inout EmitContext, _ tag: Tag, opener: Int, closer: Tag, closerIndex: Int, loc: SourceLocation,
                        depth: Int, into out: inout [UInt8], warned: inout Set<String>, diags: inout [Diagnostic]) {
        let b = ctx.b
        let openLine = lineOf(tag.start, ctx.lineStarts), closeLine = lineOf(closer.start, ctx.lineStarts)
        let indent = String(decoding: b[ctx.lineStarts[openLine]..<tag.start], as: UTF8.self)
        let onOwnLines = closeLine > openLine && blankBefore(b, tag.start, ctx.lineStarts[openLine]) && restOfLineBlank(b, tag.end)
            && blankBefore(b, closer.start, ctx.lineStarts[closeLine]) && restOfLineBlank(b, closer.end)
        let innerStart = onOwnLines ? ctx.lineStarts[openLine + 1] : tag.end
        let innerEnd = onOwnLines ? ctx.lineStarts[closeLine] : closer.start
        let innerTags = (opener + 1)..<closerIndex
        let name = tag.name

        func code(_ language: String, title: String?) {
            let inner = innerEnd > innerStart ? Array(b[innerStart..<innerEnd]) : []
            var longest = 0, run = 0
            for c in inner { if c == UInt8(ascii: "`") { run += 1; longest = max(longest, run) } else { run = 0 } }
            let fence = String(repeating: "`", count: max(3, longest + 1))
            let info = language + (title.map { " title=\"\($0.replacingOccurrences(of: "\"", with: "'"))\"" } ?? "")
            if onOwnLines {
                out += Array((fence + info).utf8)
                out += b[tag.end..<innerStart] // the rest of the line and its newline
                out += inner
                out += Array((indent + fence).utf8)
            } else {
                out += Array("`".utf8) + inner.filter { $0 != 10 } + Array("`".utf8)
            }
        }

        switch name {
        case "highlight":
            code(tag.positional.first ?? "", title: nil)
        case "code":
            let file = tag.named["file"]
            let lang = tag.named["lang"] ?? file.flatMap { f in f.split(separator: ".").count > 1 ? f.split(separator: ".").last.map(String.init) : nil } ?? ""
            code(lang, title: file)
        case "code-toggle":
            let file = tag.named["file"]
            code(tag.named["lang"] ?? "toml", title: file.map { $0.contains(".") ? $0 : $0 + ".toml" })
        case _ where Self.admonitionShortcodes.contains(name):
            var type = (tag.named["type"] ?? tag.named["mode"] ?? (name == "admonition" || name == "callout" || name == "alert" ? "note" : name)).lowercased()
            var title = tag.named["title"] ?? tag.named["summary"] ?? ""
            var fold = ""
            if name == "details" { type = "note"; fold = tag.named["open"] == "true" ? "+" : "-"; if title.isEmpty { title = tag.positional.first ?? "Details" } }
            if name == "deprecated-in" { type = "warning"; title = "Deprecated in " + Self.version(tag.positional.first) }
            if onOwnLines {
                out += Array("\(indent)> [!\(type.uppercased())]\(fold)\(title.isEmpty ? "" : " " + title)".utf8)
                out += b[tag.end..<innerStart]
                var inner: [UInt8] = []
                emit(&ctx, from: innerStart, to: innerEnd, tagRange: innerTags, depth: depth + 1, into: &inner, warned: &warned, diags: &diags)
                // Every inner line joins the blockquote.
                var lineBegin = true
                for c in inner {
                    if lineBegin { out += Array((indent + "> ").utf8); lineBegin = false }
                    out.append(c)
                    if c == 10 { lineBegin = true }
                }
            } else {
                if !title.isEmpty { out += Array("**\(title)** ".utf8) }
                emit(&ctx, from: innerStart, to: innerEnd, tagRange: innerTags, depth: depth + 1, into: &out, warned: &warned, diags: &diags)
            }
        default:
            if !["ref", "relref", "figure", "img", "new-in", "include"].contains(name), warned.insert(name).inserted {
                diags.append(.warning("unknown Hugo shortcode '\(name)': only its inner content is shown", rule: .unknownShortcode, at: loc))
            }
            if onOwnLines { out += b[tag.end..<innerStart] }
            emit(&ctx, from: innerStart, to: innerEnd, tagRange: innerTags, depth: depth + 1, into: &out, warned: &warned, diags: &diags)
        }
    }

    static func version(_ v: String?) -> String {
        guard let v, !v.isEmpty else { return "" }
        return v.first?.isNumber == true ? "v" + v : v
    }

    /// A shortcode with no inner content, as Markdown.
    private func standalone(_ tag: Tag, loc: SourceLocation, warned: inout Set<String>, diags: inout [Diagnostic]) -> String {
        func arg(_ key: String, _ position: Int) -> String? {
            tag.named[key] ?? (position < tag.positional.count ? tag.positional[position] : nil)
        }
        func destination(_ s: String) -> String {
            s.contains(" ") || s.contains("(") || s.contains(")") ? "<\(s)>" : s
        }
        func text(_ s: String) -> String {
            s.replacingOccurrences(of: "[", with: "\\[").replacingOccurrences(of: "]", with: "\\]")
        }
        switch tag.name {
        case "ref", "relref":
            let target = arg("path", 0) ?? ""
            return target.replacingOccurrences(of: " ", with: "%20")
        case "figure", "img":
            guard let src = arg("src", 0) else { break }
            let alt = tag.named["alt"] ?? tag.named["title"] ?? ""
            let caption = tag.named["caption"] ?? tag.named["title"] ?? ""
            let title = caption.isEmpty ? "" : " \"\(caption.replacingOccurrences(of: "\"", with: "'"))\""
            let image = "![\(text(alt))](\(destination(src))\(title))"
            if let link = tag.named["link"] { return "[\(image)](\(destination(link)))" }
            return image
        case "new-in":
            return "*New in \(Self.version(arg("version", 0)))*"
        case "deprecated-in":
            return "*Deprecated in \(Self.version(arg("version", 0)))*"
        case "include", "readfile":
            guard let file = arg("file", 0) else { break }
            return "*Included: [\(text(file))](\(destination(file)))*"
        case "youtube", "vimeo":
            guard let id = arg("id", 0) else { break }
            let url = tag.name == "youtube" ? "https://www.youtube.com/watch?v=\(id)" : "https://vimeo.com/\(id)"
            return "[\(tag.name == "youtube" ? "YouTube" : "Vimeo") video \(text(id))](\(url))"
        case "glossary-term", "term":
            return arg("term", 0).map { "*\(text($0))*" } ?? ""
        case "param":
            return arg("name", 0).map { "`\($0)`" } ?? ""
        case "code-toggle", "code", "highlight":
            // Without inner content these read the site's data files (`config=build`), which are
            // not part of the content folder.
            if warned.insert(tag.name + "/data").inserted {
                diags.append(.warning("'\(tag.name)' has no inner content here (it reads site data kb does not have): not rendered",
                                      rule: .shortcodeData, at: loc))
            }
            return ""
        default:
            break
        }
        if warned.insert(tag.name).inserted {
            diags.append(.warning("unknown Hugo shortcode '\(tag.name)': not rendered", rule: .unknownShortcode, at: loc))
        }
        return ""
    }

    // MARK: MkDocs and Docusaurus containers

    private enum Container {
        /// MkDocs: content indented by `content` columns (the opener's indent + 4).
        /// `base` is the indent kept before the `>` marker (at most 3, so it never reads as code).
        case indented(base: Int, content: Int)
        /// Docusaurus: closed by a line of at least `colons` colons.
        case fenced(base: Int, colons: Int)
        var base: Int {
            switch self { case .indented(let b, _), .fenced(let b, _): return b }
        }
    }

    static let admonitionTypes: Set<String> = ["note", "abstract", "summary", "tldr", "info", "todo", "tip", "hint", "important",
                                               "success", "check", "done", "question", "help", "faq", "warning", "caution",
                                               "attention", "failure", "fail", "missing", "danger", "error", "bug", "example",
                                               "quote", "cite", "secondary", "success", "seealso", "settings"]

    func containers(_ text: String, _ diags: inout [Diagnostic]) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var out: [String] = []
        out.reserveCapacity(lines.count)
        var stack: [Container] = []
        var pendingBlanks = 0
        var fence: (Character, Int, Int)? // char, length, stack depth it opened at
        var fenceIndent = 0
        var tooDeep = false
        var lastWasContent = false

        func prefix(_ depth: Int) -> String {
            var p = ""
            for c in stack.prefix(depth) { p += String(repeating: " ", count: c.base) + "> " }
            return p
        }
        func indentWidth(_ s: Substring) -> Int {
            var w = 0
            for ch in s { if ch == " " { w += 1 } else if ch == "\t" { w += 4 } else { break } }
            return w
        }
        func dropIndent(_ s: Substring, _ width: Int) -> Substring {
            var w = 0
            var i = s.startIndex
            while i < s.endIndex, w < width {
                if s[i] == " " { w += 1 } else if s[i] == "\t" { w += 4 } else { break }
                i = s.index(after: i)
            }
            return s[i...]
        }

        for (number, line) in lines.enumerated() {
            let blank = line.allSatisfy { $0 == " " || $0 == "\t" }
            if blank, !stack.isEmpty {
                pendingBlanks += 1
                continue
            }
            // Which open containers this line continues.
            var rest = line
            var kept = 0
            for c in stack {
                if case .indented(_, let content) = c {
                    if blank { kept += 1; continue }
                    if indentWidth(rest) >= content {
                        rest = dropIndent(rest, content)
                        kept += 1
                    } else { break }
                } else {
                    rest = dropIndent(rest, c.base)
                    kept += 1
                }
            }
            let closedSome = kept < stack.count
            stack.removeSubrange(kept...)
            if let f = fence, f.2 > stack.count { fence = nil }
            for _ in 0..<pendingBlanks { out.append(String(prefix(stack.count).dropLast())) }
            if closedSome, pendingBlanks == 0, lastWasContent { out.append(String(prefix(stack.count).dropLast())) } // no lazy continuation
            pendingBlanks = 0

            let trimmed = rest.drop { $0 == " " || $0 == "\t" }
            let lead = indentWidth(rest)
            if let (ch, len, _) = fence {
                let run = trimmed.prefix { $0 == ch }.count
                if run >= len, lead < fenceIndent + 4, trimmed.dropFirst(run).allSatisfy({ $0 == " " || $0 == "\t" }) { fence = nil }
                out.append(prefix(stack.count) + rest)
                lastWasContent = true
                continue
            }
            if let f = trimmed.first, f == "`" || f == "~" {
                let run = trimmed.prefix { $0 == f }.count
                if run >= 3, !(f == "`" && trimmed.dropFirst(run).contains("`")) { fence = (f, run, stack.count); fenceIndent = lead }
            }
            // A definition list's `:   !!! note` opens the container inside the definition.
            var candidate = trimmed
            var shown = lead
            if trimmed.hasPrefix(": ") || trimmed.hasPrefix(":\t") {
                let inner = trimmed.dropFirst().drop { $0 == " " || $0 == "\t" }
                if opener(inner) != nil {
                    candidate = inner
                    shown = 0
                }
            }
            if fence == nil, let opener = opener(candidate) {
                if stack.count >= Self.maxNesting {
                    if tooDeep { out.append(prefix(stack.count) + rest); continue }
                    tooDeep = true
                    diags.append(.error("admonitions and tabs nested deeper than \(Self.maxNesting)", rule: .nestingTooDeep,
                                        at: location(line: number + 1, column: 1)))
                    out.append(prefix(stack.count) + rest)
                    continue
                }
                let column = shown == 0 && candidate.count != trimmed.count ? lead + rest.count - lead - candidate.count : lead
                out.append(prefix(stack.count) + String(repeating: " ", count: min(shown, 3)) + "> " + opener.marker)
                stack.append(opener.colons > 0 ? .fenced(base: min(shown, 3), colons: opener.colons)
                                               : .indented(base: min(shown, 3), content: column + 4))
                lastWasContent = true
                continue
            }
            if fence == nil, trimmed.hasPrefix(":::"), trimmed.allSatisfy({ $0 == ":" || $0 == " " }),
               let top = stack.last, case .fenced(_, let colons) = top,
               trimmed.filter({ $0 == ":" }).count >= colons {
                stack.removeLast()
                out.append(String(prefix(stack.count).dropLast()))
                lastWasContent = false
                continue
            }
            out.append(prefix(stack.count) + rest)
            lastWasContent = !blank
        }
        for _ in 0..<pendingBlanks { out.append("") }
        return out.joined(separator: "\n")
    }

    /// `!!! type "Title"`, `??? type`, `???+ type`, `=== "Tab"`, `:::type Title` → the marker line.
    private func opener(_ s: Substring) -> (marker: String, colons: Int)? {
        func quoted(_ t: Substring) -> String {
            let t = t.trimmingCharacters(in: .whitespaces)
            if t.count >= 2, t.first == "\"", t.last == "\"" { return String(t.dropFirst().dropLast()) }
            return t
        }
        if s.hasPrefix("!!!") || s.hasPrefix("???") {
            var rest = s.dropFirst(3)
            var fold = ""
            if s.hasPrefix("???") {
                fold = "-"
                if rest.first == "+" { fold = "+"; rest = rest.dropFirst() }
            }
            guard rest.first == " " else { return nil }
            rest = rest.drop { $0 == " " }
            let beforeQuote = rest.prefix { $0 != "\"" }
            guard let type = beforeQuote.split(separator: " ").first,
                  type.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else { return nil }
            let title = quoted(rest.dropFirst(beforeQuote.count))
            return ("[!\(type.uppercased())]\(fold)\(title.isEmpty ? "" : " " + title)", 0)
        }
        if s.hasPrefix("===") {
            var rest = s.dropFirst(3)
            if rest.first == "+" || rest.first == "!" { rest = rest.dropFirst() }
            guard rest.first == " " else { return nil }
            let title = quoted(rest)
            guard !title.isEmpty, rest.trimmingCharacters(in: .whitespaces).first == "\"" else { return nil }
            return ("[!\(Self.tabMarker)] \(title)", 0)
        }
        if s.hasPrefix(":::") {
            let colons = s.prefix { $0 == ":" }.count
            var rest = s.dropFirst(colons).drop { $0 == " " }
            let type = rest.prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
            guard !type.isEmpty else { return nil }
            rest = rest.dropFirst(type.count)
            var title = rest.trimmingCharacters(in: .whitespaces)
            if title.hasPrefix("["), title.hasSuffix("]") { title = String(title.dropFirst().dropLast()) }
            if title.hasPrefix("{") { title = "" } // `:::note{.class}` attributes
            let kind = type.lowercased() == "details" ? "NOTE]-" : type.uppercased() + "]"
            return ("[!\(kind)\(title.isEmpty ? "" : " " + title)", colons)
        }
        return nil
    }

    // MARK: Obsidian

    /// `[[Page]]`, `[[Page#Heading|text]]`, `![[image.png]]` outside code → Markdown links to the
    /// page by name (`kb:` ids) or to the file.
    func wikilinks(_ text: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let mask = Self.fenceMask(lines)
        var out: [String] = []
        out.reserveCapacity(lines.count)
        for (i, line) in lines.enumerated() {
            guard !mask[i], line.contains("[[") else { out.append(String(line)); continue }
            var result = ""
            var rest = line[...]
            while let open = rest.range(of: "[[") {
                var before = rest[..<open.lowerBound]
                // Inside a code span? Leave the rest of the line alone.
                if before.filter({ $0 == "`" }).count % 2 == 1 { break }
                let embed = before.hasSuffix("!")
                if embed { before = before.dropLast() }
                let after = rest[open.upperBound...]
                guard let close = after.range(of: "]]"), after.distance(from: after.startIndex, to: close.lowerBound) < 500 else { break }
                let inner = after[..<close.lowerBound]
                guard !inner.contains("[") else { result += before + (embed ? "!" : "") + "[["; rest = after; continue }
                result += before + Self.wikilink(inner, embed: embed)
                rest = after[close.upperBound...]
            }
            out.append(result + rest)
        }
        return out.joined(separator: "\n")
    }

    static func wikilink(_ inner: Substring, embed: Bool) -> String {
        let parts = inner.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false)
        let target = parts[0].trimmingCharacters(in: .whitespaces)
        var label = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        let hash = target.firstIndex(of: "#")
        let page = hash.map { String(target[..<$0]) } ?? target
        let heading = hash.map { String(target[target.index(after: $0)...]) }
        let anchor = heading.map { "#" + Slug.anchor($0.hasPrefix("^") ? String($0.dropFirst()) : $0) } ?? ""
        let escapedLabel = { (s: String) in s.replacingOccurrences(of: "[", with: "\\[").replacingOccurrences(of: "]", with: "\\]") }
        let isFile = page.contains(".") && !page.hasSuffix(".md")
        if embed, isFile {
            return "![\(escapedLabel(label.isEmpty ? page : label))](<\(page)>)"
        }
        if label.isEmpty { label = heading.map { page.isEmpty ? $0 : "\(page) › \($0)" } ?? page }
        let destination = page.isEmpty ? anchor : (isFile ? page : "kb:" + (page.hasSuffix(".md") ? String(page.dropLast(3)) : page)) + anchor
        return "[\(escapedLabel(label))](<\(destination.replacingOccurrences(of: ">", with: ""))>)"
    }
}
