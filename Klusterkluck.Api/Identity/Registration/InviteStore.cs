using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Klusterkluck.Api.Identity.Registration;

/// <summary>Invites in the store: created by admins, used up by one registration each.</summary>
internal sealed class InviteStore(StoreContext store, IOptions<IdentityProviderOptions> options)
{
    /// <summary>A new invite; the code is in the answer only, the store keeps its hash.</summary>
    public async Task<(Invite Invite, string Code)> CreateAsync(string? createdBy, CancellationToken cancellationToken)
    {
        var code = InviteCodes.New();
        var now = DateTime.UtcNow;
        var invite = new Invite { CodeHash = InviteCodes.Hash(code), CreatedBy = createdBy, CreatedAt = now, ExpiresAt = now + options.Value.InviteLifetime };
        store.Invites.Add(invite);
        await store.SaveChangesAsync(cancellationToken);
        return (invite, code);
    }

    public Task<List<Invite>> ListAsync(CancellationToken cancellationToken) =>
        store.Invites.AsNoTracking().OrderBy(i => i.CreatedAt).ToListAsync(cancellationToken);

    public async Task<bool> RevokeAsync(Guid id, CancellationToken cancellationToken) =>
        await store.Invites.Where(i => i.Id == id).ExecuteDeleteAsync(cancellationToken) > 0;

    /// <summary>Marks the invite used by <paramref name="user"/> in one conditional update; null when the code is not valid now.</summary>
    public async Task<Guid?> RedeemAsync(string code, string user, CancellationToken cancellationToken)
    {
        var hash = InviteCodes.Hash(code);
        var now = DateTime.UtcNow;
        var id = await store.Invites.Where(i => i.CodeHash == hash).Select(i => (Guid?)i.Id).SingleOrDefaultAsync(cancellationToken);
        if (id is null)
        {
            return null;
        }
        var used = await store.Invites.Where(i => i.Id == id && i.UsedAt == null && i.ExpiresAt > now)
            .ExecuteUpdateAsync(set => set.SetProperty(i => i.UsedAt, now).SetProperty(i => i.UsedBy, user), cancellationToken);
        return used == 1 ? id : null;
    }

    public Task ReleaseAsync(Guid id, CancellationToken cancellationToken) =>
        store.Invites.Where(i => i.Id == id)
            .ExecuteUpdateAsync(set => set.SetProperty(i => i.UsedAt, (DateTime?)null).SetProperty(i => i.UsedBy, (string?)null), cancellationToken);

    /// <summary>Unused codes logged at earlier starts: one logged code at a time is enough.</summary>
    public Task DeleteUnusedStartCodesAsync(CancellationToken cancellationToken) =>
        store.Invites.Where(i => i.CreatedBy == null && i.UsedAt == null).ExecuteDeleteAsync(cancellationToken);
}
