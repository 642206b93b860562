using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Klusterkluck.Api.Hosting;

/// <summary>
/// Section <c>ForwardedHeaders</c>: the proxies whose <c>X-Forwarded-For</c> and
/// <c>X-Forwarded-Proto</c> the Api believes. The client address they give is what the login
/// rate limit counts, so a header from anyone else must not count: with neither list set, the
/// headers are ignored (ASP.NET Core's own defaults would trust loopback, and with
/// <c>ASPNETCORE_FORWARDEDHEADERS_ENABLED</c> everyone).
/// </summary>
public sealed class TrustedProxyOptions
{
    public const string Section = "ForwardedHeaders";

    /// <summary>Proxy addresses, such as <c>10.0.0.5</c>.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Proxy networks in CIDR notation, such as <c>10.0.0.0/8</c>.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>How many proxies in a row may be believed (each one's entry is read only if it was itself a known proxy).</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 10)]
    public int ForwardLimit { get; set; } = 1;

    public bool TrustsAnyone => KnownProxies.Count > 0 || KnownNetworks.Count > 0;

    public IEnumerable<string> Errors() =>
        KnownProxies.Where(p => !IPAddress.TryParse(p, out _)).Select(p => $"ForwardedHeaders:KnownProxies: '{p}' is not an IP address")
            .Concat(KnownNetworks.Where(n => !System.Net.IPNetwork.TryParse(n, out _)).Select(n => $"ForwardedHeaders:KnownNetworks: '{n}' is not a CIDR network"));

    internal void ApplyTo(ForwardedHeadersOptions forwarded)
    {
        forwarded.ForwardedHeaders = TrustsAnyone ? ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto : ForwardedHeaders.None;
        forwarded.ForwardLimit = ForwardLimit;
        forwarded.KnownProxies.Clear();
        forwarded.KnownIPNetworks.Clear();
        foreach (var proxy in KnownProxies)
        {
            forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
        }
        foreach (var network in KnownNetworks)
        {
            forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        }
    }
}

public static class TrustedProxies
{
    public static IServiceCollection AddTrustedProxies(this IServiceCollection services)
    {
        services.AddOptions<TrustedProxyOptions>().BindConfiguration(TrustedProxyOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<TrustedProxyOptions>, TrustedProxyValidator>();
        // Post-configured, so it holds even when ASPNETCORE_FORWARDEDHEADERS_ENABLED configured the options to trust everyone.
        services.AddOptions<ForwardedHeadersOptions>().PostConfigure<IOptions<TrustedProxyOptions>>((forwarded, trusted) => trusted.Value.ApplyTo(forwarded));
        return services;
    }

    /// <summary>First in the pipeline, so everything after (the rate limiter above all) sees the client's address.</summary>
    public static WebApplication UseTrustedProxies(this WebApplication app)
    {
        var trusted = app.Configuration.Peek<TrustedProxyOptions>(TrustedProxyOptions.Section);
        // With ASPNETCORE_FORWARDEDHEADERS_ENABLED the host adds the middleware itself (with these options); twice would read two hops.
        var hostAddsIt = string.Equals(app.Configuration["FORWARDEDHEADERS_ENABLED"], "true", StringComparison.OrdinalIgnoreCase);
        if (trusted.TrustsAnyone && !hostAddsIt)
        {
            app.UseForwardedHeaders();
        }
        return app;
    }
}

internal sealed class TrustedProxyValidator : IValidateOptions<TrustedProxyOptions>
{
    public ValidateOptionsResult Validate(string? name, TrustedProxyOptions options) =>
        options.Errors().ToList() is { Count: > 0 } errors ? ValidateOptionsResult.Fail(errors) : ValidateOptionsResult.Success;
}
