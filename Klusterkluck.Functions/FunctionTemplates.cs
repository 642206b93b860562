namespace Klusterkluck.Functions;

/// <param name="Path">Path inside the repository, with forward slashes.</param>
/// <param name="Executable">Whether git should record the file as mode 100755.</param>
public sealed record TemplateFile(string Path, byte[] Content, bool Executable);

/// <summary>
/// The first commit of a new function: a working hello function for each kind. The files live
/// under Templates/{kind}/ in this project as embedded resources; shell scripts are executable.
/// </summary>
public static class FunctionTemplates
{
    public static IReadOnlyList<TemplateFile> For(FunctionKind kind)
    {
        var assembly = typeof(FunctionTemplates).Assembly;
        var prefix = $"Templates/{kind.ToName()}/";
        return assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(prefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(name =>
            {
                using var stream = assembly.GetManifestResourceStream(name)!;
                using var content = new MemoryStream();
                stream.CopyTo(content);
                var path = name[prefix.Length..];
                return new TemplateFile(path, content.ToArray(), path.EndsWith(".sh", StringComparison.Ordinal));
            })
            .ToList();
    }
}
