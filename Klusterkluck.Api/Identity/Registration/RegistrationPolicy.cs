using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Options;

namespace Klusterkluck.Api.Identity.Registration;

public enum RegistrationMode
{
    Open,
    Closed,
    Invite,
}

/// <summary>
/// <c>Identity:Registration</c> applied to <c>POST /api/v1/auth/register</c>, for either provider:
/// closed refuses, invite-only takes a valid unused invite and uses it up with the registration.
/// </summary>
internal sealed class RegistrationPolicy(IServer server, IOptions<IdentityProviderOptions> options, InviteStore invites)
{
    public static readonly AuthProblem Closed = new(StatusCodes.Status403Forbidden, "Registration is closed",
        "This Klusterkluck takes no new users.");

    public static readonly AuthProblem InviteRequired = new(StatusCodes.Status403Forbidden, "An invite is required",
        "Ask an administrator for an invite code and send it as 'invite'.");

    public static readonly AuthProblem InviteInvalid = new(StatusCodes.Status403Forbidden, "The invite is not valid",
        "It is unknown, used, revoked or expired.");

    /// <summary>The configured mode, or the default for where the server listens (known once it listens).</summary>
    public RegistrationMode Mode => Effective(options.Value, server);

    public static RegistrationMode Effective(IdentityProviderOptions options, IServer server) =>
        options.Registration ?? (Hosting.ServerAddresses.OnlyLoopback(server) ? RegistrationMode.Open : RegistrationMode.Invite);

    /// <summary>Runs <paramref name="register"/> if the policy admits the request; a failed registration gives its invite back.</summary>
    public async Task<AuthResult<RegisteredUser>> RegisterAsync(RegisterRequest request,
        Func<CancellationToken, Task<AuthResult<RegisteredUser>>> register, CancellationToken cancellationToken)
    {
        switch (Mode)
        {
            case RegistrationMode.Closed:
                return Closed;
            case RegistrationMode.Open:
                return await register(cancellationToken);
        }
        if (string.IsNullOrWhiteSpace(request.Invite))
        {
            return InviteRequired;
        }
        // Used up first, so two registrations racing for one code cannot both get in.
        if (await invites.RedeemAsync(request.Invite, request.Username, cancellationToken) is not { } invite)
        {
            return InviteInvalid;
        }
        var registered = false;
        try
        {
            var result = await register(cancellationToken);
            registered = result.Value is not null;
            return result;
        }
        finally
        {
            if (!registered)
            {
                // A taken name or a provider that is down must not cost the code.
                await invites.ReleaseAsync(invite, CancellationToken.None);
            }
        }
    }
}
