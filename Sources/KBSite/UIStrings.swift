/// The interface strings Swift code asks for by name (templates ask with `{{t.key}}`): a typo
/// is a compile error, and a test proves every one exists in every language.
public enum UIKey: String, CaseIterable, Sendable {
    case notFound, graph, graphIntro, errorIndex, errorIndexIntro, alertRunbooks, alertsIntro, alert, articles, runbooks,
         symptoms, doctorWindows, doctorUnix, searchButton, sections, diagramLabel, destructive, admin
}

extension Dictionary where Key == String, Value == String {
    /// A `UIStrings.table`'s text for `key` (English when the language lacks it).
    public subscript(_ key: UIKey) -> String { self[key.rawValue] ?? UIStrings.en[key.rawValue] ?? key.rawValue }
}

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
        "searchLabel": "Search the knowledge base", "searchPlaceholder": "Paste an error message or describe the problem",
        "searchButton": "Search", "heroHint": "Paste the exact text from your terminal or log: kb matches error messages first.",
        "allSymptoms": "All symptoms", "errorIndex": "Error index",
        "errorIndexIntro": "Every error text this knowledge base recognises, and the article that explains it.",
        "errorText": "Error text", "article": "Article", "errorsCount": "error texts",
        "graph": "Knowledge graph", "graphIntro": "How symptoms lead to causes, and causes to fixes. Select a box to open its article.",
        "graphEmpty": "No article here declares causes, fixes or related articles yet, so there is nothing to draw.",
        "graphUnavailable": "The graph could not be drawn when this site was built (Graphviz was not available).",
        "alertRunbooks": "Alert runbooks", "alertsIntro": "Every alert with its runbook. The URL alerts/<AlertName>.html is stable: use it as runbook_url.",
        "alert": "Alert", "runbook": "Runbook", "openRunbook": "Open the runbook", "alertLead": "The runbook for this alert:",
        "diagnose": "Diagnose this", "diagnoseText": "Run every check for this symptom on this machine (read-only, nothing is changed):",
        "doctorScripts": "No kb installed? Run a standalone script from this site:", "doctorWindows": "Windows PowerShell",
        "doctorUnix": "Linux and macOS",
        "copy": "Copy", "copied": "Copied", "copyFailed": "Press Ctrl+C to copy", "copyLabel": "Copy to clipboard",
        "theme": "Colour theme", "themeAuto": "Auto", "themeLight": "Light", "themeDark": "Dark",
        "feed": "Recent updates (Atom)", "seenThisErrorHint": "If your terminal or log shows one of these, you are on the right page.",
        "cause": "Cause", "symptom": "Symptom", "diagramLabel": "Diagram", "legend": "Legend", "textAlternative": "The same as a list",
        "mainNav": "Main", "moreSymptoms": "More symptoms", "browseKB": "Browse the knowledge base",
        "noChecks": "No check yet", "noFixes": "See the article", "breadcrumbs": "Breadcrumbs",
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
        "searchLabel": "搜索知识库", "searchPlaceholder": "粘贴报错信息，或描述遇到的问题",
        "searchButton": "搜索", "heroHint": "直接粘贴终端或日志里的原文：kb 会先按报错信息匹配。",
        "allSymptoms": "全部症状", "errorIndex": "报错索引",
        "errorIndexIntro": "本知识库能识别的全部报错原文，以及解释它的文章。",
        "errorText": "报错原文", "article": "文章", "errorsCount": "条报错",
        "graph": "知识图谱", "graphIntro": "症状如何指向原因，原因又如何指向修复。点击方框打开对应文章。",
        "graphEmpty": "这里还没有文章声明原因、修复或相关文章，所以没有可画的内容。",
        "graphUnavailable": "构建本站时无法绘制图谱（没有 Graphviz）。",
        "alertRunbooks": "告警运维手册", "alertsIntro": "每条告警及其运维手册。地址 alerts/<告警名>.html 固定不变，可用作 runbook_url。",
        "alert": "告警", "runbook": "运维手册", "openRunbook": "打开运维手册", "alertLead": "这条告警的运维手册：",
        "diagnose": "一键诊断", "diagnoseText": "在本机运行这个症状的全部检查（只读，不做任何修改）：",
        "doctorScripts": "没有安装 kb？可以直接运行本站提供的独立脚本：", "doctorWindows": "Windows PowerShell",
        "doctorUnix": "Linux 和 macOS",
        "copy": "复制", "copied": "已复制", "copyFailed": "请按 Ctrl+C 复制", "copyLabel": "复制到剪贴板",
        "theme": "配色", "themeAuto": "自动", "themeLight": "浅色", "themeDark": "深色",
        "feed": "最近更新（Atom）", "seenThisErrorHint": "如果终端或日志里出现下面任意一条，说明你找对了页面。",
        "cause": "原因", "symptom": "症状", "diagramLabel": "图示", "legend": "图例", "textAlternative": "列表形式",
        "mainNav": "主导航", "moreSymptoms": "更多症状", "browseKB": "浏览知识库",
        "noChecks": "暂无检查", "noFixes": "见文章", "breadcrumbs": "位置",
    ]
}
