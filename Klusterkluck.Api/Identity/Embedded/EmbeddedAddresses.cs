using Microsoft.AspNetCore.Hosting.Server;
using Klusterkluck.Api.Hosting;

namespace Klusterkluck.Api.Identity.Embedded;

/// <summary>The embedded server's two addresses: the issuer clients see, and the loopback address the Api calls itself on.</summary>
public sealed class EmbeddedAddresses(IServer server)
{
    /// <summary>
    /// The issuer: <c>Identity:Issuer</c>, or else the first URL the Api is configured to listen
    /// on (<c>urls</c>, <c>ASPNETCORE_URLS</c>, <c>--urls</c>), a wildcard host read as localhost.
    /// It must be known before the server starts, and be the same in every token.
    /// </summary>
    public static (Uri Issuer, string? Error) Issuer(IConfiguration configuration, IdentityProviderOptions options)
    {
        try
        {
            return (ResolveIssuer(configuration, options), null);
        }
        catch (InvalidOperationException e)
        {
            // A placeholder lets the Api be built; the options validation then stops it with the error.
            return (new Uri("http://localhost/"), e.Message);
        }
    }

    private static Uri ResolveIssuer(IConfiguration configuration, IdentityProviderOptions options)
    {
        var configured = options.Issuer;
        if (string.IsNullOrWhiteSpace(configured))
        {
            var first = (configuration["urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault()
                ?? $"http://localhost:{(configuration["http_ports"] ?? "").Split(';')[0]}";
            configured = ServerAddresses.WithHost(first, "localhost");
            if (new Uri(configured).Port == 0)
            {
                throw new InvalidOperationException("Identity:Issuer must be set when the Api listens on port 0");
            }
        }
        if (!Uri.TryCreate(configured, UriKind.Absolute, out var issuer) || issuer.Scheme is not ("http" or "https"))
        {
            throw new InvalidOperationException($"Identity:Issuer '{configured}' is not an absolute http(s) URL");
        }
        return new Uri(issuer.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/");
    }

    /// <summary>The token endpoint on a loopback address this process listens on (known once it listens).</summary>
    public Uri LocalTokenEndpoint() => new(ServerAddresses.Loopback(server), EmbeddedTokenEndpoint.Path);
}
