namespace Klusterkluck.Api.Functions;

internal static class Shas
{
    /// <summary>A full or abbreviated commit id.</summary>
    public static bool IsValid(string sha) => sha.Length is >= 4 and <= 40 && sha.All(char.IsAsciiHexDigit);
}
