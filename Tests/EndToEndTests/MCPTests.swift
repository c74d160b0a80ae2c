import Foundation
import KBTesting
import Testing

/// `kb mcp` driven by the Python MCP SDK's stdio client (PyPI `mcp`, installed by scripts/setup.sh):
/// every tool with good and bad arguments and the kb:// resources, inside a KB and from a built site.
@Suite(.serialized) struct MCPTests {
    static let client = TestSupport.packageRoot + "/Tests/EndToEndTests/Scripts/mcp_client.py"

    /// Python 3 with the `mcp` package.
    static let python: String? = {
        guard let python = TestSupport.which("python3"),
              let probe = try? TestSupport.run(python, ["-c", "import mcp.client.stdio"]), probe.status == 0 else { return nil }
        return python
    }()

    /// The repository's Content/ and kb.yml in a temp KB.
    static func copyKB() throws -> String {
        let dir = try TestSupport.tempDirectory("kb-mcp")
        try FileManager.default.copyItem(atPath: TestSupport.packageRoot + "/Content", toPath: dir + "/Content")
        try FileManager.default.copyItem(atPath: TestSupport.packageRoot + "/kb.yml", toPath: dir + "/kb.yml")
        return dir
    }

    func client(_ arguments: [String]) throws -> TestSupport.Run {
        let python = try #require(Self.python, "python3 with the mcp package is missing (scripts/setup.sh test installs it)")
        return try TestSupport.run(python, [Self.client, TestSupport.kbBinary] + arguments)
    }

    @Test func everyToolAndResourceInsideAKB() throws {
        _ = try #require(TestSupport.which("go"), "Go is not installed (scripts/setup.sh test installs golang-go): doctor's check runs go env")
        let kb = try Self.copyKB()
        defer { TestSupport.remove(kb) }
        // The doctor case: GO111MODULE=off in the server's own Go environment file.
        let goenv = kb + "/goenv"
        try TestSupport.write("GO111MODULE=off\n", to: goenv)
        let run = try client([kb, "kb", "--goenv", goenv])
        #expect(run.status == 0, "\(run.stderr)\n\(run.stdout.suffix(2000))")
        #expect(run.stdout.contains("ok 1 - the server introduces itself as kb"))
        #expect(run.stdout.contains("kb://go-command-not-found?lang=zh is in Chinese"))
        #expect(run.stdout.contains("mcp client: all"))
        #expect(TestSupport.read(goenv) == "GO111MODULE=off\n", "doctor never runs a fix")
    }

    @Test func fromABuiltSiteAlone() throws {
        let kb = try Self.copyKB()
        defer { TestSupport.remove(kb) }
        let build = try TestSupport.kb(["build", "--output", kb + "/out"], cwd: kb)
        #expect(build.status == 0, "\(build.stderr)")
        // Elsewhere: no KB around, only the site.
        let elsewhere = try TestSupport.tempDirectory("kb-mcp-site")
        defer { TestSupport.remove(elsewhere) }
        let run = try client([elsewhere, "site", "--site", kb + "/out"])
        #expect(run.status == 0, "\(run.stderr)\n\(run.stdout.suffix(2000))")
        #expect(run.stdout.contains("a resource reads from the site's sources"))
    }

    @Test func noKBIsAClearErrorBeforeTheProtocolStarts() throws {
        let empty = try TestSupport.tempDirectory("kb-mcp-none")
        defer { TestSupport.remove(empty) }
        let run = try TestSupport.kb(["mcp"], cwd: empty)
        #expect(run.status == 2)
        #expect(run.stdout.isEmpty, "standard output belongs to the protocol")
        #expect(run.stderr.contains("error:"))
        let site = try TestSupport.kb(["mcp", "--site", empty + "/missing"], cwd: empty)
        #expect(site.status == 2)
        #expect(site.stderr.contains("not a site built by kb") || site.stderr.contains("not found"), "\(site.stderr)")
    }
}
