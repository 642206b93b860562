using System.Globalization;

namespace Klusterkluck.AppHost.Kubernetes;

/// <summary>A value as it reads in a manifest, and the secret parameters it holds as <c>$(VARIABLE)</c> references.</summary>
internal sealed record RenderedValue(string Text, IReadOnlyList<ParameterResource> Secrets);

/// <summary>
/// Turns the model's values (strings, parameters, endpoint references, connection strings,
/// reference expressions made of them) into the text a manifest holds. An endpoint is its
/// resource's Service by its cluster-wide name, since pods in users' namespaces reach the Api and
/// Keycloak too; a secret parameter is never written, only referenced: <c>$(PARAMETER_NAME)</c>,
/// which Kubernetes expands from the variable <see cref="SecretVariable"/> defines.
/// </summary>
internal sealed class ValueRenderer(string @namespace, CancellationToken cancellationToken)
{
    /// <summary>The environment variable that carries a secret parameter into a container.</summary>
    public static string SecretVariable(ParameterResource parameter) =>
        "PARAMETER_" + parameter.Name.Replace('-', '_').ToUpperInvariant();

    /// <summary>The Service's port for an endpoint: the one the model gives, else the container's.</summary>
    public static int ServicePort(EndpointAnnotation endpoint) =>
        endpoint.Port ?? endpoint.TargetPort ?? throw new InvalidOperationException($"the endpoint '{endpoint.Name}' has no port to publish");

    public static int ContainerPort(EndpointAnnotation endpoint) =>
        endpoint.TargetPort ?? endpoint.Port ?? throw new InvalidOperationException($"the endpoint '{endpoint.Name}' has no port to publish");

    private readonly HashSet<ParameterResource> _secrets = [];

    /// <summary>Every secret parameter rendered so far, by name: the keys of the parameters Secret.</summary>
    public IReadOnlyList<ParameterResource> Secrets => _secrets.OrderBy(s => s.Name, StringComparer.Ordinal).ToList();

    public string Host(IResource resource) => $"{resource.Name}.{@namespace}.svc.cluster.local";

    public async Task<RenderedValue> RenderAsync(object? value)
    {
        var secrets = new List<ParameterResource>();
        var text = await TextAsync(value, secrets);
        _secrets.UnionWith(secrets);
        return new RenderedValue(text, secrets.Distinct().ToList());
    }

    private async Task<string> TextAsync(object? value, List<ParameterResource> secrets)
    {
        switch (value)
        {
            case null:
                return "";
            case string text:
                return text;
            case ParameterResource { Secret: true } secret:
                secrets.Add(secret);
                return $"$({SecretVariable(secret)})";
            case ParameterResource parameter:
                return await parameter.GetValueAsync(cancellationToken)
                    ?? throw new InvalidOperationException($"the parameter '{parameter.Name}' has no value (Parameters:{parameter.Name})");
            case ConnectionStringReference reference:
                return await TextAsync(reference.Resource.ConnectionStringExpression, secrets);
            case IResourceWithConnectionString resource:
                return await TextAsync(resource.ConnectionStringExpression, secrets);
            case EndpointReference endpoint:
                return Endpoint(endpoint, EndpointProperty.Url);
            case EndpointReferenceExpression expression:
                return Endpoint(expression.Endpoint, expression.Property);
            case ReferenceExpression { IsConditional: true } conditional:
                throw new NotSupportedException($"conditional expressions cannot be published yet ({conditional.ValueExpression})");
            case ReferenceExpression expression:
                var parts = new object[expression.ValueProviders.Count];
                for (var i = 0; i < parts.Length; i++)
                {
                    var part = await TextAsync(expression.ValueProviders[i], secrets);
                    parts[i] = expression.StringFormats.Count > i && expression.StringFormats[i] == "uri" ? Uri.EscapeDataString(part) : part;
                }
                return string.Format(CultureInfo.InvariantCulture, expression.Format, parts);
            case int or long or bool:
                return Convert.ToString(value, CultureInfo.InvariantCulture)!.ToLowerInvariant();
            default:
                throw new NotSupportedException($"a value of type {value.GetType().Name} cannot be published");
        }
    }

    private string Endpoint(EndpointReference endpoint, EndpointProperty property)
    {
        var annotation = endpoint.EndpointAnnotation;
        var host = Host(endpoint.Resource);
        var port = ServicePort(annotation).ToString(CultureInfo.InvariantCulture);
        return property switch
        {
            EndpointProperty.Url => $"{annotation.UriScheme}://{host}:{port}",
            EndpointProperty.Host or EndpointProperty.IPV4Host => host,
            EndpointProperty.Port => port,
            EndpointProperty.TargetPort => ContainerPort(annotation).ToString(CultureInfo.InvariantCulture),
            EndpointProperty.HostAndPort => $"{host}:{port}",
            EndpointProperty.Scheme => annotation.UriScheme,
            EndpointProperty.TlsEnabled => annotation.UriScheme == "https" ? "true" : "false",
            _ => throw new NotSupportedException($"the endpoint property {property} cannot be published"),
        };
    }
}
