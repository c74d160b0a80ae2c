"""Drives `kb mcp` with the Python MCP SDK's stdio client, as an assistant would.

usage: mcp_client.py KB_BINARY CWD MODE [--site DIR] [--goenv FILE]
  MODE kb:   inside a KB: every tool with good and bad arguments, resources in en and zh
  MODE site: from a built site (--site): search, show, a resource

Prints one line per passed step and exits 1 at the first failed expectation (its reason on stderr).
"""
import asyncio
import json
import os
import sys

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
try:
    from mcp.shared.exceptions import MCPError  # mcp 2.x
except ImportError:
    from mcp.shared.exceptions import McpError as MCPError  # mcp 1.x

passed = 0


def expect(condition, what, detail=""):
    global passed
    if not condition:
        sys.stderr.write(f"FAILED: {what}\n{detail}\n")
        sys.exit(1)
    passed += 1
    print(f"ok {passed} - {what}", flush=True)


def text_of(result):
    return "\n".join(c.text for c in result.content if getattr(c, "type", "") == "text")


def data_of(result):
    """The structured content, checked against the JSON text block it mirrors."""
    data = result.structured_content
    expect(isinstance(data, dict), "the result carries structured content", text_of(result))
    expect(json.loads(result.content[-1].text) == data, "the last text block is the same JSON")
    return data


async def call(session, name, arguments):
    return await session.call_tool(name, arguments)


async def bad(session, name, arguments, words):
    r = await call(session, name, arguments)
    message = text_of(r)
    expect(r.is_error is True, f"{name} {json.dumps(arguments, ensure_ascii=False)} is a tool error", message)
    for w in words:
        expect(w in message, f"  … whose message says {w!r}", message)


async def protocol_error(coroutine, what, words):
    try:
        await coroutine
    except MCPError as e:
        for w in words:
            expect(w in str(e), f"{what}: the MCP error says {w!r}", str(e))
        return
    expect(False, f"{what} raises an MCP error")


async def kb_mode(session, goenv):
    tools = (await session.list_tools()).tools
    names = sorted(t.name for t in tools)
    expect(names == ["doctor", "match", "runbook", "search", "show"], "five tools are listed", str(names))
    for t in tools:
        expect(t.input_schema.get("type") == "object" and t.input_schema.get("required"), f"{t.name} declares its required input")
        expect(t.annotations is not None and t.annotations.read_only_hint is True, f"{t.name} is marked read-only")

    # search
    r = await call(session, "search", {"query": "go is not recognized", "limit": 3})
    data = data_of(r)
    expect(r.is_error is not True and data["query"] == "go is not recognized", "search answers", text_of(r))
    ids = [x["id"] for x in data["results"]]
    expect("go-command-not-found" in ids and len(ids) <= 3, "search finds go-command-not-found within the limit", str(ids))
    expect({"id", "lang", "title", "kind", "score", "url", "level"} <= set(data["results"][0]) <= {"id", "lang", "title", "kind", "score", "url", "level", "coverage", "terms", "matched"},
           "search results have kb search --json's fields", json.dumps(data["results"][0]))
    r = await call(session, "search", {"query": "找不到 go 命令", "lang": "zh", "kind": ["symptom"]})
    data = data_of(r)
    expect(data["results"] and all(x["lang"] == "zh" and x["kind"] == "symptom" for x in data["results"]),
           "search in Chinese with lang and kind filters", json.dumps(data, ensure_ascii=False))
    await bad(session, "search", {}, ["'query' is required"])
    await bad(session, "search", {"query": 42}, ["'query' must be a string"])
    await bad(session, "search", {"query": "go", "limit": 0}, ["'limit' is 0"])
    await bad(session, "search", {"query": "go", "kind": ["symptm"]}, ["unknown kind 'symptm'", "did you mean 'symptom'"])
    await bad(session, "search", {"query": "go", "lang": "fr"}, ["unknown language 'fr'"])
    await bad(session, "search", {"qurey": "go"}, ["unknown argument 'qurey'", "did you mean 'query'"])

    # match
    log = "C:\\Users\\dev\\hello> go build\r\n'go' is not recognized as an internal or external command,\r\noperable program or batch file.\r\n"
    data = data_of(await call(session, "match", {"log": log}))
    expect(data["results"] and data["results"][0]["id"] == "go-command-not-found", "match ranks go-command-not-found first",
           json.dumps(data, ensure_ascii=False))
    lines = [m["line"] for m in data["results"][0]["matched"]]
    expect(2 in lines and 3 in lines, "match names the log lines that matched", str(lines))
    data = data_of(await call(session, "match", {"log": "'go' 不是内部或外部命令，也不是可运行的程序\n或批处理文件。"}))
    expect(data["results"] and data["results"][0]["lang"] == "zh", "a Chinese log answers in Chinese", json.dumps(data, ensure_ascii=False))
    await bad(session, "match", {}, ["'log' is required"])
    await bad(session, "match", {"log": ["a"]}, ["'log' must be a string"])
    await bad(session, "match", {"log": "x", "limit": "many"}, ["'limit' must be an integer"])

    # show
    r = await call(session, "show", {"id": "go-command-not-found"})
    data = data_of(r)
    markdown = r.content[0].text
    expect(markdown.startswith("---\n") and "kind: symptom" in markdown, "show returns the Markdown with its front matter", markdown[:200])
    expect(data["kind"] == "symptom" and data["lang"] == "en" and data["canonicalID"] == "go-windows/go-command-not-found",
           "show's typed facts", json.dumps(data, ensure_ascii=False)[:400])
    expect(data["errors"] and data["causes"] and data["body"] == markdown, "show lists error texts and causes")
    data = data_of(await call(session, "show", {"id": "go-windows/go-command-not-found", "lang": "zh"}))
    expect(data["lang"] == "zh" and any("\u4e00" <= ch <= "\u9fff" for ch in data["title"]), "show by canonical id in Chinese")
    await bad(session, "show", {"id": "go-comand-not-found"}, ["no article 'go-comand-not-found'", "did you mean 'go-command-not-found'"])
    await bad(session, "show", {"id": None}, ["'id' is required"])

    # doctor: GO111MODULE=off in the server's Go environment file is found, with its fix
    r = await call(session, "doctor", {"symptom": "modules-disabled-go111module-off"})
    data = data_of(r)
    expect(r.is_error is not True, "doctor answers", text_of(r))
    statuses = {x["id"]: x["status"] for x in data["results"]}
    expect(statuses.get("go111module-not-off-sh") == "problem", "doctor finds GO111MODULE=off here", json.dumps(statuses))
    expect(any(c["id"] == "go111module-off" and c["status"] == "problem" for c in data["causes"]), "doctor ranks the cause found",
           json.dumps(data["causes"]))
    fixes = [s["code"] for f in data["findings"] for s in f["fixes"]]
    expect(any("go env -u GO111MODULE" in c for c in fixes), "doctor returns the fix to show, not run", json.dumps(fixes))
    with open(goenv, encoding="utf-8") as f:
        expect("GO111MODULE=off" in f.read(), "doctor ran no fix: the Go environment file is unchanged")
    await bad(session, "doctor", {"symptom": "go111module-off"}, ["is a cause, not a symptom"])
    await bad(session, "doctor", {"symptom": "no-such-symptom"}, ["no article 'no-such-symptom'"])
    await bad(session, "doctor", {}, ["'symptom' is required"])

    # runbook
    data = data_of(await call(session, "runbook", {"alert": "kbcheckfailing"}))
    expect(data["alert"] == "kbcheckfailing" and data["results"][0]["id"] == "kb-check-failing", "runbook by alert name in any case",
           json.dumps(data)[:300])
    data = data_of(await call(session, "runbook", {"alert": "https://runbooks.example/runbooks/kb/KBCheckFailing"}))
    expect(data["results"][0]["id"] == "kb-check-failing", "runbook by an upstream runbook URL")
    await bad(session, "runbook", {"alert": "KBCheckFailng"}, ["no runbook for alert 'KBCheckFailng'", "did you mean 'KBCheckFailing'"])
    await bad(session, "runbook", {"alert": True}, ["'alert' must be a string"])

    await protocol_error(call(session, "serch", {"query": "go"}), "an unknown tool", ["unknown tool 'serch'", "did you mean 'search'"])

    # resources
    uris = []
    cursor = None
    while True:
        from mcp.types import PaginatedRequestParams
        page = await session.list_resources(params=PaginatedRequestParams(cursor=cursor) if cursor else None)
        uris += [str(r.uri) for r in page.resources]
        cursor = page.next_cursor
        if not cursor:
            break
    expect("kb://go-command-not-found" in uris and "kb://go-command-not-found?lang=zh" in uris, "articles are listed as kb:// resources",
           str(uris[:10]))
    templates = (await session.list_resource_templates()).resource_templates
    expect([t.uri_template for t in templates] == ["kb://{id}{?lang}"], "the kb://{id}{?lang} template is listed")
    en = (await session.read_resource("kb://go-command-not-found")).contents[0]
    zh = (await session.read_resource("kb://go-command-not-found?lang=zh")).contents[0]
    expect(en.mime_type == "text/markdown" and "kind: symptom" in en.text and "is not recognized" in en.text,
           "kb://go-command-not-found reads the English article", en.text[:200])
    expect(zh.text != en.text and "lang" not in str(en.uri) and str(zh.uri).endswith("?lang=zh"), "the Chinese resource is another text")
    expect(sum("\u4e00" <= ch <= "\u9fff" for ch in zh.text) > 50, "kb://go-command-not-found?lang=zh is in Chinese", zh.text[:300])
    await protocol_error(session.read_resource("kb://go-comand-not-found"), "an unknown article", ["no article", "did you mean 'go-command-not-found'"])
    await protocol_error(session.read_resource("kb://go-command-not-found?lang=fr"), "an unknown language", ["unknown language 'fr'"])
    await protocol_error(session.read_resource("https://example.com/x"), "another scheme", ["kb://<id>"])


async def site_mode(session):
    data = data_of(await call(session, "search", {"query": "GOPROXY off"}))
    expect(data["results"], "search answers from the site alone", json.dumps(data))
    data = data_of(await call(session, "show", {"id": "go-command-not-found", "lang": "zh"}))
    expect(data["lang"] == "zh" and data["causes"], "show answers from the site's sources")
    data = data_of(await call(session, "match", {"log": "'go' is not recognized as an internal or external command,"}))
    expect(data["results"][0]["id"] == "go-command-not-found", "match answers from the site's index")
    zh = (await session.read_resource("kb://go-command-not-found?lang=zh")).contents[0]
    expect("kind: symptom" in zh.text, "a resource reads from the site's sources")


async def main():
    binary, cwd, mode = sys.argv[1:4]
    rest = sys.argv[4:]
    args = ["mcp"]
    env = dict(os.environ, NO_COLOR="1")
    goenv = None
    if "--site" in rest:
        args += ["--site", rest[rest.index("--site") + 1]]
    if "--goenv" in rest:
        goenv = rest[rest.index("--goenv") + 1]
        env["GOENV"] = goenv
        env.pop("GO111MODULE", None)
    params = StdioServerParameters(command=binary, args=args, cwd=cwd, env=env)
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            expect(init.server_info.name == "kb", "the server introduces itself as kb")
            expect(init.capabilities.tools is not None and init.capabilities.resources is not None, "it offers tools and resources")
            if mode == "kb":
                await kb_mode(session, goenv)
            else:
                await site_mode(session)
    print(f"mcp client: all {passed} expectations held")


asyncio.run(main())
