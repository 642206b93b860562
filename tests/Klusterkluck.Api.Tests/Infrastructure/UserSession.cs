using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Klusterkluck.Api.Tests.Infrastructure;

/// <summary>A registered, logged-in user of an Api, with a client that sends their token.</summary>
public sealed class UserSession : IDisposable
{
    private UserSession(ApiProcess api, string username, string password, string accessToken)
    {
        Api = api;
        Username = username;
        Password = password;
        AccessToken = accessToken;
        Client = new HttpClient { BaseAddress = new Uri(api.BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
    }

    public ApiProcess Api { get; }

    public string Username { get; }

    public string Password { get; }

    public string AccessToken { get; }

    /// <summary>Sends the user's bearer token with every request.</summary>
    public HttpClient Client { get; }

    /// <summary>The repository URL with the user's password in it, for the git command line.</summary>
    public string GitUrl(string function, string? user = null) =>
        $"http://{Username}:{Password}@127.0.0.1:{Api.Port}/git/{user ?? Username}/{function}.git";

    public static async Task<UserSession> StartAsync(ApiProcess api, string prefix = "user")
    {
        var (username, password) = await api.RegisterAsync(prefix);
        var tokens = await api.LoginAsync(username, password);
        return new UserSession(api, username, password, tokens.GetProperty("accessToken").GetString()!);
    }

    /// <summary>Logs an existing user in again (after an Api restart, say).</summary>
    public static async Task<UserSession> LoginAsync(ApiProcess api, string username, string password)
    {
        var tokens = await api.LoginAsync(username, password);
        return new UserSession(api, username, password, tokens.GetProperty("accessToken").GetString()!);
    }

    /// <summary>Creates a function and returns the 201's body.</summary>
    public async Task<JsonElement> CreateFunctionAsync(string name, string kind, bool isPublic = false, int replicas = 1, int? maxReplicas = null)
    {
        using var response = await Client.PostAsJsonAsync("/api/v1/functions", new { name, kind, @public = isPublic, replicas, maxReplicas });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"create answered {(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<JsonElement>(body);
    }

    /// <summary>Creates a function, commits <paramref name="files"/> over its template, pushes and deploys that commit; returns its sha once it serves.</summary>
    public async Task<string> CreateWithCodeAsync(string name, string kind, IReadOnlyDictionary<string, string> files, bool isPublic = false,
        int replicas = 1)
    {
        await CreateFunctionAsync(name, kind, isPublic, replicas);
        await WaitReadyAsync(name);
        using var clone = Clone.Of(this, name);
        foreach (var (file, content) in files)
        {
            clone.Write(file, content);
        }
        var sha = clone.CommitAndPush($"Code for {name}");
        await DeployAsync(name, sha);
        await WaitReadyAsync(name, sha);
        return sha;
    }

    public async Task<JsonElement> GetFunctionAsync(string name)
    {
        using var response = await Client.GetAsync($"/api/v1/functions/{name}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Waits until the latest deploy is over (ready or failed); returns the function.</summary>
    public async Task<JsonElement> WaitDeployedAsync(string name, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var function = await GetFunctionAsync(name);
            if (function.GetProperty("deployment").GetProperty("status").GetString() is not ("deploying" or "building"))
            {
                return function;
            }
            Assert.True(DateTime.UtcNow < deadline, $"{name} still deploying: {function}\n{Api.Output}");
            await Task.Delay(50);
        }
    }

    /// <summary>Waits until the function is ready at <paramref name="commit"/> (any commit when null).</summary>
    public async Task<JsonElement> WaitReadyAsync(string name, string? commit = null)
    {
        var function = await WaitDeployedAsync(name);
        Assert.True(function.GetProperty("state").GetString() == "ready", $"{name} is not ready: {function}");
        if (commit is not null)
        {
            Assert.Equal(commit, function.GetProperty("deployedCommit").GetString());
        }
        return function;
    }

    /// <summary>A request through the gateway, with the user's token.</summary>
    public Task<HttpResponseMessage> CallAsync(string function, string path = "", HttpContent? body = null, string? owner = null)
    {
        var request = new HttpRequestMessage(body is null ? HttpMethod.Get : HttpMethod.Post, $"/fn/{owner ?? Username}/{function}/{path}") { Content = body };
        return Client.SendAsync(request);
    }

    public async Task<string> CallTextAsync(string function, string path = "")
    {
        using var response = await CallAsync(function, path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{function}/{path} answered {(int)response.StatusCode}: {text}");
        return text;
    }

    public async Task<string> DeployAsync(string function, string sha)
    {
        using var response = await Client.PutAsync($"/api/v1/functions/{function}/versions/{sha}", null);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"deploy answered {(int)response.StatusCode}: {body}");
        return body;
    }

    public async Task DeleteAsync(string function)
    {
        using var response = await Client.DeleteAsync($"/api/v1/functions/{function}");
        Assert.True(response.StatusCode == HttpStatusCode.NoContent,
            $"delete answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}\n{Api.Output}");
    }

    public void Dispose() => Client.Dispose();
}
