namespace Klusterkluck.Api.Limits;

/// <summary>Where a definition crosses limits, and which.</summary>
public sealed class LimitViolations
{
    private readonly Dictionary<string, List<string>> _errors = [];
    private readonly List<string> _details = [];
    private readonly List<string> _keys = [];

    public bool Any => _keys.Count > 0;

    public IEnumerable<string> Details => _details;

    public IEnumerable<string> Keys => _keys;

    public Dictionary<string, string[]> Errors => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray());

    public void Add(string at, string property, string detail)
    {
        if (!_errors.TryGetValue(at, out var list))
        {
            _errors[at] = list = [];
        }
        list.Add($"{detail} ({LimitsOptions.Key(property)})");
        if (!_keys.Contains(LimitsOptions.Key(property)))
        {
            _keys.Add(LimitsOptions.Key(property));
            _details.Add(detail);
        }
    }
}
