import KBContent

extension PageBuilder {
    /// `search.html` of one language: the form and the empty result list that
    /// Templates/assets/search.js fills from `?q=` (docs/search.md).
    func searchPage(_ lang: String, _ chromeBase: ChromeBuilder) -> SitePage {
        let path = layout.searchPath(lang)
        let title = UIStrings.table(lang)[.searchButton]
        let chrome = chromeBase.chrome(for: path, title: title, counterpart: { layout.searchPath($0) })
        return SitePage(path: path, model: .search(SearchModel(chrome: chrome, title: title)), article: nil)
    }
}
