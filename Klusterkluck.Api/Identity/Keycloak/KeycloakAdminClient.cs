using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace Klusterkluck.Api.Identity.Keycloak;

/// <summary>
/// The part of Keycloak's admin REST API registration needs: create a user, set their password,
/// and delete them again when the password is refused. Authenticated as the admin client's
/// service account (client-credentials grant).
/// </summary>
internal sealed partial class KeycloakAdminClient(HttpClient http, TokenEndpointClient tokens, IOptions<KeycloakOptions> options,
    ILogger<KeycloakAdminClient> logger)
{
    private readonly KeycloakOptions _keycloak = options.Value;

    public async Task<AuthResult<RegisteredUser>> CreateUserAsync(RegisterRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await CreateUserCoreAsync(request, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or System.Text.Json.JsonException or TaskCanceledException
            && !cancellationToken.IsCancellationRequested)
        {
            LogUnexpected(logger, "register", 0, e.Message);
            return AuthProblem.ProviderUnavailable("Keycloak could not be reached.");
        }
    }

    private async Task<AuthResult<RegisteredUser>> CreateUserCoreAsync(RegisterRequest request, CancellationToken cancellationToken)
    {
        // A fresh service-account token per registration: registrations are rare and rate limited.
        var token = await ServiceAccountTokenAsync(cancellationToken);
        if (token.Problem is { } unavailable)
        {
            return unavailable;
        }

        using var create = Authorized(HttpMethod.Post, _keycloak.AdminUsers, token.Value!);
        create.Content = JsonContent.Create(new NewUser(request.Username, request.Email, Enabled: true, EmailVerified: false));
        using var created = await http.SendAsync(create, cancellationToken);
        if (created.StatusCode == HttpStatusCode.Conflict)
        {
            var message = (await ReadErrorAsync(created, cancellationToken)) ?? "";
            return message.Contains("email", StringComparison.OrdinalIgnoreCase) ? AuthProblem.EmailTaken : AuthProblem.UsernameTaken;
        }
        if (created.StatusCode != HttpStatusCode.Created || created.Headers.Location is null)
        {
            return await Unexpected("create user", created, cancellationToken);
        }
        var user = created.Headers.Location;

        using var setPassword = Authorized(HttpMethod.Put, new Uri(user + "/reset-password"), token.Value!);
        setPassword.Content = JsonContent.Create(new Credential("password", request.Password, Temporary: false));
        using var passwordSet = await http.SendAsync(setPassword, cancellationToken);
        if (passwordSet.IsSuccessStatusCode)
        {
            return new RegisteredUser(request.Username, request.Email, request.Username);
        }

        // Keycloak refused the password (its own password policy, say): the user must not stay half made.
        var reason = await ReadErrorAsync(passwordSet, cancellationToken);
        using var delete = Authorized(HttpMethod.Delete, user, token.Value!);
        using var deleted = await http.SendAsync(delete, cancellationToken);
        LogPasswordRefused(logger, request.Username, (int)passwordSet.StatusCode, reason, (int)deleted.StatusCode);
        return passwordSet.StatusCode == HttpStatusCode.BadRequest
            ? new AuthProblem(StatusCodes.Status400BadRequest, "The password was refused", reason)
            : await Unexpected("set password", passwordSet, cancellationToken);
    }

    private async Task<AuthResult<string>> ServiceAccountTokenAsync(CancellationToken cancellationToken)
    {
        var result = await tokens.RequestAsync(_keycloak.TokenEndpoint, [
            new("grant_type", "client_credentials"),
            new("client_id", _keycloak.Admin.Resource),
            new("client_secret", _keycloak.Admin.Credentials.Secret ?? ""),
        ], AuthProblem.ProviderUnavailable("Keycloak refused the admin client's credentials."), cancellationToken);
        return result.Value is { } token ? token.AccessToken : result.Problem!;
    }

    private static HttpRequestMessage Authorized(HttpMethod method, Uri uri, string token)
    {
        var request = new HttpRequestMessage(method, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private async Task<AuthProblem> Unexpected(string step, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        LogUnexpected(logger, step, (int)response.StatusCode, await ReadErrorAsync(response, cancellationToken));
        return AuthProblem.ProviderUnavailable($"Keycloak's admin API answered {(int)response.StatusCode} to '{step}'.");
    }

    /// <summary>Keycloak's admin errors come as <c>errorMessage</c> or as <c>error</c>/<c>error_description</c>.</summary>
    private static async Task<string?> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var error = await response.Content.ReadFromJsonAsync<ErrorReply>(cancellationToken);
            return error?.ErrorMessage ?? error?.ErrorDescription ?? error?.Error;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or NotSupportedException)
        {
            return null;
        }
    }

    private sealed record NewUser(
        [property: JsonPropertyName("username")] string Username,
        [property: JsonPropertyName("email")] string Email,
        [property: JsonPropertyName("enabled")] bool Enabled,
        [property: JsonPropertyName("emailVerified")] bool EmailVerified);

    private sealed record Credential(
        [property: JsonPropertyName("type")] string Type,
        [property: JsonPropertyName("value")] string Value,
        [property: JsonPropertyName("temporary")] bool Temporary);

    private sealed record ErrorReply(
        [property: JsonPropertyName("errorMessage")] string? ErrorMessage,
        [property: JsonPropertyName("error")] string? Error,
        [property: JsonPropertyName("error_description")] string? ErrorDescription);

    [LoggerMessage(LogLevel.Warning, "Keycloak refused the password of new user {User} ({Status}: {Reason}); deleting the user answered {DeleteStatus}")]
    private static partial void LogPasswordRefused(ILogger logger, string user, int status, string? reason, int deleteStatus);

    [LoggerMessage(LogLevel.Warning, "Keycloak's admin API: {Step} answered {Status}: {Reason}")]
    private static partial void LogUnexpected(ILogger logger, string step, int status, string? reason);
}
