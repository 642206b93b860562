using Klusterkluck.Api.Identity.Embedded;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Klusterkluck.Api.Identity.Registration;

/// <summary>
/// Invite-only registration needs an admin to create the first invite, and the admin needs an
/// invite to register: while none of the embedded provider's configured admins exists, each start
/// logs one single-use code for them (the operator reads the log, as with Jenkins's first
/// password). With Keycloak, admins are made in Keycloak.
/// </summary>
internal sealed partial class FirstAdminInvite(IServiceScopeFactory scopes, IServer server, IOptions<IdentityProviderOptions> options,
    IHostApplicationLifetime lifetime, ILogger<FirstAdminInvite> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The default mode depends on the addresses the server listens on, known once it started.
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }
        var identity = options.Value;
        var mode = RegistrationPolicy.Effective(identity, server);
        var admins = identity.AllAdmins().Distinct().ToList();
        LogMode(logger, mode, admins.Count == 0 ? "nobody" : string.Join(", ", admins));
        if (mode != RegistrationMode.Invite || identity.Provider != IdentityProviderKind.Embedded)
        {
            return;
        }
        if (admins.Count == 0)
        {
            LogNoAdmins(logger);
            return;
        }
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<StoreContext>();
        if (await store.Users.AnyAsync(u => admins.Contains(u.UserName), stoppingToken))
        {
            return;
        }
        var invites = scope.ServiceProvider.GetRequiredService<InviteStore>();
        await invites.DeleteUnusedStartCodesAsync(stoppingToken);
        var (invite, code) = await invites.CreateAsync(null, stoppingToken);
        LogFirstAdminInvite(logger, string.Join(" or ", admins), code, invite.ExpiresAt);
    }

    [LoggerMessage(LogLevel.Information, "Registration: {Mode}; admins: {Admins}")]
    private static partial void LogMode(ILogger logger, RegistrationMode mode, string admins);

    [LoggerMessage(LogLevel.Warning, "Registration takes invites only, and Identity:Admins names nobody who could create them")]
    private static partial void LogNoAdmins(ILogger logger);

    [LoggerMessage(LogLevel.Warning, "No admin has registered yet: register as {Admins} with the invite code {Code} (single use, until {ExpiresAt:u})")]
    private static partial void LogFirstAdminInvite(ILogger logger, string admins, string code, DateTime expiresAt);
}
