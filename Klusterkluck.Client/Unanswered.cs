using System.Text.Json;

namespace Klusterkluck.Client;

/// <summary>A call that got no usable answer (no connection, no answer in time, an answer that is not the API's JSON) becomes a problem, as a refusal does.</summary>
internal static class Unanswered
{
    public static async Task<ApiResult<T>> GuardAsync<T>(HttpClient http, CancellationToken cancellationToken, Func<Task<ApiResult<T>>> call)
    {
        try
        {
            return await call();
        }
        catch (HttpRequestException e)
        {
            return new(default, ApiProblem.Unreachable(e.Message));
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new(default, ApiProblem.Unreachable($"No answer within {http.Timeout.TotalSeconds:F0} seconds."));
        }
        catch (JsonException e)
        {
            return new(default, ApiProblem.Unreachable($"The answer was not what this client expected: {e.Message}"));
        }
    }
}
