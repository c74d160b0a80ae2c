/// Decodes a file's bytes into text the parsers can use: strips a UTF-8 BOM, turns CRLF and CR
/// into LF, and refuses invalid UTF-8 with the position of the first bad byte.
public enum SourceText {
    public static func decode(_ bytes: [UInt8], path: String) throws(DiagnosticError) -> String {
        var start = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
        let body = bytes[start...]
        guard let text = String(validating: body, as: UTF8.self) else {
            throw DiagnosticError(.error(
                "file is not valid UTF-8 (first bad byte shown at this position); save it as UTF-8",
                rule: .invalidUTF8, at: firstInvalidByte(body, path: path)))
        }
        if !text.utf8.contains(13) { return text }
        var out = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\r" {
                out.append("\n")
                previousWasCR = true
                continue
            }
            if scalar == "\n", previousWasCR { previousWasCR = false; continue }
            previousWasCR = false
            out.append(scalar)
        }
        return String(out)
    }

    private static func firstInvalidByte(_ bytes: ArraySlice<UInt8>, path: String) -> SourceLocation {
        var line = 1, column = 1
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let b = bytes[i]
            let length = b < 0x80 ? 1 : b >> 5 == 0b110 ? 2 : b >> 4 == 0b1110 ? 3 : b >> 3 == 0b11110 ? 4 : 0
            if length == 0 || i + length > bytes.endIndex
                || String(validating: bytes[i..<(i + length)], as: UTF8.self) == nil {
                return SourceLocation(path: path, line: line, column: column)
            }
            if b == 10 { line += 1; column = 1 } else { column += 1 }
            i += length
        }
        return SourceLocation(path: path, line: line, column: column)
    }
}
