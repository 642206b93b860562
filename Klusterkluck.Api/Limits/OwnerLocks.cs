namespace Klusterkluck.Api.Limits;

/// <summary>
/// One count-then-create at a time per user: two creates at once must not both see room for one
/// more function (or flow) and both be stored.
/// </summary>
public sealed class OwnerLocks : KeyedLocks<string>;
