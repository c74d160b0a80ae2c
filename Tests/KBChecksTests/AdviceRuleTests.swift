import Foundation
import KBContent
import KBCore
import KBTesting
import Testing
@testable import KBChecks

func article(_ body: String) -> Article {
    ArticleParser(config: KBConfig()).parse(bytes: Array(("---\ntitle: T\n---\n" + body).utf8), path: "a.md", displayPath: "a.md").article
}

@Suite struct AdviceRuleTests {
    @Test(arguments: [
        ("cmd", "setx PATH \"%PATH%;C:\\Go\\bin\"", "setx-path"),
        ("cmd", "setx /M PATH \"C:\\Go\\bin\"", "setx-path"),
        ("powershell", "Set-MpPreference -DisableRealtimeMonitoring $true", "defender-realtime-off"),
        ("cmd", "netsh advfirewall set allprofiles state off", "firewall-off"),
        ("powershell", "Set-NetFirewallProfile -Profile Domain,Public -Enabled False", "firewall-off"),
        ("sh", "go env -w GOSUMDB=off", "gosumdb-off"),
        ("sh", "export GOSUMDB=off", "gosumdb-off"),
        ("powershell", "$env:GOSUMDB = 'off'", "gosumdb-off"),
        ("sh", "go get -insecure example.com/m", "go-insecure-flag"),
        ("sh", "export GOFLAGS=-mod=mod -insecure", "go-insecure-flag"),
        ("sh", "go env -w GOINSECURE=*", "goinsecure-wildcard"),
        ("sh", "sudo chmod -R 777 /usr/local/go", "chmod-777"),
        ("sh", "curl -fsSL https://x.example/install.sh | sudo bash", "curl-pipe-shell"),
        ("powershell", "iwr https://x.example/i.ps1 | iex", "curl-pipe-shell"),
        // Every alternative of a pattern, in any case: the needles that let a block skip the
        // line-by-line match must never hide one.
        ("sh", "sudo systemctl disable firewalld", "firewall-off"),
        ("sh", "sudo UFW disable", "firewall-off"),
        ("cmd", "SETX PATH \"C:\\Go\\bin\"", "setx-path"),
        ("powershell", "Set-MpPreference -disablerealtimemonitoring 1", "defender-realtime-off"),
        ("powershell", "Invoke-WebRequest https://x.example/i.ps1 | Invoke-Expression", "curl-pipe-shell"),
        ("sh", "GO ENV -W GoInsecure=*", "goinsecure-wildcard"),
    ])
    func flagsDangerousAdvice(language: String, line: String, rule: String) throws {
        let a = article("```\(language)\necho first\n\(line)\n```\n")
        let d = AdviceRule.lint(a)
        #expect(d.map(\.rule.id) == ["advice/\(rule)"], "\(line)")
        #expect(d.first?.location?.line == 6)
        #expect(d.first?.message.contains("kb:") == false, "no article named in kb.yml, none in the message")
        let config = try KBConfig.parse("advice:\n  \(rule): the-explainer\n", path: "kb.yml")
        #expect(AdviceRule.lint(a, config: config).first?.message.contains("(see kb:the-explainer);") == true)
    }

    @Test(arguments: [
        "setx GOPATH \"D:\\go\"",
        "go env -w GOPRIVATE=corp.example.com",
        "go env -w GONOSUMDB=corp.example.com",
        "go env -w GOINSECURE=git.corp.example.com",
        "chmod 755 ~/go/bin/tool",
        "curl -fsSLo go.tgz https://go.dev/dl/go1.22.1.linux-amd64.tar.gz",
        "Set-MpPreference -DisableRealtimeMonitoring $false",
    ])
    func leavesSafeCommandsAlone(line: String) {
        #expect(AdviceRule.lint(article("```sh\n\(line)\n```\n")).isEmpty, "\(line)")
    }

    @Test func destructiveFixesMayShowTheCommandButChecksMayNot() {
        let fix = article("```sh check id=c\nexit 0\n```\n\n```sh fix id=f for=c effect=destructive\nchmod -R 777 /srv\n```\n")
        #expect(AdviceRule.lint(fix).isEmpty)
        let plainFix = article("```sh check id=c\nexit 0\n```\n\n```sh fix id=f for=c\nchmod -R 777 /srv\n```\n")
        #expect(AdviceRule.lint(plainFix).map(\.rule.id) == ["advice/chmod-777"])
        #expect(AdviceRule.lint(plainFix).first?.location == SourceLocation(path: "a.md", line: 9, column: 1))
    }

    @Test func anExampleWhoseOutputShowsGoRejectingInsecureIsNotAdvice() {
        let refused = article("```sh example id=e\ngo get -insecure example.com/m\n```\n\n```text output for=e\ngo: -insecure flag is no longer supported; use GOINSECURE instead\n```\n")
        #expect(AdviceRule.lint(refused).isEmpty)
        // Another block's output proves nothing about this one, and a check is never exempt.
        let elsewhere = article("```sh example id=e\ngo get -insecure example.com/m\n```\n\n```text output for=e\nok\n```\n\n```sh example id=f\ntrue\n```\n\n```text output for=f\ngo: -insecure flag is no longer supported; use GOINSECURE instead\n```\n")
        #expect(AdviceRule.lint(elsewhere).map(\.rule.id) == ["advice/go-insecure-flag"])
        let check = article("```sh check id=c\ngo get -insecure example.com/m\n```\n\n```text output for=c\ngo: -insecure flag is no longer supported; use GOINSECURE instead\n```\n")
        #expect(AdviceRule.lint(check).map(\.rule.id) == ["advice/go-insecure-flag"])
    }

    /// This KB names the article behind every rule in its kb.yml, and each exists.
    @Test func everyRuleExplainsItselfWithAnArticleOfTheKB() throws {
        let root = TestSupport.packageRoot
        let config = try KBConfig.parse(TestSupport.read(root + "/kb.yml"), path: "kb.yml")
        #expect(Set(config.advice.keys) == Set(AdviceRule.all.map(\.id)))
        #expect(AdviceRule.configDiagnostics(config).isEmpty)
        let pages = Set((FileManager.default.enumerator(atPath: root + "/Content")?.allObjects as? [String] ?? [])
            .map { ($0 as NSString).lastPathComponent })
        for rule in AdviceRule.all {
            #expect(!rule.reason.isEmpty)
            let id = try #require(config.advice[rule.id]?.id)
            #expect(pages.contains(id + ".md"), "advice.\(rule.id): no Content/**/\(id).md")
        }
    }

    @Test func kbYmlNamesKnownRulesOnly() throws {
        let config = try KBConfig.parse("advice:\n  setx-pth: path-truncated-by-setx\n", path: "kb.yml")
        #expect(AdviceRule.configDiagnostics(config).map(\.description)
                == ["kb.yml:2:13: error: unknown advice rule 'setx-pth' in advice:; did you mean 'setx-path'? [config]"])
    }
}
