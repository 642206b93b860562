using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Klusterkluck.Api.Tests.Infrastructure;

/// <summary>
/// Keycloak cannot run here, so this is a faithful HTTP double of the endpoints the Api and a web
/// console use, with Keycloak's paths, status codes and error bodies: the realm's discovery
/// document and JWKS, its token endpoint (password, refresh-token, client-credentials and
/// authorization-code grants) issuing RS256 JWTs with Keycloak's claims, its browser login
/// (KeycloakDouble.Login.cs), userinfo and logout, and the admin REST API's create-user,
/// reset-password and delete-user. Configured from deploy/keycloak's realm export.
/// </summary>
public sealed partial class KeycloakDouble : IAsyncDisposable
{
    private readonly RsaSecurityKey _key = new(RSA.Create(2048)) { KeyId = "double-rs256" };
    private readonly ConcurrentDictionary<string, DoubleUser> _users = new();
    private readonly ConcurrentDictionary<string, Grant> _refreshTokens = new();
    private readonly ConcurrentDictionary<string, bool> _adminTokens = new();
    private LoopbackServer? _server;

    private KeycloakDouble(RealmExport realm) => Realm = realm;

    public RealmExport Realm { get; }

    public string BaseUrl => _server!.BaseUrl;

    public string Issuer => $"{BaseUrl}/realms/{Realm.Realm}";

    public sealed record DoubleUser(string Id, string Username, string Email)
    {
        public string? Password { get; set; }
    }

    /// <param name="configure">Changes an operator would make to the realm in Keycloak's console (another redirect URI, say).</param>
    public static async Task<KeycloakDouble> StartAsync(Func<RealmExport, RealmExport>? configure = null)
    {
        var realm = RealmExport.Load();
        var keycloak = new KeycloakDouble(configure is null ? realm : configure(realm));
        keycloak._server = await LoopbackServer.StartAsync(keycloak.Map);
        return keycloak;
    }

    /// <summary>The environment that points the Api at this Keycloak, as an operator would set it.</summary>
    public Dictionary<string, string> ApiEnvironment() => new()
    {
        ["Identity__Provider"] = "Keycloak",
        ["Keycloak__realm"] = Realm.Realm,
        ["Keycloak__auth-server-url"] = BaseUrl,
        ["Keycloak__resource"] = Realm.LoginClient,
        ["Keycloak__ssl-required"] = "external",
        ["Keycloak__verify-token-audience"] = "true",
        ["Keycloak__admin__resource"] = Realm.AdminClient,
        ["Keycloak__admin__credentials__secret"] = Realm.AdminSecret,
    };

    public DoubleUser? FindUser(string username) => _users.Values.SingleOrDefault(u => u.Username == username);

    /// <summary>A user made in Keycloak's console, not through the Api.</summary>
    public void AddUser(string username, string password)
    {
        var id = Guid.NewGuid().ToString();
        _users[id] = new DoubleUser(id, username, $"{username}@example.com") { Password = password };
    }

    /// <summary>An access token as Keycloak would issue it to <paramref name="username"/>, each part open to being made wrong.</summary>
    public string AccessToken(string username, string? audience = null, bool foreignKey = false, TimeSpan? validFor = null)
    {
        var user = FindUser(username) ?? new DoubleUser(Guid.NewGuid().ToString(), username, $"{username}@example.com");
        return Sign(UserClaims(user, audience), validFor ?? TimeSpan.FromSeconds(Realm.AccessTokenLifespan),
            foreignKey ? new RsaSecurityKey(RSA.Create(2048)) { KeyId = _key.KeyId } : _key);
    }

    private void Map(WebApplication app)
    {
        var realm = $"/realms/{Realm.Realm}";
        app.MapGet($"{realm}/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = Issuer,
            ["authorization_endpoint"] = $"{Issuer}/protocol/openid-connect/auth",
            ["token_endpoint"] = $"{Issuer}/protocol/openid-connect/token",
            ["userinfo_endpoint"] = $"{Issuer}/protocol/openid-connect/userinfo",
            ["end_session_endpoint"] = $"{Issuer}/protocol/openid-connect/logout",
            ["jwks_uri"] = $"{Issuer}/protocol/openid-connect/certs",
            ["grant_types_supported"] = new[] { "authorization_code", "refresh_token", "password", "client_credentials", "urn:ietf:params:oauth:grant-type:token-exchange" },
            ["response_types_supported"] = new[] { "code", "none", "id_token", "token", "id_token token", "code id_token", "code token", "code id_token token" },
            ["response_modes_supported"] = new[] { "query", "fragment", "form_post" },
            ["subject_types_supported"] = new[] { "public", "pairwise" },
            ["scopes_supported"] = new[] { "openid", "profile", "email", "offline_access", "roles" },
            ["claims_supported"] = new[] { "aud", "sub", "iss", "auth_time", "name", "given_name", "family_name", "preferred_username", "email", "acr" },
            ["code_challenge_methods_supported"] = new[] { "plain", "S256" },
            ["token_endpoint_auth_methods_supported"] = new[] { "private_key_jwt", "client_secret_basic", "client_secret_post", "tls_client_auth", "client_secret_jwt" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            ["authorization_response_iss_parameter_supported"] = true,
        }));
        app.MapGet($"{realm}/protocol/openid-connect/certs", () =>
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(_key.Rsa.ExportParameters(false)) { KeyId = _key.KeyId });
            return Results.Json(new { keys = new[] { new { kid = jwk.Kid, kty = jwk.Kty, alg = "RS256", use = "sig", n = jwk.N, e = jwk.E } } });
        });
        app.MapPost($"{realm}/protocol/openid-connect/token", TokenAsync);
        MapBrowserLogin(app, realm);
        app.MapPost($"/admin{realm}/users", CreateUserAsync);
        app.MapPut($"/admin{realm}/users/{{id}}/reset-password", ResetPasswordAsync);
        app.MapDelete($"/admin{realm}/users/{{id}}", (string id, HttpContext http) =>
            !IsAdmin(http) ? Results.Unauthorized() : _users.TryRemove(id, out _) ? Results.NoContent() : NotFound());
    }

    private async Task<IResult> TokenAsync(HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        string Field(string name) => form[name].ToString();
        switch (Field("grant_type"))
        {
            case "password":
                if (Realm.Client(Field("client_id")) is not { PublicClient: true } client)
                {
                    return OAuthError(401, "unauthorized_client", "Invalid client or Invalid client credentials");
                }
                if (!client.DirectAccessGrants)
                {
                    return OAuthError(400, "unauthorized_client", "Client not allowed for direct access grants");
                }
                var user = FindUser(Field("username"));
                if (user?.Password is null || user.Password != Field("password"))
                {
                    return OAuthError(401, "invalid_grant", "Invalid user credentials");
                }
                return Tokens(user, new Grant(client, Scope(Field("scope")), null, NewId()));
            case "refresh_token":
                if (!_refreshTokens.TryGetValue(Field("refresh_token"), out var grant) || !_users.TryGetValue(grant.UserId, out var owner))
                {
                    return OAuthError(400, "invalid_grant", "Invalid refresh token");
                }
                return Field("client_id") is { Length: > 0 } refreshing && refreshing != grant.Client.ClientId
                    ? OAuthError(400, "invalid_grant", "Invalid refresh token. Token client and authorized client don't match")
                    : Tokens(owner, grant);
            case "authorization_code":
                return RedeemCode(Field("client_id"), Field("code"), Field("redirect_uri"), Field("code_verifier"));
            case "client_credentials":
                if (Field("client_id") != Realm.AdminClient || Field("client_secret") != Realm.AdminSecret)
                {
                    return OAuthError(401, "unauthorized_client", "Invalid client or Invalid client credentials");
                }
                var token = Sign(new Dictionary<string, object>
                {
                    ["sub"] = Guid.NewGuid().ToString(),
                    ["azp"] = Realm.AdminClient,
                    ["preferred_username"] = $"service-account-{Realm.AdminClient}",
                    ["resource_access"] = new Dictionary<string, object> { ["realm-management"] = new Dictionary<string, object> { ["roles"] = Realm.AdminRealmManagementRoles } },
                }, TimeSpan.FromSeconds(Realm.AccessTokenLifespan), _key);
                _adminTokens[token] = Realm.AdminRealmManagementRoles.Contains("manage-users");
                return Results.Json(new { access_token = token, expires_in = Realm.AccessTokenLifespan, token_type = "Bearer", scope = "profile email" });
            case "urn:ietf:params:oauth:grant-type:token-exchange":
                return Exchange(Field("client_id"), Field("client_secret"), Field("requested_subject"), Field("audience"));
            default:
                return OAuthError(400, "unsupported_grant_type", "Unsupported grant_type");
        }
    }

    /// <summary>
    /// Token exchange without a subject token ("direct naked impersonation"): only a confidential
    /// client allowed to impersonate (here: whose service account holds realm-management's
    /// impersonation role) gets a token for another user, named by username or id.
    /// </summary>
    private IResult Exchange(string clientId, string secret, string subject, string audience)
    {
        if (clientId != Realm.AdminClient || secret != Realm.AdminSecret)
        {
            return OAuthError(401, "unauthorized_client", "Invalid client or Invalid client credentials");
        }
        if (!Realm.AdminRealmManagementRoles.Contains("impersonation"))
        {
            return OAuthError(403, "access_denied", "Client not allowed to exchange");
        }
        var user = FindUser(subject) ?? (_users.TryGetValue(subject, out var byId) ? byId : null);
        if (user is null)
        {
            return OAuthError(400, "invalid_token", "Invalid token");
        }
        var claims = UserClaims(user, audience.Length > 0 ? audience : null);
        claims["azp"] = clientId;
        Exchanged.Add(user.Username);
        return Results.Json(new
        {
            access_token = Sign(claims, TimeSpan.FromSeconds(Realm.AccessTokenLifespan), _key),
            expires_in = Realm.AccessTokenLifespan,
            token_type = "Bearer",
            issued_token_type = "urn:ietf:params:oauth:token-type:access_token",
        });
    }

    /// <summary>The users a token was exchanged for, in order.</summary>
    public ConcurrentBag<string> Exchanged { get; } = [];

    private async Task<IResult> CreateUserAsync(HttpRequest request)
    {
        if (!IsAdmin(request.HttpContext))
        {
            return Results.Json(new { error = "HTTP 403 Forbidden" }, statusCode: 403);
        }
        var body = await request.ReadFromJsonAsync<JsonElement>();
        var username = body.GetProperty("username").GetString()!.ToLowerInvariant();
        var email = body.GetProperty("email").GetString()!;
        if (_users.Values.Any(u => u.Username == username))
        {
            return Results.Json(new { errorMessage = "User exists with same username" }, statusCode: 409);
        }
        if (_users.Values.Any(u => string.Equals(u.Email, email, StringComparison.OrdinalIgnoreCase)))
        {
            return Results.Json(new { errorMessage = "User exists with same email" }, statusCode: 409);
        }
        var id = Guid.NewGuid().ToString();
        _users[id] = new DoubleUser(id, username, email);
        return Results.Created($"{BaseUrl}/admin/realms/{Realm.Realm}/users/{id}", null);
    }

    private async Task<IResult> ResetPasswordAsync(string id, HttpContext http)
    {
        if (!IsAdmin(http))
        {
            return Results.Json(new { error = "HTTP 403 Forbidden" }, statusCode: 403);
        }
        if (!_users.TryGetValue(id, out var user))
        {
            return NotFound();
        }
        var password = (await http.Request.ReadFromJsonAsync<JsonElement>()).GetProperty("value").GetString() ?? "";
        if (password.Length < Realm.PasswordMinLength)
        {
            return OAuthError(400, "invalidPasswordMinLengthMessage", $"Invalid password: minimum length {Realm.PasswordMinLength}.");
        }
        if (password.Count(char.IsAsciiDigit) < Realm.PasswordMinDigits)
        {
            return OAuthError(400, "invalidPasswordMinDigitsMessage", $"Invalid password: must contain at least {Realm.PasswordMinDigits} numerical digits.");
        }
        user.Password = password;
        return Results.NoContent();
    }

    private bool IsAdmin(HttpContext http) =>
        http.Request.Headers.Authorization.ToString() is { } header && header.StartsWith("Bearer ", StringComparison.Ordinal)
        && _adminTokens.TryGetValue(header["Bearer ".Length..], out var canManage) && canManage;

    /// <summary>What a refresh token stands for: the user, the client, the scopes and the login's nonce and session.</summary>
    private sealed record Grant(RealmClient Client, string Scope, string? Nonce, string SessionId)
    {
        public string UserId { get; init; } = "";
    }

    /// <summary>Keycloak's default scopes, and openid when asked for.</summary>
    private static string Scope(string requested) =>
        requested.Split(' ').Contains("openid") ? "openid profile email" : "profile email";

    private static string NewId() => Guid.NewGuid().ToString();

    private IResult Tokens(DoubleUser user, Grant grant)
    {
        grant = grant with { UserId = user.Id };
        var refresh = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        _refreshTokens[refresh] = grant;
        var accessToken = Sign(UserClaims(user, null, grant.Client), TimeSpan.FromSeconds(Realm.AccessTokenLifespan), _key);
        var response = new Dictionary<string, object>
        {
            ["access_token"] = accessToken,
            ["expires_in"] = Realm.AccessTokenLifespan,
            ["refresh_expires_in"] = 1800,
            ["refresh_token"] = refresh,
            ["token_type"] = "Bearer",
            ["not-before-policy"] = 0,
            ["session_state"] = grant.SessionId,
            ["scope"] = grant.Scope,
        };
        if (grant.Scope.Split(' ').Contains("openid"))
        {
            response["id_token"] = IdToken(user, grant, accessToken);
        }
        return Results.Json(response);
    }

    private Dictionary<string, object> UserClaims(DoubleUser user, string? audience, RealmClient? client = null)
    {
        var resourceAccess = Realm.DefaultClientRoles.ToDictionary(c => c.Key, c => (object)new Dictionary<string, object> { ["roles"] = c.Value });
        return new Dictionary<string, object>
        {
            ["sub"] = user.Id,
            ["typ"] = "Bearer",
            ["azp"] = client?.ClientId ?? Realm.LoginClient,
            ["aud"] = audience is null ? [.. client?.Audiences ?? Realm.LoginAudiences, "account"] : new[] { audience },
            ["preferred_username"] = user.Username,
            ["email"] = user.Email,
            ["email_verified"] = false,
            ["realm_access"] = new Dictionary<string, object> { ["roles"] = Realm.DefaultRealmRoles },
            ["resource_access"] = resourceAccess,
        };
    }

    private string Sign(Dictionary<string, object> claims, TimeSpan validFor, RsaSecurityKey key)
    {
        var now = DateTime.UtcNow;
        var expires = now + validFor;
        var issuedAt = validFor > TimeSpan.Zero ? now : expires.AddMinutes(-5);
        claims["jti"] = Guid.NewGuid().ToString();
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            IssuedAt = issuedAt,
            NotBefore = issuedAt,
            Expires = expires,
            Claims = claims,
            Subject = new ClaimsIdentity(),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
    }

    private static IResult OAuthError(int status, string error, string description) =>
        Results.Json(new { error, error_description = description }, statusCode: status);

    private static IResult NotFound() => Results.Json(new { error = "User not found" }, statusCode: 404);

    public async ValueTask DisposeAsync() => await _server!.DisposeAsync();
}
