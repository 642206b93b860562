using Microsoft.AspNetCore.Http.HttpResults;

namespace Klusterkluck.Api.Identity;

/// <summary>Why an identity operation failed, already in the words and status the client gets.</summary>
public sealed record AuthProblem(int Status, string Title, string? Detail = null)
{
    public static readonly AuthProblem InvalidCredentials = new(StatusCodes.Status401Unauthorized, "Invalid username or password");

    public static readonly AuthProblem InvalidRefreshToken = new(StatusCodes.Status401Unauthorized, "The refresh token is invalid or expired");

    public static readonly AuthProblem UsernameTaken = new(StatusCodes.Status409Conflict, "The username is taken");

    public static readonly AuthProblem EmailTaken = new(StatusCodes.Status409Conflict, "The email address is already registered");

    public static AuthProblem ProviderUnavailable(string detail) =>
        new(StatusCodes.Status502BadGateway, "The identity provider did not answer as expected", detail);

    public ProblemHttpResult ToResult() => TypedResults.Problem(Detail, statusCode: Status, title: Title);
}

/// <summary>A value or the problem that prevented it.</summary>
public readonly record struct AuthResult<T>(T? Value, AuthProblem? Problem)
    where T : class
{
    public static implicit operator AuthResult<T>(T value) => new(value, null);

    public static implicit operator AuthResult<T>(AuthProblem problem) => new(null, problem);
}
