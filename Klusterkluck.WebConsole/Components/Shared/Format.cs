namespace Klusterkluck.WebConsole.Components.Shared;

internal static class Format
{
    /// <summary>A commit as people say it: its first seven digits.</summary>
    public static string Short(string? sha) => sha is null ? "—" : sha[..Math.Min(7, sha.Length)];
}
