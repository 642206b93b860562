namespace Klusterkluck.Api.Hosting;

public static class ConfigurationPeek
{
    /// <summary>
    /// A section read while the Api is being built, to decide what to register. Lenient: a value
    /// that does not bind gives the defaults here, and the options validation at start then stops
    /// the Api with that error in one line.
    /// </summary>
    public static T Peek<T>(this IConfiguration configuration, string section)
        where T : new()
    {
        try
        {
            return configuration.GetSection(section).Get<T>() ?? new T();
        }
        catch (InvalidOperationException)
        {
            return new T();
        }
    }
}
