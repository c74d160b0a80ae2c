import KBMarkdown

enum KBMarkdownNodeFactory {
    static func code(info: String, code: String) -> MarkdownNode {
        var n = MarkdownNode(kind: .codeBlock)
        n.info = info
        n.literal = code
        return n
    }
}
