using System.Security.Cryptography;
using System.Text;

namespace Klusterkluck.Connectors.Nats;

/// <summary>JetStream consumer names may not hold whitespace, '.', '*' or '>'; subjects do.</summary>
internal static class ConsumerNames
{
    public static bool IsValid(string name) => name.Length > 0 && !name.Any(c => char.IsWhiteSpace(c) || c is '.' or '*' or '>');

    /// <summary>
    /// A stable name for the subject: the same subject always resumes the same consumer. The hash
    /// keeps subjects that read alike apart (a.b and a_b).
    /// </summary>
    public static string From(string subject)
    {
        var name = new StringBuilder("kk-");
        foreach (var c in subject)
        {
            name.Append(c switch
            {
                '.' => "_",
                '*' => "any",
                '>' => "all",
                _ when char.IsWhiteSpace(c) => "",
                _ => c.ToString(),
            });
        }
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(subject)))[..8];
        return name.Append('-').Append(hash).ToString();
    }
}
