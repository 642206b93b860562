using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Klusterkluck.Api.Tests.Builds;

/// <summary>What the build tests ask of the Api besides deploys: a commit's build, and a deploy that ends.</summary>
internal static class BuildClient
{
    public static async Task<JsonElement> BuildOfAsync(this UserSession user, string function, string sha)
    {
        using var response = await user.Client.GetAsync($"/api/v1/functions/{function}/builds/{sha}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"build of {sha} answered {(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<JsonElement>(body);
    }

    /// <summary>Pushes the files over the clone's tree and deploys the commit; returns its sha and the function once the deploy is over.</summary>
    public static async Task<(string Sha, JsonElement Function)> PushAndDeployAsync(this UserSession user, string function,
        IReadOnlyDictionary<string, string> files, TimeSpan? timeout = null)
    {
        using var clone = Clone.Of(user, function);
        foreach (var (file, content) in files)
        {
            var path = Path.Combine(clone.Path, file);
            if (content.Length == 0 && file.EndsWith('/'))
            {
                Directory.Delete(path, recursive: true);
                continue;
            }
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, content);
        }
        var sha = clone.CommitAndPush($"Change {function}");
        await user.DeployAsync(function, sha);
        return (sha, await user.WaitDeployedAsync(function, timeout ?? TimeSpan.FromMinutes(3)));
    }

    public static void Remove(this Clone clone, string file) => File.Delete(Path.Combine(clone.Path, file));

    public static string Status(this JsonElement function) => function.GetProperty("deployment").GetProperty("status").GetString()!;

    public static string Error(this JsonElement function) => function.GetProperty("deployment").GetProperty("error").GetString() ?? "";
}
