using System.Threading.RateLimiting;
using Klusterkluck.Api.Identity.Embedded;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Klusterkluck.Api.Identity;

/// <summary>Section <c>RateLimits:Auth</c>: how many credential attempts one client address gets per window.</summary>
public sealed class AuthRateLimitOptions
{
    public const string Section = "RateLimits:Auth";

    [System.ComponentModel.DataAnnotations.Range(1, int.MaxValue)]
    public int PermitLimit { get; set; } = 10;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The limiter of one client address: the credential endpoints' policy and git's password checks share it.</summary>
    public FixedWindowRateLimiterOptions PerAddress() => new() { PermitLimit = PermitLimit, Window = Window, QueueLimit = 0 };
}

/// <summary>Against password guessing: register, login, refresh and the token endpoint are limited per client address.</summary>
internal static class AuthRateLimit
{
    public const string Policy = "auth";

    public static IServiceCollection AddAuthRateLimit(this IServiceCollection services)
    {
        services.AddOptions<AuthRateLimitOptions>().BindConfiguration(AuthRateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return services.AddRateLimiter(limiter =>
        {
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var http = context.HttpContext;
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
                await http.WriteProblemAsync(StatusCodes.Status429TooManyRequests, "Too many attempts", "Wait before trying again.");
            };
            limiter.AddPolicy(Policy, http =>
            {
                // The embedded provider's own loopback call to its token endpoint was already
                // counted at the endpoint the client called.
                if (http.RequestServices.GetService<InternalCaller>()?.IsCalling(http) == true)
                {
                    return RateLimitPartition.GetNoLimiter("internal");
                }
                var options = http.RequestServices.GetRequiredService<IOptions<AuthRateLimitOptions>>().Value;
                return RateLimitPartition.GetFixedWindowLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => options.PerAddress());
            });
        });
    }
}
