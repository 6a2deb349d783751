namespace OpsConsole.Tests.Support;

/// <summary>Waits for a condition with a deadline instead of sleeping for a fixed time.</summary>
public static class Poll
{
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        T last;
        Exception? lastError = null;
        while (true)
        {
            try
            {
                last = await probe();
                if (done(last))
                    return last;
            }
            catch (Exception e)
            {
                lastError = e;
                last = default!;
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#} s waiting for {what}; last value: {last}", lastError);
            await Task.Delay(50);
        }
    }
}
