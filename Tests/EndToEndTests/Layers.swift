import Testing

// The test layers (scripts/test.sh): the unit layer is every test target but EndToEndTests
// (`--fast`); the end-to-end layer is this target, the built `kb` binary on fixtures, the repo's
// KB and the tldr corpus; the browser layer is the end-to-end tests tagged `.browser`, which open
// built pages in headless Chromium (`--browser` runs them alone, `--e2e` runs the rest).
extension Tag {
    /// Opens pages in headless Chromium (scripts/setup.sh test installs it).
    @Tag static var browser: Self
}
