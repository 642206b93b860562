using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Klusterkluck.AppHost.Tests.Infrastructure;

/// <summary>A user registered on the app's Api through its REST API, with a client that sends their token.</summary>
public sealed class PlatformUser : IDisposable
{
    private PlatformUser(string baseUrl, string username, string password, string token)
    {
        BaseUrl = baseUrl;
        Username = username;
        Password = password;
        Client = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromMinutes(2) };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public string BaseUrl { get; }

    public string Username { get; }

    public string Password { get; }

    public HttpClient Client { get; }

    /// <summary>The README's first steps: register, then log in.</summary>
    public static async Task<PlatformUser> RegisterAsync(HttpClient api, string username)
    {
        const string password = "correct-horse-1";
        using var registered = await api.PostAsJsonAsync("/api/v1/auth/register", new { username, password, email = $"{username}@example.com" });
        Assert.True(registered.StatusCode == HttpStatusCode.Created, await registered.Content.ReadAsStringAsync());
        using var login = await api.PostAsJsonAsync("/api/v1/auth/login", new { username, password });
        var tokens = await login.Content.ReadFromJsonAsync<JsonElement>();
        return new PlatformUser(api.BaseAddress!.ToString().TrimEnd('/'), username, password, tokens.GetProperty("accessToken").GetString()!);
    }

    /// <summary>Creates a function and waits until its first deploy is over; it must be ready.</summary>
    public async Task<JsonElement> CreateFunctionAsync(string name, string kind, bool isPublic = false)
    {
        using var response = await Client.PostAsJsonAsync("/api/v1/functions?wait=true", new { name, kind, @public = isPublic });
        var function = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.Created, function.ToString());
        Assert.True(function.GetProperty("state").GetString() == "ready", function.ToString());
        return function;
    }

    /// <summary>Deploys a commit and waits until it serves.</summary>
    public async Task DeployAsync(string name, string sha)
    {
        using var response = await Client.PutAsync($"/api/v1/functions/{name}/versions/{sha}?wait=true", null);
        var function = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(function.GetProperty("state").GetString() == "ready" && function.GetProperty("deployedCommit").GetString() == sha, function.ToString());
    }

    /// <summary>Clones the function, writes <paramref name="files"/> over it, pushes, deploys that commit and waits until it serves.</summary>
    public async Task<string> PushAndDeployAsync(string name, IReadOnlyDictionary<string, string> files)
    {
        using var work = new TempFolder();
        GitCli.Run(work.Path, Git("clone", "-q", $"{BaseUrl}/git/{Username}/{name}.git", name));
        var clone = Path.Combine(work.Path, name);
        foreach (var (file, text) in files)
        {
            await File.WriteAllTextAsync(Path.Combine(clone, file), text);
        }
        var sha = GitCli.CommitAll(clone, $"Code for {name}");
        GitCli.Run(clone, Git("push", "-q", "origin", "main"));
        await DeployAsync(name, sha);
        return sha;
    }

    /// <summary>
    /// git's arguments to authenticate as this user without writing the password anywhere: a
    /// credential helper given on the command line, as the README shows.
    /// </summary>
    public string[] Git(params string[] arguments) =>
        ["-c", $"credential.helper=!f() {{ echo username={Username}; echo password={Password}; }}; f", .. arguments];

    public void Dispose() => Client.Dispose();
}
