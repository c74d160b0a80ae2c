import Foundation
import KBCore

/// Graphviz's `dot`, run as a process: DOT in, SVG out. Diagrams are drawn at build time so the
/// site ships plain inline SVG and no JavaScript renderer.
public struct Graphviz: Sendable {
    public let executable: String

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case failed(String)
        case timedOut(Double)
        case cannotRun(String)

        public var description: String {
            switch self {
            case .failed(let message): return message
            case .timedOut(let s): return "dot did not finish within \(Int(s)) s"
            case .cannotRun(let why): return "cannot run dot: \(why)"
            }
        }
    }

    public init(executable: String) { self.executable = executable }

    /// `$KB_DOT`, else `dot` on PATH; nil when Graphviz is not installed.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) -> Graphviz? {
        if let explicit = environment["KB_DOT"] {
            return FileManager.default.isExecutableFile(atPath: explicit) ? Graphviz(executable: explicit) : nil
        }
        return Executable.find("dot", path: environment["PATH"]).map { Graphviz(executable: $0) }
    }

    /// The SVG for `source`, or the first line of dot's complaint. The source goes through a
    /// temporary file (Spawn gives the program /dev/null as input); dot draws it exactly as
    /// from standard input.
    public func svg(_ source: String, timeout: Double = 30) -> Result<String, Failure> {
        let file = (NSTemporaryDirectory() as NSString).appendingPathComponent("kb-dot-\(UUID().uuidString).dot")
        do { try Data(source.utf8).write(to: URL(fileURLWithPath: file)) } catch { return .failure(.cannotRun("\(error)")) }
        defer { try? FileManager.default.removeItem(atPath: file) }
        let out: RunOutput
        do {
            out = try Spawn.run(executable, ["-Tsvg", file], environment: ProcessInfo.processInfo.environment,
                                timeout: timeout, cap: Int.max)
        } catch {
            return .failure(.cannotRun("\(error)"))
        }
        if out.timedOut || out.signal != nil { return .failure(.timedOut(timeout)) }
        guard out.status == 0, !out.stdout.isEmpty else {
            let first = out.stderr.split(separator: "\n").first.map(String.init) ?? "dot exited with \(out.status ?? -1)"
            return .failure(.failed(first.replacingOccurrences(of: "Error: \(file): ", with: "")))
        }
        return .success(out.stdout)
    }
}

/// Makes Graphviz's standalone SVG fit inside an HTML page: no XML prolog or comments, ids unique
/// on the page, size from the viewBox (CSS scales it), colours left to the stylesheet.
public enum InlineSVG {
    public static func prepare(_ svg: String, idPrefix: String, label: String) -> String {
        guard let start = svg.range(of: "<svg") else { return "" }
        var out = String(svg[start.lowerBound...])
        // Comments carry Graphviz's version and node names: noise in the page.
        while let c = out.range(of: "<!--"), let e = out.range(of: "-->", range: c.upperBound..<out.endIndex) {
            out.removeSubrange(c.lowerBound..<e.upperBound)
        }
        if let tagEnd = out.firstIndex(of: ">") {
            var tag = String(out[..<tagEnd])
            tag = tag.replacing(/\s(width|height)="[^"]*"/, with: "")
            tag = tag.replacing(/\sxmlns(:xlink)?="[^"]*"/, with: "")
            tag += " class=\"diagram-svg\" aria-label=\"\(HTML.escapeAttribute(label))\""
            out = tag + out[tagEnd...]
        }
        out = out.replacing(/\sid="([^"]*)"/) { m in " id=\"\(idPrefix)\(m.1)\"" }
        // The white page background Graphviz paints first: the page has its own.
        out = out.replacing(/<polygon fill="(white|#ffffff|transparent)" stroke="(none|transparent)"[^>]*>\n?/, with: "", maxReplacements: 1)
        // `xlink:href` is SVG 1.1; plain `href` works everywhere inline SVG does.
        out = out.replacingOccurrences(of: "xlink:href=", with: "href=")
        // A link's tooltip becomes its <title> child, which is what browsers and screen readers show.
        out = out.replacing(/<a ([^>]*?)\s?xlink:title="([^"]*)"([^>]*)>/) { m in "<a \(m.1)\(m.3)><title>\(m.2)</title>" }
        out = out.replacing(/<g id="([^"]*)" class="(node|edge|cluster)([^"]*)">\n?<title>[^<]*<\/title>/) { m in
            "<g id=\"\(m.1)\" class=\"\(m.2)\(m.3)\">"
        }
        return out.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// DOT string literals.
enum DOT {
    static func quote(_ s: String) -> String {
        var out = "\""
        for c in s {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": break
            default: out.append(c)
            }
        }
        return out + "\""
    }

    /// Breaks a label into lines of about `width` columns (CJK characters count double).
    static func wrap(_ text: String, width: Int = 28) -> String {
        var lines: [String] = []
        var line = "", col = 0
        func cost(_ c: Character) -> Int { c.unicodeScalars.first.map { $0.value >= 0x1100 ? 2 : 1 } ?? 1 }
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            let w = word.reduce(0) { $0 + cost($1) }
            if col > 0, col + 1 + w > width {
                lines.append(line)
                line = ""
                col = 0
            }
            if w > width {
                // One long word (or a CJK run): break by characters.
                for c in word {
                    if col + cost(c) > width, col > 0 { lines.append(line); line = ""; col = 0 }
                    line.append(c)
                    col += cost(c)
                }
                continue
            }
            if col > 0 { line += " "; col += 1 }
            line += word
            col += w
        }
        if !line.isEmpty { lines.append(line) }
        return lines.joined(separator: "\n")
    }
}
