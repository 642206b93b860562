using System.Text.RegularExpressions;

namespace Klusterkluck.Api.Hosting;

/// <summary>
/// User and function names become URL segments, host labels and Kubernetes object names, so
/// they are DNS-1123 labels: lowercase letters, digits and inner hyphens.
/// </summary>
public static partial class DnsLabel
{
    public const int MinLength = 2;

    // \z, not $: $ would also match before a trailing newline.
    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?\z")]
    private static partial Regex Label();

    public static bool IsValid(string? name, int maxLength) =>
        name is { Length: >= MinLength } && name.Length <= maxLength && Label().IsMatch(name);

    public static string Rule(int maxLength) =>
        $"must be {MinLength} to {maxLength} lowercase letters, digits or '-', starting and ending with a letter or digit";
}
