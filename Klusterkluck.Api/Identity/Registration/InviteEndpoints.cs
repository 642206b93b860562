using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Klusterkluck.Api.Identity.Registration;

public sealed record CreatedInvite(Guid Id, string Code, DateTime ExpiresAt);

public sealed record InviteView(Guid Id, string? CreatedBy, DateTime CreatedAt, DateTime ExpiresAt, string? UsedBy, DateTime? UsedAt);

/// <summary>/api/v1/invites: admins create, list and revoke the codes invite-only registration takes.</summary>
public static class InviteEndpoints
{
    public static RouteGroupBuilder MapInvites(this WebApplication app)
    {
        var group = app.MapGroup("/api/v1/invites").WithTags("Invites").RequireAuthorization(AdminRole.Policy);
        group.MapPost("/", CreateAsync);
        group.MapGet("/", ListAsync);
        group.MapDelete("/{id:guid}", RevokeAsync);
        return group;
    }

    private static async Task<Created<CreatedInvite>> CreateAsync(ClaimsPrincipal user, InviteStore invites, CancellationToken cancellationToken)
    {
        var (invite, code) = await invites.CreateAsync(user.Identity!.Name, cancellationToken);
        return TypedResults.Created((string?)null, new CreatedInvite(invite.Id, code, invite.ExpiresAt));
    }

    private static async Task<Ok<List<InviteView>>> ListAsync(InviteStore invites, CancellationToken cancellationToken) =>
        TypedResults.Ok((await invites.ListAsync(cancellationToken))
            .Select(i => new InviteView(i.Id, i.CreatedBy, i.CreatedAt, i.ExpiresAt, i.UsedBy, i.UsedAt)).ToList());

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(Guid id, InviteStore invites, CancellationToken cancellationToken) =>
        await invites.RevokeAsync(id, cancellationToken)
            ? TypedResults.NoContent()
            : TypedResults.Problem($"There is no invite {id}.", statusCode: StatusCodes.Status404NotFound, title: "Unknown invite");
}
