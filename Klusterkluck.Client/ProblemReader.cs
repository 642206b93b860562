using System.Net.Http.Json;
using System.Text.Json;

namespace Klusterkluck.Client;

/// <summary>Reads an error answer as a problem; an answer that is not one still becomes one, with its status.</summary>
public static class ProblemReader
{
    private static readonly HashSet<string> s_known = ["type", "title", "status", "detail", "instance", "errors"];

    public static async Task<ApiProblem> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var fallback = response.ReasonPhrase ?? $"HTTP {status}";
        try
        {
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            if (body.ValueKind != JsonValueKind.Object)
            {
                return Bare(status, fallback);
            }
            var errors = new Dictionary<string, string[]>();
            if (body.TryGetProperty("errors", out var fields) && fields.ValueKind == JsonValueKind.Object)
            {
                foreach (var field in fields.EnumerateObject())
                {
                    errors[field.Name] = field.Value.ValueKind == JsonValueKind.Array
                        ? field.Value.EnumerateArray().Select(m => m.ToString()).ToArray()
                        : [field.Value.ToString()];
                }
            }
            var extensions = body.EnumerateObject().Where(p => !s_known.Contains(p.Name)).ToDictionary(p => p.Name, p => p.Value.Clone());
            return new ApiProblem(status, Text(body, "title") ?? fallback, Text(body, "detail"), errors, extensions);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            return Bare(status, fallback);
        }
    }

    private static string? Text(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static ApiProblem Bare(int status, string title) =>
        new(status, title, null, new Dictionary<string, string[]>(), new Dictionary<string, JsonElement>());
}
