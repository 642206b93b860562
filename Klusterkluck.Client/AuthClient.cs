using System.Net.Http.Json;

namespace Klusterkluck.Client;

/// <summary>/api/v1/auth's calls that need no token: registering, signing in, and renewing a sign-in.</summary>
public sealed class AuthClient(HttpClient http)
{
    public Task<ApiResult<RegisteredUserInfo>> RegisterAsync(NewUser user, CancellationToken cancellationToken = default) =>
        PostAsync<RegisteredUserInfo>("api/v1/auth/register", user, cancellationToken);

    public Task<ApiResult<TokenInfo>> LoginAsync(string username, string password, CancellationToken cancellationToken = default) =>
        PostAsync<TokenInfo>("api/v1/auth/login", new { username, password }, cancellationToken);

    public Task<ApiResult<TokenInfo>> RefreshAsync(string refreshToken, CancellationToken cancellationToken = default) =>
        PostAsync<TokenInfo>("api/v1/auth/refresh", new { refreshToken }, cancellationToken);

    private Task<ApiResult<T>> PostAsync<T>(string path, object body, CancellationToken cancellationToken) =>
        Unanswered.GuardAsync(http, cancellationToken, async () =>
        {
            using var response = await http.PostAsJsonAsync(path, body, PlatformClient.Json, cancellationToken);
            return response.IsSuccessStatusCode
                ? new ApiResult<T>(await response.Content.ReadFromJsonAsync<T>(PlatformClient.Json, cancellationToken), null)
                : new ApiResult<T>(default, await ProblemReader.ReadAsync(response, cancellationToken));
        });
}

public sealed record NewUser(string Username, string Password, string Email, string? Invite = null);

public sealed record RegisteredUserInfo(string Username, string Email, string Tenant);

/// <param name="ExpiresIn">Seconds the access token lasts from now.</param>
public sealed record TokenInfo(string AccessToken, string? RefreshToken, int ExpiresIn, string TokenType);
