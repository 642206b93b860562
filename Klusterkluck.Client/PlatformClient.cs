using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Klusterkluck.Client;

/// <summary>
/// The REST API, called as the signed-in user with their own access token. The console (over the
/// Api's loopback address) and the CLI go through the same endpoints, validation and ownership
/// checks as any other client, so neither can do anything the API would refuse.
/// </summary>
public sealed class PlatformClient(HttpClient http, IAccessTokens tokens)
{
    /// <summary>The API's JSON: camelCase names, as every shape here is read and written.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly JsonSerializerOptions s_json = Json;

    public Task<ApiResult<WhoAmI>> WhoAmIAsync(CancellationToken cancellationToken = default) =>
        SendAsync<WhoAmI>(HttpMethod.Get, "api/v1/auth/whoami", null, cancellationToken);

    public Task<ApiResult<List<FunctionInfo>>> FunctionsAsync(CancellationToken cancellationToken = default) =>
        SendAsync<List<FunctionInfo>>(HttpMethod.Get, "api/v1/functions", null, cancellationToken);

    public Task<ApiResult<FunctionInfo>> FunctionAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync<FunctionInfo>(HttpMethod.Get, $"api/v1/functions/{Segment(name)}", null, cancellationToken);

    public Task<ApiResult<FunctionInfo>> CreateAsync(NewFunction function, CancellationToken cancellationToken = default) =>
        SendAsync<FunctionInfo>(HttpMethod.Post, "api/v1/functions", JsonContent.Create(function, options: s_json), cancellationToken);

    /// <summary>Changes the given settings; the serving commit is deployed again with them.</summary>
    public Task<ApiResult<FunctionInfo>> UpdateAsync(string name, FunctionSettings settings, CancellationToken cancellationToken = default) =>
        SendAsync<FunctionInfo>(HttpMethod.Patch, $"api/v1/functions/{Segment(name)}", JsonContent.Create(settings, options: s_json), cancellationToken);

    /// <param name="granularity">minute, hour or day (null: the API's default, hour).</param>
    public Task<ApiResult<UsageInfo>> UsageAsync(string? function, string? granularity, DateTimeOffset? from, DateTimeOffset? to,
        CancellationToken cancellationToken = default)
    {
        string?[] parts =
        [
            function is null ? null : $"function={Uri.EscapeDataString(function)}",
            granularity is null ? null : $"granularity={Uri.EscapeDataString(granularity)}",
            from is { } start ? $"from={Uri.EscapeDataString(start.ToString("O"))}" : null,
            to is { } end ? $"to={Uri.EscapeDataString(end.ToString("O"))}" : null,
        ];
        var query = string.Join('&', parts.Where(p => p is not null));
        return SendAsync<UsageInfo>(HttpMethod.Get, query.Length > 0 ? $"api/v1/usage?{query}" : "api/v1/usage", null, cancellationToken);
    }

    public Task<ApiResult<Nothing>> DeleteAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync<Nothing>(HttpMethod.Delete, $"api/v1/functions/{Segment(name)}", null, cancellationToken);

    public Task<ApiResult<List<VersionInfo>>> VersionsAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync<List<VersionInfo>>(HttpMethod.Get, $"api/v1/functions/{Segment(name)}/versions", null, cancellationToken);

    /// <param name="limit">The newest this many (1 to 1000).</param>
    public Task<ApiResult<List<VersionInfo>>> VersionsAsync(string name, int limit, CancellationToken cancellationToken = default) =>
        SendAsync<List<VersionInfo>>(HttpMethod.Get, $"api/v1/functions/{Segment(name)}/versions?limit={limit}", null, cancellationToken);

    public Task<ApiResult<FunctionInfo>> DeployAsync(string name, string sha, CancellationToken cancellationToken = default) =>
        SendAsync<FunctionInfo>(HttpMethod.Put, $"api/v1/functions/{Segment(name)}/versions/{Segment(sha)}", null, cancellationToken);

    public Task<ApiResult<BuildInfo>> BuildAsync(string name, string sha, CancellationToken cancellationToken = default) =>
        SendAsync<BuildInfo>(HttpMethod.Get, $"api/v1/functions/{Segment(name)}/builds/{Segment(sha)}", null, cancellationToken);

    public Task<ApiResult<LogsInfo>> LogsAsync(string name, int lines, CancellationToken cancellationToken = default) =>
        SendAsync<LogsInfo>(HttpMethod.Get, $"api/v1/functions/{Segment(name)}/logs?lines={lines}", null, cancellationToken);

    public Task<ApiResult<TreeInfo>> TreeAsync(string name, string? commit, CancellationToken cancellationToken = default) =>
        SendAsync<TreeInfo>(HttpMethod.Get, $"api/v1/functions/{Segment(name)}/tree{Ref(commit)}", null, cancellationToken);

    public Task<ApiResult<FileInfo>> FileAsync(string name, string path, string commit, CancellationToken cancellationToken = default) =>
        SendAsync<FileInfo>(HttpMethod.Get,
            $"api/v1/functions/{Segment(name)}/files/{string.Join('/', path.Split('/').Select(Segment))}{Ref(commit)}", null, cancellationToken);

    public Task<ApiResult<VersionInfo>> CommitAsync(string name, NewCommit commit, CancellationToken cancellationToken = default) =>
        SendAsync<VersionInfo>(HttpMethod.Post, $"api/v1/functions/{Segment(name)}/commits", JsonContent.Create(commit, options: s_json), cancellationToken);

    public Task<ApiResult<List<FlowSummaryInfo>>> FlowsAsync(CancellationToken cancellationToken = default) =>
        SendAsync<List<FlowSummaryInfo>>(HttpMethod.Get, "api/v1/flows", null, cancellationToken);

    public Task<ApiResult<FlowInfo>> FlowAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync<FlowInfo>(HttpMethod.Get, $"api/v1/flows/{Segment(name)}", null, cancellationToken);

    public Task<ApiResult<FlowInfo>> CreateFlowAsync(NewFlow flow, CancellationToken cancellationToken = default) =>
        SendAsync<FlowInfo>(HttpMethod.Post, "api/v1/flows", JsonContent.Create(flow, options: s_json), cancellationToken);

    /// <param name="version">The version the edit started from: the save is refused (412) if someone saved the flow since.</param>
    public Task<ApiResult<FlowInfo>> SaveFlowAsync(string name, FlowDefinitionInfo definition, string? version,
        CancellationToken cancellationToken = default) =>
        SendAsync<FlowInfo>(HttpMethod.Put, $"api/v1/flows/{Segment(name)}", JsonContent.Create(definition, options: s_json), cancellationToken,
            version is null ? null : [KeyValuePair.Create("If-Match", version)]);

    public Task<ApiResult<ValidFlowInfo>> ValidateFlowAsync(FlowDefinitionInfo definition, CancellationToken cancellationToken = default) =>
        SendAsync<ValidFlowInfo>(HttpMethod.Post, "api/v1/flows/validate", JsonContent.Create(definition, options: s_json), cancellationToken);

    public Task<ApiResult<FlowInfo>> DeployFlowAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync<FlowInfo>(HttpMethod.Post, $"api/v1/flows/{Segment(name)}/deploy", null, cancellationToken);

    public Task<ApiResult<Nothing>> DeleteFlowAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync<Nothing>(HttpMethod.Delete, $"api/v1/flows/{Segment(name)}", null, cancellationToken);

    public Task<ApiResult<List<ConnectorInfo>>> ConnectorsAsync(CancellationToken cancellationToken = default) =>
        SendAsync<List<ConnectorInfo>>(HttpMethod.Get, "api/v1/connectors", null, cancellationToken);

    public Task<ApiResult<ConnectorInfo>> ConnectorAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync<ConnectorInfo>(HttpMethod.Get, $"api/v1/connectors/{Segment(name)}", null, cancellationToken);

    /// <param name="status">running, succeeded or failed; null for every run.</param>
    public Task<ApiResult<List<RunSummaryInfo>>> RunsAsync(string flow, string? status, int limit, CancellationToken cancellationToken = default) =>
        SendAsync<List<RunSummaryInfo>>(HttpMethod.Get,
            $"api/v1/flows/{Segment(flow)}/runs?limit={limit}{(status is null ? "" : $"&status={Uri.EscapeDataString(status)}")}", null, cancellationToken);

    /// <summary>A run with its first steps (up to 1000: the page shows that many and says when there are more).</summary>
    public Task<ApiResult<RunInfo>> RunAsync(string flow, Guid run, CancellationToken cancellationToken = default) =>
        SendAsync<RunInfo>(HttpMethod.Get, $"api/v1/flows/{Segment(flow)}/runs/{run}?limit=1000", null, cancellationToken);

    public Task<ApiResult<StepInfo>> StepAsync(string flow, Guid run, Guid step, CancellationToken cancellationToken = default) =>
        SendAsync<StepInfo>(HttpMethod.Get, $"api/v1/flows/{Segment(flow)}/runs/{run}/steps/{step}", null, cancellationToken);

    /// <summary>A test event, posted to a connector node as if its connector had delivered it.</summary>
    public Task<ApiResult<EventAcceptedInfo>> SendEventAsync(string flow, string node, string body, string contentType,
        CancellationToken cancellationToken = default)
    {
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.TryParse(contentType, out var type) ? type : new MediaTypeHeaderValue("text/plain");
        return SendAsync<EventAcceptedInfo>(HttpMethod.Post, $"api/v1/flows/{Segment(flow)}/events/{Segment(node)}", content, cancellationToken);
    }

    /// <summary>The invoke endpoint: the function's own answer comes back as JSON, whatever its status.</summary>
    public Task<ApiResult<InvokeResult>> InvokeAsync(string name, InvokeRequest invoke, CancellationToken cancellationToken = default)
    {
        var query = $"?method={Uri.EscapeDataString(invoke.Method)}&path={Uri.EscapeDataString(invoke.Path)}";
        var content = new StringContent(invoke.Body, Encoding.UTF8);
        content.Headers.ContentType = null;
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var (header, value) in invoke.Headers)
        {
            if (header.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                // The invoke request's own content type is what the function sees.
                content.Headers.TryAddWithoutValidation("Content-Type", value);
            }
            else
            {
                headers.Add(KeyValuePair.Create("Kk-Header-" + header, value));
            }
        }
        content.Headers.ContentType ??= new MediaTypeHeaderValue("text/plain") { CharSet = "utf-8" };
        return SendAsync<InvokeResult>(HttpMethod.Post, $"api/v1/functions/{Segment(name)}/invoke{query}", content, cancellationToken, headers);
    }

    /// <summary>
    /// Any request as the caller (a function's own URL, for one): the response, which the caller
    /// disposes, whatever its status; a problem only when no answer came or no token is accepted.
    /// </summary>
    public Task<ApiResult<HttpResponseMessage>> CallAsync(HttpMethod method, Uri url, HttpContent? content,
        IEnumerable<KeyValuePair<string, string>>? headers, CancellationToken cancellationToken) =>
        Unanswered.GuardAsync(http, cancellationToken, async () =>
            await SendAuthorizedAsync(method, url, content, headers, cancellationToken) is { } response
                ? new ApiResult<HttpResponseMessage>(response, null)
                : new ApiResult<HttpResponseMessage>(null, tokens.SignedOut));

    private Task<ApiResult<T>> SendAsync<T>(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken,
        IEnumerable<KeyValuePair<string, string>>? headers = null) =>
        Unanswered.GuardAsync(http, cancellationToken, async () =>
        {
            using var response = await SendAuthorizedAsync(method, new Uri(path, UriKind.Relative), content, headers, cancellationToken);
            if (response is null)
            {
                return new ApiResult<T>(default, tokens.SignedOut);
            }
            if (response.IsSuccessStatusCode)
            {
                return typeof(T) == typeof(Nothing) || response.Content.Headers.ContentLength == 0
                    ? new ApiResult<T>(default, null)
                    : new ApiResult<T>(await response.Content.ReadFromJsonAsync<T>(s_json, cancellationToken), null);
            }
            return new ApiResult<T>(default, await ProblemReader.ReadAsync(response, cancellationToken));
        });

    /// <summary>
    /// Sends with the caller's token; a 401 gets one retry with a renewed token. Null when there is
    /// no token or the renewed one is refused too: the sign-in is over.
    /// </summary>
    private async Task<HttpResponseMessage?> SendAuthorizedAsync(HttpMethod method, Uri url, HttpContent? content,
        IEnumerable<KeyValuePair<string, string>>? headers, CancellationToken cancellationToken)
    {
        if (await tokens.AccessTokenAsync(cancellationToken) is not { } token)
        {
            return null;
        }
        var extra = headers?.ToList() ?? [];
        for (var attempt = 0; ; attempt++)
        {
            // A request message is sent once; its content (bytes or JSON, written afresh) may be sent again.
            var request = new HttpRequestMessage(method, url) { Content = content };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            foreach (var (name, value) in extra)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
            var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            // Only the platform's own refusal of the token (a Bearer challenge) means the sign-in; a function may answer 401 itself.
            if (response.StatusCode != System.Net.HttpStatusCode.Unauthorized
                || !response.Headers.WwwAuthenticate.Any(c => c.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase)))
            {
                return response;
            }
            response.Dispose();
            if (attempt > 0 || await tokens.RenewAsync(token, cancellationToken) is not { } renewed)
            {
                return null;
            }
            token = renewed;
        }
    }

    private static string Segment(string value) => Uri.EscapeDataString(value);

    private static string Ref(string? commit) => commit is null ? "" : $"?ref={Uri.EscapeDataString(commit)}";
}

/// <summary>The value of a call that answers nothing (204).</summary>
public sealed record Nothing;
