using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using OpsConsole.Domain;

namespace OpsConsole.Web.Hosting.Auth;

/// <summary>
/// Password guessing across many accounts from one address: account lock-out cannot see it, a limit per client address
/// can. Only form posts count (the pages themselves load freely); over the limit the answer is a plain 429 with Retry-After.
/// </summary>
public static class SignInRateLimit
{
    public const string Policy = "sign-in";

    public static IServiceCollection AddSignInRateLimit(this IServiceCollection services)
    {
        services.AddValidatedOptions<SignInLimitOptions>(SignInLimitOptions.Section);
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(Policy, http =>
            {
                if (!HttpMethods.IsPost(http.Request.Method))
                    return RateLimitPartition.GetNoLimiter("");
                var options = http.RequestServices.GetRequiredService<IOptions<SignInLimitOptions>>().Value;
                return RateLimitPartition.GetFixedWindowLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = options.SignInPermitLimit, Window = options.SignInWindow, QueueLimit = 0 });
            });
            limiter.OnRejected = async (context, ct) =>
            {
                var response = context.HttpContext.Response;
                response.StatusCode = StatusCodes.Status429TooManyRequests;
                var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
                    ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
                    : (int)Math.Ceiling(context.HttpContext.RequestServices.GetRequiredService<IOptions<SignInLimitOptions>>().Value.SignInWindow.TotalSeconds);
                response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                response.ContentType = "text/plain; charset=utf-8";
                await response.WriteAsync($"Too many sign-in attempts from your address. Try again in {seconds} seconds.", ct);
            };
        });
        return services;
    }
}
