using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace OpsConsole.Domain;

/// <summary>An options class that checks itself, so that a bad setting stops the console at start, named by its key.</summary>
public interface IValidatedOptions
{
    /// <summary>The first problem, naming the setting by its full key (<c>Drift:Interval</c>); null when the options are usable.</summary>
    string? Problem();
}

/// <summary>
/// The one way options are registered: bound from their section, checked by their own <see cref="IValidatedOptions.Problem"/>,
/// and validated when the host starts, before any background work runs.
/// </summary>
public static class ValidatedOptions
{
    public static OptionsBuilder<T> AddValidatedOptions<T>(this IServiceCollection services, string section) where T : class, IValidatedOptions
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<T>, ProblemValidator<T>>());
        return services.AddOptions<T>().BindConfiguration(section).ValidateOnStart();
    }

    /// <summary>For the few settings needed while services are still being registered, before a container exists to validate them.</summary>
    public static T GetValidated<T>(this IConfiguration configuration, string section) where T : class, IValidatedOptions, new()
    {
        var options = configuration.GetSection(section).Get<T>() ?? new T();
        return options.Problem() is { } problem ? throw new OptionsValidationException(section, typeof(T), [problem]) : options;
    }

    /// <summary>The first non-null problem of <paramref name="problems"/>, which are checked in order.</summary>
    public static string? First(params string?[] problems) => problems.FirstOrDefault(p => p is not null);

    public static string? AtLeast(string key, TimeSpan value, TimeSpan minimum) =>
        value >= minimum ? null : $"{key} must be at least {Describe(minimum)}; it is {value}.";

    public static string? AtLeast(string key, double value, double minimum) =>
        value >= minimum ? null : $"{key} must be at least {minimum}; it is {value}.";

    public static string? Required(string key, string? value, string why) =>
        string.IsNullOrWhiteSpace(value) ? $"{key} is empty: {why}" : null;

    private static string Describe(TimeSpan span) =>
        span == TimeSpan.Zero ? "zero"
        : span < TimeSpan.FromSeconds(1) ? $"{span.TotalMilliseconds} ms"
        : span.TotalSeconds == 1 ? "1 second"
        : $"{span}";

    private sealed class ProblemValidator<T> : IValidateOptions<T> where T : class, IValidatedOptions
    {
        public ValidateOptionsResult Validate(string? name, T options) =>
            options.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }
}
