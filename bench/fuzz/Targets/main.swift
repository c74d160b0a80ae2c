import Foundation
import KBContent
import KBCore
import KBSearch

/// libFuzzer driver (built by bench/libfuzz.sh with ASan and libFuzzer's coverage): the target is chosen by
/// `KB_FUZZ_TARGET` — `front-matter` (a whole article through the parser: front matter, YAML
/// limits, body, blocks), `info-string` (one fence info string), `tokenizer` (the search
/// tokenizer and query parser), `match` (a log through normalisation and signature matching).
private let target = ProcessInfo.processInfo.environment["KB_FUZZ_TARGET"] ?? "front-matter"
private let parser = ArticleParser(config: KBConfig())
private let signatures: [Signature] = [
    Signature(lang: "en", doc: 0, text: "'go' is not recognized as an internal or external command,", isRegex: false),
    Signature(lang: "en", doc: 1, text: "go: command not found", isRegex: false),
    Signature(lang: "en", doc: 2, text: "verifying .*: checksum mismatch", isRegex: true),
    Signature(lang: "zh", doc: 3, text: "'go' 不是内部或外部命令", isRegex: false),
    Signature(lang: "en", doc: 4, text: "(a+)+$", isRegex: true),
]

/// One input (libFuzzer's callback).
func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    switch target {
    case "info-string":
        let line = String(decoding: bytes.prefix(4096), as: UTF8.self)
        var diags: [Diagnostic] = []
        _ = InfoString.parse(line, code: "echo hi\n", fenceLine: "```" + line, location: SourceLocation(path: "f.md", line: 1, column: 1), diagnostics: &diags)
    case "tokenizer":
        let text = String(decoding: bytes, as: UTF8.self)
        _ = Tokenizer.tokens(text, mode: .index)
        _ = Tokenizer.terms(text, mode: .query)
    case "match":
        let text = String(decoding: bytes, as: UTF8.self)
        var matcher = LogMatcher(signatures: signatures)
        _ = matcher.scan(text: text)
    default:
        _ = parser.parse(bytes: bytes, path: "fuzz.md", displayPath: "fuzz.md")
    }
    return 0
}

// SwiftPM names this program's entry point itself, so libFuzzer's `main` is not used: its driver
// is called from here with the command line.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzOne(data, size) })
