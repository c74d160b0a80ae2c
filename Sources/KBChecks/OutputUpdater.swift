import Foundation
import KBCore
import KBContent

/// `kb check --run --update`: rewrites drifted `output` blocks in place, atomically, leaving every
/// other byte of the file as it was (line endings included).
public enum OutputUpdater {
    /// - Parameter drift: output blocks (their fence positions) and the text they should hold.
    /// - Returns: the files rewritten.
    public static func apply(_ drift: [(output: Block, actual: String)], fileFor: (String) -> String) throws -> [String] {
        var byFile: [String: [(Block, String)]] = [:]
        for d in drift { byFile[d.output.location.path, default: []].append((d.output, d.actual)) }
        var written: [String] = []
        for (display, items) in byFile {
            let path = fileFor(display)
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            var bytes = [UInt8](data)
            let bom = bytes.starts(with: [0xEF, 0xBB, 0xBF])
            if bom { bytes.removeFirst(3) }
            let text = String(decoding: bytes, as: UTF8.self)
            let crlf = text.contains("\r\n")
            var lines = text.components(separatedBy: crlf ? "\r\n" : "\n")
            // Bottom-up so earlier line numbers stay valid.
            for (block, actual) in items.sorted(by: { $0.0.location.line > $1.0.location.line }) {
                let fence = block.location.line - 1
                guard fence < lines.count else { continue }
                let opener = lines[fence].trimmingCharacters(in: .whitespaces)
                let marker = String(opener.prefix { $0 == "`" || $0 == "~" })
                guard marker.count >= 3 else { continue }
                var close = fence + 1
                while close < lines.count {
                    let t = lines[close].trimmingCharacters(in: .whitespaces)
                    if t.hasPrefix(marker), t.allSatisfy({ $0 == marker.first }) { break }
                    close += 1
                }
                guard close < lines.count else { continue }
                let indent = String(lines[fence].prefix { $0 == " " })
                var body = Expectation.normalise(actual).components(separatedBy: "\n").map { $0.isEmpty ? $0 : indent + $0 }
                if body == [""] { body = [] }
                lines.replaceSubrange((fence + 1)..<close, with: body)
            }
            var out = lines.joined(separator: crlf ? "\r\n" : "\n")
            if bom { out = "\u{FEFF}" + out }
            try AtomicWrite.write(out, to: path)
            written.append(display)
        }
        return written.sorted()
    }
}
