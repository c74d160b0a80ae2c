/// Interface text per language; the default theme reads them as `{{t.key}}`.
public enum UIStrings {
    public static func table(_ lang: String) -> [String: String] {
        var base = en
        if lang == "zh" { base.merge(zh) { $1 } }
        return base
    }

    static let en: [String: String] = [
        "home": "Home", "sections": "Sections", "articles": "Articles", "symptoms": "Common symptoms",
        "runbooks": "Runbooks", "seenThisError": "Seen this error?", "causes": "Likely causes",
        "checks": "Checks", "fixes": "Fixes", "causedSymptoms": "Symptoms this causes",
        "referencedBy": "Referenced by", "seeAlso": "Related", "requires": "Read first",
        "sources": "Sources", "verified": "Verified with", "updated": "Updated", "onThisPage": "On this page",
        "language": "Language", "otherLanguages": "Other languages", "platforms": "Platforms", "tools": "Tools",
        "env": "Environment variables", "components": "Components", "tags": "Tags", "alerts": "Alerts",
        "severity": "Severity", "troubleshooting": "Troubleshooting path", "notFound": "Page not found",
        "notFoundText": "There is no page at this address. Start from the home page.", "skip": "Skip to content",
        "kind.symptom": "Symptom", "kind.cause": "Cause", "kind.fix": "Fix", "kind.concept": "Concept",
        "kind.runbook": "Runbook", "kind.reference": "Reference", "subsections": "Subsections",
        "allArticles": "All articles", "regex": "pattern", "browse": "Browse by", "articleCount": "articles",
        "destructive": "Destructive: read the article before running this.", "admin": "needs admin",
        "check": "check", "fix": "fix", "example": "example", "output": "expected output",
    ]

    static let zh: [String: String] = [
        "home": "首页", "sections": "分区", "articles": "文章", "symptoms": "常见症状",
        "runbooks": "运维手册", "seenThisError": "遇到这个错误了吗？", "causes": "可能的原因",
        "checks": "检查", "fixes": "修复", "causedSymptoms": "会引起的症状",
        "referencedBy": "被以下文章引用", "seeAlso": "相关文章", "requires": "先读",
        "sources": "来源", "verified": "验证环境", "updated": "更新于", "onThisPage": "本页内容",
        "language": "语言", "otherLanguages": "其他语言", "platforms": "平台", "tools": "工具",
        "env": "环境变量", "components": "组件", "tags": "标签", "alerts": "告警",
        "severity": "严重级别", "troubleshooting": "排查路径", "notFound": "页面不存在",
        "notFoundText": "这个地址没有页面。请从首页开始。", "skip": "跳到正文",
        "kind.symptom": "症状", "kind.cause": "原因", "kind.fix": "修复", "kind.concept": "概念",
        "kind.runbook": "运维手册", "kind.reference": "参考", "subsections": "子分区",
        "allArticles": "全部文章", "regex": "模式", "browse": "浏览", "articleCount": "篇文章",
        "destructive": "危险操作：运行前请先读完本文。", "admin": "需要管理员权限",
        "check": "检查", "fix": "修复", "example": "示例", "output": "预期输出",
    ]
}
