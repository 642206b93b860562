namespace Klusterkluck.Functions;

public static class OneLine
{
    /// <summary>Folds a multi-line message (libgit2's, YamlDotNet's) into the one line a user sees.</summary>
    public static string Of(string text) =>
        string.Join(' ', text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
}
