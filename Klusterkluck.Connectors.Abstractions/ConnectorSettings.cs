using System.Globalization;
using System.Text.RegularExpressions;

namespace Klusterkluck.Connectors;

/// <summary>
/// The values of a connector's declared variables, defaults applied, already checked against
/// their <see cref="VariableFormat"/>: the typed getters never fail for a value that passed.
/// </summary>
public sealed partial class ConnectorSettings
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly List<string> _problems = [];

    /// <summary>Reads <paramref name="variables"/> through <paramref name="read"/> (the environment, in the host).</summary>
    public ConnectorSettings(IEnumerable<ConnectorVariable> variables, Func<string, string?> read)
    {
        ArgumentNullException.ThrowIfNull(variables);
        ArgumentNullException.ThrowIfNull(read);
        foreach (var variable in variables)
        {
            var value = read(variable.Name);
            if (string.IsNullOrWhiteSpace(value))
            {
                value = variable.Default;
            }
            if (string.IsNullOrWhiteSpace(value))
            {
                if (variable.Required)
                {
                    _problems.Add($"{variable.Name} is required ({variable.Description})");
                }
                continue;
            }
            value = value.Trim();
            if (FormatProblem(variable, value) is { } problem)
            {
                _problems.Add(problem);
                continue;
            }
            _values[variable.Name] = value;
        }
    }

    /// <summary>Every missing required variable and every malformed value, one sentence each.</summary>
    public IReadOnlyList<string> Problems => _problems;

    /// <summary>Whether <paramref name="name"/> has a value (set, or defaulted).</summary>
    public bool Has(string name) => _values.ContainsKey(name);

    /// <summary>The value of <paramref name="name"/>, or null when it is unset and has no default.</summary>
    public string? Get(string name) => _values.GetValueOrDefault(name);

    /// <summary>The value of a <see cref="VariableFormat.Url"/> variable.</summary>
    public Uri? GetUrl(string name) => Get(name) is { } value ? new Uri(value, UriKind.Absolute) : null;

    /// <summary>The value of a <see cref="VariableFormat.Duration"/> variable.</summary>
    public TimeSpan? GetDuration(string name) => Get(name) is { } value ? ParseDuration(value) : null;

    /// <summary>The value of a <see cref="VariableFormat.PositiveInteger"/> variable.</summary>
    public int? GetInteger(string name) => Get(name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : null;

    /// <summary>The value of a <see cref="VariableFormat.Boolean"/> variable.</summary>
    public bool? GetBoolean(string name) => Get(name) is { } value ? bool.Parse(value) : null;

    /// <summary>
    /// Parses a duration in the grammar of <see cref="VariableFormat.Duration"/> (the same as
    /// <c>timeout</c> in klusterkluck.yaml); null when <paramref name="text"/> is not one.
    /// </summary>
    public static TimeSpan? ParseDuration(string text)
    {
        var match = DurationPattern().Match(text);
        if (!match.Success || !double.TryParse(match.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
        {
            return null;
        }
        var milliseconds = amount * match.Groups[2].Value switch
        {
            "ms" => 1,
            "m" => 60_000,
            "h" => 3_600_000,
            _ => 1_000,
        };
        // Timers and delays in .NET stop at about 49 days; nothing here needs more than 30.
        return milliseconds <= MaxDuration.TotalMilliseconds ? TimeSpan.FromMilliseconds(milliseconds) : null;
    }

    /// <summary>The longest <see cref="VariableFormat.Duration"/> accepted: 720h (30 days).</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(30);

    private static string? FormatProblem(ConnectorVariable variable, string value) => variable.Format switch
    {
        VariableFormat.Url when !Uri.TryCreate(value, UriKind.Absolute, out _) =>
            $"{variable.Name} must be an absolute URL, not '{value}'",
        VariableFormat.Duration when ParseDuration(value) is not { } duration || duration <= TimeSpan.Zero =>
            $"{variable.Name} must be a positive duration such as 250ms, 10s, 5m or 1h (at most 720h), not '{value}'",
        VariableFormat.PositiveInteger when !int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1 =>
            $"{variable.Name} must be a whole number of at least 1, not '{value}'",
        VariableFormat.Boolean when !bool.TryParse(value, out _) =>
            $"{variable.Name} must be true or false, not '{value}'",
        _ => null,
    };

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)(ms|s|m|h)?$")]
    private static partial Regex DurationPattern();
}
