using Klusterkluck.Api.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Klusterkluck.Api.Identity.Embedded;

/// <summary>Password hashing and checking for embedded users (ASP.NET Core Identity's PBKDF2 hasher).</summary>
public sealed class UserPasswords(StoreContext store, IPasswordHasher<User> hasher)
{
    // Checked against when the user does not exist, so that a wrong name costs as long as a wrong password.
    private static readonly User s_nobody = new() { UserName = "-", Email = "-", PasswordHash = "" };
    private static readonly Lazy<string> s_nobodyHash = new(() => new PasswordHasher<User>().HashPassword(s_nobody, "-"));

    public string Hash(User user, string password) => hasher.HashPassword(user, password);

    public async Task<User?> VerifyAsync(string? userName, string? password, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(userName) || string.IsNullOrEmpty(password))
        {
            return null;
        }
        var user = await store.Users.SingleOrDefaultAsync(u => u.UserName == userName, cancellationToken);
        if (user is null)
        {
            hasher.VerifyHashedPassword(s_nobody, s_nobodyHash.Value, password);
            return null;
        }
        switch (hasher.VerifyHashedPassword(user, user.PasswordHash, password))
        {
            case PasswordVerificationResult.Success:
                return user;
            case PasswordVerificationResult.SuccessRehashNeeded:
                user.PasswordHash = hasher.HashPassword(user, password);
                await store.SaveChangesAsync(cancellationToken);
                return user;
            default:
                return null;
        }
    }
}
