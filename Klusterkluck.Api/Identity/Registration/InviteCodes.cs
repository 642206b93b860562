using System.Security.Cryptography;
using System.Text;

namespace Klusterkluck.Api.Identity.Registration;

/// <summary>
/// Invite codes: 128 random bits (base64url, 22 characters), too many to guess through the
/// rate-limited register endpoint. High entropy is why a plain SHA-256 is enough to store them:
/// there is no small space of likely codes to hash and compare.
/// </summary>
internal static class InviteCodes
{
    public static string New() => Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16));

    public static string Hash(string code) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(code.Trim())));
}
