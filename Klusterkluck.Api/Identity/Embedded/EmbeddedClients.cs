using Klusterkluck.Api.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Klusterkluck.Api.Identity.Embedded;

/// <summary>
/// The embedded server's registered clients, the same two the Keycloak realm export defines
/// (deploy/keycloak/import): <c>klusterkluck</c> for the CLI and scripts, <c>klusterkluck-console</c>
/// for the web console. Created or updated at every start, once the server listens, because the
/// console's redirect URIs follow the addresses the Api is reached at.
/// </summary>
internal sealed class EmbeddedClients(IServiceScopeFactory scopes, IServer server, IOptions<IdentityProviderOptions> options,
    TokenIssuer issuer) : IHostedLifecycleService
{
    public const string Cli = "klusterkluck";

    public const string Console = "klusterkluck-console";

    /// <summary>
    /// A CLI receives the code on a loopback listener of its own (RFC 8252 section 7.3); the port is
    /// fixed because the server matches redirect URIs exactly, as Keycloak does without a wildcard.
    /// </summary>
    public static readonly string[] CliRedirectUris = ["http://127.0.0.1:8400/callback", "http://localhost:8400/callback"];

    private readonly TaskCompletionSource _registered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Done once both clients are in the store; /health says unhealthy until then.</summary>
    public Task Registered => _registered.Task;

    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        var origins = ConsoleOrigins();
        await using var scope = scopes.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        await SaveAsync(applications, CliDescriptor(), cancellationToken);
        await SaveAsync(applications, ConsoleDescriptor(origins), cancellationToken);
        _registered.TrySetResult();
    }

    /// <summary>
    /// The issuer's origin, <c>Identity:ConsoleOrigins</c>, and each loopback address the Api
    /// listens on in both its localhost and 127.0.0.1 forms: a browser on this machine may be
    /// sent to either, and a redirect URI must match to the letter.
    /// </summary>
    internal List<string> ConsoleOrigins()
    {
        var origins = new List<string> { Origin(new Uri(issuer.Authority)) };
        origins.AddRange(options.Value.ConsoleOrigins.Select(o => Origin(new Uri(o))));
        foreach (var address in server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
        {
            if (Uri.TryCreate(ServerAddresses.WithHost(address, "127.0.0.1"), UriKind.Absolute, out var uri) && uri.IsLoopback)
            {
                origins.Add(Origin(new UriBuilder(uri) { Host = "localhost" }.Uri));
                origins.Add(Origin(new UriBuilder(uri) { Host = "127.0.0.1" }.Uri));
            }
        }
        return origins.Distinct(StringComparer.Ordinal).ToList();
    }

    private static string Origin(Uri uri) => uri.GetLeftPart(UriPartial.Authority);

    private static OpenIddictApplicationDescriptor CliDescriptor()
    {
        var descriptor = Public(Cli, "Klusterkluck", ApplicationTypes.Native);
        descriptor.Permissions.Add(Permissions.GrantTypes.Password);
        descriptor.RedirectUris.UnionWith(CliRedirectUris.Select(u => new Uri(u)));
        return descriptor;
    }

    private static OpenIddictApplicationDescriptor ConsoleDescriptor(IEnumerable<string> origins)
    {
        var descriptor = Public(Console, "Klusterkluck console", ApplicationTypes.Web);
        foreach (var origin in origins)
        {
            // The console's own callback paths: what it sends as redirect_uri is what is registered.
            descriptor.RedirectUris.Add(new Uri(origin + Klusterkluck.WebConsole.Auth.ConsolePaths.SignInCallback));
            descriptor.PostLogoutRedirectUris.Add(new Uri(origin + Klusterkluck.WebConsole.Auth.ConsolePaths.SignOutCallback));
        }
        return descriptor;
    }

    /// <summary>A public client of the code flow with PKCE S256, its refresh tokens and sign-out; consent is implicit (first-party).</summary>
    private static OpenIddictApplicationDescriptor Public(string clientId, string displayName, string applicationType) => new()
    {
        ClientId = clientId,
        DisplayName = displayName,
        ApplicationType = applicationType,
        ClientType = ClientTypes.Public,
        ConsentType = ConsentTypes.Implicit,
        Permissions =
        {
            Permissions.Endpoints.Authorization,
            Permissions.Endpoints.Token,
            Permissions.Endpoints.EndSession,
            Permissions.GrantTypes.AuthorizationCode,
            Permissions.GrantTypes.RefreshToken,
            Permissions.ResponseTypes.Code,
            Permissions.Scopes.Profile,
            Permissions.Scopes.Email,
        },
        Requirements = { Requirements.Features.ProofKeyForCodeExchange },
    };

    private static async Task SaveAsync(IOpenIddictApplicationManager applications, OpenIddictApplicationDescriptor descriptor,
        CancellationToken cancellationToken)
    {
        if (await applications.FindByClientIdAsync(descriptor.ClientId!, cancellationToken) is { } existing)
        {
            await applications.UpdateAsync(existing, descriptor, cancellationToken);
            return;
        }
        await applications.CreateAsync(descriptor, cancellationToken);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
