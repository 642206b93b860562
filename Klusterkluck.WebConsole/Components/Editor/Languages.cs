namespace Klusterkluck.WebConsole.Components.Editor;

/// <summary>Monaco's language for a file: by its extension, or by the interpreter its #! line names.</summary>
internal static class Languages
{
    private static readonly Dictionary<string, string> s_byExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".js"] = "javascript", [".mjs"] = "javascript", [".cjs"] = "javascript", [".ts"] = "typescript",
        [".json"] = "json", [".html"] = "html", [".htm"] = "html", [".css"] = "css", [".md"] = "markdown",
        [".sh"] = "shell", [".bash"] = "shell", [".yaml"] = "yaml", [".yml"] = "yaml", [".py"] = "python",
        [".cs"] = "csharp", [".csproj"] = "xml", [".xml"] = "xml", [".svg"] = "xml", [".go"] = "go", [".rb"] = "ruby", [".pl"] = "perl",
    };

    public static string For(string path, string? content)
    {
        if (s_byExtension.TryGetValue(Path.GetExtension(path), out var language))
        {
            return language;
        }
        if (Path.GetFileName(path) == "Dockerfile")
        {
            return "dockerfile";
        }
        var shebang = content is not null && content.StartsWith("#!", StringComparison.Ordinal) ? content.Split('\n', 2)[0] : "";
        return shebang switch
        {
            _ when shebang.Contains("node", StringComparison.Ordinal) => "javascript",
            _ when shebang.Contains("python", StringComparison.Ordinal) => "python",
            _ when shebang.Contains("perl", StringComparison.Ordinal) => "perl",
            _ when shebang.Contains("sh", StringComparison.Ordinal) => "shell",
            _ => "plaintext",
        };
    }
}
