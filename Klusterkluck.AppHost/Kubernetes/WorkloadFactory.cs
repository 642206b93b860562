using k8s.Models;

namespace Klusterkluck.AppHost.Kubernetes;

/// <summary>
/// Maps one resource of the model to its workload, as Aspire.Hosting.Kubernetes documents the
/// mapping: a project or container becomes a Deployment (a StatefulSet when it has volumes); its
/// endpoints container ports and a Service; its environment a ConfigMap, with secret parameters
/// referenced from the <see cref="KubernetesManifests.ParametersSecret"/> Secret; its volumes
/// claims; a bind mount of files a ConfigMap of them; HTTP probes probes.
/// </summary>
internal sealed class WorkloadFactory(DistributedApplicationModel model, DistributedApplicationExecutionContext execution, string @namespace,
    CancellationToken cancellationToken)
{
    private readonly ValueRenderer _values = new(@namespace, cancellationToken);

    /// <summary>The secret parameters the workloads created so far refer to.</summary>
    public IReadOnlyList<ParameterResource> Secrets => _values.Secrets;

    /// <summary>The resource's workload, or null for what is not one (parameters, databases inside a server).</summary>
    public async Task<KubernetesWorkload?> CreateAsync(IResource resource)
    {
        if (resource is not (ProjectResource or ContainerResource))
        {
            return null;
        }
        var workload = new KubernetesWorkload(resource.Name, @namespace);
        var container = new V1Container { Name = resource.Name };
        workload.Pod.Containers.Add(container);
        if (resource.TryGetLastAnnotation<ContainerImageAnnotation>(out var image))
        {
            container.Image = $"{(image.Registry is { } registry ? registry + "/" : "")}{image.Image}:{image.Tag ?? "latest"}";
        }
        AddPorts(resource, workload);
        await AddEnvironmentAsync(resource, workload);
        await AddArgumentsAsync(resource, container);
        AddMounts(resource, workload);
        PostgresDatabases.AddInitScripts(model, resource, workload);
        AddProbes(resource, container);
        foreach (var customization in resource.Annotations.OfType<KubernetesWorkloadAnnotation>())
        {
            customization.Configure(workload);
        }
        if (workload.Settings.Count > 0)
        {
            container.EnvFrom = [new V1EnvFromSource { ConfigMapRef = new V1ConfigMapEnvSource { Name = workload.SettingsMap } }];
        }
        if (string.IsNullOrEmpty(container.Image))
        {
            throw new InvalidOperationException($"'{resource.Name}' has no image to publish: set one with PublishAsKubernetesWorkload");
        }
        if (workload.ExternalEndpoint is not null && workload.Ingress is null)
        {
            throw new InvalidOperationException($"'{resource.Name}' has an external endpoint but no Ingress settings: set them with PublishAsKubernetesWorkload");
        }
        return workload;
    }

    private static void AddPorts(IResource resource, KubernetesWorkload workload)
    {
        foreach (var endpoint in resource.Annotations.OfType<EndpointAnnotation>())
        {
            (workload.Container.Ports ??= []).Add(new V1ContainerPort { Name = endpoint.Name, ContainerPort = ValueRenderer.ContainerPort(endpoint) });
            workload.ServicePorts.Add(new V1ServicePort { Name = endpoint.Name, Port = ValueRenderer.ServicePort(endpoint), TargetPort = endpoint.Name });
            if (endpoint.IsExternal)
            {
                workload.ExternalEndpoint ??= endpoint.Name;
            }
        }
    }

    private async Task AddEnvironmentAsync(IResource resource, KubernetesWorkload workload)
    {
        var environment = new Dictionary<string, object>();
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(new EnvironmentCallbackContext(execution, resource, environment, cancellationToken));
        }
        var inline = new List<V1EnvVar>();
        var secrets = new List<ParameterResource>();
        foreach (var (name, value) in environment)
        {
            // Where a local run's telemetry goes (the dashboard): nothing in a cluster receives it.
            if (name.StartsWith("OTEL_", StringComparison.Ordinal))
            {
                continue;
            }
            var rendered = await _values.RenderAsync(value);
            if (rendered.Secrets.Count == 0)
            {
                workload.Settings[name] = rendered.Text;
            }
            else if (rendered.Secrets is [var only] && rendered.Text == $"$({ValueRenderer.SecretVariable(only)})")
            {
                inline.Add(SecretReference(name, only));
            }
            else
            {
                secrets.AddRange(rendered.Secrets);
                inline.Add(new V1EnvVar { Name = name, Value = rendered.Text });
            }
        }
        // A variable may use only those defined before it: the parameters first.
        var parameters = secrets.Distinct().Select(s => SecretReference(ValueRenderer.SecretVariable(s), s));
        var variables = parameters.Concat(inline).ToList();
        if (variables.Count > 0)
        {
            workload.Container.Env = variables;
        }
    }

    private static V1EnvVar SecretReference(string name, ParameterResource parameter) => new()
    {
        Name = name,
        ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = KubernetesManifests.ParametersSecret, Key = parameter.Name } },
    };

    private async Task AddArgumentsAsync(IResource resource, V1Container container)
    {
        var arguments = new List<object>();
        foreach (var callback in resource.Annotations.OfType<CommandLineArgsCallbackAnnotation>())
        {
            await callback.Callback(new CommandLineArgsCallbackContext(arguments, resource, cancellationToken) { ExecutionContext = execution });
        }
        foreach (var argument in arguments)
        {
            var rendered = await _values.RenderAsync(argument);
            if (rendered.Secrets.Count > 0)
            {
                throw new NotSupportedException($"'{resource.Name}' passes a secret as an argument; pass it in the environment");
            }
            (container.Args ??= []).Add(rendered.Text);
        }
    }

    private static void AddMounts(IResource resource, KubernetesWorkload workload)
    {
        var claims = 0;
        foreach (var mount in resource.Annotations.OfType<ContainerMountAnnotation>())
        {
            if (mount.Type == ContainerMountType.Volume)
            {
                // Aspire names volumes after the AppHost's path: a claim is named after its place in the pod instead.
                workload.WithClaim(claims++ == 0 ? "data" : $"data-{claims}", mount.Target, "10Gi");
                continue;
            }
            // A bind mount of the repository's files: in a cluster, a ConfigMap of those files.
            var source = mount.Source ?? throw new InvalidOperationException($"'{resource.Name}' has a bind mount without a source");
            var files = Directory.Exists(source) ? Directory.GetFiles(source) : [source];
            workload.WithFiles($"{resource.Name}-{Path.GetFileName(source.TrimEnd('/'))}",
                new SortedDictionary<string, string>(files.ToDictionary(f => Path.GetFileName(f), File.ReadAllText), StringComparer.Ordinal), mount.Target);
        }
    }

    private static void AddProbes(IResource resource, V1Container container)
    {
        foreach (var probe in resource.Annotations.OfType<EndpointProbeAnnotation>())
        {
            var kubernetes = new V1Probe
            {
                HttpGet = new V1HTTPGetAction { Path = probe.Path, Port = probe.EndpointReference.EndpointName },
                InitialDelaySeconds = probe.InitialDelaySeconds,
                PeriodSeconds = probe.PeriodSeconds,
                TimeoutSeconds = probe.TimeoutSeconds,
                FailureThreshold = probe.FailureThreshold,
                SuccessThreshold = probe.SuccessThreshold,
            };
            switch (probe.Type)
            {
                case ProbeType.Startup:
                    container.StartupProbe = kubernetes;
                    break;
                case ProbeType.Readiness:
                    container.ReadinessProbe = kubernetes;
                    break;
                case ProbeType.Liveness:
                    container.LivenessProbe = kubernetes;
                    break;
            }
        }
    }
}
