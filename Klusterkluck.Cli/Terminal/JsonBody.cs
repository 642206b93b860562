using System.Text.Json;

namespace Klusterkluck.Cli.Terminal;

/// <summary>Whether a body kk sends is JSON, so it goes as application/json unless told otherwise.</summary>
public static class JsonBody
{
    public static bool Is(byte[] body)
    {
        var first = body.SkipWhile(b => b is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t').FirstOrDefault();
        if (first is not ((byte)'{' or (byte)'['))
        {
            return false;
        }
        try
        {
            using var _ = JsonDocument.Parse(body);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
