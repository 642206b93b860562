using System.Linq.Expressions;
using System.Reflection;

namespace Klusterkluck.Worker.Runtime.Dotnet;

/// <summary>
/// The return types a handler may have, each turned into the one the runtime awaits: a
/// <see cref="ValueTask{IResult}"/> holding the IResult to execute. A task that is already done
/// is read at once, so a handler that finished synchronously costs no await and no allocation here.
/// </summary>
internal static class HandlerResults
{
    /// <summary>What a handler returning Task or void answered: it wrote the response itself.</summary>
    public static IResult Written { get; } = new WrittenResult();

    /// <summary>The return types, as the errors name them.</summary>
    public const string Accepted = "Task<IResult>, ValueTask<IResult>, IResult, Task<string>, string, Task or void";

    private const string TextType = "text/plain; charset=utf-8";

    public static bool Accepts(Type returnType) => returnType == typeof(void) || Adapter(returnType) is not null;

    /// <summary>The handler's call made a <see cref="ValueTask{IResult}"/>; its type must be one <see cref="Accepts"/> takes.</summary>
    public static Expression Adapt(Expression call)
    {
        if (call.Type == typeof(void))
        {
            return Expression.Block(call, Expression.Call(Of(nameof(FromVoid))));
        }
        var adapter = Adapter(call.Type) ?? throw new ArgumentException($"{call.Type} is not a handler's return type", nameof(call));
        var argument = adapter.GetParameters()[0].ParameterType;
        return Expression.Call(adapter, argument == call.Type ? call : Expression.Convert(call, argument));
    }

    /// <remarks>Task&lt;T&gt; and ValueTask&lt;T&gt; of any IResult type (Ok&lt;T&gt;, Results&lt;…&gt;) are taken as Task&lt;IResult&gt; is.</remarks>
    private static MethodInfo? Adapter(Type type)
    {
        if (type == typeof(Task))
        {
            return Of(nameof(FromTask));
        }
        if (type == typeof(ValueTask))
        {
            return Of(nameof(FromValueTask));
        }
        if (type == typeof(string))
        {
            return Of(nameof(FromText));
        }
        if (type == typeof(Task<string>))
        {
            return Of(nameof(FromTextTask));
        }
        if (typeof(IResult).IsAssignableFrom(type))
        {
            return Of(nameof(FromResult));
        }
        if (type.IsGenericType && typeof(IResult).IsAssignableFrom(type.GenericTypeArguments[0]))
        {
            var definition = type.GetGenericTypeDefinition();
            if (definition == typeof(Task<>))
            {
                return Of(nameof(FromResultTask)).MakeGenericMethod(type.GenericTypeArguments);
            }
            if (definition == typeof(ValueTask<>))
            {
                return Of(nameof(FromResultValueTask)).MakeGenericMethod(type.GenericTypeArguments);
            }
        }
        return null;
    }

    private static MethodInfo Of(string name) => typeof(HandlerResults).GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static)!;

    private static IResult Text(string? text) => Results.Text(text, TextType);

    private static ValueTask<IResult?> FromVoid() => new(Written);

    private static ValueTask<IResult?> FromTask(Task task) => task.IsCompletedSuccessfully ? new(Written) : AwaitTask(task);

    private static async ValueTask<IResult?> AwaitTask(Task task)
    {
        await task;
        return Written;
    }

    private static ValueTask<IResult?> FromValueTask(ValueTask task)
    {
        if (task.IsCompletedSuccessfully)
        {
            // Read even when done: a ValueTask over a pooled source is only released by its result.
            task.GetAwaiter().GetResult();
            return new(Written);
        }
        return AwaitValueTask(task);
    }

    private static async ValueTask<IResult?> AwaitValueTask(ValueTask task)
    {
        await task;
        return Written;
    }

    private static ValueTask<IResult?> FromText(string? text) => new(Text(text));

    private static ValueTask<IResult?> FromTextTask(Task<string> task) => task.IsCompletedSuccessfully ? new(Text(task.Result)) : AwaitText(task);

    private static async ValueTask<IResult?> AwaitText(Task<string> task) => Text(await task);

    private static ValueTask<IResult?> FromResult(IResult? result) => new(result);

    private static ValueTask<IResult?> FromResultTask<T>(Task<T> task) where T : IResult? =>
        task.IsCompletedSuccessfully ? new(task.Result) : AwaitResult(task);

    private static async ValueTask<IResult?> AwaitResult<T>(Task<T> task) where T : IResult? => await task;

    private static ValueTask<IResult?> FromResultValueTask<T>(ValueTask<T> task) where T : IResult? =>
        task.IsCompletedSuccessfully ? new(task.Result) : AwaitResultValueTask(task);

    private static async ValueTask<IResult?> AwaitResultValueTask<T>(ValueTask<T> task) where T : IResult? => await task;

    private sealed class WrittenResult : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => Task.CompletedTask;
    }
}
