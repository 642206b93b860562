using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;

namespace Klusterkluck.Api.Tests.Infrastructure;

/// <summary>The Api started as a real process on a free loopback port, with a data folder of the test's own.</summary>
public sealed class ApiProcess : IAsyncDisposable
{
    private static readonly string s_assembly = typeof(ApiProcess).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ApiAssembly").Value!;

    /// <summary>The worker the Api's build copies beside it (<c>worker/</c>), as the local runtime starts it.</summary>
    public static readonly string WorkerAssembly = Path.Combine(Path.GetDirectoryName(s_assembly)!, "worker", "Klusterkluck.Worker.dll");

    /// <summary>The connector host the Api's build copies beside it (<c>connectors/</c>), with its built-in plugins.</summary>
    public static readonly string ConnectorHostAssembly = Path.Combine(Path.GetDirectoryName(s_assembly)!, "connectors", "Klusterkluck.Connectors.dll");

    private readonly ServiceProcess _process;

    private ApiProcess(ServiceProcess process, string dataFolder)
    {
        _process = process;
        DataFolder = dataFolder;
    }

    public HttpClient Client => _process.Client;

    public string BaseUrl => _process.BaseUrl;

    /// <summary>The issuer of embedded tokens: the URL the Api listens on.</summary>
    public string Issuer => $"{BaseUrl}/";

    public string DataFolder { get; }

    public int Port => _process.Port;

    public int ProcessId => _process.ProcessId;

    public string Output => _process.Output;

    /// <summary>
    /// Starts the Api and waits for /health. Rate limits are high unless the test sets them: all
    /// tests call from 127.0.0.1. A <paramref name="port"/> and <paramref name="dataFolder"/> of a
    /// previous run make it the same Api restarted.
    /// </summary>
    public static async Task<ApiProcess> StartAsync(string dataFolder, IReadOnlyDictionary<string, string>? environment = null, int? port = null)
    {
        var process = Start(dataFolder, environment, port);
        await process._process.WaitReadyAsync("/health");
        return process;
    }

    /// <summary>Starts the Api without waiting, for tests that expect it to give up.</summary>
    public static ApiProcess Start(string dataFolder, IReadOnlyDictionary<string, string>? environment = null, int? port = null)
    {
        var env = new Dictionary<string, string>
        {
            ["DataFolder"] = dataFolder,
            ["RateLimits__Auth__PermitLimit"] = "100000",
            // Some tests stream tens of MB through the gateway; the 6 MiB default has tests of its own (Limits).
            ["Limits__MaxRequestBytes"] = "67108864",
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            env[name] = value;
        }
        return new ApiProcess(ServiceProcess.Start(s_assembly, env, port), dataFolder);
    }

    /// <summary>Waits until the Api printed a line containing <paramref name="text"/>.</summary>
    public Task<bool> WaitForOutputAsync(string text, TimeSpan? timeout = null) => _process.WaitForOutputAsync(text, timeout);

    /// <summary>SIGKILL, as a crash would end it.</summary>
    public void Kill() => _process.Kill();

    public Task<int> WaitForExitAsync() => _process.WaitForExitAsync(TimeSpan.FromSeconds(60));

    public Task<HttpResponseMessage> PostJsonAsync(string path, object body) => Client.PostAsJsonAsync(path, body);

    /// <summary>Registers a fresh user named after <paramref name="prefix"/>; returns name and password.</summary>
    public async Task<(string Username, string Password)> RegisterAsync(string prefix = "user")
    {
        var username = $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 40)];
        const string password = "tr0ub4dor-and-3";
        using var response = await PostJsonAsync("/api/v1/auth/register", new { username, password, email = $"{username}@example.com" });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (username, password);
    }

    /// <summary>Logs in; returns the whole token response as JSON.</summary>
    public async Task<JsonElement> LoginAsync(string username, string password)
    {
        using var response = await PostJsonAsync("/api/v1/auth/login", new { username, password });
        Assert.True(response.IsSuccessStatusCode, $"login answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<HttpResponseMessage> WhoAmIAsync(string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/auth/whoami");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return await Client.SendAsync(request);
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
