using System.Globalization;
using System.Text.RegularExpressions;

namespace OpsConsole.Tests.Support;

/// <summary>One scrape of a Prometheus text endpoint, read as Prometheus reads it: samples by name and labels.</summary>
public sealed partial class PrometheusScrape(string text)
{
    public string Text { get; } = text;

    public static async Task<PrometheusScrape> ReadAsync(HttpClient client, string path = "/metrics")
    {
        using var response = await client.GetAsync(path);
        response.EnsureSuccessStatusCode();
        return new PrometheusScrape(await response.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// The sum of the samples named <paramref name="name"/> whose labels include all of <paramref name="labels"/> ("key=value");
    /// 0 when there is none, as for a counter not yet moved (OpenTelemetry exports an instrument once it has a measurement).
    /// </summary>
    public double Sum(string name, params string[] labels)
    {
        double sum = 0;
        foreach (Match sample in Sample().Matches(Text))
        {
            if (sample.Groups["name"].Value != name)
                continue;
            var present = Label().Matches(sample.Groups["labels"].Value).Select(l => $"{l.Groups[1].Value}={l.Groups[2].Value}").ToHashSet();
            if (labels.All(present.Contains))
                sum += double.Parse(sample.Groups["value"].Value, CultureInfo.InvariantCulture);
        }
        return sum;
    }

    /// <summary>The metric families (their <c># TYPE</c> names) that start with <paramref name="prefix"/>.</summary>
    public IReadOnlySet<string> Families(string prefix) =>
        TypeLine().Matches(Text).Select(m => m.Groups[1].Value).Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).ToHashSet();

    [GeneratedRegex(@"^# TYPE (\S+) ", RegexOptions.Multiline)]
    private static partial Regex TypeLine();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})?\s+(?<value>\S+)", RegexOptions.Multiline)]
    private static partial Regex Sample();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex Label();
}
