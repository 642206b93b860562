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
        var rsa = RSA.Create();
        rsa.ImportFromPem(KeyFile.ReadOrCreate(folder, "signing.pem", () =>
        {
            using var created = RSA.Create(2048);
            return created.ExportPkcs8PrivateKeyPem();
        }));
        var encryption = KeyFile.RandomKey(folder, "encryption.key");

        var parameters = rsa.ExportParameters(false);
        var keyId = Base64UrlEncoder.Encode(SHA256.HashData(parameters.Modulus!))[..16];
        return new EmbeddedKeys(new RsaSecurityKey(rsa) { KeyId = keyId }, new SymmetricSecurityKey(encryption));
    }
}
