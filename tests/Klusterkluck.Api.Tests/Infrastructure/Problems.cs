using System.Net.Http.Json;
using System.Text.Json;

namespace Klusterkluck.Api.Tests.Infrastructure;

public static class Problems
{
    /// <summary>Asserts an RFC 7807 answer with <paramref name="status"/>; returns its body.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, int status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonSerializer.Deserialize<JsonElement>(body);
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        return problem;
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();
}
