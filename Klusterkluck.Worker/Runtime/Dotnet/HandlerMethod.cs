using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;
using Klusterkluck.Functions;

namespace Klusterkluck.Worker.Runtime.Dotnet;

/// <summary>
/// Finds the handler in the function's assembly: the one public class named Function (any
/// namespace), and its one public HandleAsync or Handle, static or not, whose parameters are any
/// of HttpRequest, HttpContext and CancellationToken and whose return type is one of
/// <see cref="HandlerResults.Accepted"/>. Each mistake is one line that says what was expected.
/// </summary>
internal sealed class HandlerMethod
{
    private const string TypeName = "Function";
    private static readonly string[] s_names = ["HandleAsync", "Handle"];
    private static readonly Type[] s_parameters = [typeof(HttpRequest), typeof(HttpContext), typeof(CancellationToken)];
    private const string Expected = "Function.HandleAsync(HttpRequest) returning Task<IResult>";
    private const string Shapes = $"(parameters may be HttpRequest, HttpContext, CancellationToken; it may return {HandlerResults.Accepted})";

    private readonly Type _type;
    private readonly MethodInfo _method;
    private readonly string _file;

    private HandlerMethod(Type type, MethodInfo method, string file)
    {
        _type = type;
        _method = method;
        _file = file;
    }

    public string Name => $"{TypeName}.{_method.Name}";

    /// <param name="file">The assembly's file name, as the errors name it.</param>
    public static HandlerMethod Find(Assembly assembly, string file)
    {
        var types = assembly.GetExportedTypes().Where(type => type is { Name: TypeName, IsClass: true, IsNested: false }).ToList();
        return types switch
        {
            [var one] => In(one, file),
            [] => throw new WorkerStartupException(
                $"{Expected} not found in {file}: it has no public class named {TypeName}"),
            _ => throw new WorkerStartupException(
                $"{file} has {types.Count} public classes named {TypeName} ({string.Join(", ", types.Select(t => t.FullName))}); it must have one"),
        };
    }

    /// <summary>The handler of <paramref name="type"/>, the function's class <see cref="Find"/> picked.</summary>
    public static HandlerMethod In(Type type, string file)
    {
        var named = type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
            .Where(method => s_names.Contains(method.Name))
            .OrderBy(method => method.Name, StringComparer.Ordinal)
            .ToList();
        var fitting = named.Where(Fits).ToList();
        switch (fitting)
        {
            case [var one]:
                return new HandlerMethod(type, one, file).CheckConstructible();
            case []:
                var found = named.Count == 0
                    ? $"{TypeName} has no public HandleAsync or Handle"
                    : $"{string.Join(", ", named.Select(Describe))} does not fit";
                throw new WorkerStartupException($"{Expected} not found in {file}: {found} {Shapes}");
            default:
                throw new WorkerStartupException(
                    $"{TypeName} in {file} has {fitting.Count} handlers ({string.Join(", ", fitting.Select(Describe))}); it must have one");
        }
    }

    /// <summary>
    /// Runs the class's static constructor and, for an instance handler, its public parameterless
    /// constructor, once; then compiles the call. The function's code first runs here, so a
    /// constructor that throws fails the start instead of every request.
    /// </summary>
    public Handler Bind()
    {
        try
        {
            RuntimeHelpers.RunClassConstructor(_type.TypeHandle);
        }
        catch (TypeInitializationException ex)
        {
            throw Threw("static constructor", ex.InnerException ?? ex);
        }
        object? instance = null;
        if (!_method.IsStatic)
        {
            try
            {
                instance = _type.GetConstructor(Type.EmptyTypes)!.Invoke(BindingFlags.DoNotWrapExceptions, null, [], CultureInfo.InvariantCulture);
            }
            catch (Exception ex)
            {
                throw Threw("constructor", ex);
            }
        }
        return new Handler(Name, instance, Compile(instance));
    }

    private WorkerStartupException Threw(string what, Exception error) =>
        new($"{TypeName}'s {what} (in {_file}) threw {error.GetType().Name}: {OneLine.Of(error.Message)}", error);

    /// <summary>(context, cancellationToken) => Adapt(target.Method(arguments in the method's order)).</summary>
    private Handler.Invoker Compile(object? instance)
    {
        var context = Expression.Parameter(typeof(HttpContext), "context");
        var cancellationToken = Expression.Parameter(typeof(CancellationToken), "cancellationToken");
        var arguments = _method.GetParameters().Select(parameter =>
            parameter.ParameterType == typeof(HttpContext) ? context
            : parameter.ParameterType == typeof(HttpRequest) ? Expression.Property(context, nameof(HttpContext.Request))
            : (Expression)cancellationToken);
        var target = instance is null ? null : Expression.Constant(instance, _type);
        var call = Expression.Call(target, _method, arguments);
        return Expression.Lambda<Handler.Invoker>(HandlerResults.Adapt(call), context, cancellationToken).Compile();
    }

    private HandlerMethod CheckConstructible()
    {
        if (!_method.IsStatic && (_type.IsAbstract || _type.GetConstructor(Type.EmptyTypes) is null))
        {
            throw new WorkerStartupException(
                $"{TypeName} in {_file} needs a public parameterless constructor: the worker makes one {TypeName} when it starts and calls its {_method.Name} (or make {_method.Name} static)");
        }
        return this;
    }

    private static bool Fits(MethodInfo method) =>
        !method.IsGenericMethodDefinition
        && method.GetParameters().All(parameter => s_parameters.Contains(parameter.ParameterType))
        && HandlerResults.Accepts(method.ReturnType);

    /// <summary>"Function.HandleAsync(String) returning Task&lt;Object&gt;".</summary>
    private static string Describe(MethodInfo method) =>
        $"{TypeName}.{method.Name}({string.Join(", ", method.GetParameters().Select(p => Describe(p.ParameterType)))}) returning {Describe(method.ReturnType)}";

    private static string Describe(Type type) =>
        type == typeof(void) ? "void"
        : type.IsGenericType ? $"{type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)]}<{string.Join(", ", type.GenericTypeArguments.Select(Describe))}>"
        : type.Name;
}
