using System.Text.Json;
using System.Text.Json.Serialization;

namespace Klusterkluck.Api.Identity;

/// <summary>
/// The OAuth 2.0 token endpoint as a client sees it (RFC 6749 section 5): both providers log
/// users in and refresh their tokens through it, the embedded one over loopback.
/// </summary>
public sealed partial class TokenEndpointClient(HttpClient http, ILogger<TokenEndpointClient> logger)
{
    /// <summary>Posts a grant; an <c>invalid_grant</c> answer becomes <paramref name="onInvalidGrant"/>.</summary>
    public async Task<AuthResult<TokenResponse>> RequestAsync(Uri endpoint, IEnumerable<KeyValuePair<string, string>> form,
        AuthProblem onInvalidGrant, CancellationToken cancellationToken, Action<HttpRequestMessage>? decorate = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new FormUrlEncodedContent(form) };
        decorate?.Invoke(request);
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            var reply = await response.Content.ReadFromJsonAsync<Reply>(cancellationToken);
            if (response.IsSuccessStatusCode && reply?.AccessToken is { Length: > 0 } accessToken)
            {
                return new TokenResponse(accessToken, reply.RefreshToken, reply.ExpiresIn ?? 0, reply.TokenType ?? "Bearer");
            }
            if (reply?.Error == "invalid_grant")
            {
                return onInvalidGrant;
            }
            LogRefused(logger, endpoint, (int)response.StatusCode, reply?.Error, reply?.ErrorDescription);
            return AuthProblem.ProviderUnavailable($"The token endpoint answered {(int)response.StatusCode} {reply?.Error}".TrimEnd());
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or NotSupportedException or TaskCanceledException
            && !cancellationToken.IsCancellationRequested)
        {
            LogUnreachable(logger, endpoint, e.Message);
            return AuthProblem.ProviderUnavailable("The token endpoint could not be reached.");
        }
    }

    private sealed record Reply(
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("refresh_token")] string? RefreshToken,
        [property: JsonPropertyName("expires_in")] int? ExpiresIn,
        [property: JsonPropertyName("token_type")] string? TokenType,
        [property: JsonPropertyName("error")] string? Error,
        [property: JsonPropertyName("error_description")] string? ErrorDescription);

    [LoggerMessage(LogLevel.Warning, "Token endpoint {Endpoint} refused a grant: {Status} {Error} {Description}")]
    private static partial void LogRefused(ILogger logger, Uri endpoint, int status, string? error, string? description);

    [LoggerMessage(LogLevel.Warning, "Token endpoint {Endpoint} unreachable: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, Uri endpoint, string reason);
}
