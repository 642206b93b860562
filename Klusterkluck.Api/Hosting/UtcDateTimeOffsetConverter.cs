using System.Text.Json;
using System.Text.Json.Serialization;

namespace Klusterkluck.Api.Hosting;

/// <summary>
/// Every time the Api answers is UTC, written with Z, as its DateTimes are: a commit's time (kept
/// with its author's offset) and a log line's time would otherwise end in +02:00 or +00:00.
/// </summary>
internal sealed class UtcDateTimeOffsetConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime);
}
