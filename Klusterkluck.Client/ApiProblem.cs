using System.Text.Json;

namespace Klusterkluck.Client;

/// <summary>
/// An RFC 7807 problem as the API answered it: what the pages show instead of a stack trace.
/// <paramref name="Errors"/> are the validation errors keyed by field (camelCase, as the API names them).
/// </summary>
public sealed record ApiProblem(int Status, string Title, string? Detail, IReadOnlyDictionary<string, string[]> Errors,
    IReadOnlyDictionary<string, JsonElement> Extensions)
{
    public static ApiProblem Unreachable(string detail) =>
        new(0, "The platform did not answer", detail, new Dictionary<string, string[]>(), new Dictionary<string, JsonElement>());

    /// <summary>The messages for one field, matched without regard to case (the API's keys follow the JSON names).</summary>
    public IReadOnlyList<string> For(string field) =>
        Errors.Where(e => string.Equals(e.Key, field, StringComparison.OrdinalIgnoreCase)).SelectMany(e => e.Value).ToList();

    public string? Extension(string name) =>
        Extensions.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>A call's answer: the value, or the problem the API gave.</summary>
public sealed record ApiResult<T>(T? Value, ApiProblem? Problem)
{
    public bool Ok => Problem is null;
}
