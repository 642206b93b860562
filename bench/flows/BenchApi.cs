using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Klusterkluck.Testing;

/// <summary>
/// The Api (Release build) as a real process with a data folder of the bench's own, and one
/// registered user driving it over HTTP as tests/Klusterkluck.Api.Tests does: functions created
/// and pushed with the stock git client, a flow created and deployed.
/// </summary>
internal sealed class BenchApi : IAsyncDisposable
{
    private const string Password = "tr0ub4dor-and-3";
    private static readonly TimeSpan s_deployTimeout = TimeSpan.FromMinutes(2);

    private readonly ServiceProcess _process;
    private readonly string _username;
    private readonly bool _ownsProcess;

    private BenchApi(ServiceProcess process, HttpClient client, string username, bool ownsProcess)
    {
        _process = process;
        Client = client;
        _username = username;
        _ownsProcess = ownsProcess;
    }

    /// <summary>Sends the user's bearer token with every request.</summary>
    public HttpClient Client { get; }

    public int ProcessId => _process.ProcessId;

    public string Output => _process.Output;

    /// <summary>Starts the Api on <paramref name="store"/>, waits for /health, registers and logs in the user.</summary>
    /// <param name="settings">More of the Api's environment (Runtime__Local__PoolSize, say).</param>
    public static async Task<BenchApi> StartAsync(string apiAssembly, BenchStore store, string username = "flows",
        IReadOnlyDictionary<string, string>? settings = null)
    {
        var environment = store.ApiEnvironment();
        environment["DataFolder"] = store.Data.Path;
        environment["RateLimits__Auth__PermitLimit"] = "100000";
        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            environment[name] = value;
        }
        var process = ServiceProcess.Start(apiAssembly, environment);
        try
        {
            await process.WaitReadyAsync("/health", TimeSpan.FromMinutes(2));
            return new BenchApi(process, await SignUpAsync(process, username), username, ownsProcess: true);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>Another user of the same Api; disposing it leaves the Api running.</summary>
    public async Task<BenchApi> AddUserAsync(string username) => new(_process, await SignUpAsync(_process, username), username, ownsProcess: false);

    private static async Task<HttpClient> SignUpAsync(ServiceProcess process, string username)
    {
        await ExpectAsync(await process.Client.PostAsJsonAsync("/api/v1/auth/register",
            new { username, password = Password, email = $"{username}@example.com" }), HttpStatusCode.Created, "register");
        var tokens = await ExpectAsync(await process.Client.PostAsJsonAsync("/api/v1/auth/login", new { username, password = Password }),
            HttpStatusCode.OK, "login");
        var client = new HttpClient { BaseAddress = new Uri(process.BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.GetProperty("accessToken").GetString());
        return client;
    }

    /// <summary>Creates a nodejs function, pushes <paramref name="code"/> as its index.js and deploys that commit; returns once it serves.</summary>
    public async Task CreateFunctionAsync(string name, string code)
    {
        await ExpectAsync(await Client.PostAsJsonAsync("/api/v1/functions", new { name, kind = "nodejs" }), HttpStatusCode.Created, $"create {name}");
        await WaitReadyAsync(name, commit: null);
        using var clone = new TempFolder();
        GitCli.Run(clone.Path, "clone", "-q", $"http://{_username}:{Password}@127.0.0.1:{_process.Port}/git/{_username}/{name}.git", "repo");
        var repo = Path.Combine(clone.Path, "repo");
        await File.WriteAllTextAsync(Path.Combine(repo, "index.js"), code);
        var sha = GitCli.CommitAll(repo, $"Bench code for {name}");
        GitCli.Run(repo, "push", "-q", "origin", "main");
        await ExpectAsync(await Client.PutAsync($"/api/v1/functions/{name}/versions/{sha}", null), HttpStatusCode.Accepted, $"deploy {name}");
        await WaitReadyAsync(name, sha);
    }

    /// <summary>Creates and deploys a flow; returns the deploy's answer.</summary>
    public async Task<JsonElement> CreateAndDeployFlowAsync(string name, object[] nodes, object[] edges)
    {
        await ExpectAsync(await Client.PostAsJsonAsync("/api/v1/flows", new { name, nodes, edges }), HttpStatusCode.Created, $"create flow {name}");
        return await ExpectAsync(await Client.PostAsync($"/api/v1/flows/{name}/deploy", null), HttpStatusCode.Accepted, $"deploy flow {name}");
    }

    /// <summary>The process ids of the flow's connectors, as the runtime reports them.</summary>
    public async Task<List<int>> ConnectorProcessesAsync(string flow)
    {
        var found = await ExpectAsync(await Client.GetAsync($"/api/v1/flows/{flow}"), HttpStatusCode.OK, $"get flow {flow}");
        return [.. found.GetProperty("connectors").EnumerateArray()
            .Where(c => c.GetProperty("processId").ValueKind == JsonValueKind.Number).Select(c => c.GetProperty("processId").GetInt32())];
    }

    /// <summary>
    /// Waits (bounded) until the flow's connector <paramref name="node"/> says where it listens (the
    /// runtime assigns the address, and the process needs a moment after the deploy); returns it.
    /// </summary>
    public async Task<string> ConnectorUrlAsync(string flow, string node)
    {
        var deadline = Stopwatch.GetTimestamp() + (60 * Stopwatch.Frequency);
        while (true)
        {
            var found = await ExpectAsync(await Client.GetAsync($"/api/v1/flows/{flow}"), HttpStatusCode.OK, $"get flow {flow}");
            var connector = found.GetProperty("connectors").EnumerateArray().FirstOrDefault(c => c.GetProperty("node").GetString() == node);
            if (connector.ValueKind == JsonValueKind.Object && connector.GetProperty("url").GetString() is { } url)
            {
                return url;
            }
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"connector {flow}/{node} did not say where it listens: {found}\n{Output}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>The Api's warnings and errors (a healthy run prints none): each distinct one once, with its count.</summary>
    public IEnumerable<string> Problems()
    {
        var lines = _process.Output.Split('\n');
        // The console logger writes "warn: Category[id]" and the message, indented, on the lines after it (a failed command's SQL, say).
        return Enumerable.Range(0, lines.Length)
            .Where(i => lines[i].StartsWith("warn:", StringComparison.Ordinal) || lines[i].StartsWith("fail:", StringComparison.Ordinal))
            .Select(i => string.Join(' ', lines.Skip(i).Take(4).TakeWhile((line, n) => n == 0 || line.StartsWith(' ')).Select(line => line.Trim())))
            .GroupBy(problem => problem)
            .Select(g => g.Count() == 1 ? g.Key : $"{g.Key} (x{g.Count()})");
    }

    private async Task WaitReadyAsync(string name, string? commit)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(s_deployTimeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var function = await ExpectAsync(await Client.GetAsync($"/api/v1/functions/{name}"), HttpStatusCode.OK, $"get {name}");
            var status = function.GetProperty("deployment").GetProperty("status").GetString();
            var deployed = function.GetProperty("deployedCommit").GetString();
            if (status is not ("deploying" or "building") && function.GetProperty("state").GetString() == "ready" && (commit is null || deployed == commit))
            {
                return;
            }
            if (status == "failed" || Stopwatch.GetTimestamp() > deadline)
            {
                throw new InvalidOperationException($"{name} did not get ready: {function}\n{Output}");
            }
            await Task.Delay(100);
        }
    }

    private static async Task<JsonElement> ExpectAsync(HttpResponseMessage response, HttpStatusCode expected, string what)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            return response.StatusCode == expected
                ? body.Length == 0 ? default : JsonSerializer.Deserialize<JsonElement>(body)
                : throw new InvalidOperationException($"{what} answered {(int)response.StatusCode}: {body}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (_ownsProcess)
        {
            await _process.DisposeAsync();
        }
    }
}
