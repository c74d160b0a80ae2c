import Mustache

// Templates look values up by name. Without these, swift-mustache reflects every struct with
// Mirror on each lookup, which made rendering the tldr corpus ~20x slower. A test checks that
// every stored property is reachable here.

extension PageModel: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "template": return template
        case "chrome": return chrome
        case "title": return title
        case "summary": return summary
        case "kind": return kind
        case "kindLabel": return kindLabel
        case "breadcrumbs": return breadcrumbs
        case "platforms": return platforms
        case "facets": return facets
        case "errors": return errors
        case "tree": return tree
        case "ownChecks": return ownChecks
        case "ownFixes": return ownFixes
        case "causedSymptoms": return causedSymptoms
        case "backlinks": return backlinks
        case "seeAlso": return seeAlso
        case "requires": return requires
        case "translations": return translations
        case "sources": return sources
        case "verified": return verified
        case "updated": return updated
        case "severity": return severity
        case "alerts": return alerts
        case "toc": return toc
        case "diagnose": return diagnose
        case "body": return body
        case "groups": return groups
        case "subsections": return subsections
        case "items": return items
        case "errorGroups": return errorGroups
        case "errorCount": return errorCount
        case "diagramSource": return diagramSource
        case "diagram": return diagram
        case "redirectURL": return redirectURL
        case "params": return params
        case "showBody": return showBody
        case "hasErrors": return hasErrors
        case "hasTree": return hasTree
        case "hasMeta": return hasMeta
        case "hasRelated": return hasRelated
        case "hasTOC": return hasTOC
        default: return nil
        }
    }
}

extension PageModel.Chrome: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "siteTitle": return siteTitle
        case "lang": return lang
        case "root": return root
        case "homeURL": return homeURL
        case "cssURL": return cssURL
        case "jsURL": return jsURL
        case "sections": return sections
        case "languages": return languages
        case "t": return t
        case "canonicalURL": return canonicalURL
        case "searchURL": return searchURL
        case "errorsURL": return errorsURL
        case "graphURL": return graphURL
        case "alertsURL": return alertsURL
        case "feedURL": return feedURL
        case "browse": return browse
        default: return nil
        }
    }
}

extension PageModel.Item: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "title": return title
        case "url": return url
        case "kind": return kind
        case "kindLabel": return kindLabel
        case "summary": return summary
        case "count": return count
        case "current": return current
        case "detail": return detail
        case "note": return note
        default: return nil
        }
    }
}

extension PageModel.Group: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "title": return title
        case "url": return url
        case "items": return items
        default: return nil
        }
    }
}

extension PageModel.ErrorText: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "text": return text
        case "isRegex": return isRegex
        default: return nil
        }
    }
}

extension PageModel.BlockRef: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "id": return id
        case "url": return url
        case "os": return os
        default: return nil
        }
    }
}

extension PageModel.Branch: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "title": return title
        case "url": return url
        case "summary": return summary
        case "checks": return checks
        case "fixes": return fixes
        default: return nil
        }
    }
}

extension PageModel.Source: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "text": return text
        case "url": return url
        default: return nil
        }
    }
}

extension PageModel.Pair: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "name": return self.name
        case "value": return value
        default: return nil
        }
    }
}

extension PageModel.TOCEntry: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "text": return text
        case "anchor": return anchor
        case "level": return level
        case "sub": return sub
        default: return nil
        }
    }
}

extension PageModel.ErrorEntry: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "text": return text
        case "isRegex": return isRegex
        case "title": return title
        case "url": return url
        case "kind": return kind
        case "kindLabel": return kindLabel
        default: return nil
        }
    }
}

extension PageModel.ErrorGroup: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "title": return title
        case "url": return url
        case "entries": return entries
        default: return nil
        }
    }
}

extension PageModel.Diagnose: MustacheParent {
    public func child(named name: String) -> Any? {
        switch name {
        case "command": return command
        case "scripts": return scripts
        default: return nil
        }
    }
}

extension UIText: MustacheParent {
    public func child(named name: String) -> Any? { table[name] }
}
