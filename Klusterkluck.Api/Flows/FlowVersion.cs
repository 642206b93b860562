namespace Klusterkluck.Api.Flows;

/// <summary>
/// A flow's version as an entity tag: its last change's time in microseconds (what PostgreSQL
/// keeps of a timestamp, so the tag read back is the tag written). GET answers it as <c>ETag</c>,
/// and a PUT with <c>If-Match</c> saves only over that version: two editors of one flow cannot
/// silently overwrite each other.
/// </summary>
public static class FlowVersion
{
    public static string Of(Flow flow) => $"\"{flow.UpdatedAt.Ticks / 10}\"";

    /// <summary>The <c>If-Match</c> tag, or null when the request has none (or <c>*</c>: any version).</summary>
    public static string? Expected(HttpRequest request) =>
        request.Headers.IfMatch.ToString().Trim() is { Length: > 0 } tag && tag != "*" ? tag : null;
}
