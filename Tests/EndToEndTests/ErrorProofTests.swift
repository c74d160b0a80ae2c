import Foundation
import KBTesting
import Testing

/// `kb check` counts which `errors:` texts a run here proves, which only Windows prints, and which
/// nothing proves.
@Suite struct ErrorProofTests {
    @Test func checkCountsProvenWindowsOnlyAndUnprovenTexts() throws {
        let dir = try TestSupport.tempDirectory("kb-proof")
        defer { TestSupport.remove(dir) }
        try TestSupport.write("""
        ---
        title: Boom
        kind: symptom
        summary: It goes boom.
        errors:
          - "boom: the widget exploded"
          - {text: "'widget' is not recognized as an internal or external command,", os: windows}
          - {regex: "fizz [0-9]+ failed"}
          - "never printed by anything"
        ---

        ```sh example id=make-boom os=linux,macos
        echo "boom: the widget exploded"; echo "fizz 42 failed"
        ```

        ```text output for=make-boom
        boom: the widget exploded
        fizz 42 failed
        ```
        """, to: dir + "/Content/boom.md")
        let lint = try TestSupport.kb(["check", "--json", "--allow-warnings"], cwd: dir, timeout: 60)
        let l = try #require(try JSONSerialization.jsonObject(with: Data(lint.stdout.utf8)) as? [String: Any])
        let lp = try #require(l["summary"] as? [String: Int], "\(lint.stdout)")
        #expect([lp["errorTextsProven"], lp["errorTextsCovered"], lp["errorTextsWindowsOnly"], lp["errorTextsUnproven"]] == [0, 2, 1, 1])

        let run = try TestSupport.kb(["check", "--run", "--json", "--allow-warnings"], cwd: dir, timeout: 60)
        let r = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let rp = try #require(r["summary"] as? [String: Int], "\(run.stdout)")
        #expect([rp["errorTextsProven"], rp["errorTextsCovered"], rp["errorTextsWindowsOnly"], rp["errorTextsUnproven"]] == [2, 2, 1, 1])

        // An unknown key in an error entry is an error at its position.
        try TestSupport.write("---\ntitle: X\nerrors:\n  - {text: \"a\", platform: windows}\n---\n", to: dir + "/Content/x.md")
        let bad = try TestSupport.kb(["check"], cwd: dir, timeout: 60)
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("Content/x.md:4:17: error: unknown key 'platform' in an error entry (text, regex, os) [unknown-key]"), "\(bad.stderr)")
    }
}
