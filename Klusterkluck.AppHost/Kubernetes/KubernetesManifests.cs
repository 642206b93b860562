using Aspire.Hosting.Pipelines;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Klusterkluck.AppHost.Kubernetes;

/// <summary>
/// The publish step that writes the model as Kubernetes manifests. It stands in for
/// Aspire.Hosting.Kubernetes, which is not served to this project's build machines, and follows
/// its mapping (<see cref="WorkloadFactory"/>), writing a kustomize folder instead of a Helm chart:
/// `dotnet run --project Klusterkluck.AppHost -- --operation publish --step publish --output-path deploy`.
/// </summary>
internal static class KubernetesManifests
{
    public const string Step = "kubernetes-manifests";

    /// <summary>The Secret that holds every secret parameter of the model, one key per parameter.</summary>
    public const string ParametersSecret = "parameters";

    public const string PartOf = "klusterkluck";

    /// <summary>Every object goes to <paramref name="namespace"/>.</summary>
    public static void AddKubernetesManifests(this IDistributedApplicationBuilder builder, string @namespace)
    {
        builder.Pipeline.AddStep(Step, async context =>
        {
            var output = context.Services.GetRequiredService<IPipelineOutputService>().GetOutputDirectory();
            var factory = new WorkloadFactory(context.Model, context.ExecutionContext, @namespace, context.CancellationToken);
            var workloads = new List<KubernetesWorkload>();
            foreach (var resource in context.Model.Resources)
            {
                if (await factory.CreateAsync(resource) is { } workload)
                {
                    workloads.Add(workload);
                }
            }
            ManifestWriter.Write(output, @namespace, workloads, factory.Secrets);
            context.Logger.LogInformation("Kubernetes manifests of {Count} workloads written to {Output}", workloads.Count, output);
        }, requiredBy: WellKnownPipelineSteps.Publish);
    }
}
