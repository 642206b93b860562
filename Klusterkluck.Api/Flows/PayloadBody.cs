using System.Text.Json;
using System.Text.Json.Serialization;

namespace Klusterkluck.Api.Flows;

/// <summary>
/// The shown part of a payload, written into the answer as a JSON string straight from its bytes:
/// as UTF-8 text or as base64. Never made a .NET string first: 64 KiB of text is a 128 KB string,
/// on the large object heap, which is only collected with the oldest generation, so that every
/// step read left that much garbage behind for a long while (eight readers of a big run: 100 MB).
/// </summary>
[JsonConverter(typeof(Converter))]
public sealed class PayloadBody(ReadOnlyMemory<byte> shown, bool text)
{
    private sealed class Converter : JsonConverter<PayloadBody>
    {
        public override PayloadBody Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("A payload's body is only ever written.");

        public override void Write(Utf8JsonWriter writer, PayloadBody value, JsonSerializerOptions options)
        {
            if (value._text)
            {
                writer.WriteStringValue(value._shown.Span);
            }
            else
            {
                writer.WriteBase64StringValue(value._shown.Span);
            }
        }
    }

    private readonly ReadOnlyMemory<byte> _shown = shown;

    private readonly bool _text = text;
}
