using Klusterkluck.Api.Runtime;

namespace Klusterkluck.Api.Functions;

/// <summary>
/// One change at a time per function name: a create, deploy or delete runs to its end (store,
/// repository, runtime) before the next one for the same name starts, so a delete cannot remove
/// the repository of a function re-created meanwhile.
/// </summary>
public sealed class FunctionLocks : KeyedLocks<FunctionId>;
