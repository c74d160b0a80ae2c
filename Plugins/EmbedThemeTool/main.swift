// The generator behind the EmbedTheme build-tool plugin:
//   EmbedThemeTool <Templates folder> <output .swift file>
// writes `enum DefaultTheme { static let files: [String: String] }`, one raw multi-line string
// literal per file (relative path with "/" → UTF-8 text), sorted by path. Files and folders whose
// names start with a dot are left out. The output is replaced atomically, and only when it changes.
import Foundation

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("EmbedThemeTool: error: \(message)\n".utf8))
    exit(1)
}

let arguments = CommandLine.arguments
guard arguments.count == 3 else { fail("usage: EmbedThemeTool <templates folder> <output file>") }
let root = URL(filePath: arguments[1], directoryHint: .isDirectory).standardizedFileURL
let output = URL(filePath: arguments[2])

/// (relative path, text) of every theme file below `folder`.
func themeFiles(in folder: URL, prefix: String) -> [(String, String)] {
    let fm = FileManager.default
    let names: [String]
    do { names = try fm.contentsOfDirectory(atPath: folder.path(percentEncoded: false)) } catch {
        fail("cannot list \(folder.path(percentEncoded: false)): \(error.localizedDescription)")
    }
    var out: [(String, String)] = []
    for name in names where !name.hasPrefix(".") {
        let url = folder.appending(path: name)
        var isDirectory: ObjCBool = false
        _ = fm.fileExists(atPath: url.path(percentEncoded: false), isDirectory: &isDirectory)
        if isDirectory.boolValue {
            out += themeFiles(in: url, prefix: prefix + name + "/")
            continue
        }
        guard let data = fm.contents(atPath: url.path(percentEncoded: false)) else {
            fail("cannot read \(url.path(percentEncoded: false))")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            fail("\(url.path(percentEncoded: false)) is not UTF-8 text")
        }
        // A multi-line string literal reads every line break as "\n": keep the file's meaning exact.
        guard !text.contains("\r") else { fail("\(url.path(percentEncoded: false)) has carriage returns; save it with LF line ends") }
        out.append((prefix + name, text))
    }
    return out
}

/// A raw-string delimiter (`#`, `##`, …) that nothing in `text` can close early or escape.
func delimiter(for text: String) -> String {
    var hashes = "#"
    while text.contains("\"" + hashes) || text.contains("\\" + hashes) { hashes += "#" }
    return hashes
}

let files = themeFiles(in: root, prefix: "").sorted { $0.0.unicodeScalars.lexicographicallyPrecedes($1.0.unicodeScalars) }
guard !files.isEmpty else { fail("\(root.path(percentEncoded: false)) holds no theme files") }

var source = """
// Generated at build time by the EmbedTheme plugin (Plugins/EmbedThemeTool) from Templates/.

enum DefaultTheme {
    static let files: [String: String] = [

"""
for (path, text) in files {
    let hashes = delimiter(for: text)
    // The opening delimiter ends its line and the closing one starts a line at column 0, so the
    // literal is exactly `text` (a final newline shows as the empty line before the closer).
    let key = path.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    source += "        \"\(key)\": \(hashes)\"\"\"\n\(text)\n\"\"\"\(hashes),\n"
}
source += "    ]\n}\n"

// Unchanged output keeps its modification time, so KBSite is not recompiled when only the
// generator was relinked (SwiftPM relinks plugin tools whenever it plans the build again).
if FileManager.default.contents(atPath: output.path(percentEncoded: false)) == Data(source.utf8) { exit(0) }
do {
    try FileManager.default.createDirectory(at: output.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(source.utf8).write(to: output, options: .atomic)
} catch {
    fail("cannot write \(output.path(percentEncoded: false)): \(error.localizedDescription)")
}
