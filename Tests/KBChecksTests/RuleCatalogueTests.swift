import Foundation
import KBCore
import KBTesting
import Testing
@testable import KBChecks

@Suite struct RuleCatalogueTests {
    @Test func everyRuleHasOneIdAndALine() {
        let ids = RuleListing.rules.map(\.id)
        #expect(Set(ids).count == ids.count, "a rule id listed twice")
        for rule in RuleListing.rules {
            #expect(!rule.summary.isEmpty && !rule.summary.contains("\n"), "\(rule.id)")
            #expect(rule.id.allSatisfy { $0.isLowercase || $0.isNumber || "-/*".contains($0) }, "\(rule.id)")
        }
    }

    @Test func familyMembersAndRulesRoundTripThroughJSON() throws {
        let rules: [Rule] = [.danglingReference, .shellcheck("SC2086"), .advice("chmod-777", summary: "x"), .blockFailed(kind: "example")]
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        let data = try encoder.encode(rules)
        #expect(String(decoding: data, as: UTF8.self) == #"["dangling-reference","shellcheck/SC2086","advice/chmod-777","kb/example-failed"]"#)
        #expect(try JSONDecoder().decode([Rule].self, from: data) == rules)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([Rule].self, from: Data(#"["no-such-rule"]"#.utf8)) }
    }

    /// docs/rules.md is generated: `kb check --list-rules --markdown > docs/rules.md` after a change to the catalogue.
    @Test func docsRulesMatchesTheCatalogue() {
        let docs = TestSupport.read(TestSupport.packageRoot + "/docs/rules.md")
        #expect(docs == RuleListing.markdown(), "docs/rules.md is stale: run kb check --list-rules --markdown > docs/rules.md")
    }

    @Test func textListingHasOneLinePerRule() {
        let lines = RuleListing.text().split(separator: "\n")
        #expect(lines.count == RuleListing.rules.count)
        #expect(lines.contains { $0.hasPrefix("advice/setx-path ") && $0.contains(" error ") })
    }
}
