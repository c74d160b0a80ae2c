import KBCommands

@main
struct KBMain {
    static func main() async {
        await KB.runMain()
    }
}
