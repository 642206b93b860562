using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Klusterkluck.Api.Tests.Infrastructure.Kubernetes;

/// <summary>
/// No cluster runs here, so this is an in-memory Kubernetes API server on a loopback port, spoken
/// to by the real KubernetesClient through a kubeconfig: the real REST paths of the kinds the
/// runtime uses, bearer authentication, resourceVersion and generation, 404 NotFound, 409
/// AlreadyExists and Conflict (stale resourceVersion), 422 for immutable fields, label selectors,
/// Secret stringData, Service cluster IPs, namespaces that take their objects with them, pod logs,
/// and a simulated deployment controller and kubelet (<see cref="FakeKubelet"/>) that fill in the
/// rollout status fields and pods the runtime reads; batch/v1 Jobs as the API server defaults and
/// validates them, deleted with or without their pods as the propagation policy says, run by a
/// simulated job controller (<see cref="FakeJobController"/>) whose pods' ends the tests decide.
/// Faults can be injected per request.
/// </summary>
public sealed class FakeKubernetes : IAsyncDisposable
{
    public const string Token = "fake-cluster-token";

    private readonly object _lock = new();
    private readonly Dictionary<(Resource Resource, string Namespace, string Name), JsonObject> _objects = new();
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly List<Fault> _faults = [];
    private long _resourceVersion = 1000;
    private int _nextIp = 10;
    private LoopbackServer? _server;

    private FakeKubernetes()
    {
        Kubelet = new FakeKubelet(this);
        Jobs = new FakeJobController(this);
    }

    public string BaseUrl => _server!.BaseUrl;

    public FakeKubelet Kubelet { get; }

    public FakeJobController Jobs { get; }

    /// <summary>Every request as "METHOD /path?query", in order.</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    public static async Task<FakeKubernetes> StartAsync()
    {
        var fake = new FakeKubernetes();
        fake._server = await LoopbackServer.StartAsync(app => app.Map("/{**path}", (Delegate)fake.HandleAsync));
        return fake;
    }

    /// <summary>A kubeconfig for this server, as <c>KUBECONFIG</c> would name it.</summary>
    public string WriteKubeconfig(string folder)
    {
        var path = Path.Combine(folder, "kubeconfig");
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: fake
              cluster:
                server: {BaseUrl}
            users:
            - name: tester
              user:
                token: {Token}
            contexts:
            - name: fake
              context:
                cluster: fake
                user: tester
            current-context: fake
            """);
        return path;
    }

    /// <summary>The next <paramref name="times"/> requests matching method and path fragment get this status.</summary>
    public void Inject(string method, string pathContains, int status, string reason, int times = int.MaxValue)
    {
        lock (_lock)
        {
            _faults.Add(new Fault(method, pathContains, status, reason, times));
        }
    }

    public void ClearFaults()
    {
        lock (_lock)
        {
            _faults.Clear();
        }
    }

    public JsonObject? Get(string kind, string ns, string name)
    {
        lock (_lock)
        {
            return _objects.TryGetValue((Resource.OfKind(kind), ns, name), out var found) ? (JsonObject)found.DeepClone() : null;
        }
    }

    /// <summary>The object as the client's typed model.</summary>
    public T? Get<T>(string kind, string ns, string name) where T : class =>
        Get(kind, ns, name) is { } json ? KubernetesJson.Deserialize<T>(json.ToJsonString()) : null;

    /// <summary>
    /// A container's environment as the kubelet sets it, for a test that starts the pod's program by
    /// hand: values as they are, secretKeyRefs read from their Secret in <paramref name="ns"/>.
    /// </summary>
    public Dictionary<string, string> EnvironmentOf(k8s.Models.V1Container container, string ns) =>
        container.Env.ToDictionary(v => v.Name, v => v.ValueFrom?.SecretKeyRef is { } reference
            ? Encoding.UTF8.GetString(Get<k8s.Models.V1Secret>("Secret", ns, reference.Name)!.Data[reference.Key])
            : v.Value);

    /// <summary>Every object in a namespace (or cluster-scoped, for ""), as "Kind/name".</summary>
    public IReadOnlyList<string> Names(string ns)
    {
        lock (_lock)
        {
            return [.. _objects.Keys.Where(k => k.Namespace == ns).Select(k => $"{k.Resource.Kind}/{k.Name}").Order(StringComparer.Ordinal)];
        }
    }

    public IReadOnlyList<JsonObject> List(string kind, string ns)
    {
        lock (_lock)
        {
            return [.. _objects.Where(o => o.Key.Resource.Kind == kind && o.Key.Namespace == ns).Select(o => (JsonObject)o.Value.DeepClone())];
        }
    }

    /// <summary>Writes an object as a controller would (status included), bumping its resourceVersion.</summary>
    internal void Store(string kind, string ns, JsonObject value)
    {
        lock (_lock)
        {
            value["metadata"]!["resourceVersion"] = NextVersion();
            _objects[(Resource.OfKind(kind), ns, (string)value["metadata"]!["name"]!)] = value;
        }
    }

    /// <summary>Writes an object as a controller would, if it still exists as the same object (same uid): a deleted one stays deleted.</summary>
    internal bool Update(string kind, string ns, JsonObject value)
    {
        lock (_lock)
        {
            var key = (Resource.OfKind(kind), ns, (string)value["metadata"]!["name"]!);
            if (!_objects.TryGetValue(key, out var current) || (string?)current["metadata"]!["uid"] != (string?)value["metadata"]!["uid"])
            {
                return false;
            }
            value["metadata"]!["resourceVersion"] = NextVersion();
            _objects[key] = value;
            return true;
        }
    }

    internal void Remove(string kind, string ns, string name)
    {
        lock (_lock)
        {
            _objects.Remove((Resource.OfKind(kind), ns, name));
        }
    }

    private async Task<IResult> HandleAsync(HttpContext context)
    {
        var request = context.Request;
        _requests.Enqueue($"{request.Method} {request.Path}{request.QueryString}");
        if (request.Headers.Authorization.ToString() != $"Bearer {Token}")
        {
            return KubernetesStatus.Failure(401, "Unauthorized", "Unauthorized");
        }
        if (TakeFault(request.Method, request.Path.Value!) is { } fault)
        {
            return KubernetesStatus.Failure(fault.Status, fault.Reason, $"injected: {fault.Reason}");
        }
        if (!Route.TryParse(request.Path.Value!, out var route))
        {
            return KubernetesStatus.Failure(404, "NotFound", "the server could not find the requested resource");
        }
        JsonObject? body = null;
        // A DELETE may carry DeleteOptions (propagationPolicy, say).
        if (request.Method is "POST" or "PUT" || (request.Method == "DELETE" && request.ContentLength > 0))
        {
            try
            {
                body = await JsonNode.ParseAsync(request.Body) as JsonObject;
            }
            catch (System.Text.Json.JsonException)
            {
            }
            if (body is null)
            {
                return KubernetesStatus.Failure(400, "BadRequest", "the body of the request was not a JSON object");
            }
        }
        lock (_lock)
        {
            return (request.Method, route.Name, route.Subresource) switch
            {
                ("GET", null, _) => ListLocked(route, request.Query["labelSelector"].ToString()),
                ("POST", null, _) => CreateLocked(route, body!),
                ("GET", { } name, "log") => LogLocked(route, name, request.Query),
                ("GET", { } name, "scale") => ScaleLocked(route, name, null),
                ("PUT", { } name, "scale") => ScaleLocked(route, name, body!),
                ("GET", { } name, null) => _objects.TryGetValue((route.Resource, route.Namespace, name), out var found)
                    ? Json(found) : KubernetesStatus.NotFound(route.Resource, name),
                ("PUT", { } name, null) => ReplaceLocked(route, name, body!),
                ("DELETE", { } name, null) => DeleteLocked(route, name, request.Query["propagationPolicy"].ToString() is { Length: > 0 } policy
                    ? policy : (string?)body?["propagationPolicy"]),
                _ => KubernetesStatus.Failure(405, "MethodNotAllowed", "the server does not allow this method on the requested resource"),
            };
        }
    }

    private IResult ListLocked(Route route, string selector)
    {
        var wanted = selector.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => s.Split('=', 2)).ToList();
        var items = new JsonArray();
        foreach (var (key, value) in _objects.OrderBy(o => o.Key.Name, StringComparer.Ordinal))
        {
            if (key.Resource == route.Resource && (!route.Resource.Namespaced || key.Namespace == route.Namespace)
                && wanted.All(w => (string?)value["metadata"]?["labels"]?[w[0]] == w[1]))
            {
                items.Add(value.DeepClone());
            }
        }
        return Json(new JsonObject
        {
            ["kind"] = $"{route.Resource.Kind}List",
            ["apiVersion"] = route.Resource.GroupVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = _resourceVersion.ToString() },
            ["items"] = items,
        });
    }

    private IResult CreateLocked(Route route, JsonObject body)
    {
        var resource = route.Resource;
        if ((string?)body["kind"] != resource.Kind || (string?)body["apiVersion"] != resource.GroupVersion)
        {
            return KubernetesStatus.Failure(400, "BadRequest", $"the object is not a {resource.GroupVersion} {resource.Kind}");
        }
        var metadata = body["metadata"] as JsonObject ?? [];
        body["metadata"] = metadata;
        if ((string?)metadata["name"] is not { Length: > 0 } name)
        {
            return KubernetesStatus.Invalid(resource, "", "metadata.name: Required value: name or generateName is required");
        }
        if (resource.Namespaced)
        {
            if ((string?)metadata["namespace"] is { } given && given != route.Namespace)
            {
                return KubernetesStatus.Failure(400, "BadRequest", "the namespace of the provided object does not match the namespace sent on the request");
            }
            if (!_objects.TryGetValue((Resource.OfKind("Namespace"), "", route.Namespace), out var ns))
            {
                return KubernetesStatus.NotFound(Resource.OfKind("Namespace"), route.Namespace);
            }
            if ((string?)ns["status"]?["phase"] == "Terminating")
            {
                return KubernetesStatus.Failure(403, "Forbidden",
                    $"{resource.QualifiedName} \"{name}\" is forbidden: unable to create new content in namespace {route.Namespace} because it is being terminated");
            }
            metadata["namespace"] = route.Namespace;
        }
        if (_objects.ContainsKey((resource, route.Namespace, name)))
        {
            return KubernetesStatus.AlreadyExists(resource, name);
        }
        metadata["uid"] = Guid.NewGuid().ToString();
        metadata["creationTimestamp"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ");
        metadata["resourceVersion"] = NextVersion();
        if (resource.HasGeneration)
        {
            metadata["generation"] = 1;
        }
        switch (resource.Kind)
        {
            case "Namespace":
                var labels = metadata["labels"] as JsonObject ?? [];
                labels["kubernetes.io/metadata.name"] = name;
                metadata["labels"] = labels;
                body["status"] = new JsonObject { ["phase"] = "Active" };
                break;
            case "Secret":
                MoveStringData(body);
                break;
            case "Job":
                if (FakeJobController.Invalid(body) is { } cause)
                {
                    return KubernetesStatus.Invalid(resource, name, cause);
                }
                FakeJobController.Default(body, (string)metadata["uid"]!);
                break;
            case "Service" when string.IsNullOrEmpty(ClusterIp(body)):
                var ip = $"10.96.0.{_nextIp++}";
                body["spec"]!["clusterIP"] = ip;
                body["spec"]!["clusterIPs"] = new JsonArray(ip);
                break;
        }
        _objects[(resource, route.Namespace, name)] = body;
        if (resource.Kind == "Deployment")
        {
            Kubelet.Schedule(route.Namespace, name);
        }
        if (resource.Kind == "Job")
        {
            Jobs.Schedule(route.Namespace, name);
        }
        return Json(body, 201);
    }

    private IResult ReplaceLocked(Route route, string name, JsonObject body)
    {
        var resource = route.Resource;
        if (!_objects.TryGetValue((resource, route.Namespace, name), out var existing))
        {
            return KubernetesStatus.NotFound(resource, name);
        }
        var metadata = body["metadata"] as JsonObject ?? [];
        body["metadata"] = metadata;
        if ((string?)metadata["name"] != name)
        {
            return KubernetesStatus.Failure(400, "BadRequest", "the name of the object does not match the name on the URL");
        }
        var version = (string?)metadata["resourceVersion"];
        if (string.IsNullOrEmpty(version))
        {
            return KubernetesStatus.Invalid(resource, name, "metadata.resourceVersion: Invalid value: 0x0: must be specified for an update");
        }
        if (version != (string?)existing["metadata"]!["resourceVersion"])
        {
            return KubernetesStatus.Conflict(resource, name);
        }
        if (Immutable(resource, existing, body) is { } cause)
        {
            return KubernetesStatus.Invalid(resource, name, cause);
        }
        foreach (var kept in new[] { "uid", "creationTimestamp", "generation", "namespace" })
        {
            metadata[kept] = existing["metadata"]![kept]?.DeepClone();
        }
        if (resource.HasGeneration && !JsonNode.DeepEquals(existing["spec"], body["spec"]))
        {
            metadata["generation"] = Generation(existing) + 1;
        }
        // A PUT to the object does not write its status (that is the status subresource's job).
        body["status"] = existing["status"]?.DeepClone();
        if (resource.Kind == "Namespace")
        {
            var labels = metadata["labels"] as JsonObject ?? [];
            labels["kubernetes.io/metadata.name"] = name;
            metadata["labels"] = labels;
        }
        if (resource.Kind == "Secret")
        {
            MoveStringData(body);
        }
        metadata["resourceVersion"] = NextVersion();
        _objects[(resource, route.Namespace, name)] = body;
        if (resource.Kind == "Deployment")
        {
            Kubelet.Schedule(route.Namespace, name);
        }
        return Json(body);
    }

    /// <param name="propagation">DeleteOptions' propagationPolicy, from the query or the body; null: the kind's default.</param>
    private IResult DeleteLocked(Route route, string name, string? propagation)
    {
        var resource = route.Resource;
        if (!_objects.TryGetValue((resource, route.Namespace, name), out var existing))
        {
            return KubernetesStatus.NotFound(resource, name);
        }
        switch (resource.Kind)
        {
            case "Namespace":
                // Terminating first, as the real server answers; the namespace controller then empties it.
                existing["status"] = new JsonObject { ["phase"] = "Terminating" };
                existing["metadata"]!["deletionTimestamp"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ");
                _ = Task.Delay(200).ContinueWith(_ => FinishNamespaceDeletion(name), TaskScheduler.Default);
                return Json(existing);
            case "Deployment":
                foreach (var pod in _objects.Where(o => o.Key.Resource.Kind == "Pod" && o.Key.Namespace == route.Namespace
                    && (string?)o.Value["metadata"]!["labels"]?[FakeKubelet.OwnerLabel] == name).Select(o => o.Key).ToList())
                {
                    _objects.Remove(pod);
                }
                break;
            case "Job":
                var uid = (string)existing["metadata"]!["uid"]!;
                var owned = _objects.Where(o => o.Key.Resource.Kind == "Pod" && o.Key.Namespace == route.Namespace
                    && o.Value["metadata"]!["ownerReferences"]?.AsArray().Any(r => (string?)r?["uid"] == uid) == true).Select(o => o.Key).ToList();
                if (propagation is "Background" or "Foreground")
                {
                    // The garbage collector takes the pods a moment later.
                    _ = Task.Delay(100).ContinueWith(_ => RemoveAll(owned), TaskScheduler.Default);
                }
                else
                {
                    // batch/v1 Jobs default to orphaning: the pods stay, without their owner.
                    foreach (var pod in owned)
                    {
                        _objects[pod]["metadata"]!.AsObject().Remove("ownerReferences");
                    }
                }
                break;
        }
        _objects.Remove((resource, route.Namespace, name));
        // As the real server: Services and Pods answer with the deleted object, the rest with a Status.
        return resource.Kind is "Service" or "Pod" ? Json(existing) : KubernetesStatus.Success();
    }

    private void RemoveAll(IEnumerable<(Resource, string, string)> keys)
    {
        lock (_lock)
        {
            foreach (var key in keys)
            {
                _objects.Remove(key);
            }
        }
    }

    private void FinishNamespaceDeletion(string name)
    {
        lock (_lock)
        {
            foreach (var key in _objects.Keys.Where(k => k.Namespace == name || (k.Resource.Kind == "Namespace" && k.Name == name)).ToList())
            {
                _objects.Remove(key);
            }
        }
    }

    /// <summary>
    /// A Deployment's <c>scale</c> subresource (autoscaling/v1 Scale): its replicas, read or written
    /// at the Deployment's resourceVersion; a write changes spec.replicas (and so the generation),
    /// and the controller acts on it as on any other write.
    /// </summary>
    private IResult ScaleLocked(Route route, string name, JsonObject? body)
    {
        if (route.Resource.Kind != "Deployment" || !_objects.TryGetValue((route.Resource, route.Namespace, name), out var deployment))
        {
            return KubernetesStatus.NotFound(route.Resource, name);
        }
        if (body is not null)
        {
            if ((string?)body["kind"] != "Scale" || (string?)body["apiVersion"] != "autoscaling/v1")
            {
                return KubernetesStatus.Failure(400, "BadRequest", "the object is not an autoscaling/v1 Scale");
            }
            var version = (string?)body["metadata"]?["resourceVersion"];
            if (!string.IsNullOrEmpty(version) && version != (string?)deployment["metadata"]!["resourceVersion"])
            {
                return KubernetesStatus.Conflict(route.Resource, name);
            }
            if ((int?)body["spec"]?["replicas"] is not { } replicas || replicas < 0)
            {
                return KubernetesStatus.Invalid(route.Resource, name, "spec.replicas: Invalid value: must be greater than or equal to 0");
            }
            if ((int?)deployment["spec"]!["replicas"] != replicas)
            {
                deployment["spec"]!["replicas"] = replicas;
                deployment["metadata"]!["generation"] = Generation(deployment) + 1;
            }
            deployment["metadata"]!["resourceVersion"] = NextVersion();
            Kubelet.Schedule(route.Namespace, name);
        }
        var metadata = deployment["metadata"]!;
        return Json(new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["namespace"] = route.Namespace,
                ["uid"] = metadata["uid"]!.DeepClone(),
                ["resourceVersion"] = metadata["resourceVersion"]!.DeepClone(),
                ["creationTimestamp"] = metadata["creationTimestamp"]!.DeepClone(),
            },
            ["spec"] = new JsonObject { ["replicas"] = (int?)deployment["spec"]!["replicas"] ?? 1 },
            ["status"] = new JsonObject
            {
                ["replicas"] = (int?)deployment["status"]?["replicas"] ?? 0,
                ["selector"] = string.Join(",", (deployment["spec"]!["selector"]?["matchLabels"]?.AsObject() ?? []).Select(l => $"{l.Key}={l.Value}")),
            },
        });
    }

    /// <summary>As the API server answers: a container the pod has, the previous run only if there was one, the last tailLines lines.</summary>
    private IResult LogLocked(Route route, string name, IQueryCollection query)
    {
        if (route.Resource.Kind != "Pod" || !_objects.TryGetValue((route.Resource, route.Namespace, name), out var pod))
        {
            return KubernetesStatus.NotFound(route.Resource, name);
        }
        var containers = pod["status"]?["containerStatuses"]?.AsArray() ?? [];
        var container = query["container"].ToString() is { Length: > 0 } asked ? asked : (string?)containers.FirstOrDefault()?["name"];
        if (containers.FirstOrDefault(c => (string?)c?["name"] == container) is not { } status)
        {
            return KubernetesStatus.Failure(400, "BadRequest", $"container {container} is not valid for pod {name}");
        }
        if (query["previous"] == "true" && (int?)status["restartCount"] is null or 0)
        {
            return KubernetesStatus.Failure(400, "BadRequest", $"previous terminated container \"{container}\" in pod \"{name}\" not found");
        }
        // The kubelet keeps each line with its time: sinceSeconds counts back from its now; without timestamps=true the lines go out as printed.
        var from = int.TryParse(query["sinceSeconds"], out var since) ? DateTimeOffset.UtcNow.AddSeconds(-since) : DateTimeOffset.MinValue;
        var lines = Kubelet.LogOf(name).Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => FakeKubelet.TimeOf(l) >= from)
            .Select(l => query["timestamps"] == "true" ? l : l[(l.IndexOf(' ') + 1)..]).ToArray();
        if (int.TryParse(query["tailLines"], out var tail))
        {
            lines = lines[Math.Max(0, lines.Length - tail)..];
        }
        return Results.Text(string.Concat(lines.Select(l => l + "\n")), "text/plain");
    }

    private static string? Immutable(Resource resource, JsonObject existing, JsonObject body) => resource.Kind switch
    {
        "Deployment" when !JsonNode.DeepEquals(existing["spec"]?["selector"], body["spec"]?["selector"]) =>
            "spec.selector: Invalid value: field is immutable",
        "Service" when ClusterIp(body) != ClusterIp(existing) =>
            $"spec.clusterIP: Invalid value: \"{ClusterIp(body)}\": field is immutable",
        "Job" when !JsonNode.DeepEquals(existing["spec"]?["template"], body["spec"]?["template"]) =>
            "spec.template: Invalid value: field is immutable",
        _ => null,
    };

    /// <summary>metadata.generation, whether it was parsed from a request or set here.</summary>
    public static long Generation(JsonObject value) => long.Parse(value["metadata"]!["generation"]!.ToJsonString());

    private static string? ClusterIp(JsonObject service) => (string?)service["spec"]?["clusterIP"];

    private static void MoveStringData(JsonObject secret)
    {
        if (secret["stringData"] is JsonObject stringData)
        {
            var data = secret["data"] as JsonObject ?? [];
            foreach (var (key, value) in stringData)
            {
                data[key] = Convert.ToBase64String(Encoding.UTF8.GetBytes((string)value!));
            }
            secret["data"] = data;
            secret.Remove("stringData");
        }
    }

    private Fault? TakeFault(string method, string path)
    {
        lock (_lock)
        {
            var fault = _faults.FirstOrDefault(f => f.Method == method && path.Contains(f.PathContains, StringComparison.Ordinal) && f.Remaining > 0);
            if (fault is not null)
            {
                fault.Remaining--;
            }
            return fault;
        }
    }

    private string NextVersion() => (++_resourceVersion).ToString();

    private static IResult Json(JsonNode node, int status = 200) => Results.Text(node.ToJsonString(), "application/json", statusCode: status);

    public async ValueTask DisposeAsync()
    {
        Kubelet.Dispose();
        Jobs.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private sealed class Fault(string method, string pathContains, int status, string reason, int times)
    {
        public string Method { get; } = method;
        public string PathContains { get; } = pathContains;
        public int Status { get; } = status;
        public string Reason { get; } = reason;
        public int Remaining { get; set; } = times;
    }

    /// <summary>A request path: <c>/api/v1/…</c> or <c>/apis/{group}/{version}/…</c>, then namespace, plural, name, subresource.</summary>
    private sealed record Route(Resource Resource, string Namespace, string? Name, string? Subresource)
    {
        public static bool TryParse(string path, out Route route)
        {
            route = null!;
            var parts = path.Trim('/').Split('/');
            int rest;
            string groupVersion;
            if (parts is ["api", "v1", ..])
            {
                (groupVersion, rest) = ("v1", 2);
            }
            else if (parts.Length >= 3 && parts[0] == "apis")
            {
                (groupVersion, rest) = ($"{parts[1]}/{parts[2]}", 3);
            }
            else
            {
                return false;
            }
            var tail = parts[rest..];
            if (tail is ["namespaces", var ns, var plural, ..] && Resource.Find(groupVersion, plural) is { Namespaced: true } namespaced)
            {
                route = new Route(namespaced, ns, tail.Length > 3 ? tail[3] : null, tail.Length > 4 ? tail[4] : null);
                return tail.Length <= 5;
            }
            if (tail is [var clusterPlural, ..] && Resource.Find(groupVersion, clusterPlural) is { Namespaced: false } cluster)
            {
                route = new Route(cluster, "", tail.Length > 1 ? tail[1] : null, null);
                return tail.Length <= 2;
            }
            return false;
        }
    }
}
