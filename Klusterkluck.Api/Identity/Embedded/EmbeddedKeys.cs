using System.Security.Cryptography;
using Klusterkluck.Api.Hosting;
using Microsoft.IdentityModel.Tokens;

namespace Klusterkluck.Api.Identity.Embedded;

/// <summary>
/// The embedded server's keys, kept in <c>{data}/keys/</c> so that tokens issued before a
/// restart stay valid after it: an RSA key signs access tokens (published in the JWKS), a
/// symmetric key encrypts refresh tokens (which only this server reads).
/// </summary>
public sealed class EmbeddedKeys
{
    private EmbeddedKeys(RsaSecurityKey signing, SymmetricSecurityKey encryption)
    {
        Signing = signing;
        Encryption = encryption;
    }

    public RsaSecurityKey Signing { get; }

    public SymmetricSecurityKey Encryption { get; }

    public static EmbeddedKeys LoadOrCreate(DataFolder folder)
    {
        var keys = folder.Combine("keys");
        Directory.CreateDirectory(keys, KeyFile.OwnerOnly | UnixFileMode.UserExecute);

        var rsa = RSA.Create();
        rsa.ImportFromPem(KeyFile.ReadOrCreate(Path.Combine(keys, "signing.pem"), () =>
        {
            using var created = RSA.Create(2048);
            return created.ExportPkcs8PrivateKeyPem();
        }));
        var encryption = Convert.FromBase64String(KeyFile.ReadOrCreate(Path.Combine(keys, "encryption.key"),
            () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))));

        var parameters = rsa.ExportParameters(false);
        var keyId = Base64UrlEncoder.Encode(SHA256.HashData(parameters.Modulus!))[..16];
        return new EmbeddedKeys(new RsaSecurityKey(rsa) { KeyId = keyId }, new SymmetricSecurityKey(encryption));
    }
}
