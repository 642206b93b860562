using Microsoft.AspNetCore.Http.HttpResults;

namespace Klusterkluck.Api.Runtime;

/// <summary>How many recent lines one read of a function's or a connector's output returns (<c>?lines=</c>).</summary>
public static class LogLines
{
    public const int Default = 200;

    public const int Max = 10_000;

    /// <summary>The 400 for a count out of range, or null when it is fine (or not given).</summary>
    public static ProblemHttpResult? Refusal(int? lines) => lines is < 1 or > Max
        ? TypedResults.Problem($"lines must be between 1 and {Max}.", statusCode: StatusCodes.Status400BadRequest, title: "Bad lines")
        : null;
}
