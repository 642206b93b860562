using System.Security.Claims;
using Klusterkluck.Api.Limits;
using Klusterkluck.Api.Tenants;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Klusterkluck.Api.Usage;

/// <summary>/api/v1/usage: the caller's own functions' use, never anyone else's.</summary>
public static class UsageEndpoints
{
    /// <summary>How long a range each granularity may span, and its default when no from is given.</summary>
    private static readonly Dictionary<string, (TimeSpan Period, TimeSpan MaxRange, TimeSpan DefaultRange)> s_granularities = new()
    {
        ["minute"] = (TimeSpan.FromMinutes(1), TimeSpan.FromDays(1), TimeSpan.FromHours(1)),
        ["hour"] = (TimeSpan.FromHours(1), TimeSpan.FromDays(31), TimeSpan.FromDays(1)),
        ["day"] = (TimeSpan.FromDays(1), TimeSpan.FromDays(3660), TimeSpan.FromDays(30)),
    };

    public static RouteGroupBuilder MapUsage(this WebApplication app)
    {
        var group = app.MapGroup("/api/v1/usage").WithTags("Usage").RequireAuthorization()
            .AddEndpointFilter(Callers.RequireTenantName).WithLimits();
        group.MapGet("/", GetAsync);
        return group;
    }

    /// <param name="from">Start (ISO 8601; default: to minus an hour, a day or 30 days by granularity); rounded down to a period.</param>
    /// <param name="to">End, exclusive (default: now).</param>
    /// <param name="function">Only this function (a deleted one's past use included).</param>
    /// <param name="granularity">minute (a range of at most a day), hour (31 days, the default) or day.</param>
    private static async Task<Results<Ok<UsageResponse>, ValidationProblem>> GetAsync(ClaimsPrincipal user, StoreContext store,
        TimeProvider time, CancellationToken cancellationToken,
        DateTimeOffset? from = null, DateTimeOffset? to = null, string? function = null, string? granularity = null)
    {
        var problems = new Dictionary<string, string[]>();
        granularity ??= "hour";
        if (!s_granularities.TryGetValue(granularity, out var unit))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["granularity"] = ["granularity is minute, hour or day."] });
        }
        if (function is not null && !FunctionNameAttribute.IsValidName(function))
        {
            problems["function"] = ["Not a function name: a DNS-1123 label of 2 to 40 characters."];
        }
        var end = (to ?? time.GetUtcNow()).UtcDateTime;
        var start = Align((from?.UtcDateTime ?? end - unit.DefaultRange), unit.Period);
        if (start >= end)
        {
            problems["from"] = ["from must be before to."];
        }
        else if (end - start > unit.MaxRange)
        {
            problems["from"] = [$"A {granularity} granularity spans at most {unit.MaxRange.TotalDays:0} day(s): narrow the range or take a coarser granularity."];
        }
        if (problems.Count > 0)
        {
            return TypedResults.ValidationProblem(problems);
        }

        var owner = user.Identity!.Name!;
        var (first, last) = (UsageRecord.MinuteOf(start), UsageRecord.MinuteOf(end - TimeSpan.FromTicks(1)));
        var rows = await store.Usage.AsNoTracking()
            .Where(u => u.Owner == owner && u.Minute >= first && u.Minute <= last && (function == null || u.Function == function))
            .ToListAsync(cancellationToken);
        var minutesPerPeriod = (long)unit.Period.TotalMinutes;
        var periods = rows
            .GroupBy(u => (Start: u.Minute - u.Minute % minutesPerPeriod, u.Function))
            .OrderBy(g => g.Key.Start).ThenBy(g => g.Key.Function, StringComparer.Ordinal)
            .Select(g => new UsagePeriod(UsageRecord.StartOf(g.Key.Start), g.Key.Function, Sum(g)))
            .ToList();
        return TypedResults.Ok(new UsageResponse(start, end, granularity, function, periods, Sum(rows)));
    }

    private static DateTime Align(DateTime utc, TimeSpan period) =>
        new(utc.Ticks - (utc - DateTime.UnixEpoch).Ticks % period.Ticks, DateTimeKind.Utc);

    private static UsageFigures Sum(IEnumerable<UsageRecord> rows)
    {
        long invocations = 0, errors = 0, throttled = 0, micros = 0, bytesIn = 0, bytesOut = 0;
        double replicaSeconds = 0, mibSeconds = 0;
        foreach (var row in rows)
        {
            invocations += row.Invocations;
            errors += row.Errors;
            throttled += row.Throttled;
            micros += row.DurationMicroseconds;
            bytesIn += row.BytesIn;
            bytesOut += row.BytesOut;
            replicaSeconds += row.ReplicaSeconds;
            mibSeconds += row.MemoryMiBSeconds;
        }
        return new UsageFigures(invocations, errors, throttled, micros / 1000.0, bytesIn, bytesOut, Math.Round(replicaSeconds, 3),
            Math.Round(mibSeconds / 1024, 3));
    }
}
