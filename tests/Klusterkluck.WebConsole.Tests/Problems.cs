using System.Text.Json;
using Klusterkluck.Client;

namespace Klusterkluck.WebConsole.Tests;

internal static class Problems
{
    public static ApiProblem Validation(params (string Field, string Message)[] errors) =>
        new(400, "One or more validation errors occurred.", null,
            errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
            new Dictionary<string, JsonElement>());

    public static ApiProblem Of(string title, string? detail) =>
        new(409, title, detail, new Dictionary<string, string[]>(), new Dictionary<string, JsonElement>());
}
