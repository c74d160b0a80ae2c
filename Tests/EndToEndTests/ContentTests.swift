import Foundation
import KBTesting
import Testing

/// The project's own knowledge base (Content/): complete, linted clean, in both languages.
@Suite struct ContentTests {
    static let required = [
        "go-windows": ["go-command-not-found", "not-a-valid-win32-application", "go-get-timeout", "checksum-mismatch",
                       "modules-disabled-go111module-off", "module-lookup-disabled-goproxy-off", "no-main-module",
                       "x509-certificate-error", "gopls-install-blocked-by-antivirus", "vscode-go-tools-fail",
                       "go-install-access-denied", "wrong-go-version-runs", "stale-terminal-environment",
                       "go-bin-not-on-path", "path-truncated-by-setx", "path-order-shadows-go",
                       "installer-architecture-mismatch", "gopath-has-spaces-or-non-ascii", "go111module-off",
                       "goproxy-unreachable", "private-modules-checked-against-public-sumdb", "corrupted-module-cache",
                       "tls-interception-proxy", "defender-quarantines-go-build", "gobin-under-program-files",
                       "windows-path-explained", "goroot-gopath-modules", "goproxy-gosumdb-goprivate",
                       "set-user-path-safely", "go-environment-health-check"],
        "edge-cluster": ["etcd-slow-disk", "etcd-database-space-exceeded", "edge-node-not-ready",
                         "gateway-tls-termination-conflict", "kube-proxy-replacement-ebpf", "kb-check-failing",
                         "kb-diagnostics-stale"],
    ]

    @Test func everyRequiredArticleExistsInBothLanguages() {
        for (section, ids) in Self.required {
            for id in ids {
                for suffix in [".md", ".zh.md"] {
                    let path = TestSupport.packageRoot + "/Content/\(section)/\(id)\(suffix)"
                    #expect(FileManager.default.fileExists(atPath: path), "missing \(section)/\(id)\(suffix)")
                }
            }
        }
    }

    @Test func checkIsCleanInStrictMode() throws {
        let r = try TestSupport.kb(["check", "--json"], cwd: TestSupport.packageRoot)
        let doc = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let summary = doc?["summary"] as? [String: Int]
        #expect(r.status == 0, "\(r.stdout.prefix(3000))")
        #expect(summary?["errors"] == 0)
        #expect(summary?["warnings"] == 0)
        #expect(TestSupport.read(TestSupport.packageRoot + "/kb.yml").contains("strict: true"))
    }

    @Test func theSourceNotesKnownErrorsAreNotRepeatedAsAdvice() throws {
        // CONTENT.md's list of false claims in the customer's notes: none may appear as advice.
        let forbidden = ["GOEXPERIMENT=gorootreadonly", "--id Google.Go", "$_ -eq $_", "reload-env"]
        let files = try FileManager.default.subpathsOfDirectory(atPath: TestSupport.packageRoot + "/Content").filter { $0.hasSuffix(".md") }
        for file in files {
            let text = TestSupport.read(TestSupport.packageRoot + "/Content/" + file)
            for phrase in forbidden { #expect(!text.contains(phrase), "\(file) contains \(phrase)") }
        }
    }
}
